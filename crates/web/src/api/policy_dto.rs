//! The API's shapes for policies, versions, decisions, reviews, exceptions
//! and distributions.

use mandate_core::policy::{
    ApprovalRule, ApprovalStatus, Audience, DecisionRecord, Distribution, ExceptionStatus,
    PolicyException, PolicyFields, PolicyVersion, ReviewRecord,
};
use mandate_store::PolicySummary;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// A policy's fields, as sent to create (POST) or change (PUT) one. One
/// shape for both, because serde cannot flatten and reject unknown fields.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyIn {
    pub title: String,
    /// `top_level` (the one information security policy) or `topic`.
    pub kind: String,
    /// Required for a topic-specific policy.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    /// The ISMS role that owns the policy.
    pub owner_role: String,
    /// 12 by default.
    #[serde(default)]
    pub review_interval_months: Option<u32>,
    /// `{"everyone": true}`, `{"departments": ["IT"]}`, `{"roles": [...]}`,
    /// `{"third_parties": true}`, `{"interested_parties": true}`, combined as needed.
    #[schema(value_type = Object)]
    pub audience: Audience,
    /// Published versions readable without signing in.
    #[serde(default)]
    pub public: bool,
    /// `{"kind": "any_of", "count": 1}` (default) or `{"kind": "all_of", "approvers": [user ids]}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub approval_rule: ApprovalRule,
    /// On creation: the text of a first draft.
    #[serde(default)]
    pub body: Option<String>,
    /// On creation, with `body`.
    #[serde(default)]
    pub change_summary: Option<String>,
    /// On change: the version as last read (a stale one is refused with 409).
    #[serde(default)]
    pub version: Option<i64>,
}

