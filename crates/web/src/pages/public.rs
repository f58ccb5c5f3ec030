//! The public page of a policy published to interested parties: readable
//! without signing in, showing the published text and nothing else.

use super::plain_page;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mandate_core::{PolicyId, Slug};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "public_policy.html")]
struct PublicPage {
    org_name: String,
    title: String,
    number: i32,
    published: String,
    html: String,
}

fn not_found() -> Response {
    plain_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no public policy at this address.",
    )
}

pub async fn show(
    State(state): State<AppState>,
    Path((org, id)): Path<(String, String)>,
) -> Response {
    let (Ok(slug), Ok(id)) = (Slug::parse(&org), Uuid::parse_str(&id)) else {
        return not_found();
    };
    match state.store.public_policy(&slug, PolicyId(id)).await {
        Ok(Some((org, policy, version))) => {
            // If the setting cannot be read, no image host is allowed.
            let image_hosts = match state.store.org_settings(org.id).await {
                Ok((settings, _)) => settings.image_hosts,
                Err(e) => {
                    tracing::error!(error = %e, "public policy page: settings");
                    Vec::new()
                }
            };
            let page = PublicPage {
                org_name: org.name,
                title: policy.fields.title,
                number: version.number,
                published: version
                    .published_at
                    .map(|t| t.date().to_string())
                    .unwrap_or_default(),
                html: mandate_report::markdown::render(&version.body, &image_hosts),
            };
            let mut response = super::render(&page);
            // Interested parties may be sent the link; caches may keep it a while.
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("public, max-age=300"),
            );
            response.into_response()
        }
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "public policy page");
            plain_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The error has been logged.",
            )
        }
    }
}
