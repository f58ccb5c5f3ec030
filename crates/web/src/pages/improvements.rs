//! The improvement register (5.1 g, 10): nonconformities and opportunities
//! with their status, and one entry's page: root cause, corrective actions,
//! effectiveness checks and closing.

use super::form_input::{invalid, parse_date, person_by_email};
use super::page_path::PagePath;
use super::performance_view::ActionForm;
use super::view::{Choice, Link};
use super::{Layout, NoticeParams, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_core::commitment::improvement::{
    EffectivenessCheck, Improvement, ImprovementFields, ImprovementKind, ImprovementSource,
    ImprovementStatus,
};
use mandate_core::performance::{ActionFields, ActionSource};
use mandate_core::timefmt::now;
use mandate_core::{FeedbackId, ImprovementId, Permission};
use serde::Deserialize;

pub fn status_class(status: ImprovementStatus) -> &'static str {
    match status {
        ImprovementStatus::Closed => "ended",
        ImprovementStatus::Resolved => "good",
        ImprovementStatus::ActionsOpen => "",
        _ => "warn",
    }
}

pub struct EntryView {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    pub source: &'static str,
    pub raised_on: String,
    pub owner: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub actions: usize,
    pub overdue: usize,
}

#[derive(Template)]
#[template(path = "improvements.html")]
struct ImprovementsPage {
    layout: Layout,
    entries: Vec<EntryView>,
    open: usize,
    kinds: Vec<Choice>,
    sources: Vec<Choice>,
    today: String,
    /// Prefilled from a piece of feedback (`?feedback=`).
    from_feedback: Option<Link>,
    can_edit: bool,
}

#[derive(Deserialize)]
pub struct ListParams {
    notice: Option<String>,
    feedback: Option<String>,
}

fn kinds() -> Vec<Choice> {
    ImprovementKind::ALL
        .iter()
        .map(|k| Choice::new(k.as_str(), k.label()))
        .collect()
}

fn sources() -> Vec<Choice> {
    ImprovementSource::ALL
        .iter()
        .map(|s| Choice::new(s.as_str(), s.label()))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let layout = Layout::new(&state, &viewer, "Improvements", "/improvements")
        .await?
        .with_notice(params.notice.as_deref());
    let today = viewer.day();
    let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
    let mut entries = state.store.improvements(org).await?;
    // A line manager reads the entries their area owns.
    entries.retain(|e| e.created_at.date() <= today && area.contains(e.fields.owner_id));
    let actions = state.store.actions(org).await?;
    let names = state
        .store
        .person_names(org, entries.iter().map(|e| e.fields.owner_id).collect())
        .await?;
    let views: Vec<EntryView> = entries
        .iter()
        .map(|e| {
            let status = e.status_on(&actions, today);
            let mine = e.actions(&actions);
            EntryView {
                id: e.id.to_string(),
                kind: e.fields.kind.label(),
                title: e.fields.title.clone(),
                source: e.fields.source.label(),
                raised_on: e.fields.raised_on.to_string(),
                owner: names.get(&e.fields.owner_id).cloned().unwrap_or_default(),
                status: status.label(),
                status_class: status_class(status),
                actions: mine.len(),
                overdue: mine
                    .iter()
                    .filter(|a| a.overdue_days(today).is_some())
                    .count(),
            }
        })
        .collect();
    let from_feedback = match params.feedback.as_deref().map(str::parse::<FeedbackId>) {
        Some(Ok(id)) => state
            .store
            .feedback(org)
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .map(|f| Link::new(f.id.to_string(), f.submission.subject)),
        _ => None,
    };
    Ok(render(&ImprovementsPage {
        layout,
        open: entries.iter().filter(|e| e.closed_on.is_none()).count(),
        entries: views,
        kinds: kinds(),
        sources: sources(),
        today: today.to_string(),
        from_feedback,
        can_edit: viewer.may(Permission::EditCommitment),
    }))
}

