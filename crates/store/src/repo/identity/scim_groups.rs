//! Departments as SCIM groups. A group's members are the served people
//! whose department is its name (without case): making someone a member
//! moves them to the department, and dropping them leaves them without
//! one, each an audited change of the person. Deleting a group lets go of
//! it and leaves the register's departments as they are.

use super::super::audit::Appender;
use super::super::people_edit::person_in;
use super::super::{Db, Repo};
use super::{Bound, count_and_page};
use crate::backend::{ScimGroupFilter, ScimGroupWithMembers, ScimPage};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::scim::group::{GroupWrite, ScimGroup};
use mandate_core::{NewPerson, OrgId, PersonId};
use serde_json::json;
use sqlx::Transaction;
use std::collections::HashSet;
use time::OffsetDateTime;
use uuid::Uuid;

const COLUMNS: &str = "group_id, display_name, external_id, created_at, updated_at, version";

#[derive(sqlx::FromRow)]
struct GroupRow {
    group_id: Uuid,
    display_name: String,
    external_id: Option<String>,
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
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

fn audit_json(g: &ScimGroup) -> serde_json::Value {
    json!({"id": g.id, "display_name": g.display_name, "external_id": g.external_id})
}

fn gone(id: Uuid) -> StoreError {
    StoreError::NotFound {
        entity: "group",
        id: id.to_string(),
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
        let members = members_in(&self.pool, org, &group.display_name.to_lowercase()).await?;
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
                members_in(&self.pool, org, &group.display_name.to_lowercase()).await?
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
        let at = chain.at();
        let before = match target {
            Some(id) => Some(group_in(&mut tx, org, id).await?.ok_or_else(|| gone(id))?),
            None => None,
        };
        let group = ScimGroup {
            id: before.as_ref().map_or_else(Uuid::now_v7, |b| b.id),
            display_name: write.display_name.clone(),
            external_id: write.external_id.clone(),
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
            .execute(&mut *tx)
            .await
        } else {
            sqlx::query(
                "INSERT INTO scim_groups (org_id, group_id, display_name, display_key, external_id, \
                 created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(org.0)
            .bind(group.id)
            .bind(&group.display_name)
            .bind(group.display_name.to_lowercase())
            .bind(&group.external_id)
            .bind(group.created_at)
            .bind(group.updated_at)
            .bind(group.version)
            .execute(&mut *tx)
            .await
        };
        written.map_err(StoreError::from).map_err(taken)?;
        chain.record(match &before {
            Some(b) => Change::updated("scim_group", group.id, audit_json(b), audit_json(&group)),
            None => Change::created("scim_group", group.id, audit_json(&group)),
        });
        let old_key = before.as_ref().map_or_else(
            || group.display_name.to_lowercase(),
            |b| b.display_name.to_lowercase(),
        );
        let current: Vec<PersonId> = members_in(&mut *tx, org, &old_key)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let wanted: HashSet<PersonId> = write.members.iter().copied().collect();
        for id in &write.members {
            self.move_to(&mut tx, &mut chain, org, *id, Some(&group.display_name))
                .await?;
        }
        for id in current.iter().filter(|id| !wanted.contains(id)) {
            // A create only adds; a replace drops whoever it does not list.
            let department = if before.is_some() {
                None
            } else {
                Some(group.display_name.as_str())
            };
            self.move_to(&mut tx, &mut chain, org, *id, department)
                .await?;
        }
        let members = members_in(&mut *tx, org, &group.display_name.to_lowercase()).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok((group, members))
    }

    /// Lets go of a group; the people in its department stay there.
    pub async fn scim_delete_group(&self, actor: &Actor, org: OrgId, id: Uuid) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = group_in(&mut tx, org, id).await?.ok_or_else(|| gone(id))?;
        sqlx::query("DELETE FROM scim_groups WHERE org_id = $1 AND group_id = $2")
            .bind(org.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        chain.record(Change {
            entity_type: "scim_group",
            entity_id: id.to_string(),
            action: "delete",
            before: Some(audit_json(&before)),
            after: None,
        });
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
        let not_a_user =
            || StoreError::Invalid(format!("member {id} is not a user of this organisation"));
        let before = person_in(tx, org, id).await?.ok_or_else(not_a_user)?;
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
