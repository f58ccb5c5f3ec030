//! Reviews of a policy and its distributions to interested parties: both
//! are about the published version.

use super::super::batch::insert_rows;
use super::super::policies::load_policy;
use super::super::policy_rows::{DistributionRow, ReviewRow};
use super::super::policy_versions::load_versions;
use super::super::row_type::columns;
use super::super::{Db, Repo};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::policy::{
    Distribution, Policy, PolicyVersion, ReviewOutcome, ReviewRecord, VersionState,
};
use mandate_core::{OrgId, PolicyId, UserId};
use sqlx::Transaction;
use time::Date;

async fn published(tx: &mut Transaction<'_, Db>, policy: &Policy) -> Result<PolicyVersion> {
    load_versions(tx, policy.org_id, policy.id)
        .await?
        .into_iter()
        .find(|v| v.state == VersionState::Published)
        .ok_or_else(|| {
            StoreError::Conflict(format!(
                "{} has no published version yet",
                policy.fields.title
            ))
        })
}

impl Repo {
    /// Records a review of the published version. "No change" restarts the
    /// review cycle; "new draft" opens a draft from the published text.
    pub async fn review_policy(
        &self,
        actor: &Actor,
        org: OrgId,
        policy: PolicyId,
        reviewer: UserId,
        outcome: ReviewOutcome,
        note: &str,
    ) -> Result<(ReviewRecord, Option<PolicyVersion>)> {
        let note = note.trim();
        if note.chars().count() > 5_000 {
            return Err(StoreError::Invalid("note: at most 5,000 characters".into()));
        }
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let policy = load_policy(&mut tx, org, policy).await?;
        let current = published(&mut tx, &policy).await?;
        let draft = match outcome {
            ReviewOutcome::NoChange => None,
            ReviewOutcome::NewDraft => {
                let summary = if note.is_empty() {
                    format!("Changes from the review of {}", chain.at().date())
                } else {
                    format!("Changes from the review of {}: {note}", chain.at().date())
                };
                Some(
                    self.insert_draft(
                        &mut tx,
                        &mut chain,
                        &policy,
                        reviewer,
                        &current.body,
                        &summary,
                    )
                    .await?,
                )
            }
        };
        let review = ReviewRecord {
            id: uuid::Uuid::now_v7(),
            org_id: org,
            policy_id: policy.id,
            reviewed_by: reviewer,
            reviewed_at: chain.at(),
            outcome,
            note: note.to_string(),
            version_id: draft.as_ref().map(|d| d.id),
        };
        insert_rows(&mut tx, &[ReviewRow::from(&review)], "", |_| {}).await?;
        chain.record(Change::created(
            "policy_review",
            review.id,
            serde_json::to_value(&review).unwrap_or_default(),
        ));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok((review, draft))
    }

    /// Records that the published version was given to a named party.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_distribution(
        &self,
        actor: &Actor,
        org: OrgId,
        policy: PolicyId,
        recorded_by: UserId,
        party: &str,
        channel: &str,
        distributed_on: Date,
        note: &str,
    ) -> Result<Distribution> {
        let (party, channel) = (party.trim(), channel.trim());
        if party.is_empty() {
            return Err(StoreError::Invalid("party: name who received it".into()));
        }
        if channel.is_empty() {
            return Err(StoreError::Invalid(
                "channel: say how it was given (email, portal, contract annex, ...)".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let policy = load_policy(&mut tx, org, policy).await?;
        let current = published(&mut tx, &policy).await?;
        if distributed_on > chain.at().date() {
            return Err(StoreError::Invalid(
                "distributed_on: a distribution is recorded once it happened, not ahead".into(),
            ));
        }
        let distribution = Distribution {
            id: uuid::Uuid::now_v7(),
            org_id: org,
            policy_id: policy.id,
            version_id: current.id,
            party: party.to_string(),
            channel: channel.to_string(),
            distributed_on,
            note: note.trim().to_string(),
            recorded_by,
            created_at: chain.at(),
        };
        insert_rows(&mut tx, &[DistributionRow::from(&distribution)], "", |_| {}).await?;
        chain.record(Change::created(
            "policy_distribution",
            distribution.id,
            serde_json::to_value(&distribution).unwrap_or_default(),
        ));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(distribution)
    }

    /// The distributions of one policy, newest first.
    pub async fn distributions(&self, org: OrgId, policy: PolicyId) -> Result<Vec<Distribution>> {
        let sql = format!(
            "SELECT {} FROM policy_distributions WHERE org_id = $1 AND policy_id = $2 \
             ORDER BY distributed_on DESC, distribution_id DESC",
            columns(DistributionRow::SELECT)
        );
        let rows: Vec<DistributionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(policy.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(Distribution::from).collect())
    }
}
