//! The policy workflow steps that need more than the store: the approver's
//! authority, the 5.2 a-d check on submission, and what a viewer may see.
//! The API and the pages both call these, so the rules hold on either path.

use super::visible_policies;
use crate::{AppError, AppResult, Caller};
use mandate_core::policy::authority::{self, Authority};
use mandate_core::policy::{
    Action, ApprovalStatus, Policy, PolicyException, PolicyKind, PolicyVersion, Verdict,
    VersionState,
};
use mandate_core::roles::{Holders, Role};
use mandate_core::{ExceptionId, Permission, PolicyId};
use mandate_report::markdown::{Element, elements_present};
use mandate_store::Store;

/// The authority a decision on `policy` needs.
pub fn authority_for(policy: &Policy) -> Authority {
    match policy.fields.kind {
        PolicyKind::TopLevel => Authority::ApproveTopLevelPolicy,
        PolicyKind::Topic => Authority::ApprovePolicy,
    }
}

/// The ISMS roles the viewer holds today.
pub async fn roles_held(store: &Store, caller: &Caller) -> AppResult<Vec<Role>> {
    let org = caller.user.org_id;
    let today = caller.now.date();
    let person = caller.user.person_id;
    // Only the caller's own assignments are read: this runs on every page
    // that offers a decision.
    let held = Holders::on(store.assignments(org, Some(person)).await?, today);
    Ok(store
        .roles(org)
        .await?
        .into_iter()
        .filter(|r| held.holds(person, r.id))
        .collect())
}

/// The role that gives the viewer `authority` right now, if any.
pub async fn authority_held(
    store: &Store,
    caller: &Caller,
    authority: Authority,
) -> AppResult<Option<String>> {
    if !authority::access_role_may_approve(caller.user.access_role) {
        return Ok(None);
    }
    let roles = roles_held(store, caller).await?;
    Ok(authority::holds(&caller.user, &roles, authority))
}

/// The 5.2 a-d elements a text lacks.
pub fn missing_elements(body: &str) -> Vec<Element> {
    elements_present(body)
        .into_iter()
        .filter(|(_, present)| !present)
        .map(|(e, _)| e)
        .collect()
}

/// Whether the viewer may see this version: work in progress is for those
/// who may read it; everyone else sees what was published.
pub fn may_see(caller: &Caller, version: &PolicyVersion) -> bool {
    caller.may(Permission::ReadPolicyWork)
        || matches!(
            version.state,
            VersionState::Published | VersionState::Superseded
        )
}

/// A policy the viewer may see: any, for those who read work in progress;
/// one addressed to them, for everyone else (as the policy list has it), so
/// that its versions are not read around the list.
pub async fn load_policy(store: &Store, caller: &Caller, id: PolicyId) -> AppResult<Policy> {
    let policy = store
        .policy(caller.user.org_id, id)
        .await?
        .filter(|_| caller.may(Permission::ReadPolicyWork));
    if let Some(policy) = policy {
        return Ok(policy);
    }
    let summary = visible_policies(store, caller)
        .await?
        .into_iter()
        .find(|s| s.policy.id == id)
        .ok_or_else(|| AppError::no_such("policy"))?;
    Ok(summary.policy)
}

pub async fn load_version(
    store: &Store,
    caller: &Caller,
    policy: PolicyId,
    number: i32,
) -> AppResult<PolicyVersion> {
    if !caller.may(Permission::ReadPolicyWork) {
        load_policy(store, caller, policy).await?;
    }
    store
        .policy_version(caller.user.org_id, policy, number)
        .await?
        .filter(|v| may_see(caller, v))
        .ok_or_else(|| AppError::no_such("version of this policy"))
}

/// Submits a version for approval. A top-level version that lacks one of
/// the 5.2 a-d elements is refused unless the author confirms.
pub async fn submit(
    store: &Store,
    caller: &Caller,
    policy: PolicyId,
    number: i32,
    confirm_missing_elements: bool,
) -> AppResult<PolicyVersion> {
    let p = load_policy(store, caller, policy).await?;
    let version = load_version(store, caller, policy, number).await?;
    if p.fields.kind == PolicyKind::TopLevel && !confirm_missing_elements {
        let missing = missing_elements(&version.body);
        if !missing.is_empty() {
            let list: Vec<&str> = missing.iter().map(|e| e.describe()).collect();
            return Err(AppError::Invalid(format!(
                "the top-level policy should carry every element of 5.2; this version lacks: {}. \
                     Tag a section for each (for example `## Scope {{.clause-5-2-a}}`), or confirm to submit anyway",
                list.join("; ")
            )));
        }
    }
    Ok(store
        .step_version(
            &caller.actor(),
            caller.user.org_id,
            policy,
            number,
            Action::Submit,
        )
        .await?)
}

/// An approver's decision on a version. The store checks the approver's
/// authority in the transaction that records the decision.
pub async fn decide(
    store: &Store,
    caller: &Caller,
    policy: PolicyId,
    number: i32,
    verdict: Verdict,
    comment: &str,
    expected_version: Option<i64>,
) -> AppResult<(PolicyVersion, ApprovalStatus)> {
    load_policy(store, caller, policy).await?;
    Ok(store
        .decide_version(
            &caller.actor(),
            caller.org(),
            policy,
            number,
            &caller.user,
            verdict,
            comment,
            expected_version,
        )
        .await?)
}

/// An approver's decision on an exception or its extension; the store
/// checks the authority, as for a version.
pub async fn decide_exception(
    store: &Store,
    caller: &Caller,
    id: ExceptionId,
    verdict: Verdict,
    comment: &str,
) -> AppResult<PolicyException> {
    Ok(store
        .decide_exception(
            &caller.actor(),
            caller.org(),
            id,
            &caller.user,
            verdict,
            comment,
        )
        .await?)
}

/// "in review" for "in_review".
pub fn state_label(state: VersionState) -> String {
    state.as_str().replace('_', " ")
}

/// Loads an exception the viewer may change: their own request, or any
/// for those who edit policies.
/// Whether the viewer reads this exception: everyone who reads policy work
/// does; a line manager reads the ones they asked for.
pub fn may_read_exception(caller: &Caller, e: &PolicyException) -> bool {
    caller.may(Permission::ReadPolicyWork) || e.requested_by == caller.user.id
}

async fn own_exception(
    store: &Store,
    caller: &Caller,
    id: ExceptionId,
) -> AppResult<PolicyException> {
    let e = store
        .exception(caller.user.org_id, id)
        .await?
        .filter(|e| may_read_exception(caller, e))
        .ok_or_else(|| AppError::no_such("exception"))?;
    if e.requested_by != caller.user.id && !caller.may(Permission::EditPolicies) {
        return Err(AppError::Forbidden(
            "only the requester, or someone who edits policies, changes an exception".into(),
        ));
    }
    Ok(e)
}

/// Asks for a later expiry; someone else approves it.
pub async fn extend_exception(
    store: &Store,
    caller: &Caller,
    id: ExceptionId,
    expires_on: time::Date,
) -> AppResult<PolicyException> {
    own_exception(store, caller, id).await?;
    Ok(store
        .extend_exception(
            &caller.actor(),
            caller.user.org_id,
            id,
            caller.user.id,
            expires_on,
        )
        .await?)
}

/// Ends an exception early.
pub async fn close_exception(
    store: &Store,
    caller: &Caller,
    id: ExceptionId,
) -> AppResult<PolicyException> {
    own_exception(store, caller, id).await?;
    Ok(store
        .close_exception(&caller.actor(), caller.user.org_id, id)
        .await?)
}
