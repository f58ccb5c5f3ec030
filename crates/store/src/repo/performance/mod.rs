//! Performance evaluation: objectives and KPIs, measurements, actions, management reviews with their changes, and performance reports.

pub(super) mod actions;
pub(super) mod management_reviews;
pub(super) mod measurements;
pub(super) mod objectives;
pub(super) mod performance_reports;
pub(super) mod performance_rows;
pub(super) mod review_changes;
