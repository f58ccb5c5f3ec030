//! `/api/v1/performance-reports`: reports on a period to top management
//! (5.3 b), produced by the holder of the performance-reporter duty and
//! recorded as presented to named top-management members.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::performance_dto::{ActionLineOut, KpiOut};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_app::performance::produce_report;
use mandate_core::performance::PerformanceReport;
use mandate_core::{PersonId, ReportId};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct ReportObjectiveOut {
    pub id: Uuid,
    pub title: String,
    pub status: String,
    pub reasons: Vec<String>,
    pub kpis: Vec<KpiOut>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportOut {
    pub id: Uuid,
    pub title: String,
    #[schema(value_type = String, format = Date)]
    pub period_from: Date,
    #[schema(value_type = String, format = Date)]
    pub period_to: Date,
    pub produced_by: Uuid,
    pub objectives: Vec<ReportObjectiveOut>,
    pub open_actions: Vec<ActionLineOut>,
    pub closed_actions: Vec<ActionLineOut>,
    #[schema(value_type = Option<String>, format = Date)]
    pub presented_on: Option<Date>,
    pub presented_to: Vec<Uuid>,
    pub version: i64,
}

impl From<PerformanceReport> for ReportOut {
    fn from(r: PerformanceReport) -> Self {
        Self {
            id: r.id.0,
            title: r.title,
            period_from: r.period_from,
            period_to: r.period_to,
            produced_by: r.produced_by.0,
            objectives: r
                .content
                .objectives
                .iter()
                .map(|o| ReportObjectiveOut {
                    id: o.id.0,
                    title: o.title.clone(),
                    status: o.health.as_str().into(),
                    reasons: o.reasons.clone(),
                    kpis: o.kpis.iter().map(KpiOut::from).collect(),
                })
                .collect(),
            open_actions: r
                .content
                .open_actions
                .iter()
                .map(ActionLineOut::from)
                .collect(),
            closed_actions: r
                .content
                .closed_actions
                .iter()
                .map(ActionLineOut::from)
                .collect(),
            presented_on: r.presented_on,
            presented_to: r.presented_to.iter().map(|p| p.0).collect(),
            version: r.version,
        }
    }
}

#[utoipa::path(get, operation_id = "performance_reports_list", path = "/api/v1/performance-reports", params(Paging),
    tag = "performance", responses((status = 200, body = Listing<ReportOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<ReportOut>>> {
    let all = state.store.performance_reports(viewer.user.org_id).await?;
    Ok(Json(page(
        all.into_iter().map(ReportOut::from).collect(),
        &paging,
    )?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportIn {
    pub title: String,
    #[schema(value_type = String, format = Date)]
    pub period_from: Date,
    #[schema(value_type = String, format = Date)]
    pub period_to: Date,
}

#[utoipa::path(post, operation_id = "performance_reports_create", path = "/api/v1/performance-reports",
    request_body = ReportIn, tag = "performance",
    responses((status = 201, body = ReportOut),
        (status = 403, body = Problem, description = "Not the holder of the performance-reporter duty"),
        (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ReportIn>,
) -> ApiResult<impl IntoResponse> {
    let report = produce_report(
        &state.store,
        &viewer.caller(),
        input.title,
        (input.period_from, input.period_to),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ReportOut::from(report))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresentationIn {
    #[schema(value_type = String, format = Date)]
    pub presented_on: Date,
    /// Top-management members it was presented to.
    pub presented_to: Vec<Uuid>,
}

#[utoipa::path(post, operation_id = "performance_reports_present", path = "/api/v1/performance-reports/{id}/presentation",
    params(("id" = Uuid, Path)), request_body = PresentationIn, tag = "performance",
    responses((status = 200, body = ReportOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn present(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<PresentationIn>,
) -> ApiResult<Json<ReportOut>> {
    let report = state
        .store
        .present_report(
            &viewer.actor(),
            viewer.user.org_id,
            ReportId(id),
            input.presented_on,
            input.presented_to.into_iter().map(PersonId).collect(),
        )
        .await?;
    Ok(Json(ReportOut::from(report)))
}
