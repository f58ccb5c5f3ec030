//! Some refusals are written by the framework, not by Mandate: a method the
//! route does not take (405), a body over the limit (413), a form or query
//! it cannot read (400, 422). They come as bare text, or no body at all. On
//! the API they become problem documents (RFC 9457) like every other
//! refusal; under `/scim/`, SCIM error documents; on pages, a readable page.

use crate::pages::plain_page;
use crate::problem::Problem;
use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Headers of the refusal that still say something to the client.
const KEPT: [header::HeaderName; 3] =
    [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE];

pub async fn as_problems(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/");
    // `/metrics` answers its scraper in text, as Prometheus expects.
    let metrics = path == "/metrics";
    // A SCIM client reads SCIM error documents only, whatever answered.
    let scim = path.starts_with("/scim/");
    let response = next.run(request).await;
    let status = response.status();
    if scim {
        return if status.is_client_error() && !crate::scim::is_scim(response.headers()) {
            crate::scim::refusal(response).await
        } else {
            response
        };
    }
    if metrics || !status.is_client_error() || described(response.headers()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    // These bodies are a line of text; anything longer is cut, not read.
    let text = to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let detail = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("refused")
            .to_lowercase()
    } else {
        text
    };
    let mut answer = if api {
        Problem::new(status, detail).into_response()
    } else {
        let title = status.canonical_reason().unwrap_or("That did not work");
        plain_page(status, title, &detail)
    };
    for name in KEPT {
        if let Some(value) = parts.headers.get(&name) {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    answer
}

/// Whether the answer already says what is wrong in a form its reader
/// expects (a problem document, JSON, a page).
fn described(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("json") || t.starts_with("text/html"))
}
