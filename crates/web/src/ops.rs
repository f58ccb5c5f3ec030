//! Operational endpoints: liveness, readiness, metrics.

use crate::state::AppState;
use axum::Extension;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mandate_core::token::secret_hash;

pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready when the database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.store.ping().await {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is unreachable\n",
        )
            .into_response()
    }
}

/// The bearer token a request to `/metrics` carried, taken out of the
/// request before authentication (see [`set_aside_bearer`]).
#[derive(Clone)]
pub struct MetricsBearer(Option<HeaderValue>);

/// On `/metrics`, moves the `Authorization` header aside: it holds the
/// metrics token, not an API token, so authentication must neither look it
/// up nor log it as an unknown token at every scrape.
pub async fn set_aside_bearer(mut request: Request, next: Next) -> Response {
    if request.uri().path() == "/metrics" {
        let given = request.headers_mut().remove(header::AUTHORIZATION);
        request.extensions_mut().insert(MetricsBearer(given));
    }
    next.run(request).await
}

/// `/metrics` on the main address. The route is public in the route table
/// because a scraper is not a person with an access role; this handler does
/// the check instead: the configured metrics token, or nothing at all.
pub async fn metrics(
    State(state): State<AppState>,
    bearer: Option<Extension<MetricsBearer>>,
    headers: HeaderMap,
) -> Response {
    let expected = state.config.metrics_token.as_deref();
    // An empty token would open the metrics to `Bearer ` alone.
    let Some(expected) = expected.filter(|t| !t.is_empty()) else {
        return (
            StatusCode::NOT_FOUND,
            "metrics are served on the metrics address (--metrics-bind), \
             or here to the metrics token (--metrics-token)\n",
        )
            .into_response();
    };
    let given = match bearer {
        Some(Extension(MetricsBearer(given))) => given,
        None => headers.get(header::AUTHORIZATION).cloned(),
    };
    let token = given
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    if !token.is_some_and(|t| same_secret(t, expected)) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "send the metrics token as `Authorization: Bearer ...`\n",
        )
            .into_response();
    }
    metrics_text(State(state)).await
}

/// Compares the SHA-256 digests of two secrets in constant time: neither
/// their lengths nor the place of a first difference show in the timing.
fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (secret_hash(given), secret_hash(expected));
    a.bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// The metrics, to anyone: for the metrics-only address.
pub async fn metrics_text(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(state.store.pool_stats());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_value_only() {
        assert!(same_secret("s3cret", "s3cret"));
        assert!(!same_secret("s3cret", "s3creT"));
        assert!(!same_secret("s3cret", "s3cret-and-more"));
        assert!(!same_secret("", "s3cret"));
    }
}
