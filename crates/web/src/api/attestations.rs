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
use mandate_app::commitment::{
    AttestationOut, PeriodStatusOut, attest, period_settings, period_status,
};
use mandate_core::commitment::attestation::{AttestationFields, last_ended_period};
use mandate_core::timefmt::now;
use serde::Deserialize;
use time::Date;
use utoipa::{IntoParams, ToSchema};

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

#[utoipa::path(post, operation_id = "attestations_create", path = "/api/v1/attestations",
    request_body = AttestationIn, tag = "commitment",
    responses((status = 201, body = AttestationOut), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<AttestationIn>,
) -> ApiResult<impl IntoResponse> {
    let fields = AttestationFields {
        team_trained: input.team_trained,
        policies_acknowledged: input.policies_acknowledged,
        access_reviewed: input.access_reviewed,
        comments: input.comments,
    };
    let kept = attest(&state.store, &viewer.caller(), input.period_start, fields).await?;
    Ok((StatusCode::CREATED, Json(kept)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// Any day of the period; the last ended period by default.
    pub on: Option<String>,
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
            let (months, start) = period_settings(&state.store, org).await?;
            last_ended_period(now().date(), months, start).starts_on
        }
    };
    let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
    Ok(Json(
        period_status(&state.store, org, on, now().date(), &area).await?,
    ))
}
