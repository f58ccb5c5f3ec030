//! A sign-in through the provider: begun by sending the browser there with
//! a fresh state, nonce and PKCE challenge, finished when it comes back
//! with a code. The register decides who gets in
//! (`mandate_core::sso::decide`); a person with no login gets one just in
//! time, and the provider's groups set the access role at every sign-in,
//! both audited as `sso:<provider>`.

use super::{SsoFailure, SsoProviders, sha256_hex};
use crate::AppError;
use mandate_core::audit::Actor;
use mandate_core::sso::{self, SignIn, email_to_match, identity_from_claims};
use mandate_core::{NewUser, OrgId, User};
use mandate_store::{SsoLogin, Store, StoreError};
use time::{Duration, OffsetDateTime};

/// Text from the query string fit for a page and a log line: printable
/// characters only, cut to `max`.
fn plain(text: &str, max: usize) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect()
}

/// Whether `user` is the organisation's only enabled admin: the provider
/// never demotes them, so the organisation always has an admin.
async fn is_last_admin(store: &Store, org: OrgId, user: &User) -> Result<bool, SsoFailure> {
    if user.access_role != mandate_core::AccessRole::Admin {
        return Ok(false);
    }
    let admins = store
        .users(org)
        .await?
        .into_iter()
        .filter(|u| u.access_role == mandate_core::AccessRole::Admin && u.disabled_at.is_none())
        .count();
    Ok(admins <= 1)
}

/// How long the browser may stay at the provider.
const LIFETIME: Duration = Duration::minutes(10);

/// Where to send the browser, and the secret to bind the sign-in to it (a
/// cookie): a state stolen from the URL is no use in another browser.
#[derive(Debug)]
pub struct SsoStart {
    pub url: String,
    pub browser_secret: String,
}

