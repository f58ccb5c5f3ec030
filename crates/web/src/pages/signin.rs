//! Signing in and out. A new session id at every sign-in; failures are
//! throttled per account and per address, and logged without the password.

use super::render_with;
use crate::auth::secrets::random_secret;
use crate::auth::{SessionExpired, Viewer, session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use mandate_core::password::verify_password;
use mandate_core::token::secret_hash;
use mandate_core::{Email, User};
use serde::Deserialize;
use std::net::SocketAddr;

/// A real hash of a password nobody knows, verified against when the email
/// is unknown, so a wrong email takes as long as a wrong password.
fn dummy_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let secret = random_secret("").unwrap_or_else(|_| "x".repeat(64));
        mandate_core::password::hash_password(&secret).unwrap_or_default()
    })
    .clone()
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignIn {
    next: String,
    email: String,
    org: String,
    ask_org: bool,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct FormParams {
    next: Option<String>,
    expired: Option<String>,
    signed_out: Option<String>,
}

pub async fn form(
    Query(params): Query<FormParams>,
    expired: Option<Extension<SessionExpired>>,
) -> Response {
    let notice = if params.expired.is_some() || expired.is_some() {
        Some("Your session ended. Sign in again to go on.".to_string())
    } else if params.signed_out.is_some() {
        Some("You are signed out.".to_string())
    } else {
        None
    };
    let page = SignIn {
        next: safe_next(params.next.as_deref()),
        email: String::new(),
        org: String::new(),
        ask_org: false,
        error: None,
        notice,
    };
    render_with(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct Credentials {
    email: String,
    password: String,
    org: Option<String>,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<Credentials>,
) -> Response {
    let address = client_address(connect.map(|c| c.0.0));
    let email_text = form.email.trim().to_lowercase();
    let next = safe_next(form.next.as_deref());
    let again = |status: StatusCode, error: &str, ask_org: bool| {
        let page = SignIn {
            next: next.clone(),
            email: email_text.clone(),
            org: form.org.clone().unwrap_or_default(),
            ask_org,
            error: Some(error.to_string()),
            notice: None,
        };
        render_with(status, &page)
    };
    if let Err(wait) = state.throttle.attempt(&email_text, &address) {
        tracing::warn!(email = %email_text, %address, "sign-in refused: too many failures");
        let minutes = wait.as_secs().div_ceil(60);
        let mut response = again(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Too many failed sign-ins. Try again in {minutes} minute(s)."),
            false,
        );
        if let Ok(value) = header::HeaderValue::from_str(&wait.as_secs().to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let logins = match Email::parse(&email_text) {
        Ok(email) => match state.store.logins_with_email(&email).await {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(error = %e, "sign-in lookup");
                return again(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong; try again.",
                    false,
                );
            }
        },
        Err(_) => Vec::new(),
    };
    let org_slug = form.org.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let mut candidates: Vec<(User, Option<String>)> = logins;
    if let Some(slug) = org_slug {
        let mut kept = Vec::new();
        for (user, hash) in candidates {
            if let Ok(Some(org)) = state.store.organisation(user.org_id).await
                && org.slug.as_str() == slug
            {
                kept.push((user, hash));
            }
        }
        candidates = kept;
    }
    if candidates.len() > 1 {
        return again(
            StatusCode::OK,
            "This email has logins in several organisations: say which one.",
            true,
        );
    }
    let candidate = candidates.pop();
    let password = form.password.clone();
    let hash = candidate.as_ref().and_then(|(_, h)| h.clone());
    let hash = match hash {
        Some(h) => h,
        None => tokio::task::spawn_blocking(dummy_hash)
            .await
            .unwrap_or_default(),
    };
    // Argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let left = match &candidate {
        Some((user, _)) if matches => match state.store.person(user.org_id, user.person_id).await {
            Ok(person) => person
                .is_none_or(|p| crate::auth::has_left(p.end_date, mandate_core::timefmt::now())),
            Err(_) => true,
        },
        _ => false,
    };
    let user = match candidate {
        Some((user, Some(_))) if matches && user.disabled_at.is_none() && !left => user,
        _ => {
            tracing::warn!(email = %email_text, %address, "sign-in failed");
            return again(
                StatusCode::UNAUTHORIZED,
                "The email or the password is wrong.",
                org_slug.is_some(),
            );
        }
    };
    state.throttle.succeeded(&email_text, &address);
    let (Ok(secret), Ok(csrf)) = (random_secret(""), random_secret("")) else {
        return again(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong; try again.",
            false,
        );
    };
    let now = mandate_core::timefmt::now();
    if let Err(e) = state
        .store
        .create_session(user.org_id, user.id, &secret_hash(&secret), &csrf, now)
        .await
    {
        tracing::error!(error = %e, "creating a session");
        return again(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong; try again.",
            false,
        );
    }
    tracing::info!(user = %user.email, role = %user.access_role, %address, "signed in");
    let secure = state.config.secure_cookies || session::is_https(&headers);
    let mut response = Redirect::to(&next).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::set_cookie(&secret, secure));
    response
}

pub async fn sign_out(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Response {
    if let Some(hash) = viewer.session_hash()
        && let Err(e) = state.store.delete_session(hash).await
    {
        tracing::error!(error = %e, "ending a session");
    }
    tracing::info!(user = %viewer.user.email, "signed out");
    let secure = state.config.secure_cookies || session::is_https(&headers);
    let mut response = Redirect::to("/sign-in?signed_out=1").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::clear_cookie(secure));
    response
}

/// Only paths on this site, in a plain character set: never `//evil.example`,
/// `https://...`, or a path with a tab or backslash that a browser would
/// rewrite into one.
fn safe_next(next: Option<&str>) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/-_.~?=&%+,".contains(c);
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.len() <= 2_000
                && n.chars().all(plain) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The client's address, from the connection. `X-Forwarded-For` is not
/// trusted: anyone can send it, and it would let them dodge the throttle.
pub fn client_address(peer: Option<SocketAddr>) -> String {
    peer.map(|p| p.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/people?search=a")), "/people?search=a");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "people",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(super::super::url_encode("/people?x=1"), "/people%3Fx%3D1");
    }

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash() {
        let hash = dummy_hash();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!verify_password("password", &hash));
    }
}
