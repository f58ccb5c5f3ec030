//! Management reviews (9.3): planned from the organisation's cadence,
//! prepared (inputs compiled from live records into a pack), held (the pack
//! frozen with the minutes and decisions) and approved by the chair.

use super::pack::ReviewPack;
use crate::ids::{OrgId, PersonId, ReviewId, UserId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    Planned,
    /// Inputs compiled; may be compiled again until the review is held.
    Prepared,
    /// Held: the pack, minutes and decisions are frozen.
    Held,
    /// The chair approved the minutes.
    Approved,
}

impl ReviewState {
    pub fn label(self) -> &'static str {
        match self {
            ReviewState::Planned => "planned",
            ReviewState::Prepared => "prepared",
            ReviewState::Held => "held, minutes awaiting approval",
            ReviewState::Approved => "held, minutes approved",
        }
    }
}

/// The inputs a management review must consider (9.3.2, paraphrased).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewInput {
    EarlierActions,
    ContextChanges,
    ObjectivePerformance,
    Nonconformities,
    AuditResults,
    RiskResults,
    InterestedPartyFeedback,
    Improvement,
}

impl ReviewInput {
    pub const ALL: [ReviewInput; 8] = [
        ReviewInput::EarlierActions,
        ReviewInput::ContextChanges,
        ReviewInput::ObjectivePerformance,
        ReviewInput::Nonconformities,
        ReviewInput::AuditResults,
        ReviewInput::RiskResults,
        ReviewInput::InterestedPartyFeedback,
        ReviewInput::Improvement,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ReviewInput::EarlierActions => "Status of actions from earlier reviews",
            ReviewInput::ContextChanges => "Changes in internal and external issues",
            ReviewInput::ObjectivePerformance => "Objectives and KPI performance",
            ReviewInput::Nonconformities => "Nonconformities and corrective actions",
            ReviewInput::AuditResults => "Audit results",
            ReviewInput::RiskResults => "Risk assessment results and treatment",
            ReviewInput::InterestedPartyFeedback => "Feedback from interested parties",
            ReviewInput::Improvement => "Opportunities for continual improvement",
        }
    }
}

/// The inputs the organisation writes by hand; fields of the pack, frozen
/// with it when the review is held.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualInputs {
    pub context_changes: String,
    pub audit_results: String,
    pub risk_results: String,
    pub interested_party_feedback: String,
    pub opportunities: String,
}

