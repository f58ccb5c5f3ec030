//! Policy records as the database holds them. Each row type lists its
//! columns once: the macro derives the struct, its multi-row insert and its
//! backup form from that one list.

use super::super::row_type::{json, row_type};
use crate::error::{Result, StoreError};
use mandate_core::policy::{
    DecisionRecord, Distribution, Policy, PolicyException, PolicyFields, PolicyVersion,
    ReviewRecord, RoleWaiver,
};
use mandate_core::{ExceptionId, OrgId, PolicyId, UserId, VersionId};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

row_type!(PolicyRow in "policies" {
    org_id: Uuid,
    policy_id: Uuid,
    title: String,
    kind: String,
    parent_id: Option<Uuid>,
    owner_role: String,
    review_interval_months: i32,
    audience: String,
    is_public: bool,
    approval_rule: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

row_type!(VersionRow in "policy_versions" {
    org_id: Uuid,
    version_id: Uuid,
    policy_id: Uuid,
    number: i32,
    body: String,
    change_summary: String,
    author_id: Uuid,
    contributors: String,
    state: String,
    review_round: i32,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    approved_at: Option<OffsetDateTime>,
    published_at: Option<OffsetDateTime>,
    version: i64,
    material_change: bool,
});

row_type!(DecisionRow in "policy_decisions" {
    org_id: Uuid,
    decision_id: Uuid,
    version_id: Uuid,
    review_round: i32,
    user_id: Uuid,
    verdict: String,
    comment: String,
    authority: String,
    decided_at: OffsetDateTime,
});

row_type!(ReviewRow in "policy_reviews" {
    org_id: Uuid,
    review_id: Uuid,
    policy_id: Uuid,
    reviewed_by: Uuid,
    reviewed_at: OffsetDateTime,
    outcome: String,
    note: String,
    version_id: Option<Uuid>,
});

row_type!(ExceptionRow in "policy_exceptions" {
    org_id: Uuid,
    exception_id: Uuid,
    policy_id: Uuid,
    clause: String,
    justification: String,
    risk: String,
    compensating_controls: String,
    requested_by: Uuid,
    waiver_person_id: Option<Uuid>,
    waiver_role_a: Option<Uuid>,
    waiver_role_b: Option<Uuid>,
    state: String,
    expires_on: Option<Date>,
    pending_expires_on: Option<Date>,
    pending_requested_by: Option<Uuid>,
    approved_by: Option<Uuid>,
    authority: Option<String>,
    decision_comment: Option<String>,
    decided_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

row_type!(DistributionRow in "policy_distributions" {
    org_id: Uuid,
    distribution_id: Uuid,
    policy_id: Uuid,
    version_id: Uuid,
    party: String,
    channel: String,
    distributed_on: Date,
    note: String,
    recorded_by: Uuid,
    created_at: OffsetDateTime,
});

impl From<&Policy> for PolicyRow {
    fn from(p: &Policy) -> Self {
        PolicyRow {
            org_id: p.org_id.0,
            policy_id: p.id.0,
            title: p.fields.title.clone(),
            kind: p.fields.kind.as_str().into(),
            parent_id: p.fields.parent_id.map(|id| id.0),
            owner_role: p.fields.owner_role.clone(),
            review_interval_months: p.fields.review_interval_months as i32,
            audience: json(&p.fields.audience),
            is_public: p.fields.public,
            approval_rule: json(&p.fields.approval_rule),
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

impl TryFrom<PolicyRow> for Policy {
    type Error = StoreError;
    fn try_from(r: PolicyRow) -> Result<Self> {
        Ok(Policy {
            id: PolicyId(r.policy_id),
            org_id: OrgId(r.org_id),
            fields: PolicyFields {
                title: r.title,
                kind: r.kind.parse().map_err(StoreError::corrupt)?,
                parent_id: r.parent_id.map(PolicyId),
                owner_role: r.owner_role,
                review_interval_months: u32::try_from(r.review_interval_months)
                    .map_err(StoreError::corrupt)?,
                audience: serde_json::from_str(&r.audience).map_err(StoreError::corrupt)?,
                public: r.is_public,
                approval_rule: serde_json::from_str(&r.approval_rule)
                    .map_err(StoreError::corrupt)?,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

impl From<&PolicyVersion> for VersionRow {
    fn from(v: &PolicyVersion) -> Self {
        VersionRow {
            org_id: v.org_id.0,
            version_id: v.id.0,
            policy_id: v.policy_id.0,
            number: v.number,
            body: v.body.clone(),
            change_summary: v.change_summary.clone(),
            author_id: v.author_id.0,
            contributors: json(&v.contributors),
            state: v.state.as_str().into(),
            review_round: v.review_round,
            created_at: v.created_at,
            updated_at: v.updated_at,
            approved_at: v.approved_at,
            published_at: v.published_at,
            version: v.version,
            material_change: v.material_change,
        }
    }
}

impl TryFrom<VersionRow> for PolicyVersion {
    type Error = StoreError;
    fn try_from(r: VersionRow) -> Result<Self> {
        Ok(PolicyVersion {
            id: VersionId(r.version_id),
            org_id: OrgId(r.org_id),
            policy_id: PolicyId(r.policy_id),
            number: r.number,
            body: r.body,
            change_summary: r.change_summary,
            author_id: UserId(r.author_id),
            contributors: serde_json::from_str(&r.contributors).map_err(StoreError::corrupt)?,
            state: r.state.parse().map_err(StoreError::corrupt)?,
            review_round: r.review_round,
            created_at: r.created_at,
            updated_at: r.updated_at,
            approved_at: r.approved_at,
            published_at: r.published_at,
            material_change: r.material_change,
            version: r.version,
        })
    }
}

impl From<&DecisionRecord> for DecisionRow {
    fn from(d: &DecisionRecord) -> Self {
        DecisionRow {
            org_id: d.org_id.0,
            decision_id: d.id,
            version_id: d.version_id.0,
            review_round: d.review_round,
            user_id: d.user_id.0,
            verdict: d.verdict.as_str().into(),
            comment: d.comment.clone(),
            authority: d.authority.clone(),
            decided_at: d.decided_at,
        }
    }
}

impl TryFrom<DecisionRow> for DecisionRecord {
    type Error = StoreError;
    fn try_from(r: DecisionRow) -> Result<Self> {
        Ok(DecisionRecord {
            id: r.decision_id,
            org_id: OrgId(r.org_id),
            version_id: VersionId(r.version_id),
            review_round: r.review_round,
            user_id: UserId(r.user_id),
            verdict: r.verdict.parse().map_err(StoreError::corrupt)?,
            comment: r.comment,
            authority: r.authority,
            decided_at: r.decided_at,
        })
    }
}

impl From<&ReviewRecord> for ReviewRow {
    fn from(r: &ReviewRecord) -> Self {
        ReviewRow {
            org_id: r.org_id.0,
            review_id: r.id,
            policy_id: r.policy_id.0,
            reviewed_by: r.reviewed_by.0,
            reviewed_at: r.reviewed_at,
            outcome: r.outcome.as_str().into(),
            note: r.note.clone(),
            version_id: r.version_id.map(|v| v.0),
        }
    }
}

impl TryFrom<ReviewRow> for ReviewRecord {
    type Error = StoreError;
    fn try_from(r: ReviewRow) -> Result<Self> {
        Ok(ReviewRecord {
            id: r.review_id,
            org_id: OrgId(r.org_id),
            policy_id: PolicyId(r.policy_id),
            reviewed_by: UserId(r.reviewed_by),
            reviewed_at: r.reviewed_at,
            outcome: r.outcome.parse().map_err(StoreError::corrupt)?,
            note: r.note,
            version_id: r.version_id.map(VersionId),
        })
    }
}

impl From<&PolicyException> for ExceptionRow {
    fn from(e: &PolicyException) -> Self {
        ExceptionRow {
            org_id: e.org_id.0,
            exception_id: e.id.0,
            policy_id: e.policy_id.0,
            clause: e.clause.clone(),
            justification: e.justification.clone(),
            risk: e.risk.clone(),
            compensating_controls: e.compensating_controls.clone(),
            requested_by: e.requested_by.0,
            waiver_person_id: e.waiver.as_ref().map(|w| w.person_id.0),
            waiver_role_a: e.waiver.as_ref().map(|w| w.role_ids.0),
            waiver_role_b: e.waiver.as_ref().map(|w| w.role_ids.1),
            state: e.state.as_str().into(),
            expires_on: e.expires_on,
            pending_expires_on: e.pending_expires_on,
            pending_requested_by: e.pending_requested_by.map(|u| u.0),
            approved_by: e.approved_by.map(|u| u.0),
            authority: e.authority.clone(),
            decision_comment: e.decision_comment.clone(),
            decided_at: e.decided_at,
            created_at: e.created_at,
            updated_at: e.updated_at,
            version: e.version,
        }
    }
}

impl TryFrom<ExceptionRow> for PolicyException {
    type Error = StoreError;
    fn try_from(r: ExceptionRow) -> Result<Self> {
        Ok(PolicyException {
            id: ExceptionId(r.exception_id),
            org_id: OrgId(r.org_id),
            policy_id: PolicyId(r.policy_id),
            clause: r.clause,
            justification: r.justification,
            risk: r.risk,
            compensating_controls: r.compensating_controls,
            requested_by: UserId(r.requested_by),
            waiver: match (r.waiver_person_id, r.waiver_role_a, r.waiver_role_b) {
                (Some(person), Some(a), Some(b)) => Some(RoleWaiver {
                    person_id: mandate_core::PersonId(person),
                    role_ids: (a, b),
                }),
                _ => None,
            },
            state: r.state.parse().map_err(StoreError::corrupt)?,
            expires_on: r.expires_on,
            pending_expires_on: r.pending_expires_on,
            pending_requested_by: r.pending_requested_by.map(UserId),
            approved_by: r.approved_by.map(UserId),
            authority: r.authority,
            decision_comment: r.decision_comment,
            decided_at: r.decided_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

impl From<&Distribution> for DistributionRow {
    fn from(d: &Distribution) -> Self {
        DistributionRow {
            org_id: d.org_id.0,
            distribution_id: d.id,
            policy_id: d.policy_id.0,
            version_id: d.version_id.0,
            party: d.party.clone(),
            channel: d.channel.clone(),
            distributed_on: d.distributed_on,
            note: d.note.clone(),
            recorded_by: d.recorded_by.0,
            created_at: d.created_at,
        }
    }
}

impl From<DistributionRow> for Distribution {
    fn from(r: DistributionRow) -> Self {
        Distribution {
            id: r.distribution_id,
            org_id: OrgId(r.org_id),
            policy_id: PolicyId(r.policy_id),
            version_id: VersionId(r.version_id),
            party: r.party,
            channel: r.channel,
            distributed_on: r.distributed_on,
            note: r.note,
            recorded_by: UserId(r.recorded_by),
            created_at: r.created_at,
        }
    }
}
