//! What every SCIM request and answer share: the token that lets the
//! provider in, the JSON body read as SCIM reads it, and the media type.

use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mandate_app::identity::scim::{ScimCaller, scim_token_for};
use mandate_core::scim::{ScimError, ScimType};
use serde_json::Value;

pub const MEDIA_TYPE: &str = "application/scim+json";

/// Whether a response is already a SCIM document.
pub fn is_scim(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with(MEDIA_TYPE))
}

/// A refusal the framework wrote (405, 413, a query it could not read, a
/// path no route has) as a SCIM error document, its `Allow` kept.
pub async fn refusal(response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    // Mandate's own pages (a 404 page, say) are HTML: say it plainly instead.
    let detail = if text.is_empty() || text.starts_with('<') {
        parts
            .status
            .canonical_reason()
            .unwrap_or("refused")
            .to_lowercase()
    } else {
        text
    };
    let mut answer = ScimFailure(ScimError::status(parts.status.as_u16(), detail)).into_response();
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

/// A SCIM document with its status.
pub struct ScimJson(pub StatusCode, pub Value);

impl IntoResponse for ScimJson {
    fn into_response(self) -> Response {
        let mut response = (self.0, self.1.to_string()).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
        response
    }
}

/// An error as SCIM's error document.
pub struct ScimFailure(pub ScimError);

impl From<ScimError> for ScimFailure {
    fn from(e: ScimError) -> Self {
        Self(e)
    }
}

impl IntoResponse for ScimFailure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut response = ScimJson(status, self.0.to_json()).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The provider asking, from its SCIM token.
pub struct Scim(pub ScimCaller);

impl FromRequestParts<AppState> for Scim {
    type Rejection = ScimFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ScimFailure> {
        let refused = || {
            ScimFailure(ScimError::status(
                401,
                "send the organisation's SCIM token as `Authorization: Bearer ...`",
            ))
        };
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                // The scheme's name is case-insensitive (RFC 7235 §2.1).
                let (scheme, token) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then_some(token)
            })
            .map(str::trim)
            .ok_or_else(refused)?;
        let now = mandate_core::timefmt::now();
        let token = scim_token_for(&state.store, secret, now)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "SCIM token lookup failed");
                ScimFailure(ScimError::status(
                    503,
                    "the token could not be checked; try again",
                ))
            })?;
        let Some(token) = token else {
            tracing::info!(path = %parts.uri.path(), "SCIM request refused: no such live token");
            return Err(refused());
        };
        let public = state.config.mail.public_url.trim_end_matches('/');
        Ok(Scim(ScimCaller {
            org: token.org_id,
            token_name: token.name,
            base: format!("{public}/scim/v2"),
            now,
        }))
    }
}

/// A request's JSON body; anything else is a SCIM `invalidSyntax`.
pub struct ScimBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for ScimBody {
    type Rejection = ScimFailure;

    async fn from_request(request: Request, state: &S) -> Result<Self, ScimFailure> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| ScimFailure(ScimError::status(e.status().as_u16(), e.body_text())))?;
        let value = serde_json::from_slice(&bytes).map_err(|e| {
            ScimFailure(ScimError::bad(
                ScimType::InvalidSyntax,
                format!("the body is not JSON: {e}"),
            ))
        })?;
        Ok(ScimBody(value))
    }
}

/// A service's answer as a response: `status` on success.
pub fn answer(status: StatusCode, result: Result<Value, ScimError>) -> Response {
    match result {
        Ok(doc) => ScimJson(status, doc).into_response(),
        Err(e) => ScimFailure(e).into_response(),
    }
}
