//! Records kept as one row each, read and written whole: the commitment
//! registers share these helpers, so each repository method is only its
//! own rule (who may, what must exist) between a load and a save.

use super::audit::Appender;
use super::batch::{Insertable, save_row};
use super::objectives::{check_version, saved_change};
use super::{Db, Transaction};
use crate::error::{Result, StoreError};
use mandate_core::OrgId;
use mandate_core::audit::Change;
use sqlx::Pool;
use uuid::Uuid;

/// A domain record and the row that holds it.
pub(super) trait Kept: Clone + serde::Serialize + Sized {
    type Row: Insertable
        + for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row>
        + Send
        + Unpin
        + for<'a> From<&'a Self>
        + TryInto<Self, Error = StoreError>;
    /// The audit log's name for it.
    const ENTITY: &'static str;
    /// The word for it in messages.
    const NOUN: &'static str;
    /// The column of its id (the second of its key, after `org_id`).
    const KEY: &'static str;
    /// How lists are ordered.
    const ORDER: &'static str;
    fn key(&self) -> Uuid;
    fn version(&self) -> i64;
}

fn select<T: Kept>(filter: &str) -> String {
    format!(
        "SELECT {} FROM {} WHERE org_id = $1{filter} ORDER BY {}",
        T::Row::COLUMNS.join(", "),
        T::Row::TABLE,
        T::ORDER
    )
}

/// One record, inside a transaction; NotFound when it is not there.
pub(super) async fn load<T: Kept>(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    id: Uuid,
) -> Result<T> {
    let sql = select::<T>(&format!(" AND {} = $2", T::KEY));
    let row: Option<T::Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.ok_or_else(|| StoreError::NotFound {
        entity: T::NOUN,
        id: id.to_string(),
    })?
    .try_into()
}

/// Every record of the organisation, in the type's order.
pub(super) async fn list<T: Kept>(pool: &Pool<Db>, org: OrgId) -> Result<Vec<T>> {
    let rows: Vec<T::Row> = sqlx::query_as(sqlx::AssertSqlSafe(select::<T>("")))
        .bind(org.0)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// The records of the organisation matching `filter` (SQL over the row's
/// columns, its parameters from `$2` on, bound by `bind`), in order.
pub(super) async fn list_where<T: Kept>(
    pool: &Pool<Db>,
    org: OrgId,
    filter: &str,
    bind: impl FnOnce(
        sqlx::query::QueryAs<'_, Db, T::Row, <Db as sqlx::Database>::Arguments>,
    ) -> sqlx::query::QueryAs<'_, Db, T::Row, <Db as sqlx::Database>::Arguments>,
) -> Result<Vec<T>> {
    let sql = select::<T>(&format!(" AND {filter}"));
    let rows: Vec<T::Row> = bind(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org.0))
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Every record of the organisation, inside a transaction.
pub(super) async fn list_in<T: Kept>(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
) -> Result<Vec<T>> {
    let rows: Vec<T::Row> = sqlx::query_as(sqlx::AssertSqlSafe(select::<T>("")))
        .bind(org.0)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Refuses a change made from a stale read.
pub(super) fn check_read<T: Kept>(before: &T, expected: Option<i64>) -> Result<()> {
    check_version(T::NOUN, before.version(), expected)
}

/// Writes `after` (created, or changed from `before`) and records the
/// change under `action` (`create` or `update` when none is given).
pub(super) async fn save<T: Kept>(
    tx: &mut Transaction<'static, Db>,
    chain: &mut Appender<'_>,
    before: Option<&T>,
    after: &T,
    action: Option<&'static str>,
) -> Result<()> {
    save_row(tx, &T::Row::from(after), 2).await?;
    let change = saved_change(T::ENTITY, after.key(), before, after);
    chain.record(match action {
        Some(action) => Change { action, ..change },
        None => change,
    });
    Ok(())
}

/// Implements [`Kept`] for a record with `id`, `version` and a row type.
macro_rules! kept {
    ($record:ty, $row:ty, $entity:literal, $noun:literal, $key:literal, $order:literal) => {
        impl super::super::kept::Kept for $record {
            type Row = $row;
            const ENTITY: &'static str = $entity;
            const NOUN: &'static str = $noun;
            const KEY: &'static str = $key;
            const ORDER: &'static str = $order;
            fn key(&self) -> uuid::Uuid {
                self.id.0
            }
            fn version(&self) -> i64 {
                self.version
            }
        }
    };
}

pub(crate) use kept;

/// The record a change names, checked against the version last read; none
/// when the change creates one.
pub(super) async fn load_for_change<T: Kept>(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    id: Option<Uuid>,
    expected_version: Option<i64>,
) -> Result<Option<T>> {
    let Some(id) = id else {
        return Ok(None);
    };
    let before: T = load(tx, org, id).await?;
    check_read(&before, expected_version)?;
    Ok(Some(before))
}
