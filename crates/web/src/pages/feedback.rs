//! Feedback (5.1 g, A.6.8): everyone may give it, named or through the
//! confidential channel; the ISMS function reads and handles it. The
//! confidential channel is a public page: it never looks at a session, so
//! nothing on the server ties a submission to the person who sent it.

use super::form_input::invalid;
use super::page_path::PagePath;
use super::view::Choice;
use super::{Layout, NoticeParams, PageError, plain_page, render, render_with};
use crate::auth::Viewer;
use crate::auth::client::ClientAddress;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::commitment::submit_feedback;
use mandate_core::audit::Actor;
use mandate_core::commitment::feedback::{
    Feedback, FeedbackKind, FeedbackStatus, FeedbackSubmission, Handling,
};
use mandate_core::timefmt::now;
use mandate_core::{FeedbackId, ImprovementId, Permission, Slug};
use serde::Deserialize;

pub struct FeedbackView {
    pub id: String,
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub from: String,
    pub received_on: String,
    pub status: &'static str,
    pub status_key: &'static str,
    pub response: String,
    pub improvement: Option<String>,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage {
    layout: Layout,
    mine: Vec<FeedbackView>,
    inbox: Option<Vec<FeedbackView>>,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    confidential_link: String,
    can_give: bool,
    can_handle: bool,
}

fn kinds() -> Vec<Choice> {
    FeedbackKind::ALL
        .iter()
        .map(|k| Choice::new(k.as_str(), k.label()))
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let layout = Layout::new(&state, &viewer, "Feedback", "/feedback")
        .await?
        .live()
        .with_notice(params.notice.as_deref());
    let organisation = state
        .store
        .organisation(org)
        .await?
        .ok_or(PageError::NotFound("organisation"))?;
    let all = state.store.feedback(org).await?;
    let names = state
        .store
        .person_names(org, all.iter().filter_map(|f| f.author_id).collect())
        .await?;
    let view = |f: &Feedback| FeedbackView {
        id: f.id.to_string(),
        kind: f.submission.kind.label(),
        subject: f.submission.subject.clone(),
        text: f.submission.text.clone(),
        from: match f.author_id {
            Some(a) => names.get(&a).cloned().unwrap_or_default(),
            None => "confidential channel".into(),
        },
        received_on: f.received_on.to_string(),
        status: f.status.label(),
        status_key: f.status.as_str(),
        response: f.response.clone(),
        improvement: f.improvement_id.map(|i| i.to_string()),
        version: f.version,
    };
    let mine = all
        .iter()
        .filter(|f| f.author_id == Some(viewer.user.person_id))
        .map(view)
        .collect();
    let inbox = viewer
        .may(Permission::ReadFeedback)
        .then(|| all.iter().map(view).collect());
    Ok(render(&FeedbackPage {
        layout,
        mine,
        inbox,
        kinds: kinds(),
        statuses: FeedbackStatus::ALL
            .iter()
            .filter(|s| **s != FeedbackStatus::New)
            .map(|s| Choice::new(s.as_str(), s.label()))
            .collect(),
        confidential_link: format!("/public/{}/feedback", organisation.slug),
        can_give: viewer.may(Permission::GiveFeedback),
        can_handle: viewer.may(Permission::EditCommitment),
    }))
}

#[derive(Deserialize)]
pub struct GiveForm {
    kind: String,
    subject: String,
    text: String,
}

/// Named feedback from the page.
pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<GiveForm>,
) -> Result<Response, PageError> {
    let kind = FeedbackKind::parse(&f.kind).ok_or_else(|| {
        let names: Vec<&str> = FeedbackKind::ALL.iter().map(|k| k.as_str()).collect();
        invalid(format!(
            "kind: {:?} is not one of {}",
            f.kind,
            names.join(", ")
        ))
    })?;
    let submission = FeedbackSubmission {
        kind,
        subject: f.subject,
        text: f.text,
    }
    .validated()
    .map_err(invalid)?;
    submit_feedback(&state.store, &viewer.caller(), submission, false).await?;
    Ok(Redirect::to("/feedback?notice=feedback").into_response())
}

#[derive(Deserialize)]
pub struct HandleForm {
    status: String,
    #[serde(default)]
    response: String,
    #[serde(default)]
    improvement_id: String,
    version: i64,
}

pub async fn handle(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<FeedbackId>,
    Form(f): Form<HandleForm>,
) -> Result<Response, PageError> {
    let status = FeedbackStatus::parse(&f.status).ok_or_else(|| invalid("status: choose one"))?;
    let improvement = match f.improvement_id.trim() {
        "" => None,
        raw => Some(
            raw.parse::<ImprovementId>()
                .map_err(|_| invalid("improvement_id: not an entry"))?,
        ),
    };
    state
        .store
        .handle_feedback(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            Some(f.version),
            Handling {
                status,
                response: f.response,
                improvement_id: improvement,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/feedback?notice=saved#{id}")).into_response())
}

#[derive(Template)]
#[template(path = "confidential_feedback.html")]
struct ConfidentialPage {
    org_name: String,
    action: String,
    kinds: Vec<Choice>,
    error: Option<String>,
    received: bool,
}

fn not_found() -> Response {
    plain_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no feedback channel at this address.",
    )
}

async fn organisation(state: &AppState, slug: &str) -> Option<mandate_core::Organisation> {
    let slug = Slug::parse(slug).ok()?;
    state.store.organisation_by_slug(&slug).await.ok().flatten()
}

/// The confidential channel's form: no sign-in, no session looked at.
pub async fn confidential_form(State(state): State<AppState>, Path(org): Path<String>) -> Response {
    let Some(organisation) = organisation(&state, &org).await else {
        return not_found();
    };
    render(&ConfidentialPage {
        org_name: organisation.name,
        action: format!("/public/{}/feedback", organisation.slug),
        kinds: kinds(),
        error: None,
        received: false,
    })
}

pub async fn confidential_submit(
    State(state): State<AppState>,
    Path(org): Path<String>,
    ClientAddress(address): ClientAddress,
    form: Result<Form<GiveForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Some(organisation) = organisation(&state, &org).await else {
        return not_found();
    };
    let page = |status, error: Option<String>, received| {
        render_with(
            status,
            &ConfidentialPage {
                org_name: organisation.name.clone(),
                action: format!("/public/{}/feedback", organisation.slug),
                kinds: kinds(),
                error,
                received,
            },
        )
    };
    // Throttled per client address (kept in memory only, never stored),
    // apart from sign-ins.
    if state.throttle.feedback(&address).is_err() {
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many submissions from here; try again later.".into()),
            false,
        );
    }
    let Ok(Form(f)) = form else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Fill in the kind, the subject and your message.".into()),
            false,
        );
    };
    let Some(kind) = FeedbackKind::parse(&f.kind) else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Choose whether it is a suggestion or a concern.".into()),
            false,
        );
    };
    let submission = FeedbackSubmission {
        kind,
        subject: f.subject,
        text: f.text,
    }
    .validated();
    let submission = match submission {
        Ok(s) => s,
        Err(e) => return page(StatusCode::UNPROCESSABLE_ENTITY, Some(e), false),
    };
    let feedback = Feedback::confidential(organisation.id, submission, now().date());
    match state
        .store
        .submit_feedback(
            &Actor::channel(mandate_core::commitment::feedback::CONFIDENTIAL_CHANNEL),
            feedback,
        )
        .await
    {
        Ok(_) => page(StatusCode::OK, None, true),
        Err(e) => {
            tracing::error!(error = %e, "keeping confidential feedback");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                Some("It could not be kept; try again later.".into()),
                false,
            )
        }
    }
}
