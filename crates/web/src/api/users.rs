//! `/api/v1/users`: login accounts and their access roles.

use super::dto::{UserIn, UserOut, UserUpdate};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use crate::auth::Viewer;
use crate::auth::password_checks::Busy;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mandate_app::people;
use mandate_core::{AccessRole, PersonId, User, UserId};
use uuid::Uuid;

#[utoipa::path(get, operation_id = "users_list", path = "/api/v1/users", params(Paging), tag = "users",
    responses((status = 200, body = Listing<UserOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<UserOut>>> {
    let users = state.store.users(viewer.user.org_id).await?;
    let items = users.into_iter().map(UserOut::from).collect();
    Ok(Json(page(items, &paging)?))
}

fn role(text: &str) -> Result<AccessRole, Problem> {
    text.parse()
        .map_err(|e: mandate_core::access::UnknownAccessRole| {
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
        })
}

#[utoipa::path(post, operation_id = "users_create", path = "/api/v1/users", request_body = UserIn, tag = "users",
    responses((status = 201, body = UserOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem), (status = 503, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<UserIn>,
) -> Result<impl IntoResponse, Response> {
    let role = role(&input.access_role).map_err(IntoResponse::into_response)?;
    let user = add_login(
        &state,
        &viewer,
        PersonId(input.person_id),
        role,
        input.password,
    )
    .await
    .map_err(Busy::answer)?;
    Ok((StatusCode::CREATED, Json(UserOut::from(user))))
}

/// Hashes a new login's password where password work is bounded, and
/// gives the person the login; shared by the API and the pages.
pub async fn add_login(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    access_role: AccessRole,
    password: String,
) -> Result<User, Problem> {
    let hash = match state.password_checks.hash(&password).await {
        Ok(Ok(hash)) => hash,
        Ok(Err(e)) => {
            return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                e.to_string(),
            ));
        }
        Err(Busy) => {
            tracing::warn!(by = %viewer.user.email, "login refused: too many password checks under way");
            return Err(Busy::problem());
        }
    };
    Ok(people::add_login(&state.store, &viewer.caller(), person, access_role, hash).await?)
}

#[utoipa::path(put, operation_id = "users_update", path = "/api/v1/users/{id}", params(("id" = Uuid, Path)),
    request_body = UserUpdate, tag = "users",
    responses((status = 200, body = UserOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<UserUpdate>,
) -> ApiResult<Json<UserOut>> {
    let user = people::change_login(
        &state.store,
        &viewer.caller(),
        UserId(id),
        role(&input.access_role)?,
        input.disabled,
    )
    .await?;
    Ok(Json(UserOut::from(user)))
}
