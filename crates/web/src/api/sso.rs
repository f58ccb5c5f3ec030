//! `/api/v1/sso`: the organisation's single sign-on settings. Read by an
//! admin; changed by an admin from a signed-in session only, since whoever
//! names the provider decides who may sign in as anyone in the register.
//! The client secret is write-only: answers say whether one is kept.

use super::extract::ApiJson;
use crate::auth::{Via, Viewer};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mandate_app::identity::sso::{SsoFailure, redirect_uri, save_sso_settings, test_sso};
use mandate_core::sso::{PasswordPolicy, RoleMapping, SsoSettings};
use mandate_core::{AccessRole, Email};
use mandate_store::{SecretChange, SsoConfig};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct RoleMappingWire {
    /// A value of the groups claim, compared exactly.
    pub group: String,
    /// `admin`, `isms_manager`, `top_management`, `manager`, `staff` or `auditor`.
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct SsoSettingsOut {
    pub enabled: bool,
    /// Shown as "Sign in with <display_name>".
    pub display_name: String,
    pub issuer: String,
    pub client_id: String,
    /// Whether a client secret is kept (it is never shown).
    pub client_secret_set: bool,
    /// False when the kept secret no longer opens (the signing key was
    /// replaced): enter it again.
    pub client_secret_readable: bool,
    /// Asked for besides `openid`.
    pub scopes: Vec<String>,
    pub email_claim: String,
    /// Accept emails the provider does not mark `email_verified`.
    pub trust_email: bool,
    pub groups_claim: Option<String>,
    pub role_mappings: Vec<RoleMappingWire>,
    /// `everyone` or `break_glass_only`.
    pub passwords: String,
    pub break_glass: Vec<String>,
    /// To register at the provider as the redirect (callback) URI.
    pub redirect_uri: String,
    /// 0 while never saved; send it back to change the settings.
    pub version: i64,
}

impl SsoSettingsOut {
    pub fn new(config: SsoConfig, public_url: &str) -> Self {
        let s = config.settings;
        Self {
            enabled: s.enabled,
            display_name: s.display_name,
            issuer: s.issuer,
            client_id: s.client_id,
            client_secret_set: config.client_secret_set,
            client_secret_readable: config.client_secret_readable,
            scopes: s.scopes,
            email_claim: s.email_claim,
            trust_email: s.trust_email,
            groups_claim: s.groups_claim,
            role_mappings: s
                .role_mappings
                .into_iter()
                .map(|m| RoleMappingWire {
                    group: m.group,
                    role: m.role.as_str().to_string(),
                })
                .collect(),
            passwords: s.passwords.as_str().to_string(),
            break_glass: s.break_glass.into_iter().map(|e| e.to_string()).collect(),
            redirect_uri: redirect_uri(public_url),
            version: config.version,
        }
    }
}

#[derive(Deserialize, ToSchema, Clone, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct SsoSettingsIn {
    pub enabled: bool,
    pub display_name: String,
    /// `https://...`; plain `http` only on the loopback interface.
    pub issuer: String,
    pub client_id: String,
    /// A new secret; absent keeps the one kept.
    pub client_secret: Option<String>,
    /// Forget the kept secret (sign-in through the provider must be off).
    #[serde(default)]
    pub remove_client_secret: bool,
    /// Besides `openid`; default `email profile`.
    pub scopes: Option<Vec<String>>,
    /// Default `email`.
    pub email_claim: Option<String>,
    #[serde(default)]
    pub trust_email: bool,
    pub groups_claim: Option<String>,
    #[serde(default)]
    pub role_mappings: Vec<RoleMappingWire>,
    /// `everyone` (default) or `break_glass_only`.
    pub passwords: Option<String>,
    /// Emails of admins who may still use a password.
    #[serde(default)]
    pub break_glass: Vec<String>,
    /// The version read; a newer one saved since answers 409.
    pub version: Option<i64>,
}

