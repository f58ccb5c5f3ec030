//! Management reviews: the programme (cadence, next due, the reviews) and a
//! review's page: plan and hand-written inputs, the compiled pack, holding
//! (minutes, decisions, attendees), the chair's approval and the actions.

use super::form_input::{parse_date, people_by_emails, person_by_email};
use super::page_path::PagePath;
use super::performance_view::{ActionForm, KpiView, health_class};
use super::{Layout, NoticeParams, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::performance::top_management_on;
use mandate_app::performance::{prepare_review, schedule};
use mandate_core::performance::{
    ActionSource, DecisionKind, ManagementReview, ManualInputs, ReviewDecision, ReviewHeld,
    ReviewPack, ReviewSchedule, ReviewState,
};
use mandate_core::{Permission, ReviewId};
use mandate_store::ReviewPlan;
use serde::Deserialize;

pub struct ReviewRow {
    pub id: String,
    pub title: String,
    pub planned_on: String,
    pub held_on: Option<String>,
    pub state: &'static str,
    pub missing: usize,
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct ProgrammePage {
    layout: Layout,
    s: ReviewSchedule,
    reviews: Vec<ReviewRow>,
    can_edit: bool,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "Management reviews", "/reviews")
        .await?
        .with_notice(params.notice.as_deref());
    let s = schedule(
        &state.store,
        viewer.user.org_id,
        mandate_core::timefmt::now().date(),
    )
    .await?;
    let reviews = state
        .store
        .management_reviews(viewer.user.org_id)
        .await?
        .iter()
        .filter(|r| r.created_at.date() <= viewer.day())
        .map(|r| ReviewRow {
            id: r.id.to_string(),
            title: r.title.clone(),
            planned_on: r.planned_on.to_string(),
            held_on: r.held_on.map(|d| d.to_string()),
            state: r.state().label(),
            missing: r.missing_inputs().len(),
        })
        .collect();
    Ok(render(&ProgrammePage {
        layout,
        s,
        reviews,
        can_edit: viewer.may(Permission::EditPerformance),
    }))
}

#[derive(Deserialize)]
pub struct CadenceForm {
    cadence_months: u8,
}

pub async fn set_cadence(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<CadenceForm>,
) -> Result<Response, PageError> {
    state
        .store
        .set_review_cadence(&viewer.actor(), viewer.user.org_id, f.cadence_months)
        .await?;
    Ok(Redirect::to("/reviews?notice=saved").into_response())
}

#[derive(Deserialize)]
pub struct PlanForm {
    title: String,
    planned_on: String,
    chair_email: String,
    #[serde(default)]
    attendee_emails: String,
    #[serde(default)]
    context_changes: String,
    #[serde(default)]
    audit_results: String,
    #[serde(default)]
    risk_results: String,
    #[serde(default)]
    interested_party_feedback: String,
    #[serde(default)]
    opportunities: String,
    #[serde(default)]
    version: Option<i64>,
}

impl PlanForm {
    async fn plan(self, state: &AppState, viewer: &Viewer) -> Result<ReviewPlan, PageError> {
        let org = viewer.user.org_id;
        let chair = person_by_email(state, org, &self.chair_email, "chair_email").await?;
        let mut attendees =
            people_by_emails(state, org, &self.attendee_emails, "attendee_emails").await?;
        if !attendees.contains(&chair) {
            attendees.push(chair);
        }
        Ok(ReviewPlan {
            title: self.title,
            planned_on: parse_date(&self.planned_on, "planned_on")?,
            chair_id: chair,
            attendees,
            manual: ManualInputs {
                context_changes: self.context_changes,
                audit_results: self.audit_results,
                risk_results: self.risk_results,
                interested_party_feedback: self.interested_party_feedback,
                opportunities: self.opportunities,
            },
        })
    }
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<PlanForm>,
) -> Result<Response, PageError> {
    let plan = f.plan(&state, &viewer).await?;
    let r = state
        .store
        .save_review_plan(&viewer.actor(), viewer.user.org_id, None, None, plan)
        .await?;
    Ok(Redirect::to(&format!("/reviews/{}?notice=created", r.id)).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ReviewId>,
    Form(f): Form<PlanForm>,
) -> Result<Response, PageError> {
    let version = f.version;
    let plan = f.plan(&state, &viewer).await?;
    state
        .store
        .save_review_plan(&viewer.actor(), viewer.user.org_id, Some(id), version, plan)
        .await?;
    Ok(Redirect::to(&format!("/reviews/{id}?notice=saved")).into_response())
}

pub struct Attendee {
    pub name: String,
    pub email: String,
    pub top_management: bool,
}

pub struct LineView {
    pub title: String,
    pub owner: String,
    pub due_on: String,
    pub status: &'static str,
    pub overdue_days: Option<i64>,
}

pub struct ObjectiveView {
    pub title: String,
    pub status: &'static str,
    pub class: &'static str,
    pub reasons: String,
    pub kpis: Vec<KpiView>,
}

pub struct PackView {
    pub compiled_on: String,
    pub digest: String,
    pub earlier_actions: Vec<LineView>,
    pub objectives: Vec<ObjectiveView>,
    pub improvement_actions: Vec<LineView>,
    pub policies: Vec<PolicyLineView>,
    pub role_gaps: Vec<String>,
    pub since: String,
    pub changes: Vec<ChangeCountView>,
    pub versions_published: Vec<String>,
    pub people_joined: i64,
    pub people_left: i64,
}

/// A policy's line of the pack.
pub struct PolicyLineView {
    pub title: String,
    /// "review due by …", "review overdue since …", "never approved".
    pub review: String,
    pub review_overdue: bool,
    pub open_exceptions: usize,
    pub expired_exceptions: usize,
}

/// How many audited changes a kind of record had since the last review.
pub struct ChangeCountView {
    pub record: String,
    pub count: i64,
}

/// A required input of a review, and whether the review covers it.
pub struct InputView {
    pub label: &'static str,
    pub covered: bool,
}

fn lines(actions: &[mandate_core::performance::ActionLine]) -> Vec<LineView> {
    actions
        .iter()
        .map(|a| LineView {
            title: a.title.clone(),
            owner: a.owner.clone(),
            due_on: a.due_on.to_string(),
            status: a.status.label(),
            overdue_days: a.overdue_days,
        })
        .collect()
}

impl From<&ReviewPack> for PackView {
    fn from(p: &ReviewPack) -> Self {
        Self {
            compiled_on: p.compiled_on.to_string(),
            digest: p.digest(),
            earlier_actions: lines(&p.earlier_actions),
            objectives: p
                .objectives
                .iter()
                .map(|o| ObjectiveView {
                    title: o.title.clone(),
                    status: o.health.label(),
                    class: health_class(o.health),
                    reasons: o.reasons.join("; "),
                    kpis: o.kpis.iter().map(KpiView::from).collect(),
                })
                .collect(),
            improvement_actions: lines(&p.improvement_actions),
            policies: p
                .policies
                .iter()
                .map(|l| PolicyLineView {
                    title: l.title.clone(),
                    review: l.review.clone(),
                    review_overdue: l.review_overdue,
                    open_exceptions: l.open_exceptions,
                    expired_exceptions: l.expired_exceptions,
                })
                .collect(),
            role_gaps: p.role_gaps.clone(),
            since: p
                .changes
                .since
                .map_or("the start".to_string(), |d| d.to_string()),
            changes: p
                .changes
                .changes_by_record
                .iter()
                .map(|(record, count)| ChangeCountView {
                    record: record.clone(),
                    count: *count,
                })
                .collect(),
            versions_published: p.changes.versions_published.clone(),
            people_joined: p.changes.people_joined,
            people_left: p.changes.people_left,
        }
    }
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    r: ManagementReview,
    state_label: &'static str,
    planned: bool,
    held: bool,
    chair: String,
    chair_email: String,
    attendees: Vec<Attendee>,
    attendee_emails: String,
    top_present: usize,
    inputs: Vec<InputView>,
    pack: Option<PackView>,
    actions: Vec<LineView>,
    today: String,
    can_edit: bool,
    is_chair: bool,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ReviewId>,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let r = state.store.management_review(org, id).await?;
    let layout = Layout::new(&state, &viewer, &r.title, "/reviews")
        .await?
        .with_notice(params.notice.as_deref());
    let day = r.held_on.unwrap_or(r.planned_on);
    let top = top_management_on(&state.store, org, day).await?;
    let mut attendees = Vec::new();
    for p in &r.attendees {
        if let Some(person) = state.store.person(org, *p).await? {
            attendees.push(Attendee {
                name: person.name,
                email: person.email.to_string(),
                top_management: top.contains(p),
            });
        }
    }
    let chair_person = state.store.person(org, r.chair_id).await?;
    let today = viewer.day();
    let actions = state
        .store
        .actions(org)
        .await?
        .into_iter()
        .filter(|a| a.fields.review_id == Some(r.id))
        .collect::<Vec<_>>();
    let names = state
        .store
        .person_names(org, actions.iter().map(|a| a.fields.owner_id).collect())
        .await?;
    let action_lines = actions
        .iter()
        .map(|a| LineView {
            title: a.fields.title.clone(),
            owner: names.get(&a.fields.owner_id).cloned().unwrap_or_default(),
            due_on: a.fields.due_on.to_string(),
            status: a.fields.status.label(),
            overdue_days: a.overdue_days(today),
        })
        .collect();
    let review_state = r.state();
    Ok(render(&ReviewPage {
        layout,
        state_label: review_state.label(),
        planned: review_state < ReviewState::Held,
        held: review_state >= ReviewState::Held,
        chair: chair_person
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        chair_email: chair_person
            .map(|p| p.email.to_string())
            .unwrap_or_default(),
        attendee_emails: attendees
            .iter()
            .map(|a| a.email.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        top_present: attendees.iter().filter(|a| a.top_management).count(),
        attendees,
        inputs: r
            .coverage()
            .into_iter()
            .map(|(i, covered)| InputView {
                label: i.label(),
                covered,
            })
            .collect(),
        pack: r.pack.as_ref().map(PackView::from),
        actions: action_lines,
        today: today.to_string(),
        can_edit: viewer.may(Permission::EditPerformance),
        is_chair: viewer.user.person_id == r.chair_id && viewer.may(Permission::Approve),
        r,
    }))
}

pub async fn prepare(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ReviewId>,
) -> Result<Response, PageError> {
    prepare_review(&state.store, &viewer.caller(), id).await?;
    Ok(Redirect::to(&format!("/reviews/{id}?notice=prepared")).into_response())
}

#[derive(Deserialize)]
pub struct HoldForm {
    held_on: String,
    attendee_emails: String,
    minutes: String,
    #[serde(default)]
    improvements: String,
    #[serde(default)]
    changes: String,
    #[serde(default)]
    resources: String,
    #[serde(default)]
    other_decisions: String,
    version: i64,
}

pub async fn hold(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ReviewId>,
    Form(f): Form<HoldForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let mut decisions = Vec::new();
    for (kind, text) in [
        (DecisionKind::Improvement, &f.improvements),
        (DecisionKind::ChangeToIsms, &f.changes),
        (DecisionKind::Resources, &f.resources),
        (DecisionKind::Other, &f.other_decisions),
    ] {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            decisions.push(ReviewDecision {
                kind,
                text: line.to_string(),
            });
        }
    }
    let held = ReviewHeld {
        held_on: parse_date(&f.held_on, "held_on")?,
        attendees: people_by_emails(&state, org, &f.attendee_emails, "attendee_emails").await?,
        minutes: f.minutes,
        decisions,
    };
    state
        .store
        .hold_review(&viewer.actor(), org, id, Some(f.version), held)
        .await?;
    Ok(Redirect::to(&format!("/reviews/{id}?notice=held")).into_response())
}

pub async fn approve(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ReviewId>,
) -> Result<Response, PageError> {
    state
        .store
        .approve_review(&viewer.actor(), viewer.user.org_id, id, &viewer.user)
        .await?;
    Ok(Redirect::to(&format!("/reviews/{id}?notice=approved")).into_response())
}

pub async fn add_action(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ReviewId>,
    Form(f): Form<ActionForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let fields = f
        .fields(&state, org, ActionSource::Review, None, Some(id))
        .await?;
    state
        .store
        .save_action(&viewer.actor(), org, None, None, fields)
        .await?;
    Ok(Redirect::to(&format!("/reviews/{id}?notice=saved")).into_response())
}
