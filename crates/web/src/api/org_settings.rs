//! `/api/v1/organisation/settings`: the settings rules and workflows read
//! (attestation period, joiners' grace), each with a default.

use super::extract::ApiJson;
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use mandate_core::settings::OrgSettings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    /// Months each manager attestation covers: 1, 3, 6 or 12 (3 by default).
    pub attestation_period_months: u8,
    /// Days a joiner has before missing training counts (30 by default).
    pub joiner_grace_days: u16,
    /// Days to acknowledge a published version, from publication or joining (30).
    pub acknowledgement_grace_days: u16,
    /// Days after something is owed on which reminders go out (3, 7 and 14).
    pub reminder_days: Vec<u16>,
    /// 0 when never saved; send the version last read.
    pub version: i64,
}

fn body(settings: OrgSettings, version: i64) -> SettingsBody {
    SettingsBody {
        attestation_period_months: settings.attestation_period_months,
        joiner_grace_days: settings.joiner_grace_days,
        acknowledgement_grace_days: settings.acknowledgement_grace_days,
        reminder_days: settings.reminder_days,
        version,
    }
}

#[utoipa::path(get, operation_id = "settings_show", path = "/api/v1/organisation/settings",
    tag = "organisation", responses((status = 200, body = SettingsBody)))]
pub async fn show(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<SettingsBody>> {
    let (settings, version) = state.store.org_settings(viewer.user.org_id).await?;
    Ok(Json(body(settings, version)))
}

#[utoipa::path(put, operation_id = "settings_update", path = "/api/v1/organisation/settings",
    request_body = SettingsBody, tag = "organisation",
    responses((status = 200, body = SettingsBody), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<SettingsBody>,
) -> ApiResult<Json<SettingsBody>> {
    let settings = OrgSettings {
        attestation_period_months: input.attestation_period_months,
        joiner_grace_days: input.joiner_grace_days,
        acknowledgement_grace_days: input.acknowledgement_grace_days,
        reminder_days: input.reminder_days,
    };
    let (saved, version) = state
        .store
        .set_org_settings(&viewer.actor(), viewer.user.org_id, input.version, settings)
        .await?;
    Ok(Json(body(saved, version)))
}