#[derive(Deserialize)]
pub struct EntryForm {
    kind: String,
    title: String,
    #[serde(default)]
    description: String,
    source: String,
    raised_on: String,
    owner_email: String,
    #[serde(default)]
    root_cause: String,
    #[serde(default)]
    feedback_id: String,
    #[serde(default)]
    version: Option<i64>,
}

impl EntryForm {
    async fn fields(
        self,
        state: &AppState,
        viewer: &Viewer,
    ) -> Result<ImprovementFields, PageError> {
        Ok(ImprovementFields {
            kind: ImprovementKind::parse(&self.kind).ok_or_else(|| invalid("kind: choose one"))?,
            title: self.title,
            description: self.description,
            source: ImprovementSource::parse(&self.source)
                .ok_or_else(|| invalid("source: choose one"))?,
            raised_on: parse_date(&self.raised_on, "raised_on")?,
            owner_id: person_by_email(state, viewer.user.org_id, &self.owner_email, "owner")
                .await?,
            root_cause: self.root_cause,
            feedback_id: match self.feedback_id.trim() {
                "" => None,
                id => Some(
                    id.parse()
                        .map_err(|_| invalid("feedback_id: not a feedback"))?,
                ),
            },
        })
    }
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<EntryForm>,
) -> Result<Response, PageError> {
    let fields = f.fields(&state, &viewer).await?;
    let saved = state
        .store
        .save_improvement(&viewer.actor(), viewer.user.org_id, None, None, fields)
        .await?;
    Ok(Redirect::to(&format!("/improvements/{}?notice=created", saved.id)).into_response())
}

pub struct ActionView {
    pub title: String,
    pub owner: String,
    pub due_on: String,
    pub status: &'static str,
    pub overdue_days: Option<i64>,
}

/// An effectiveness check of the entry's actions.
pub struct CheckView {
    pub checked_on: String,
    pub effective: bool,
    pub note: String,
    pub checked_by: String,
}

#[derive(Template)]
#[template(path = "improvement.html")]
struct EntryPage {
    layout: Layout,
    e: Improvement,
    owner: String,
    owner_email: String,
    status: &'static str,
    status_class: &'static str,
    actions: Vec<ActionView>,
    checks: Vec<CheckView>,
    kinds: Vec<Choice>,
    sources: Vec<Choice>,
    today: String,
    can_edit: bool,
    may_check: bool,
    may_close: bool,
}

async fn find(
    state: &AppState,
    org: mandate_core::OrgId,
    id: ImprovementId,
) -> Result<Improvement, PageError> {
    state
        .store
        .improvements(org)
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or(PageError::NotFound("improvement"))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ImprovementId>,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let e = find(&state, org, id).await?;
    if !mandate_app::people::Area::of(&state.store, &viewer.caller())
        .await?
        .contains(e.fields.owner_id)
    {
        return Err(PageError::NotFound("improvement"));
    }
    let layout = Layout::new(&state, &viewer, &e.fields.title, "/improvements")
        .await?
        .with_notice(params.notice.as_deref());
    let all = state.store.actions(org).await?;
    let mine = e.actions(&all);
    let today = now().date();
    let mut people: Vec<_> = mine.iter().map(|a| a.fields.owner_id).collect();
    people.push(e.fields.owner_id);
    people.extend(e.checks.iter().map(|c| c.checked_by));
    let names = state.store.person_names(org, people).await?;
    let name = |p| names.get(&p).cloned().unwrap_or_default();
    let status = e.status_on(&all, today);
    let owner_email = state
        .store
        .person(org, e.fields.owner_id)
        .await?
        .map(|p| p.email.to_string())
        .unwrap_or_default();
    let can_edit = viewer.may(Permission::EditCommitment) && e.closed_on.is_none();
    Ok(render(&EntryPage {
        layout,
        owner: name(e.fields.owner_id),
        owner_email,
        status: status.label(),
        status_class: status_class(status),
        actions: mine
            .iter()
            .map(|a| ActionView {
                title: a.fields.title.clone(),
                owner: name(a.fields.owner_id),
                due_on: a.fields.due_on.to_string(),
                status: a.fields.status.label(),
                overdue_days: a.overdue_days(today),
            })
            .collect(),
        checks: e
            .checks
            .iter()
            .map(|c| CheckView {
                checked_on: c.checked_on.to_string(),
                effective: c.effective,
                note: c.note.clone(),
                checked_by: name(c.checked_by),
            })
            .collect(),
        kinds: kinds(),
        sources: sources(),
        today: today.to_string(),
        may_check: can_edit && !mine.is_empty() && mine.iter().all(|a| !a.open_on(today)),
        may_close: can_edit && status == ImprovementStatus::Resolved,
        can_edit,
        e,
    }))
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ImprovementId>,
    Form(f): Form<EntryForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let e = find(&state, org, id).await?;
    if !mandate_app::people::Area::of(&state.store, &viewer.caller())
        .await?
        .contains(e.fields.owner_id)
    {
        return Err(PageError::NotFound("improvement"));
    }
    let version = f
        .version
        .ok_or_else(|| invalid("version: reload the page and try again"))?;
    let fields = f.fields(&state, &viewer).await?;
    state
        .store
        .save_improvement(&viewer.actor(), org, Some(e.id), Some(version), fields)
        .await?;
    Ok(Redirect::to(&format!("/improvements/{}?notice=saved", e.id)).into_response())
}

