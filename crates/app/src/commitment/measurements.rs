//! KPI values read from a CSV file: each row's KPI found by name or id,
//! every problem reported with its line, nothing kept unless the whole
//! file is good.

use crate::{AppError, AppResult};
use mandate_core::OrgId;
use mandate_core::import::RowError;
use mandate_core::performance::{Kpi, MeasurementEntry};
use mandate_report::measurements_csv;
use mandate_store::Store;
use std::collections::HashMap;
use time::Date;

/// The values of a CSV file, each with the line it is on.
pub struct CsvEntries {
    pub entries: Vec<MeasurementEntry>,
    pub lines: Vec<usize>,
}

/// Parses a CSV file and resolves its KPI names; every problem is reported
/// with its line and nothing is recorded unless the whole file is good.
pub async fn entries_from_csv(
    store: &Store,
    org: OrgId,
    today: Date,
    text: &str,
) -> AppResult<CsvEntries> {
    let parsed = measurements_csv::parse(text.as_bytes());
    let kpis: Vec<Kpi> = store.kpis(org).await?;
    let mut errors: Vec<RowError> = parsed
        .errors
        .into_iter()
        .map(|e| RowError {
            line: e.line,
            message: e.message,
        })
        .collect();
    let mut entries = Vec::new();
    let mut lines = Vec::new();
    let mut first_line = HashMap::new();
    for row in parsed.rows {
        let found = kpis
            .iter()
            .find(|k| k.fields.name.eq_ignore_ascii_case(&row.kpi) || k.id.to_string() == row.kpi);
        let Some(kpi) = found else {
            errors.push(RowError {
                line: row.line,
                message: format!("kpi: no KPI is called {:?}", row.kpi),
            });
            continue;
        };
        let entry = MeasurementEntry {
            kpi_id: kpi.id,
            measured_on: row.measured_on,
            value: row.value,
            note: row.note,
        };
        if let Some(earlier) = first_line.insert((kpi.id, row.measured_on), row.line) {
            errors.push(RowError {
                line: row.line,
                message: format!(
                    "a second value for {:?} on {} (the first is on line {earlier})",
                    kpi.fields.name, row.measured_on
                ),
            });
            continue;
        }
        match entry.validated(today) {
            Ok(entry) => {
                entries.push(entry);
                lines.push(row.line);
            }
            Err(message) => errors.push(RowError {
                line: row.line,
                message,
            }),
        }
    }
    if entries.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line: 1,
            message: "the file has a header but no values".into(),
        });
    }
    if errors.is_empty() {
        Ok(CsvEntries { entries, lines })
    } else {
        errors.sort_by_key(|e| e.line);
        Err(AppError::InFile(errors))
    }
}
