//! The people CSV: a header row with at least `name,email`, optionally
//! `department, manager_email, start_date, end_date, kind`.
//!
//! Every row is checked and every problem reported with its line number, so
//! a file is fixed in one pass rather than one error at a time.

use mandate_core::Email;
use mandate_core::import::{ImportRow, RowError};
use mandate_core::timefmt::parse_date;
use std::io::Read;

pub const COLUMNS: &[&str] = &[
    "name",
    "email",
    "department",
    "manager_email",
    "start_date",
    "end_date",
    "kind",
];

/// A problem with the file as a whole (its header); row problems are
/// [`RowError`]s.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CsvError {
    #[error("the file is empty: it needs a header row with at least name,email")]
    Empty,
    #[error("the header lacks the column {0:?} (it needs at least name,email)")]
    MissingColumn(&'static str),
    #[error("the header names an unknown column {0:?} (known: {known})", known = COLUMNS.join(", "))]
    UnknownColumn(String),
    #[error("the header names the column {0:?} twice")]
    DuplicateColumn(String),
    #[error("the header cannot be read: {0}")]
    Unreadable(String),
}

/// The rows that parsed, and the line-numbered problems of those that did not.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<ImportRow>,
    pub errors: Vec<RowError>,
}

struct Layout {
    name: usize,
    email: usize,
    department: Option<usize>,
    manager_email: Option<usize>,
    start_date: Option<usize>,
    end_date: Option<usize>,
    kind: Option<usize>,
}

pub fn parse(input: impl Read) -> Result<Parsed, CsvError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| CsvError::Unreadable(e.to_string()))?
        .clone();
    if headers.is_empty() || headers.iter().all(str::is_empty) {
        return Err(CsvError::Empty);
    }
    let layout = layout(&headers)?;
    let mut parsed = Parsed::default();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                match row(&layout, &record, line) {
                    Ok(row) => parsed.rows.push(row),
                    Err(message) => parsed.errors.push(RowError { line, message }),
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        format!("found {len} fields where the header has {expected_len}")
                    }
                    csv::ErrorKind::Utf8 { .. } => "the line is not valid UTF-8".into(),
                    _ => e.to_string(),
                };
                parsed.errors.push(RowError { line, message });
            }
        }
    }
    Ok(parsed)
}

fn layout(headers: &csv::StringRecord) -> Result<Layout, CsvError> {
    let names: Vec<String> = headers
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    for (i, name) in names.iter().enumerate() {
        if !COLUMNS.contains(&name.as_str()) {
            return Err(CsvError::UnknownColumn(name.clone()));
        }
        if names[..i].contains(name) {
            return Err(CsvError::DuplicateColumn(name.clone()));
        }
    }
    let find = |column: &str| names.iter().position(|n| n == column);
    Ok(Layout {
        name: find("name").ok_or(CsvError::MissingColumn("name"))?,
        email: find("email").ok_or(CsvError::MissingColumn("email"))?,
        department: find("department"),
        manager_email: find("manager_email"),
        start_date: find("start_date"),
        end_date: find("end_date"),
        kind: find("kind"),
    })
}

fn row(layout: &Layout, record: &csv::StringRecord, line: usize) -> Result<ImportRow, String> {
    let field = |i: usize| record.get(i).unwrap_or("");
    let optional = |i: Option<usize>| i.map(|i| Some(field(i)).filter(|v| !v.is_empty()));
    let name = field(layout.name);
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    let email = Email::parse(field(layout.email)).map_err(|e| e.to_string())?;
    let date = |column: &str, i: Option<usize>| -> Result<Option<Option<time::Date>>, String> {
        optional(i)
            .map(|v| {
                v.map(|d| {
                    parse_date(d).map_err(|_| format!("{column} {d:?} is not a date (YYYY-MM-DD)"))
                })
                .transpose()
            })
            .transpose()
    };
    let manager_email = optional(layout.manager_email)
        .map(|v| {
            v.map(|m| Email::parse(m).map_err(|e| format!("manager_email: {e}")))
                .transpose()
        })
        .transpose()?;
    let kind = optional(layout.kind)
        .flatten()
        .map(str::parse)
        .transpose()
        .map_err(|e| format!("{e}"))?;
    Ok(ImportRow {
        line,
        name: name.to_string(),
        email,
        department: optional(layout.department).map(|v| v.map(str::to_string)),
        manager_email,
        start_date: date("start_date", layout.start_date)?,
        end_date: date("end_date", layout.end_date)?,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mandate_core::PersonKind;

    #[test]
    fn a_full_file_parses_with_line_numbers() {
        let csv = "name,email,department,manager_email,start_date,end_date,kind\n\
                   Ana Silva,ana@x.io,IT,,2024-01-10,,employee\n\
                   Bo Chen,BO@x.io,IT,ana@x.io,2024-02-01,2025-06-30,contractor\n";
        let parsed = parse(csv.as_bytes()).expect("valid header");
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.rows.len(), 2);
        let bo = &parsed.rows[1];
        assert_eq!(bo.line, 3);
        assert_eq!(bo.email.as_str(), "bo@x.io");
        assert_eq!(bo.kind, Some(PersonKind::Contractor));
        assert_eq!(parsed.rows[0].manager_email, Some(None));
    }

    #[test]
    fn absent_columns_are_told_apart_from_empty_ones() {
        let parsed = parse("email,name\nana@x.io,Ana\n".as_bytes()).expect("valid header");
        assert_eq!(parsed.rows[0].department, None);
        assert_eq!(parsed.rows[0].kind, None);
    }

    #[test]
    fn every_bad_row_is_reported_by_line() {
        let csv = "name,email,start_date,kind\n\
                   Ana,ana@x.io,2024-01-10,employee\n\
                   ,nobody@x.io,,\n\
                   Bo,not-an-email,,\n\
                   Cy,cy@x.io,10/01/2024,\n\
                   Di,di@x.io,,intern\n\
                   Ed,ed@x.io\n";
        let parsed = parse(csv.as_bytes()).expect("valid header");
        let lines: Vec<usize> = parsed.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7]);
        assert!(parsed.errors[2].message.contains("not a date"));
        assert!(parsed.errors[4].message.contains("found 2 fields"));
        assert_eq!(parsed.rows.len(), 1);
    }

    #[test]
    fn header_problems_stop_the_whole_file() {
        assert_eq!(parse("".as_bytes()).err(), Some(CsvError::Empty));
        assert_eq!(
            parse("name\nAna\n".as_bytes()).err(),
            Some(CsvError::MissingColumn("email"))
        );
        assert_eq!(
            parse("name,email,departmnet\n".as_bytes()).err(),
            Some(CsvError::UnknownColumn("departmnet".into()))
        );
        assert_eq!(
            parse("name,email,name\n".as_bytes()).err(),
            Some(CsvError::DuplicateColumn("name".into()))
        );
    }
}
