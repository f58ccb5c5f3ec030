//! My tasks: everything the signed-in person must do, oldest first, and
//! the page where a policy addressed to them is read and acknowledged.

use super::form_input::invalid;
use super::page_path::PagePath;
use super::{Layout, NoticeParams, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::tasks::my_tasks;
use mandate_core::acknowledgement::{AckAnswer, AckState};
use mandate_core::digest::sha256_hex;
use mandate_core::timefmt::now;
use mandate_core::{Permission, VersionId};
use serde::Deserialize;

pub struct TaskView {
    pub kind: &'static str,
    pub title: String,
    pub detail: String,
    pub link: String,
    pub since: String,
    pub due_on: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    layout: Layout,
    tasks: Vec<TaskView>,
    overdue: usize,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "My tasks", "/tasks")
        .await?
        .with_notice(params.notice.as_deref());
    let today = now().date();
    let tasks: Vec<TaskView> = my_tasks(&state.store, &viewer.caller())
        .await?
        .into_iter()
        .map(|t| TaskView {
            kind: t.kind.label(),
            overdue: t.overdue_on(today),
            title: t.title,
            detail: t.detail,
            link: t.link,
            since: t.since.to_string(),
            due_on: super::date_text(t.due_on),
        })
        .collect();
    Ok(render(&TasksPage {
        layout,
        overdue: tasks.iter().filter(|t| t.overdue).count(),
        tasks,
    }))
}

#[derive(Template)]
#[template(path = "acknowledge.html")]
struct AcknowledgePage {
    layout: Layout,
    version_id: String,
    title: String,
    number: i32,
    published: String,
    html: String,
    digest: String,
    /// `owed`, or what became of it.
    state: &'static str,
    owed: bool,
    due_on: String,
    overdue: bool,
    answered: String,
    reason: String,
    can_answer: bool,
}

async fn request_of(
    state: &AppState,
    viewer: &Viewer,
    version: VersionId,
) -> Result<mandate_core::acknowledgement::AckRequest, PageError> {
    state
        .store
        .acknowledgements_of_person(viewer.user.org_id, viewer.user.person_id)
        .await?
        .into_iter()
        .find(|r| r.version_id == version)
        .ok_or(PageError::NotFound("acknowledgement addressed to you"))
}

pub async fn acknowledge_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(version_id): PagePath<VersionId>,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let request = request_of(&state, &viewer, version_id).await?;
    let org = viewer.user.org_id;
    let policy = state
        .store
        .policy(org, request.policy_id)
        .await?
        .ok_or(PageError::NotFound("policy"))?;
    let version = state
        .store
        .policy_versions(org, request.policy_id)
        .await?
        .into_iter()
        .find(|v| v.id == version_id)
        .ok_or(PageError::NotFound("version"))?;
    let layout = Layout::new(&state, &viewer, &policy.fields.title, "/tasks")
        .await?
        .with_notice(params.notice.as_deref());
    let today = now().date();
    let (settings, _) = state.store.org_settings(org).await?;
    Ok(render(&AcknowledgePage {
        layout,
        version_id: version_id.to_string(),
        title: policy.fields.title,
        number: version.number,
        published: version
            .published_at
            .map(|p| p.date().to_string())
            .unwrap_or_default(),
        html: mandate_report::markdown::render(&version.body, &settings.image_hosts),
        digest: sha256_hex(version.body.as_bytes()),
        state: request.state.label(),
        owed: request.state == AckState::Owed,
        due_on: request.due_on.to_string(),
        overdue: request.overdue_on(today),
        answered: request
            .answered_at
            .map(|a| a.date().to_string())
            .unwrap_or_default(),
        reason: request.reason,
        can_answer: viewer.may(Permission::Acknowledge),
    }))
}

#[derive(Deserialize)]
pub struct AnswerForm {
    answer: String,
    text_sha256: String,
    #[serde(default)]
    reason: String,
}

pub async fn acknowledge(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(version): PagePath<VersionId>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, PageError> {
    let answer = match f.answer.as_str() {
        "accept" => AckAnswer::Accept,
        "decline" => AckAnswer::Decline { reason: f.reason },
        _ => return Err(invalid("answer: accept or decline")),
    };
    state
        .acknowledgements
        .answer_as(&viewer.caller(), version, answer, f.text_sha256)
        .await?;
    Ok(Redirect::to("/tasks?notice=acknowledged-policy").into_response())
}
