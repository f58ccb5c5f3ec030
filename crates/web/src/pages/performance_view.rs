//! Shared view pieces of the performance pages: status tags, KPI charts and
//! people choices.

use super::PageError;
use super::form_input::{parse_date, person_by_email};
use crate::state::AppState;
use mandate_core::performance::{ActionFields, ActionSource, ActionStatus, Health, KpiLine};
use mandate_core::{ObjectiveId, OrgId, ReviewId};
use mandate_report::{kpi_series, sparkline, trend_chart};

/// The CSS class of a status tag.
pub fn health_class(h: Health) -> &'static str {
    match h {
        Health::OnTrack => "good",
        Health::AtRisk => "warn",
        Health::OffTrack => "bad",
    }
}

/// How many objectives have one status, for the row of status tags.
pub struct HealthCount {
    pub label: &'static str,
    pub class: &'static str,
    pub count: usize,
}

impl From<(Health, usize)> for HealthCount {
    fn from((health, count): (Health, usize)) -> Self {
        Self {
            label: health.label(),
            class: health_class(health),
            count,
        }
    }
}

/// A KPI as the pages show it.
pub struct KpiView {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub target: String,
    pub direction: &'static str,
    pub frequency: &'static str,
    pub status: &'static str,
    pub class: &'static str,
    pub reasons: Vec<String>,
    pub latest: Option<String>,
    pub next_due: String,
    pub overdue: bool,
    pub chart: String,
    pub spark: String,
    /// For the edit form: the raw target, the enumeration keys, the version.
    pub target_value: f64,
    pub direction_key: &'static str,
    pub version: i64,
}

impl From<&KpiLine> for KpiView {
    fn from(k: &KpiLine) -> Self {
        Self {
            id: k.id.to_string(),
            name: k.name.clone(),
            unit: k.unit.clone(),
            target: format!("{} {}", k.target, k.unit).trim().to_string(),
            direction: k.direction.label(),
            frequency: k.frequency.as_str(),
            target_value: k.target,
            direction_key: k.direction.as_str(),
            version: 0,
            status: k.health.label(),
            class: health_class(k.health),
            reasons: k.reasons.clone(),
            latest: k
                .points
                .last()
                .map(|(d, v)| format!("{v} {} on {d}", k.unit)),
            next_due: k.next_due.to_string(),
            overdue: k.measurement_overdue,
            chart: trend_chart(&kpi_series(k)),
            spark: sparkline(&kpi_series(k)),
        }
    }
}

/// A new action as the pages' forms give it: what, whose (by email), by when.
#[derive(serde::Deserialize)]
pub struct ActionForm {
    pub title: String,
    pub owner_email: String,
    pub due_on: String,
    #[serde(default)]
    pub notes: String,
}

impl ActionForm {
    /// The fields of a new open action from `source`, linked as given.
    pub async fn fields(
        self,
        state: &AppState,
        org: OrgId,
        source: ActionSource,
        objective_id: Option<ObjectiveId>,
        review_id: Option<ReviewId>,
    ) -> Result<ActionFields, PageError> {
        Ok(ActionFields {
            title: self.title,
            owner_id: person_by_email(state, org, &self.owner_email, "owner_email").await?,
            due_on: parse_date(&self.due_on, "due_on")?,
            status: ActionStatus::Open,
            source,
            objective_id,
            review_id,
            improvement_id: None,
            notes: self.notes,
        })
    }
}
