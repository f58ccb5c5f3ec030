//! Letting people in: invitations to set a first password and password
//! resets, both by a single-use link sent through the outbox; and SCIM
//! provisioning, by which an identity provider keeps the register; and
//! single sign-on through the organisation's OpenID provider.

mod invitations;
mod password_reset;
pub mod scim;
pub mod sso;

pub use invitations::*;
pub use password_reset::*;
