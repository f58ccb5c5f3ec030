//! Resource plans (5.1 c): one per fiscal year, proposed by whoever writes
//! what is to be approved and approved by someone else holding the
//! approve-budget authority. Recording actual spend keeps the approval.

use super::super::Repo;
use super::super::decision_authority::authority_for;
use super::super::kept::{self, check_read};
use super::super::objectives::must_exist;
use crate::error::{Result, StoreError};
use mandate_core::audit::Actor;
use mandate_core::commitment::resources::{BudgetApproval, ResourcePlan, ResourcePlanFields};
use mandate_core::policy::authority::Authority;
use mandate_core::{OrgId, PersonId, ResourcePlanId, User};

impl Repo {
    /// Creates a fiscal year's plan as proposed by `editor`, or changes one
    /// (a change to what was approved withdraws the approval).
    pub async fn save_resource_plan(
        &self,
        actor: &Actor,
        org: OrgId,
        editor: PersonId,
        id: Option<ResourcePlanId>,
        expected_version: Option<i64>,
        fields: ResourcePlanFields,
    ) -> Result<ResourcePlan> {
        let fields = fields.validated().map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        must_exist(&mut tx, "people", "person_id", org, editor.0, "editor").await?;
        let before: Option<ResourcePlan> =
            kept::load_for_change(&mut tx, org, id.map(|i| i.0), expected_version).await?;
        let after = match &before {
            Some(before) => before.changed(editor, fields, chain.at()),
            None => ResourcePlan {
                id: ResourcePlanId::new(),
                org_id: org,
                fields,
                proposed_by: editor,
                approval: None,
                created_at: chain.at(),
                updated_at: chain.at(),
                version: 1,
            },
        };
        kept::save(&mut tx, &mut chain, before.as_ref(), &after, None)
            .await
            .map_err(StoreError::on_unique(format!(
                "there is a plan for fiscal year {} already: change that one",
                after.fields.fiscal_year
            )))?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Approves a plan on behalf of `approver`: the top-management access
    /// role, an ISMS role held today with the approve-budget authority, and
    /// never the plan's proposer.
    pub async fn approve_resource_plan(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ResourcePlanId,
        approver: &User,
        expected_version: Option<i64>,
    ) -> Result<ResourcePlan> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before: ResourcePlan = kept::load(&mut tx, org, id.0).await?;
        check_read(&before, expected_version)?;
        before
            .check_approver(approver.person_id)
            .map_err(StoreError::Refused)?;
        let authority = authority_for(
            &mut tx,
            org,
            approver,
            Authority::ApproveBudget,
            chain.at().date(),
        )
        .await?;
        let after = ResourcePlan {
            approval: Some(BudgetApproval {
                approved_by: approver.person_id,
                approved_at: chain.at(),
                authority,
            }),
            updated_at: chain.at(),
            version: before.version + 1,
            ..before.clone()
        };
        kept::save(&mut tx, &mut chain, Some(&before), &after, Some("approve")).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Every plan, latest fiscal year first.
    pub async fn resource_plans(&self, org: OrgId) -> Result<Vec<ResourcePlan>> {
        kept::list(&self.pool, org).await
    }
}
