//! Policy versions: drafts written and edited, then submitted, decided on by
//! approvers, published (superseding the version before) or retired. Every
//! step checks the lifecycle table in `core` and is one audit event.

use super::super::audit::Appender;
use super::super::batch::insert_rows;
use super::super::decision_authority::authority_for;
use super::super::policies::load_policy;
use super::super::policy_rows::{DecisionRow, VersionRow};
use super::super::row_type::columns;
use super::super::{Db, Repo};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::policy::authority::Authority;
use mandate_core::policy::record::check_version_text;
use mandate_core::policy::{
    Action, ApprovalStatus, Decision, DecisionRecord, Policy, PolicyKind, PolicyVersion, Verdict,
    VersionState,
};
use mandate_core::{OrgId, PolicyId, User, UserId, VersionId};
use sqlx::Transaction;

fn version_not_found(policy: PolicyId, number: i32) -> StoreError {
    StoreError::NotFound {
        entity: "policy version",
        id: format!("{policy} v{number}"),
    }
}

pub(in super::super) async fn load_version(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    policy: PolicyId,
    number: i32,
) -> Result<PolicyVersion> {
    let sql = format!(
        "SELECT {} FROM policy_versions WHERE org_id = $1 AND policy_id = $2 AND number = $3",
        columns(VersionRow::SELECT)
    );
    let row: Option<VersionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(policy.0)
        .bind(number)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(PolicyVersion::try_from)
        .transpose()?
        .ok_or_else(|| version_not_found(policy, number))
}

/// The versions of a policy, newest first.
pub(in super::super) async fn load_versions(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    policy: PolicyId,
) -> Result<Vec<PolicyVersion>> {
    let sql = format!(
        "SELECT {} FROM policy_versions WHERE org_id = $1 AND policy_id = $2 ORDER BY number DESC",
        columns(VersionRow::SELECT)
    );
    let rows: Vec<VersionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(policy.0)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(PolicyVersion::try_from).collect()
}

/// Every published version of the organisation.
pub(in super::super) async fn published_versions(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
) -> Result<Vec<PolicyVersion>> {
    let sql = format!(
        "SELECT {} FROM policy_versions WHERE org_id = $1 AND state = 'published'",
        columns(VersionRow::SELECT)
    );
    let rows: Vec<VersionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(PolicyVersion::try_from).collect()
}

async fn load_decisions(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    version: VersionId,
) -> Result<Vec<DecisionRecord>> {
    let sql = format!(
        "SELECT {} FROM policy_decisions WHERE org_id = $1 AND version_id = $2 ORDER BY decided_at, decision_id",
        columns(DecisionRow::SELECT)
    );
    let rows: Vec<DecisionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(version.0)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(DecisionRecord::try_from).collect()
}

fn stale(v: &PolicyVersion, expected: i64) -> StoreError {
    StoreError::Conflict(format!(
        "version {} was changed by someone else (revision {} now, {expected} expected): reload and try again",
        v.number, v.version
    ))
}

fn not_now(e: mandate_core::policy::LifecycleError) -> StoreError {
    StoreError::Conflict(e.to_string())
}

/// Writes `after` over `before`, one audit event named `action`.
async fn save_version(
    tx: &mut Transaction<'_, Db>,
    chain: &mut Appender<'_>,
    before: &PolicyVersion,
    after: &PolicyVersion,
    action: &'static str,
) -> Result<()> {
    let changed = sqlx::query(
        "UPDATE policy_versions SET body = $4, change_summary = $5, state = $6, review_round = $7, \
         updated_at = $8, approved_at = $9, published_at = $10, version = $11, contributors = $12, \
         material_change = $13 WHERE org_id = $1 AND version_id = $2 AND version = $3",
    )
    .bind(before.org_id.0)
    .bind(before.id.0)
    .bind(before.version)
    .bind(&after.body)
    .bind(&after.change_summary)
    .bind(after.state.as_str())
    .bind(after.review_round)
    .bind(after.updated_at)
    .bind(after.approved_at)
    .bind(after.published_at)
    .bind(after.version)
    .bind(serde_json::to_string(&after.contributors).map_err(StoreError::corrupt)?)
    .bind(after.material_change)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(stale(before, before.version));
    }
    chain.record(Change {
        entity_type: "policy_version",
        entity_id: after.id.to_string(),
        action,
        before: Some(before.audit_json()),
        after: Some(after.audit_json()),
    });
    Ok(())
}

/// `before` moved by `action` to its next state, stamped at `chain.at()`.
fn stepped(before: &PolicyVersion, action: Action, chain: &Appender<'_>) -> Result<PolicyVersion> {
    let state = before.state.apply(action).map_err(not_now)?;
    let mut after = PolicyVersion {
        state,
        updated_at: chain.at(),
        version: before.version + 1,
        ..before.clone()
    };
    match action {
        Action::Submit => after.review_round += 1,
        Action::Approve => after.approved_at = Some(chain.at()),
        Action::Publish => after.published_at = Some(chain.at()),
        _ => {}
    }
    Ok(after)
}

