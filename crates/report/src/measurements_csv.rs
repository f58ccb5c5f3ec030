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
pub fn parse(input: impl Read) -> Parsed {
    let table = crate::csv_table::read(input, COLUMNS, REQUIRED);
    let mut parsed = Parsed {
        rows: Vec::new(),
        errors: table.errors,
    };
    for record in table.records {
        let mut problems = Vec::new();
        let kpi_name = record.get(0).to_string();
        if kpi_name.is_empty() {
            problems.push("kpi: empty; give the KPI's name or id".to_string());
        }
        let day = record.get(1);
        let measured_on = parse_date(day)
            .map_err(|_| problems.push(format!("measured_on: {day:?} is not a date (YYYY-MM-DD)")))
            .ok();
        let value = record.get(2);
        let parsed_value = mandate_core::performance::parse_number(value).or_else(|| {
            problems.push(format!("value: {value:?} is not a number"));
            None
        });
        match (measured_on, parsed_value, problems.is_empty()) {
            (Some(measured_on), Some(value), true) => parsed.rows.push(MeasurementRow {
                line: record.line,
                kpi: kpi_name,
                measured_on,
                value,
                note: record.get(3).to_string(),
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
