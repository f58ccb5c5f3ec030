//! The policy register as it stood at the end of a day, for a reader who
//! chose an audit period: policies entered by then, each with the version
//! then in force and its newest version then written, in the state its
//! dates give it (`mandate_core::policy::as_of`).

use crate::conformance::end_of;
use mandate_core::policy::PolicyVersion;
use mandate_core::policy::as_of::{VersionTimes, in_force_at, state_at};
use mandate_core::{OrgId, PolicyId};
use mandate_store::{PolicySummary, Store, StoreError, VersionDates, VersionMeta};
use std::collections::HashMap;
use time::Date;

pub async fn summaries_as_of(
    store: &Store,
    org: OrgId,
    summaries: Vec<PolicySummary>,
    day: Date,
) -> Result<Vec<PolicySummary>, StoreError> {
    let end = end_of(day);
    let mut versions: HashMap<PolicyId, Vec<VersionDates>> = HashMap::new();
    for v in store.version_dates(org).await? {
        versions.entry(v.policy_id).or_default().push(v);
    }
    let reviews = store.no_change_reviews(org).await?;
    Ok(summaries
        .into_iter()
        .filter(|s| s.policy.created_at < end)
        .map(|mut s| {
            let mine = versions.remove(&s.policy.id).unwrap_or_default();
            let times: Vec<VersionTimes> = mine.iter().map(VersionDates::times).collect();
            let in_force = in_force_at(&times, end);
            let meta = |v: &VersionDates, state| VersionMeta {
                number: v.number,
                state,
                author_id: v.author_id,
                approved_at: v.approved_at.filter(|a| *a < end),
                published_at: v.published_at.filter(|p| *p < end),
            };
            s.published = mine
                .iter()
                .find(|v| Some(v.number) == in_force)
                .map(|v| meta(v, mandate_core::policy::VersionState::Published));
            s.latest = mine
                .iter()
                .filter_map(|v| state_at(&v.times(), in_force, end).map(|st| meta(v, st)))
                .max_by_key(|m| m.number);
            s.last_no_change_review = reviews
                .iter()
                .filter(|(p, at)| *p == s.policy.id && *at < end)
                .map(|(_, at)| *at)
                .max();
            s
        })
        .collect())
}

/// A policy's versions as they stood at the end of `day`: those written by
/// then, each in the state it was in, newest first.
pub fn versions_as_of(mut versions: Vec<PolicyVersion>, day: Date) -> Vec<PolicyVersion> {
    let end = end_of(day);
    let times: Vec<VersionTimes> = versions.iter().map(times_of).collect();
    let in_force = in_force_at(&times, end);
    versions.retain_mut(|v| match state_at(&times_of(v), in_force, end) {
        Some(state) => {
            v.state = state;
            v.approved_at = v.approved_at.filter(|a| *a < end);
            v.published_at = v.published_at.filter(|p| *p < end);
            true
        }
        None => false,
    });
    versions
}

fn times_of(v: &PolicyVersion) -> VersionTimes {
    VersionTimes {
        number: v.number,
        state: v.state,
        created_at: v.created_at,
        approved_at: v.approved_at,
        published_at: v.published_at,
        updated_at: v.updated_at,
    }
}
