//! The store's error type: what went wrong, in words an operator can act on.
//! Callers map `NotFound` and `Conflict` to 404 and 409; everything else is an
//! internal error whose detail is logged, not shown.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database at {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("the database schema could not be brought up to date: {0}")]
    Migrate(String),
    #[error("{entity} {id} was not found")]
    NotFound { entity: &'static str, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    /// Segregation of duties or authority: this person may not do this.
    #[error("{0}")]
    Refused(String),
    #[error("this store was opened without the signing key, so it cannot record changes")]
    ReadOnly,
    #[error("{0}")]
    Key(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A shared piece of work failed for everyone waiting on it; the detail
    /// was logged where it happened.
    #[error("{0}")]
    Unavailable(String),
}

impl StoreError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(what.to_string())
    }

    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| StoreError::Io { context, source }
    }

    /// Turns a unique-constraint violation into a `Conflict` with `message`.
    pub(crate) fn on_unique(message: impl Into<String>) -> impl FnOnce(StoreError) -> Self {
        let message = message.into();
        move |e| match &e {
            StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                StoreError::Conflict(message)
            }
            _ => e,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
