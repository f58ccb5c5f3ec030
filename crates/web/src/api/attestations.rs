//! `/api/v1/attestations` (5.1 h): line managers attest each period for
//! their area; the status of a period says who has and who has not.

use super::extract::{ApiJson, ApiQuery};
use super::performance_dto::invalid;
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_core::OrgId;
use mandate_core::commitment::attestation::{
    Attestation, AttestationFields, Period, attestation_status, last_ended_period,
};
use mandate_core::timefmt::now;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The organisation's attestation period length and fiscal start month.
pub async fn period_settings(state: &AppState, org: OrgId) -> ApiResult<(u8, u8)> {
    let (settings, _) = state.store.org_settings(org).await?;
    let start = state
        .store
        .organisation(org)
        .await?
        .map_or(1, |o| o.fiscal_year_start_month);
    Ok((settings.attestation_period_months, start))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttestationIn {
    /// Any day of the period attested for; its period is the organisation's.
    #[schema(value_type = String, format = Date)]
    pub period_start: Date,
    pub team_trained: bool,
    pub policies_acknowledged: bool,
    pub access_reviewed: bool,
    /// Needed when anything is not in order.
    #[serde(default)]
    pub comments: String,
}

#[derive(Serialize, ToSchema)]
pub struct AttestationOut {
    pub id: Uuid,
    pub manager_id: Uuid,
    pub manager: String,
    #[schema(value_type = String, format = Date)]
    pub period_start: Date,
    #[schema(value_type = String, format = Date)]
    pub period_end: Date,
    pub team_trained: bool,
    pub policies_acknowledged: bool,
    pub access_reviewed: bool,
    pub comments: String,
    pub team_size: u32,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    pub attested_at: OffsetDateTime,
}

fn attestation_out(a: &Attestation, manager: String) -> AttestationOut {
    AttestationOut {
        id: a.id.0,
        manager_id: a.manager_id.0,
        manager,
        period_start: a.period.starts_on,
        period_end: a.period.ends_on,
        team_trained: a.fields.team_trained,
        policies_acknowledged: a.fields.policies_acknowledged,
        access_reviewed: a.fields.access_reviewed,
        comments: a.fields.comments.clone(),
        team_size: a.team_size,
        attested_at: a.attested_at,
    }
}

#[utoipa::path(post, operation_id = "attestations_create", path = "/api/v1/attestations",
    request_body = AttestationIn, tag = "commitment",
    responses((status = 201, body = AttestationOut), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<AttestationIn>,
) -> ApiResult<impl IntoResponse> {
    let org = viewer.user.org_id;
    let (months, start) = period_settings(&state, org).await?;
    let period = Period::containing(input.period_start, months, start);
    let fields = AttestationFields {
        team_trained: input.team_trained,
        policies_acknowledged: input.policies_acknowledged,
        access_reviewed: input.access_reviewed,
        comments: input.comments,
    };
    let kept = state
        .store
        .attest(&viewer.actor(), org, &viewer.user, period, fields)
        .await?;
    let name = state
        .store
        .person(org, kept.manager_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    Ok((StatusCode::CREATED, Json(attestation_out(&kept, name))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// Any day of the period; the last ended period by default.
    pub on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OutstandingOut {
    pub person_id: Uuid,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct PeriodStatusOut {
    #[schema(value_type = String, format = Date)]
    pub period_start: Date,
    #[schema(value_type = String, format = Date)]
    pub period_end: Date,
    /// Line managers at the period's end (or today).
    pub managers: usize,
    pub attested: usize,
    /// Attested with something not in order.
    pub with_exceptions: usize,
    pub outstanding: Vec<OutstandingOut>,
    pub attestations: Vec<AttestationOut>,
}

/// Who has attested for the period containing `on`, as of today, among
/// the line managers of `area` (a line manager reads their own area's).
pub async fn period_status(
    state: &AppState,
    org: OrgId,
    on: Date,
    area: &mandate_app::people::Area,
) -> ApiResult<PeriodStatusOut> {
    let (months, start) = period_settings(state, org).await?;
    let period = Period::containing(on, months, start);
    let mut people = state.store.people_all(org).await?;
    people.retain(|p| area.contains(p.id));
    let mut all = state.store.attestations(org).await?;
    all.retain(|a| area.contains(a.manager_id));
    let status = attestation_status(&people, &all, period, now().date());
    let names: std::collections::HashMap<_, _> =
        people.iter().map(|p| (p.id, p.name.clone())).collect();
    let name = |p| names.get(&p).cloned().unwrap_or_default();
    Ok(PeriodStatusOut {
        period_start: period.starts_on,
        period_end: period.ends_on,
        managers: status.managers,
        attested: status.attested,
        with_exceptions: status.with_exceptions,
        outstanding: status
            .outstanding
            .iter()
            .map(|p| OutstandingOut {
                person_id: p.0,
                name: name(*p),
            })
            .collect(),
        attestations: all
            .iter()
            .filter(|a| a.period == period)
            .map(|a| attestation_out(a, name(a.manager_id)))
            .collect(),
    })
}

#[utoipa::path(get, operation_id = "attestations_status", path = "/api/v1/attestations", params(PeriodQuery),
    tag = "commitment", responses((status = 200, body = PeriodStatusOut), (status = 422, body = Problem)))]
pub async fn status(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<PeriodStatusOut>> {
    let org = viewer.user.org_id;
    let on = match query.on.as_deref() {
        Some(raw) => mandate_core::timefmt::parse_date(raw)
            .map_err(|_| invalid(format!("on: {raw:?} is not a date (YYYY-MM-DD)")))?,
        None => {
            let (months, start) = period_settings(&state, org).await?;
            last_ended_period(now().date(), months, start).starts_on
        }
    };
    let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
    Ok(Json(period_status(&state, org, on, &area).await?))
}
