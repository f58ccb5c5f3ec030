//! SCIM groups that give access roles. A group whose name a group mapping
//! of the single sign-on settings names when it is first sent is a role
//! group: it moves nobody between departments; its members are kept in
//! `scim_group_members`, and a change of membership sets the member's login
//! role at once, by the same rule as a sign-in through the provider
//! (`mandate_core::sso::role_change`), in the same transaction and audited.

use super::super::audit::Appender;
use super::super::organisation::users::USER_COLUMNS;
use super::super::rows::UserRow;
use super::super::{Db, Repo};
use super::sso_settings::settings_in;
use crate::error::Result;
use mandate_core::audit::Change;
use mandate_core::sso::{SsoSettings, groups_role, role_change};
use mandate_core::{AccessRole, OrgId, PersonId, User};
use sqlx::Transaction;
use uuid::Uuid;

/// The served members of a role group, in the order they were made.
const MEMBERS: &str = "SELECT p.person_id, p.name FROM scim_group_members m \
     JOIN people p ON p.org_id = m.org_id AND p.person_id = m.person_id \
     LEFT JOIN scim_users s ON s.org_id = p.org_id AND s.person_id = p.person_id \
     WHERE m.org_id = $1 AND m.group_id = $2 AND s.deprovisioned_at IS NULL \
     ORDER BY p.person_id";

pub(super) async fn role_group_members<'e, E>(
    executor: E,
    org: OrgId,
    group: Uuid,
) -> Result<Vec<(PersonId, String)>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let rows: Vec<(Uuid, String)> = sqlx::query_as(MEMBERS)
        .bind(org.0)
        .bind(group)
        .fetch_all(executor)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (PersonId(id), n)).collect())
}

/// Whether a group of this name, sent now, is a role group.
pub(super) fn names_a_role(settings: &SsoSettings, display_name: &str) -> bool {
    settings
        .role_mappings
        .iter()
        .any(|m| m.group == display_name)
}

/// The members kept for `group` who are served. A deprovisioned member is
/// neither listed nor dropped: a provider's later change of the group does
/// not know them, and they are back in it if they are provisioned again.
async fn kept_members(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    group: Uuid,
) -> Result<Vec<PersonId>> {
    let rows: Vec<(Uuid,)> = sqlx::query_as(
        "SELECT m.person_id FROM scim_group_members m \
         LEFT JOIN scim_users s ON s.org_id = m.org_id AND s.person_id = m.person_id \
         WHERE m.org_id = $1 AND m.group_id = $2 AND s.deprovisioned_at IS NULL",
    )
    .bind(org.0)
    .bind(group)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| PersonId(id)).collect())
}

/// Makes the served members of `group` exactly `wanted` (already checked
/// to be served people); answers whose membership changed.
pub(super) async fn set_members(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    group: Uuid,
    wanted: &[PersonId],
) -> Result<Vec<PersonId>> {
    let kept = kept_members(tx, org, group).await?;
    let mut changed = Vec::new();
    for id in wanted.iter().filter(|id| !kept.contains(id)) {
        sqlx::query(
            "INSERT INTO scim_group_members (org_id, group_id, person_id) VALUES ($1, $2, $3)",
        )
        .bind(org.0)
        .bind(group)
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
        changed.push(*id);
    }
    for id in kept.iter().filter(|id| !wanted.contains(id)) {
        sqlx::query(
            "DELETE FROM scim_group_members WHERE org_id = $1 AND group_id = $2 AND person_id = $3",
        )
        .bind(org.0)
        .bind(group)
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
        changed.push(*id);
    }
    Ok(changed)
}

/// Lets go of every member of `group`, deprovisioned ones too (before the
/// group itself goes).
pub(super) async fn drop_members(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    group: Uuid,
) -> Result<()> {
    sqlx::query("DELETE FROM scim_group_members WHERE org_id = $1 AND group_id = $2")
        .bind(org.0)
        .bind(group)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The names of the role groups a person is in.
async fn role_groups_in<'e, E>(executor: E, org: OrgId, person: PersonId) -> Result<Vec<String>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT g.display_name FROM scim_group_members m \
         JOIN scim_groups g ON g.org_id = m.org_id AND g.group_id = m.group_id \
         WHERE m.org_id = $1 AND m.person_id = $2 ORDER BY g.display_name",
    )
    .bind(org.0)
    .bind(person.0)
    .fetch_all(executor)
    .await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// The role a login made now for `person` starts with (an invitation
