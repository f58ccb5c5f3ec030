//! Actions: something someone must do by a date, from an objective's action
//! plan, a management review, an audit, an incident or staff feedback. An
//! action still open after its due date is overdue wherever it is shown.

use crate::ids::{ActionId, ImprovementId, ObjectiveId, OrgId, PersonId, ReviewId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Open,
    InProgress,
    Done,
    Cancelled,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::Open,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in progress",
            ActionStatus::Done => "done",
            ActionStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::InProgress)
    }
}

/// Where an action comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionSource {
    Objective,
    Review,
    Audit,
    Incident,
    Nonconformity,
    Feedback,
    Other,
}

impl ActionSource {
    pub const ALL: [ActionSource; 7] = [
        ActionSource::Objective,
        ActionSource::Review,
        ActionSource::Audit,
        ActionSource::Incident,
        ActionSource::Nonconformity,
        ActionSource::Feedback,
        ActionSource::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionSource::Objective => "objective",
            ActionSource::Review => "review",
            ActionSource::Audit => "audit",
            ActionSource::Incident => "incident",
            ActionSource::Nonconformity => "nonconformity",
            ActionSource::Feedback => "feedback",
            ActionSource::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Improvement actions: those a review looks at under "nonconformities
    /// and corrective actions" rather than under objectives or earlier reviews.
    pub fn is_improvement(self) -> bool {
        !matches!(self, ActionSource::Objective | ActionSource::Review)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionFields {
    pub title: String,
    pub owner_id: PersonId,
    pub due_on: Date,
    pub status: ActionStatus,
    pub source: ActionSource,
    /// Set for an item of an objective's action plan.
    pub objective_id: Option<ObjectiveId>,
    /// Set for an action decided in a management review.
    pub review_id: Option<ReviewId>,
    /// Set for a corrective action of a nonconformity, or an action taking
    /// up an opportunity for improvement.
    #[serde(default)]
    pub improvement_id: Option<ImprovementId>,
    pub notes: String,
}

impl ActionFields {
    pub fn validated(mut self) -> Result<Self, String> {
        self.title = self.title.trim().to_string();
        self.notes = self.notes.trim().to_string();
        if self.title.is_empty() || self.title.chars().count() > 300 {
            return Err("title: say what is to be done, in at most 300 characters".into());
        }
        if self.due_on < super::kpi::EARLIEST_DAY {
            return Err("due_on: check the year".into());
        }
        if self.notes.chars().count() > 5000 {
            return Err("notes: at most 5,000 characters".into());
        }
        // The link and the source say the same thing; keep them consistent.
        match (self.source, self.objective_id, self.review_id) {
            (ActionSource::Objective, None, _) => {
                Err("objective_id: an action of an objective's plan names the objective".into())
            }
            (ActionSource::Review, _, None) => {
                Err("review_id: an action from a review names the review".into())
            }
            (s, Some(_), _) if s != ActionSource::Objective => {
                Err("source: an action linked to an objective has the source \"objective\"".into())
            }
            (s, _, Some(_)) if s != ActionSource::Review => {
                Err("source: an action linked to a review has the source \"review\"".into())
            }
            _ if self.improvement_id.is_some() && !self.source.is_improvement() => Err(
                "source: an action of the improvement register comes from an audit, an incident, a nonconformity, feedback or elsewhere".into(),
            ),
            _ => Ok(self),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub id: ActionId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub fields: ActionFields,
    /// The day it was done or cancelled; open actions have none.
    pub closed_on: Option<Date>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl Action {
    /// Whether the action was still open on `day` (closing is dated).
    pub fn open_on(&self, day: Date) -> bool {
        self.created_at.date() <= day && self.closed_on.is_none_or(|closed| closed > day)
    }

    /// Days past due on `day`, if it was open and late then.
    pub fn overdue_days(&self, day: Date) -> Option<i64> {
        (self.open_on(day) && day > self.fields.due_on)
            .then(|| (day - self.fields.due_on).whole_days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn action(due_on: Date, closed_on: Option<Date>) -> Action {
        Action {
            id: ActionId::new(),
            org_id: OrgId::new(),
            fields: ActionFields {
                title: "Patch the VPN".into(),
                owner_id: PersonId::new(),
                due_on,
                status: if closed_on.is_some() {
                    ActionStatus::Done
                } else {
                    ActionStatus::Open
                },
                source: ActionSource::Audit,
                objective_id: None,
                review_id: None,
                improvement_id: None,
                notes: String::new(),
            },
            closed_on,
            created_at: datetime!(2026-01-05 9:00 UTC),
            updated_at: datetime!(2026-01-05 9:00 UTC),
            version: 1,
        }
    }

    #[test]
    fn an_open_action_past_its_due_date_is_overdue_until_closed() {
        let a = action(date!(2026 - 03 - 31), Some(date!(2026 - 05 - 10)));
        assert_eq!(a.overdue_days(date!(2026 - 03 - 31)), None);
        assert_eq!(a.overdue_days(date!(2026 - 04 - 10)), Some(10));
        assert_eq!(
            a.overdue_days(date!(2026 - 05 - 10)),
            None,
            "closed that day"
        );
        assert!(!a.open_on(date!(2026 - 01 - 04)), "not yet created");
    }

    #[test]
    fn the_source_and_the_link_agree() {
        let fields = action(date!(2026 - 03 - 31), None).fields;
        assert!(fields.clone().validated().is_ok());
        let unlinked = ActionFields {
            source: ActionSource::Review,
            ..fields.clone()
        };
        assert!(
            unlinked
                .validated()
                .expect_err("refused")
                .starts_with("review_id")
        );
        let mislabelled = ActionFields {
            objective_id: Some(ObjectiveId::new()),
            ..fields
        };
        assert!(
            mislabelled
                .validated()
                .expect_err("refused")
                .starts_with("source")
        );
    }
}
