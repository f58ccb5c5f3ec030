//! Logins: a person given one with an access role, a login's role changed
//! or disabled, and API tokens. Passwords arrive here already hashed: the
//! front end runs the hashing where it can bound how many run at once.

use crate::{AppError, AppResult, Caller};
use mandate_core::token::{API_TOKEN_PREFIX, ApiToken, secret_from_bytes, secret_hash};
use mandate_core::{AccessRole, NewUser, PersonId, User, UserId};
use mandate_store::Store;

/// Gives `person` a login with `access_role`.
pub async fn add_login(
    store: &Store,
    caller: &Caller,
    person: PersonId,
    access_role: AccessRole,
    password_hash: String,
) -> AppResult<User> {
    let new = NewUser {
        person_id: person,
        access_role,
        password_hash: Some(password_hash),
    };
    let user = store
        .create_user(&caller.actor(), caller.org(), &new)
        .await?;
    tracing::info!(by = %caller.user.email, user = %user.email, role = %user.access_role, "login created");
    Ok(user)
}

/// Changes a login's role or disables it; an admin cannot lock themselves out.
pub async fn change_login(
    store: &Store,
    caller: &Caller,
    id: UserId,
    access_role: AccessRole,
    disabled: bool,
) -> AppResult<User> {
    if id == caller.user.id && (disabled || access_role != AccessRole::Admin) {
        return Err(AppError::Invalid(
            "you cannot take away your own admin access; ask another admin".into(),
        ));
    }
    if disabled || access_role != AccessRole::Admin {
        guard_break_glass(store, caller.org(), id).await?;
    }
    let user = store
        .update_user(&caller.actor(), caller.org(), id, access_role, disabled)
        .await?;
    tracing::info!(by = %caller.user.email, user = %user.email, role = %user.access_role, disabled, "login changed");
    Ok(user)
}

/// A break-glass admin stays an enabled admin while passwords are off for
/// everyone else: they are who gets in the day the provider is down.
pub(crate) async fn guard_break_glass(
    store: &Store,
    org: mandate_core::OrgId,
    id: UserId,
) -> AppResult<()> {
    let settings = store.sso_settings(org).await?.settings;
    if settings.passwords != mandate_core::sso::PasswordPolicy::BreakGlassOnly {
        return Ok(());
    }
    let Some(user) = store.user(org, id).await? else {
        return Ok(());
    };
    if settings.is_break_glass(&user.email) {
        return Err(AppError::Invalid(format!(
            "{} is a break-glass admin while passwords are off: take them off the list (Users → Single sign-on) first",
            user.email
        )));
    }
    Ok(())
}

/// Creates an API token for the caller; the secret is returned this once
/// and only its hash is kept.
pub async fn issue_token(
    store: &Store,
    caller: &Caller,
    name: &str,
) -> AppResult<(ApiToken, String)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|_| AppError::Unavailable("no randomness available".into()))?;
    let secret = secret_from_bytes(API_TOKEN_PREFIX, bytes);
    let token = store
        .create_token(
            &caller.actor(),
            caller.org(),
            caller.user.id,
            name,
            &secret_hash(&secret),
        )
        .await?;
    tracing::info!(user = %caller.user.email, token = %token.id, "API token created");
    Ok((token, secret))
}
