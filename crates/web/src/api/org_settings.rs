//! `/api/v1/organisation/settings`: the settings rules and workflows read
//! (attestation period, grace periods, reminders, conformance thresholds),
//! each with a default. A change names only what it changes.

use super::extract::ApiJson;
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use mandate_app::people::change_settings;
use mandate_core::settings::OrgSettings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct SettingsOut {
    /// Months each manager attestation covers: 1, 3, 6 or 12 (3).
    pub attestation_period_months: u8,
    /// Days a joiner has before missing training counts (30).
    pub joiner_grace_days: u16,
    /// Days to acknowledge a published version, from publication or joining (30).
    pub acknowledgement_grace_days: u16,
    /// Days after something is owed on which reminders go out (3, 7, 14).
    pub reminder_days: Vec<u16>,
    /// 5.1 e: objectives on track for the rule to be met, per cent (80).
    pub objectives_on_track_percent: u8,
    /// 5.1 f: personnel with current awareness training, per cent (90).
    pub awareness_percent: u8,
    /// 5.2 f: in-scope personnel who acknowledged the policy, per cent (95).
    pub acknowledgement_percent: u8,
    /// 5.1 g: days an improvement action may be overdue (30).
    pub action_overdue_days: u16,
    /// 5.1 d: months within which top management last communicated (6).
    pub leadership_communication_months: u8,
    /// 5.3.3: days a holder has to acknowledge a role (14).
    pub assignment_grace_days: u16,
    /// Hosts policy text may show images from, over `https:` (none).
    pub image_hosts: Vec<String>,
    /// 0 when never saved; send the version last read with a change.
    pub version: i64,
}

/// A change: the version last read, and the settings that change.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SettingsIn {
    pub version: i64,
    pub attestation_period_months: Option<u8>,
    pub joiner_grace_days: Option<u16>,
    pub acknowledgement_grace_days: Option<u16>,
    pub reminder_days: Option<Vec<u16>>,
    pub objectives_on_track_percent: Option<u8>,
    pub awareness_percent: Option<u8>,
    pub acknowledgement_percent: Option<u8>,
    pub action_overdue_days: Option<u16>,
    pub leadership_communication_months: Option<u8>,
    pub assignment_grace_days: Option<u16>,
    pub image_hosts: Option<Vec<String>>,
}

impl SettingsIn {
    /// `current` with this change applied.
    pub fn applied(self, current: OrgSettings) -> OrgSettings {
        OrgSettings {
            attestation_period_months: self
                .attestation_period_months
                .unwrap_or(current.attestation_period_months),
            joiner_grace_days: self.joiner_grace_days.unwrap_or(current.joiner_grace_days),
            acknowledgement_grace_days: self
                .acknowledgement_grace_days
                .unwrap_or(current.acknowledgement_grace_days),
            reminder_days: self.reminder_days.unwrap_or(current.reminder_days),
            objectives_on_track_percent: self
                .objectives_on_track_percent
                .unwrap_or(current.objectives_on_track_percent),
            awareness_percent: self.awareness_percent.unwrap_or(current.awareness_percent),
            acknowledgement_percent: self
                .acknowledgement_percent
                .unwrap_or(current.acknowledgement_percent),
            action_overdue_days: self
                .action_overdue_days
                .unwrap_or(current.action_overdue_days),
            leadership_communication_months: self
                .leadership_communication_months
                .unwrap_or(current.leadership_communication_months),
            assignment_grace_days: self
                .assignment_grace_days
                .unwrap_or(current.assignment_grace_days),
            image_hosts: self.image_hosts.unwrap_or(current.image_hosts),
        }
    }
}

fn out(s: OrgSettings, version: i64) -> SettingsOut {
    SettingsOut {
        attestation_period_months: s.attestation_period_months,
        joiner_grace_days: s.joiner_grace_days,
        acknowledgement_grace_days: s.acknowledgement_grace_days,
        reminder_days: s.reminder_days,
        objectives_on_track_percent: s.objectives_on_track_percent,
        awareness_percent: s.awareness_percent,
        acknowledgement_percent: s.acknowledgement_percent,
        action_overdue_days: s.action_overdue_days,
        leadership_communication_months: s.leadership_communication_months,
        assignment_grace_days: s.assignment_grace_days,
        image_hosts: s.image_hosts,
        version,
    }
}

#[utoipa::path(get, operation_id = "settings_show", path = "/api/v1/organisation/settings",
    tag = "organisation", responses((status = 200, body = SettingsOut)))]
pub async fn show(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<SettingsOut>> {
    let (settings, version) = state.store.org_settings(viewer.user.org_id).await?;
    Ok(Json(out(settings, version)))
}

#[utoipa::path(put, operation_id = "settings_update", path = "/api/v1/organisation/settings",
    request_body = SettingsIn, tag = "organisation",
    responses((status = 200, body = SettingsOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<SettingsIn>,
) -> ApiResult<Json<SettingsOut>> {
    let version = input.version;
    let (saved, version) = change_settings(&state.store, &viewer.caller(), version, |current| {
        input.applied(current)
    })
    .await?;
    Ok(Json(out(saved, version)))
}