impl ManualInputs {
    pub fn validated(self) -> Result<Self, String> {
        let tidy = |name: &str, text: String| {
            let text = text.trim().to_string();
            if text.chars().count() > 20_000 {
                Err(format!("{name}: at most 20,000 characters"))
            } else {
                Ok(text)
            }
        };
        Ok(Self {
            context_changes: tidy("context_changes", self.context_changes)?,
            audit_results: tidy("audit_results", self.audit_results)?,
            risk_results: tidy("risk_results", self.risk_results)?,
            interested_party_feedback: tidy(
                "interested_party_feedback",
                self.interested_party_feedback,
            )?,
            opportunities: tidy("opportunities", self.opportunities)?,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// An opportunity for improvement taken up (5.1 g, 10).
    Improvement,
    /// A change to the ISMS.
    ChangeToIsms,
    /// Resources needed.
    Resources,
    Other,
}

impl DecisionKind {
    pub const ALL: [DecisionKind; 4] = [
        DecisionKind::Improvement,
        DecisionKind::ChangeToIsms,
        DecisionKind::Resources,
        DecisionKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Improvement => "improvement",
            DecisionKind::ChangeToIsms => "change_to_isms",
            DecisionKind::Resources => "resources",
            DecisionKind::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            DecisionKind::Improvement => "improvement",
            DecisionKind::ChangeToIsms => "change to the ISMS",
            DecisionKind::Resources => "resources",
            DecisionKind::Other => "other",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDecision {
    pub kind: DecisionKind,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManagementReview {
    pub id: ReviewId,
    pub org_id: OrgId,
    pub title: String,
    pub planned_on: Date,
    /// Approves the minutes.
    pub chair_id: PersonId,
    pub attendees: Vec<PersonId>,
    pub manual: ManualInputs,
    pub pack: Option<ReviewPack>,
    pub held_on: Option<Date>,
    pub minutes: String,
    pub decisions: Vec<ReviewDecision>,
    pub approved_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub approved_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl ManagementReview {
    pub fn state(&self) -> ReviewState {
        if self.approved_at.is_some() {
            ReviewState::Approved
        } else if self.held_on.is_some() {
            ReviewState::Held
        } else if self.pack.is_some() {
            ReviewState::Prepared
        } else {
            ReviewState::Planned
        }
    }

    /// Whether each required input is covered: compiled inputs by the pack,
    /// hand-written ones by their text (improvement also by a decision).
    pub fn coverage(&self) -> Vec<(ReviewInput, bool)> {
        let compiled = self.pack.is_some();
        let written = |text: &str| !text.trim().is_empty();
        ReviewInput::ALL
            .into_iter()
            .map(|input| {
                let covered = match input {
                    ReviewInput::EarlierActions
                    | ReviewInput::ObjectivePerformance
                    | ReviewInput::Nonconformities => compiled,
                    ReviewInput::ContextChanges => {
                        compiled || written(&self.manual.context_changes)
                    }
                    ReviewInput::AuditResults => written(&self.manual.audit_results),
                    ReviewInput::RiskResults => written(&self.manual.risk_results),
                    ReviewInput::InterestedPartyFeedback => {
                        written(&self.manual.interested_party_feedback)
                    }
                    ReviewInput::Improvement => {
                        written(&self.manual.opportunities)
                            || self
                                .decisions
                                .iter()
                                .any(|d| d.kind == DecisionKind::Improvement)
                    }
                };
                (input, covered)
            })
            .collect()
    }

    pub fn missing_inputs(&self) -> Vec<ReviewInput> {
        self.coverage()
            .into_iter()
            .filter(|(_, covered)| !covered)
            .map(|(input, _)| input)
            .collect()
    }
}

/// What holding a review records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewHeld {
    pub held_on: Date,
    pub attendees: Vec<PersonId>,
    pub minutes: String,
    pub decisions: Vec<ReviewDecision>,
}

impl ReviewHeld {
    /// Checks a holding against the review and the day it is recorded.
    pub fn validated(mut self, review: &ManagementReview, today: Date) -> Result<Self, String> {
        if review.state() != ReviewState::Prepared {
            return Err(match review.state() {
                ReviewState::Planned => {
                    "state: prepare the review first, so its inputs are compiled".into()
                }
                _ => "state: this review has been held; its record is frozen".into(),
            });
        }
        if self.held_on > today {
            return Err("held_on: a review is recorded as held on or before today".into());
        }
        if let Some(pack) = &review.pack
            && self.held_on < pack.compiled_on
        {
            return Err(format!(
                "held_on: the pack was compiled on {}; a review is held on or after it (management saw that pack)",
                pack.compiled_on
            ));
        }
        self.attendees.sort();
        self.attendees.dedup();
        if self.attendees.is_empty() {
            return Err("attendees: name who attended".into());
        }
        if !self.attendees.contains(&review.chair_id) {
            return Err("attendees: the chair attends the review they chair".into());
        }
        self.minutes = self.minutes.trim().to_string();
        if self.minutes.is_empty() || self.minutes.chars().count() > 50_000 {
            return Err("minutes: write the minutes (at most 50,000 characters)".into());
        }
        for d in &mut self.decisions {
            d.text = d.text.trim().to_string();
        }
        self.decisions.retain(|d| !d.text.is_empty());
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn review() -> ManagementReview {
        ManagementReview {
            id: ReviewId::new(),
            org_id: OrgId::new(),
            title: "Q1 review".into(),
            planned_on: date!(2026 - 03 - 20),
            chair_id: PersonId::new(),
            attendees: Vec::new(),
            manual: ManualInputs::default(),
            pack: None,
            held_on: None,
            minutes: String::new(),
            decisions: Vec::new(),
            approved_by: None,
            approved_at: None,
            created_at: datetime!(2026-01-01 0:00 UTC),
            updated_at: datetime!(2026-01-01 0:00 UTC),
            version: 1,
        }
    }

    #[test]
    fn hand_written_inputs_count_only_when_written_and_improvement_also_by_decision() {
        let mut r = review();
        assert_eq!(r.missing_inputs().len(), 8);
        r.pack = Some(ReviewPack::empty(date!(2026 - 03 - 18)));
        r.manual.audit_results = "  ".into();
        r.manual.risk_results = "Two new high risks".into();
        let missing = r.missing_inputs();
        assert_eq!(
            missing,
            vec![
                ReviewInput::AuditResults,
                ReviewInput::InterestedPartyFeedback,
                ReviewInput::Improvement
            ]
        );
        r.decisions.push(ReviewDecision {
            kind: DecisionKind::Improvement,
            text: "Automate access reviews".into(),
        });
        assert!(!r.missing_inputs().contains(&ReviewInput::Improvement));
    }

    #[test]
    fn a_review_is_held_once_prepared_by_its_chair_and_others_not_in_the_future() {
        let mut r = review();
        let holding = ReviewHeld {
            held_on: date!(2026 - 03 - 20),
            attendees: vec![r.chair_id, r.chair_id],
            minutes: " Reviewed everything. ".into(),
            decisions: vec![ReviewDecision {
                kind: DecisionKind::Other,
                text: " ".into(),
            }],
        };
        let today = date!(2026 - 03 - 21);
        assert!(
            holding
                .clone()
                .validated(&r, today)
                .expect_err("refused")
                .contains("prepare")
        );
        r.pack = Some(ReviewPack::empty(date!(2026 - 03 - 18)));
        let ok = holding.clone().validated(&r, today).expect("valid");
        assert_eq!((ok.attendees.len(), ok.decisions.len()), (1, 0));
        assert_eq!(ok.minutes, "Reviewed everything.");
        let before_the_pack = ReviewHeld {
            held_on: date!(2026 - 03 - 17),
            ..holding.clone()
        };
        assert!(
            before_the_pack
                .validated(&r, today)
                .expect_err("refused")
                .contains("compiled on 2026-03-18")
        );
        let future = ReviewHeld {
            held_on: date!(2026 - 03 - 22),
            ..holding.clone()
        };
        assert!(future.validated(&r, today).is_err());
        let chairless = ReviewHeld {
            attendees: vec![PersonId::new()],
            ..holding.clone()
        };
        assert!(
            chairless
                .validated(&r, today)
                .expect_err("refused")
                .contains("chair")
        );
        r.held_on = Some(today);
        assert!(
            holding
                .validated(&r, today)
                .expect_err("refused")
                .contains("frozen")
        );
    }
}
