//! Feedback from staff (5.1 g, A.6.8): suggestions and concerns, named or
//! through the confidential channel. A confidential submission keeps no
//! link to its author anywhere: the record has no author, its id carries
//! only the day, and the audit log names the channel as its actor.

use super::tidy_text;
use crate::ids::{FeedbackId, ImprovementId, OrgId, PersonId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// The actor the audit log records for a confidential submission.
pub const CONFIDENTIAL_CHANNEL: &str = "confidential";

crate::named_enum! {
    pub enum FeedbackKind {
        Suggestion = ("suggestion", "Suggestion"),
        Concern = ("concern", "Concern"),
    }
}

crate::named_enum! {
    pub enum FeedbackStatus {
        New = ("new", "new"),
        Acknowledged = ("acknowledged", "acknowledged"),
        /// Taken into the improvement register.
        ActedOn = ("acted_on", "acted on"),
        Closed = ("closed", "closed"),
    }
}

/// What the person writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackSubmission {
    pub kind: FeedbackKind,
    pub subject: String,
    pub text: String,
}

impl FeedbackSubmission {
    pub fn validated(mut self) -> Result<Self, String> {
        tidy_text("subject", &mut self.subject, 200, true)?;
        tidy_text("text", &mut self.text, 10_000, true)?;
        Ok(self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub id: FeedbackId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub submission: FeedbackSubmission,
    /// True for the confidential channel, whose submissions have no author.
    pub confidential: bool,
    pub author_id: Option<PersonId>,
    /// The day only: a time would narrow down who wrote it.
    pub received_on: Date,
    pub status: FeedbackStatus,
    /// The ISMS manager's answer, shown to a named author.
    pub response: String,
    pub improvement_id: Option<ImprovementId>,
    pub version: i64,
}

/// How the ISMS manager handled a submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handling {
    pub status: FeedbackStatus,
    /// The answer, shown to a named author.
    pub response: String,
    /// The improvement it became, when acted on.
    pub improvement_id: Option<ImprovementId>,
}

impl Feedback {
    /// A named submission by `author`.
    pub fn named(
        org_id: OrgId,
        author: PersonId,
        submission: FeedbackSubmission,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            id: FeedbackId::new(),
            author_id: Some(author),
            confidential: false,
            ..Self::confidential(org_id, submission, at.date())
        }
    }

    /// A confidential submission: nothing about it names or dates its
    /// author more closely than the day.
    pub fn confidential(org_id: OrgId, submission: FeedbackSubmission, today: Date) -> Self {
        Self {
            id: FeedbackId::for_day(today),
            org_id,
            submission,
            confidential: true,
            author_id: None,
            received_on: today,
            status: FeedbackStatus::New,
            response: String::new(),
            improvement_id: None,
            version: 1,
        }
    }

    /// The feedback after the ISMS manager handles it.
    pub fn handled(&self, handling: Handling) -> Result<Self, String> {
        let Handling {
            status,
            mut response,
            improvement_id,
        } = handling;
        tidy_text("response", &mut response, 5000, false)?;
        if status == FeedbackStatus::ActedOn && improvement_id.is_none() {
            return Err("improvement_id: feedback acted on names the improvement it became".into());
        }
        if status == FeedbackStatus::New && self.status != FeedbackStatus::New {
            return Err("status: handled feedback does not become new again".into());
        }
        Ok(Self {
            status,
            response,
            improvement_id,
            version: self.version + 1,
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn submission() -> FeedbackSubmission {
        FeedbackSubmission {
            kind: FeedbackKind::Concern,
            subject: " Shared admin password ".into(),
            text: "The build server's admin password is on a sticky note.".into(),
        }
        .validated()
        .expect("valid")
    }

    #[test]
    fn a_confidential_submission_carries_no_author_and_no_time_of_day() {
        let day = date!(2026 - 05 - 04);
        let f = Feedback::confidential(OrgId::new(), submission(), day);
        assert!(f.confidential && f.author_id.is_none());
        assert_eq!(f.submission.subject, "Shared admin password");
        // The id's timestamp is midnight of the day, not the moment.
        let (seconds, _) = f.id.0.get_timestamp().expect("v7").to_unix();
        assert_eq!(seconds as i64, day.midnight().assume_utc().unix_timestamp());
        let json = serde_json::to_string(&f).expect("json");
        assert!(!json.contains("_at\""), "no instant is kept: {json}");
    }

    #[test]
    fn named_feedback_names_its_author() {
        let author = PersonId::new();
        let f = Feedback::named(
            OrgId::new(),
            author,
            submission(),
            datetime!(2026-05-04 10:31 UTC),
        );
        assert_eq!((f.author_id, f.confidential), (Some(author), false));
        assert_eq!(f.received_on, date!(2026 - 05 - 04));
    }

    #[test]
    fn acting_on_feedback_names_the_improvement() {
        let f = Feedback::confidential(OrgId::new(), submission(), date!(2026 - 05 - 04));
        let handling = |status, improvement_id| Handling {
            status,
            response: "Thanks".into(),
            improvement_id,
        };
        assert!(f.handled(handling(FeedbackStatus::ActedOn, None)).is_err());
        let acted = f
            .handled(handling(
                FeedbackStatus::ActedOn,
                Some(ImprovementId::new()),
            ))
            .expect("handled");
        assert!(acted.handled(handling(FeedbackStatus::New, None)).is_err());
        assert!(
            FeedbackSubmission {
                text: " ".into(),
                ..submission()
            }
            .validated()
            .is_err()
        );
    }
}
