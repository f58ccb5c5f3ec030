//! Signing in and out. A new session id at every sign-in; failures are
//! throttled (see [`crate::auth::throttle`]) and logged without the
//! password. Nothing is said about an email's logins before the password is
//! found right for one of them.

use super::render_with;
use crate::auth::client::ClientAddress;
use crate::auth::password_checks::{Busy, PasswordChecks};
use crate::auth::secrets::random_secret;
use crate::auth::{SessionExpired, Viewer, session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use mandate_core::password::verify_password;
use mandate_core::token::secret_hash;
use mandate_core::{Email, Slug, User};
use serde::Deserialize;

/// A real hash of a password nobody knows, verified against when the email
/// is unknown, so a wrong email takes as long as a wrong password.
fn dummy_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let secret = random_secret("").unwrap_or_else(|_| "x".repeat(64));
        mandate_core::password::hash_password(&secret).unwrap_or_default()
    })
    .clone()
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignIn {
    next: String,
    email: String,
    org: String,
    ask_org: bool,
    /// The organisations to choose from, once the password was right for
    /// logins in several.
    orgs: Vec<OrgChoice>,
    error: Option<String>,
    notice: Option<String>,
    sso: SsoOffer,
}

/// What the page offers besides the password: nothing, one provider's
/// button, or (several organisations offering one) a field for the
/// organisation's short name, so tenants are not listed to strangers.
#[derive(Clone, Default)]
pub(super) enum SsoOffer {
    #[default]
    None,
    Button {
        href: String,
        label: String,
    },
    AskOrganisation,
}

/// The offer for a sign-in page asked for `org` (a slug) or for none.
pub(super) async fn sso_offer(state: &AppState, org: Option<&str>, next: &str) -> SsoOffer {
    let offered = match state.store.sso_offered().await {
        Ok(offered) => offered,
        Err(e) => {
            tracing::error!(error = %e, "listing single sign-on providers");
            return SsoOffer::None;
        }
    };
    let wanted = org.map(str::trim).filter(|o| !o.is_empty());
    let chosen: Vec<_> = offered
        .iter()
        .filter(|(slug, _, _)| wanted.is_none_or(|w| w.eq_ignore_ascii_case(slug)))
        .collect();
    match chosen.as_slice() {
        [] if wanted.is_some() && offered.len() > 1 => SsoOffer::AskOrganisation,
        [] => SsoOffer::None,
        [(slug, _, provider)] => SsoOffer::Button {
            href: format!(
                "/sign-in/sso?org={}&next={}",
                super::url_encode(slug),
                super::url_encode(next)
            ),
            label: format!("Sign in with {provider}"),
        },
        _ => SsoOffer::AskOrganisation,
    }
}

struct OrgChoice {
    slug: String,
    name: String,
}

