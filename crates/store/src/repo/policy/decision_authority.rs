//! The authority of a decision, checked inside the transaction that
//! records it: an access role that may approve, and an ISMS role held that
//! day that gives the authority. The name of that role is kept with the
//! decision, so the record says why it was allowed.

use super::super::roles::RoleRow;
use super::super::{Db, Transaction};
use crate::error::{Result, StoreError};
use mandate_core::policy::authority::{self, Authority};
use mandate_core::roles::Role;
use mandate_core::{OrgId, PersonId, User};
use time::Date;

/// The ISMS roles `person` holds on `day`.
pub(in super::super) async fn roles_held_on(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    person: PersonId,
    day: Date,
) -> Result<Vec<Role>> {
    use super::super::batch::Insertable;
    let columns: Vec<String> = RoleRow::COLUMNS.iter().map(|c| format!("r.{c}")).collect();
    let sql = format!(
        "SELECT {} FROM roles r JOIN role_assignments a ON a.org_id = r.org_id AND a.role_id = r.role_id \
         WHERE a.org_id = $1 AND a.person_id = $2 AND a.starts_on <= $3 AND (a.ends_on IS NULL OR a.ends_on >= $3) \
         ORDER BY r.name",
        columns.join(", ")
    );
    let rows: Vec<RoleRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(person.0)
        .bind(day)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(Role::try_from).collect()
}

/// "ISMS role ..." that gives `user` the authority on `day`; a refusal
/// saying what is missing otherwise.
pub(in super::super) async fn authority_for(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    user: &User,
    needed: Authority,
    day: Date,
) -> Result<String> {
    if user.disabled_at.is_some() || !authority::access_role_may_approve(user.access_role) {
        return Err(StoreError::Refused(format!(
            "deciding this takes the top-management access role; yours is {}",
            user.access_role
        )));
    }
    let roles = roles_held_on(tx, org, user.person_id, day).await?;
    authority::holds(user, &roles, needed).ok_or_else(|| {
        StoreError::Refused(format!(
            "this takes the authority to {}, given by an ISMS role you hold today; you hold none that gives it",
            needed.describe()
        ))
    })
}
