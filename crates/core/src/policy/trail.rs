//! What happens around a version: approvers' decisions, reviews of the
//! policy, and distributions to interested parties. Each is kept as a record
//! (and an audit event), so the evidence names who, when and by what right.

use super::approval::Verdict;
use super::review::ReviewOutcome;
use crate::ids::{OrgId, PolicyId, UserId, VersionId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One approver's decision on one version, in one round of review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub id: Uuid,
    pub org_id: OrgId,
    pub version_id: VersionId,
    pub review_round: i32,
    pub user_id: UserId,
    pub verdict: Verdict,
    pub comment: String,
    /// What entitled the approver: kept with the decision.
    pub authority: String,
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: OffsetDateTime,
}

/// A periodic review of a policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRecord {
    pub id: Uuid,
    pub org_id: OrgId,
    pub policy_id: PolicyId,
    pub reviewed_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub reviewed_at: OffsetDateTime,
    pub outcome: ReviewOutcome,
    pub note: String,
    /// The new draft a review opened.
    pub version_id: Option<VersionId>,
}

/// A published version handed to a named interested party.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    pub id: Uuid,
    pub org_id: OrgId,
    pub policy_id: PolicyId,
    pub version_id: VersionId,
    pub party: String,
    pub channel: String,
    pub distributed_on: Date,
    pub note: String,
    pub recorded_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::Reject => "reject",
        }
    }
}

impl std::str::FromStr for Verdict {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "approve" => Ok(Verdict::Approve),
            "reject" => Ok(Verdict::Reject),
            other => Err(format!("{other:?} is not a verdict (approve or reject)")),
        }
    }
}
