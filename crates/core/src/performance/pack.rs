//! The management review pack: the review's inputs compiled from the live
//! records on one day. Holding the review freezes it, so the record shows
//! what management saw, whatever changes afterwards.

use super::action::{Action, ActionSource, ActionStatus};
use super::health::Health;
use super::kpi::{Direction, Frequency, Kpi, Measurement};
use super::objective::Objective;
use crate::ids::{ActionId, KpiId, ObjectiveId, PersonId, PolicyId, ReviewId};
use serde::{Deserialize, Serialize};
use time::Date;

/// How many of a KPI's latest values a pack or report carries for its chart.
pub const POINTS_KEPT: usize = 24;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionLine {
    pub id: ActionId,
    pub title: String,
    pub owner: String,
    pub due_on: Date,
    pub status: ActionStatus,
    pub source: ActionSource,
    pub overdue_days: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiLine {
    pub id: KpiId,
    pub name: String,
    pub unit: String,
    pub target: f64,
    pub direction: Direction,
    pub frequency: Frequency,
    pub health: Health,
    pub reasons: Vec<String>,
    pub next_due: Date,
    pub measurement_overdue: bool,
    /// The latest values up to the day, oldest first.
    pub points: Vec<(Date, f64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveLine {
    pub id: ObjectiveId,
    pub title: String,
    pub strategic_goal: String,
    pub due_on: Date,
    pub health: Health,
    pub reasons: Vec<String>,
    pub kpis: Vec<KpiLine>,
    pub plan: Vec<ActionLine>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyLine {
    pub id: PolicyId,
    pub title: String,
    pub published_version: Option<i64>,
    /// "review due by …", "review overdue since …", "never approved".
    pub review: String,
    pub review_overdue: bool,
    pub open_exceptions: usize,
    pub expired_exceptions: usize,
}

/// What changed since the last review held.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeSummary {
    pub since: Option<Date>,
    /// Audited changes by kind of record, most first.
    pub changes_by_record: Vec<(String, i64)>,
    /// "Access control policy v3", published since.
    pub versions_published: Vec<String>,
    pub people_joined: i64,
    pub people_left: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewPack {
    pub compiled_on: Date,
    pub earlier_actions: Vec<ActionLine>,
    pub objectives: Vec<ObjectiveLine>,
    pub improvement_actions: Vec<ActionLine>,
    pub policies: Vec<PolicyLine>,
    pub role_gaps: Vec<String>,
    pub changes: ChangeSummary,
}

impl ReviewPack {
    /// The pack as stored: its JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The SHA-256 of the stored text, recorded in the audit log when the
    /// review is held, so anyone can check a frozen pack against the log.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(self.to_json().as_bytes()))
    }

    pub fn empty(compiled_on: Date) -> Self {
        Self {
            compiled_on,
            earlier_actions: Vec::new(),
            objectives: Vec::new(),
            improvement_actions: Vec::new(),
            policies: Vec::new(),
            role_gaps: Vec::new(),
            changes: ChangeSummary::default(),
        }
    }
}

/// The live records a pack is compiled from. Policy lines, role gaps and
/// changes arrive already phrased (their rules live with their records).
pub struct PackSources<'a> {
    pub day: Date,
    pub objectives: &'a [Objective],
    pub kpis: &'a [Kpi],
    pub measurements: &'a [Measurement],
    pub actions: &'a [Action],
    /// Reviews held before this one: their actions are "earlier actions".
    pub earlier_reviews: &'a [ReviewId],
    pub person_name: &'a dyn Fn(PersonId) -> String,
    pub policies: Vec<PolicyLine>,
    pub role_gaps: Vec<String>,
    pub changes: ChangeSummary,
}

pub fn action_line(action: &Action, day: Date, name: &dyn Fn(PersonId) -> String) -> ActionLine {
    ActionLine {
        id: action.id,
        title: action.fields.title.clone(),
        owner: name(action.fields.owner_id),
        due_on: action.fields.due_on,
        status: action.fields.status,
        source: action.fields.source,
        overdue_days: action.overdue_days(day),
    }
}

/// A KPI's line on `day`, keeping values measured from `from` (if given).
pub fn kpi_line(kpi: &Kpi, day: Date, values: &[Measurement], from: Option<Date>) -> KpiLine {
    let values: &[Measurement] = &super::kpi::values_of(values, kpi.id);
    let status = kpi.assess(day, values);
    let mut points: Vec<(Date, f64)> = values
        .iter()
        .filter(|m| m.kpi_id == kpi.id && m.measured_on <= day)
        .filter(|m| from.is_none_or(|f| m.measured_on >= f))
        .map(|m| (m.measured_on, m.value))
        .collect();
    points.sort_by_key(|p| p.0);
    let skip = points.len().saturating_sub(POINTS_KEPT);
    KpiLine {
        id: kpi.id,
        name: kpi.fields.name.clone(),
        unit: kpi.fields.unit.clone(),
        target: kpi.fields.target,
        direction: kpi.fields.direction,
        frequency: kpi.fields.frequency,
        health: status.health,
        reasons: status.reasons,
        next_due: kpi.next_due(day, values),
        measurement_overdue: kpi.measurement_overdue(day, values),
        points: points.split_off(skip),
    }
}

/// Every objective with its KPIs (those measured by `day`) and plan.
pub fn objective_lines(
    day: Date,
    objectives: &[Objective],
    kpis: &[Kpi],
    values: &[Measurement],
    actions: &[Action],
    name: &dyn Fn(PersonId) -> String,
    from: Option<Date>,
) -> Vec<ObjectiveLine> {
    objectives
        .iter()
        .map(|o| {
            let status = o.assess(day, kpis, values, actions);
            ObjectiveLine {
                id: o.id,
                title: o.fields.title.clone(),
                strategic_goal: o.fields.strategic_goal.clone(),
                due_on: o.fields.due_on,
                health: status.health,
                reasons: status.reasons,
                kpis: kpis
                    .iter()
                    .filter(|k| k.fields.objective_id == o.id && k.starts_on <= day)
                    .map(|k| kpi_line(k, day, values, from))
                    .collect(),
                plan: actions
                    .iter()
                    .filter(|a| a.fields.objective_id == Some(o.id) && a.created_at.date() <= day)
                    .map(|a| action_line(a, day, name))
                    .collect(),
            }
        })
        .collect()
}

/// Compiles the pack: earlier reviews' actions (open, or closed since the
/// last review), objectives and KPIs, open improvement actions, and the
/// policy, role and change summaries.
pub fn compile_pack(sources: PackSources<'_>) -> ReviewPack {
    let day = sources.day;
    let since = sources.changes.since;
    let name = sources.person_name;
    let recent = |a: &&Action| {
        a.open_on(day)
            || a.closed_on
                .is_some_and(|c| since.is_none_or(|s| c >= s) && c <= day)
    };
    let earlier_actions = sources
        .actions
        .iter()
        .filter(|a| {
            a.fields
                .review_id
                .is_some_and(|r| sources.earlier_reviews.contains(&r))
        })
        .filter(recent)
        .map(|a| action_line(a, day, name))
        .collect();
    let improvement_actions = sources
        .actions
        .iter()
        .filter(|a| a.fields.source.is_improvement())
        .filter(recent)
        .map(|a| action_line(a, day, name))
        .collect();
    ReviewPack {
        compiled_on: day,
        earlier_actions,
        objectives: objective_lines(
            day,
            sources.objectives,
            sources.kpis,
            sources.measurements,
            sources.actions,
            name,
            None,
        ),
        improvement_actions,
        policies: sources.policies,
        role_gaps: sources.role_gaps,
        changes: sources.changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::OrgId;
    use crate::performance::action::ActionFields;
    use time::macros::{date, datetime};

    fn action(source: ActionSource, review: Option<ReviewId>, closed_on: Option<Date>) -> Action {
        Action {
            id: ActionId::new(),
            org_id: OrgId::new(),
            fields: ActionFields {
                title: format!("{source:?}"),
                owner_id: PersonId::new(),
                due_on: date!(2026 - 02 - 28),
                status: if closed_on.is_some() {
                    ActionStatus::Done
                } else {
                    ActionStatus::Open
                },
                source,
                objective_id: None,
                review_id: review,
                improvement_id: None,
                notes: String::new(),
            },
            closed_on,
            created_at: datetime!(2026-01-10 0:00 UTC),
            updated_at: datetime!(2026-01-10 0:00 UTC),
            version: 1,
        }
    }

    #[test]
    fn the_pack_carries_earlier_review_actions_still_relevant_and_open_improvements() {
        let earlier = ReviewId::new();
        let actions = [
            action(ActionSource::Review, Some(earlier), None),
            action(
                ActionSource::Review,
                Some(earlier),
                Some(date!(2026 - 01 - 20)),
            ),
            action(
                ActionSource::Review,
                Some(earlier),
                Some(date!(2026 - 03 - 05)),
            ),
            action(ActionSource::Review, Some(ReviewId::new()), None),
            action(ActionSource::Audit, None, None),
            action(ActionSource::Incident, None, Some(date!(2026 - 01 - 15))),
        ];
        let pack = compile_pack(PackSources {
            day: date!(2026 - 03 - 20),
            objectives: &[],
            kpis: &[],
            measurements: &[],
            actions: &actions,
            earlier_reviews: &[earlier],
            person_name: &|_| "Ada".to_string(),
            policies: Vec::new(),
            role_gaps: vec!["Nobody holds the CISO role".into()],
            changes: ChangeSummary {
                since: Some(date!(2026 - 02 - 01)),
                ..ChangeSummary::default()
            },
        });
        // The one closed before the last review is old news; the other two stay.
        assert_eq!(pack.earlier_actions.len(), 2);
        assert_eq!(pack.earlier_actions[0].overdue_days, Some(20));
        assert_eq!(pack.improvement_actions.len(), 1);
        assert_eq!(pack.improvement_actions[0].source, ActionSource::Audit);
        assert_eq!(pack.role_gaps.len(), 1);
    }
}
