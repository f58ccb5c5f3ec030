//! The improvement register (5.1 g, 10): nonconformities with their root
//! cause, corrective actions and a check that the actions worked, and
//! opportunities for improvement. Corrective actions are actions of the
//! action register linked to the entry, so they are owned, dated and
//! overdue like every other action.

use super::tidy_text;
use crate::ids::{FeedbackId, ImprovementId, OrgId, PersonId};
use crate::performance::{Action, EARLIEST_DAY};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

crate::named_enum! {
    pub enum ImprovementKind {
        Nonconformity = ("nonconformity", "Nonconformity"),
        Opportunity = ("opportunity", "Opportunity for improvement"),
    }
}

crate::named_enum! {
    /// Where it was found.
    pub enum ImprovementSource {
        Audit = ("audit", "Audit"),
        Incident = ("incident", "Incident"),
        Review = ("review", "Management review"),
        Feedback = ("feedback", "Staff feedback"),
        Other = ("other", "Other"),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImprovementFields {
    pub kind: ImprovementKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub source: ImprovementSource,
    pub raised_on: Date,
    pub owner_id: PersonId,
    /// Why the nonconformity happened; needed before it is closed.
    #[serde(default)]
    pub root_cause: String,
    /// The feedback it came from.
    #[serde(default)]
    pub feedback_id: Option<FeedbackId>,
}

impl ImprovementFields {
    pub fn validated(mut self, today: Date) -> Result<Self, String> {
        tidy_text("title", &mut self.title, 300, true)?;
        tidy_text("description", &mut self.description, 10_000, false)?;
        tidy_text("root_cause", &mut self.root_cause, 5000, false)?;
        if self.raised_on > today || self.raised_on < EARLIEST_DAY {
            return Err("raised_on: a day that has come".into());
        }
        if self.feedback_id.is_some() && self.source != ImprovementSource::Feedback {
            return Err("source: an entry from feedback has the source \"feedback\"".into());
        }
        Ok(self)
    }
}

/// A check, after the corrective actions are done, that they worked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectivenessCheck {
    pub checked_on: Date,
    pub effective: bool,
    pub note: String,
    pub checked_by: PersonId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImprovementStatus {
    /// A nonconformity whose root cause is not written down yet.
    NeedsRootCause,
    /// No action is planned yet.
    NeedsAction,
    ActionsOpen,
    /// The actions are done; a nonconformity's effectiveness is to be checked.
    AwaitingCheck,
    /// Ready to be closed.
    Resolved,
    Closed,
}

impl ImprovementStatus {
    pub fn label(self) -> &'static str {
        match self {
            ImprovementStatus::NeedsRootCause => "root cause to find",
            ImprovementStatus::NeedsAction => "action to plan",
            ImprovementStatus::ActionsOpen => "actions open",
            ImprovementStatus::AwaitingCheck => "effectiveness to check",
            ImprovementStatus::Resolved => "ready to close",
            ImprovementStatus::Closed => "closed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Improvement {
    pub id: ImprovementId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub fields: ImprovementFields,
    pub checks: Vec<EffectivenessCheck>,
    pub closed_on: Option<Date>,
    /// Why it was closed (for an opportunity: adopted, or declined and why).
    pub closing_note: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl Improvement {
    /// Its corrective actions among `actions`.
    pub fn actions<'a>(&self, actions: &'a [Action]) -> Vec<&'a Action> {
        actions
            .iter()
            .filter(|a| a.fields.improvement_id == Some(self.id))
            .collect()
    }

    /// Where it stood on `day`, given the action register.
    pub fn status_on(&self, actions: &[Action], day: Date) -> ImprovementStatus {
        if self.closed_on.is_some_and(|c| c <= day) {
            return ImprovementStatus::Closed;
        }
        let nonconformity = self.fields.kind == ImprovementKind::Nonconformity;
        let mine: Vec<&Action> = self
            .actions(actions)
            .into_iter()
            .filter(|a| a.created_at.date() <= day)
            .collect();
        if nonconformity && self.fields.root_cause.is_empty() {
            return ImprovementStatus::NeedsRootCause;
        }
        if mine.is_empty() {
            return if nonconformity {
                ImprovementStatus::NeedsAction
            } else {
                ImprovementStatus::Resolved
            };
        }
        if mine.iter().any(|a| a.open_on(day)) {
            return ImprovementStatus::ActionsOpen;
        }
        let effective = self
            .checks
            .iter()
            .filter(|c| c.checked_on <= day)
            .max_by_key(|c| c.checked_on)
            .is_some_and(|c| c.effective);
        if nonconformity && !effective {
            ImprovementStatus::AwaitingCheck
        } else {
            ImprovementStatus::Resolved
        }
    }

    /// Records a check of the actions' effectiveness on `on`.
    pub fn checked(
        &self,
        actions: &[Action],
        check: EffectivenessCheck,
        today: Date,
    ) -> Result<Self, String> {
        if self.closed_on.is_some() {
            return Err("this entry is closed".into());
        }
        let mine = self.actions(actions);
        if mine.is_empty() || mine.iter().any(|a| a.open_on(today)) {
            return Err("effectiveness is checked once the corrective actions are done".into());
        }
        if check.checked_on > today {
            return Err("checked_on: a day that has come".into());
        }
        let mut check = check;
        tidy_text("note", &mut check.note, 5000, true)?;
        let mut after = self.clone();
        after.checks.push(check);
        after.version += 1;
        Ok(after)
    }

    /// Closes it on `today`, if it is resolved: a nonconformity needs its
    /// root cause, done actions and a check that found them effective.
    pub fn closed(&self, actions: &[Action], note: String, today: Date) -> Result<Self, String> {
        let mut note = note;
        tidy_text("closing_note", &mut note, 5000, true)?;
        match self.status_on(actions, today) {
            ImprovementStatus::Resolved => Ok(Self {
                closed_on: Some(today),
                closing_note: note,
                version: self.version + 1,
                ..self.clone()
            }),
            ImprovementStatus::Closed => Err("this entry is closed already".into()),
            open => Err(format!("not yet: {}", open.label())),
        }
    }
}

#[cfg(test)]
#[path = "improvement_tests.rs"]
mod tests;
