//! `/evidence-pack`: the auditor's evidence pack as a download, as HTML,
//! PDF or JSON, as of today, a day asked for, or the end of the chosen
//! audit period. Typesetting runs off the request threads.

use super::{PageError, plain_page};
use crate::auth::Viewer;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mandate_report::evidence::{PackFormat, render_html};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Params {
    format: Option<String>,
    as_of: Option<String>,
}

pub async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<Params>,
) -> Result<Response, PageError> {
    let raw = params.format.as_deref().unwrap_or("html");
    let Some(format) = PackFormat::parse(raw) else {
        return Ok(plain_page(
            StatusCode::BAD_REQUEST,
            "No such format",
            &format!("format: {raw:?} is not one of html, pdf, json"),
        ));
    };
    let day = match params.as_of.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(raw) => match crate::api::conformance::as_of_day(Some(raw)) {
            Ok(day) => day,
            Err(problem) => {
                return Ok(plain_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "No such day",
                    &problem.detail,
                ));
            }
        },
        None => viewer.day(),
    };
    let renderer = state.config.pdf;
    if format == PackFormat::Pdf && renderer.is_none() {
        return Ok(plain_page(
            StatusCode::NOT_IMPLEMENTED,
            "No PDF here",
            "This server was started without the PDF typesetter; download the pack as HTML or JSON.",
        ));
    }
    let org = viewer.user.org_id;
    let snapshot = state.conformance.snapshot(&state.store, org, day).await?;
    let pack = mandate_app::evidence::evidence_pack_of(&state.store, org, &snapshot, viewer.period)
        .await?;
    let name = format.file_name(&pack.organisation.slug, day);
    let bytes = match (format, renderer) {
        (PackFormat::Html, _) => render_html(&pack)
            .map_err(|e| internal("laying out the evidence pack", e))?
            .into_bytes(),
        (PackFormat::Json, _) => pack.to_json().into_bytes(),
        (PackFormat::Pdf, Some(render)) => tokio::task::spawn_blocking(move || render(&pack))
            .await
            .map_err(|e| internal("typesetting the evidence pack", e))?
            .map_err(|e| internal("typesetting the evidence pack", e))?,
        (PackFormat::Pdf, None) => Vec::new(),
    };
    tracing::info!(user = %viewer.user.email, %day, format = format.extension(), "evidence pack downloaded");
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

fn internal(what: &str, error: impl std::fmt::Display) -> PageError {
    tracing::error!(error = %error, "{what}");
    PageError::Problem(crate::problem::Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("{what} failed; the error has been logged"),
    ))
}
