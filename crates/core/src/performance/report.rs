//! Performance reports to top management (5.3 b): the holder of the
//! performance-reporter duty reports on a period, and the report is recorded
//! as presented to named top-management members on a date.

use super::action::Action;
use super::kpi::{Kpi, Measurement};
use super::objective::Objective;
use super::pack::{ActionLine, ObjectiveLine, action_line, objective_lines};
use crate::ids::{OrgId, PersonId, ReportId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportContent {
    pub objectives: Vec<ObjectiveLine>,
    /// Actions open at the end of the period.
    pub open_actions: Vec<ActionLine>,
    /// Actions closed during the period.
    pub closed_actions: Vec<ActionLine>,
}

impl ReportContent {
    /// The period's figures, as the records stood at its end.
    pub fn compile(
        from: Date,
        to: Date,
        objectives: &[Objective],
        kpis: &[Kpi],
        values: &[Measurement],
        actions: &[Action],
        name: &dyn Fn(PersonId) -> String,
    ) -> Self {
        let open_actions = actions
            .iter()
            .filter(|a| a.open_on(to))
            .map(|a| action_line(a, to, name))
            .collect();
        let closed_actions = actions
            .iter()
            .filter(|a| a.closed_on.is_some_and(|c| from <= c && c <= to))
            .map(|a| action_line(a, to, name))
            .collect();
        Self {
            objectives: objective_lines(to, objectives, kpis, values, actions, name, Some(from)),
            open_actions,
            closed_actions,
        }
    }
}

pub fn check_period(from: Date, to: Date, today: Date) -> Result<(), String> {
    if to < from {
        return Err("period_to: the period ends on or after it starts".into());
    }
    if to > today {
        return Err("period_to: report on a period that has ended (or ends today)".into());
    }
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerformanceReport {
    pub id: ReportId,
    pub org_id: OrgId,
    pub title: String,
    pub period_from: Date,
    pub period_to: Date,
    /// The holder of the performance-reporter duty who produced it.
    pub produced_by: PersonId,
    pub content: ReportContent,
    pub presented_on: Option<Date>,
    pub presented_to: Vec<PersonId>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_report_covers_a_period_that_has_ended() {
        let today = date!(2026 - 04 - 02);
        assert!(check_period(date!(2026 - 01 - 01), date!(2026 - 03 - 31), today).is_ok());
        assert!(check_period(date!(2026 - 04 - 01), date!(2026 - 03 - 31), today).is_err());
        assert!(check_period(date!(2026 - 04 - 01), date!(2026 - 06 - 30), today).is_err());
    }
}