impl Repo {
    /// Opens a new draft of `policy`. Refused while another version is still
    /// on its way (draft, in review or approved): finish or retire it first.
    pub(in super::super) async fn insert_draft(
        &self,
        tx: &mut Transaction<'_, Db>,
        chain: &mut Appender<'_>,
        policy: &Policy,
        author: UserId,
        body: &str,
        change_summary: &str,
    ) -> Result<PolicyVersion> {
        check_version_text(body, change_summary).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let versions = load_versions(tx, policy.org_id, policy.id).await?;
        if let Some(open) = versions.iter().find(|v| {
            matches!(
                v.state,
                VersionState::Draft | VersionState::InReview | VersionState::Approved
            )
        }) {
            return Err(StoreError::Conflict(format!(
                "version {} of this policy is still {}: edit it, or publish or retire it, before starting another",
                open.number,
                open.state.as_str().replace('_', " ")
            )));
        }
        let version = PolicyVersion {
            id: VersionId::new(),
            org_id: policy.org_id,
            policy_id: policy.id,
            number: versions.first().map_or(1, |v| v.number + 1),
            body: body.to_string(),
            change_summary: change_summary.trim().to_string(),
            author_id: author,
            contributors: vec![author],
            state: VersionState::Draft,
            review_round: 0,
            created_at: chain.at(),
            updated_at: chain.at(),
            approved_at: None,
            published_at: None,
            material_change: true,
            version: 1,
        };
        insert_rows(tx, &[VersionRow::from(&version)], "", |_| {}).await?;
        chain.record(Change::created(
            "policy_version",
            version.id,
            version.audit_json(),
        ));
        Ok(version)
    }

