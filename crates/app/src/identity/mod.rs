//! Letting people in: invitations to set a first password and password
//! resets, both by a single-use link sent through the outbox; and SCIM
//! provisioning, by which an identity provider keeps the register.

mod invitations;
mod password_reset;
pub mod scim;

pub use invitations::*;
pub use password_reset::*;
