//! Sign-in through an organisation's OpenID provider: its settings, the
//! providers discovered (kept for an hour), and the sign-in itself, from
//! the redirect to the provider to a session for a person of the register.

mod failure;
mod providers;
mod settings;
mod sign_in;

pub use failure::SsoFailure;
pub use providers::SsoProviders;
pub use settings::*;
pub use sign_in::*;

/// Where the provider sends the browser back: one address for every
/// organisation (the sign-in under way says which).
pub fn redirect_uri(public_url: &str) -> String {
    format!("{}/sign-in/sso/callback", public_url.trim_end_matches('/'))
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}
