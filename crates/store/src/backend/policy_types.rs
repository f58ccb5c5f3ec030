//! Results and inputs of the policy store shared by both backends.

use mandate_core::policy::{Policy, PolicyFields, ReviewStatus, VersionState};
use mandate_core::{PolicyId, UserId};
use time::{Date, OffsetDateTime};

/// A version without its text, for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionMeta {
    pub number: i32,
    pub state: VersionState,
    pub author_id: UserId,
    pub approved_at: Option<OffsetDateTime>,
    pub published_at: Option<OffsetDateTime>,
}

/// A policy with where it stands: its newest and its published version, and
/// its last "no change" review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySummary {
    pub policy: Policy,
    pub latest: Option<VersionMeta>,
    pub published: Option<VersionMeta>,
    pub last_no_change_review: Option<OffsetDateTime>,
}

impl PolicySummary {
    /// The day the review cycle restarted: the published version's approval
    /// or a later review that found no change needed.
    pub fn last_reviewed(&self) -> Option<Date> {
        let approved = self.published.as_ref().and_then(|p| p.approved_at);
        approved
            .into_iter()
            .chain(self.last_no_change_review)
            .max()
            .map(|t| t.date())
    }

    pub fn review_status(&self, today: Date) -> ReviewStatus {
        ReviewStatus::on(
            today,
            self.last_reviewed(),
            self.policy.fields.review_interval_months,
        )
    }
}

/// One policy read from a policy-as-code file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyImport {
    /// Where it came from, for messages.
    pub source: String,
    /// Absent for a policy new to Mandate: it gets an id.
    pub id: Option<PolicyId>,
    pub fields: PolicyFields,
    pub body: String,
    /// The version number and revision the file was exported from, if it
    /// was: an import refuses to overwrite what changed in Mandate since.
    pub exported_from: Option<(i32, i64)>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PolicyImportSummary {
    pub created: usize,
    pub updated: usize,
    pub new_drafts: usize,
    pub unchanged: usize,
}

/// The RACI matrix: activities in order, and the letters set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RaciMatrix {
    pub activities: Vec<(uuid::Uuid, String)>,
    pub cells: Vec<(
        uuid::Uuid,
        mandate_core::roles::RoleId,
        mandate_core::roles::Raci,
    )>,
}
