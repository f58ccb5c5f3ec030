//! CSRF protection for every state-changing request that a browser session
//! makes: the session's token must come back, in the `X-CSRF-Token` header or
//! in a form's `csrf_token` field. Token-authenticated requests carry no
//! ambient credentials and need none. For requests without a session (the
//! sign-in form), a cross-origin `Origin` is refused.

use super::{Via, Viewer};
use crate::pages::plain_page;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Form bodies larger than this are refused before they are read whole.
const MAX_FORM: usize = 256 * 1024;

pub const HEADER: &str = "x-csrf-token";
pub const FIELD: &str = "csrf_token";

pub async fn protect(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let api = request.uri().path().starts_with("/api/");
    if cross_origin(&request) {
        tracing::warn!(path = %request.uri().path(), "refused a cross-origin request");
        return refuse(api);
    }
    // Signing in (again), asking for a password link and using one need no
    // session token: the forms are served to anyone, the Origin check above
    // already guards them, and a link's secret is its own proof.
    if matches!(
        request.uri().path(),
        "/sign-in" | "/password/forgot" | "/password/link"
    ) {
        return next.run(request).await;
    }
    let expected = match request.extensions().get::<Viewer>().map(|v| &v.via) {
        Some(Via::Session { csrf_token, .. }) => csrf_token.clone(),
        _ => return next.run(request).await,
    };
    if let Some(given) = request.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if constant_time_eq(given, &expected) {
            next.run(request).await
        } else {
            refuse(api)
        };
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refuse(api);
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "the form is too large").into_response();
    };
    let given = form_field(&bytes, FIELD);
    if !given.is_some_and(|g| constant_time_eq(&g, &expected)) {
        return refuse(api);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn refuse(api: bool) -> Response {
    tracing::warn!("refused a state-changing request without a valid CSRF token");
    if api {
        return crate::problem::Problem::new(
            StatusCode::FORBIDDEN,
            "a request made with a session cookie must send the session's CSRF token in X-CSRF-Token",
        )
        .into_response();
    }
    plain_page(
        StatusCode::FORBIDDEN,
        "Request refused",
        "This form has expired or did not come from Mandate. Go back, reload the page and try again.",
    )
}

fn cross_origin(request: &Request) -> bool {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) != Some(host),
        _ => false,
    }
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_from_a_form() {
        assert_eq!(
            form_field(b"name=x&csrf_token=abc&z=1", FIELD).as_deref(),
            Some("abc")
        );
        assert_eq!(form_field(b"name=x", FIELD), None);
        assert!(
            constant_time_eq("abc", "abc")
                && !constant_time_eq("abc", "abd")
                && !constant_time_eq("ab", "abc")
        );
    }
}
