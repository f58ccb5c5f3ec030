//! "Forgot your password?" and the page a mailed link opens (an invitation
//! or a password reset), where the person chooses a password and is signed
//! in. Neither page says whether an email has a login; both are throttled.

use super::render_with;
use super::signin::start_session;
use crate::auth::client::ClientAddress;
use crate::auth::password_checks::Busy;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use mandate_app::AppError;
use mandate_app::identity::{open_link, request_reset, use_link};
use mandate_core::password::MIN_PASSWORD_CHARS;
use mandate_core::timefmt::now;
use mandate_store::LinkHolder;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage {
    email: String,
    sent: bool,
    error: Option<String>,
}

pub async fn forgot_form() -> Response {
    let page = ForgotPage {
        email: String::new(),
        sent: false,
        error: None,
    };
    render_with(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct ForgotForm {
    email: String,
}

pub async fn forgot_submit(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Form(form): Form<ForgotForm>,
) -> Response {
    let email = form.email.trim().to_lowercase();
    let answer = |status, sent, error: Option<String>| {
        let page = ForgotPage {
            email: email.clone(),
            sent,
            error,
        };
        render_with(status, &page)
    };
    match state.throttle.password_reset(&email, &address) {
        Err(wait) => {
            tracing::warn!(%address, "password reset refused: too many from this address");
            let minutes = wait.as_secs().div_ceil(60);
            let mut response = answer(
                StatusCode::TOO_MANY_REQUESTS,
                false,
                Some(format!(
                    "Too many requests from here. Try again in {minutes} minute(s)."
                )),
            );
            if let Ok(value) = header::HeaderValue::from_str(&wait.as_secs().to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        // Enough links went to this email lately: the same answer, no mail.
        Ok(false) => {
            tracing::warn!(%address, "password reset not sent: too many for this email");
            answer(StatusCode::OK, true, None)
        }
        // The link is made after the answer has gone: an email with a login
        // (written to) and one without (read only) answer equally fast.
        Ok(true) => {
            let store = Arc::clone(&state.store);
            let asked = email.clone();
            tokio::spawn(async move {
                if let Err(e) = request_reset(&store, &asked, now()).await {
                    tracing::error!(error = %e, "asking for a password reset");
                }
            });
            answer(StatusCode::OK, true, None)
        }
    }
}

#[derive(Template)]
#[template(path = "password_link.html")]
struct LinkPage {
    token: String,
    holder: Option<LinkHolder>,
    error: Option<String>,
    min_chars: usize,
}

fn link_page(
    status: StatusCode,
    token: &str,
    holder: Option<LinkHolder>,
    error: Option<String>,
) -> Response {
    let page = LinkPage {
        token: token.to_string(),
        holder,
        error,
        min_chars: MIN_PASSWORD_CHARS,
    };
    let mut response = render_with(status, &page);
    // The address and the form hold the link's secret: never sent on to
    // another site, never kept in a cache.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// Why a live link must not set a password: the holder's organisation has
/// turned passwords off for all but its break-glass admins.
async fn passwords_off(state: &AppState, holder: &LinkHolder) -> Option<String> {
    let email = mandate_core::Email::parse(&holder.email).ok()?;
    match mandate_app::identity::sso::passwords_off_for(&state.store, holder.link.org_id, &email)
        .await
    {
        Ok(Some(provider)) => Some(format!(
            "{} signs in through {provider}, not with passwords: use \"Sign in with {provider}\" on the sign-in page.",
            holder.organisation
        )),
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, "reading single sign-on settings");
            Some("Something went wrong; try again.".into())
        }
    }
}

/// The page a link opens: the form, or why the link does not open.
pub async fn link_form(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match open_link(&state.store, &token, now()).await {
        Ok(Ok(holder)) => match passwords_off(&state, &holder).await {
            Some(words) => link_page(StatusCode::GONE, "", None, Some(words)),
            None => link_page(StatusCode::OK, &token, Some(holder), None),
        },
        Ok(Err(words)) => link_page(StatusCode::GONE, "", None, Some(words.into())),
        Err(e) => {
            tracing::error!(error = %e, "opening a password link");
            link_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "",
                None,
                Some("Something went wrong; try again.".into()),
            )
        }
    }
}

#[derive(Deserialize)]
pub struct LinkForm {
    token: String,
    password: String,
    password_again: String,
}

pub async fn link_submit(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<LinkForm>,
) -> Response {
    let at = now();
    let went_wrong = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "using a password link");
        link_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "",
            None,
            Some("Something went wrong; try again.".into()),
        )
    };
    // The link is checked before any password is hashed: hashing is the
    // costly part, and only someone holding a live link gets it.
    let holder = match open_link(&state.store, &form.token, at).await {
        Ok(Ok(holder)) => holder,
        Ok(Err(words)) => return link_page(StatusCode::GONE, "", None, Some(words.into())),
        Err(e) => return went_wrong(&e),
    };
    if let Some(words) = passwords_off(&state, &holder).await {
        return link_page(StatusCode::GONE, "", None, Some(words));
    }
    let again = |error: String| {
        link_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form.token,
            Some(holder.clone()),
            Some(error),
        )
    };
    if form.password != form.password_again {
        return again("The two passwords differ.".into());
    }
    let hash = match state.password_checks.hash(&form.password).await {
        Ok(Ok(hash)) => hash,
        Ok(Err(e)) => return again(format!("{}.", capitalised(&e.to_string()))),
        Err(Busy) => {
            let mut response = link_page(
                StatusCode::SERVICE_UNAVAILABLE,
                &form.token,
                Some(holder.clone()),
                Some(Busy::MESSAGE.into()),
            );
            Busy::retry_after(&mut response);
            return response;
        }
    };
    let user = match use_link(&state.store, &form.token, &hash, at).await {
        Ok(user) => user,
        Err(AppError::Invalid(words)) => {
            return link_page(StatusCode::GONE, "", None, Some(words));
        }
        Err(e) => return went_wrong(&e),
    };
    tracing::info!(user = %user.email, %address, purpose = holder.link.purpose.as_str(), "password set through a link");
    start_session(&state, &user, &headers, "/tasks")
        .await
        .unwrap_or_else(|| went_wrong(&"starting a session"))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
