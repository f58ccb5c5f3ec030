//! The training completions CSV: a header row `email,course,completed_on`
//! (in any order, optionally `expires_on` and `note`); `course` is the
//! course's title or id. Every row is checked and every problem reported
//! with its line; finding people and courses is the caller's.

use mandate_core::commitment::training::CompletionRow;
use mandate_core::import::RowError;
use mandate_core::timefmt::parse_date;
use std::io::Read;

pub const COLUMNS: &[&str] = &["email", "course", "completed_on", "expires_on", "note"];
const REQUIRED: &[&str] = &["email", "course", "completed_on"];

/// The rows that parsed, and the line-numbered problems of those that did not.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<CompletionRow>,
    pub errors: Vec<RowError>,
}

fn date(field: &str, raw: &str, problems: &mut Vec<String>) -> Option<time::Date> {
    parse_date(raw)
        .map_err(|_| problems.push(format!("{field}: {raw:?} is not a date (YYYY-MM-DD)")))
        .ok()
}

pub fn parse(input: impl Read) -> Parsed {
    let table = crate::csv_table::read(input, COLUMNS, REQUIRED);
    let mut parsed = Parsed {
        rows: Vec::new(),
        errors: table.errors,
    };
    for record in table.records {
        let mut problems = Vec::new();
        for (index, field) in ["email", "course"].iter().enumerate() {
            if record.get(index).is_empty() {
                problems.push(format!("{field}: empty"));
            }
        }
        let completed_on = date("completed_on", record.get(2), &mut problems);
        let expires_on = match record.get(3) {
            "" => None,
            raw => date("expires_on", raw, &mut problems),
        };
        match completed_on {
            Some(completed_on) if problems.is_empty() => parsed.rows.push(CompletionRow {
                line: record.line,
                email: record.get(0).to_string(),
                course: record.get(1).to_string(),
                completed_on,
                expires_on,
                note: record.get(4).to_string(),
            }),
            _ => parsed.errors.push(RowError {
                line: record.line,
                message: problems.join("; "),
            }),
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn good_rows_parse_and_bad_ones_are_named_by_line() {
        let file = "course,email,completed_on,expires_on\n\
                    Security awareness,ada@example.com,2026-01-31,\n\
                    ,bob@example.com,31/01/2026,\n\
                    \n\
                    Secure coding,cy@example.com,2026-02-01,2025-13-01\n";
        let parsed = parse(file.as_bytes());
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.rows[0].completed_on, date!(2026 - 01 - 31));
        assert_eq!(parsed.rows[0].expires_on, None);
        let lines: Vec<usize> = parsed.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 5]);
        assert!(parsed.errors[0].message.contains("course: empty"));
        assert!(parsed.errors[0].message.contains("31/01/2026"));
        assert!(parsed.errors[1].message.contains("expires_on"));
    }
}
