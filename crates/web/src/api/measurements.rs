//! KPI values: `/api/v1/kpis/{id}/measurements` to read them,
//! `/api/v1/measurements` to record a batch as JSON and
//! `/api/v1/measurements/csv` as a CSV file. A batch is all or nothing.

use super::extract::{ApiJson, ApiPath};
use crate::auth::Viewer;
use crate::problem::{ApiResult, LineError, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use mandate_core::performance::{Kpi, MeasurementEntry};
use mandate_core::timefmt::now;
use mandate_core::{KpiId, OrgId};
use mandate_report::measurements_csv;
use mandate_store::{MeasurementSummary, Store};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementIn {
    pub kpi_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub measured_on: Date,
    pub value: f64,
    #[serde(default)]
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeasurementOut {
    pub kpi_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub measured_on: Date,
    pub value: f64,
    pub note: String,
    pub recorded_by: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct SummaryOut {
    pub added: usize,
    /// Values for a day already measured, replaced (the old value is in the audit log).
    pub corrected: usize,
    pub unchanged: usize,
}

impl From<MeasurementSummary> for SummaryOut {
    fn from(s: MeasurementSummary) -> Self {
        Self {
            added: s.added,
            corrected: s.corrected,
            unchanged: s.unchanged,
        }
    }
}

#[utoipa::path(get, operation_id = "kpi_measurements_list", path = "/api/v1/kpis/{id}/measurements",
    params(("id" = Uuid, Path)), tag = "performance",
    responses((status = 200, body = Vec<MeasurementOut>)))]
pub async fn of_kpi(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<MeasurementOut>>> {
    let values = state
        .store
        .measurements(viewer.user.org_id, Some(KpiId(id)))
        .await?;
    Ok(Json(
        values
            .into_iter()
            .map(|m| MeasurementOut {
                kpi_id: m.kpi_id.0,
                measured_on: m.measured_on,
                value: m.value,
                note: m.note,
                recorded_by: m.recorded_by.0,
            })
            .collect(),
    ))
}

#[utoipa::path(post, operation_id = "measurements_record", path = "/api/v1/measurements",
    request_body = Vec<MeasurementIn>, tag = "performance",
    responses((status = 200, body = SummaryOut), (status = 422, body = Problem)))]
pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<Vec<MeasurementIn>>,
) -> ApiResult<Json<SummaryOut>> {
    let entries = input
        .into_iter()
        .map(|m| MeasurementEntry {
            kpi_id: KpiId(m.kpi_id),
            measured_on: m.measured_on,
            value: m.value,
            note: m.note,
        })
        .collect();
    let summary = state
        .store
        .record_measurements(&viewer.actor(), viewer.user.org_id, viewer.user.id, entries)
        .await?;
    Ok(Json(summary.into()))
}

/// Parses a CSV file and resolves its KPI names; every problem is reported
/// with its line and nothing is recorded unless the whole file is good.
pub async fn entries_from_csv(
    store: &Store,
    org: OrgId,
    text: &str,
) -> Result<Vec<MeasurementEntry>, Problem> {
    let parsed = measurements_csv::parse(text.as_bytes());
    let kpis: Vec<Kpi> = store.kpis(org).await?;
    let today = now().date();
    let mut errors: Vec<LineError> = parsed
        .errors
        .into_iter()
        .map(|e| LineError {
            line: e.line,
            message: e.message,
        })
        .collect();
    let mut entries = Vec::new();
    let mut first_line = std::collections::HashMap::new();
    for row in parsed.rows {
        let found = kpis
            .iter()
            .find(|k| k.fields.name.eq_ignore_ascii_case(&row.kpi) || k.id.to_string() == row.kpi);
        let Some(kpi) = found else {
            errors.push(LineError {
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
            errors.push(LineError {
                line: row.line,
                message: format!(
                    "a second value for {:?} on {} (the first is on line {earlier})",
                    kpi.fields.name, row.measured_on
                ),
            });
            continue;
        }
        match entry.validated(today) {
            Ok(entry) => entries.push(entry),
            Err(message) => errors.push(LineError {
                line: row.line,
                message,
            }),
        }
    }
    if entries.is_empty() && errors.is_empty() {
        errors.push(LineError {
            line: 1,
            message: "the file has a header but no values".into(),
        });
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(Problem::in_file(errors))
    }
}

#[utoipa::path(post, operation_id = "measurements_upload_csv", path = "/api/v1/measurements/csv",
    request_body(content = String, content_type = "text/csv",
        description = "A header row `kpi,measured_on,value` (optionally `note`); `kpi` is the KPI's name or id."),
    tag = "performance",
    responses((status = 200, body = SummaryOut),
        (status = 422, body = Problem, description = "Problems by line in `errors`; nothing recorded")))]
pub async fn upload_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    body: String,
) -> ApiResult<Json<SummaryOut>> {
    let org = viewer.user.org_id;
    let entries = entries_from_csv(&state.store, org, &body).await?;
    let summary = state
        .store
        .record_measurements(&viewer.actor(), org, viewer.user.id, entries)
        .await?;
    Ok(Json(summary.into()))
}