impl SsoSettingsIn {
    /// The settings and what to do with the secret, or what is wrong.
    pub fn parse(self) -> Result<(SsoSettings, SecretChange, Option<i64>), String> {
        let role_mappings = self
            .role_mappings
            .into_iter()
            .map(|m| {
                let role: AccessRole = m.role.trim().parse().map_err(|e| format!("{e}"))?;
                Ok(RoleMapping {
                    group: m.group,
                    role,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let break_glass = self
            .break_glass
            .iter()
            .map(|e| Email::parse(e.trim()).map_err(|_| format!("{e:?} is not an email")))
            .collect::<Result<Vec<_>, String>>()?;
        let passwords = match self.passwords.as_deref() {
            None | Some("") => PasswordPolicy::Everyone,
            Some(p) => PasswordPolicy::parse(p)?,
        };
        let secret = match (self.client_secret, self.remove_client_secret) {
            (Some(_), true) => {
                return Err("give a new client secret or remove it, not both".into());
            }
            (Some(secret), false) => SecretChange::Set(secret),
            (None, true) => SecretChange::Remove,
            (None, false) => SecretChange::Keep,
        };
        let settings = SsoSettings {
            enabled: self.enabled,
            display_name: self.display_name,
            issuer: self.issuer,
            client_id: self.client_id,
            scopes: self.scopes.unwrap_or_else(|| SsoSettings::default().scopes),
            email_claim: self.email_claim.unwrap_or_else(|| "email".into()),
            trust_email: self.trust_email,
            groups_claim: self.groups_claim,
            role_mappings,
            passwords,
            break_glass,
        };
        Ok((settings, secret, self.version))
    }
}

/// Saves the settings for the viewer's organisation, from a session only.
pub async fn apply(
    state: &AppState,
    viewer: &Viewer,
    input: SsoSettingsIn,
) -> Result<SsoConfig, Problem> {
    if matches!(viewer.via, Via::Token) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "single sign-on settings are changed from a signed-in session, not with an API token",
        ));
    }
    let (settings, secret, version) = input
        .parse()
        .map_err(|m| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, m))?;
    let config = save_sso_settings(
        &state.store,
        &viewer.actor(),
        viewer.user.org_id,
        version,
        settings,
        secret,
    )
    .await?;
    tracing::info!(user = %viewer.user.email, enabled = config.settings.enabled, "single sign-on settings saved");
    Ok(config)
}

#[utoipa::path(get, operation_id = "sso_show", path = "/api/v1/sso", tag = "people",
    responses((status = 200, body = SsoSettingsOut)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<SsoSettingsOut>> {
    let config = state.store.sso_settings(viewer.user.org_id).await?;
    Ok(Json(SsoSettingsOut::new(
        config,
        &state.config.mail.public_url,
    )))
}

#[utoipa::path(put, operation_id = "sso_update", path = "/api/v1/sso", request_body = SsoSettingsIn, tag = "people",
    responses((status = 200, body = SsoSettingsOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<SsoSettingsIn>,
) -> ApiResult<Json<SsoSettingsOut>> {
    let config = apply(&state, &viewer, input).await?;
    Ok(Json(SsoSettingsOut::new(
        config,
        &state.config.mail.public_url,
    )))
}

#[derive(Serialize, ToSchema)]
pub struct SsoTestOut {
    /// What was checked, a line each.
    pub checks: Vec<String>,
}

/// A problem for a failed test: the provider's fault is a 502, a setting
/// missing a 422.
pub fn test_problem(failure: SsoFailure) -> Problem {
    match failure {
        SsoFailure::App(e) => e.into(),
        other => Problem::new(StatusCode::BAD_GATEWAY, other.plain()),
    }
}

#[utoipa::path(post, operation_id = "sso_test", path = "/api/v1/sso/test", tag = "people",
    responses((status = 200, body = SsoTestOut), (status = 422, body = Problem), (status = 502, body = Problem)))]
pub async fn test(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<SsoTestOut>> {
    let checks = test_sso(
        &state.store,
        viewer.user.org_id,
        &state.config.mail.public_url,
    )
    .await
    .map_err(test_problem)?;
    Ok(Json(SsoTestOut { checks }))
}
