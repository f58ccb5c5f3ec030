//! Who sees which policy: those who read work in progress see every policy;
//! everyone else sees the published ones addressed to them, so that a
//! policy's versions are not read around the list.

use super::{roles_held, summaries_as_of};
use crate::{AppResult, Caller};
use mandate_core::Permission;
use mandate_store::{PolicySummary, Store};

/// The policies a viewer may see: all for those who read work in progress,
/// the published ones for everyone else.
pub async fn visible_policies(store: &Store, caller: &Caller) -> AppResult<Vec<PolicySummary>> {
    let all = store.policy_summaries(caller.user.org_id).await?;
    if caller.period.is_some() {
        return Ok(summaries_as_of(store, caller.user.org_id, all, caller.day()).await?);
    }
    if caller.may(Permission::ReadPolicyWork) {
        return Ok(all);
    }
    // Staff see what is published and addressed to them; work in progress
    // stays out of sight, even as a version number.
    let person = store
        .person(caller.user.org_id, caller.user.person_id)
        .await?;
    let roles: Vec<String> = roles_held(store, caller)
        .await?
        .into_iter()
        .map(|r| r.fields.name)
        .collect();
    let today = caller.now.date();
    Ok(all
        .into_iter()
        .filter(|s| s.published.is_some())
        .filter(|s| {
            person.as_ref().is_some_and(|p| {
                mandate_core::acknowledgement::in_audience(
                    &s.policy.fields.audience,
                    &mandate_core::acknowledgement::Membership {
                        person: p,
                        roles: &roles,
                    },
                    today,
                )
            })
        })
        .map(|s| PolicySummary {
            latest: s.published.clone(),
            ..s
        })
        .collect())
}
