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
    rules: mandate_core::settings::OrgSettings,
    rules_version: i64,
    reminder_days: String,
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
        .live()
        .with_notice(params.notice.as_deref());
    let (rules, rules_version) = state.store.org_settings(viewer.user.org_id).await?;
    let page = SettingsPage {
        reminder_days: days_text(&rules.reminder_days),
        rules,
        rules_version,
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
            let (rules, rules_version) = state.store.org_settings(viewer.user.org_id).await?;
            let page = SettingsPage {
                reminder_days: days_text(&rules.reminder_days),
                rules,
                rules_version,
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

#[derive(Deserialize)]
pub struct RulesForm {
    version: i64,
    attestation_period_months: String,
    joiner_grace_days: String,
    acknowledgement_grace_days: String,
    reminder_days: String,
    objectives_on_track_percent: String,
    awareness_percent: String,
    acknowledgement_percent: String,
    action_overdue_days: String,
    leadership_communication_months: String,
    assignment_grace_days: String,
    #[serde(default)]
    image_hosts: String,
}

/// The settings rules and workflows read.
pub async fn update_rules(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<RulesForm>,
) -> Result<Response, PageError> {
    let number = |raw: &str, field: &str| {
        raw.trim()
            .parse::<u16>()
            .map_err(|_| super::form_input::invalid(format!("{field}: a whole number")))
    };
    let small = |raw: &str, field: &str| -> Result<u8, PageError> {
        u8::try_from(number(raw, field)?)
            .map_err(|_| super::form_input::invalid(format!("{field}: too large")))
    };
    let input = crate::api::org_settings::SettingsIn {
        version: form.version,
        attestation_period_months: Some(small(
            &form.attestation_period_months,
            "attestation_period_months",
        )?),
        joiner_grace_days: Some(number(&form.joiner_grace_days, "joiner_grace_days")?),
        acknowledgement_grace_days: Some(number(
            &form.acknowledgement_grace_days,
            "acknowledgement_grace_days",
        )?),
        reminder_days: Some(
            form.reminder_days
                .split([',', ' '])
                .filter(|d| !d.trim().is_empty())
                .map(|d| number(d, "reminder_days"))
                .collect::<Result<_, _>>()?,
        ),
        objectives_on_track_percent: Some(small(
            &form.objectives_on_track_percent,
            "objectives_on_track_percent",
        )?),
        awareness_percent: Some(small(&form.awareness_percent, "awareness_percent")?),
        acknowledgement_percent: Some(small(
            &form.acknowledgement_percent,
            "acknowledgement_percent",
        )?),
        action_overdue_days: Some(number(&form.action_overdue_days, "action_overdue_days")?),
        leadership_communication_months: Some(small(
            &form.leadership_communication_months,
            "leadership_communication_months",
        )?),
        assignment_grace_days: Some(number(
            &form.assignment_grace_days,
            "assignment_grace_days",
        )?),
        image_hosts: Some(
            form.image_hosts
                .split([',', ' ', '\n', '\r'])
                .filter(|h| !h.trim().is_empty())
                .map(str::to_string)
                .collect(),
        ),
    };
    let version = input.version;
    mandate_app::people::change_settings(&state.store, &viewer.caller(), version, |current| {
        input.applied(current)
    })
    .await?;
    Ok(Redirect::to("/settings?notice=saved#rules").into_response())
}

fn days_text(days: &[u16]) -> String {
    days.iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
