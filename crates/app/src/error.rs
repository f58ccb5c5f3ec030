//! What a service answers when it cannot do what was asked. The kinds are
//! the ones a front end must tell apart (not there, not allowed, not valid);
//! the store's own errors pass through unchanged.

use mandate_core::import::RowError;
use mandate_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The record does not exist, or the caller may not know it does.
    #[error("{0}")]
    NotFound(String),
    /// The caller may see the record but not do this to it.
    #[error("{0}")]
    Forbidden(String),
    /// The request is understood but breaks a rule of the records.
    #[error("{0}")]
    Invalid(String),
    /// Something the service needs is not there right now (no randomness,
    /// a database unreachable); asking again later may succeed.
    #[error("{0}")]
    Unavailable(String),
    /// An uploaded file has problems, each with its line; nothing of it
    /// was kept.
    #[error("the file has {} problems", .0.len())]
    InFile(Vec<RowError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// "no such {what}".
    pub fn no_such(what: &str) -> Self {
        Self::NotFound(format!("no such {what}"))
    }
}
