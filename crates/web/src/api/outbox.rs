//! `/api/v1/outbox` and `/api/v1/mail-templates`: the mail Mandate sent,
//! waits to send or may not have sent, and the templates it is written
//! from. Without an SMTP server configured, mail waits here to be read.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, page_size};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mandate_core::OrgId;
use mandate_core::outbox::{Mail, MailState};
use mandate_notify::organisation_templates::{MailTemplate, save_template, template_of};
use mandate_store::{OutboxQuery, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct MailOut {
    pub id: Uuid,
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// `queued`, `sending`, `sent`, `uncertain` or `failed`.
    pub state: String,
    pub attempts: i32,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    pub last_error: String,
}

impl From<&Mail> for MailOut {
    fn from(m: &Mail) -> Self {
        Self {
            id: m.id,
            kind: m.mail.kind.clone(),
            to: m.mail.to.clone(),
            subject: m.mail.subject.clone(),
            body: m.mail.body.clone(),
            state: m.state.as_str().into(),
            attempts: m.attempts,
            created_at: m.created_at,
            sent_at: m.sent_at,
            last_error: m.last_error.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OutboxSummary {
    /// Whether an SMTP server is configured; without one, mail waits in the outbox.
    pub smtp_configured: bool,
    /// How many messages are in each state (every state, zeros included).
    pub counts: BTreeMap<String, i64>,
}

/// What the outbox holds, by state, and whether it is sent anywhere.
pub async fn summary_of(state: &AppState, org: OrgId) -> ApiResult<OutboxSummary> {
    let counts = state.store.outbox_counts(org).await?;
    Ok(OutboxSummary {
        smtp_configured: state.config.mail.smtp_url.is_some(),
        counts: MailState::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), counts.get(s).copied().unwrap_or(0)))
            .collect(),
    })
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutboxParams {
    /// Only messages in this state: `queued`, `sending`, `sent`, `uncertain` or `failed`.
    pub state: Option<String>,
    /// 1 to 500; 50 by default.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl OutboxParams {
    /// The store's query, or what is wrong with a parameter (400).
    pub fn to_query(&self) -> Result<OutboxQuery, Problem> {
        let bad = |message: &str| Problem::new(StatusCode::BAD_REQUEST, message);
        let limit = page_size(self.limit)?;
        let state =
            match self.state.as_deref().filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(MailState::parse(s).ok_or_else(|| {
                    bad("state must be queued, sending, sent, uncertain or failed")
                })?),
            };
        let after = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(Uuid::try_parse(c).map_err(|_| {
                bad("cursor: not one this list gave; start again without a cursor")
            })?),
        };
        Ok(OutboxQuery {
            state,
            after,
            limit,
        })
    }
}

/// One page of the outbox, newest first.
pub async fn page_of(
    state: &AppState,
    org: OrgId,
    query: &OutboxQuery,
) -> ApiResult<Listing<MailOut>> {
    let page = state
        .store
        .outbox_page(org, query)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(_) => Problem::new(
                StatusCode::BAD_REQUEST,
                "cursor: not one this list gave; start again without a cursor",
            ),
            other => other.into(),
        })?;
    Ok(Listing {
        items: page.items.iter().map(MailOut::from).collect(),
        next_cursor: page.next_after.map(|id| id.simple().to_string()),
    })
}

#[utoipa::path(get, operation_id = "outbox_list", path = "/api/v1/outbox", tag = "mail",
    params(OutboxParams),
    responses((status = 200, body = Listing<MailOut>), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(params): ApiQuery<OutboxParams>,
) -> ApiResult<Json<Listing<MailOut>>> {
    let query = params.to_query()?;
    Ok(Json(page_of(&state, viewer.user.org_id, &query).await?))
}

#[utoipa::path(get, operation_id = "outbox_summary", path = "/api/v1/outbox/summary", tag = "mail",
    responses((status = 200, body = OutboxSummary)))]
pub async fn summary(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<OutboxSummary>> {
    Ok(Json(summary_of(&state, viewer.user.org_id).await?))
}

#[utoipa::path(post, operation_id = "outbox_requeue", path = "/api/v1/outbox/{id}/requeue",
    params(("id" = Uuid, Path)), tag = "mail",
    responses((status = 204), (status = 409, body = Problem)))]
pub async fn requeue(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    state.store.requeue_mail(viewer.user.org_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateBody {
    /// MiniJinja, rendered as plain text.
    pub subject: String,
    pub body: String,
    /// 0 while the default is used; send the version last read.
    pub version: i64,
    /// On reading: whether this is the default (the organisation has none of its own).
    #[serde(default)]
    pub default: bool,
}

impl From<MailTemplate> for TemplateBody {
    fn from(t: MailTemplate) -> Self {
        Self {
            subject: t.subject,
            body: t.body,
            version: t.version,
            default: t.default,
        }
    }
}

impl From<TemplateBody> for MailTemplate {
    fn from(t: TemplateBody) -> Self {
        Self {
            subject: t.subject,
            body: t.body,
            version: t.version,
            default: t.default,
        }
    }
}

#[utoipa::path(get, operation_id = "mail_templates_show", path = "/api/v1/mail-templates/{name}",
    params(("name" = String, Path)), tag = "mail",
    responses((status = 200, body = TemplateBody), (status = 404, body = Problem)))]
pub async fn template(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<TemplateBody>> {
    Ok(Json(
        template_of(&state.store, viewer.user.org_id, &name)
            .await?
            .into(),
    ))
}

#[utoipa::path(put, operation_id = "mail_templates_update", path = "/api/v1/mail-templates/{name}",
    params(("name" = String, Path)), request_body = TemplateBody, tag = "mail",
    responses((status = 200, body = TemplateBody), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_template(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(name): ApiPath<String>,
    ApiJson(input): ApiJson<TemplateBody>,
) -> ApiResult<Json<TemplateBody>> {
    Ok(Json(
        save_template(&state.store, &viewer.caller(), &name, input.into())
            .await?
            .into(),
    ))
}
