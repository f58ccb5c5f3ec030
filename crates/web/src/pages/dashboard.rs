//! The dashboard: the organisation at a glance.

use super::{Layout, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mandate_core::policy::{ExceptionStatus, ReviewStatus, VersionState};
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
    /// Policy reviews past due, then due within 30 days.
    overdue: Vec<ReviewDue>,
    due_soon: Vec<ReviewDue>,
    in_review: Vec<VersionInReview>,
    expired_exceptions: usize,
    awaiting_exceptions: usize,
    can_see_work: bool,
    performance: Option<super::performance_glance::PerformanceGlance>,
    /// Management reviews are for top management, the ISMS function and
    /// the auditor; a line manager sees objectives and actions.
    can_read_reviews: bool,
    clause5: Option<Clause5Glance>,
}

/// A policy whose review is due.
struct ReviewDue {
    policy_id: String,
    title: String,
    due_on: String,
}

/// A policy with a version waiting for approval.
struct VersionInReview {
    policy_id: String,
    title: String,
    number: i32,
}

/// Clause 5 at a glance: every rule's status, and the two coverage figures
/// an auditor asks for first.
struct Clause5Glance {
    rules: Vec<super::conformance::RuleView>,
    summary: mandate_core::conformance::Summary,
    /// Acknowledgements of the information security policy in force.
    acknowledged: Option<Acknowledged>,
    trained: Trained,
}

/// How many of those the policy in force is addressed to acknowledged it.
struct Acknowledged {
    done: usize,
    addressed: usize,
    percent: usize,
}

/// Personnel with current general awareness training, of all personnel.
struct Trained {
    current: usize,
    personnel: usize,
}

async fn clause5(state: &AppState, viewer: &Viewer) -> Result<Clause5Glance, PageError> {
    let snapshot = state
        .conformance
        .snapshot(&state.store, viewer.user.org_id, viewer.day())
        .await?;
    let evaluation = mandate_core::conformance::evaluate(&snapshot);
    let a = snapshot.acknowledgements;
    let awareness = &snapshot.training.awareness;
    Ok(Clause5Glance {
        rules: super::conformance::rule_views(&evaluation),
        summary: evaluation.summary,
        acknowledged: a.version.filter(|_| a.addressed > 0).map(|_| Acknowledged {
            done: a.done,
            addressed: a.addressed,
            percent: a.done * 100 / a.addressed,
        }),
        trained: Trained {
            current: awareness.trained,
            personnel: awareness.personnel,
        },
    })
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
    let today = viewer.day();
    let can_see_work = viewer.may(mandate_core::Permission::ReadPolicyWork);
    let policies = mandate_app::policies::visible_policies(&state.store, &viewer.caller()).await?;
    let (mut overdue, mut due_soon, mut in_review) = (Vec::new(), Vec::new(), Vec::new());
    for s in &policies {
        let entry = |due: time::Date| ReviewDue {
            policy_id: s.policy.id.to_string(),
            title: s.policy.fields.title.clone(),
            due_on: due.to_string(),
        };
        match s.review_status(today) {
            ReviewStatus::Overdue { due } => overdue.push(entry(due)),
            ReviewStatus::DueSoon { due } => due_soon.push(entry(due)),
            _ => {}
        }
        if let Some(v) = s
            .latest
            .as_ref()
            .filter(|v| v.state == VersionState::InReview)
        {
            in_review.push(VersionInReview {
                policy_id: s.policy.id.to_string(),
                title: s.policy.fields.title.clone(),
                number: v.number,
            });
        }
    }
    overdue.sort_by(|a, b| a.due_on.cmp(&b.due_on));
    due_soon.sort_by(|a, b| a.due_on.cmp(&b.due_on));
    let (mut expired_exceptions, mut awaiting_exceptions) = (0, 0);
    if can_see_work {
        for e in state.store.exceptions(org_id, None).await? {
            match e.status_on(today) {
                ExceptionStatus::Expired => expired_exceptions += 1,
                ExceptionStatus::AwaitingApproval | ExceptionStatus::ExtensionRequested => {
                    awaiting_exceptions += 1
                }
                _ => {}
            }
        }
    }
    let performance = if viewer.may(mandate_core::Permission::ReadPerformance) {
        Some(super::performance_glance::PerformanceGlance::load(&state, &viewer).await?)
    } else {
        None
    };
    let clause5 = if viewer.may(mandate_core::Permission::ReadConformance) {
        Some(clause5(&state, &viewer).await?)
    } else {
        None
    };
    Ok(render(&Dashboard {
        clause5,
        performance,
        can_read_reviews: viewer.may(mandate_core::Permission::ReadReviews),
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
        overdue,
        due_soon,
        in_review,
        expired_exceptions,
        awaiting_exceptions,
        can_see_work,
    }))
}