    /// Starts a new draft of a policy, written by `author`.
    pub async fn create_draft(
        &self,
        actor: &Actor,
        org: OrgId,
        policy: PolicyId,
        author: UserId,
        body: &str,
        change_summary: &str,
    ) -> Result<PolicyVersion> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let policy = load_policy(&mut tx, org, policy).await?;
        let draft = self
            .insert_draft(&mut tx, &mut chain, &policy, author, body, change_summary)
            .await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(draft)
    }

    #[allow(clippy::too_many_arguments)]
    pub(in super::super) async fn rewrite_draft(
        &self,
        tx: &mut Transaction<'_, Db>,
        chain: &mut Appender<'_>,
        before: &PolicyVersion,
        editor: UserId,
        body: &str,
        change_summary: &str,
        material_change: Option<bool>,
    ) -> Result<PolicyVersion> {
        check_version_text(body, change_summary).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut after = stepped(before, Action::Edit, chain)?;
        if let Some(material) = material_change {
            after.material_change = material;
        }
        // Whoever changes the text shares in writing it, so cannot approve it.
        if body != before.body && !after.contributors.contains(&editor) {
            after.contributors.push(editor);
        }
        after.body = body.to_string();
        after.change_summary = change_summary.trim().to_string();
        save_version(tx, chain, before, &after, "edit").await?;
        Ok(after)
    }

    /// Changes a draft's text (and, if given, whether it is a material
    /// change), if its revision is still `expected_version`.
    #[allow(clippy::too_many_arguments)]
    pub async fn edit_draft(
        &self,
        actor: &Actor,
        org: OrgId,
        policy: PolicyId,
        number: i32,
        editor: UserId,
        expected_version: i64,
        body: &str,
        change_summary: &str,
        material_change: Option<bool>,
    ) -> Result<PolicyVersion> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = load_version(&mut tx, org, policy, number).await?;
        if before.version != expected_version {
            return Err(stale(&before, expected_version));
        }
        let after = self
            .rewrite_draft(
                &mut tx,
                &mut chain,
                &before,
                editor,
                body,
                change_summary,
                material_change,
            )
            .await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Submits, withdraws, publishes or retires a version. Publishing
    /// supersedes the version published before, in the same transaction.
    pub async fn step_version(
        &self,
        actor: &Actor,
        org: OrgId,
        policy: PolicyId,
        number: i32,
        action: Action,
    ) -> Result<PolicyVersion> {
        if !matches!(
            action,
            Action::Submit | Action::Withdraw | Action::Publish | Action::Retire
        ) {
            return Err(StoreError::Invalid(format!(
                "{action:?} is not a step taken directly"
            )));
        }
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = load_version(&mut tx, org, policy, number).await?;
        let after = stepped(&before, action, &chain)?;
        let mut superseded = None;
        if action == Action::Publish {
            let versions = load_versions(&mut tx, org, policy).await?;
            for old in versions
                .iter()
                .filter(|v| v.state == VersionState::Published)
            {
                let replaced = stepped(old, Action::Supersede, &chain)?;
                save_version(&mut tx, &mut chain, old, &replaced, "supersede").await?;
                superseded = Some(old.clone());
            }
        }
        let name = match action {
            Action::Submit => "submit",
            Action::Withdraw => "withdraw",
            Action::Publish => "publish",
            _ => "retire",
        };
        save_version(&mut tx, &mut chain, &before, &after, name).await?;
        // Publishing asks the audience to acknowledge the text; retiring a
        // published version lets them off.
        if action == Action::Publish {
            let policy = super::super::policies::load_policy(&mut tx, org, policy).await?;
            self.request_acknowledgements(
                &mut tx,
                &mut chain,
                &policy,
                &after,
                superseded.as_ref(),
            )
            .await?;
        } else if action == Action::Retire && before.state == VersionState::Published {
            self.release_acknowledgements(&mut tx, &mut chain, &after)
                .await?;
        }
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records an approver's decision on a version in review. The author
    /// never decides on their own version; under the policy's rule the
    /// version becomes approved when enough approvals are in, and returns to
    /// draft on any rejection. The approver needs the authority the
    /// policy's kind asks for, from an ISMS role held today, checked here
    /// in the transaction that records the decision; the role's name is
    /// kept with the decision.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_version(
        &self,
        actor: &Actor,
        org: OrgId,
        policy: PolicyId,
        number: i32,
        approver_user: &User,
        verdict: Verdict,
        comment: &str,
        expected_version: Option<i64>,
    ) -> Result<(PolicyVersion, ApprovalStatus)> {
        let approver = approver_user.id;
        let comment = comment.trim();
        if verdict == Verdict::Reject && comment.is_empty() {
            return Err(StoreError::Invalid(
                "comment: say why the version is rejected, so its author can act on it".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let policy = load_policy(&mut tx, org, policy).await?;
        let needed = match policy.fields.kind {
            PolicyKind::TopLevel => Authority::ApproveTopLevelPolicy,
            PolicyKind::Topic => Authority::ApprovePolicy,
        };
        let authority =
            authority_for(&mut tx, org, approver_user, needed, chain.at().date()).await?;
        let before = load_version(&mut tx, org, policy.id, number).await?;
        if before.state != VersionState::InReview {
            return Err(StoreError::Conflict(format!(
                "version {number} is {}, not in review: there is nothing to decide",
                before.state.as_str().replace('_', " ")
            )));
        }
        // The decision is on the text the approver read, not on a later one.
        if let Some(expected) = expected_version
            && expected != before.version
        {
            return Err(stale(&before, expected));
        }
        if before.written_by(approver) {
            return Err(StoreError::Refused(
                "you are an author of this version (you wrote part of it), so someone else approves it".into(),
            ));
        }
        let round: Vec<DecisionRecord> = load_decisions(&mut tx, org, before.id)
            .await?
            .into_iter()
            .filter(|d| d.review_round == before.review_round)
            .collect();
        let so_far: Vec<Decision> = round
            .iter()
            .map(|d| Decision {
                by: d.user_id,
                verdict: d.verdict,
            })
            .collect();
        let rule = &policy.fields.approval_rule;
        rule.may_decide(before.author_id, approver, &so_far)
            .map_err(|refusal| StoreError::Refused(refusal.to_string()))?;
        let decision = DecisionRecord {
            id: uuid::Uuid::now_v7(),
            org_id: org,
            version_id: before.id,
            review_round: before.review_round,
            user_id: approver,
            verdict,
            comment: comment.to_string(),
            authority,
            decided_at: chain.at(),
        };
        insert_rows(&mut tx, &[DecisionRow::from(&decision)], "", |_| {}).await?;
        chain.record(Change {
            entity_type: "policy_decision",
            entity_id: decision.id.to_string(),
            action: verdict.as_str(),
            before: None,
            after: serde_json::to_value(&decision).ok(),
        });
        let mut all = so_far;
        all.push(Decision {
            by: approver,
            verdict,
        });
        let status = rule.status(before.author_id, &all);
        let after = match status {
            ApprovalStatus::Approved => {
                let after = stepped(&before, Action::Approve, &chain)?;
                save_version(&mut tx, &mut chain, &before, &after, "approve").await?;
                after
            }
            ApprovalStatus::Rejected { .. } => {
                let after = stepped(&before, Action::Reject, &chain)?;
                save_version(&mut tx, &mut chain, &before, &after, "reject").await?;
                after
            }
            ApprovalStatus::Pending { .. } => before,
        };
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok((after, status))
    }

    pub async fn policy_versions(
        &self,
        org: OrgId,
        policy: PolicyId,
    ) -> Result<Vec<PolicyVersion>> {
        let mut tx = self.begin_snapshot().await?;
        load_versions(&mut tx, org, policy).await
    }

    pub async fn policy_version(
        &self,
        org: OrgId,
        policy: PolicyId,
        number: i32,
    ) -> Result<Option<PolicyVersion>> {
        let mut tx = self.begin_snapshot().await?;
        match load_version(&mut tx, org, policy, number).await {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every decision on a version, all rounds, oldest first.
    pub async fn version_decisions(
        &self,
        org: OrgId,
        version: VersionId,
    ) -> Result<Vec<DecisionRecord>> {
        let mut tx = self.begin_snapshot().await?;
        load_decisions(&mut tx, org, version).await
    }
}