fn random_hex() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Unavailable(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Begins a sign-in for `org`, to land on `next` (a path of this site,
/// checked by the caller).
pub async fn begin_sso(
    store: &Store,
    providers: &SsoProviders,
    org: OrgId,
    public_url: &str,
    next: &str,
    now: OffsetDateTime,
) -> Result<SsoStart, SsoFailure> {
    let Some((config, provider)) = providers.get(store, org, public_url).await? else {
        return Err(SsoFailure::NotOffered);
    };
    let begun = provider?.begin(&config.settings.scopes)?;
    let browser_secret = random_hex()?;
    store
        .begin_sso_login(
            &sha256_hex(&begun.state),
            &SsoLogin {
                org_id: org,
                browser_hash: sha256_hex(&browser_secret),
                nonce: begun.nonce,
                pkce_verifier: begun.pkce_verifier,
                next_path: next.to_string(),
                created_at: now,
            },
        )
        .await?;
    Ok(SsoStart {
        url: begun.url,
        browser_secret,
    })
}

/// The provider's answer at the callback, as the query string has it.
#[derive(Clone, Debug, Default)]
pub struct SsoAnswer {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// RFC 9207: the issuer that answers, to catch a mix-up of providers.
    pub iss: Option<String>,
}

/// A sign-in finished: who, and where they were going.
#[derive(Debug)]
pub struct SsoSignedIn {
    pub user: User,
    pub next: String,
    pub provider: String,
}

/// Finishes the sign-in that `answer.state` names, begun in the browser
/// holding `browser_secret`.
pub async fn complete_sso(
    store: &Store,
    providers: &SsoProviders,
    public_url: &str,
    answer: &SsoAnswer,
    browser_secret: Option<&str>,
    now: OffsetDateTime,
) -> Result<SsoSignedIn, SsoFailure> {
    let state = answer.state.as_deref().ok_or(SsoFailure::Expired)?;
    // Taken whatever happens next: a state is good for one answer.
    let login = store
        .take_sso_login(&sha256_hex(state))
        .await?
        .ok_or(SsoFailure::Expired)?;
    let same_browser = browser_secret.is_some_and(|s| sha256_hex(s) == login.browser_hash);
    if !same_browser || now - login.created_at > LIFETIME {
        return Err(SsoFailure::Expired);
    }
    let org = login.org_id;
    let Some((config, provider)) = providers.get(store, org, public_url).await? else {
        return Err(SsoFailure::NotOffered);
    };
    let settings = &config.settings;
    if let Some(error) = &answer.error {
        let mut said = plain(error, 100);
        if let Some(description) = answer.error_description.as_deref() {
            said = format!("{said}: {}", plain(description, 300));
        }
        return Err(SsoFailure::ProviderRefused(said));
    }
    if answer
        .iss
        .as_deref()
        .is_some_and(|iss| iss != settings.issuer)
    {
        return Err(SsoFailure::ProviderRefused(
            "the answer came from another issuer than the one configured (a mix-up of providers)"
                .into(),
        ));
    }
    let code = answer
        .code
        .as_deref()
        .ok_or_else(|| SsoFailure::ProviderRefused("it sent no authorization code".into()))?;
    let claims = provider?
        .finish(code, &login.nonce, &login.pkce_verifier)
        .await?;
    let identity = identity_from_claims(settings, &claims.subject, &claims.claims);
    let organisation = store
        .organisation(org)
        .await?
        .map_or_else(|| "this organisation".to_string(), |o| o.name);
    let refuse = |reason: sso::Refusal| {
        tracing::warn!(%org, subject = ?identity.subject, email = ?identity.email, reason = reason.code(), provider = %settings.display_name, "single sign-on refused");
        SsoFailure::Refused {
            reason,
            organisation: organisation.clone(),
            email: identity.email.clone(),
        }
    };
    let email = email_to_match(settings, &identity).map_err(refuse)?;
    let person = store.person_by_email(org, &email).await?;
    let user = match &person {
        Some(p) => match store.login_of(org, p.id).await? {
            Some(login) => store.user(org, login.user_id).await?,
            None => None,
        },
        None => None,
    };
    // The SCIM role groups count beside the claim (never for admin).
    let with_groups = sso::Identity {
        role_groups: match &person {
            Some(p) => store.scim_role_groups_of(org, p.id).await?,
            None => Vec::new(),
        },
        ..identity.clone()
    };
    let actor = Actor::sso(&settings.display_name);
    let user = match sso::decide(
        settings,
        &with_groups,
        person.as_ref(),
        user.as_ref(),
        now.date(),
    ) {
        SignIn::Refuse(reason) => return Err(refuse(reason)),
        SignIn::CreateLogin { role } => {
            let Some(person) = person else {
                return Err(refuse(sso::Refusal::NotInRegister));
            };
            let new = NewUser {
                person_id: person.id,
                access_role: role,
                password_hash: None,
            };
            match store.create_user(&actor, org, &new).await {
                Ok(user) => {
                    tracing::info!(%org, user = %user.email, role = %role, provider = %settings.display_name, "single sign-on: login made just in time");
                    user
                }
                // Two first sign-ins at once: the other made it.
                Err(StoreError::Conflict(_)) => {
                    let login = store.login_of(org, person.id).await?;
                    match login {
                        Some(login) => store.user(org, login.user_id).await?,
                        None => None,
                    }
                    .ok_or(SsoFailure::Expired)?
                }
                Err(e) => return Err(e.into()),
            }
        }
        SignIn::Existing { user, new_role } => match new_role {
            Some(_) if is_last_admin(store, org, &user).await? => {
                tracing::warn!(%org, user = %user.email, provider = %settings.display_name, "single sign-on: the provider's groups would demote the organisation's last admin; the role is kept");
                *user
            }
            Some(role) => {
                let changed = store.update_user(&actor, org, user.id, role, false).await?;
                tracing::info!(%org, user = %changed.email, from = %user.access_role, to = %role, provider = %settings.display_name, "single sign-on: access role set by the provider's groups");
                changed
            }
            None => *user,
        },
    };
    Ok(SsoSignedIn {
        user,
        next: login.next_path,
        provider: settings.display_name.clone(),
    })
}
