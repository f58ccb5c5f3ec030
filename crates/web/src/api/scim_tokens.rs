//! `/api/v1/scim-tokens`: the tokens with which an identity provider
//! provisions the register through SCIM. An admin's, from a signed-in
//! session: a SCIM token may change anyone's email, so it is worth an admin.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use crate::auth::{Via, Viewer};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_app::identity::scim::issue_scim_token;
use mandate_store::ScimToken;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct ScimTokenOut {
    pub id: Uuid,
    /// The provider's name; its changes are audited as `scim:<name>`.
    pub name: String,
    /// Who made it, as the audit log names actors.
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<ScimToken> for ScimTokenOut {
    fn from(t: ScimToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            created_by: t.created_by,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScimTokenIn {
    /// 1 to 100 letters, digits, spaces, `-`, `_` or `.`; unique among live tokens.
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ScimTokenCreated {
    pub token: ScimTokenOut,
    /// Shown this once: give it to the provider as its bearer token.
    pub secret: String,
}

#[utoipa::path(get, operation_id = "scim_tokens_list", path = "/api/v1/scim-tokens", params(Paging), tag = "people",
    responses((status = 200, body = Listing<ScimTokenOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<ScimTokenOut>>> {
    let tokens = state.store.scim_tokens(viewer.user.org_id).await?;
    let items = tokens.into_iter().map(ScimTokenOut::from).collect();
    Ok(Json(page(items, &paging)?))
}

/// Makes a token for the viewer's organisation; the secret is returned once.
pub async fn issue(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
) -> Result<(ScimToken, String), Problem> {
    if matches!(viewer.via, Via::Token) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "SCIM tokens are made from a signed-in session, not with an API token",
        ));
    }
    Ok(issue_scim_token(&state.store, &viewer.actor(), viewer.user.org_id, name).await?)
}

#[utoipa::path(post, operation_id = "scim_tokens_create", path = "/api/v1/scim-tokens", request_body = ScimTokenIn, tag = "people",
    responses((status = 201, body = ScimTokenCreated), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ScimTokenIn>,
) -> ApiResult<impl IntoResponse> {
    let (token, secret) = issue(&state, &viewer, &input.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(ScimTokenCreated {
            token: token.into(),
            secret,
        }),
    ))
}

#[utoipa::path(post, operation_id = "scim_tokens_revoke", path = "/api/v1/scim-tokens/{id}/revoke", params(("id" = Uuid, Path)), tag = "people",
    responses((status = 200, body = ScimTokenOut), (status = 404, body = Problem)))]
pub async fn revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ScimTokenOut>> {
    let token = state
        .store
        .revoke_scim_token(&viewer.actor(), viewer.user.org_id, id)
        .await?;
    Ok(Json(token.into()))
}
