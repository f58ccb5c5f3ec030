//! Mandate's application layer: the rules and workflows that the web server
//! and the command line both need, above the store and below every front
//! end. A service takes the [`Caller`] the front end established (the user,
//! their organisation, the audit period they chose, the time read once at
//! the boundary) and answers with its own [`AppError`]; the web turns that
//! into problem documents and pages, the CLI into one line on stderr.
//! Nothing here knows HTTP.

pub mod acknowledgements;
#[cfg(test)]
mod architecture;
pub mod caller;
pub mod commitment;
pub mod conformance;
pub mod error;
pub mod evidence;
pub mod identity;
pub mod people;
pub mod performance;
pub mod policies;
pub mod roles;
pub mod tasks;

pub use caller::Caller;
pub use error::{AppError, AppResult};
