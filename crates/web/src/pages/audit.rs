//! The audit log page: filter by record, actor and dates; each event with its before and after.

use super::{Layout, PageError, render_with, url_encode};
use crate::api::audit::AuditParams;
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

pub struct EventView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    events: Vec<EventView>,
    entity_type: String,
    entity_id: String,
    actor: String,
    from: String,
    until: String,
    next: Option<String>,
    error: Option<String>,
}

fn pretty(json: Option<String>) -> String {
    json.and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_default()
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(mut params): Query<AuditParams>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "Audit log", "/audit").await?;
    // With an audit period chosen, the log opens on the period's events.
    if let Some(p) = viewer.period
        && params.from.is_none()
        && params.until.is_none()
    {
        params.from = Some(p.starts_on.to_string());
        params.until = Some(p.ends_on.to_string());
    }
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    let mut page = AuditPage {
        layout,
        events: Vec::new(),
        entity_type: text(&params.entity_type),
        entity_id: text(&params.entity_id),
        actor: text(&params.actor),
        from: text(&params.from),
        until: text(&params.until),
        next: None,
        error: None,
    };
    let query = match params.to_query() {
        Ok(q) => q,
        Err(message) => {
            page.error = Some(message);
            return Ok(render_with(StatusCode::BAD_REQUEST, &page));
        }
    };
    let found = state.store.audit_events(viewer.user.org_id, &query).await?;
    page.next = found.next_cursor.map(|seq| {
        format!(
            "/audit?entity_type={}&entity_id={}&actor={}&from={}&until={}&cursor={seq}",
            url_encode(&page.entity_type),
            url_encode(&page.entity_id),
            url_encode(&page.actor),
            url_encode(&page.from),
            url_encode(&page.until)
        )
    });
    page.events = found
        .items
        .into_iter()
        .map(|e| EventView {
            seq: e.seq,
            at: mandate_core::timefmt::format_instant(e.occurred_at)[..19].replace('T', " "),
            actor: e.actor,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            before: pretty(e.before),
            after: pretty(e.after),
        })
        .collect();
    Ok(render_with(StatusCode::OK, &page))
}
