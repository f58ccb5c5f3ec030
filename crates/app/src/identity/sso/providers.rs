//! Providers discovered, kept per organisation for an hour and until the
//! settings change; a provider that could not be reached is not asked
//! again for half a minute, so a provider that hangs costs one slow
//! request, not one per sign-in.

use super::redirect_uri;
use super::sso_config_for_sign_in;
use crate::AppResult;
use mandate_core::OrgId;
use mandate_oidc::{OidcError, Provider, ProviderConfig};
use mandate_store::{SsoConfig, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEPT: Duration = Duration::from_secs(3600);
const FAILURE_KEPT: Duration = Duration::from_secs(30);

struct Cached {
    version: i64,
    at: Instant,
    found: Result<Arc<Provider>, OidcError>,
}

#[derive(Default)]
pub struct SsoProviders {
    cached: Mutex<HashMap<OrgId, Cached>>,
}

impl SsoProviders {
    fn lookup(&self, org: OrgId, version: i64) -> Option<Result<Arc<Provider>, OidcError>> {
        let cached = self.cached.lock().ok()?;
        let entry = cached.get(&org)?;
        let ttl = if entry.found.is_ok() {
            KEPT
        } else {
            FAILURE_KEPT
        };
        (entry.version == version && entry.at.elapsed() < ttl).then(|| entry.found.clone())
    }

    fn keep(&self, org: OrgId, version: i64, found: Result<Arc<Provider>, OidcError>) {
        if let Ok(mut cached) = self.cached.lock() {
            cached.insert(
                org,
                Cached {
                    version,
                    at: Instant::now(),
                    found,
                },
            );
        }
    }

    /// The organisation's settings, when sign-in through a provider is on,
    /// and its provider, discovered now or earlier.
    pub async fn get(
        &self,
        store: &Store,
        org: OrgId,
        public_url: &str,
    ) -> AppResult<Option<(SsoConfig, Result<Arc<Provider>, OidcError>)>> {
        let Some((config, secret)) = sso_config_for_sign_in(store, org).await? else {
            return Ok(None);
        };
        if let Some(found) = self.lookup(org, config.version) {
            return Ok(Some((config, found)));
        }
        let found = Provider::discover(ProviderConfig {
            issuer: config.settings.issuer.clone(),
            client_id: config.settings.client_id.clone(),
            client_secret: secret,
            redirect_uri: redirect_uri(public_url),
        })
        .await
        .map(Arc::new);
        if let Err(e) = &found {
            tracing::warn!(%org, issuer = %config.settings.issuer, error = %e, "single sign-on: the provider could not be discovered");
        }
        self.keep(org, config.version, found.clone());
        Ok(Some((config, found)))
    }
}
