//! The dashboard: the organisation at a glance.

use super::{Layout, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    layout: Layout,
    people: i64,
    events: i64,
    head: String,
    checkpoint: String,
    org_name: String,
    purpose: String,
    scope: String,
}

#[derive(Deserialize)]
pub struct Params {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<Params>,
) -> Result<Response, PageError> {
    let org_id = viewer.user.org_id;
    let layout = Layout::new(&state, &viewer, "Dashboard", "/")
        .await?
        .with_notice(params.notice.as_deref());
    let org = state
        .store
        .organisation(org_id)
        .await?
        .ok_or(PageError::NotFound("organisation"))?;
    let people = state.store.people_count(org_id).await?;
    let head = state.store.audit_head(org_id).await?;
    let checkpoint = state.store.last_checkpoint(org_id).await?;
    Ok(render(&Dashboard {
        layout,
        people,
        events: head.as_ref().map_or(0, |h| h.seq),
        head: head
            .map(|h| h.head_hash.chars().take(12).collect::<String>() + "…")
            .unwrap_or_default(),
        checkpoint: checkpoint.map_or("none yet".into(), |c| format!("#{}", c.seq)),
        org_name: org.name,
        purpose: org.purpose,
        scope: org.scope_statement,
    }))
}
