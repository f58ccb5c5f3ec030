//! Keeping an organisation's single sign-on settings, and testing them
//! against the provider without a browser.

use super::{SsoFailure, redirect_uri};
use crate::{AppError, AppResult};
use mandate_core::OrgId;
use mandate_core::audit::Actor;
use mandate_core::sso::SsoSettings;
use mandate_oidc::{Provider, ProviderConfig};
use mandate_store::{SecretChange, SsoConfig, Store};

pub async fn sso_settings(store: &Store, org: OrgId) -> AppResult<SsoConfig> {
    Ok(store.sso_settings(org).await?)
}

/// Saves the settings; front ends have checked that the caller may manage
/// logins (only an admin may).
pub async fn save_sso_settings(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    expected_version: Option<i64>,
    settings: SsoSettings,
    secret: SecretChange,
) -> AppResult<SsoConfig> {
    Ok(store
        .save_sso_settings(actor, org, expected_version, settings, secret)
        .await?)
}

/// The settings and the opened client secret, when sign-in through the
/// provider is on.
pub(super) async fn sso_config_for_sign_in(
    store: &Store,
    org: OrgId,
) -> AppResult<Option<(SsoConfig, String)>> {
    let config = store.sso_settings(org).await?;
    if !config.settings.enabled {
        return Ok(None);
    }
    let Some(secret) = store.sso_client_secret(org).await? else {
        tracing::error!(%org, "single sign-on is on but its client secret does not open: enter it again");
        return Ok(None);
    };
    Ok(Some((config, secret)))
}

/// What the test found, a line each, when everything worked.
pub async fn test_sso(
    store: &Store,
    org: OrgId,
    public_url: &str,
) -> Result<Vec<String>, SsoFailure> {
    let config = store.sso_settings(org).await?;
    if config.version == 0 {
        return Err(AppError::Invalid("no single sign-on settings are saved yet".into()).into());
    }
    let Some(secret) = store.sso_client_secret(org).await? else {
        return Err(AppError::Invalid(
            "no client secret is kept (or it was sealed under another signing key): enter it again"
                .into(),
        )
        .into());
    };
    let settings = &config.settings;
    let provider = Provider::discover(ProviderConfig {
        issuer: settings.issuer.clone(),
        client_id: settings.client_id.clone(),
        client_secret: secret,
        redirect_uri: redirect_uri(public_url),
    })
    .await?;
    provider.check_client().await?;
    Ok(vec![
        format!("discovery: {} answers as its own issuer", settings.issuer),
        "signing keys: published".to_string(),
        format!("client: {} accepted by the provider", settings.client_id),
        format!(
            "redirect URI to register at the provider (from the public URL): {}",
            redirect_uri(public_url)
        ),
        format!(
            "sign-in page: {}",
            if settings.enabled {
                "offers the provider"
            } else {
                "does not offer it yet (not enabled)"
            }
        ),
    ])
}

/// When the organisation has turned passwords off and `email` is not one
/// of its break-glass admins: the provider's name, to send them there.
pub async fn passwords_off_for(
    store: &Store,
    org: OrgId,
    email: &mandate_core::Email,
) -> AppResult<Option<String>> {
    let config = store.sso_settings(org).await?;
    let settings = config.settings;
    let off = settings.enabled
        && settings.passwords == mandate_core::sso::PasswordPolicy::BreakGlassOnly
        && !settings.is_break_glass(email);
    Ok(off.then_some(settings.display_name))
}
