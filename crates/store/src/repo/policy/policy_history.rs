//! Bringing an existing policy register into Mandate: the dates on which
//! versions were approved and published before Mandate kept them, and
//! exceptions granted earlier. Each is recorded as such in the audit log
//! (`record_past_dates`, `migrate`), so evidence never passes off migrated
//! history as something Mandate saw happen.

use super::super::Repo;
use super::super::batch::insert_rows;
use super::super::policies::load_policy;
use super::super::policy_rows::ExceptionRow;
use super::super::policy_versions::load_version;
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::policy::{ExceptionRequest, ExceptionState, PolicyException, VersionState};
use mandate_core::{ExceptionId, OrgId, PolicyId, UserId};
use time::OffsetDateTime;

impl Repo {
    /// Sets when a version was written, approved and published, for a
    /// version approved before the organisation used Mandate.
    pub async fn record_past_dates(
        &self,
        actor: &Actor,
        org: OrgId,
        policy: PolicyId,
        number: i32,
        approved_at: OffsetDateTime,
        published_at: Option<OffsetDateTime>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = load_version(&mut tx, org, policy, number).await?;
        if !matches!(
            before.state,
            VersionState::Approved | VersionState::Published | VersionState::Superseded
        ) {
            return Err(StoreError::Conflict(format!(
                "version {number} was never approved, so it has no approval date to record"
            )));
        }
        if approved_at > chain.at()
            || published_at.is_some_and(|p| p < approved_at || p > chain.at())
        {
            return Err(StoreError::Invalid(
                "past dates: approval, then publication, both before now".into(),
            ));
        }
        let written = approved_at - time::Duration::days(14);
        let after = mandate_core::policy::PolicyVersion {
            created_at: written,
            approved_at: Some(approved_at),
            published_at: published_at.or(before.published_at),
            updated_at: chain.at(),
            version: before.version + 1,
            ..before.clone()
        };
        sqlx::query(
            "UPDATE policy_versions SET created_at = $3, approved_at = $4, published_at = $5, updated_at = $6, \
             version = $7 WHERE org_id = $1 AND version_id = $2",
        )
        .bind(org.0)
        .bind(before.id.0)
        .bind(after.created_at)
        .bind(after.approved_at)
        .bind(after.published_at)
        .bind(after.updated_at)
        .bind(after.version)
        .execute(&mut *tx)
        .await?;
        if let (Some(was), Some(now_published)) = (before.published_at, after.published_at) {
            self.backdate_acknowledgements(&mut tx, &after, was, now_published)
                .await?;
        }
        sqlx::query(
            "UPDATE policy_decisions SET decided_at = $3 WHERE org_id = $1 AND version_id = $2",
        )
        .bind(org.0)
        .bind(before.id.0)
        .bind(approved_at)
        .execute(&mut *tx)
        .await?;
        chain.record(Change {
            entity_type: "policy_version",
            entity_id: before.id.to_string(),
            action: "record_past_dates",
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records an exception approved before Mandate kept the register; its
    /// expiry may already have passed. The requester never approves it.
    #[allow(clippy::too_many_arguments)]
    pub async fn migrate_exception(
        &self,
        actor: &Actor,
        org: OrgId,
        policy: PolicyId,
        requester: UserId,
        approver: UserId,
        authority: &str,
        request: ExceptionRequest,
        decided_at: OffsetDateTime,
    ) -> Result<PolicyException> {
        if requester == approver {
            return Err(StoreError::Refused(
                "the requester of an exception can never approve it".into(),
            ));
        }
        // Every field is checked as for a new request, except the expiry's date.
        let expires_on = request.expires_on;
        let checked = ExceptionRequest {
            expires_on: decided_at.date() + time::Duration::days(1),
            ..request
        }
        .validated(decided_at.date())
        .map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        load_policy(&mut tx, org, policy).await?;
        let exception = PolicyException {
            id: ExceptionId::new(),
            org_id: org,
            policy_id: policy,
            clause: checked.clause,
            justification: checked.justification,
            risk: checked.risk,
            compensating_controls: checked.compensating_controls,
            requested_by: requester,
            waiver: checked.waiver,
            state: ExceptionState::Approved,
            expires_on: Some(expires_on),
            pending_expires_on: None,
            pending_requested_by: None,
            approved_by: Some(approver),
            authority: Some(authority.to_string()),
            decision_comment: None,
            decided_at: Some(decided_at),
            created_at: decided_at,
            updated_at: chain.at(),
            version: 1,
        };
        insert_rows(&mut tx, &[ExceptionRow::from(&exception)], "", |_| {}).await?;
        chain.record(Change {
            entity_type: "policy_exception",
            entity_id: exception.id.to_string(),
            action: "migrate",
            before: None,
            after: Some(exception.audit_json()),
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(exception)
    }
}
