//! The authority of a decision, checked in one place and always inside the
//! transaction that records it, from the user who decides (never from a
//! name worked out beforehand): an access role that may approve, and an
//! ISMS role held that day that gives the authority or carries the duty.
//! For policy decisions the name of that role is kept with the decision, so
//! the record says why it was allowed. Policy versions and exceptions,
//! statements, resource plans, review minutes, performance reports and role
//! assignments all ask here.

use super::super::assignments::load_assignments;
use super::super::roles::RoleRow;
use super::super::{Db, Transaction};
use crate::error::{Result, StoreError};
use mandate_core::policy::authority::{self, Authority};
use mandate_core::roles::{Assignment, Decision, Role, RoleId};
use mandate_core::{OrgId, PersonId, User, UserId};
use time::Date;
use uuid::Uuid;

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

/// Assigning and ending assignments take the authority to approve role
/// assignments, from an ISMS role the user holds today. Until anyone has
/// ever held a role that grants it (a new organisation), role editors act.
pub(in super::super) async fn check_assigning_authority(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    user: UserId,
    roles: &[Role],
    today: Date,
) -> Result<()> {
    let person: Option<(Uuid,)> =
        sqlx::query_as("SELECT person_id FROM users WHERE org_id = $1 AND user_id = $2")
            .bind(org.0)
            .bind(user.0)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((person,)) = person else {
        return Err(StoreError::Invalid(format!("no login {user} here")));
    };
    let granting: Vec<RoleId> = roles
        .iter()
        .filter(|r| {
            r.fields
                .authorities
                .contains(&Decision::ApproveRoleAssignment)
        })
        .map(|r| r.id)
        .collect();
    let granted: Vec<Assignment> = load_assignments(tx, org, None)
        .await?
        .into_iter()
        .filter(|a| granting.contains(&a.terms.role_id) && a.terms.starts_on <= today)
        .collect();
    // Ending the holders' assignments does not reopen the bootstrap.
    if granted.is_empty() {
        return Ok(());
    }
    if granted
        .iter()
        .any(|a| a.terms.person_id.0 == person && a.current_on(today))
    {
        return Ok(());
    }
    Err(StoreError::Refused(
        "this needs the authority to approve role assignments, from an ISMS role you hold today"
            .into(),
    ))
}

/// Whether `person` held, on `day`, a role flagged with the duty or mark in
/// `flag` (a boolean column of `roles`).
pub(in super::super) async fn holds_flagged_role(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    person: PersonId,
    day: Date,
    flag: &'static str,
) -> Result<bool> {
    let sql = format!(
        "SELECT COUNT(*) FROM role_assignments a JOIN roles r ON r.org_id = a.org_id AND r.role_id = a.role_id \
         WHERE a.org_id = $1 AND a.person_id = $2 AND a.starts_on <= $3 AND (a.ends_on IS NULL OR a.ends_on >= $3) AND r.{flag}"
    );
    let (count,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(person.0)
        .bind(day)
        .fetch_one(&mut **tx)
        .await?;
    Ok(count > 0)
}
