//! Objectives and their KPIs: created and changed with optimistic versions,
//! every change audited. An objective names one of the organisation's
//! strategic goals, an existing policy and an existing role.

use super::super::Repo;
use super::super::batch::save_row;
use super::super::performance_rows::{KpiRow, ObjectiveRow};
use super::super::row_type::columns;
use super::super::{Db, Transaction};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::performance::{Kpi, KpiFields, Objective, ObjectiveFields};
use mandate_core::{KpiId, ObjectiveId, OrgId};
use uuid::Uuid;

/// Refuses a reference to a record that does not exist in the organisation.
pub(in super::super) async fn must_exist(
    tx: &mut Transaction<'static, Db>,
    table: &'static str,
    key: &'static str,
    org: OrgId,
    id: Uuid,
    field: &str,
) -> Result<()> {
    let sql = format!("SELECT 1 FROM {table} WHERE org_id = $1 AND {key} = $2");
    let found: Option<(i32,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::Invalid(format!(
            "{field}: there is no such record here ({id})"
        ))),
    }
}

fn stale(what: &str, now: i64, expected: i64) -> StoreError {
    StoreError::Conflict(format!(
        "the {what} was changed by someone else (version {now} now, {expected} expected): reload and try again"
    ))
}

/// The audit change of a record saved: created, or updated from `before`.
pub(in super::super) fn saved_change<T: serde::Serialize>(
    entity: &'static str,
    id: impl ToString,
    before: Option<&T>,
    after: &T,
) -> Change {
    let json = |v: &T| serde_json::to_value(v).unwrap_or_default();
    match before {
        Some(b) => Change::updated(entity, id, json(b), json(after)),
        None => Change::created(entity, id, json(after)),
    }
}

pub(in super::super) fn check_version(what: &str, now: i64, expected: Option<i64>) -> Result<()> {
    match expected {
        Some(expected) if expected != now => Err(stale(what, now, expected)),
        _ => Ok(()),
    }
}

async fn check_objective_fields(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    fields: ObjectiveFields,
) -> Result<ObjectiveFields> {
    let fields = fields.validated().map_err(StoreError::Invalid)?;
    let (goals,): (String,) =
        sqlx::query_as("SELECT strategic_goals FROM organisations WHERE org_id = $1")
            .bind(org.0)
            .fetch_one(&mut **tx)
            .await?;
    let goals: Vec<String> = serde_json::from_str(&goals).unwrap_or_default();
    if !goals.contains(&fields.strategic_goal) {
        return Err(StoreError::Invalid(format!(
            "strategic_goal: {:?} is not one of the organisation's strategic goals ({}); add it in the settings first",
            fields.strategic_goal,
            if goals.is_empty() {
                "none are recorded".to_string()
            } else {
                goals.join("; ")
            }
        )));
    }
    must_exist(
        tx,
        "policies",
        "policy_id",
        org,
        fields.policy_id.0,
        "policy_id",
    )
    .await?;
    must_exist(
        tx,
        "roles",
        "role_id",
        org,
        fields.owner_role_id,
        "owner_role_id",
    )
    .await?;
    Ok(fields)
}

impl Repo {
    /// Creates an objective, or replaces one's fields if `id` is given and its
    /// version is still `expected_version`.
    pub async fn save_objective(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Option<ObjectiveId>,
        expected_version: Option<i64>,
        fields: ObjectiveFields,
    ) -> Result<Objective> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let fields = check_objective_fields(&mut tx, org, fields).await?;
        let before = match id {
            Some(id) => Some(load_objective(&mut tx, org, id).await?),
            None => None,
        };
        let saved = match &before {
            Some(before) => {
                check_version("objective", before.version, expected_version)?;
                Objective {
                    fields,
                    updated_at: chain.at(),
                    version: before.version + 1,
                    ..before.clone()
                }
            }
            None => Objective {
                id: ObjectiveId::new(),
                org_id: org,
                fields,
                created_at: chain.at(),
                updated_at: chain.at(),
                version: 1,
            },
        };
        save_row(&mut tx, &ObjectiveRow::from(&saved), 2).await?;
        chain.record(saved_change("objective", saved.id, before.as_ref(), &saved));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Every objective, by due date.
    pub async fn objectives(&self, org: OrgId) -> Result<Vec<Objective>> {
        let sql = format!(
            "SELECT {} FROM objectives WHERE org_id = $1 ORDER BY due_on, title",
            columns(ObjectiveRow::SELECT)
        );
        let rows: Vec<ObjectiveRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(Objective::from).collect())
    }

    /// Creates a KPI (measured from `starts_on`, today if not given), or
    /// replaces one's fields if `id` is given.
    pub async fn save_kpi(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Option<KpiId>,
        expected_version: Option<i64>,
        fields: KpiFields,
    ) -> Result<Kpi> {
        let fields = fields.validated().map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        must_exist(
            &mut tx,
            "objectives",
            "objective_id",
            org,
            fields.objective_id.0,
            "objective_id",
        )
        .await?;
        let before = match id {
            Some(id) => Some(load_kpi(&mut tx, org, id).await?),
            None => None,
        };
        let saved = match &before {
            Some(before) => {
                check_version("KPI", before.version, expected_version)?;
                Kpi {
                    fields,
                    updated_at: chain.at(),
                    version: before.version + 1,
                    ..before.clone()
                }
            }
            None => Kpi {
                id: KpiId::new(),
                org_id: org,
                fields,
                starts_on: chain.at().date(),
                created_at: chain.at(),
                updated_at: chain.at(),
                version: 1,
            },
        };
        let name = saved.fields.name.clone();
        // Uploads name KPIs without regard to case, so names differ in more than case.
        let (clashes,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM kpis WHERE org_id = $1 AND LOWER(name) = LOWER($2) AND kpi_id <> $3",
        )
        .bind(org.0)
        .bind(&name)
        .bind(saved.id.0)
        .fetch_one(&mut *tx)
        .await?;
        if clashes > 0 {
            return Err(StoreError::Conflict(format!(
                "name: a KPI called {name:?} exists already (names are compared without regard to case, so uploads can name them)"
            )));
        }
        save_row(&mut tx, &KpiRow::from(&saved), 2)
            .await
            .map_err(StoreError::on_unique(format!(
                "name: a KPI called {name:?} exists already; KPI names are unique so uploads can name them"
            )))?;
        chain.record(saved_change("kpi", saved.id, before.as_ref(), &saved));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Every KPI, by name.
    pub async fn kpis(&self, org: OrgId) -> Result<Vec<Kpi>> {
        let sql = format!(
            "SELECT {} FROM kpis WHERE org_id = $1 ORDER BY name",
            columns(KpiRow::SELECT)
        );
        let rows: Vec<KpiRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(Kpi::try_from).collect()
    }
}

async fn load_objective(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    id: ObjectiveId,
) -> Result<Objective> {
    let sql = format!(
        "SELECT {} FROM objectives WHERE org_id = $1 AND objective_id = $2",
        columns(ObjectiveRow::SELECT)
    );
    let row: Option<ObjectiveRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(Objective::from)
        .ok_or_else(|| StoreError::NotFound {
            entity: "objective",
            id: id.to_string(),
        })
}

async fn load_kpi(tx: &mut Transaction<'static, Db>, org: OrgId, id: KpiId) -> Result<Kpi> {
    let sql = format!(
        "SELECT {} FROM kpis WHERE org_id = $1 AND kpi_id = $2",
        columns(KpiRow::SELECT)
    );
    let row: Option<KpiRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.ok_or_else(|| StoreError::NotFound {
        entity: "KPI",
        id: id.to_string(),
    })?
    .try_into()
}
