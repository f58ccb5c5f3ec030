//! The communication register and plan (5.1 d, 7.4): what was
//! communicated, and what is due. A communication names its sponsor, and
//! may name the policy it was about and the plan item it fulfils.

use super::super::Repo;
use super::super::kept;
use super::super::objectives::must_exist;
use crate::error::{Result, StoreError};
use mandate_core::audit::Actor;
use mandate_core::commitment::communication::{
    Communication, CommunicationFields, PlanItem, PlanItemFields,
};
use mandate_core::{CommunicationId, OrgId, PlanItemId};

impl Repo {
    /// Records a communication, or corrects one.
    pub async fn save_communication(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Option<CommunicationId>,
        expected_version: Option<i64>,
        fields: CommunicationFields,
    ) -> Result<Communication> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let fields = fields
            .validated(chain.at().date())
            .map_err(StoreError::Invalid)?;
        must_exist(
            &mut tx,
            "people",
            "person_id",
            org,
            fields.sponsor_id.0,
            "sponsor_id",
        )
        .await?;
        if let Some(policy) = fields.policy_id {
            must_exist(&mut tx, "policies", "policy_id", org, policy.0, "policy_id").await?;
        }
        if let Some(item) = fields.plan_item_id {
            must_exist(
                &mut tx,
                "communication_plan",
                "plan_item_id",
                org,
                item.0,
                "plan_item_id",
            )
            .await?;
        }
        let before: Option<Communication> =
            kept::load_for_change(&mut tx, org, id.map(|i| i.0), expected_version).await?;
        let after = match &before {
            Some(before) => Communication {
                fields,
                updated_at: chain.at(),
                version: before.version + 1,
                ..before.clone()
            },
            None => Communication {
                id: CommunicationId::new(),
                org_id: org,
                fields,
                created_at: chain.at(),
                updated_at: chain.at(),
                version: 1,
            },
        };
        kept::save(&mut tx, &mut chain, before.as_ref(), &after, None).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Every communication, latest first.
    pub async fn communications(&self, org: OrgId) -> Result<Vec<Communication>> {
        kept::list(&self.pool, org).await
    }

    /// Adds an item to the communication plan, or changes one.
    pub async fn save_plan_item(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Option<PlanItemId>,
        expected_version: Option<i64>,
        fields: PlanItemFields,
    ) -> Result<PlanItem> {
        let fields = fields.validated().map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before: Option<PlanItem> =
            kept::load_for_change(&mut tx, org, id.map(|i| i.0), expected_version).await?;
        let after = match &before {
            Some(before) => PlanItem {
                fields,
                updated_at: chain.at(),
                version: before.version + 1,
                ..before.clone()
            },
            None => PlanItem {
                id: PlanItemId::new(),
                org_id: org,
                fields,
                created_at: chain.at(),
                updated_at: chain.at(),
                version: 1,
            },
        };
        kept::save(&mut tx, &mut chain, before.as_ref(), &after, None).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The communication plan, by first due date.
    pub async fn communication_plan(&self, org: OrgId) -> Result<Vec<PlanItem>> {
        kept::list(&self.pool, org).await
    }
}