#[derive(Deserialize)]
pub struct FormParams {
    next: Option<String>,
    /// An organisation's short name: its provider is offered.
    org: Option<String>,
    expired: Option<String>,
    signed_out: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    Query(params): Query<FormParams>,
    expired: Option<Extension<SessionExpired>>,
) -> Response {
    let notice = if params.expired.is_some() || expired.is_some() {
        Some("Your session ended. Sign in again to go on.".to_string())
    } else if params.signed_out.is_some() {
        Some("You are signed out.".to_string())
    } else {
        None
    };
    let next = safe_next(params.next.as_deref());
    let page = SignIn {
        sso: sso_offer(&state, params.org.as_deref(), &next).await,
        next,
        email: String::new(),
        org: params.org.clone().unwrap_or_default(),
        ask_org: false,
        orgs: Vec::new(),
        error: None,
        notice,
    };
    render_with(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct Credentials {
    email: String,
    password: String,
    org: Option<String>,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<Credentials>,
) -> Response {
    let email_text = form.email.trim().to_lowercase();
    let next = safe_next(form.next.as_deref());
    let offer = sso_offer(&state, form.org.as_deref(), &next).await;
    let again = |status: StatusCode, error: &str, ask_org: bool, orgs: Vec<OrgChoice>| {
        let page = SignIn {
            sso: offer.clone(),
            next: next.clone(),
            email: email_text.clone(),
            org: form.org.clone().unwrap_or_default(),
            ask_org,
            orgs,
            error: Some(error.to_string()),
            notice: None,
        };
        render_with(status, &page)
    };
    let went_wrong = || {
        again(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong; try again.",
            false,
            Vec::new(),
        )
    };
    let delay = match state.throttle.sign_in(&email_text, &address) {
        Ok(delay) => delay,
        Err(wait) => {
            tracing::warn!(email = %email_text, %address, "sign-in refused: too many failures");
            let minutes = wait.as_secs().div_ceil(60);
            let mut response = again(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("Too many failed sign-ins. Try again in {minutes} minute(s)."),
                false,
                Vec::new(),
            );
            if let Ok(value) = header::HeaderValue::from_str(&wait.as_secs().to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
    };
    if !delay.is_zero() {
        // Many failures against this account from anywhere: slowed, never refused.
        tracing::warn!(email = %email_text, %address, delay_ms = delay.as_millis(), "sign-in slowed: many failures for this account");
        tokio::time::sleep(delay).await;
    }
    let mut logins = match Email::parse(&email_text) {
        Ok(email) => match state.store.logins_with_email(&email).await {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(error = %e, "sign-in lookup");
                return went_wrong();
            }
        },
        Err(_) => Vec::new(),
    };
    let org_slug = form.org.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(slug) = org_slug {
        let chosen = match Slug::parse(slug) {
            Ok(slug) => match state.store.organisation_by_slug(&slug).await {
                Ok(org) => org.map(|o| o.id),
                Err(e) => {
                    tracing::error!(error = %e, "sign-in lookup");
                    return went_wrong();
                }
            },
            Err(_) => None,
        };
        logins.retain(|(user, _)| Some(user.org_id) == chosen);
    }
    // The password is checked against every login of the email (or a dummy
    // hash when there is none), and only then is anything said about them.
    let hashes = logins.iter().map(|(_, h)| h.clone()).collect();
    let opens = match verify_each(&state.password_checks, &form.password, hashes).await {
        Ok(opens) => opens,
        Err(Busy) => {
            tracing::warn!(email = %email_text, %address, "sign-in refused: too many password checks under way");
            let mut response = again(
                StatusCode::SERVICE_UNAVAILABLE,
                Busy::MESSAGE,
                org_slug.is_some(),
                Vec::new(),
            );
            Busy::retry_after(&mut response);
            return response;
        }
    };
    let now = mandate_core::timefmt::now();
    let mut matched: Vec<User> = Vec::new();
    for ((user, _), opened) in logins.into_iter().zip(opens) {
        if !opened || user.disabled_at.is_some() {
            continue;
        }
        let left = match state.store.person(user.org_id, user.person_id).await {
            Ok(person) => person.is_none_or(|p| crate::auth::has_left(p.end_date, now)),
            Err(_) => true,
        };
        if !left {
            matched.push(user);
        }
    }
    if matched.len() > 1 {
        // The password is right for several: the choice is among those only.
        state.throttle.signed_in(&email_text, &address);
        let mut orgs = Vec::new();
        for user in &matched {
            match state.store.organisation(user.org_id).await {
                Ok(Some(org)) => orgs.push(OrgChoice {
                    slug: org.slug.to_string(),
                    name: org.name,
                }),
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(error = %e, "sign-in lookup");
                    return went_wrong();
                }
            }
        }
        orgs.sort_by(|a, b| a.name.cmp(&b.name));
        return again(
            StatusCode::OK,
            "This email has logins in several organisations: say which one.",
            true,
            orgs,
        );
    }
    let Some(user) = matched.pop() else {
        tracing::warn!(email = %email_text, %address, "sign-in failed");
        return again(
            StatusCode::UNAUTHORIZED,
            "The email or the password is wrong.",
            org_slug.is_some(),
            Vec::new(),
        );
    };
    state.throttle.signed_in(&email_text, &address);
    match mandate_app::identity::sso::passwords_off_for(&state.store, user.org_id, &user.email)
        .await
    {
        Ok(None) => {}
        Ok(Some(provider)) => {
            tracing::warn!(user = %user.email, %address, "password sign-in refused: the organisation signs in through its provider");
            return again(
                StatusCode::FORBIDDEN,
                &format!(
                    "Your organisation signs in through {provider}: use \"Sign in with {provider}\"."
                ),
                false,
                Vec::new(),
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "sign-in lookup");
            return went_wrong();
        }
    }
    let Some(response) = start_session(&state, &user, &headers, &next).await else {
        return went_wrong();
    };
    tracing::info!(user = %user.email, role = %user.access_role, %address, "signed in");
    response
}

/// Signs `user` in with a new session and sends them on to `next` (a path
/// of this site). `None` when the session could not be kept.
pub(super) async fn start_session(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    next: &str,
) -> Option<Response> {
    let (Ok(secret), Ok(csrf)) = (random_secret(""), random_secret("")) else {
        return None;
    };
    let now = mandate_core::timefmt::now();
    if let Err(e) = state
        .store
        .create_session(user.org_id, user.id, &secret_hash(&secret), &csrf, now)
        .await
    {
        tracing::error!(error = %e, "creating a session");
        return None;
    }
    let secure = state.config.secure_cookies || session::is_https(headers);
    let mut response = Redirect::to(next).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::set_cookie(&secret, secure));
    Some(response)
}

/// Which of `hashes` the password opens. Every login of the email is
/// checked, one after another, each under a permit of the server-wide
/// [`PasswordChecks`]; a login without a password, and no login at all, are
/// checked against a dummy hash. So the number of checks is the number of
/// logins, or one: an unknown email costs as much as an email with one
/// login. Any check that waits too long for its permit refuses the whole
/// sign-in with [`Busy`].
async fn verify_each(
    checks: &PasswordChecks,
    password: &str,
    hashes: Vec<Option<String>>,
) -> Result<Vec<bool>, Busy> {
    let count = hashes.len();
    let mut hashes = hashes;
    if hashes.is_empty() {
        hashes.push(None);
    }
    let mut opens = Vec::with_capacity(hashes.len());
    for hash in hashes {
        let password = password.to_string();
        let opened = checks
            .run(move || {
                let real = hash.is_some();
                let hash = hash.unwrap_or_else(dummy_hash);
                verify_password(&password, &hash) && real
            })
            .await?;
        opens.push(opened.unwrap_or(false));
    }
    opens.truncate(count);
    Ok(opens)
}

pub async fn sign_out(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Response {
    if let Some(hash) = viewer.session_hash()
        && let Err(e) = state.store.delete_session(hash).await
    {
        tracing::error!(error = %e, "ending a session");
    }
    tracing::info!(user = %viewer.user.email, "signed out");
    let secure = state.config.secure_cookies || session::is_https(&headers);
    let mut response = Redirect::to("/sign-in?signed_out=1").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::clear_cookie(secure));
    response
}

/// Only paths on this site, in a plain character set: never `//evil.example`,
/// `https://...`, or a path with a tab or backslash that a browser would
/// rewrite into one.
pub(super) fn safe_next(next: Option<&str>) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/-_.~?=&%+,".contains(c);
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.len() <= 2_000
                && n.chars().all(plain) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/people?search=a")), "/people?search=a");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "people",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(super::super::url_encode("/people?x=1"), "/people%3Fx%3D1");
    }

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash() {
        let hash = dummy_hash();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!verify_password("password", &hash));
    }
}
