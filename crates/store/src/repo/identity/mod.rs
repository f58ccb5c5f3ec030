//! Provisioning from an identity provider: SCIM tokens, and the provider's
//! view of people (users) and departments (groups); and sign-in through
//! the organisation's OpenID provider: its settings, sign-ins under way.

pub(super) mod scim_groups;
pub(super) mod scim_role_groups;
pub(super) mod scim_rows;
pub(super) mod scim_tokens;
pub(super) mod scim_users;
pub(super) mod sso_logins;
pub(super) mod sso_settings;

use super::Db;
use crate::error::Result;
use mandate_core::OrgId;
use uuid::Uuid;

/// The value a SCIM list's filter binds as `$2`, after the organisation.
pub(super) enum Bound {
    Nothing,
    Text(String),
    Id(Uuid),
}

/// A SCIM list's total and page: `from` is the FROM and WHERE (the
/// organisation as `$1`, the filter's value as `$2`), `select` the columns
/// and `order` the ORDER BY.
pub(super) async fn count_and_page<R>(
    pool: &sqlx::Pool<Db>,
    (select, from, order): (&str, &str, &str),
    org: OrgId,
    bound: &Bound,
    (offset, count): (i64, i64),
) -> Result<(i64, Vec<R>)>
where
    R: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
{
    let next = if matches!(bound, Bound::Nothing) {
        2
    } else {
        3
    };
    let count_sql = format!("SELECT COUNT(*) {from}");
    let page_sql = format!(
        "SELECT {select} {from} ORDER BY {order} LIMIT ${next} OFFSET ${}",
        next + 1
    );
    let mut total = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(count_sql)).bind(org.0);
    let mut page = sqlx::query_as::<_, R>(sqlx::AssertSqlSafe(page_sql)).bind(org.0);
    match bound {
        Bound::Nothing => {}
        Bound::Text(v) => {
            total = total.bind(v.clone());
            page = page.bind(v.clone());
        }
        Bound::Id(id) => {
            total = total.bind(*id);
            page = page.bind(*id);
        }
    }
    let (total,) = total.fetch_one(pool).await?;
    let rows = if count > 0 {
        page.bind(count).bind(offset).fetch_all(pool).await?
    } else {
        Vec::new()
    };
    Ok((total, rows))
}
