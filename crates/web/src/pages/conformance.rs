//! The conformance page: every Clause 5 requirement with its status, the
//! explanation and figures behind it, its evidence and the next step, as of
//! today, the chosen audit period's end, or a day asked for.

use super::view::Anchor;
use super::{Layout, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mandate_core::conformance::{Evaluation, Status};
use serde::Deserialize;

/// The tag class a status is drawn with.
pub fn status_class(status: Status) -> &'static str {
    match status {
        Status::Met => "good",
        Status::Partial => "warn",
        Status::NotMet => "bad",
        Status::NotApplicable => "",
    }
}

/// An id usable in a URL fragment: `5.1.a` becomes `r-5-1-a`.
pub fn anchor(rule_id: &str) -> String {
    format!("r-{}", rule_id.replace('.', "-"))
}

/// A rule as the page draws it.
pub struct RuleView {
    pub id: String,
    pub anchor: String,
    pub class: &'static str,
    pub status: &'static str,
    pub title: String,
    pub explanation: String,
    pub evidence: Vec<Anchor>,
    pub next_step: String,
}

pub fn rule_views(evaluation: &Evaluation) -> Vec<RuleView> {
    evaluation
        .rules
        .iter()
        .map(|r| RuleView {
            id: r.id.clone(),
            anchor: anchor(&r.id),
            class: status_class(r.status),
            status: r.status.label(),
            title: r.title.clone(),
            explanation: r.explanation.clone(),
            evidence: r
                .evidence
                .iter()
                .map(|e| Anchor::new(e.link.clone(), e.label.clone()))
                .collect(),
            next_step: r.next_step.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "conformance.html")]
struct ConformancePage {
    layout: Layout,
    evaluation: Evaluation,
    rules: Vec<RuleView>,
    /// `?as_of=...` to carry into the pack's links, empty for today.
    as_of_query: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Params {
    as_of: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<Params>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "Clause 5 conformance", "/conformance").await?;
    let asked = params.as_of.as_deref().filter(|s| !s.trim().is_empty());
    let (day, error) = match asked.map(|raw| crate::api::conformance::as_of_day(Some(raw))) {
        Some(Ok(day)) => (day, None),
        Some(Err(problem)) => (viewer.day(), Some(problem.detail)),
        None => (viewer.day(), None),
    };
    let snapshot = state
        .conformance
        .snapshot(&state.store, viewer.user.org_id, day)
        .await?;
    let evaluation = mandate_core::conformance::evaluate(&snapshot);
    let as_of_query = if (asked.is_some() && error.is_none()) || viewer.period.is_some() {
        format!("&as_of={day}")
    } else {
        String::new()
    };
    Ok(render(&ConformancePage {
        layout,
        rules: rule_views(&evaluation),
        evaluation,
        as_of_query,
        error,
    }))
}
