//! `/api/v1/me`: the signed-in user, and their API tokens.

use super::dto::{MeOut, OrganisationOut, PersonOut, TokenCreated, TokenIn, TokenOut, UserOut};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_core::token::ApiToken;
use uuid::Uuid;

#[utoipa::path(get, operation_id = "me_show", path = "/api/v1/me", tag = "me", responses((status = 200, body = MeOut)))]
pub async fn show(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<MeOut>> {
    let org = viewer.user.org_id;
    let person = state.store.person(org, viewer.user.person_id).await?;
    let organisation = state
        .store
        .organisation(org)
        .await?
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no organisation"))?;
    Ok(Json(MeOut {
        user: UserOut::from(viewer.user),
        person: person.map(PersonOut::from),
        organisation: OrganisationOut::from(organisation),
    }))
}

#[utoipa::path(get, operation_id = "me_tokens", path = "/api/v1/me/tokens", params(Paging), tag = "me",
    responses((status = 200, body = Listing<TokenOut>)))]
pub async fn tokens(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<TokenOut>>> {
    let tokens = state
        .store
        .tokens_of_user(viewer.user.org_id, viewer.user.id)
        .await?;
    let items = tokens.into_iter().map(TokenOut::from).collect();
    Ok(Json(page(items, &paging)?))
}

#[utoipa::path(post, operation_id = "me_create_token", path = "/api/v1/me/tokens", request_body = TokenIn, tag = "me",
    responses((status = 201, body = TokenCreated), (status = 422, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<TokenIn>,
) -> ApiResult<impl IntoResponse> {
    let (token, secret) = issue_token(&state, &viewer, &input.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            token: TokenOut::from(token),
            secret,
        }),
    ))
}

/// Creates a token for the viewer; the secret is returned once.
pub async fn issue_token(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
) -> Result<(ApiToken, String), Problem> {
    // A token cannot mint tokens: a leaked one must not outlive its revocation.
    if matches!(viewer.via, crate::auth::Via::Token) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "API tokens are created from a signed-in session, not with a token",
        ));
    }
    Ok(mandate_app::people::issue_token(&state.store, &viewer.caller(), name).await?)
}

#[utoipa::path(post, operation_id = "me_revoke_token", path = "/api/v1/me/tokens/{id}/revoke", params(("id" = Uuid, Path)), tag = "me",
    responses((status = 200, body = TokenOut), (status = 404, body = Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<TokenOut>> {
    let token = state
        .store
        .revoke_token(&viewer.actor(), viewer.user.org_id, viewer.user.id, id)
        .await?;
    Ok(Json(TokenOut::from(token)))
}
