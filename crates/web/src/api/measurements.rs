//! KPI values: `/api/v1/kpis/{id}/measurements` to read them,
//! `/api/v1/measurements` to record a batch as JSON and
//! `/api/v1/measurements/csv` as a CSV file. A batch is all or nothing.
//!
//! Every route that records values (these and the pages' forms) goes
//! through [`record_batch`]; who may record which value is decided by the
//! store, inside the transaction that writes: a line manager only for the
//! KPIs they are asked for (whose objective's owner role they hold today),
//! never replacing a value someone else entered. A refusal is a 403 naming
//! each refused entry and its KPI, by line for a file.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use crate::auth::Viewer;
use crate::problem::{ApiResult, LineError, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mandate_app::commitment::entries_from_csv;
use mandate_core::KpiId;
use mandate_core::performance::MeasurementEntry;
use mandate_core::timefmt::now;
use mandate_store::{MeasurementSummary, Store, StoreError};
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
pub struct MeasurementSummaryOut {
    pub added: usize,
    /// Values for a day already measured, replaced (the old value is in the audit log).
    pub corrected: usize,
    pub unchanged: usize,
}

impl From<MeasurementSummary> for MeasurementSummaryOut {
    fn from(s: MeasurementSummary) -> Self {
        Self {
            added: s.added,
            corrected: s.corrected,
            unchanged: s.unchanged,
        }
    }
}

#[utoipa::path(get, operation_id = "kpi_measurements_list", path = "/api/v1/kpis/{id}/measurements",
    params(Paging, ("id" = Uuid, Path)), tag = "performance",
    responses((status = 200, body = Listing<MeasurementOut>)))]
pub async fn of_kpi(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<MeasurementOut>>> {
    let values = state
        .store
        .measurements(viewer.user.org_id, Some(KpiId(id)))
        .await?;
    Ok(Json(page(
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
        &paging,
    )?))
}

#[utoipa::path(post, operation_id = "measurements_record", path = "/api/v1/measurements",
    request_body = Vec<MeasurementIn>, tag = "performance",
    responses((status = 200, body = MeasurementSummaryOut),
        (status = 403, body = Problem, description = "A value you may not record (a KPI you are not asked for, or a value someone else entered); `errors` lists each by its position in the batch (1-based) and names its KPI; nothing recorded"),
        (status = 422, body = Problem)))]
pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<Vec<MeasurementIn>>,
) -> ApiResult<Json<MeasurementSummaryOut>> {
    let entries = input
        .into_iter()
        .map(|m| MeasurementEntry {
            kpi_id: KpiId(m.kpi_id),
            measured_on: m.measured_on,
            value: m.value,
            note: m.note,
        })
        .collect();
    let summary = record_batch(&state.store, &viewer, entries, None).await?;
    Ok(Json(summary.into()))
}

/// Records a batch of values for `viewer`: the one path of the API and the
/// pages to the store, which decides, in the transaction that writes,
/// whether this login may record each value. `lines` gives, for a file, the
/// line of each entry, so a refusal points at them.
pub async fn record_batch(
    store: &Store,
    viewer: &Viewer,
    entries: Vec<MeasurementEntry>,
    lines: Option<&[usize]>,
) -> Result<MeasurementSummary, Problem> {
    store
        .record_measurements(&viewer.actor(), viewer.user.org_id, viewer.user.id, entries)
        .await
        .map_err(|e| refusal(e, lines))
}

/// A store error as a problem; a refusal that names its entries (one a line,
/// `entry N: ...`, after its first line) becomes a 403 listing them in
/// `errors` like a file's other problems: by the file's line, or by the
/// entry's position in a batch.
fn refusal(e: StoreError, lines: Option<&[usize]>) -> Problem {
    let StoreError::Refused(message) = &e else {
        return e.into();
    };
    let mut parts = message.lines();
    let headline = parts.next().unwrap_or_default().to_string();
    let mut errors = Vec::new();
    for part in parts {
        let parsed = part.strip_prefix("entry ").and_then(|rest| {
            let (n, text) = rest.split_once(": ")?;
            Some((n.parse::<usize>().ok()?, text))
        });
        let Some((n, text)) = parsed else {
            return e.into();
        };
        let line = match lines {
            Some(lines) => lines.get(n.wrapping_sub(1)).copied().unwrap_or(n),
            None => n,
        };
        errors.push(LineError {
            line,
            message: text.to_string(),
        });
    }
    if errors.is_empty() {
        return e.into();
    }
    let total = errors.len();
    errors.truncate(mandate_core::import::MAX_LISTED_PROBLEMS);
    let label = if lines.is_some() { "line" } else { "entry" };
    let mut listed: Vec<String> = errors
        .iter()
        .map(|e| format!("{label} {}: {}", e.line, e.message))
        .collect();
    if total > errors.len() {
        listed.push(format!("and {} more", total - errors.len()));
    }
    let mut problem = Problem::new(
        StatusCode::FORBIDDEN,
        format!("{headline}: {}", listed.join("; ")),
    );
    problem.errors_not_listed = total - errors.len();
    problem.errors = errors;
    problem
}

#[utoipa::path(post, operation_id = "measurements_upload_csv", path = "/api/v1/measurements/csv",
    request_body(content = String, content_type = "text/csv",
        description = "A header row `kpi,measured_on,value` (optionally `note`); `kpi` is the KPI's name or id."),
    tag = "performance",
    responses((status = 200, body = MeasurementSummaryOut),
        (status = 403, body = Problem, description = "Values you may not record (a KPI you are not asked for, or a value someone else entered), by line in `errors`, each naming its KPI; nothing recorded"),
        (status = 422, body = Problem, description = "Problems by line in `errors`; nothing recorded")))]
pub async fn upload_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    body: String,
) -> ApiResult<Json<MeasurementSummaryOut>> {
    let org = viewer.user.org_id;
    let file = entries_from_csv(&state.store, org, now().date(), &body).await?;
    let summary = record_batch(&state.store, &viewer, file.entries, Some(&file.lines)).await?;
    Ok(Json(summary.into()))
}
