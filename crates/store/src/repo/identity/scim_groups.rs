//! Departments as SCIM groups. A group's members are the served people
//! whose department is its name (without case): making someone a member
//! moves them to the department, and dropping them leaves them without
//! one, each an audited change of the person. Deleting a group lets go of
//! it and leaves the register's departments as they are. Role groups keep
//! their members instead (`scim_role_groups`).

use super::super::audit::Appender;
use super::super::people_edit::person_in;
use super::super::{Db, Repo};
use super::scim_role_groups::{drop_members, names_a_role, role_group_members, set_members};
use super::sso_settings::settings_in;
use super::{Bound, count_and_page};
use crate::backend::{GroupPatch, ScimGroupFilter, ScimGroupWithMembers, ScimPage};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::scim::ScimError;
use mandate_core::scim::group::{GroupWrite, ScimGroup};
use mandate_core::sso::SsoSettings;
use mandate_core::{NewPerson, OrgId, PersonId};
use serde_json::json;
use sqlx::Transaction;
use std::collections::HashSet;
use time::OffsetDateTime;
use uuid::Uuid;

const COLUMNS: &str =
    "group_id, display_name, external_id, role_group, created_at, updated_at, version";

#[derive(sqlx::FromRow)]
struct GroupRow {
    group_id: Uuid,
    display_name: String,
    external_id: Option<String>,
    role_group: Option<bool>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
}

impl From<GroupRow> for ScimGroup {
    fn from(r: GroupRow) -> Self {
        Self {
            id: r.group_id,
            display_name: r.display_name,
            external_id: r.external_id,
            role_group: r.role_group.unwrap_or(false),
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

/// A role group's event lists its members: that is what gives roles. A
/// department's members show in the events of the people it moves.
fn audit_json(g: &ScimGroup, members: &[PersonId]) -> serde_json::Value {
    if g.role_group {
        json!({"id": g.id, "display_name": g.display_name, "external_id": g.external_id,
               "role_group": true, "members": members})
    } else {
        json!({"id": g.id, "display_name": g.display_name, "external_id": g.external_id})
    }
}

fn gone(id: Uuid) -> StoreError {
    StoreError::NotFound {
        entity: "group",
        id: id.to_string(),
    }
}

/// A group's served members: a role group's as kept, a department's by
/// the register.
async fn members_of<'e, E>(
    executor: E,
    org: OrgId,
    g: &ScimGroup,
) -> Result<Vec<(PersonId, String)>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    if g.role_group {
        role_group_members(executor, org, g.id).await
    } else {
        members_in(executor, org, &g.display_name.to_lowercase()).await
    }
}

/// The served people of a department, in the order they were made.
const MEMBERS: &str = "SELECT p.person_id, p.name FROM people p LEFT JOIN scim_users s \
     ON s.org_id = p.org_id AND s.person_id = p.person_id \
     WHERE p.org_id = $1 AND lower(p.department) = $2 AND s.deprovisioned_at IS NULL \
     ORDER BY p.person_id";

async fn members_in<'e, E>(executor: E, org: OrgId, key: &str) -> Result<Vec<(PersonId, String)>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let rows: Vec<(Uuid, String)> = sqlx::query_as(MEMBERS)
        .bind(org.0)
        .bind(key)
        .fetch_all(executor)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (PersonId(id), n)).collect())
}

async fn group_in(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    id: Uuid,
) -> Result<Option<ScimGroup>> {
    let sql = format!("SELECT {COLUMNS} FROM scim_groups WHERE org_id = $1 AND group_id = $2");
    let row: Option<GroupRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(ScimGroup::from))
}

impl Repo {
    pub async fn scim_group(&self, org: OrgId, id: Uuid) -> Result<Option<ScimGroupWithMembers>> {
        let sql = format!("SELECT {COLUMNS} FROM scim_groups WHERE org_id = $1 AND group_id = $2");
        let row: Option<GroupRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(group) = row.map(ScimGroup::from) else {
            return Ok(None);
        };
        let members = members_of(&self.pool, org, &group).await?;
        Ok(Some((group, members)))
    }

