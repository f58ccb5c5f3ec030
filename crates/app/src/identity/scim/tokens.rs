//! SCIM tokens: made by an admin (or the command line) for one provider,
//! shown once, kept as a hash; a request is let in by the live token it
//! carries.

use crate::{AppError, AppResult};
use mandate_core::OrgId;
use mandate_core::audit::Actor;
use mandate_core::token::{secret_from_bytes, secret_hash};
use mandate_store::{ScimToken, Store};
use time::OffsetDateTime;

/// SCIM tokens start with this, so a leaked one is recognisable.
pub const SCIM_TOKEN_PREFIX: &str = "mscim_";

/// A new token for the provider `name`; its secret is returned this once.
pub async fn issue_scim_token(
    store: &Store,
    actor: &Actor,
    org: OrgId,
    name: &str,
) -> AppResult<(ScimToken, String)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|_| AppError::Unavailable("no randomness available".into()))?;
    let secret = secret_from_bytes(SCIM_TOKEN_PREFIX, bytes);
    let token = store
        .create_scim_token(actor, org, name, &secret_hash(&secret))
        .await?;
    tracing::info!(org = %org, token = %token.id, name = %token.name, "SCIM token created");
    Ok((token, secret))
}

/// The live token `secret` is, marked as used now (at most once a minute,
/// so a provisioning run does not write on every request).
pub async fn scim_token_for(
    store: &Store,
    secret: &str,
    now: OffsetDateTime,
) -> AppResult<Option<ScimToken>> {
    if !secret.starts_with(SCIM_TOKEN_PREFIX) {
        return Ok(None);
    }
    let Some(token) = store.scim_token_by_hash(&secret_hash(secret)).await? else {
        return Ok(None);
    };
    let stale = token
        .last_used_at
        .is_none_or(|at| now - at > time::Duration::minutes(1));
    if stale {
        store.touch_scim_token(token.org_id, token.id, now).await?;
    }
    Ok(Some(token))
}
