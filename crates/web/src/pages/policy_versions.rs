//! A policy version's pages: the text with its 5.2 elements and decisions,
//! the editor, the workflow buttons, and the diff between two versions.

use super::page_path::PagePath;
use super::policies::email_of;
use super::{Layout, NoticeParams, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::policies::{self, load_policy, load_version, state_label};
use mandate_core::policy::{Action, PolicyKind, Verdict, VersionState};
use mandate_core::{Permission, PolicyId};
use mandate_report::diff::LineKind;
use mandate_report::markdown::{elements_present, render as render_markdown};
use mandate_store::StoreError;
use serde::Deserialize;

/// A 5.2 element of a top-level text, and whether the text has it.
pub struct ElementView {
    pub description: &'static str,
    /// The marker that shows it in the text: `{.tag}`.
    pub tag: &'static str,
    pub present: bool,
}

/// The 5.2 elements of a top-level text.
fn element_list(kind: PolicyKind, body: &str) -> Vec<ElementView> {
    if kind != PolicyKind::TopLevel {
        return Vec::new();
    }
    elements_present(body)
        .into_iter()
        .map(|(e, present)| ElementView {
            description: e.describe(),
            tag: e.tag(),
            present,
        })
        .collect()
}

/// An approver's decision on the version, as a row.
pub struct DecisionRowView {
    pub decided_on: String,
    pub approver: String,
    pub verdict: &'static str,
    pub comment: String,
    pub authority: String,
    pub round: i32,
}

#[derive(Template)]
#[template(path = "policy_version.html")]
struct VersionPage {
    layout: Layout,
    policy_id: String,
    policy_title: String,
    number: i32,
    state: String,
    raw_state: &'static str,
    summary: String,
    author: String,
    html: String,
    elements: Vec<ElementView>,
    missing: bool,
    decisions: Vec<DecisionRowView>,
    round: i32,
    revision: i64,
    previous: Option<i32>,
    can_edit: bool,
    can_decide: bool,
    is_author: bool,
    /// "material change", or "not material: acknowledgements carry over".
    change_kind: Option<&'static str>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath((id, number)): PagePath<(PolicyId, i32)>,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let policy = load_policy(&state.store, &viewer.caller(), id).await?;
    let version = load_version(&state.store, &viewer.caller(), id, number).await?;
    let users = state.store.users(viewer.user.org_id).await?;
    let decisions = if viewer.may(Permission::ReadPolicyWork) {
        state
            .store
            .version_decisions(viewer.user.org_id, version.id)
            .await?
    } else {
        Vec::new()
    };
    let title = format!("{} v{}", policy.fields.title, version.number);
    let layout = Layout::new(&state, &viewer, &title, "/policies")
        .await?
        .with_notice(params.notice.as_deref());
    let elements = element_list(policy.fields.kind, &version.body);
    let needed = policies::authority_for(&policy);
    let (settings, _) = state.store.org_settings(viewer.user.org_id).await?;
    Ok(render(&VersionPage {
        layout,
        policy_id: id.to_string(),
        policy_title: policy.fields.title.clone(),
        number,
        state: state_label(version.state),
        raw_state: version.state.as_str(),
        summary: version.change_summary.clone(),
        change_kind: (number > 1).then_some(if version.material_change {
            "material: everyone acknowledges it again"
        } else {
            "not material: the acknowledgements of the version before carry over"
        }),
        author: email_of(&users, version.author_id),
        html: render_markdown(&version.body, &settings.image_hosts),
        missing: elements.iter().any(|e| !e.present),
        elements,
        decisions: decisions
            .into_iter()
            .map(|d| DecisionRowView {
                decided_on: d.decided_at.date().to_string(),
                approver: email_of(&users, d.user_id),
                verdict: match d.verdict {
                    Verdict::Approve => "approved",
                    Verdict::Reject => "rejected",
                },
                comment: d.comment,
                authority: d.authority,
                round: d.review_round,
            })
            .collect(),
        round: version.review_round,
        revision: version.version,
        previous: (version.number > 1).then_some(version.number - 1),
        can_edit: viewer.may(Permission::EditPolicies),
        can_decide: viewer.may(Permission::Approve)
            && policies::authority_held(&state.store, &viewer.caller(), needed)
                .await?
                .is_some()
            && !version.written_by(viewer.user.id),
        is_author: version.written_by(viewer.user.id),
    }))
}

#[derive(Template)]
#[template(path = "policy_editor.html")]
struct EditorPage {
    layout: Layout,
    policy_id: String,
    policy_title: String,
    number: i32,
    body: String,
    summary: String,
    version: i64,
    elements: Vec<ElementView>,
    error: Option<String>,
    /// Not for a policy's first version: there is nothing to carry over.
    ask_material: bool,
    material: bool,
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath((id, number)): PagePath<(PolicyId, i32)>,
) -> Result<Response, PageError> {
    let policy = load_policy(&state.store, &viewer.caller(), id).await?;
    let version = load_version(&state.store, &viewer.caller(), id, number).await?;
    if version.state != VersionState::Draft {
        return Ok(Redirect::to(&format!("/policies/{id}/versions/{number}")).into_response());
    }
    let layout = Layout::new(&state, &viewer, &format!("Edit v{number}"), "/policies").await?;
    Ok(render(&EditorPage {
        layout,
        policy_id: id.to_string(),
        policy_title: policy.fields.title.clone(),
        number,
        elements: element_list(policy.fields.kind, &version.body),
        body: version.body,
        summary: version.change_summary,
        version: version.version,
        error: None,
        ask_material: number > 1,
        material: version.material_change,
    }))
}

#[derive(Deserialize)]
pub struct EditForm {
    body: String,
    change_summary: String,
    version: i64,
    /// The editor shows the material-change box; unticked means false.
    #[serde(default)]
    material_shown: Option<String>,
    #[serde(default)]
    material_change: Option<String>,
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath((id, number)): PagePath<(PolicyId, i32)>,
    Form(f): Form<EditForm>,
) -> Result<Response, PageError> {
    let policy = load_policy(&state.store, &viewer.caller(), id).await?;
    let saved = state
        .store
        .edit_draft(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            number,
            viewer.user.id,
            f.version,
            &f.body,
            &f.change_summary,
            f.material_shown
                .as_ref()
                .map(|_| f.material_change.is_some()),
        )
        .await;
    match saved {
        Ok(_) => Ok(
            Redirect::to(&format!("/policies/{id}/versions/{number}?notice=saved")).into_response(),
        ),
        // The text stays in the editor, so nothing typed is lost.
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => {
            let layout =
                Layout::new(&state, &viewer, &format!("Edit v{number}"), "/policies").await?;
            Ok(super::render_with(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &EditorPage {
                    layout,
                    policy_id: id.to_string(),
                    policy_title: policy.fields.title.clone(),
                    number,
                    elements: element_list(policy.fields.kind, &f.body),
                    body: f.body,
                    summary: f.change_summary,
                    version: f.version,
                    error: Some(m),
                    ask_material: number > 1,
                    material: f.material_change.is_some(),
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Starts a new draft from the newest text.
pub async fn new_draft(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<PolicyId>,
) -> Result<Response, PageError> {
    let policy = load_policy(&state.store, &viewer.caller(), id).await?;
    let versions = state.store.policy_versions(viewer.user.org_id, id).await?;
    let body = versions.first().map_or_else(
        || format!("# {}\n\n", policy.fields.title),
        |v| v.body.clone(),
    );
    let summary = if versions.is_empty() {
        "First version"
    } else {
        "Describe what changed"
    };
    let draft = state
        .store
        .create_draft(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            viewer.user.id,
            &body,
            summary,
        )
        .await?;
    Ok(Redirect::to(&format!("/policies/{id}/versions/{}/edit", draft.number)).into_response())
}

#[derive(Deserialize)]
pub struct StepForm {
    step: String,
    #[serde(default)]
    confirm_missing_elements: Option<String>,
}

/// The author's and editors' buttons: submit, withdraw, publish, retire.
pub async fn step(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath((id, number)): PagePath<(PolicyId, i32)>,
    Form(f): Form<StepForm>,
) -> Result<Response, PageError> {
    let notice = match f.step.as_str() {
        "submit" => {
            policies::submit(
                &state.store,
                &viewer.caller(),
                id,
                number,
                f.confirm_missing_elements.is_some(),
            )
            .await?;
            "submitted"
        }
        other => {
            let (action, notice) = match other {
                "withdraw" => (Action::Withdraw, "withdrawn"),
                "publish" => (Action::Publish, "published"),
                "retire" => (Action::Retire, "retired"),
                _ => {
                    return Err(PageError::Store(StoreError::Invalid(format!(
                        "{other:?} is not a step"
                    ))));
                }
            };
            state
                .store
                .step_version(&viewer.actor(), viewer.user.org_id, id, number, action)
                .await?;
            notice
        }
    };
    Ok(Redirect::to(&format!("/policies/{id}/versions/{number}?notice={notice}")).into_response())
}

/// An approver's decision: approve or reject, with a comment.
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath((id, number)): PagePath<(PolicyId, i32)>,
    Form(f): Form<super::DecisionForm>,
) -> Result<Response, PageError> {
    let verdict: Verdict = f
        .verdict
        .parse()
        .map_err(|e: String| PageError::Store(StoreError::Invalid(e)))?;
    policies::decide(
        &state.store,
        &viewer.caller(),
        id,
        number,
        verdict,
        &f.comment,
        f.version,
    )
    .await?;
    Ok(Redirect::to(&format!("/policies/{id}/versions/{number}?notice=decided")).into_response())
}

/// One line of the diff as shown: its kind, line numbers and marked pieces.
pub struct DiffRow {
    kind: &'static str,
    old: String,
    new: String,
    segments: Vec<SegmentView>,
}

/// A piece of a diff line's text.
pub struct SegmentView {
    /// The words changed, drawn emphasised.
    changed: bool,
    text: String,
}

#[derive(Template)]
#[template(path = "policy_diff.html")]
struct DiffPage {
    layout: Layout,
    policy_id: String,
    policy_title: String,
    from: i32,
    to: i32,
    added: usize,
    removed: usize,
    numbers: Vec<i32>,
    rows: Vec<DiffRow>,
}

#[derive(Deserialize)]
pub struct DiffParams {
    from: Option<i32>,
    to: Option<i32>,
}

pub async fn diff(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<PolicyId>,
    Query(params): Query<DiffParams>,
) -> Result<Response, PageError> {
    let policy = load_policy(&state.store, &viewer.caller(), id).await?;
    let versions = state.store.policy_versions(viewer.user.org_id, id).await?;
    let newest = versions.first().map_or(1, |v| v.number);
    let to = params.to.unwrap_or(newest);
    let from = params.from.unwrap_or(to.saturating_sub(1).max(1));
    let (_, _, d) =
        mandate_app::policies::version_diff(&state.store, &viewer.caller(), id, from, to).await?;
    let layout = Layout::new(
        &state,
        &viewer,
        &format!("{}: v{from} to v{to}", policy.fields.title),
        "/policies",
    )
    .await?;
    let number = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
    Ok(render(&DiffPage {
        layout,
        policy_id: id.to_string(),
        policy_title: policy.fields.title.clone(),
        from,
        to,
        added: d.added,
        removed: d.removed,
        numbers: versions.iter().map(|v| v.number).collect(),
        rows: d
            .lines
            .into_iter()
            .map(|l| {
                let kind = match l.kind {
                    LineKind::Same => "same",
                    LineKind::Added => "added",
                    LineKind::Removed => "removed",
                    LineKind::Fold => "fold",
                };
                let (old, new) = if l.kind == LineKind::Fold {
                    (String::new(), String::new())
                } else {
                    (number(l.old_line), number(l.new_line))
                };
                DiffRow {
                    kind,
                    old,
                    new,
                    segments: l
                        .segments
                        .into_iter()
                        .map(|(changed, text)| SegmentView { changed, text })
                        .collect(),
                }
            })
            .collect(),
    }))
}
