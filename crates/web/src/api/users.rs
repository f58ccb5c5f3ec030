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
use mandate_core::{AccessRole, NewUser, PersonId, User, UserId};
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

/// Gives a person a login; shared by the API and the pages.
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
    let new = NewUser {
        person_id: person,
        access_role,
        password_hash: Some(hash),
    };
    let user = state
        .store
        .create_user(&viewer.actor(), viewer.user.org_id, &new)
        .await?;
    tracing::info!(by = %viewer.user.email, user = %user.email, role = %user.access_role, "login created");
    Ok(user)
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
    let user = change_login(
        &state,
        &viewer,
        UserId(id),
        role(&input.access_role)?,
        input.disabled,
    )
    .await?;
    Ok(Json(UserOut::from(user)))
}

/// Changes a login's role or disables it; an admin cannot lock themselves out.
pub async fn change_login(
    state: &AppState,
    viewer: &Viewer,
    id: UserId,
    access_role: AccessRole,
    disabled: bool,
) -> Result<User, Problem> {
    if id == viewer.user.id && (disabled || access_role != AccessRole::Admin) {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "you cannot take away your own admin access; ask another admin",
        ));
    }
    let user = state
        .store
        .update_user(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            access_role,
            disabled,
        )
        .await?;
    tracing::info!(by = %viewer.user.email, user = %user.email, role = %user.access_role, disabled, "login changed");
    Ok(user)
}
