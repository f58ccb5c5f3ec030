//! Why a sign-in through the provider did not end in a session, in the
//! words the sign-in pages show.

use crate::AppError;
use mandate_core::sso::Refusal;
use mandate_oidc::OidcError;

#[derive(Debug, thiserror::Error)]
pub enum SsoFailure {
    /// The organisation does not offer sign-in through a provider.
    #[error("this organisation does not offer single sign-on")]
    NotOffered,
    /// The sign-in is unknown, used, too old, or began in another browser.
    #[error("this sign-in has expired or was begun elsewhere: start again")]
    Expired,
    /// The provider itself said no (`error=access_denied`, say).
    #[error("the identity provider did not sign you in ({0})")]
    ProviderRefused(String),
    /// Talking to the provider went wrong, or its answer failed a check.
    #[error(
        "signing in through the identity provider failed: {0}. Try again later, or sign in with your password where your organisation allows it"
    )]
    Provider(#[from] OidcError),
    /// The provider vouched for someone the register does not let in.
    #[error("{}", refusal_text(.reason, .organisation, .email.as_deref()))]
    Refused {
        reason: Refusal,
        organisation: String,
        /// The email the provider said, if any: the person may be signed in
        /// at the provider under another account than they think.
        email: Option<String>,
    },
    #[error(transparent)]
    App(#[from] AppError),
}

impl SsoFailure {
    /// What went wrong without the sign-in's framing: for a test of the
    /// settings, where nobody is signing in.
    pub fn plain(&self) -> String {
        match self {
            Self::Provider(e) => e.to_string(),
            other => other.to_string(),
        }
    }
}

impl From<mandate_store::StoreError> for SsoFailure {
    fn from(e: mandate_store::StoreError) -> Self {
        Self::App(e.into())
    }
}

fn refusal_text(reason: &Refusal, organisation: &str, email: Option<&str>) -> String {
    let who = email.map_or_else(String::new, |e| {
        format!(" (your identity provider signed you in as {e})")
    });
    match reason {
        Refusal::NotInRegister => format!(
            "You are not in the people register of {organisation}{who}: ask your ISMS manager to add you."
        ),
        Refusal::Left => format!(
            "Your employment at {organisation} has ended{who}, so you can no longer sign in."
        ),
        Refusal::LoginDisabled => format!(
            "Your login at {organisation} is disabled: ask an administrator."
        ),
        Refusal::NoEmail => "Your identity provider did not say your email address, so Mandate cannot tell who you are: ask your administrator to check the provider's email claim.".to_string(),
        Refusal::EmailNotVerified => format!("Your identity provider has not verified your email address{who}, so Mandate cannot rely on it: ask your administrator."),
    }
}
