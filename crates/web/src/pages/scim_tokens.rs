//! `/users/scim`: an admin makes and revokes the tokens with which an
//! identity provider provisions the register through SCIM.

use super::page_path::PagePath;
use super::{Layout, PageError, render_with};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

pub struct TokenView {
    pub id: String,
    pub name: String,
    pub created: String,
    pub created_by: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "scim_tokens.html")]
struct ScimTokensPage {
    layout: Layout,
    scim_url: String,
    tokens: Vec<TokenView>,
    secret: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Params {
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<&str>,
    secret: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let layout = Layout::new(state, viewer, "Provisioning (SCIM)", "/users")
        .await?
        .with_notice(notice);
    let minute =
        |t: time::OffsetDateTime| mandate_core::timefmt::format_instant(t)[..16].replace('T', " ");
    // "user:<id>" as the audit log has it, shown as the login's email.
    let logins: std::collections::HashMap<String, String> = state
        .store
        .users(viewer.user.org_id)
        .await?
        .into_iter()
        .map(|u| (format!("user:{}", u.id), u.email.to_string()))
        .collect();
    let tokens = state
        .store
        .scim_tokens(viewer.user.org_id)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id.to_string(),
            name: t.name,
            created: minute(t.created_at),
            created_by: logins.get(&t.created_by).cloned().unwrap_or(t.created_by),
            last_used: t.last_used_at.map_or_else(|| "never".into(), minute),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let public = state.config.mail.public_url.trim_end_matches('/');
    let page = ScimTokensPage {
        layout,
        scim_url: format!("{public}/scim/v2"),
        tokens,
        secret,
        error,
    };
    let mut response = render_with(status, &page);
    // The page that shows a new secret must not be kept by a cache.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<Params>,
) -> Result<Response, PageError> {
    page(&state, &viewer, params.notice.as_deref(), None, None).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    match crate::api::scim_tokens::issue(&state, &viewer, &form.name).await {
        Ok((_, secret)) => page(&state, &viewer, None, Some(secret), None).await,
        Err(problem) => page(&state, &viewer, None, None, Some(problem.detail)).await,
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<Uuid>,
) -> Result<Response, PageError> {
    state
        .store
        .revoke_scim_token(&viewer.actor(), viewer.user.org_id, id)
        .await?;
    Ok(Redirect::to("/users/scim?notice=revoked").into_response())
}
