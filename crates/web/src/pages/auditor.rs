//! The auditor view: choose an audit period, and every page then answers
//! as the records stood at its end; from here, the conformance check and
//! the evidence pack as of that day, the audit log of the period, and what
//! it takes to verify the log offline.

use super::{Layout, PageError, render};
use crate::auth::Viewer;
use crate::auth::period::{self, may_choose};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_core::conformance::AuditPeriod;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "auditor.html")]
struct AuditorPage {
    layout: Layout,
    may_choose: bool,
    period: Option<AuditPeriod>,
    /// Prefilled dates: the period chosen, or the twelve months to today.
    starts_on: String,
    ends_on: String,
    as_of: String,
    head: Option<SignedEvent>,
    checkpoint: Option<SignedEvent>,
    public_key: String,
    slug: String,
    error: Option<String>,
}

/// A signed point of the audit log: the head, or the last checkpoint.
struct SignedEvent {
    seq: i64,
    hash: String,
    signed_at: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    error: Option<String>,
) -> Result<AuditorPage, PageError> {
    let org = viewer.user.org_id;
    let layout = Layout::new(state, viewer, "Auditor view", "/auditor").await?;
    let head = state.store.audit_head(org).await?;
    let checkpoint = state.store.last_checkpoint(org).await?;
    let slug = state
        .store
        .organisation(org)
        .await?
        .map(|o| o.slug.to_string())
        .unwrap_or_default();
    let today = mandate_core::timefmt::now().date();
    let (starts_on, ends_on) = match viewer.period {
        Some(p) => (p.starts_on, p.ends_on),
        None => (mandate_core::commitment::months_before(today, 12), today),
    };
    Ok(AuditorPage {
        layout,
        may_choose: may_choose(viewer.user.access_role),
        period: viewer.period,
        starts_on: starts_on.to_string(),
        ends_on: ends_on.to_string(),
        as_of: viewer.day().to_string(),
        public_key: head
            .as_ref()
            .map(|h| h.public_key.clone())
            .unwrap_or_default(),
        head: head.map(|h| SignedEvent {
            seq: h.seq,
            hash: h.head_hash,
            signed_at: h.updated_at.to_string(),
        }),
        checkpoint: checkpoint.map(|c| SignedEvent {
            seq: c.seq,
            hash: c.head_hash,
            signed_at: c.created_at.to_string(),
        }),
        slug,
        error,
    })
}

pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    Ok(render(&page(&state, &viewer, None).await?))
}

#[derive(Deserialize)]
pub struct PeriodForm {
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    /// "clear" to go back to today.
    #[serde(default)]
    action: String,
}

/// Chooses the audit period (or clears it) for this browser.
pub async fn choose(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<PeriodForm>,
) -> Result<Response, PageError> {
    if !may_choose(viewer.user.access_role) {
        return Ok(super::plain_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "An audit period is for the auditor's login, which changes nothing; ask the conformance page for a past day instead.",
        ));
    }
    if form.action == "clear" {
        return Ok((
            [(header::SET_COOKIE, period::clear_cookie())],
            Redirect::to("/auditor"),
        )
            .into_response());
    }
    let chosen = AuditPeriod::parse(&format!("{}..{}", form.starts_on, form.ends_on))
        .map_err(|e| format!("The period: {e}."));
    match chosen {
        Ok(p) => {
            let secure = state.config.secure_cookies || crate::auth::session::is_https(&headers);
            Ok((
                [(header::SET_COOKIE, period::set_cookie(p, secure))],
                Redirect::to("/auditor"),
            )
                .into_response())
        }
        Err(message) => {
            let page = page(&state, &viewer, Some(message)).await?;
            Ok(super::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}
