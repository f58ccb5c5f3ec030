//! The KPI values CSV: a header row `kpi,measured_on,value` (in any order,
//! optionally `note`); `kpi` is the KPI's name or id. Every row is checked
//! and every problem reported with its line, so a file is fixed in one pass;
//! resolving names to KPIs is the caller's (it knows the register).

use mandate_core::import::RowError;
use mandate_core::timefmt::parse_date;
use std::io::Read;
use time::Date;

pub const COLUMNS: &[&str] = &["kpi", "measured_on", "value", "note"];
const REQUIRED: &[&str] = &["kpi", "measured_on", "value"];

/// One row as read: the KPI still named as the file names it.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasurementRow {
    pub line: usize,
    pub kpi: String,
    pub measured_on: Date,
    pub value: f64,
    pub note: String,
}

/// The rows that parsed, and the line-numbered problems of those that did not.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<MeasurementRow>,
    pub errors: Vec<RowError>,
}

/// Reads the file; a header problem is reported as an error on line 1.
pub fn parse(mut input: impl Read) -> Parsed {
    let mut parsed = Parsed::default();
    // Read whole (uploads are small) so line numbers come from byte offsets:
    // the reader's own line count skips blank lines.
    let mut text = String::new();
    if let Err(e) = input.read_to_string(&mut text) {
        parsed.errors.push(RowError {
            line: 1,
            message: format!("the file cannot be read as UTF-8 text: {e}"),
        });
        return parsed;
    }
    // The byte offset at which each line starts, to name a record's line.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_at = |byte: u64| {
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        // A record after blank lines starts at them; its line is the first
        // one with text.
        while matches!(text.as_bytes().get(at), Some(b'\n' | b'\r')) {
            at += 1;
        }
        line_starts.partition_point(|start| *start <= at)
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header_error = |message: String| RowError { line: 1, message };
    let headers = match reader.headers() {
        Ok(h) if h.iter().any(|c| !c.is_empty()) => h.clone(),
        Ok(_) => {
            parsed.errors.push(header_error(
                "the file is empty: it needs a header row kpi,measured_on,value".into(),
            ));
            return parsed;
        }
        Err(e) => {
            parsed
                .errors
                .push(header_error(format!("the header cannot be read: {e}")));
            return parsed;
        }
    };
    let mut position = [None; 4];
    for (index, name) in headers.iter().enumerate() {
        let name = name.to_ascii_lowercase();
        match COLUMNS.iter().position(|c| *c == name) {
            Some(known) if position[known].is_some() => parsed.errors.push(header_error(format!(
                "the header names the column {name:?} twice"
            ))),
            Some(known) => position[known] = Some(index),
            None => parsed.errors.push(header_error(format!(
                "the header names an unknown column {name:?} (known: {})",
                COLUMNS.join(", ")
            ))),
        }
    }
    for (column, found) in COLUMNS.iter().zip(position) {
        if REQUIRED.contains(column) && found.is_none() {
            parsed.errors.push(header_error(format!(
                "the header lacks the column {column:?}"
            )));
        }
    }
    if !parsed.errors.is_empty() {
        return parsed;
    }
    let [Some(kpi), Some(day), Some(value), note] = position else {
        return parsed;
    };
    for (index, record) in reader.records().enumerate() {
        // Line 1 is the header.
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(index + 2, |p| line_at(p.byte()));
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                parsed.errors.push(RowError {
                    line,
                    message: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or("").to_string();
        let mut problems = Vec::new();
        let kpi_name = field(kpi);
        if kpi_name.is_empty() {
            problems.push("kpi: empty; give the KPI's name or id".to_string());
        }
        let measured_on = parse_date(&field(day))
            .map_err(|_| {
                problems.push(format!(
                    "measured_on: {:?} is not a date (YYYY-MM-DD)",
                    field(day)
                ))
            })
            .ok();
        let parsed_value = mandate_core::performance::parse_number(&field(value)).or_else(|| {
            problems.push(format!("value: {:?} is not a number", field(value)));
            None
        });
        match (measured_on, parsed_value, problems.is_empty()) {
            (Some(measured_on), Some(value), true) => parsed.rows.push(MeasurementRow {
                line,
                kpi: kpi_name,
                measured_on,
                value,
                note: note.map(field).unwrap_or_default(),
            }),
            _ => parsed.errors.push(RowError {
                line,
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
    fn good_rows_parse_in_any_column_order_with_thousands_separators() {
        let file = "value,kpi,measured_on,note\n4.5,Click rate,2026-01-31,after campaign\n\"1,200\",Patched hosts,2026-01-31,\n";
        let parsed = parse(file.as_bytes());
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[0].measured_on, date!(2026 - 01 - 31));
        assert_eq!((parsed.rows[0].line, parsed.rows[0].value), (2, 4.5));
        assert_eq!(parsed.rows[0].note, "after campaign");
        assert_eq!(parsed.rows[1].value, 1200.0);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let file = "kpi,measured_on,value\nClick rate,2026-01-31,4\n,2026-02-30,many\n\nClick rate,2026-03-31,NaN\n";
        let parsed = parse(file.as_bytes());
        let lines: Vec<usize> = parsed.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 5]);
        assert!(parsed.errors[0].message.contains("kpi: empty"));
        assert!(parsed.errors[0].message.contains("2026-02-30"));
        assert!(parsed.errors[0].message.contains("\"many\""));
        assert_eq!(parsed.rows.len(), 1);
    }

    #[test]
    fn header_problems_are_reported_on_line_one() {
        let parsed = parse("kpi,value,colour\n".as_bytes());
        let messages: Vec<&str> = parsed.errors.iter().map(|e| e.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("unknown column \"colour\""))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("lacks the column \"measured_on\""))
        );
        assert!(parse("".as_bytes()).errors[0].message.contains("empty"));
    }
}
