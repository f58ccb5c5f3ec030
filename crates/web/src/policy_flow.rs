//! The policy workflow steps that need more than the store: the approver's
//! authority, the 5.2 a-d check on submission, and what a viewer may see.
//! The API and the pages both call these, so the rules hold on either path.

use crate::auth::Viewer;
use crate::problem::Problem;
use crate::state::AppState;
use axum::http::StatusCode;
use mandate_core::policy::authority::{self, Authority};
use mandate_core::policy::{
    Action, ApprovalStatus, Policy, PolicyException, PolicyKind, PolicyVersion, Verdict,
    VersionState,
};
use mandate_core::roles::Role;
use mandate_core::{ExceptionId, Permission, PolicyId};
use mandate_report::markdown::{Element, elements_present};

/// The authority a decision on `policy` needs.
pub fn authority_for(policy: &Policy) -> Authority {
    match policy.fields.kind {
        PolicyKind::TopLevel => Authority::ApproveTopLevelPolicy,
        PolicyKind::Topic => Authority::ApprovePolicy,
    }
}

fn lacks(authority: Authority) -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        format!(
            "deciding this needs the authority to {}, given by an ISMS role you hold today; you hold none that gives it",
            authority.describe()
        ),
    )
}

/// The ISMS roles the viewer holds today.
pub async fn roles_held(state: &AppState, viewer: &Viewer) -> Result<Vec<Role>, Problem> {
    let org = viewer.user.org_id;
    let today = mandate_core::timefmt::now().date();
    let held: Vec<_> = state
        .store
        .assignments(org, Some(viewer.user.person_id))
        .await?
        .into_iter()
        .filter(|a| a.current_on(today))
        .map(|a| a.terms.role_id)
        .collect();
    Ok(state
        .store
        .roles(org)
        .await?
        .into_iter()
        .filter(|r| held.contains(&r.id))
        .collect())
}

/// The role that gives the viewer `authority` right now, if any.
pub async fn authority_held(
    state: &AppState,
    viewer: &Viewer,
    authority: Authority,
) -> Result<Option<String>, Problem> {
    if !authority::access_role_may_approve(viewer.user.access_role) {
        return Ok(None);
    }
    let roles = roles_held(state, viewer).await?;
    Ok(authority::holds(&viewer.user, &roles, authority))
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
pub fn may_see(viewer: &Viewer, version: &PolicyVersion) -> bool {
    viewer.may(Permission::ReadPolicyWork)
        || matches!(
            version.state,
            VersionState::Published | VersionState::Superseded
        )
}

/// A policy the viewer may see: any, for those who read work in progress;
/// one addressed to them, for everyone else (as the policy list has it), so
/// that its versions are not read around the list.
pub async fn load_policy(
    state: &AppState,
    viewer: &Viewer,
    id: PolicyId,
) -> Result<Policy, Problem> {
    let policy = state
        .store
        .policy(viewer.user.org_id, id)
        .await?
        .filter(|_| viewer.may(Permission::ReadPolicyWork));
    if let Some(policy) = policy {
        return Ok(policy);
    }
    let summary = crate::api::policies::visible_policies(state, viewer)
        .await?
        .into_iter()
        .find(|s| s.policy.id == id)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no such policy"))?;
    Ok(summary.policy)
}

pub async fn load_version(
    state: &AppState,
    viewer: &Viewer,
    policy: PolicyId,
    number: i32,
) -> Result<PolicyVersion, Problem> {
    if !viewer.may(Permission::ReadPolicyWork) {
        load_policy(state, viewer, policy).await?;
    }
    state
        .store
        .policy_version(viewer.user.org_id, policy, number)
        .await?
        .filter(|v| may_see(viewer, v))
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no such version of this policy"))
}

/// Submits a version for approval. A top-level version that lacks one of
/// the 5.2 a-d elements is refused unless the author confirms.
pub async fn submit(
    state: &AppState,
    viewer: &Viewer,
    policy: PolicyId,
    number: i32,
    confirm_missing_elements: bool,
) -> Result<PolicyVersion, Problem> {
    let p = load_policy(state, viewer, policy).await?;
    let version = load_version(state, viewer, policy, number).await?;
    if p.fields.kind == PolicyKind::TopLevel && !confirm_missing_elements {
        let missing = missing_elements(&version.body);
        if !missing.is_empty() {
            let list: Vec<&str> = missing.iter().map(|e| e.describe()).collect();
            return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "the top-level policy should carry every element of 5.2; this version lacks: {}. \
                     Tag a section for each (for example `## Scope {{.clause-5-2-a}}`), or confirm to submit anyway",
                    list.join("; ")
                ),
            ));
        }
    }
    Ok(state
        .store
        .step_version(
            &viewer.actor(),
            viewer.user.org_id,
            policy,
            number,
            Action::Submit,
        )
        .await?)
}

/// An approver's decision on a version, after checking their authority.
pub async fn decide(
    state: &AppState,
    viewer: &Viewer,
    policy: PolicyId,
    number: i32,
    verdict: Verdict,
    comment: &str,
    expected_version: Option<i64>,
) -> Result<(PolicyVersion, ApprovalStatus), Problem> {
    let p = load_policy(state, viewer, policy).await?;
    let needed = authority_for(&p);
    let held = authority_held(state, viewer, needed)
        .await?
        .ok_or_else(|| lacks(needed))?;
    Ok(state
        .store
        .decide_version(
            &viewer.actor(),
            viewer.user.org_id,
            policy,
            number,
            viewer.user.id,
            verdict,
            comment,
            &held,
            expected_version,
        )
        .await?)
}

/// An approver's decision on an exception or its extension.
pub async fn decide_exception(
    state: &AppState,
    viewer: &Viewer,
    id: ExceptionId,
    verdict: Verdict,
    comment: &str,
) -> Result<PolicyException, Problem> {
    let needed = Authority::ApproveException;
    let held = authority_held(state, viewer, needed)
        .await?
        .ok_or_else(|| lacks(needed))?;
    Ok(state
        .store
        .decide_exception(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            viewer.user.id,
            verdict,
            comment,
            &held,
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
pub fn may_read_exception(viewer: &Viewer, e: &PolicyException) -> bool {
    viewer.may(Permission::ReadPolicyWork) || e.requested_by == viewer.user.id
}

async fn own_exception(
    state: &AppState,
    viewer: &Viewer,
    id: ExceptionId,
) -> Result<PolicyException, Problem> {
    let e = state
        .store
        .exception(viewer.user.org_id, id)
        .await?
        .filter(|e| may_read_exception(viewer, e))
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no such exception"))?;
    if e.requested_by != viewer.user.id && !viewer.may(Permission::EditPolicies) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "only the requester, or someone who edits policies, changes an exception",
        ));
    }
    Ok(e)
}

/// Asks for a later expiry; someone else approves it.
pub async fn extend_exception(
    state: &AppState,
    viewer: &Viewer,
    id: ExceptionId,
    expires_on: time::Date,
) -> Result<PolicyException, Problem> {
    own_exception(state, viewer, id).await?;
    Ok(state
        .store
        .extend_exception(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            viewer.user.id,
            expires_on,
        )
        .await?)
}

/// Ends an exception early.
pub async fn close_exception(
    state: &AppState,
    viewer: &Viewer,
    id: ExceptionId,
) -> Result<PolicyException, Problem> {
    own_exception(state, viewer, id).await?;
    Ok(state
        .store
        .close_exception(&viewer.actor(), viewer.user.org_id, id)
        .await?)
}
