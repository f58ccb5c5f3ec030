//! Typed identifiers, so a person's id can never be passed where an
//! organisation's is expected. All are UUIDv7: time-ordered, so indexes stay
//! compact and lists sorted by id come out roughly in creation order.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// Identifies an organisation; every record carries one.
    OrgId
);
id_type!(
    /// Identifies a person (employee or third party).
    PersonId
);
id_type!(
    /// Identifies a login account.
    UserId
);
id_type!(
    /// Identifies a policy (top-level or topic-specific).
    PolicyId
);
id_type!(
    /// Identifies one version of a policy's text.
    VersionId
);
id_type!(
    /// Identifies an exception to a policy.
    ExceptionId
);
id_type!(
    /// Identifies an information security objective.
    ObjectiveId
);
id_type!(
    /// Identifies a KPI (a metric measuring an objective).
    KpiId
);
id_type!(
    /// Identifies an action (from an objective's plan, a review, an audit...).
    ActionId
);
id_type!(
    /// Identifies a management review.
    ReviewId
);
id_type!(
    /// Identifies a performance report to top management.
    ReportId
);
id_type!(
    /// Identifies a fiscal year's ISMS resource plan (budget and capacity).
    ResourcePlanId
);
id_type!(
    /// Identifies a leadership statement.
    StatementId
);
id_type!(
    /// Identifies a recorded communication.
    CommunicationId
);
id_type!(
    /// Identifies an item of the communication plan.
    PlanItemId
);
id_type!(
    /// Identifies a training course.
    CourseId
);
id_type!(
    /// Identifies a nonconformity or opportunity for improvement.
    ImprovementId
);
id_type!(
    /// Identifies a piece of feedback from staff.
    FeedbackId
);
id_type!(
    /// Identifies a line manager's attestation for a period.
    AttestationId
);

impl FeedbackId {
    /// An id that carries only the day, not the moment: a time-ordered id
    /// made now would tell when, to the millisecond, a confidential
    /// submission was made, and so who was at their desk.
    pub fn for_day(day: time::Date) -> Self {
        let midnight = day.midnight().assume_utc().unix_timestamp();
        let seconds = u64::try_from(midnight).unwrap_or(0);
        let context = uuid::timestamp::context::NoContext;
        Self(Uuid::new_v7(uuid::Timestamp::from_unix(
            context, seconds, 0,
        )))
    }
}
