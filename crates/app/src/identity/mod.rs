//! Letting people in: invitations to set a first password and password
//! resets, both by a single-use link sent through the outbox.

mod invitations;
mod password_reset;

pub use invitations::*;
pub use password_reset::*;
