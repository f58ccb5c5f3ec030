//! Management reviews (9.3, asked for by 5.1): where the organisation
//! stands against its cadence, and preparing a review's pack.

use super::compile_review_pack;
use crate::{AppResult, Caller};
use mandate_core::ReviewId;
use mandate_core::performance::{ManagementReview, ReviewSchedule};
use mandate_store::Store;
use time::Date;

/// Where the organisation stands against its review cadence on `today`.
pub async fn schedule(
    store: &Store,
    org: mandate_core::OrgId,
    today: Date,
) -> AppResult<ReviewSchedule> {
    let cadence = store.review_cadence(org).await?;
    let held: Vec<Date> = store
        .management_reviews(org)
        .await?
        .iter()
        .filter_map(|r| r.held_on)
        .collect();
    let since = store
        .organisation(org)
        .await?
        .map_or(today, |o| o.created_at.date());
    Ok(ReviewSchedule::on(today, cadence, &held, since))
}

/// Compiles the review's pack from the live records of today and keeps it.
pub async fn prepare_review(
    store: &Store,
    caller: &Caller,
    id: ReviewId,
) -> AppResult<ManagementReview> {
    let org = caller.org();
    let review = store.management_review(org, id).await?;
    let pack = compile_review_pack(store, org, &review, caller.now.date()).await?;
    Ok(store.prepare_review(&caller.actor(), org, id, pack).await?)
}
