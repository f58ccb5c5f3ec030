//! Information security objectives (5.1 a, 6.2): measurable, linked to a
//! strategic goal of the organisation and to the policy they serve, owned by
//! an ISMS role, due by a date. Their status comes from their KPIs and plan.

use super::action::Action;
use super::health::{Assessment, Health};
use super::kpi::{Kpi, Measurement};
use crate::ids::{ObjectiveId, OrgId, PolicyId};
use crate::roles::RoleId;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveFields {
    pub title: String,
    pub description: String,
    /// One of the organisation's strategic goals, word for word.
    pub strategic_goal: String,
    pub policy_id: PolicyId,
    pub owner_role_id: RoleId,
    pub due_on: Date,
}

impl ObjectiveFields {
    /// Checks the fields on their own; that the goal is one of the
    /// organisation's and the policy and role exist is the store's to check.
    pub fn validated(mut self) -> Result<Self, String> {
        self.title = self.title.trim().to_string();
        self.description = self.description.trim().to_string();
        self.strategic_goal = self.strategic_goal.trim().to_string();
        if self.title.is_empty() || self.title.chars().count() > 200 {
            return Err("title: name the objective, in at most 200 characters".into());
        }
        if self.description.chars().count() > 5000 {
            return Err("description: at most 5,000 characters".into());
        }
        if self.due_on < super::kpi::EARLIEST_DAY {
            return Err("due_on: check the year".into());
        }
        if self.strategic_goal.is_empty() {
            return Err("strategic_goal: name the strategic goal this objective serves".into());
        }
        Ok(self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objective {
    pub id: ObjectiveId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub fields: ObjectiveFields,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl Objective {
    /// The objective's status on `day`: the worst of its KPIs, lowered by
    /// overdue plan items, and off track once its due date passes unmet.
    pub fn assess(
        &self,
        day: Date,
        kpis: &[Kpi],
        values: &[Measurement],
        actions: &[Action],
    ) -> Assessment {
        let mine: Vec<&Kpi> = kpis
            .iter()
            .filter(|k| k.fields.objective_id == self.id && k.starts_on <= day)
            .collect();
        let mut assessment = Assessment {
            health: Health::OnTrack,
            reasons: Vec::new(),
        };
        if mine.is_empty() {
            assessment.worsen(Health::AtRisk, "no KPI measures this objective yet");
        }
        for kpi in &mine {
            let kpi_status = kpi.assess(day, &super::kpi::values_of(values, kpi.id));
            for reason in kpi_status.reasons {
                assessment.worsen(kpi_status.health, reason);
            }
        }
        let late = actions
            .iter()
            .filter(|a| a.fields.objective_id == Some(self.id))
            .filter(|a| a.overdue_days(day).is_some())
            .count();
        if late > 0 {
            assessment.worsen(
                Health::AtRisk,
                format!("{late} item(s) of the action plan overdue"),
            );
        }
        if day > self.fields.due_on && assessment.health != Health::OnTrack {
            assessment.worsen(
                Health::OffTrack,
                format!("due on {} and not achieved", self.fields.due_on),
            );
        }
        if assessment.reasons.is_empty() {
            assessment.reasons.push("every KPI meets its target".into());
        }
        assessment
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::performance::action::{ActionFields, ActionSource, ActionStatus};
    use crate::performance::kpi::Direction;
    use crate::performance::kpi::tests::{kpi, value};
    use crate::{ActionId, PersonId};
    use time::macros::{date, datetime};

    fn objective(due_on: Date) -> Objective {
        Objective {
            id: ObjectiveId::new(),
            org_id: OrgId::new(),
            fields: ObjectiveFields {
                title: "Staff resist phishing".into(),
                description: String::new(),
                strategic_goal: "Win public-sector customers".into(),
                policy_id: PolicyId::new(),
                owner_role_id: uuid::Uuid::now_v7(),
                due_on,
            },
            created_at: datetime!(2026-01-01 0:00 UTC),
            updated_at: datetime!(2026-01-01 0:00 UTC),
            version: 1,
        }
    }

    fn measured_by(o: &Objective, target: f64) -> Kpi {
        let mut k = kpi(target, Direction::LowerIsBetter);
        k.fields.objective_id = o.id;
        k
    }

    #[test]
    fn the_worst_kpi_decides_and_its_reason_is_shown() {
        let o = objective(date!(2026 - 12 - 31));
        let good = measured_by(&o, 5.0);
        let bad = measured_by(&o, 2.0);
        let values = [
            value(&good, date!(2026 - 03 - 31), 4.0),
            value(&bad, date!(2026 - 03 - 31), 8.0),
        ];
        let status = o.assess(date!(2026 - 04 - 05), &[good, bad], &values, &[]);
        assert_eq!(status.health, Health::OffTrack);
        assert_eq!(status.reasons.len(), 1);
        assert!(
            status.reasons[0].contains("8 % on 2026-03-31 misses"),
            "{status:?}"
        );
    }

    #[test]
    fn no_kpi_or_a_late_plan_item_puts_it_at_risk_and_a_passed_due_date_off_track() {
        let o = objective(date!(2026 - 06 - 30));
        let unmeasured = o.assess(date!(2026 - 02 - 01), &[], &[], &[]);
        assert_eq!(unmeasured.health, Health::AtRisk);

        let k = measured_by(&o, 5.0);
        let values = [value(&k, date!(2026 - 05 - 31), 3.0)];
        let item = Action {
            id: ActionId::new(),
            org_id: o.org_id,
            fields: ActionFields {
                title: "Run a campaign".into(),
                owner_id: PersonId::new(),
                due_on: date!(2026 - 05 - 31),
                status: ActionStatus::Open,
                source: ActionSource::Objective,
                objective_id: Some(o.id),
                review_id: None,
                improvement_id: None,
                notes: String::new(),
            },
            closed_on: None,
            created_at: datetime!(2026-01-02 0:00 UTC),
            updated_at: datetime!(2026-01-02 0:00 UTC),
            version: 1,
        };
        let kpis = [k];
        let on_time = o.assess(date!(2026 - 06 - 01), &kpis, &values, &[]);
        assert_eq!(on_time.health, Health::OnTrack);
        let late = o.assess(
            date!(2026 - 06 - 10),
            &kpis,
            &values,
            std::slice::from_ref(&item),
        );
        assert_eq!(late.health, Health::AtRisk);
        assert!(late.reasons[0].contains("1 item(s) of the action plan overdue"));
        let past_due = o.assess(date!(2026 - 07 - 01), &kpis, &values, &[item]);
        assert_eq!(past_due.health, Health::OffTrack);
        assert!(past_due.reasons[0].contains("due on 2026-06-30"));
    }
}
