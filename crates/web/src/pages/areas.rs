//! Areas of Clause 5 that are not built yet: each says so plainly.

use super::{Layout, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

/// (slug, menu label, what it will hold, listed among the records).
pub const AREAS: &[(&str, &str, &str, bool)] = &[(
    "auditor",
    "Auditor view",
    "Every record as of the end of an audit period, and the evidence pack.",
    false,
)];

#[derive(Template)]
#[template(path = "area.html")]
struct AreaPage {
    layout: Layout,
    heading: &'static str,
    what: &'static str,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(area): Path<String>,
) -> Result<Response, PageError> {
    let Some((slug, heading, what, _)) = AREAS.iter().find(|a| a.0 == area) else {
        return Err(PageError::NotFound("area"));
    };
    let layout = Layout::new(&state, &viewer, heading, &format!("/areas/{slug}")).await?;
    Ok(render(&AreaPage {
        layout,
        heading,
        what,
    })
    .into_response())
}