/// The source a corrective action takes from its entry.
fn action_source(e: &Improvement) -> ActionSource {
    match (e.fields.kind, e.fields.source) {
        (ImprovementKind::Nonconformity, _) => ActionSource::Nonconformity,
        (_, ImprovementSource::Audit) => ActionSource::Audit,
        (_, ImprovementSource::Incident) => ActionSource::Incident,
        (_, ImprovementSource::Feedback) => ActionSource::Feedback,
        _ => ActionSource::Other,
    }
}

pub async fn add_action(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ImprovementId>,
    Form(f): Form<ActionForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let e = find(&state, org, id).await?;
    if !mandate_app::people::Area::of(&state.store, &viewer.caller())
        .await?
        .contains(e.fields.owner_id)
    {
        return Err(PageError::NotFound("improvement"));
    }
    let fields = ActionFields {
        improvement_id: Some(e.id),
        ..f.fields(&state, org, action_source(&e), None, None).await?
    };
    state
        .store
        .save_action(&viewer.actor(), org, None, None, fields)
        .await?;
    Ok(Redirect::to(&format!("/improvements/{}?notice=created", e.id)).into_response())
}

#[derive(Deserialize)]
pub struct CheckForm {
    checked_on: String,
    effective: String,
    note: String,
    version: i64,
}

pub async fn check(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ImprovementId>,
    Form(f): Form<CheckForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let e = find(&state, org, id).await?;
    if !mandate_app::people::Area::of(&state.store, &viewer.caller())
        .await?
        .contains(e.fields.owner_id)
    {
        return Err(PageError::NotFound("improvement"));
    }
    let check = EffectivenessCheck {
        checked_on: parse_date(&f.checked_on, "checked_on")?,
        effective: f.effective == "yes",
        note: f.note,
        checked_by: viewer.user.person_id,
    };
    state
        .store
        .check_improvement(&viewer.actor(), org, e.id, Some(f.version), check)
        .await?;
    Ok(Redirect::to(&format!("/improvements/{}?notice=checked", e.id)).into_response())
}

#[derive(Deserialize)]
pub struct CloseForm {
    note: String,
    version: i64,
}

pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ImprovementId>,
    Form(f): Form<CloseForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let e = find(&state, org, id).await?;
    if !mandate_app::people::Area::of(&state.store, &viewer.caller())
        .await?
        .contains(e.fields.owner_id)
    {
        return Err(PageError::NotFound("improvement"));
    }
    state
        .store
        .close_improvement(&viewer.actor(), org, e.id, Some(f.version), f.note)
        .await?;
    Ok(Redirect::to(&format!("/improvements/{}?notice=entry-closed", e.id)).into_response())
}
