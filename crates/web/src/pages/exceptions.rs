//! Exception pages: the register (expired ones flagged), asking for one,
//! and deciding, extending or closing it.

use super::form_input::invalid;
use super::page_path::PagePath;
use super::policies::{ExceptionRowView, email_of, exception_row};
use super::{Layout, NoticeParams, PageError, form_date, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::policies::{self, load_policy};
use mandate_core::policy::authority::Authority;
use mandate_core::policy::exception::MAX_EXCEPTION_MONTHS;
use mandate_core::policy::review::add_months;
use mandate_core::policy::{ExceptionRequest, ExceptionStatus, Verdict};
use mandate_core::timefmt::now;
use mandate_core::{ExceptionId, Permission, PolicyId};
use mandate_store::StoreError;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "exceptions.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<ExceptionRowView>,
    expired: usize,
    awaiting: usize,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let layout = Layout::new(&state, &viewer, "Exceptions", "/policies")
        .await?
        .with_notice(params.notice.as_deref());
    let titles: HashMap<PolicyId, String> = state
        .store
        .policy_summaries(org)
        .await?
        .into_iter()
        .map(|s| (s.policy.id, s.policy.fields.title))
        .collect();
    let users = state.store.users(org).await?;
    let rows: Vec<ExceptionRowView> = state
        .store
        .exceptions(org, None)
        .await?
        .iter()
        .filter(|e| e.created_at.date() <= viewer.day())
        .filter(|e| policies::may_read_exception(&viewer.caller(), e))
        .map(|e| {
            let title = titles.get(&e.policy_id).map_or("", String::as_str);
            exception_row(e, title, &users, viewer.day())
        })
        .collect();
    Ok(render(&ListPage {
        expired: rows.iter().filter(|r| r.status == "expired").count(),
        awaiting: rows.iter().filter(|r| r.status_class == "warn").count(),
        layout,
        rows,
    }))
}

#[derive(Template)]
#[template(path = "exception_form.html")]
struct RequestPage {
    layout: Layout,
    policy_id: String,
    policy_title: String,
    f: RequestForm,
    latest: String,
    tomorrow: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    clause: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    risk: String,
    #[serde(default)]
    compensating_controls: String,
    #[serde(default)]
    expires_on: String,
}

async fn request_page(
    state: &AppState,
    viewer: &Viewer,
    id: PolicyId,
    f: RequestForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let policy = load_policy(&state.store, &viewer.caller(), id).await?;
    let today = now().date();
    let layout = Layout::new(state, viewer, "Ask for an exception", "/policies").await?;
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok(super::render_with(
        status,
        &RequestPage {
            layout,
            policy_id: id.to_string(),
            policy_title: policy.fields.title,
            f,
            latest: add_months(today, MAX_EXCEPTION_MONTHS).to_string(),
            tomorrow: today.next_day().unwrap_or(today).to_string(),
            error,
        },
    ))
}

pub async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<PolicyId>,
) -> Result<Response, PageError> {
    request_page(&state, &viewer, id, RequestForm::default(), None).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<PolicyId>,
    Form(f): Form<RequestForm>,
) -> Result<Response, PageError> {
    // Only against a policy the requester may read.
    load_policy(&state.store, &viewer.caller(), id).await?;
    let today = now().date();
    let expires_on = match form_date("expires on", &f.expires_on) {
        Ok(Some(d)) => d,
        Ok(None) => {
            let e = "expires on: required: every exception ends".to_string();
            return request_page(&state, &viewer, id, f, Some(e)).await;
        }
        Err(e) => return request_page(&state, &viewer, id, f, Some(e)).await,
    };
    let request = ExceptionRequest {
        clause: f.clause.clone(),
        justification: f.justification.clone(),
        risk: f.risk.clone(),
        compensating_controls: f.compensating_controls.clone(),
        expires_on,
        waiver: None,
    };
    match state
        .store
        .request_exception(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            viewer.user.id,
            request,
            today,
        )
        .await
    {
        Ok(e) => {
            Ok(Redirect::to(&format!("/exceptions/{}?notice=requested", e.id)).into_response())
        }
        Err(StoreError::Invalid(m)) => request_page(&state, &viewer, id, f, Some(m)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "exception.html")]
struct DetailPage {
    layout: Layout,
    row: ExceptionRowView,
    justification: String,
    risk: String,
    controls: String,
    approved_by: String,
    authority: String,
    comment: String,
    pending: String,
    can_decide: bool,
    can_change: bool,
    in_force: bool,
    is_requester: bool,
    latest: String,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ExceptionId>,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let e = state
        .store
        .exception(org, id)
        .await?
        .filter(|e| policies::may_read_exception(&viewer.caller(), e))
        .ok_or(PageError::NotFound("exception"))?;
    let policy = load_policy(&state.store, &viewer.caller(), e.policy_id).await?;
    let users = state.store.users(org).await?;
    let layout = Layout::new(&state, &viewer, "Exception", "/policies")
        .await?
        .with_notice(params.notice.as_deref());
    let status = e.status_on(viewer.day());
    let is_requester = e.requested_by == viewer.user.id;
    Ok(render(&DetailPage {
        layout,
        row: exception_row(&e, &policy.fields.title, &users, viewer.day()),
        justification: e.justification.clone(),
        risk: e.risk.clone(),
        controls: e.compensating_controls.clone(),
        approved_by: e
            .approved_by
            .map(|u| email_of(&users, u))
            .unwrap_or_default(),
        authority: e.authority.clone().unwrap_or_default(),
        comment: e.decision_comment.clone().unwrap_or_default(),
        pending: e
            .pending_expires_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        can_decide: e.pending_expires_on.is_some()
            && !is_requester
            && e.pending_requested_by != Some(viewer.user.id)
            && viewer.may(Permission::Approve)
            && policies::authority_held(
                &state.store,
                &viewer.caller(),
                Authority::ApproveException,
            )
            .await?
            .is_some(),
        can_change: viewer.may(Permission::RequestExceptions)
            && (is_requester || viewer.may(Permission::EditPolicies)),
        in_force: status.in_force() || status == ExceptionStatus::Expired,
        is_requester,
        latest: add_months(now().date(), MAX_EXCEPTION_MONTHS).to_string(),
    }))
}

/// An approver's decision on a request or an extension.
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ExceptionId>,
    Form(f): Form<super::DecisionForm>,
) -> Result<Response, PageError> {
    let verdict: Verdict = f.verdict.parse().map_err(invalid)?;
    policies::decide_exception(&state.store, &viewer.caller(), id, verdict, &f.comment).await?;
    Ok(Redirect::to(&format!("/exceptions/{id}?notice=decided")).into_response())
}

#[derive(Deserialize)]
pub struct ChangeForm {
    step: String,
    #[serde(default)]
    expires_on: String,
}

/// Asks for an extension, or closes the exception early.
pub async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ExceptionId>,
    Form(f): Form<ChangeForm>,
) -> Result<Response, PageError> {
    let notice = match f.step.as_str() {
        "extend" => {
            let date = form_date("expires on", &f.expires_on)
                .map_err(invalid)?
                .ok_or_else(|| invalid("expires on: required"))?;
            policies::extend_exception(&state.store, &viewer.caller(), id, date).await?;
            "extension"
        }
        "close" => {
            // The same path as the API's, so the same ownership check.
            policies::close_exception(&state.store, &viewer.caller(), id).await?;
            "closed"
        }
        other => return Err(invalid(format!("{other:?} is not a step"))),
    };
    Ok(Redirect::to(&format!("/exceptions/{id}?notice={notice}")).into_response())
}
