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
