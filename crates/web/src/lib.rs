//! Mandate's HTTP server: pages, the JSON API and the operational endpoints.
//!
//! This first cut serves the operational endpoints and a landing page that
//! says what the store holds; sign-in, pages and the API build on it.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use mandate_store::Store;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    store: Arc<Store>,
    bind: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    tracing::info!(address = %listener.local_addr()?, "serving");
    axum::serve(listener, router(AppState { store }))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Response {
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

async fn home(State(state): State<AppState>) -> Response {
    let organisations = match state.store.organisations().await {
        Ok(orgs) => orgs,
        Err(e) => {
            tracing::error!(error = %e, "listing organisations");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response();
        }
    };
    let mut items = String::new();
    for org in &organisations {
        let people = state.store.people_count(org.id).await.unwrap_or(0);
        items.push_str(&format!(
            "<li><strong>{}</strong> <span>({}) · {people} people</span></li>",
            escape(&org.name),
            escape(org.slug.as_str())
        ));
    }
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Mandate</title><style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;\
         padding:0 1rem;color:#1f2933;line-height:1.5}}h1{{font-weight:600}}li{{margin:.3rem 0}}\
         span{{color:#52606d}}</style></head><body><h1>Mandate</h1>\
         <p>The leadership side of your ISO/IEC 27001 ISMS. This server holds:</p><ul>{items}</ul>\
         <p>Sign-in and the pages for people, policies, roles and commitment are being built; \
         the audit log is already kept and verifiable with <code>mandate audit verify</code>.</p>\
         </body></html>"
    ))
    .into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
