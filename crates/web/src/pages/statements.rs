//! The leadership statement (5.1 d): the published statement for everyone,
//! and for the ISMS function the drafts, who has signed which text, and
//! the signing and publishing steps.

use super::form_input::{invalid, people_by_emails};
use super::page_path::PagePath;
use super::{Layout, NoticeParams, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::commitment::visible_statements;
use mandate_core::commitment::statement::{LeadershipStatement, StatementFields, StatementState};
use mandate_core::timefmt::now;
use mandate_core::{Permission, PersonId, StatementId};
use serde::Deserialize;
use std::collections::HashMap;

pub struct SignerView {
    pub name: String,
    /// "signed on …", "signed an earlier text: signs again", "not yet".
    pub status: String,
    pub class: &'static str,
}

pub struct StatementView {
    pub id: String,
    pub title: String,
    pub html: String,
    pub body: String,
    pub digest: String,
    pub state: &'static str,
    pub state_class: &'static str,
    pub published: String,
    pub signers: Vec<SignerView>,
    pub signatory_emails: String,
    pub viewer_may_sign: bool,
    pub version: i64,
}

fn state_class(state: StatementState) -> &'static str {
    match state {
        StatementState::Published => "good",
        StatementState::Signed => "",
        StatementState::AwaitingSignatures => "warn",
        StatementState::Superseded => "ended",
    }
}

