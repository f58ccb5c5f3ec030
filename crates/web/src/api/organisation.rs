//! `/api/v1/organisation`: the signed-in user's organisation.

use super::dto::{OrganisationOut, OrganisationUpdate};
use super::extract::ApiJson;
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mandate_store::OrganisationChanges;

#[utoipa::path(get, operation_id = "organisation_show", path = "/api/v1/organisation", tag = "organisation",
    responses((status = 200, body = OrganisationOut)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<OrganisationOut>> {
    let org = state.store.organisation(viewer.user.org_id).await?;
    org.map(|o| Json(OrganisationOut::from(o)))
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no such organisation"))
}

#[utoipa::path(put, operation_id = "organisation_update", path = "/api/v1/organisation", request_body = OrganisationUpdate, tag = "organisation",
    responses((status = 200, body = OrganisationOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<OrganisationUpdate>,
) -> ApiResult<Json<OrganisationOut>> {
    let changes = OrganisationChanges {
        name: input.name,
        purpose: input.purpose,
        scope_statement: input.scope_statement,
        strategic_goals: input.strategic_goals,
        fiscal_year_start_month: input.fiscal_year_start_month,
    };
    let org = state
        .store
        .update_organisation(&viewer.actor(), viewer.user.org_id, input.version, &changes)
        .await?;
    Ok(Json(OrganisationOut::from(org)))
}
