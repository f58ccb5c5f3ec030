//! Exceptions to policies: requested, decided by someone with the authority
//! (never the requester), extended only by a new approval, closed early.

use super::super::batch::insert_rows;
use super::super::decision_authority::authority_for;
use super::super::policies::load_policy;
use super::super::policy_rows::ExceptionRow;
use super::super::row_type::columns;
use super::super::{Db, Repo};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::policy::authority::Authority;
use mandate_core::policy::exception::check_expiry;
use mandate_core::policy::{ExceptionRequest, ExceptionState, PolicyException, Verdict};
use mandate_core::{ExceptionId, OrgId, PolicyId, User, UserId};
use sqlx::Transaction;
use time::Date;

async fn load_exception(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    id: ExceptionId,
) -> Result<PolicyException> {
    let sql = format!(
        "SELECT {} FROM policy_exceptions WHERE org_id = $1 AND exception_id = $2",
        columns(ExceptionRow::SELECT)
    );
    let row: Option<ExceptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(PolicyException::try_from)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound {
            entity: "exception",
            id: id.to_string(),
        })
}

async fn save_exception(
    tx: &mut Transaction<'_, Db>,
    before: &PolicyException,
    after: &PolicyException,
) -> Result<()> {
    let changed = sqlx::query(
        "UPDATE policy_exceptions SET state = $4, expires_on = $5, pending_expires_on = $6, approved_by = $7, \
         authority = $8, decision_comment = $9, decided_at = $10, updated_at = $11, version = $12, \
         pending_requested_by = $13 WHERE org_id = $1 AND exception_id = $2 AND version = $3",
    )
    .bind(before.org_id.0)
    .bind(before.id.0)
    .bind(before.version)
    .bind(after.state.as_str())
    .bind(after.expires_on)
    .bind(after.pending_expires_on)
    .bind(after.approved_by.map(|u| u.0))
    .bind(&after.authority)
    .bind(&after.decision_comment)
    .bind(after.decided_at)
    .bind(after.updated_at)
    .bind(after.version)
    .bind(after.pending_requested_by.map(|u| u.0))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(StoreError::Conflict(
            "the exception was changed by someone else: reload and try again".into(),
        ));
    }
    Ok(())
}

impl Repo {
    /// Records a request for an exception to `policy`, on `today`.
    pub async fn request_exception(
        &self,
        actor: &Actor,
        org: OrgId,
        policy: PolicyId,
        requester: UserId,
        request: ExceptionRequest,
        today: Date,
    ) -> Result<PolicyException> {
        let request = request.validated(today).map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        load_policy(&mut tx, org, policy).await?;
        if let Some(w) = &request.waiver {
            check_waiver(&mut tx, org, w).await?;
        }
        let exception = PolicyException {
            id: ExceptionId::new(),
            org_id: org,
            policy_id: policy,
            clause: request.clause,
            justification: request.justification,
            risk: request.risk,
            compensating_controls: request.compensating_controls,
            requested_by: requester,
            waiver: request.waiver,
            state: ExceptionState::Requested,
            expires_on: None,
            pending_expires_on: Some(request.expires_on),
            pending_requested_by: Some(requester),
            approved_by: None,
            authority: None,
            decision_comment: None,
            decided_at: None,
            created_at: chain.at(),
            updated_at: chain.at(),
            version: 1,
        };
        insert_rows(&mut tx, &[ExceptionRow::from(&exception)], "", |_| {}).await?;
        chain.record(Change::created(
            "policy_exception",
            exception.id,
            exception.audit_json(),
        ));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(exception)
    }

