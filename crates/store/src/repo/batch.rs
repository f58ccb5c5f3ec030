//! Multi-row inserts: a bulk import or a restore writes thousands of rows per
//! statement instead of one round trip each, on both backends.

use super::Db;
use super::rows::{CheckpointRow, EventRow, HeadRow, OrgRow, PersonRow, UserRow};
use crate::error::Result;
use sqlx::query_builder::Separated;
use sqlx::{QueryBuilder, Transaction};

/// Bound parameters per statement: under SQLite's limit (32,766) and
/// PostgreSQL's (65,535).
const MAX_PARAMS: usize = 30_000;

/// A row type that can be written by [`insert_rows`].
pub trait Insertable {
    const TABLE: &'static str;
    const COLUMNS: &'static [&'static str];
    fn bind_into(&self, row: &mut Separated<'_, Db, &'static str>);
}

/// Inserts `rows` in as few statements as the parameter limits allow, each
/// followed by `suffix` (for example an `ON CONFLICT` clause). Returns the
/// number of rows the database reports as written.
pub async fn insert_rows<T: Insertable>(
    tx: &mut Transaction<'_, Db>,
    rows: &[T],
    suffix: &str,
    mut progress: impl FnMut(usize),
) -> Result<u64> {
    let per_statement = (MAX_PARAMS / T::COLUMNS.len()).max(1);
    let mut written = 0;
    for chunk in rows.chunks(per_statement) {
        let mut builder: QueryBuilder<Db> = QueryBuilder::new(format!(
            "INSERT INTO {} ({}) ",
            T::TABLE,
            T::COLUMNS.join(", ")
        ));
        builder.push_values(chunk, |mut row, item| item.bind_into(&mut row));
        builder.push(suffix);
        written += builder.build().execute(&mut **tx).await?.rows_affected();
        progress(chunk.len());
    }
    Ok(written)
}

/// Writes `row`, replacing the row with the same first `keys` columns (its
/// primary key) if there is one: one statement for create and update, on
/// both backends (`ON CONFLICT ... DO UPDATE`).
pub async fn save_row<T: Insertable>(
    tx: &mut Transaction<'_, Db>,
    row: &T,
    keys: usize,
) -> Result<u64> {
    save_row_keeping(tx, row, keys, &[]).await
}

/// [`save_row`], except that an existing row keeps its `kept` columns (a
/// frozen document is never rewritten, not even with equal content).
pub async fn save_row_keeping<T: Insertable>(
    tx: &mut Transaction<'_, Db>,
    row: &T,
    keys: usize,
    kept: &[&str],
) -> Result<u64> {
    let (key, rest) = T::COLUMNS.split_at(keys);
    let set: Vec<String> = rest
        .iter()
        .filter(|c| !kept.contains(c))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let suffix = format!(
        " ON CONFLICT ({}) DO UPDATE SET {}",
        key.join(", "),
        set.join(", ")
    );
    insert_rows(tx, std::slice::from_ref(row), &suffix, |_| {}).await
}

impl Insertable for OrgRow {
    const TABLE: &'static str = "organisations";
    const COLUMNS: &'static [&'static str] = &[
        "org_id",
        "slug",
        "name",
        "purpose",
        "scope_statement",
        "strategic_goals",
        "fiscal_year_start_month",
        "created_at",
        "version",
    ];
    fn bind_into(&self, row: &mut Separated<'_, Db, &'static str>) {
        row.push_bind(self.org_id)
            .push_bind(&self.slug)
            .push_bind(&self.name)
            .push_bind(&self.purpose)
            .push_bind(&self.scope_statement)
            .push_bind(&self.strategic_goals)
            .push_bind(self.fiscal_year_start_month)
            .push_bind(self.created_at)
            .push_bind(self.version);
    }
}

