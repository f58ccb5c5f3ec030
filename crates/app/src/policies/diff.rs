//! What changed between two versions of a policy, line by line, for the
//! approver deciding on the newer one and the reader coming back to it.

use super::load_version;
use crate::{AppResult, Caller};
use mandate_core::PolicyId;
use mandate_core::policy::PolicyVersion;
use mandate_report::diff::{Diff, diff};
use mandate_store::Store;

/// The two versions the caller may see, and the diff between their bodies.
pub async fn version_diff(
    store: &Store,
    caller: &Caller,
    id: PolicyId,
    from: i32,
    to: i32,
) -> AppResult<(PolicyVersion, PolicyVersion, Diff)> {
    let old = load_version(store, caller, id, from).await?;
    let new = load_version(store, caller, id, to).await?;
    let d = diff(&old.body, &new.body);
    Ok((old, new, d))
}
