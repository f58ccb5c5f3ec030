//! What the conformance check reads from the store: version dates without
//! their text, and figures counted in SQL as of a day.

use mandate_core::policy::VersionState;
use mandate_core::policy::as_of::VersionTimes;
use mandate_core::{PolicyId, UserId, VersionId};
use time::OffsetDateTime;

/// A version's identity and dates, without its text: enough to tell which
/// version was in force on any day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionDates {
    pub id: VersionId,
    pub policy_id: PolicyId,
    pub number: i32,
    pub state: VersionState,
    pub author_id: UserId,
    pub created_at: OffsetDateTime,
    pub approved_at: Option<OffsetDateTime>,
    pub published_at: Option<OffsetDateTime>,
    /// For a retired version, when it was retired (nothing changes after).
    pub updated_at: OffsetDateTime,
}

impl VersionDates {
    /// The dates its history is read from (`mandate_core::policy::as_of`).
    pub fn times(&self) -> VersionTimes {
        VersionTimes {
            number: self.number,
            state: self.state,
            created_at: self.created_at,
            approved_at: self.approved_at,
            published_at: self.published_at,
            updated_at: self.updated_at,
        }
    }
}

/// An approval of a version in its last review round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionApproval {
    pub version_id: VersionId,
    pub approver: String,
    pub authority: String,
    pub decided_at: OffsetDateTime,
}

/// One version's acknowledgements as they stood at the end of a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AckCounts {
    /// Owed it then (asked, and not released by then).
    pub addressed: usize,
    /// Had acknowledged it (or had it carried over) by then.
    pub done: usize,
    /// Had not answered, and the due date had passed.
    pub overdue: usize,
}
