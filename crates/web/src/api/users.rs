//! `/api/v1/users`: login accounts and their access roles.

use super::dto::{UserOut, UsersOut};
use crate::auth::Viewer;
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;

#[utoipa::path(get, operation_id = "users_list", path = "/api/v1/users", tag = "users", responses((status = 200, body = UsersOut)))]
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<UsersOut>> {
    let users = state.store.users(viewer.user.org_id).await?;
    Ok(Json(UsersOut {
        items: users.into_iter().map(UserOut::from).collect(),
    }))
}