/// accepted): the one its role groups give, else `staff`.
pub(in super::super) async fn starting_role(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    person: PersonId,
) -> Result<AccessRole> {
    let groups = role_groups_in(&mut **tx, org, person).await?;
    if groups.is_empty() {
        return Ok(AccessRole::Staff);
    }
    let settings = settings_in(tx, org).await?;
    Ok(groups_role(&settings, None, Some(&groups), None).unwrap_or(AccessRole::Staff))
}

/// Whether `user` is the organisation's one enabled admin.
async fn is_last_admin(tx: &mut Transaction<'static, Db>, org: OrgId, user: &User) -> Result<bool> {
    if user.access_role != AccessRole::Admin || user.disabled_at.is_some() {
        return Ok(false);
    }
    let (others,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM users WHERE org_id = $1 AND user_id <> $2 \
         AND access_role = 'admin' AND disabled_at IS NULL",
    )
    .bind(org.0)
    .bind(user.id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(others == 0)
}

impl Repo {
    /// The names of the SCIM role groups a person is in: a sign-in through
    /// the provider counts them beside the groups its claim lists.
    pub async fn scim_role_groups_of(&self, org: OrgId, person: PersonId) -> Result<Vec<String>> {
        role_groups_in(&self.pool, org, person).await
    }

    /// A person deprovisioned (SCIM's DELETE) leaves every role group, each
    /// an audited change of the group, and their login's role follows; a
    /// provider that provisions them again sends their groups again.
    pub(super) async fn leave_role_groups(
        &self,
        tx: &mut Transaction<'static, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        person: PersonId,
    ) -> Result<()> {
        let groups: Vec<(Uuid,)> = sqlx::query_as(
            "SELECT group_id FROM scim_group_members WHERE org_id = $1 AND person_id = $2",
        )
        .bind(org.0)
        .bind(person.0)
        .fetch_all(&mut **tx)
        .await?;
        if groups.is_empty() {
            return Ok(());
        }
        sqlx::query("DELETE FROM scim_group_members WHERE org_id = $1 AND person_id = $2")
            .bind(org.0)
            .bind(person.0)
            .execute(&mut **tx)
            .await?;
        for (group,) in groups {
            chain.record(Change {
                entity_type: "scim_group",
                entity_id: group.to_string(),
                action: "remove_member",
                before: Some(serde_json::json!({ "member": person })),
                after: None,
            });
        }
        let settings = settings_in(tx, org).await?;
        self.apply_group_roles(tx, chain, org, &settings, &[person])
            .await
    }

    /// Sets the login role of each of `people` (those with a login) from
    /// the role groups they are in now (`mandate_core::sso::groups_role`:
    /// never making or unmaking an admin).
    pub(super) async fn apply_group_roles(
        &self,
        tx: &mut Transaction<'static, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        settings: &SsoSettings,
        people: &[PersonId],
    ) -> Result<()> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 AND person_id = $2");
        for person in people {
            let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(org.0)
                .bind(person.0)
                .fetch_optional(&mut **tx)
                .await?;
            let Some(user) = row.map(User::try_from).transpose()? else {
                continue;
            };
            let groups = role_groups_in(&mut **tx, org, *person).await?;
            let Some(role) = role_change(settings, &user, None, Some(&groups)) else {
                continue;
            };
            if is_last_admin(tx, org, &user).await? {
                tracing::warn!(%org, user = %user.email, "SCIM: the role groups would demote the organisation's last admin; the role is kept");
                continue;
            }
            sqlx::query("UPDATE users SET access_role = $3 WHERE org_id = $1 AND user_id = $2")
                .bind(org.0)
                .bind(user.id.0)
                .bind(role.as_str())
                .execute(&mut **tx)
                .await?;
            let after = User {
                access_role: role,
                ..user.clone()
            };
            chain.record(Change::updated(
                "user",
                user.id,
                user.audit_json(),
                after.audit_json(),
            ));
        }
        Ok(())
    }
}
