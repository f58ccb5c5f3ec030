//! Mandate's HTTP server: server-rendered pages, the JSON API with its
//! OpenAPI document, and the operational endpoints, from one router.
//!
//! Every request passes, in order: metrics, a body size limit,
//! authentication (session cookie or bearer token), CSRF protection for
//! state-changing requests from pages, and the route's access rule from
//! [`routes::table`].

mod ack_batch;
pub mod api;
mod assurance_routes;
pub mod auth;
mod commitment_routes;
pub mod conformance;
pub mod conformance_cache;
pub mod evidence_pack;
mod evidence_sections;
mod metrics;
mod ops;
pub mod pages;
pub mod performance_records;
pub mod policies_as_of;
pub mod policy_flow;
pub mod problem;
pub mod raci_view;
pub mod role_gaps;
pub mod routes;
pub mod state;

pub use state::{AppState, WebConfig};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
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
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn_with_state(state.clone(), metrics::track))
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
    let state = AppState::new(Arc::clone(&store), config.clone());
    let sender =
        match &config.mail.smtp_url {
            Some(url) => Some(mandate_notify::Sender::new(url, &config.mail.from).map_err(
                |e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()),
            )?),
            None => None,
        };
    mandate_notify::background::spawn(Arc::clone(&store), config.mail.clone(), sender);
    tokio::spawn(purge_sessions(store, config));
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
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
