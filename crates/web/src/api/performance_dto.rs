//! The JSON shapes of objectives, KPIs, values and actions. Enumerations
//! travel as snake_case strings; a wrong one is a 422 naming the choices.

use crate::problem::Problem;
use axum::http::StatusCode;
use mandate_core::performance::{
    ActionFields, ActionLine, ActionSource, ActionStatus, Direction, Frequency, KpiFields, KpiLine,
    ObjectiveFields, ObjectiveLine,
};
use mandate_core::{ObjectiveId, PersonId, PolicyId, ReviewId};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

pub fn invalid(message: impl Into<String>) -> Problem {
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// The version a change must carry: the record's as last read.
pub fn version_of_change(version: Option<i64>) -> Result<i64, Problem> {
    version.ok_or_else(|| invalid("version: required, as last read"))
}

/// A creation carries no version: one sent means the client meant a change.
pub fn no_version_on_create(version: Option<i64>, what: &str) -> Result<(), Problem> {
    match version {
        Some(_) => Err(invalid(format!("version: only sent when changing {what}"))),
        None => Ok(()),
    }
}

/// Parses an enumeration field, naming the choices when it is wrong.
pub fn choice<T: Copy>(
    field: &str,
    raw: &str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, Problem> {
    all.iter()
        .copied()
        .find(|v| name(*v) == raw)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
            invalid(format!(
                "{field}: {raw:?} is not one of {}",
                names.join(", ")
            ))
        })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveIn {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// One of the organisation's strategic goals, word for word.
    pub strategic_goal: String,
    pub policy_id: Uuid,
    pub owner_role_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    /// On change: the version as last read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ObjectiveIn {
    pub fn fields(&self) -> ObjectiveFields {
        ObjectiveFields {
            title: self.title.clone(),
            description: self.description.clone(),
            strategic_goal: self.strategic_goal.clone(),
            policy_id: PolicyId(self.policy_id),
            owner_role_id: self.owner_role_id,
            due_on: self.due_on,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct KpiOut {
    pub id: Uuid,
    pub name: String,
    pub unit: String,
    pub target: f64,
    /// `higher_is_better` or `lower_is_better`.
    pub direction: String,
    /// `monthly`, `quarterly`, `half_yearly` or `yearly`.
    pub frequency: String,
    /// `on_track`, `at_risk` or `off_track`.
    pub status: String,
    pub reasons: Vec<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub latest_on: Option<Date>,
    pub latest_value: Option<f64>,
    /// The next value is expected by this day.
    #[schema(value_type = String, format = Date)]
    pub next_due: Date,
    pub measurement_overdue: bool,
}

impl From<&KpiLine> for KpiOut {
    fn from(k: &KpiLine) -> Self {
        let latest = k.points.last();
        Self {
            id: k.id.0,
            name: k.name.clone(),
            unit: k.unit.clone(),
            target: k.target,
            direction: k.direction.as_str().into(),
            frequency: k.frequency.as_str().into(),
            status: k.health.as_str().into(),
            reasons: k.reasons.clone(),
            latest_on: latest.map(|p| p.0),
            latest_value: latest.map(|p| p.1),
            next_due: k.next_due,
            measurement_overdue: k.measurement_overdue,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ActionOut {
    pub id: Uuid,
    pub title: String,
    pub owner_id: Uuid,
    pub owner: String,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    /// `open`, `in_progress`, `done` or `cancelled`.
    pub status: String,
    /// `objective`, `review`, `audit`, `incident`, `nonconformity`, `feedback` or `other`.
    pub source: String,
    pub objective_id: Option<Uuid>,
    pub review_id: Option<Uuid>,
    pub improvement_id: Option<Uuid>,
    pub notes: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub closed_on: Option<Date>,
    /// Days past due while open; absent when not overdue.
    pub overdue_days: Option<i64>,
    pub version: i64,
}

impl ActionOut {
    pub fn new(a: &mandate_core::performance::Action, owner: String, today: Date) -> Self {
        Self {
            id: a.id.0,
            title: a.fields.title.clone(),
            owner_id: a.fields.owner_id.0,
            owner,
            due_on: a.fields.due_on,
            status: a.fields.status.as_str().into(),
            source: a.fields.source.as_str().into(),
            objective_id: a.fields.objective_id.map(|o| o.0),
            review_id: a.fields.review_id.map(|r| r.0),
            improvement_id: a.fields.improvement_id.map(|i| i.0),
            notes: a.fields.notes.clone(),
            closed_on: a.closed_on,
            overdue_days: a.overdue_days(today),
            version: a.version,
        }
    }
}

/// An action as compiled into a pack or report line.
#[derive(Serialize, ToSchema)]
pub struct ActionLineOut {
    pub id: Uuid,
    pub title: String,
    pub owner: String,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    pub status: String,
    pub overdue_days: Option<i64>,
}

impl From<&ActionLine> for ActionLineOut {
    fn from(a: &ActionLine) -> Self {
        Self {
            id: a.id.0,
            title: a.title.clone(),
            owner: a.owner.clone(),
            due_on: a.due_on,
            status: a.status.as_str().into(),
            overdue_days: a.overdue_days,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ObjectiveOut {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub strategic_goal: String,
    pub policy_id: Uuid,
    pub owner_role_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    /// `on_track`, `at_risk` or `off_track`, computed from its KPIs and plan.
    pub status: String,
    /// Why it has that status.
    pub reasons: Vec<String>,
    pub kpis: Vec<KpiOut>,
    /// The action plan.
    pub plan: Vec<ActionLineOut>,
    pub version: i64,
}

impl ObjectiveOut {
    pub fn new(o: &mandate_core::performance::Objective, line: &ObjectiveLine) -> Self {
        Self {
            id: o.id.0,
            title: o.fields.title.clone(),
            description: o.fields.description.clone(),
            strategic_goal: o.fields.strategic_goal.clone(),
            policy_id: o.fields.policy_id.0,
            owner_role_id: o.fields.owner_role_id,
            due_on: o.fields.due_on,
            status: line.health.as_str().into(),
            reasons: line.reasons.clone(),
            kpis: line.kpis.iter().map(KpiOut::from).collect(),
            plan: line.plan.iter().map(ActionLineOut::from).collect(),
            version: o.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KpiIn {
    pub objective_id: Uuid,
    pub name: String,
    #[serde(default)]
    pub unit: String,
    pub target: f64,
    /// `higher_is_better` or `lower_is_better`.
    pub direction: String,
    /// `monthly`, `quarterly`, `half_yearly` or `yearly`.
    pub frequency: String,
    /// On change: the version as last read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl KpiIn {
    pub fn fields(&self) -> Result<KpiFields, Problem> {
        Ok(KpiFields {
            objective_id: ObjectiveId(self.objective_id),
            name: self.name.clone(),
            unit: self.unit.clone(),
            target: self.target,
            direction: choice(
                "direction",
                &self.direction,
                &Direction::ALL,
                Direction::as_str,
            )?,
            frequency: choice(
                "frequency",
                &self.frequency,
                &Frequency::ALL,
                Frequency::as_str,
            )?,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct KpiRecordOut {
    pub id: Uuid,
    pub objective_id: Uuid,
    pub name: String,
    pub unit: String,
    pub target: f64,
    pub direction: String,
    pub frequency: String,
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    pub version: i64,
}

impl From<mandate_core::performance::Kpi> for KpiRecordOut {
    fn from(k: mandate_core::performance::Kpi) -> Self {
        Self {
            id: k.id.0,
            objective_id: k.fields.objective_id.0,
            name: k.fields.name,
            unit: k.fields.unit,
            target: k.fields.target,
            direction: k.fields.direction.as_str().into(),
            frequency: k.fields.frequency.as_str().into(),
            starts_on: k.starts_on,
            version: k.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionIn {
    pub title: String,
    pub owner_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    /// `open` (default), `in_progress`, `done` or `cancelled`.
    #[serde(default)]
    pub status: Option<String>,
    /// `objective`, `review`, `audit`, `incident`, `nonconformity`, `feedback` or
    /// `other`; defaults from the link (objective or review), else `other`.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub objective_id: Option<Uuid>,
    #[serde(default)]
    pub review_id: Option<Uuid>,
    /// For a corrective action: the entry of the improvement register.
    #[serde(default)]
    pub improvement_id: Option<Uuid>,
    #[serde(default)]
    pub notes: String,
    /// On change: the version as last read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ActionIn {
    pub fn fields(&self) -> Result<ActionFields, Problem> {
        let status = match &self.status {
            Some(raw) => choice("status", raw, &ActionStatus::ALL, ActionStatus::as_str)?,
            None => ActionStatus::Open,
        };
        let source = match (&self.source, self.objective_id, self.review_id) {
            (Some(raw), _, _) => choice("source", raw, &ActionSource::ALL, ActionSource::as_str)?,
            (None, Some(_), _) => ActionSource::Objective,
            (None, None, Some(_)) => ActionSource::Review,
            (None, None, None) => ActionSource::Other,
        };
        Ok(ActionFields {
            title: self.title.clone(),
            owner_id: PersonId(self.owner_id),
            due_on: self.due_on,
            status,
            source,
            objective_id: self.objective_id.map(ObjectiveId),
            review_id: self.review_id.map(ReviewId),
            improvement_id: self.improvement_id.map(mandate_core::ImprovementId),
            notes: self.notes.clone(),
        })
    }
}
