//! Sign-in through the organisation's OpenID provider: `/sign-in/sso`
//! sends the browser there, `/sign-in/sso/callback` takes its answer and
//! starts a session as a password sign-in does. The sign-in under way is
//! bound to the browser by a short-lived cookie, so a callback URL carried
//! to another browser (login CSRF, a leaked link) does not sign anyone in.

use super::render_with;
use super::signin::{safe_next, start_session};
use crate::auth::client::ClientAddress;
use crate::auth::session::{self, named_cookie};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::identity::sso::{SsoAnswer, SsoFailure, begin_sso, complete_sso};
use mandate_core::Slug;
use mandate_core::timefmt::now;
use serde::Deserialize;

const COOKIE: &str = "mandate_sso";

#[derive(Template)]
#[template(path = "sso_problem.html")]
struct ProblemPage {
    title: String,
    message: String,
    again: String,
}

fn problem(status: StatusCode, title: &str, message: &str, again: &str) -> Response {
    let page = ProblemPage {
        title: title.into(),
        message: message.into(),
        again: again.into(),
    };
    let mut response = render_with(status, &page);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn binding_cookie(value: &str, max_age: u32, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/sign-in/sso; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("mandate_sso=; Path=/sign-in/sso; Max-Age=0"))
}

fn failure_page(failure: &SsoFailure, again: &str) -> Response {
    let (status, title) = match failure {
        SsoFailure::NotOffered => (StatusCode::NOT_FOUND, "Single sign-on is not offered"),
        SsoFailure::Expired => (StatusCode::BAD_REQUEST, "This sign-in has expired"),
        SsoFailure::ProviderRefused(_) => (StatusCode::FORBIDDEN, "Not signed in"),
        SsoFailure::Provider(_) => (StatusCode::BAD_GATEWAY, "The identity provider failed"),
        SsoFailure::Refused { .. } => (StatusCode::FORBIDDEN, "You cannot sign in here"),
        SsoFailure::App(e) => {
            tracing::error!(error = %e, "single sign-on");
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Something went wrong on our side; it has been logged. Try again.",
                again,
            );
        }
    };
    if let SsoFailure::Provider(e) = failure {
        tracing::warn!(error = ?e.to_string(), "single sign-on failed at the provider");
    }
    let mut message = failure.to_string();
    if let Some(first) = message.get(..1) {
        message = first.to_uppercase() + &message[1..];
    }
    if !message.ends_with('.') {
        message.push('.');
    }
    problem(status, title, &message, again)
}

#[derive(Deserialize)]
pub struct StartParams {
    org: Option<String>,
    next: Option<String>,
}

/// Sends the browser to the organisation's provider.
pub async fn start(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Query(params): Query<StartParams>,
) -> Response {
    if let Err(wait) = state.throttle.sso_start(&address) {
        tracing::warn!(%address, "single sign-on refused: too many begun from this address");
        let minutes = wait.as_secs().div_ceil(60);
        let mut response = problem(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many sign-ins",
            &format!("Too many sign-ins were begun from here. Try again in {minutes} minute(s)."),
            "/sign-in",
        );
        if let Ok(value) = HeaderValue::from_str(&wait.as_secs().to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let next = safe_next(params.next.as_deref());
    let slug_text = params
        .org
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let org = match slug_text {
        Some(text) => match Slug::parse(&text.to_lowercase()) {
            Ok(slug) => state.store.organisation_by_slug(&slug).await,
            Err(_) => Ok(None),
        },
        // Without a name: the one organisation offering a provider, if one.
        None => match state.store.sso_offered().await {
            Ok(offered) if offered.len() == 1 => match Slug::parse(&offered[0].0) {
                Ok(slug) => state.store.organisation_by_slug(&slug).await,
                Err(_) => Ok(None),
            },
            // Several: the sign-in page asks which.
            Ok(offered) if offered.len() > 1 => {
                return Redirect::to(&format!("/sign-in?next={}", super::url_encode(&next)))
                    .into_response();
            }
            Ok(_) => Ok(None),
            Err(e) => Err(e),
        },
    };
    let org = match org {
        Ok(Some(org)) => org,
        Ok(None) => {
            return failure_page(&SsoFailure::NotOffered, "/sign-in");
        }
        Err(e) => return failure_page(&SsoFailure::from(e), "/sign-in"),
    };
    let again = format!("/sign-in?org={}", super::url_encode(org.slug.as_str()));
    match begin_sso(
        &state.store,
        &state.sso,
        org.id,
        &state.config.mail.public_url,
        &next,
        now(),
    )
    .await
    {
        Ok(started) => {
            let secure = state.config.secure_cookies || session::is_https(&headers);
            let mut response = Redirect::to(&started.url).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                binding_cookie(&started.browser_secret, 600, secure),
            );
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(failure) => failure_page(&failure, &again),
    }
}

#[derive(Deserialize)]
pub struct CallbackParams {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    iss: Option<String>,
}

/// The provider's answer: a session, or a page that says why not.
pub async fn callback(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> Response {
    let answer = SsoAnswer {
        state: params.state,
        code: params.code,
        error: params.error,
        error_description: params.error_description,
        iss: params.iss,
    };
    let browser = named_cookie(&headers, COOKIE);
    let secure = state.config.secure_cookies || session::is_https(&headers);
    let outcome = complete_sso(
        &state.store,
        &state.sso,
        &state.config.mail.public_url,
        &answer,
        browser.as_deref(),
        now(),
    )
    .await;
    let mut response = match outcome {
        Ok(signed_in) => {
            tracing::info!(user = %signed_in.user.email, role = %signed_in.user.access_role, provider = %signed_in.provider, %address, "signed in through the identity provider");
            match start_session(&state, &signed_in.user, &headers, &signed_in.next).await {
                Some(response) => response,
                None => failure_page(
                    &SsoFailure::App(mandate_app::AppError::Unavailable(
                        "the session could not be kept".into(),
                    )),
                    "/sign-in",
                ),
            }
        }
        Err(failure) => {
            if !matches!(failure, SsoFailure::Refused { .. }) {
                tracing::warn!(%address, error = ?failure.to_string(), "single sign-on did not finish");
            }
            failure_page(&failure, "/sign-in")
        }
    };
    // The binding is used up either way.
    response
        .headers_mut()
        .append(header::SET_COOKIE, binding_cookie("", 0, secure));
    response
}
