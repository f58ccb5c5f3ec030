//! Single sign-on through an organisation's OpenID provider: the settings an
//! admin keeps, and the decision, once the provider has vouched for someone,
//! whether they get in and with which access role. Pure: the protocol itself
//! (discovery, the code exchange, the ID token's signature) lives in
//! `mandate-oidc`.

pub mod decision;
pub mod settings;

pub use decision::{
    Identity, Refusal, SignIn, decide, email_to_match, groups_role, identity_from_claims,
    role_change,
};
pub use settings::{PasswordPolicy, RoleMapping, SsoSettings};