async fn views(
    state: &AppState,
    viewer: &Viewer,
    statements: &[LeadershipStatement],
) -> Result<Vec<StatementView>, PageError> {
    let org = viewer.user.org_id;
    let people: Vec<PersonId> = statements
        .iter()
        .flat_map(|s| s.fields.signatories.iter().copied())
        .collect();
    let mut named: HashMap<PersonId, (String, String)> = HashMap::new();
    for id in people {
        if let std::collections::hash_map::Entry::Vacant(e) = named.entry(id)
            && let Some(p) = state.store.person(org, id).await?
        {
            e.insert((p.name, p.email.to_string()));
        }
    }
    let at = viewer.instant();
    let (settings, _) = state.store.org_settings(org).await?;
    Ok(statements
        .iter()
        .map(|s| {
            let missing = s.missing_signatories(at);
            let again = s.must_sign_again();
            let signers = s
                .fields
                .signatories
                .iter()
                .map(|p| {
                    let name = named.get(p).map(|n| n.0.clone()).unwrap_or_default();
                    let signed = s
                        .valid_signatures(at)
                        .into_iter()
                        .find(|g| g.person_id == *p);
                    let (status, class) = match signed {
                        Some(g) => (
                            format!("signed on {} ({})", g.signed_at.date(), g.authority),
                            "good",
                        ),
                        None if again.contains(p) => (
                            "signed an earlier text: must sign this one".to_string(),
                            "warn",
                        ),
                        None => ("not signed yet".to_string(), "warn"),
                    };
                    SignerView {
                        name,
                        status,
                        class,
                    }
                })
                .collect();
            let st = s.state_at(at);
            StatementView {
                id: s.id.to_string(),
                title: s.fields.title.clone(),
                html: mandate_report::markdown::render(&s.fields.body, &settings.image_hosts),
                body: s.fields.body.clone(),
                digest: s.body_sha256.clone(),
                state: st.label(),
                state_class: state_class(st),
                published: s
                    .published_at
                    .map(|p| format!("Published on {} · {}", p.date(), s.published_where))
                    .unwrap_or_default(),
                signers,
                signatory_emails: s
                    .fields
                    .signatories
                    .iter()
                    .filter_map(|p| named.get(p).map(|n| n.1.clone()))
                    .collect::<Vec<_>>()
                    .join(", "),
                viewer_may_sign: s.published_at.is_none()
                    && missing.contains(&viewer.user.person_id),
                version: s.version,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "statements.html")]
struct StatementsPage {
    layout: Layout,
    current: Option<StatementView>,
    others: Vec<StatementView>,
    can_edit: bool,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "Leadership statement", "/statements")
        .await?
        .with_notice(params.notice.as_deref());
    let statements = visible_statements(&state.store, &viewer.caller()).await?;
    let mut all = views(&state, &viewer, &statements).await?;
    let current = all
        .iter()
        .position(|s| s.state == StatementState::Published.label())
        .map(|i| all.remove(i));
    Ok(render(&StatementsPage {
        layout,
        current,
        others: all,
        can_edit: viewer.may(Permission::EditCommitment),
    }))
}

#[derive(Template)]
#[template(path = "statement.html")]
struct StatementPage {
    layout: Layout,
    s: StatementView,
    editable: bool,
    publishable: bool,
}

async fn find(
    state: &AppState,
    viewer: &Viewer,
    id: StatementId,
) -> Result<LeadershipStatement, PageError> {
    visible_statements(&state.store, &viewer.caller())
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(PageError::NotFound("statement"))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<StatementId>,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let statement = find(&state, &viewer, id).await?;
    let layout = Layout::new(&state, &viewer, &statement.fields.title, "/statements")
        .await?
        .with_notice(params.notice.as_deref());
    let can_edit = viewer.may(Permission::EditCommitment);
    let open = statement.published_at.is_none();
    let publishable = open && statement.missing_signatories(now()).is_empty();
    let s = views(&state, &viewer, std::slice::from_ref(&statement))
        .await?
        .remove(0);
    Ok(render(&StatementPage {
        layout,
        s,
        editable: can_edit && open,
        publishable: can_edit && publishable,
    }))
}

#[derive(Deserialize)]
pub struct StatementForm {
    title: String,
    body: String,
    signatories: String,
    #[serde(default)]
    version: Option<i64>,
}

async fn fields(
    state: &AppState,
    viewer: &Viewer,
    f: &StatementForm,
) -> Result<StatementFields, PageError> {
    Ok(StatementFields {
        title: f.title.clone(),
        body: f.body.clone(),
        signatories: people_by_emails(state, viewer.user.org_id, &f.signatories, "signatories")
            .await?,
    })
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<StatementForm>,
) -> Result<Response, PageError> {
    let fields = fields(&state, &viewer, &f).await?;
    let saved = state
        .store
        .save_statement(&viewer.actor(), viewer.user.org_id, None, None, fields)
        .await?;
    Ok(Redirect::to(&format!("/statements/{}?notice=created", saved.id)).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<StatementId>,
    Form(f): Form<StatementForm>,
) -> Result<Response, PageError> {
    let statement = find(&state, &viewer, id).await?;
    let fields = fields(&state, &viewer, &f).await?;
    let version = f
        .version
        .ok_or_else(|| invalid("version: reload the page and try again"))?;
    state
        .store
        .save_statement(
            &viewer.actor(),
            viewer.user.org_id,
            Some(statement.id),
            Some(version),
            fields,
        )
        .await?;
    Ok(Redirect::to(&format!("/statements/{}?notice=saved", statement.id)).into_response())
}

#[derive(Deserialize)]
pub struct SignForm {
    body_sha256: String,
}

pub async fn sign(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<StatementId>,
    Form(f): Form<SignForm>,
) -> Result<Response, PageError> {
    let statement = find(&state, &viewer, id).await?;
    state
        .store
        .sign_statement(
            &viewer.actor(),
            viewer.user.org_id,
            statement.id,
            &viewer.user,
            &f.body_sha256,
        )
        .await?;
    Ok(Redirect::to(&format!("/statements/{}?notice=signed", statement.id)).into_response())
}

#[derive(Deserialize)]
pub struct PublishForm {
    published_where: String,
}

pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<StatementId>,
    Form(f): Form<PublishForm>,
) -> Result<Response, PageError> {
    let statement = find(&state, &viewer, id).await?;
    state
        .store
        .publish_statement(
            &viewer.actor(),
            viewer.user.org_id,
            statement.id,
            &f.published_where,
        )
        .await?;
    Ok(Redirect::to("/statements?notice=statement-published").into_response())
}
