//! The RACI matrix: activities (editable) and one letter per activity and
//! role, changed in batches from the matrix page, every cell change audited.

use super::super::audit::Appender;
use super::super::batch::insert_rows;
use super::super::row_type::{columns, row_type};
use super::super::{Db, Repo};
use crate::backend::RaciMatrix;
use crate::error::{Result, StoreError};
use mandate_core::OrgId;
use mandate_core::audit::{Actor, Change};
use mandate_core::roles::{Raci, RoleId, STARTER_MATRIX};
use sqlx::Transaction;
use time::OffsetDateTime;
use uuid::Uuid;

row_type!(ActivityRow in "raci_activities" {
    org_id: Uuid,
    activity_id: Uuid,
    name: String,
    position: i32,
    created_at: OffsetDateTime,
});

row_type!(CellRow in "raci_cells" {
    org_id: Uuid,
    activity_id: Uuid,
    role_id: Uuid,
    letter: String,
});

fn cell_id(activity: Uuid, role: RoleId) -> String {
    format!("{activity}/{role}")
}

impl Repo {
    pub(in super::super) async fn insert_activity(
        &self,
        tx: &mut Transaction<'_, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        name: &str,
        position: i32,
    ) -> Result<Uuid> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return Err(StoreError::Invalid(
                "name: an activity needs a name of at most 120 characters".into(),
            ));
        }
        let row = ActivityRow {
            org_id: org.0,
            activity_id: Uuid::now_v7(),
            name: name.to_string(),
            position,
            created_at: chain.at(),
        };
        insert_rows(tx, std::slice::from_ref(&row), "", |_| {})
            .await
            .map_err(StoreError::on_unique(format!(
                "name: there is already an activity called {name:?}"
            )))?;
        chain.record(Change::created(
            "raci_activity",
            row.activity_id,
            serde_json::json!({"name": row.name, "position": row.position}),
        ));
        Ok(row.activity_id)
    }

    /// Adds an activity at the end of the matrix.
    pub async fn add_activity(&self, actor: &Actor, org: OrgId, name: &str) -> Result<Uuid> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let (last,): (Option<i32>,) =
            sqlx::query_as("SELECT MAX(position) FROM raci_activities WHERE org_id = $1")
                .bind(org.0)
                .fetch_one(&mut *tx)
                .await?;
        let id = self
            .insert_activity(&mut tx, &mut chain, org, name, last.unwrap_or(0) + 1)
            .await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub(in super::super) async fn write_cells(
        &self,
        tx: &mut Transaction<'_, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        changes: &[(Uuid, RoleId, Option<Raci>)],
    ) -> Result<usize> {
        let mut changed = 0;
        for (activity, role, letter) in changes {
            let before: Option<(String,)> = sqlx::query_as(
                "SELECT letter FROM raci_cells WHERE org_id = $1 AND activity_id = $2 AND role_id = $3",
            )
            .bind(org.0)
            .bind(activity)
            .bind(role)
            .fetch_optional(&mut **tx)
            .await?;
            let before = before.map(|(l,)| l);
            let after = letter.map(|l| l.letter().to_string());
            if before == after {
                continue;
            }
            sqlx::query(
                "DELETE FROM raci_cells WHERE org_id = $1 AND activity_id = $2 AND role_id = $3",
            )
            .bind(org.0)
            .bind(activity)
            .bind(role)
            .execute(&mut **tx)
            .await?;
            if let Some(letter) = &after {
                insert_rows(
                    tx,
                    &[CellRow {
                        org_id: org.0,
                        activity_id: *activity,
                        role_id: *role,
                        letter: letter.clone(),
                    }],
                    "",
                    |_| {},
                )
                .await
                .map_err(|e| match e {
                    StoreError::Database(sqlx::Error::Database(db))
                        if db.is_foreign_key_violation() =>
                    {
                        StoreError::Invalid("no such activity or role in this organisation".into())
                    }
                    other => other,
                })?;
            }
            chain.record(Change {
                entity_type: "raci_cell",
                entity_id: cell_id(*activity, *role),
                action: "set",
                before: before.map(|l| serde_json::json!({"letter": l})),
                after: after.map(|l| serde_json::json!({"letter": l})),
            });
            changed += 1;
        }
        Ok(changed)
    }

    /// Sets (or clears, with `None`) cells of the matrix in one transaction;
    /// returns how many changed.
    pub async fn set_raci_cells(
        &self,
        actor: &Actor,
        org: OrgId,
        changes: &[(Uuid, RoleId, Option<Raci>)],
    ) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let changed = self.write_cells(&mut tx, &mut chain, org, changes).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(changed)
    }

    pub async fn raci(&self, org: OrgId) -> Result<RaciMatrix> {
        let mut tx = self.begin_snapshot().await?;
        let sql = format!(
            "SELECT {} FROM raci_activities WHERE org_id = $1 ORDER BY position, name",
            columns(ActivityRow::SELECT)
        );
        let activities: Vec<ActivityRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(&mut *tx)
            .await?;
        let sql = format!(
            "SELECT {} FROM raci_cells WHERE org_id = $1",
            columns(CellRow::SELECT)
        );
        let cells: Vec<CellRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(&mut *tx)
            .await?;
        Ok(RaciMatrix {
            activities: activities
                .into_iter()
                .map(|a| (a.activity_id, a.name))
                .collect(),
            cells: cells
                .into_iter()
                .map(|c| {
                    Ok((
                        c.activity_id,
                        c.role_id,
                        c.letter.parse().map_err(StoreError::corrupt)?,
                    ))
                })
                .collect::<Result<_>>()?,
        })
    }

    /// The starter activities with the starter matrix, for roles named as in
    /// the starter catalogue (`role_named` finds them).
    pub(in super::super) async fn install_starter_matrix(
        &self,
        tx: &mut Transaction<'_, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        role_named: impl Fn(&str) -> Option<RoleId>,
    ) -> Result<()> {
        let mut changes = Vec::new();
        for (position, (activity, cells)) in STARTER_MATRIX.iter().enumerate() {
            let id = self
                .insert_activity(tx, chain, org, activity, position as i32 + 1)
                .await?;
            for (role, letter) in cells.iter() {
                if let Some(role) = role_named(role) {
                    changes.push((id, role, Some(*letter)));
                }
            }
        }
        self.write_cells(tx, chain, org, &changes).await?;
        Ok(())
    }
}
