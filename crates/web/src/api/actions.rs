//! `/api/v1/actions`: actions from objectives' plans, reviews, audits,
//! incidents and feedback; an open action past its due date is overdue.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::performance_dto::{ActionIn, ActionOut, no_version_on_create, version_of_change};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_core::ActionId;
use mandate_core::performance::Action;
use mandate_core::timefmt::now;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActionQuery {
    /// Only open actions (open or in progress).
    #[serde(default)]
    pub open: bool,
    /// Only overdue actions.
    #[serde(default)]
    pub overdue: bool,
    /// 1 to 500; 50 by default.
    pub limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

async fn out(state: &AppState, viewer: &Viewer, actions: Vec<Action>) -> ApiResult<Vec<ActionOut>> {
    let owners = actions.iter().map(|a| a.fields.owner_id).collect();
    let names = state.store.person_names(viewer.user.org_id, owners).await?;
    let today = now().date();
    Ok(actions
        .iter()
        .map(|a| {
            let owner = names.get(&a.fields.owner_id).cloned().unwrap_or_default();
            ActionOut::new(a, owner, today)
        })
        .collect())
}

#[utoipa::path(get, operation_id = "actions_list", path = "/api/v1/actions", params(ActionQuery),
    tag = "performance", responses((status = 200, body = Listing<ActionOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<ActionQuery>,
) -> ApiResult<Json<Listing<ActionOut>>> {
    let today = now().date();
    // A line manager reads the actions their area owns.
    let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
    let actions: Vec<Action> = state
        .store
        .actions(viewer.user.org_id)
        .await?
        .into_iter()
        .filter(|a| area.contains(a.fields.owner_id))
        .filter(|a| !query.open || a.fields.status.is_open())
        .filter(|a| !query.overdue || a.overdue_days(today).is_some())
        .collect();
    let paging = Paging {
        limit: query.limit,
        cursor: query.cursor,
    };
    Ok(Json(page(out(&state, &viewer, actions).await?, &paging)?))
}

#[utoipa::path(post, operation_id = "actions_create", path = "/api/v1/actions", request_body = ActionIn,
    tag = "performance", responses((status = 201, body = ActionOut), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ActionIn>,
) -> ApiResult<impl IntoResponse> {
    no_version_on_create(input.version, "an action")?;
    let saved = state
        .store
        .save_action(
            &viewer.actor(),
            viewer.user.org_id,
            None,
            None,
            input.fields()?,
        )
        .await?;
    let mut one = out(&state, &viewer, vec![saved]).await?;
    Ok((StatusCode::CREATED, Json(one.remove(0))))
}

#[utoipa::path(put, operation_id = "actions_update", path = "/api/v1/actions/{id}",
    params(("id" = Uuid, Path)), request_body = ActionIn, tag = "performance",
    responses((status = 200, body = ActionOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ActionIn>,
) -> ApiResult<Json<ActionOut>> {
    let version = version_of_change(input.version)?;
    let saved = state
        .store
        .save_action(
            &viewer.actor(),
            viewer.user.org_id,
            Some(ActionId(id)),
            Some(version),
            input.fields()?,
        )
        .await?;
    let mut one = out(&state, &viewer, vec![saved]).await?;
    Ok(Json(one.remove(0)))
}