    /// Groups matching `filter`, `count` from the `offset`th, in the order
    /// they were made; their members only when `with_members`.
    pub async fn scim_groups_page(
        &self,
        org: OrgId,
        filter: &ScimGroupFilter,
        offset: i64,
        count: i64,
        with_members: bool,
    ) -> Result<ScimPage<ScimGroupWithMembers>> {
        let (condition, bound) = match filter {
            ScimGroupFilter::All => ("", Bound::Nothing),
            ScimGroupFilter::DisplayName(n) => {
                (" AND display_key = $2", Bound::Text(n.to_lowercase()))
            }
            ScimGroupFilter::ExternalId(e) => (" AND external_id = $2", Bound::Text(e.clone())),
            ScimGroupFilter::Id(id) => (" AND group_id = $2", Bound::Id(*id)),
        };
        let from = format!("FROM scim_groups WHERE org_id = $1{condition}");
        let (total, rows): (i64, Vec<GroupRow>) = count_and_page(
            &self.pool,
            (COLUMNS, &from, "group_id"),
            org,
            &bound,
            (offset, count),
        )
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for group in rows.into_iter().map(ScimGroup::from) {
            let members = if with_members {
                members_of(&self.pool, org, &group).await?
            } else {
                Vec::new()
            };
            items.push((group, members));
        }
        Ok(ScimPage { total, items })
    }

