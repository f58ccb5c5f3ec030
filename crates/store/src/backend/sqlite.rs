//! The embedded backend: one SQLite file in WAL mode, durable commits
//! (`synchronous=FULL`), foreign keys on, and one writer at a time: every
//! write transaction starts with `BEGIN IMMEDIATE`, so two writers queue on
//! the busy timeout instead of failing half-way.

use crate::error::{Result, StoreError};
use mandate_core::audit::SigningKey;
use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub type Db = sqlx::Sqlite;

/// Verifying or backing up a large chain legitimately takes seconds.
const SLOW_STATEMENT: Duration = Duration::from_secs(5);

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// Statements where SQLite's dialect differs from PostgreSQL's.
pub mod dialect {
    pub const BACKEND: &str = "sqlite";
    pub const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";
    /// A read transaction in WAL mode sees one snapshot throughout.
    pub const BEGIN_SNAPSHOT: &str = "BEGIN";
    /// SQLite has no row locks; `BEGIN IMMEDIATE` already holds the write lock.
    pub const LOCK_HEAD: &str = "SELECT seq, head_hash FROM audit_heads WHERE org_id = $1";
    /// How the outbox's next message is taken so that two senders never
    /// take the same one (SQLite has one writer at a time already).
    pub const SKIP_LOCKED: &str = "";
    /// Audit events at or after an instant (SQLite compares instants, not their text).
    pub const OCCURRED_FROM: &str = "julianday(occurred_at) >= julianday(?)";
    /// Audit events before an instant.
    pub const OCCURRED_BEFORE: &str = "julianday(occurred_at) < julianday(?)";
    pub const SCHEMA_COLUMNS: &str = "SELECT m.name AS table_name, p.name AS column_name \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx_%' \
         ORDER BY 1, 2";
    /// Audit events of one organisation after a sequence number, up to 2,000
    /// of them as one JSON array per row. sqlx hands rows over from SQLite's
    /// worker thread one at a time, which caps verification near 100,000
    /// events/s; a chunk crosses as one row.
    pub const EVENT_CHUNKS: Option<&str> = Some(
        "SELECT json_group_array(json_array(seq, occurred_at, actor, entity_type, entity_id, action, \
         before_json, after_json, prev_hash, hash) ORDER BY seq), MAX(seq) \
         FROM (SELECT * FROM audit_events WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT 2000)",
    );
}

// The same source is compiled once per backend on purpose (see the crate docs).
#[allow(clippy::duplicate_mod)]
#[path = "../repo/mod.rs"]
pub mod repo;

/// Opens (and with `create`, creates) the database file and brings its schema up to date.
pub async fn connect(
    path: &Path,
    create: bool,
    key: Option<Arc<SigningKey>>,
) -> Result<repo::Repo> {
    let url = format!("sqlite://{}", path.display());
    let fail = |reason: String| StoreError::Connect {
        url: url.clone(),
        reason,
    };
    if !create && !path.exists() {
        return Err(fail(
            "there is no database file there (run `mandate init` or `mandate demo` first)".into(),
        ));
    }
    if create && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(create)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Rows cross from SQLite's worker thread in batches instead of one wake-up each.
        .row_buffer_size(4096)
        .log_slow_statements(log::LevelFilter::Info, SLOW_STATEMENT);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(|e| fail(describe(&e)))?;
    let repo = repo::Repo::new(pool, key);
    repo.migrate(&MIGRATOR).await.map_err(|e| match e {
        StoreError::Migrate(reason) => fail(reason),
        other => other,
    })?;
    Ok(repo)
}

fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) if db.message().contains("not a database") => {
            "the file is not an SQLite database (or it is corrupt)".into()
        }
        other => other.to_string(),
    }
}
