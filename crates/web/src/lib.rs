//! Mandate's HTTP server: server-rendered pages, the JSON API with its
//! OpenAPI document, and the operational endpoints, from one router.
//!
//! Every request passes, in order: security headers (on the way out),
//! metrics, a body size limit, authentication (session cookie or bearer
//! token), CSRF protection for state-changing requests from pages, and the
//! route's access rule from [`routes::table`].

pub mod api;
mod assurance_routes;
pub mod auth;
mod commitment_routes;
mod identity_routes;
mod metrics;
mod ops;
pub mod pages;
mod plain_errors;
pub mod problem;
pub mod routes;
mod scim;
pub mod security_headers;
pub mod state;

pub use state::{AppState, WebConfig};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::get;
use mandate_store::Store;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

/// Request bodies over this size are refused with 413.
pub const BODY_LIMIT: usize = 256 * 1024;

pub fn router(state: AppState) -> Router {
    routes::router()
        .fallback(not_found)
        .layer(from_fn(auth::csrf::protect))
        .layer(from_fn_with_state(state.clone(), auth::authenticate))
        .layer(from_fn(ops::set_aside_bearer))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(plain_errors::as_problems))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(from_fn_with_state(state.clone(), security_headers::add))
        .with_state(state)
}

/// The router of the metrics address (`--metrics-bind`): `/metrics` alone,
/// without a token, for a Prometheus on a private interface. Its own
/// requests are not counted.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(ops::metrics_text))
        .fallback(|| async {
            (
                axum::http::StatusCode::NOT_FOUND,
                "only /metrics is served on this address\n",
            )
        })
        .layer(from_fn_with_state(state.clone(), security_headers::add))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        problem::Problem::new(axum::http::StatusCode::NOT_FOUND, "no such resource").into_response()
    } else {
        pages::plain_page(
            axum::http::StatusCode::NOT_FOUND,
            "Not found",
            "There is no page here.",
        )
    }
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    store: Arc<Store>,
    config: WebConfig,
    bind: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    tracing::info!(address = %listener.local_addr()?, "serving");
    // Bound before serving starts, so a wrong address fails at once.
    let metrics_listener = match config.metrics_bind {
        Some(address) => Some(tokio::net::TcpListener::bind(address).await?),
        None => None,
    };
    let state = AppState::new(Arc::clone(&store), config.clone());
    let sender =
        match &config.mail.smtp_url {
            Some(url) => Some(mandate_notify::Sender::new(url, &config.mail).map_err(|e| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string())
            })?),
            None => None,
        };
    mandate_notify::background::spawn(Arc::clone(&store), config.mail.clone(), sender);
    let metrics_server = match metrics_listener {
        Some(listener) => {
            tracing::info!(address = %listener.local_addr()?, "serving metrics");
            let app = metrics_router(state.clone());
            Some(tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::error!(error = %e, "serving metrics");
                }
            }))
        }
        None => None,
    };
    tokio::spawn(purge_sessions(store, config));
    let served = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    // A scrape is short and safe to cut: the metrics address simply stops.
    if let Some(server) = metrics_server {
        server.abort();
    }
    served
}

/// Removes ended sessions every few minutes, so the table holds live ones only.
async fn purge_sessions(store: Arc<Store>, config: WebConfig) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(300));
    loop {
        every.tick().await;
        let now = mandate_core::timefmt::now();
        match store
            .purge_sessions(now - config.idle_timeout, now - config.absolute_timeout)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "ended sessions removed"),
            Err(e) => tracing::warn!(error = %e, "removing ended sessions"),
        }
    }
}
