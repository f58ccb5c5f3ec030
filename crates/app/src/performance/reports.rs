//! Performance reports to top management (5.3 b): compiled from the
//! records of a period and kept as produced by the caller.

use super::compile_report;
use crate::{AppResult, Caller};
use mandate_core::performance::PerformanceReport;
use mandate_store::Store;
use time::Date;

/// Compiles and keeps a report produced by the caller; the store checks,
/// in the transaction, that they hold the performance-reporter duty.
pub async fn produce_report(
    store: &Store,
    caller: &Caller,
    title: String,
    period: (Date, Date),
) -> AppResult<PerformanceReport> {
    let org = caller.org();
    let content = compile_report(store, org, period.0, period.1).await?;
    Ok(store
        .produce_report(
            &caller.actor(),
            org,
            caller.user.person_id,
            title,
            period,
            content,
        )
        .await?)
}
