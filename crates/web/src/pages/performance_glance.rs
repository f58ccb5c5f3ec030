//! The dashboard's performance card: objectives at a glance with their KPI
//! sparklines, overdue actions, and the next management review.

use super::PageError;
use super::objectives::ObjectiveRow;
use super::performance_view::HealthCount;
use crate::auth::Viewer;
use crate::state::AppState;
use mandate_app::performance::PerformanceRecords;
use mandate_core::performance::ReviewSchedule;

pub struct PerformanceGlance {
    pub objectives: Vec<ObjectiveRow>,
    pub counts: Vec<HealthCount>,
    pub overdue_actions: usize,
    pub open_actions: usize,
    pub schedule: ReviewSchedule,
    /// The next review not yet held.
    pub next_review: Option<NextReview>,
}

/// A management review planned and not yet held.
pub struct NextReview {
    pub id: String,
    pub title: String,
    pub planned_on: String,
}

impl PerformanceGlance {
    pub async fn load(state: &AppState, viewer: &Viewer) -> Result<Self, PageError> {
        let org = viewer.user.org_id;
        let today = viewer.day();
        let records = PerformanceRecords::load(&state.store, org)
            .await?
            .as_of(today);
        let lines = records.objective_lines(today);
        let reviews = state.store.management_reviews(org).await?;
        let next_review = reviews
            .iter()
            .filter(|r| r.held_on.is_none())
            .min_by_key(|r| r.planned_on)
            .map(|r| NextReview {
                id: r.id.to_string(),
                title: r.title.clone(),
                planned_on: r.planned_on.to_string(),
            });
        Ok(Self {
            objectives: lines.iter().map(ObjectiveRow::from).collect(),
            counts: records
                .health_counts(today)
                .into_iter()
                .map(HealthCount::from)
                .collect(),
            overdue_actions: records
                .actions
                .iter()
                .filter(|a| a.overdue_days(today).is_some())
                .count(),
            open_actions: records
                .actions
                .iter()
                .filter(|a| a.fields.status.is_open())
                .count(),
            schedule: mandate_app::performance::schedule(
                &state.store,
                viewer.user.org_id,
                mandate_core::timefmt::now().date(),
            )
            .await?,
            next_review,
        })
    }
}
