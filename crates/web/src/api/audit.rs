//! `/api/v1/audit-events`: the audit log, newest first.

use super::dto::{AuditEventOut, AuditPageOut};
use super::extract::ApiQuery;
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mandate_core::timefmt::{parse_date, parse_instant};
use mandate_store::AuditQuery;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// `person`, `organisation`, `user`, `api_token`, ...
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// `user:<id>` or `system:<job>`.
    pub actor: Option<String>,
    /// From this date (`2026-01-31`) or instant (RFC 3339), inclusive.
    pub from: Option<String>,
    /// Until this date (inclusive) or instant (exclusive).
    pub until: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

impl AuditParams {
    /// The store's query, or a message naming the bad parameter.
    pub fn to_query(&self) -> Result<AuditQuery, String> {
        let empty = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let before_seq = match empty(&self.cursor) {
            Some(c) => Some(
                c.parse::<i64>()
                    .map_err(|_| "cursor: not one this server gave out".to_string())?,
            ),
            None => None,
        };
        let limit = self.limit.unwrap_or(50);
        if !(1..=500).contains(&limit) {
            return Err("limit must be 1 to 500".into());
        }
        Ok(AuditQuery {
            entity_type: empty(&self.entity_type),
            entity_id: empty(&self.entity_id),
            actor: empty(&self.actor),
            from: empty(&self.from)
                .map(|s| bound(&s, false))
                .transpose()
                .map_err(|e| format!("from: {e}"))?,
            until: empty(&self.until)
                .map(|s| bound(&s, true))
                .transpose()
                .map_err(|e| format!("until: {e}"))?,
            before_seq,
            limit,
        })
    }
}

/// A date means its whole day: `until` a date runs to the end of it.
fn bound(text: &str, end_of_day: bool) -> Result<OffsetDateTime, String> {
    if let Ok(date) = parse_date(text) {
        let day = if end_of_day {
            date.next_day().unwrap_or(date)
        } else {
            date
        };
        return Ok(day.midnight().assume_utc());
    }
    parse_instant(text)
        .map_err(|_| format!("{text:?} is neither a date (YYYY-MM-DD) nor an RFC 3339 instant"))
}

#[utoipa::path(get, operation_id = "audit_list", path = "/api/v1/audit-events", params(AuditParams), tag = "audit",
    responses((status = 200, body = AuditPageOut), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> ApiResult<Json<AuditPageOut>> {
    let query = params
        .to_query()
        .map_err(|m| Problem::new(StatusCode::BAD_REQUEST, m))?;
    let page = state.store.audit_events(viewer.user.org_id, &query).await?;
    Ok(Json(AuditPageOut {
        items: page.items.into_iter().map(AuditEventOut::from).collect(),
        next_cursor: page.next_cursor.map(|s| s.to_string()),
    }))
}
