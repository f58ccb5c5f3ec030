//! Organisation settings: name, purpose, scope statement, strategic goals, fiscal year.

use super::{Layout, PageError, render_with};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mandate_core::Permission;
use mandate_store::{OrganisationChanges, StoreError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    version: i64,
    name: String,
    purpose: String,
    scope: String,
    goals: String,
    month: String,
    can_edit: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Params {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<Params>,
) -> Result<Response, PageError> {
    let org = state
        .store
        .organisation(viewer.user.org_id)
        .await?
        .ok_or(PageError::NotFound("organisation"))?;
    let layout = Layout::new(&state, &viewer, "Settings", "/settings")
        .await?
        .with_notice(params.notice.as_deref());
    let page = SettingsPage {
        layout,
        version: org.version,
        name: org.name,
        purpose: org.purpose,
        scope: org.scope_statement,
        goals: org.strategic_goals.join("\n"),
        month: org.fiscal_year_start_month.to_string(),
        can_edit: viewer.may(Permission::EditOrganisation),
        error: None,
    };
    Ok(render_with(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    version: i64,
    name: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    scope_statement: String,
    #[serde(default)]
    strategic_goals: String,
    fiscal_year_start_month: String,
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let month = form
        .fiscal_year_start_month
        .trim()
        .parse::<u8>()
        .unwrap_or(0);
    let changes = OrganisationChanges {
        name: form.name.clone(),
        purpose: form.purpose.clone(),
        scope_statement: form.scope_statement.clone(),
        strategic_goals: form.strategic_goals.lines().map(str::to_string).collect(),
        fiscal_year_start_month: month,
    };
    match state
        .store
        .update_organisation(&viewer.actor(), viewer.user.org_id, form.version, &changes)
        .await
    {
        Ok(_) => Ok(Redirect::to("/settings?notice=saved").into_response()),
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => {
            let layout = Layout::new(&state, &viewer, "Settings", "/settings").await?;
            let page = SettingsPage {
                layout,
                version: form.version,
                name: form.name,
                purpose: form.purpose,
                scope: form.scope_statement,
                goals: form.strategic_goals,
                month: form.fiscal_year_start_month,
                can_edit: true,
                error: Some(m),
            };
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
