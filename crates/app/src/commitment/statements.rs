//! Leadership statements (5.1): which a reader may see.

use crate::{AppResult, Caller};
use mandate_core::Permission;
use mandate_core::commitment::statement::LeadershipStatement;
use mandate_store::Store;

/// The statements the caller may see, as of the instant they read at: all
/// for those who read commitment records, the published ones for everyone
/// else.
pub async fn visible_statements(
    store: &Store,
    caller: &Caller,
) -> AppResult<Vec<LeadershipStatement>> {
    let mut all = store.statements(caller.org()).await?;
    let at = caller.instant();
    all.retain(|s| s.created_at <= at);
    if !caller.may(Permission::ReadCommitment) {
        all.retain(|s| s.published_at.is_some());
    }
    Ok(all)
}
