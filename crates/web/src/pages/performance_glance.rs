//! The dashboard's performance card: objectives at a glance with their KPI
//! sparklines, overdue actions, and the next management review.

use super::PageError;
use super::objectives::ObjectiveRow;
use super::performance_view::health_class;
use crate::auth::Viewer;
use crate::state::AppState;
use mandate_app::performance::PerformanceRecords;
use mandate_core::performance::ReviewSchedule;

pub struct PerformanceGlance {
    pub objectives: Vec<ObjectiveRow>,
    pub counts: Vec<(&'static str, &'static str, usize)>,
    pub overdue_actions: usize,
    pub open_actions: usize,
    pub schedule: ReviewSchedule,
    /// (id, title, planned on) of the next review not yet held.
    pub next_review: Option<(String, String, String)>,
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
            .map(|r| (r.id.to_string(), r.title.clone(), r.planned_on.to_string()));
        Ok(Self {
            objectives: lines.iter().map(ObjectiveRow::from).collect(),
            counts: records
                .health_counts(today)
                .into_iter()
                .map(|(h, n)| (h.label(), health_class(h), n))
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
