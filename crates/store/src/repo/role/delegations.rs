//! Delegations of a role's tasks: recorded against the holder's assignment,
//! which stays in force; every one audited.

use super::super::Repo;
use super::super::batch::insert_rows;
use super::super::row_type::{columns, row_type};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::roles::{Delegation, DelegationTerms};
use mandate_core::{OrgId, PersonId, UserId};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

row_type!(DelegationRow in "delegations" {
    org_id: Uuid,
    delegation_id: Uuid,
    assignment_id: Uuid,
    task: String,
    delegate_id: Option<Uuid>,
    supplier: Option<String>,
    starts_on: Date,
    ends_on: Option<Date>,
    created_by: Uuid,
    created_at: OffsetDateTime,
});

impl From<&Delegation> for DelegationRow {
    fn from(d: &Delegation) -> Self {
        DelegationRow {
            org_id: d.org_id.0,
            delegation_id: d.id,
            assignment_id: d.terms.assignment_id,
            task: d.terms.task.clone(),
            delegate_id: d.terms.delegate_id.map(|p| p.0),
            supplier: d.terms.supplier.clone(),
            starts_on: d.terms.starts_on,
            ends_on: d.terms.ends_on,
            created_by: d.created_by.0,
            created_at: d.created_at,
        }
    }
}

impl From<DelegationRow> for Delegation {
    fn from(r: DelegationRow) -> Self {
        Delegation {
            id: r.delegation_id,
            org_id: OrgId(r.org_id),
            terms: DelegationTerms {
                assignment_id: r.assignment_id,
                task: r.task,
                delegate_id: r.delegate_id.map(PersonId),
                supplier: r.supplier,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
            },
            created_by: UserId(r.created_by),
            created_at: r.created_at,
        }
    }
}

impl Repo {
    /// Records a delegation from a holder's assignment.
    pub async fn delegate(
        &self,
        actor: &Actor,
        org: OrgId,
        by: UserId,
        terms: DelegationTerms,
    ) -> Result<Delegation> {
        let terms = terms.validated().map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let holder: Option<(Uuid, Date, Option<Date>)> = sqlx::query_as(
            "SELECT person_id, starts_on, ends_on FROM role_assignments WHERE org_id = $1 AND assignment_id = $2",
        )
        .bind(org.0)
        .bind(terms.assignment_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((holder, from, until)) = holder else {
            return Err(StoreError::Invalid(format!(
                "assignment_id: there is no assignment {} here",
                terms.assignment_id
            )));
        };
        // A task is delegated only while its holder holds the role.
        let ends_within = match (terms.ends_on, until) {
            (_, None) => true,
            (Some(end), Some(last)) => end <= last,
            (None, Some(_)) => false,
        };
        if terms.starts_on < from || !ends_within {
            return Err(StoreError::Invalid(format!(
                "starts_on: a delegation runs within its assignment ({from} to {})",
                until.map_or("open-ended".to_string(), |d| d.to_string())
            )));
        }
        if terms.delegate_id == Some(PersonId(holder)) {
            return Err(StoreError::Invalid(
                "delegate_id: the holder keeps the task; delegate it to someone else".into(),
            ));
        }
        if let Some(delegate) = terms.delegate_id {
            let found: Option<(Uuid,)> =
                sqlx::query_as("SELECT person_id FROM people WHERE org_id = $1 AND person_id = $2")
                    .bind(org.0)
                    .bind(delegate.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            if found.is_none() {
                return Err(StoreError::Invalid(format!(
                    "delegate_id: there is no person {delegate} here"
                )));
            }
        }
        let delegation = Delegation {
            id: Uuid::now_v7(),
            org_id: org,
            terms,
            created_by: by,
            created_at: chain.at(),
        };
        insert_rows(&mut tx, &[DelegationRow::from(&delegation)], "", |_| {}).await?;
        chain.record(Change::created(
            "delegation",
            delegation.id,
            serde_json::to_value(&delegation).unwrap_or_default(),
        ));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(delegation)
    }

    /// Every delegation of the organisation, oldest first.
    pub async fn delegations(&self, org: OrgId) -> Result<Vec<Delegation>> {
        let sql = format!(
            "SELECT {} FROM delegations WHERE org_id = $1 ORDER BY starts_on, delegation_id",
            columns(DelegationRow::SELECT)
        );
        let rows: Vec<DelegationRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(Delegation::from).collect())
    }
}