impl PolicyIn {
    pub fn fields(&self) -> Result<PolicyFields, String> {
        Ok(PolicyFields {
            title: self.title.clone(),
            kind: self.kind.parse().map_err(|e| format!("kind: {e}"))?,
            parent_id: self.parent_id.map(mandate_core::PolicyId),
            owner_role: self.owner_role.clone(),
            review_interval_months: self
                .review_interval_months
                .unwrap_or(mandate_core::policy::DEFAULT_REVIEW_MONTHS),
            audience: self.audience.clone(),
            public: self.public,
            approval_rule: self.approval_rule.clone(),
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct PolicyReviewOut {
    /// `not yet approved`, `current`, `due soon` or `overdue`.
    pub status: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub last_reviewed: Option<Date>,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyOut {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub owner_role: String,
    pub review_interval_months: u32,
    #[schema(value_type = Object)]
    pub audience: Audience,
    pub public: bool,
    #[schema(value_type = Object)]
    pub approval_rule: ApprovalRule,
    /// The published version's number, if any.
    pub published_version: Option<i32>,
    /// The newest version's number and state.
    pub latest_version: Option<i32>,
    pub latest_state: Option<String>,
    pub review: PolicyReviewOut,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl PolicyOut {
    pub fn from_summary(s: PolicySummary, today: Date) -> Self {
        let review = s.review_status(today);
        let last_reviewed = s.last_reviewed();
        let f = s.policy.fields;
        Self {
            id: s.policy.id.0,
            title: f.title,
            kind: f.kind.as_str().into(),
            parent_id: f.parent_id.map(|p| p.0),
            owner_role: f.owner_role,
            review_interval_months: f.review_interval_months,
            audience: f.audience,
            public: f.public,
            approval_rule: f.approval_rule,
            published_version: s.published.as_ref().map(|v| v.number),
            latest_version: s.latest.as_ref().map(|v| v.number),
            latest_state: s.latest.as_ref().map(|v| v.state.as_str().into()),
            review: PolicyReviewOut {
                status: review.label().into(),
                due: review.due(),
                last_reviewed,
            },
            updated_at: s.policy.updated_at,
            version: s.policy.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ElementOut {
    /// `clause-5-2-a` ... `clause-5-2-d`.
    pub tag: String,
    pub describe: String,
    pub present: bool,
}

#[derive(Serialize, ToSchema)]
pub struct VersionOut {
    pub policy_id: Uuid,
    pub number: i32,
    /// `draft`, `in_review`, `approved`, `published`, `superseded` or `retired`.
    pub state: String,
    pub body: String,
    /// The body rendered to sanitised HTML.
    pub html: String,
    pub change_summary: String,
    pub author_id: Uuid,
    pub review_round: i32,
    /// For the top-level policy: which 5.2 elements the text carries.
    pub elements: Vec<ElementOut>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub approved_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<OffsetDateTime>,
    /// Everyone acknowledges it again (true), or the acknowledgements of
    /// the version before carry over.
    pub material_change: bool,
    /// Send it back with an edit; a stale revision is refused with 409.
    pub version: i64,
}

impl VersionOut {
    /// `image_hosts`: the organisation's setting, for the rendered text.
    pub fn new(v: PolicyVersion, top_level: bool, image_hosts: &[String]) -> Self {
        let elements = if top_level {
            mandate_report::markdown::elements_present(&v.body)
                .into_iter()
                .map(|(e, present)| ElementOut {
                    tag: e.tag().into(),
                    describe: e.describe().into(),
                    present,
                })
                .collect()
        } else {
            Vec::new()
        };
        Self {
            policy_id: v.policy_id.0,
            number: v.number,
            state: v.state.as_str().into(),
            html: mandate_report::markdown::render(&v.body, image_hosts),
            body: v.body,
            change_summary: v.change_summary,
            author_id: v.author_id.0,
            review_round: v.review_round,
            elements,
            created_at: v.created_at,
            approved_at: v.approved_at,
            published_at: v.published_at,
            material_change: v.material_change,
            version: v.version,
        }
    }
}

/// A version without its text, for lists.
#[derive(Serialize, ToSchema)]
pub struct VersionListItem {
    pub number: i32,
    pub state: String,
    pub change_summary: String,
    pub author_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<OffsetDateTime>,
}

impl From<&PolicyVersion> for VersionListItem {
    fn from(v: &PolicyVersion) -> Self {
        Self {
            number: v.number,
            state: v.state.as_str().into(),
            change_summary: v.change_summary.clone(),
            author_id: v.author_id.0,
            created_at: v.created_at,
            published_at: v.published_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftIn {
    pub body: String,
    pub change_summary: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftUpdate {
    pub body: String,
    pub change_summary: String,
    /// Whether everyone acknowledges this version again once published
    /// (true), or the acknowledgements of the version before carry over.
    #[serde(default)]
    pub material_change: Option<bool>,
    pub version: i64,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SubmitIn {
    /// Submit a top-level version that lacks one of the 5.2 a-d elements.
    #[serde(default)]
    pub confirm_missing_elements: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// `approve` or `reject`.
    pub verdict: String,
    /// Required when rejecting.
    #[serde(default)]
    pub comment: String,
    /// For a version: its revision as read; refused with 409 if the text
    /// changed since (exceptions ignore it).
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct VersionDecisionOut {
    pub id: Uuid,
    pub user_id: Uuid,
    pub verdict: String,
    pub comment: String,
    pub authority: String,
    pub review_round: i32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub decided_at: OffsetDateTime,
}

impl From<DecisionRecord> for VersionDecisionOut {
    fn from(d: DecisionRecord) -> Self {
        Self {
            id: d.id,
            user_id: d.user_id.0,
            verdict: d.verdict.as_str().into(),
            comment: d.comment,
            authority: d.authority,
            review_round: d.review_round,
            decided_at: d.decided_at,
        }
    }
}

/// The version after a decision, and where its approval stands.
#[derive(Serialize, ToSchema)]
pub struct DecisionResult {
    pub version: VersionOut,
    /// `pending`, `approved` or `rejected`.
    pub approval: String,
    pub approvals: u32,
    pub needed: u32,
}

impl DecisionResult {
    pub fn new(version: VersionOut, status: ApprovalStatus) -> Self {
        let (approval, approvals, needed) = match status {
            ApprovalStatus::Pending {
                approvals, needed, ..
            } => ("pending", approvals, needed),
            ApprovalStatus::Approved => ("approved", 0, 0),
            ApprovalStatus::Rejected { .. } => ("rejected", 0, 0),
        };
        Self {
            version,
            approval: approval.into(),
            approvals,
            needed,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DiffLineOut {
    /// `same`, `added`, `removed` or `fold` (unchanged lines left out).
    pub kind: String,
    pub old_line: Option<usize>,
    pub new_line: Option<usize>,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct DiffOut {
    pub from: i32,
    pub to: i32,
    pub added: usize,
    pub removed: usize,
    pub lines: Vec<DiffLineOut>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewIn {
    /// `no_change` or `new_draft`.
    pub outcome: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewRecordOut {
    pub id: Uuid,
    pub reviewed_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub reviewed_at: OffsetDateTime,
    pub outcome: String,
    pub note: String,
    /// The number of the draft the review opened.
    pub new_draft: Option<i32>,
}

impl ReviewRecordOut {
    pub fn new(r: ReviewRecord, new_draft: Option<i32>) -> Self {
        Self {
            id: r.id,
            reviewed_by: r.reviewed_by.0,
            reviewed_at: r.reviewed_at,
            outcome: r.outcome.as_str().into(),
            note: r.note,
            new_draft,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionIn {
    pub clause: String,
    pub justification: String,
    pub risk: String,
    pub compensating_controls: String,
    /// Required; after today and at most 12 months ahead.
    #[schema(value_type = String, format = Date)]
    pub expires_on: Date,
    /// For an exception to segregation of duties: the person allowed to hold
    /// two incompatible roles while the exception is in force.
    #[serde(default)]
    pub waiver: Option<WaiverIn>,
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiverIn {
    pub person_id: Uuid,
    pub role_ids: [Uuid; 2],
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionIn {
    #[schema(value_type = String, format = Date)]
    pub expires_on: Date,
}

#[derive(Serialize, ToSchema)]
pub struct ExceptionOut {
    pub id: Uuid,
    pub policy_id: Uuid,
    pub clause: String,
    pub justification: String,
    pub risk: String,
    pub compensating_controls: String,
    pub requested_by: Uuid,
    /// The person and roles a segregation-of-duties exception covers.
    pub waiver: Option<WaiverIn>,
    /// `awaiting approval`, `open`, `extension requested`, `expired`, `rejected` or `closed`.
    pub status: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Date>,
    /// The expiry asked for and not yet decided.
    #[schema(value_type = Option<String>, format = Date)]
    pub pending_expires_on: Option<Date>,
    pub approved_by: Option<Uuid>,
    pub authority: Option<String>,
    pub decision_comment: Option<String>,
    pub version: i64,
}

impl ExceptionOut {
    pub fn new(e: PolicyException, today: Date) -> Self {
        let status: ExceptionStatus = e.status_on(today);
        Self {
            id: e.id.0,
            policy_id: e.policy_id.0,
            clause: e.clause,
            justification: e.justification,
            risk: e.risk,
            compensating_controls: e.compensating_controls,
            requested_by: e.requested_by.0,
            waiver: e.waiver.map(|w| WaiverIn {
                person_id: w.person_id.0,
                role_ids: [w.role_ids.0, w.role_ids.1],
            }),
            status: status.label().into(),
            expires_on: e.expires_on,
            pending_expires_on: e.pending_expires_on,
            approved_by: e.approved_by.map(|u| u.0),
            authority: e.authority,
            decision_comment: e.decision_comment,
            version: e.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DistributionIn {
    /// Who received the published version.
    pub party: String,
    /// How: email, supplier portal, contract annex, ...
    pub channel: String,
    #[schema(value_type = String, format = Date)]
    pub distributed_on: Date,
    #[serde(default)]
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct DistributionOut {
    pub id: Uuid,
    pub version_id: Uuid,
    pub party: String,
    pub channel: String,
    #[schema(value_type = String, format = Date)]
    pub distributed_on: Date,
    pub note: String,
    pub recorded_by: Uuid,
}

impl From<Distribution> for DistributionOut {
    fn from(d: Distribution) -> Self {
        Self {
            id: d.id,
            version_id: d.version_id.0,
            party: d.party,
            channel: d.channel,
            distributed_on: d.distributed_on,
            note: d.note,
            recorded_by: d.recorded_by.0,
        }
    }
}
