//! The PostgreSQL backend, for large organisations and for hosting many
//! organisations in one deployment. Default durability; appends to an
//! organisation's audit chain are serialised by a row lock on its head.

use crate::error::{Result, StoreError};
use mandate_core::audit::SigningKey;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub type Db = sqlx::Postgres;

/// Verifying or backing up a large chain legitimately takes seconds.
const SLOW_STATEMENT: Duration = Duration::from_secs(5);

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Statements where PostgreSQL's dialect differs from SQLite's.
pub mod dialect {
    pub const BACKEND: &str = "postgres";
    pub const BEGIN_WRITE: &str = "BEGIN";
    pub const BEGIN_SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    pub const LOCK_HEAD: &str =
        "SELECT seq, head_hash FROM audit_heads WHERE org_id = $1 FOR UPDATE";
    /// How the outbox's next message is taken so that two senders never
    /// take the same one (SQLite has one writer at a time already).
    pub const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";
    /// Audit events at or after an instant.
    pub const OCCURRED_FROM: &str = "occurred_at >= ?";
    /// Audit events before an instant.
    pub const OCCURRED_BEFORE: &str = "occurred_at < ?";
    pub const SCHEMA_COLUMNS: &str = "SELECT table_name::text AS table_name, column_name::text AS column_name \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx\\_%' \
         ORDER BY 1, 2";
    /// PostgreSQL streams rows fast enough one by one.
    pub const EVENT_CHUNKS: Option<&str> = None;
}

// The same source is compiled once per backend on purpose (see the crate docs).
#[allow(clippy::duplicate_mod)]
#[path = "../repo/mod.rs"]
pub mod repo;

/// Connects, failing within a few seconds when the server cannot be reached,
/// and brings the schema up to date.
pub async fn connect(
    url: &str,
    redacted: &str,
    key: Option<Arc<SigningKey>>,
) -> Result<repo::Repo> {
    let fail = |reason: String| StoreError::Connect {
        url: redacted.to_string(),
        reason,
    };
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| fail(e.to_string()))?
        .log_slow_statements(log::LevelFilter::Info, SLOW_STATEMENT);
    // One direct connection first: a pool that cannot connect only says it
    // timed out, while this says why (refused, unknown host, no such database).
    PgConnection::connect_with(&options)
        .await
        .map_err(|e| fail(e.to_string()))?
        .close()
        .await
        .ok();
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let repo = repo::Repo::new(pool, key);
    repo.migrate(&MIGRATOR).await.map_err(|e| match e {
        StoreError::Migrate(reason) => fail(reason),
        other => other,
    })?;
    Ok(repo)
}