impl Insertable for PersonRow {
    const TABLE: &'static str = "people";
    const COLUMNS: &'static [&'static str] = &[
        "org_id",
        "person_id",
        "name",
        "email",
        "department",
        "manager_id",
        "kind",
        "start_date",
        "end_date",
        "created_at",
        "updated_at",
        "version",
    ];
    fn bind_into(&self, row: &mut Separated<'_, Db, &'static str>) {
        row.push_bind(self.org_id)
            .push_bind(self.person_id)
            .push_bind(&self.name)
            .push_bind(&self.email)
            .push_bind(&self.department)
            .push_bind(self.manager_id)
            .push_bind(&self.kind)
            .push_bind(self.start_date)
            .push_bind(self.end_date)
            .push_bind(self.created_at)
            .push_bind(self.updated_at)
            .push_bind(self.version);
    }
}

impl Insertable for UserRow {
    const TABLE: &'static str = "users";
    const COLUMNS: &'static [&'static str] = &[
        "org_id",
        "user_id",
        "person_id",
        "email",
        "access_role",
        "password_hash",
        "created_at",
        "disabled_at",
    ];
    fn bind_into(&self, row: &mut Separated<'_, Db, &'static str>) {
        row.push_bind(self.org_id)
            .push_bind(self.user_id)
            .push_bind(self.person_id)
            .push_bind(&self.email)
            .push_bind(&self.access_role)
            .push_bind(&self.password_hash)
            .push_bind(self.created_at)
            .push_bind(self.disabled_at);
    }
}

impl Insertable for EventRow {
    const TABLE: &'static str = "audit_events";
    const COLUMNS: &'static [&'static str] = &[
        "org_id",
        "seq",
        "occurred_at",
        "actor",
        "entity_type",
        "entity_id",
        "action",
        "before_json",
        "after_json",
        "prev_hash",
        "hash",
    ];
    fn bind_into(&self, row: &mut Separated<'_, Db, &'static str>) {
        row.push_bind(self.org_id)
            .push_bind(self.seq)
            .push_bind(self.occurred_at)
            .push_bind(&self.actor)
            .push_bind(&self.entity_type)
            .push_bind(&self.entity_id)
            .push_bind(&self.action)
            .push_bind(&self.before_json)
            .push_bind(&self.after_json)
            .push_bind(&self.prev_hash)
            .push_bind(&self.hash);
    }
}

impl Insertable for CheckpointRow {
    const TABLE: &'static str = "audit_checkpoints";
    const COLUMNS: &'static [&'static str] = &[
        "org_id",
        "seq",
        "head_hash",
        "created_at",
        "public_key",
        "signature",
    ];
    fn bind_into(&self, row: &mut Separated<'_, Db, &'static str>) {
        row.push_bind(self.org_id)
            .push_bind(self.seq)
            .push_bind(&self.head_hash)
            .push_bind(self.created_at)
            .push_bind(&self.public_key)
            .push_bind(&self.signature);
    }
}

impl Insertable for HeadRow {
    const TABLE: &'static str = "audit_heads";
    const COLUMNS: &'static [&'static str] = &[
        "org_id",
        "seq",
        "head_hash",
        "updated_at",
        "public_key",
        "signature",
    ];
    fn bind_into(&self, row: &mut Separated<'_, Db, &'static str>) {
        row.push_bind(self.org_id)
            .push_bind(self.seq)
            .push_bind(&self.head_hash)
            .push_bind(self.updated_at)
            .push_bind(&self.public_key)
            .push_bind(&self.signature);
    }
}

impl Insertable for super::rows::TokenRow {
    const TABLE: &'static str = "api_tokens";
    const COLUMNS: &'static [&'static str] = &[
        "org_id",
        "token_id",
        "user_id",
        "name",
        "token_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
    ];
    fn bind_into(&self, row: &mut Separated<'_, Db, &'static str>) {
        row.push_bind(self.org_id)
            .push_bind(self.token_id)
            .push_bind(self.user_id)
            .push_bind(&self.name)
            .push_bind(&self.token_hash)
            .push_bind(self.created_at)
            .push_bind(self.last_used_at)
            .push_bind(self.revoked_at);
    }
}
