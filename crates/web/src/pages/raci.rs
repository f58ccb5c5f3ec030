//! The RACI matrix page: every activity against every role, each row's
//! problems shown beside it, edited as one form.

use super::form_input::invalid;
use super::{Layout, NoticeParams, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::roles::{RaciOut, matrix};
use mandate_core::Permission;
use mandate_core::roles::Raci;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "raci.html")]
struct RaciPage {
    layout: Layout,
    m: RaciOut,
    letters: [&'static str; 4],
    can_edit: bool,
    sound: usize,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "RACI matrix", "/raci")
        .await?
        .with_notice(params.notice.as_deref());
    let m = matrix(&state.store, &viewer.caller()).await?;
    Ok(render(&RaciPage {
        layout,
        sound: m.rows.iter().filter(|r| r.problems.is_empty()).count(),
        m,
        letters: ["R", "A", "C", "I"],
        can_edit: viewer.may(Permission::EditRoles),
    }))
}

/// The whole matrix as submitted: one `cell:{activity}:{role}` field per cell.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut changes = Vec::new();
    for (key, value) in pairs {
        let Some(rest) = key.strip_prefix("cell:") else {
            continue;
        };
        let (activity, role) = rest
            .split_once(':')
            .ok_or_else(|| invalid(format!("{key}: not a cell of the matrix")))?;
        let parse = |id: &str| {
            Uuid::parse_str(id).map_err(|_| invalid(format!("{key}: not a cell of the matrix")))
        };
        let letter = match value.trim() {
            "" => None,
            l => Some(l.parse::<Raci>().map_err(invalid)?),
        };
        changes.push((parse(activity)?, parse(role)?, letter));
    }
    state
        .store
        .set_raci_cells(&viewer.actor(), viewer.user.org_id, &changes)
        .await?;
    Ok(Redirect::to("/raci?notice=saved").into_response())
}

#[derive(Deserialize)]
pub struct ActivityForm {
    name: String,
}

pub async fn add_activity(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<ActivityForm>,
) -> Result<Response, PageError> {
    state
        .store
        .add_activity(&viewer.actor(), viewer.user.org_id, &f.name)
        .await?;
    Ok(Redirect::to("/raci?notice=saved").into_response())
}
