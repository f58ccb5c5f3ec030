//! The outbox (what mail was sent, waits, or may not have gone, with a way
//! to send a doubtful one again) and the mail templates.

use super::form_input::invalid;
use super::page_path::PagePath;
use super::{Layout, NoticeParams, PageError, render, render_with};
use crate::api::outbox::{MailOut, OutboxParams, OutboxSummary, page_of, summary_of};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mandate_core::Permission;
use mandate_core::outbox::MailState;
use mandate_notify::organisation_templates::{MailTemplate, save_template, template_of};
use mandate_notify::templates::check_digest_off_thread;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    summary: OutboxSummary,
    any_mail: bool,
    /// The state the list is narrowed to; empty for every message.
    state: String,
    items: Vec<MailOut>,
    /// The link to the next, older page.
    next: Option<String>,
    can_manage: bool,
}

#[derive(Deserialize)]
pub struct OutboxPageParams {
    notice: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<OutboxPageParams>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "Outbox", "/outbox")
        .await?
        .live()
        .with_notice(params.notice.as_deref());
    let listing = OutboxParams {
        state: params.state.clone(),
        limit: None,
        cursor: params.cursor,
    };
    let query = listing.to_query()?;
    let page = page_of(&state, viewer.user.org_id, &query).await?;
    let chosen = query
        .state
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    let next = page.next_cursor.map(|cursor| match query.state {
        Some(s) => format!("/outbox?state={}&cursor={cursor}", s.as_str()),
        None => format!("/outbox?cursor={cursor}"),
    });
    let summary = summary_of(&state, viewer.user.org_id).await?;
    Ok(render(&OutboxPage {
        layout,
        any_mail: summary.counts.values().any(|n| *n > 0),
        summary,
        state: chosen,
        items: page.items,
        next,
        can_manage: viewer.may(Permission::ManageMail),
    }))
}

#[derive(Deserialize)]
pub struct RequeueParams {
    /// The state the list was narrowed to, kept for the way back.
    #[serde(default)]
    state: Option<String>,
}

pub async fn requeue(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<uuid::Uuid>,
    Query(params): Query<RequeueParams>,
) -> Result<Response, PageError> {
    state.store.requeue_mail(viewer.user.org_id, id).await?;
    // Back to the list the person was working through: only a state this
    // server knows goes into the redirect.
    let back = match params.state.as_deref().and_then(MailState::parse) {
        Some(s) => format!("/outbox?state={}&notice=requeued", s.as_str()),
        None => "/outbox?notice=requeued".to_string(),
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Template)]
#[template(path = "mail_template.html")]
struct TemplatePage {
    layout: Layout,
    t: MailTemplate,
    preview_subject: String,
    preview_body: String,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    t: MailTemplate,
    error: Option<String>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let layout = Layout::new(state, viewer, "Mail template", "/outbox")
        .await?
        .with_notice(notice);
    let (preview_subject, preview_body) =
        check_digest_off_thread(t.subject.clone(), t.body.clone())
            .await
            .unwrap_or_default();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_with(
        status,
        &TemplatePage {
            layout,
            t,
            preview_subject,
            preview_body,
            error,
        },
    ))
}

pub async fn template_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let t = template_of(&state.store, viewer.user.org_id, "digest").await?;
    page(&state, &viewer, t, None, params.notice.as_deref()).await
}

#[derive(Deserialize)]
pub struct TemplateForm {
    subject: String,
    body: String,
    version: i64,
    #[serde(default)]
    reset: Option<String>,
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<TemplateForm>,
) -> Result<Response, PageError> {
    let input = MailTemplate {
        default: f.reset.is_some(),
        subject: f.subject,
        body: f.body,
        version: f.version,
    };
    if !input.default
        && let Err(e) = check_digest_off_thread(input.subject.clone(), input.body.clone()).await
    {
        // The text stays in the editor, with what is wrong with it.
        return page(&state, &viewer, input, Some(e.to_string()), None).await;
    }
    save_template(&state.store, &viewer.caller(), "digest", input)
        .await
        .map_err(|e| match e {
            mandate_app::AppError::Invalid(message) => invalid(message),
            other => other.into(),
        })?;
    Ok(Redirect::to("/settings/mail?notice=saved").into_response())
}
