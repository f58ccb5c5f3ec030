//! `/api/v1/leadership-statements` (5.1 d): written by the ISMS manager,
//! signed by the named top-management members (each signature names the
//! SHA-256 of the text read), published to staff. Staff see what is
//! published; work in progress is for those who read commitment records.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::performance_dto::{no_version_on_create, version_of_change};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_app::commitment::visible_statements;
use mandate_core::commitment::statement::{LeadershipStatement, StatementFields, StatementState};
use mandate_core::timefmt::now;
use mandate_core::{PersonId, StatementId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementIn {
    pub title: String,
    /// Markdown.
    pub body: String,
    /// People holding a top-management role, asked to sign.
    pub signatories: Vec<Uuid>,
    /// On change: the version as last read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl StatementIn {
    fn fields(&self) -> StatementFields {
        StatementFields {
            title: self.title.clone(),
            body: self.body.clone(),
            signatories: self.signatories.iter().copied().map(PersonId).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SignatureOut {
    pub person_id: Uuid,
    pub name: String,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    pub signed_at: OffsetDateTime,
    /// The SHA-256 of the text signed.
    pub body_sha256: String,
    /// Whether it is a signature of the current text.
    pub current: bool,
    pub authority: String,
}

#[derive(Serialize, ToSchema)]
pub struct StatementOut {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub body_sha256: String,
    /// `awaiting_signatures`, `signed`, `published` or `superseded`.
    pub state: String,
    pub signatories: Vec<Uuid>,
    /// Named signatories who have not signed the current text.
    pub missing: Vec<Uuid>,
    pub signatures: Vec<SignatureOut>,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    pub published_where: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    pub superseded_at: Option<OffsetDateTime>,
    pub version: i64,
}

pub fn state_name(state: StatementState) -> &'static str {
    match state {
        StatementState::AwaitingSignatures => "awaiting_signatures",
        StatementState::Signed => "signed",
        StatementState::Published => "published",
        StatementState::Superseded => "superseded",
    }
}

async fn out(
    state: &AppState,
    viewer: &Viewer,
    statements: Vec<LeadershipStatement>,
) -> ApiResult<Vec<StatementOut>> {
    let people = statements
        .iter()
        .flat_map(|s| s.signatures.iter().map(|g| g.person_id))
        .collect();
    let names = state.store.person_names(viewer.user.org_id, people).await?;
    let at = now();
    Ok(statements
        .into_iter()
        .map(|s| StatementOut {
            id: s.id.0,
            state: state_name(s.state_at(at)).into(),
            missing: s.missing_signatories(at).into_iter().map(|p| p.0).collect(),
            signatures: s
                .signatures
                .iter()
                .map(|g| SignatureOut {
                    person_id: g.person_id.0,
                    name: names.get(&g.person_id).cloned().unwrap_or_default(),
                    signed_at: g.signed_at,
                    body_sha256: g.body_sha256.clone(),
                    current: g.body_sha256 == s.body_sha256,
                    authority: g.authority.clone(),
                })
                .collect(),
            title: s.fields.title,
            body: s.fields.body,
            body_sha256: s.body_sha256,
            signatories: s.fields.signatories.into_iter().map(|p| p.0).collect(),
            published_at: s.published_at,
            published_where: s.published_where,
            superseded_at: s.superseded_at,
            version: s.version,
        })
        .collect())
}

#[utoipa::path(get, operation_id = "statements_list", path = "/api/v1/leadership-statements", params(Paging),
    tag = "commitment", responses((status = 200, body = Listing<StatementOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<StatementOut>>> {
    let statements = visible_statements(&state.store, &viewer.caller()).await?;
    Ok(Json(page(
        out(&state, &viewer, statements).await?,
        &paging,
    )?))
}

async fn one(state: &AppState, viewer: &Viewer, s: LeadershipStatement) -> ApiResult<StatementOut> {
    out(state, viewer, vec![s])
        .await?
        .pop()
        .ok_or_else(|| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "no statement"))
}

#[utoipa::path(post, operation_id = "statements_create", path = "/api/v1/leadership-statements",
    request_body = StatementIn, tag = "commitment",
    responses((status = 201, body = StatementOut), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<StatementIn>,
) -> ApiResult<impl IntoResponse> {
    no_version_on_create(input.version, "a statement")?;
    let saved = state
        .store
        .save_statement(
            &viewer.actor(),
            viewer.user.org_id,
            None,
            None,
            input.fields(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(one(&state, &viewer, saved).await?),
    ))
}

#[utoipa::path(put, operation_id = "statements_update", path = "/api/v1/leadership-statements/{id}",
    params(("id" = Uuid, Path)), request_body = StatementIn, tag = "commitment",
    responses((status = 200, body = StatementOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<StatementIn>,
) -> ApiResult<Json<StatementOut>> {
    let version = version_of_change(input.version)?;
    let saved = state
        .store
        .save_statement(
            &viewer.actor(),
            viewer.user.org_id,
            Some(StatementId(id)),
            Some(version),
            input.fields(),
        )
        .await?;
    Ok(Json(one(&state, &viewer, saved).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The SHA-256 of the text the signer read (`body_sha256` as last read).
    pub body_sha256: String,
}

#[utoipa::path(post, operation_id = "statements_sign", path = "/api/v1/leadership-statements/{id}/sign",
    params(("id" = Uuid, Path)), request_body = SignIn, tag = "commitment",
    responses((status = 200, body = StatementOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn sign(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<SignIn>,
) -> ApiResult<Json<StatementOut>> {
    let saved = state
        .store
        .sign_statement(
            &viewer.actor(),
            viewer.user.org_id,
            StatementId(id),
            &viewer.user,
            &input.body_sha256,
        )
        .await?;
    Ok(Json(one(&state, &viewer, saved).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishIn {
    /// Where staff find it: an intranet page, the handbook...
    pub published_where: String,
}

#[utoipa::path(post, operation_id = "statements_publish", path = "/api/v1/leadership-statements/{id}/publish",
    params(("id" = Uuid, Path)), request_body = PublishIn, tag = "commitment",
    responses((status = 200, body = StatementOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<PublishIn>,
) -> ApiResult<Json<StatementOut>> {
    let saved = state
        .store
        .publish_statement(
            &viewer.actor(),
            viewer.user.org_id,
            StatementId(id),
            &input.published_where,
        )
        .await?;
    Ok(Json(one(&state, &viewer, saved).await?))
}