    /// Approves or rejects a pending request or extension. The approver
    /// needs the authority to approve exceptions, from an ISMS role held
    /// today, checked here in the transaction that records the decision;
    /// the requester never decides on their own exception.
    pub async fn decide_exception(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ExceptionId,
        approver_user: &User,
        verdict: Verdict,
        comment: &str,
    ) -> Result<PolicyException> {
        let approver = approver_user.id;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = load_exception(&mut tx, org, id).await?;
        let authority = authority_for(
            &mut tx,
            org,
            approver_user,
            Authority::ApproveException,
            chain.at().date(),
        )
        .await?;
        if before.requested_by == approver {
            return Err(StoreError::Refused(
                "the requester of an exception can never approve it".into(),
            ));
        }
        if let Some(waiver) = &before.waiver {
            let approver_person: Option<(uuid::Uuid,)> =
                sqlx::query_as("SELECT person_id FROM users WHERE org_id = $1 AND user_id = $2")
                    .bind(org.0)
                    .bind(approver.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            if approver_person.is_some_and(|(p,)| p == waiver.person_id.0) {
                return Err(StoreError::Refused(
                    "this exception would let you hold both roles, so someone else approves it"
                        .into(),
                ));
            }
        }
        if before.pending_requested_by == Some(approver) {
            return Err(StoreError::Refused(
                "you asked for this extension, so someone else approves it".into(),
            ));
        }
        let Some(pending) = before.pending_expires_on else {
            return Err(StoreError::Conflict(format!(
                "the exception is {} with nothing awaiting a decision",
                before.state.as_str()
            )));
        };
        let today = chain.at().date();
        let mut after = PolicyException {
            pending_expires_on: None,
            pending_requested_by: None,
            decision_comment: Some(comment.trim().to_string()).filter(|c| !c.is_empty()),
            decided_at: Some(chain.at()),
            updated_at: chain.at(),
            version: before.version + 1,
            ..before.clone()
        };
        let extension = before.state == ExceptionState::Approved;
        let action = match verdict {
            Verdict::Approve => {
                if pending <= today {
                    return Err(StoreError::Conflict(format!(
                        "the requested expiry {pending} has passed: ask for a new date"
                    )));
                }
                after.state = ExceptionState::Approved;
                after.expires_on = Some(pending);
                after.approved_by = Some(approver);
                after.authority = Some(authority.clone());
                if extension {
                    "approve_extension"
                } else {
                    "approve"
                }
            }
            // A refused extension leaves the exception as it was approved.
            Verdict::Reject if extension => "reject_extension",
            Verdict::Reject => {
                after.state = ExceptionState::Rejected;
                "reject"
            }
        };
        save_exception(&mut tx, &before, &after).await?;
        chain.record(Change {
            entity_type: "policy_exception",
            entity_id: id.to_string(),
            action,
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Asks for a later expiry for an approved exception: it needs a new approval.
    pub async fn extend_exception(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ExceptionId,
        requester: UserId,
        expires_on: Date,
    ) -> Result<PolicyException> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = load_exception(&mut tx, org, id).await?;
        if before.state != ExceptionState::Approved {
            return Err(StoreError::Conflict(format!(
                "only an approved exception can be extended; this one is {}",
                before.state.as_str()
            )));
        }
        if let Some(pending) = before.pending_expires_on {
            return Err(StoreError::Conflict(format!(
                "an extension to {pending} is already awaiting a decision"
            )));
        }
        check_expiry(chain.at().date(), expires_on).map_err(StoreError::Invalid)?;
        if before
            .expires_on
            .is_some_and(|current| expires_on <= current)
        {
            return Err(StoreError::Invalid(
                "expires_on: an extension must end later than the current expiry".into(),
            ));
        }
        let after = PolicyException {
            pending_expires_on: Some(expires_on),
            pending_requested_by: Some(requester),
            updated_at: chain.at(),
            version: before.version + 1,
            ..before.clone()
        };
        save_exception(&mut tx, &before, &after).await?;
        chain.record(Change {
            entity_type: "policy_exception",
            entity_id: id.to_string(),
            action: "request_extension",
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Ends an exception early: the deviation is over.
    pub async fn close_exception(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ExceptionId,
    ) -> Result<PolicyException> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = load_exception(&mut tx, org, id).await?;
        if matches!(
            before.state,
            ExceptionState::Closed | ExceptionState::Rejected
        ) {
            return Err(StoreError::Conflict(format!(
                "the exception is already {}",
                before.state.as_str()
            )));
        }
        let after = PolicyException {
            state: ExceptionState::Closed,
            pending_expires_on: None,
            pending_requested_by: None,
            updated_at: chain.at(),
            version: before.version + 1,
            ..before.clone()
        };
        save_exception(&mut tx, &before, &after).await?;
        chain.record(Change {
            entity_type: "policy_exception",
            entity_id: id.to_string(),
            action: "close",
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn exception(&self, org: OrgId, id: ExceptionId) -> Result<Option<PolicyException>> {
        let mut tx = self.begin_snapshot().await?;
        match load_exception(&mut tx, org, id).await {
            Ok(e) => Ok(Some(e)),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The exceptions of one policy, or of all, newest first.
    pub async fn exceptions(
        &self,
        org: OrgId,
        policy: Option<PolicyId>,
    ) -> Result<Vec<PolicyException>> {
        let filter = if policy.is_some() {
            " AND policy_id = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {} FROM policy_exceptions WHERE org_id = $1{filter} ORDER BY created_at DESC, exception_id",
            columns(ExceptionRow::SELECT)
        );
        let mut query = sqlx::query_as::<_, ExceptionRow>(sqlx::AssertSqlSafe(sql)).bind(org.0);
        if let Some(p) = policy {
            query = query.bind(p.0);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.into_iter().map(PolicyException::try_from).collect()
    }
}

/// A waiver names a person of the register and two roles of the catalogue.
pub(in super::super) async fn check_waiver(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    waiver: &mandate_core::policy::RoleWaiver,
) -> Result<()> {
    let person: Option<(uuid::Uuid,)> =
        sqlx::query_as("SELECT person_id FROM people WHERE org_id = $1 AND person_id = $2")
            .bind(org.0)
            .bind(waiver.person_id.0)
            .fetch_optional(&mut **tx)
            .await?;
    if person.is_none() {
        return Err(StoreError::Invalid(format!(
            "waiver: there is no person {} here",
            waiver.person_id
        )));
    }
    for role in [waiver.role_ids.0, waiver.role_ids.1] {
        let found: Option<(uuid::Uuid,)> =
            sqlx::query_as("SELECT role_id FROM roles WHERE org_id = $1 AND role_id = $2")
                .bind(org.0)
                .bind(role)
                .fetch_optional(&mut **tx)
                .await?;
        if found.is_none() {
            return Err(StoreError::Invalid(format!(
                "waiver: there is no role {role} here"
            )));
        }
    }
    Ok(())
}

/// The segregation-of-duties waivers in force on `day` for `person`.
pub(in super::super) async fn waivers_for(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    person: mandate_core::PersonId,
    day: Date,
) -> Result<Vec<mandate_core::roles::Waiver>> {
    let sql = format!(
        "SELECT {} FROM policy_exceptions WHERE org_id = $1 AND waiver_person_id = $2",
        columns(ExceptionRow::SELECT)
    );
    let rows: Vec<ExceptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(person.0)
        .fetch_all(&mut **tx)
        .await?;
    let mut waivers = Vec::new();
    for row in rows {
        if let Some(w) = PolicyException::try_from(row)?.waiver_on(day) {
            waivers.push(w);
        }
    }
    Ok(waivers)
}