    /// Creates a group (`target` None) or replaces one: its name, and its
    /// members exactly as `write` lists them (a create only adds: people
    /// already in a department of that name stay in it).
    pub async fn scim_write_group(
        &self,
        actor: &Actor,
        org: OrgId,
        target: Option<Uuid>,
        write: &GroupWrite,
    ) -> Result<ScimGroupWithMembers> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = match target {
            Some(id) => Some(group_in(&mut tx, org, id).await?.ok_or_else(|| gone(id))?),
            None => None,
        };
        let written = self
            .write_group_in(&mut tx, &mut chain, org, before, write)
            .await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(written)
    }

    /// Patches a group: `patch` works out what to write from the group as
    /// this transaction reads it, after the organisation's writes are
    /// serialised (`lock_chain`), so two patches at once both count.
    pub async fn scim_patch_group(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Uuid,
        patch: &GroupPatch<'_>,
    ) -> Result<std::result::Result<ScimGroupWithMembers, ScimError>> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = group_in(&mut tx, org, id).await?.ok_or_else(|| gone(id))?;
        let members = members_of(&mut *tx, org, &before).await?;
        let write = match patch(&(before.clone(), members)) {
            Ok(write) => write,
            // Nothing written: the transaction is dropped, and rolled back.
            Err(refused) => return Ok(Err(refused)),
        };
        let written = self
            .write_group_in(&mut tx, &mut chain, org, Some(before), &write)
            .await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(Ok(written))
    }

    /// Writes a group over `before` (none: a new one), in `tx`.
    async fn write_group_in(
        &self,
        tx: &mut Transaction<'static, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        before: Option<ScimGroup>,
        write: &GroupWrite,
    ) -> Result<ScimGroupWithMembers> {
        let at = chain.at();
        let settings = settings_in(tx, org).await?;
        let group = ScimGroup {
            id: before.as_ref().map_or_else(Uuid::now_v7, |b| b.id),
            display_name: write.display_name.clone(),
            external_id: write.external_id.clone(),
            // Fixed when first sent: a role group never turns into a
            // department, which would move its members between departments.
            role_group: before.as_ref().map_or_else(
                || names_a_role(&settings, &write.display_name),
                |b| b.role_group,
            ),
            created_at: before.as_ref().map_or(at, |b| b.created_at),
            updated_at: at,
            version: before.as_ref().map_or(1, |b| b.version + 1),
        };
        let taken = StoreError::on_unique(format!(
            "a group named {} already exists",
            group.display_name
        ));
        let written = if before.is_some() {
            sqlx::query(
                "UPDATE scim_groups SET display_name = $3, display_key = $4, external_id = $5, \
                 updated_at = $6, version = $7 WHERE org_id = $1 AND group_id = $2",
            )
            .bind(org.0)
            .bind(group.id)
            .bind(&group.display_name)
            .bind(group.display_name.to_lowercase())
            .bind(&group.external_id)
            .bind(group.updated_at)
            .bind(group.version)
            .execute(&mut **tx)
            .await
        } else {
            sqlx::query(
                "INSERT INTO scim_groups (org_id, group_id, display_name, display_key, external_id, \
                 role_group, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(org.0)
            .bind(group.id)
            .bind(&group.display_name)
            .bind(group.display_name.to_lowercase())
            .bind(&group.external_id)
            .bind(group.role_group)
            .bind(group.created_at)
            .bind(group.updated_at)
            .bind(group.version)
            .execute(&mut **tx)
            .await
        };
        written.map_err(StoreError::from).map_err(taken)?;
        let old_members: Vec<PersonId> = match &before {
            Some(b) => members_of(&mut **tx, org, b).await?,
            None => Vec::new(),
        }
        .into_iter()
        .map(|(id, _)| id)
        .collect();
        if group.role_group {
            let renamed = before
                .as_ref()
                .is_some_and(|b| b.display_name != group.display_name);
            self.write_role_members(tx, chain, org, &settings, (&group, renamed), write)
                .await?;
        } else {
            self.write_department_members(tx, chain, org, &group, &old_members, write)
                .await?;
        }
        let members = members_of(&mut **tx, org, &group).await?;
        let ids: Vec<PersonId> = members.iter().map(|(id, _)| *id).collect();
        chain.record(match &before {
            Some(b) => Change::updated(
                "scim_group",
                group.id,
                audit_json(b, &old_members),
                audit_json(&group, &ids),
            ),
            None => Change::created("scim_group", group.id, audit_json(&group, &ids)),
        });
        Ok((group, members))
    }

    /// A department's members: those listed move to it; on a replace,
    /// those it no longer lists (`current` were its members) leave it.
    async fn write_department_members(
        &self,
        tx: &mut Transaction<'static, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        group: &ScimGroup,
        current: &[PersonId],
        write: &GroupWrite,
    ) -> Result<()> {
        let wanted: HashSet<PersonId> = write.members.iter().copied().collect();
        for id in &write.members {
            self.move_to(tx, chain, org, *id, Some(&group.display_name))
                .await?;
        }
        // `current` is empty on a create, which only adds: people already
        // in a department of the new name stay in it.
        for id in current.iter().filter(|id| !wanted.contains(id)) {
            self.move_to(tx, chain, org, *id, None).await?;
        }
        Ok(())
    }

    /// A role group's members: kept exactly as listed, and the role of
    /// everyone whose membership changed (everyone, on a rename) set again.
    async fn write_role_members(
        &self,
        tx: &mut Transaction<'static, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        settings: &SsoSettings,
        (group, renamed): (&ScimGroup, bool),
        write: &GroupWrite,
    ) -> Result<()> {
        for id in &write.members {
            served_member(tx, org, *id).await?;
        }
        let mut changed = set_members(tx, org, group.id, &write.members).await?;
        if renamed {
            let unchanged: Vec<PersonId> = write
                .members
                .iter()
                .filter(|id| !changed.contains(id))
                .copied()
                .collect();
            changed.extend(unchanged);
        }
        self.apply_group_roles(tx, chain, org, settings, &changed)
            .await
    }

    /// Lets go of a group; the people in its department stay there. A role
    /// group's members lose the role it gave them.
    pub async fn scim_delete_group(&self, actor: &Actor, org: OrgId, id: Uuid) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = group_in(&mut tx, org, id).await?.ok_or_else(|| gone(id))?;
        // A department's members are not read: its event does not list them,
        // and they stay where they are.
        let members: Vec<PersonId> = if before.role_group {
            let kept = role_group_members(&mut *tx, org, id).await?;
            drop_members(&mut tx, org, id).await?;
            kept.into_iter().map(|(id, _)| id).collect()
        } else {
            Vec::new()
        };
        sqlx::query("DELETE FROM scim_groups WHERE org_id = $1 AND group_id = $2")
            .bind(org.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        chain.record(Change {
            entity_type: "scim_group",
            entity_id: id.to_string(),
            action: "delete",
            before: Some(audit_json(&before, &members)),
            after: None,
        });
        if before.role_group {
            let settings = settings_in(&mut tx, org).await?;
            self.apply_group_roles(&mut tx, &mut chain, org, &settings, &members)
                .await?;
        }
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Puts a served person in `department` (or none), if not there already.
    async fn move_to(
        &self,
        tx: &mut Transaction<'static, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        id: PersonId,
        department: Option<&str>,
    ) -> Result<()> {
        let before = served_member(tx, org, id).await?;
        if before.department.as_deref() == department {
            return Ok(());
        }
        let changes = NewPerson {
            name: before.name.clone(),
            email: before.email.clone(),
            department: department.map(str::to_string),
            manager_id: before.manager_id,
            kind: before.kind,
            start_date: before.start_date,
            end_date: before.end_date,
        };
        self.write_person(tx, chain, org, &before, &changes, "update")
            .await?;
        Ok(())
    }
}

/// The person a group lists as a member: of this organisation, and served.
async fn served_member(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    id: PersonId,
) -> Result<mandate_core::Person> {
    let not_a_user =
        || StoreError::Invalid(format!("member {id} is not a user of this organisation"));
    let person = person_in(tx, org, id).await?.ok_or_else(not_a_user)?;
    let deprovisioned: Option<(Uuid,)> = sqlx::query_as(
        "SELECT person_id FROM scim_users WHERE org_id = $1 AND person_id = $2 AND deprovisioned_at IS NOT NULL",
    )
    .bind(org.0)
    .bind(id.0)
    .fetch_optional(&mut **tx)
    .await?;
    if deprovisioned.is_some() {
        return Err(not_a_user());
    }
    Ok(person)
}
