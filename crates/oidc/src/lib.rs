//! Mandate as an OpenID Connect relying party: discovery from the issuer's
//! URL, the authorization code flow with PKCE, `state` and `nonce`, and the
//! ID token's signature, issuer, audience, expiry and nonce checked. Only
//! this crate names `openidconnect`; what it answers is plain data.
//!
//! The claims of the ID token and of the UserInfo answer are merged (the
//! ID token's win): many providers keep `email` and `groups` out of the ID
//! token and give them only at UserInfo.

mod error;
mod flow;
mod http;

pub use error::{OidcError, TokenProblem};
pub use flow::{Begun, Claims, Provider, ProviderConfig};
