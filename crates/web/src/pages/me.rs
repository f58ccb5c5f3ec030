//! The user's own page: password and API tokens.

use super::page_path::PagePath;
use super::{Layout, PageError, render_with};
use crate::auth::Viewer;
use crate::auth::password_checks::Busy;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

pub struct TokenView {
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    layout: Layout,
    /// The ISMS roles the viewer holds, to read and acknowledge.
    roles: Vec<super::roles::HeldRole>,
    tokens: Vec<TokenView>,
    new_secret: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Params {
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<&str>,
    new_secret: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let layout = Layout::new(state, viewer, "Your account", "/me")
        .await?
        .with_notice(notice);
    let minute =
        |t: time::OffsetDateTime| mandate_core::timefmt::format_instant(t)[..16].replace('T', " ");
    let tokens = state
        .store
        .tokens_of_user(viewer.user.org_id, viewer.user.id)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id.to_string(),
            name: t.name,
            created: minute(t.created_at),
            last_used: t.last_used_at.map(minute).unwrap_or_else(|| "never".into()),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    let roles = super::roles::held_roles(state, viewer).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_with(
        status,
        &MePage {
            layout,
            roles,
            tokens,
            new_secret,
            error,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<Params>,
) -> Result<Response, PageError> {
    page(&state, &viewer, params.notice.as_deref(), None, None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new_password: String,
    /// The "also revoke my API tokens" box, when ticked.
    revoke_tokens: Option<String>,
    /// Sent by the form that shows the box: without it (an older form, a
    /// script) the tokens are revoked, the safe default.
    tokens_asked: Option<String>,
}

pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    // Guessing the current password from a hijacked session is throttled
    // like sign-in, so a stolen cookie does not become a password oracle.
    let account = viewer.user.id.to_string();
    if state.throttle.current_password(&account).is_err() {
        let message = "Too many wrong current passwords. Try again in 15 minutes.";
        return page(&state, &viewer, None, None, Some(message.into())).await;
    }
    let stored = state
        .store
        .user_by_email(viewer.user.org_id, &viewer.user.email)
        .await?
        .and_then(|(_, h)| h);
    let ok = match stored {
        Some(hash) => match state.password_checks.verify(&form.current, &hash).await {
            Ok(ok) => ok,
            Err(Busy) => return busy(&state, &viewer).await,
        },
        None => false,
    };
    if !ok {
        return page(
            &state,
            &viewer,
            None,
            None,
            Some("Your current password is not that.".into()),
        )
        .await;
    }
    let hash = match state.password_checks.hash(&form.new_password).await {
        Ok(Ok(hash)) => hash,
        Ok(Err(e)) => return page(&state, &viewer, None, None, Some(format!("{e}."))).await,
        Err(Busy) => return busy(&state, &viewer).await,
    };
    state.throttle.current_password_right(&account);
    // Whoever knew the old password may have made tokens with it: they go
    // too, unless the owner unticks the box.
    let revoke_tokens = form.revoke_tokens.is_some() || form.tokens_asked.is_none();
    let revoked = state
        .store
        .set_password(
            &viewer.actor(),
            viewer.user.org_id,
            viewer.user.id,
            &hash,
            revoke_tokens,
            viewer.session_hash(),
        )
        .await?;
    tracing::info!(user = %viewer.user.email, tokens_revoked = revoked, "password changed");
    let notice = if revoked > 0 {
        "password-tokens"
    } else {
        "password"
    };
    Ok(Redirect::to(&format!("/me?notice={notice}")).into_response())
}

/// The page, answered 503 with `Retry-After`: no permit for the password
/// work came free in time.
async fn busy(state: &AppState, viewer: &Viewer) -> Result<Response, PageError> {
    tracing::warn!(user = %viewer.user.email, "password change refused: too many password checks under way");
    let mut response = page(state, viewer, None, None, Some(Busy::MESSAGE.into())).await?;
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    Busy::retry_after(&mut response);
    Ok(response)
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    match crate::api::me::issue_token(&state, &viewer, &form.name).await {
        Ok((_, secret)) => page(&state, &viewer, None, Some(secret), None).await,
        Err(problem) => page(&state, &viewer, None, None, Some(problem.detail)).await,
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<Uuid>,
) -> Result<Response, PageError> {
    state
        .store
        .revoke_token(&viewer.actor(), viewer.user.org_id, viewer.user.id, id)
        .await?;
    Ok(Redirect::to("/me?notice=revoked").into_response())
}
