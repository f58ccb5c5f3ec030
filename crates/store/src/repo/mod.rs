//! The repository, written once against `Db` and compiled once per backend
//! (see the crate's documentation). Everything here must type-check for both
//! SQLite and PostgreSQL; where the SQL differs, it comes from `dialect`.

mod acknowledgement;
mod audit;
mod backup;
mod batch;
mod commitment;
mod conformance;
mod identity;
mod kept;
mod mail;
mod organisation;
mod performance;
mod policy;
mod role;
mod row_type;
mod rows;

// The modules that others use, by their own names: a query module names
// another as `super::policy_rows` (or `super::super::policy_rows` from an
// area's folder) wherever the two live.
use super::{Db, dialect};
use crate::error::{Result, StoreError};
use acknowledgement::{acknowledgement_rows, acknowledgements};
use commitment::commitment_rows;
use mail::outbox_rows;
use mandate_core::audit::SigningKey;
use organisation::{org_settings, people, people_edit};
use performance::{actions, objectives, performance_rows};
use policy::{policies, policy_exceptions, policy_rows, policy_versions};
use role::{assignments, decision_authority, delegations, raci, roles};
use sqlx::{Pool, Transaction};
use std::sync::Arc;

pub struct Repo {
    pool: Pool<Db>,
    key: Option<Arc<SigningKey>>,
}

impl Repo {
    pub fn new(pool: Pool<Db>, key: Option<Arc<SigningKey>>) -> Self {
        Self { pool, key }
    }

    pub fn backend(&self) -> &'static str {
        dialect::BACKEND
    }

    pub(crate) async fn migrate(&self, migrator: &sqlx::migrate::Migrator) -> Result<()> {
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migrate(e.to_string()))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The signing key, which every write needs for the audit chain.
    fn key(&self) -> Result<&SigningKey> {
        self.key.as_deref().ok_or(StoreError::ReadOnly)
    }

    /// A write transaction: on SQLite it takes the write lock at once.
    async fn begin_write(&self) -> Result<Transaction<'static, Db>> {
        Ok(self.pool.begin_with(dialect::BEGIN_WRITE).await?)
    }

    /// A read-only transaction over one consistent snapshot.
    async fn begin_snapshot(&self) -> Result<Transaction<'static, Db>> {
        Ok(self.pool.begin_with(dialect::BEGIN_SNAPSHOT).await?)
    }

    /// After a bulk load, refreshes the planner's statistics, so the next
    /// queries pick indexes for the table as it now is rather than as it was.
    /// A failure only costs speed, so it is logged, not returned.
    async fn refresh_statistics(&self, rows_written: usize) {
        if rows_written < 1_000 {
            return;
        }
        if let Err(e) = sqlx::query("ANALYZE people").execute(&self.pool).await {
            tracing::warn!(error = %e, "refreshing statistics after a bulk load");
        }
    }

    /// Connections open, and idle, in the pool.
    pub fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Every (table, column) of the schema, for comparing the two backends.
    pub async fn schema_columns(&self) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(dialect::SCHEMA_COLUMNS)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Refuses a signing key other than the one this database's chains were
    /// signed with: a mix would make every later checkpoint unverifiable.
    pub async fn check_key(&self) -> Result<()> {
        let Some(key) = self.key.as_deref() else {
            return Ok(());
        };
        let ours = key.public_key().to_hex();
        let theirs: Option<(String,)> =
            sqlx::query_as("SELECT public_key FROM audit_heads WHERE public_key <> $1 LIMIT 1")
                .bind(&ours)
                .fetch_optional(&self.pool)
                .await?;
        match theirs {
            None => Ok(()),
            Some((theirs,)) => Err(StoreError::Key(format!(
                "the signing key's public key is {ours}, but this database was signed with {theirs}: \
                 point --signing-key at the key this database was created with"
            ))),
        }
    }
}
