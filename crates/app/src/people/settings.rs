//! The organisation's settings: thresholds, grace periods and cadences.

use crate::{AppResult, Caller};
use mandate_core::settings::OrgSettings;
use mandate_store::Store;

/// Applies `change` to the stored settings, if they are still at `version`;
/// answers the settings kept and their new version.
pub async fn change_settings(
    store: &Store,
    caller: &Caller,
    version: i64,
    change: impl FnOnce(OrgSettings) -> OrgSettings,
) -> AppResult<(OrgSettings, i64)> {
    let org = caller.org();
    let (current, _) = store.org_settings(org).await?;
    Ok(store
        .set_org_settings(&caller.actor(), org, version, change(current))
        .await?)
}
