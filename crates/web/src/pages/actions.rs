//! The actions register: every action with its owner, due date and status,
//! overdue ones flagged; new actions and status changes.

use super::form_input::invalid;
use super::page_path::PagePath;
use super::performance_view::ActionForm;
use super::view::{Anchor, Choice};
use super::{Layout, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_core::performance::{ActionFields, ActionSource, ActionStatus};
use mandate_core::{ActionId, Permission};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ListParams {
    notice: Option<String>,
    /// `open` or `overdue`; all otherwise.
    show: Option<String>,
}

pub struct ActionView {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub due_on: String,
    pub status: &'static str,
    pub status_key: &'static str,
    pub source: &'static str,
    /// The objective or review the action serves.
    pub link: Option<Anchor>,
    pub overdue_days: Option<i64>,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "actions.html")]
struct ActionsPage {
    layout: Layout,
    actions: Vec<ActionView>,
    show: String,
    overdue: usize,
    open: usize,
    statuses: Vec<Choice>,
    sources: Vec<&'static str>,
    can_edit: bool,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let layout = Layout::new(&state, &viewer, "Actions", "/objectives")
        .await?
        .with_notice(params.notice.as_deref());
    let today = viewer.day();
    // A line manager reads the actions their area owns.
    let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
    let mut all = state.store.actions(org).await?;
    all.retain(|a| a.created_at.date() <= today && area.contains(a.fields.owner_id));
    let names = state
        .store
        .person_names(org, all.iter().map(|a| a.fields.owner_id).collect())
        .await?;
    let show = params.show.unwrap_or_default();
    let open = all.iter().filter(|a| a.fields.status.is_open()).count();
    let overdue = all
        .iter()
        .filter(|a| a.overdue_days(today).is_some())
        .count();
    let actions = all
        .iter()
        .filter(|a| match show.as_str() {
            "open" => a.fields.status.is_open(),
            "overdue" => a.overdue_days(today).is_some(),
            _ => true,
        })
        .map(|a| ActionView {
            id: a.id.to_string(),
            title: a.fields.title.clone(),
            owner: names.get(&a.fields.owner_id).cloned().unwrap_or_default(),
            due_on: a.fields.due_on.to_string(),
            status: a.fields.status.label(),
            status_key: a.fields.status.as_str(),
            source: a.fields.source.as_str(),
            link: a
                .fields
                .objective_id
                .map(|o| Anchor::new(format!("/objectives/{o}"), "objective"))
                .or(a
                    .fields
                    .review_id
                    .map(|r| Anchor::new(format!("/reviews/{r}"), "review"))),
            overdue_days: a.overdue_days(today),
            version: a.version,
        })
        .collect();
    Ok(render(&ActionsPage {
        layout,
        actions,
        show,
        overdue,
        open,
        statuses: ActionStatus::ALL
            .iter()
            .map(|s| Choice::new(s.as_str(), s.label()))
            .collect(),
        sources: ActionSource::ALL
            .iter()
            .filter(|s| s.is_improvement())
            .map(|s| s.as_str())
            .collect(),
        can_edit: viewer.may(Permission::EditPerformance),
    }))
}

#[derive(Deserialize)]
pub struct NewActionForm {
    source: String,
    #[serde(flatten)]
    action: ActionForm,
}

/// A new action from the register's form: an improvement action with its source.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<NewActionForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let source = ActionSource::parse(&f.source)
        .filter(|s| s.is_improvement())
        .ok_or_else(|| invalid("source: choose one"))?;
    let fields = f.action.fields(&state, org, source, None, None).await?;
    state
        .store
        .save_action(&viewer.actor(), org, None, None, fields)
        .await?;
    Ok(Redirect::to("/actions?notice=created").into_response())
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
    version: i64,
}

/// Changes an action's status (closing dates it).
pub async fn set_status(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ActionId>,
    Form(f): Form<StatusForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let action = state
        .store
        .actions(org)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(PageError::NotFound("action"))?;
    let fields = ActionFields {
        status: ActionStatus::parse(&f.status).ok_or_else(|| invalid("status: choose one"))?,
        ..action.fields
    };
    state
        .store
        .save_action(&viewer.actor(), org, Some(id), Some(f.version), fields)
        .await?;
    Ok(Redirect::to(&format!("/actions?notice=saved#{id}")).into_response())
}
