//! `/api/v1/raci`: the RACI matrix of ISMS activities against roles.

use super::extract::ApiJson;
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mandate_app::roles::{RaciOut, matrix};
use mandate_core::roles::Raci;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[utoipa::path(get, operation_id = "raci_show", path = "/api/v1/raci", tag = "roles",
    responses((status = 200, body = RaciOut)))]
pub async fn show(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<RaciOut>> {
    Ok(Json(matrix(&state.store, &viewer.caller()).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CellIn {
    pub activity_id: Uuid,
    pub role_id: Uuid,
    /// "R", "A", "C", "I", or null to clear the cell.
    pub letter: Option<String>,
}

#[utoipa::path(put, operation_id = "raci_set_cells", path = "/api/v1/raci/cells", request_body = Vec<CellIn>, tag = "roles",
    responses((status = 200, body = RaciOut), (status = 422, body = Problem)))]
pub async fn set_cells(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(cells): ApiJson<Vec<CellIn>>,
) -> ApiResult<Json<RaciOut>> {
    let changes = cells
        .into_iter()
        .map(|c| {
            let letter = c
                .letter
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.parse::<Raci>())
                .transpose()
                .map_err(|e| {
                    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, format!("letter: {e}"))
                })?;
            Ok((c.activity_id, c.role_id, letter))
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    state
        .store
        .set_raci_cells(&viewer.actor(), viewer.user.org_id, &changes)
        .await?;
    Ok(Json(matrix(&state.store, &viewer.caller()).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityIn {
    pub name: String,
}

#[utoipa::path(post, operation_id = "raci_add_activity", path = "/api/v1/raci/activities", request_body = ActivityIn, tag = "roles",
    responses((status = 200, body = RaciOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_activity(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ActivityIn>,
) -> ApiResult<Json<RaciOut>> {
    state
        .store
        .add_activity(&viewer.actor(), viewer.user.org_id, &input.name)
        .await?;
    Ok(Json(matrix(&state.store, &viewer.caller()).await?))
}
