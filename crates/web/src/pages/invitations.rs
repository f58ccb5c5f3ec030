//! The invitations page: how many people cannot sign in yet, and one action
//! to invite them all, a department, or (from a person's page) one person.

use super::{Layout, PageError, render_with};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::AppError;
use mandate_app::identity::{InviteScope, Invited, invitable, invite};
use mandate_core::login_link::{LinkPurpose, LinkState};
use mandate_core::timefmt::now;
use mandate_core::{Person, PersonId};
use serde::Deserialize;
use uuid::Uuid;

/// Whether a person can sign in, as their page shows it to those who may
/// invite them.
pub struct SignInView {
    pub login: &'static str,
    /// Where their latest invitation stands, if they had one.
    pub invitation: Option<String>,
    pub invitable: bool,
}

impl SignInView {
    pub async fn of(state: &AppState, person: &Person) -> Result<Self, PageError> {
        let at = now();
        let login = state.store.login_of(person.org_id, person.id).await?;
        let left = person.end_date.is_some_and(|last| last < at.date());
        let invitation = state
            .store
            .login_links_of(person.org_id, person.id)
            .await?
            .into_iter()
            .find(|l| l.purpose == LinkPurpose::Invitation)
            .map(|l| match l.state(at) {
                LinkState::Unsent | LinkState::Live if left => {
                    "no longer usable: they have left".to_string()
                }
                LinkState::Unsent => "waiting in the outbox to be sent".to_string(),
                LinkState::Live => format!(
                    "sent {}, open until {}",
                    datetime_text(l.sent_at),
                    datetime_text(l.sent_at.map(|s| s + l.purpose.lifetime()))
                ),
                LinkState::Used => format!("used {}", datetime_text(l.used_at)),
                LinkState::Superseded => "replaced".to_string(),
                LinkState::Expired => "expired unused".to_string(),
            });
        let (login, invitable) = match login {
            None => ("none", !left),
            Some(l) if l.disabled => ("disabled", false),
            Some(l) if l.has_password => ("can sign in", false),
            Some(_) => ("no password yet", !left),
        };
        Ok(Self {
            login,
            invitation,
            invitable,
        })
    }
}

/// "2026-12-05 09:30 UTC", or "" for nothing.
fn datetime_text(at: Option<time::OffsetDateTime>) -> String {
    at.map(|t| {
        let t = t.to_offset(time::UtcOffset::UTC);
        format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute())
    })
    .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "invitations.html")]
struct InvitationsPage {
    layout: Layout,
    counts: Invited,
    departments: Vec<String>,
    smtp_configured: bool,
    done: Option<Invited>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    done: Option<Invited>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let layout = Layout::new(state, viewer, "Invitations", "/people").await?;
    let reach = invitable(&state.store, org, now()).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = InvitationsPage {
        layout,
        counts: reach.counts,
        departments: reach.departments,
        smtp_configured: state.config.mail.smtp_url.is_some(),
        done,
        error,
    };
    Ok(render_with(status, &page))
}

pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    page(&state, &viewer, None, None).await
}

#[derive(Deserialize)]
pub struct InviteForm {
    scope: String,
    department: Option<String>,
    person_id: Option<Uuid>,
}

pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<InviteForm>,
) -> Result<Response, PageError> {
    let scope = match (form.scope.as_str(), form.department, form.person_id) {
        ("everyone", _, _) => InviteScope::Everyone,
        ("department", Some(d), _) => InviteScope::Department(d),
        ("person", _, Some(id)) => InviteScope::Person(PersonId(id)),
        _ => {
            return page(&state, &viewer, None, Some("say whom to invite".into())).await;
        }
    };
    let actor = mandate_core::audit::Actor::user(viewer.user.id);
    match invite(&state.store, &actor, viewer.user.org_id, &scope, now()).await {
        Ok(_) if matches!(scope, InviteScope::Person(_)) => {
            let InviteScope::Person(id) = scope else {
                unreachable!("matched above")
            };
            Ok(Redirect::to(&format!("/people/{id}?notice=invited")).into_response())
        }
        Ok(done) => page(&state, &viewer, Some(done), None).await,
        Err(AppError::Invalid(why)) => page(&state, &viewer, None, Some(why)).await,
        Err(e) => Err(e.into()),
    }
}
