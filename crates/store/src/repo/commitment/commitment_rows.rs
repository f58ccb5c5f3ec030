//! Row types of the commitment records and their conversions: one place
//! where settings, resources, statements, communications, training,
//! feedback, improvements and attestations meet SQL.

use super::super::row_type::{json, row_type};
use crate::error::{Result, StoreError};
use mandate_core::commitment::attestation::{Attestation, AttestationFields, Period};
use mandate_core::commitment::communication::{
    Channel, Communication, CommunicationFields, PlanItem, PlanItemFields,
};
use mandate_core::commitment::feedback::{
    Feedback, FeedbackKind, FeedbackStatus, FeedbackSubmission,
};
use mandate_core::commitment::improvement::{
    Improvement, ImprovementFields, ImprovementKind, ImprovementSource,
};
use mandate_core::commitment::money::Currency;
use mandate_core::commitment::resources::{BudgetApproval, ResourcePlan, ResourcePlanFields};
use mandate_core::commitment::statement::{LeadershipStatement, StatementFields};
use mandate_core::commitment::training::{
    Completion, Course, CourseFields, CourseKind, TrainingRecord,
};
use mandate_core::settings::OrgSettings;
use mandate_core::{
    AttestationId, CommunicationId, CourseId, FeedbackId, ImprovementId, OrgId, PersonId,
    PlanItemId, PolicyId, ResourcePlanId, StatementId, UserId,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

fn parse_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::corrupt(format!("{what}: {e}")))
}

fn parse_enum<T>(what: &str, raw: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(raw).ok_or_else(|| StoreError::corrupt(format!("{what}: unknown value {raw:?}")))
}

fn small<T: TryFrom<i32>>(what: &str, raw: i32) -> Result<T> {
    T::try_from(raw).map_err(|_| StoreError::corrupt(format!("{what}: {raw} is out of range")))
}

row_type!(SettingsRow in "org_settings" {
    org_id: Uuid,
    settings: String,
    updated_at: OffsetDateTime,
    version: i64,
});

impl SettingsRow {
    pub fn settings(&self) -> Result<OrgSettings> {
        parse_json("settings", &self.settings)
    }
}

row_type!(ResourcePlanRow in "resource_plans" {
    org_id: Uuid,
    plan_id: Uuid,
    fiscal_year: i32,
    currency: String,
    lines: String,
    notes: String,
    proposed_by: Uuid,
    approved_by: Option<Uuid>,
    approved_at: Option<OffsetDateTime>,
    approval_authority: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

impl From<&ResourcePlan> for ResourcePlanRow {
    fn from(p: &ResourcePlan) -> Self {
        Self {
            org_id: p.org_id.0,
            plan_id: p.id.0,
            fiscal_year: p.fields.fiscal_year,
            currency: p.fields.currency.to_string(),
            lines: json(&p.fields.lines),
            notes: p.fields.notes.clone(),
            proposed_by: p.proposed_by.0,
            approved_by: p.approval.as_ref().map(|a| a.approved_by.0),
            approved_at: p.approval.as_ref().map(|a| a.approved_at),
            approval_authority: p.approval.as_ref().map(|a| a.authority.clone()),
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

impl TryFrom<ResourcePlanRow> for ResourcePlan {
    type Error = StoreError;
    fn try_from(r: ResourcePlanRow) -> Result<Self> {
        let approval = match (r.approved_by, r.approved_at) {
            (Some(by), Some(at)) => Some(BudgetApproval {
                approved_by: PersonId(by),
                approved_at: at,
                authority: r.approval_authority.unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(ResourcePlan {
            id: ResourcePlanId(r.plan_id),
            org_id: OrgId(r.org_id),
            fields: ResourcePlanFields {
                fiscal_year: r.fiscal_year,
                currency: Currency::parse(&r.currency).map_err(StoreError::corrupt)?,
                lines: parse_json("budget lines", &r.lines)?,
                notes: r.notes,
            },
            proposed_by: PersonId(r.proposed_by),
            approval,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

row_type!(StatementRow in "leadership_statements" {
    org_id: Uuid,
    statement_id: Uuid,
    title: String,
    body: String,
    body_sha256: String,
    signatories: String,
    signatures: String,
    published_at: Option<OffsetDateTime>,
    published_where: String,
    superseded_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

impl From<&LeadershipStatement> for StatementRow {
    fn from(s: &LeadershipStatement) -> Self {
        Self {
            org_id: s.org_id.0,
            statement_id: s.id.0,
            title: s.fields.title.clone(),
            body: s.fields.body.clone(),
            body_sha256: s.body_sha256.clone(),
            signatories: json(&s.fields.signatories),
            signatures: json(&s.signatures),
            published_at: s.published_at,
            published_where: s.published_where.clone(),
            superseded_at: s.superseded_at,
            created_at: s.created_at,
            updated_at: s.updated_at,
            version: s.version,
        }
    }
}

impl TryFrom<StatementRow> for LeadershipStatement {
    type Error = StoreError;
    fn try_from(r: StatementRow) -> Result<Self> {
        Ok(LeadershipStatement {
            id: StatementId(r.statement_id),
            org_id: OrgId(r.org_id),
            fields: StatementFields {
                title: r.title,
                body: r.body,
                signatories: parse_json("signatories", &r.signatories)?,
            },
            body_sha256: r.body_sha256,
            signatures: parse_json("signatures", &r.signatures)?,
            published_at: r.published_at,
            published_where: r.published_where,
            superseded_at: r.superseded_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

row_type!(PlanItemRow in "communication_plan" {
    org_id: Uuid,
    plan_item_id: Uuid,
    topic: String,
    channel: String,
    audience: String,
    interval_months: i32,
    first_due_on: Date,
    active: bool,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

impl From<&PlanItem> for PlanItemRow {
    fn from(p: &PlanItem) -> Self {
        Self {
            org_id: p.org_id.0,
            plan_item_id: p.id.0,
            topic: p.fields.topic.clone(),
            channel: p.fields.channel.as_str().into(),
            audience: p.fields.audience.clone(),
            interval_months: i32::from(p.fields.interval_months),
            first_due_on: p.fields.first_due_on,
            active: p.fields.active,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

impl TryFrom<PlanItemRow> for PlanItem {
    type Error = StoreError;
    fn try_from(r: PlanItemRow) -> Result<Self> {
        Ok(PlanItem {
            id: PlanItemId(r.plan_item_id),
            org_id: OrgId(r.org_id),
            fields: PlanItemFields {
                topic: r.topic,
                channel: parse_enum("channel", &r.channel, Channel::parse)?,
                audience: r.audience,
                interval_months: small("interval_months", r.interval_months)?,
                first_due_on: r.first_due_on,
                active: r.active,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

row_type!(CommunicationRow in "communications" {
    org_id: Uuid,
    communication_id: Uuid,
    occurred_on: Date,
    channel: String,
    audience: String,
    topic: String,
    summary: String,
    sponsor_id: Uuid,
    policy_id: Option<Uuid>,
    plan_item_id: Option<Uuid>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

impl From<&Communication> for CommunicationRow {
    fn from(c: &Communication) -> Self {
        Self {
            org_id: c.org_id.0,
            communication_id: c.id.0,
            occurred_on: c.fields.occurred_on,
            channel: c.fields.channel.as_str().into(),
            audience: c.fields.audience.clone(),
            topic: c.fields.topic.clone(),
            summary: c.fields.summary.clone(),
            sponsor_id: c.fields.sponsor_id.0,
            policy_id: c.fields.policy_id.map(|p| p.0),
            plan_item_id: c.fields.plan_item_id.map(|p| p.0),
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

impl TryFrom<CommunicationRow> for Communication {
    type Error = StoreError;
    fn try_from(r: CommunicationRow) -> Result<Self> {
        Ok(Communication {
            id: CommunicationId(r.communication_id),
            org_id: OrgId(r.org_id),
            fields: CommunicationFields {
                occurred_on: r.occurred_on,
                channel: parse_enum("channel", &r.channel, Channel::parse)?,
                audience: r.audience,
                topic: r.topic,
                summary: r.summary,
                sponsor_id: PersonId(r.sponsor_id),
                policy_id: r.policy_id.map(PolicyId),
                plan_item_id: r.plan_item_id.map(PlanItemId),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

row_type!(CourseRow in "courses" {
    org_id: Uuid,
    course_id: Uuid,
    title: String,
    kind: String,
    description: String,
    validity_months: Option<i32>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

impl From<&Course> for CourseRow {
    fn from(c: &Course) -> Self {
        Self {
            org_id: c.org_id.0,
            course_id: c.id.0,
            title: c.fields.title.clone(),
            kind: c.fields.kind.as_str().into(),
            description: c.fields.description.clone(),
            validity_months: c.fields.validity_months.map(i32::from),
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

impl TryFrom<CourseRow> for Course {
    type Error = StoreError;
    fn try_from(r: CourseRow) -> Result<Self> {
        Ok(Course {
            id: CourseId(r.course_id),
            org_id: OrgId(r.org_id),
            fields: CourseFields {
                title: r.title,
                kind: parse_enum("course kind", &r.kind, CourseKind::parse)?,
                description: r.description,
                validity_months: r
                    .validity_months
                    .map(|m| small("validity_months", m))
                    .transpose()?,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

row_type!(TrainingRow in "training_records" {
    org_id: Uuid,
    person_id: Uuid,
    course_id: Uuid,
    completed_on: Date,
    expires_on: Option<Date>,
    note: String,
    recorded_by: Uuid,
    recorded_at: OffsetDateTime,
});

impl From<&TrainingRecord> for TrainingRow {
    fn from(t: &TrainingRecord) -> Self {
        Self {
            org_id: t.org_id.0,
            person_id: t.completion.person_id.0,
            course_id: t.completion.course_id.0,
            completed_on: t.completion.completed_on,
            expires_on: t.completion.expires_on,
            note: t.completion.note.clone(),
            recorded_by: t.recorded_by.0,
            recorded_at: t.recorded_at,
        }
    }
}

impl From<TrainingRow> for TrainingRecord {
    fn from(r: TrainingRow) -> Self {
        TrainingRecord {
            org_id: OrgId(r.org_id),
            completion: Completion {
                person_id: PersonId(r.person_id),
                course_id: CourseId(r.course_id),
                completed_on: r.completed_on,
                expires_on: r.expires_on,
                note: r.note,
            },
            recorded_by: UserId(r.recorded_by),
            recorded_at: r.recorded_at,
        }
    }
}

row_type!(FeedbackRow in "feedback" {
    org_id: Uuid,
    feedback_id: Uuid,
    kind: String,
    subject: String,
    body: String,
    confidential: bool,
    author_id: Option<Uuid>,
    received_on: Date,
    status: String,
    response: String,
    improvement_id: Option<Uuid>,
    version: i64,
});

impl From<&Feedback> for FeedbackRow {
    fn from(f: &Feedback) -> Self {
        Self {
            org_id: f.org_id.0,
            feedback_id: f.id.0,
            kind: f.submission.kind.as_str().into(),
            subject: f.submission.subject.clone(),
            body: f.submission.text.clone(),
            confidential: f.confidential,
            author_id: f.author_id.map(|a| a.0),
            received_on: f.received_on,
            status: f.status.as_str().into(),
            response: f.response.clone(),
            improvement_id: f.improvement_id.map(|i| i.0),
            version: f.version,
        }
    }
}

impl TryFrom<FeedbackRow> for Feedback {
    type Error = StoreError;
    fn try_from(r: FeedbackRow) -> Result<Self> {
        Ok(Feedback {
            id: FeedbackId(r.feedback_id),
            org_id: OrgId(r.org_id),
            submission: FeedbackSubmission {
                kind: parse_enum("feedback kind", &r.kind, FeedbackKind::parse)?,
                subject: r.subject,
                text: r.body,
            },
            confidential: r.confidential,
            author_id: r.author_id.map(PersonId),
            received_on: r.received_on,
            status: parse_enum("feedback status", &r.status, FeedbackStatus::parse)?,
            response: r.response,
            improvement_id: r.improvement_id.map(ImprovementId),
            version: r.version,
        })
    }
}

row_type!(
    /// A confidential submission waiting to be filed: what was written and
    /// the day, nothing else (see [`super::super::feedback`]).
    InboxRow in "feedback_inbox" {
    org_id: Uuid,
    feedback_id: Uuid,
    kind: String,
    subject: String,
    body: String,
    received_on: Date,
});

impl From<&Feedback> for InboxRow {
    fn from(f: &Feedback) -> Self {
        Self {
            org_id: f.org_id.0,
            feedback_id: f.id.0,
            kind: f.submission.kind.as_str().into(),
            subject: f.submission.subject.clone(),
            body: f.submission.text.clone(),
            received_on: f.received_on,
        }
    }
}

impl TryFrom<InboxRow> for Feedback {
    type Error = StoreError;
    fn try_from(r: InboxRow) -> Result<Self> {
        let submission = FeedbackSubmission {
            kind: parse_enum("feedback kind", &r.kind, FeedbackKind::parse)?,
            subject: r.subject,
            text: r.body,
        };
        Ok(Feedback {
            id: FeedbackId(r.feedback_id),
            ..Feedback::confidential(OrgId(r.org_id), submission, r.received_on)
        })
    }
}

row_type!(ImprovementRow in "improvements" {
    org_id: Uuid,
    improvement_id: Uuid,
    kind: String,
    title: String,
    description: String,
    source: String,
    raised_on: Date,
    owner_id: Uuid,
    root_cause: String,
    feedback_id: Option<Uuid>,
    checks: String,
    closed_on: Option<Date>,
    closing_note: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

impl From<&Improvement> for ImprovementRow {
    fn from(i: &Improvement) -> Self {
        Self {
            org_id: i.org_id.0,
            improvement_id: i.id.0,
            kind: i.fields.kind.as_str().into(),
            title: i.fields.title.clone(),
            description: i.fields.description.clone(),
            source: i.fields.source.as_str().into(),
            raised_on: i.fields.raised_on,
            owner_id: i.fields.owner_id.0,
            root_cause: i.fields.root_cause.clone(),
            feedback_id: i.fields.feedback_id.map(|f| f.0),
            checks: json(&i.checks),
            closed_on: i.closed_on,
            closing_note: i.closing_note.clone(),
            created_at: i.created_at,
            updated_at: i.updated_at,
            version: i.version,
        }
    }
}

impl TryFrom<ImprovementRow> for Improvement {
    type Error = StoreError;
    fn try_from(r: ImprovementRow) -> Result<Self> {
        Ok(Improvement {
            id: ImprovementId(r.improvement_id),
            org_id: OrgId(r.org_id),
            fields: ImprovementFields {
                kind: parse_enum("improvement kind", &r.kind, ImprovementKind::parse)?,
                title: r.title,
                description: r.description,
                source: parse_enum("improvement source", &r.source, ImprovementSource::parse)?,
                raised_on: r.raised_on,
                owner_id: PersonId(r.owner_id),
                root_cause: r.root_cause,
                feedback_id: r.feedback_id.map(FeedbackId),
            },
            checks: parse_json("effectiveness checks", &r.checks)?,
            closed_on: r.closed_on,
            closing_note: r.closing_note,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

row_type!(AttestationRow in "attestations" {
    org_id: Uuid,
    attestation_id: Uuid,
    manager_id: Uuid,
    period_start: Date,
    period_end: Date,
    team_trained: bool,
    policies_acknowledged: bool,
    access_reviewed: bool,
    comments: String,
    team_size: i32,
    attested_by: Uuid,
    attested_at: OffsetDateTime,
    version: i64,
});

impl From<&Attestation> for AttestationRow {
    fn from(a: &Attestation) -> Self {
        Self {
            org_id: a.org_id.0,
            attestation_id: a.id.0,
            manager_id: a.manager_id.0,
            period_start: a.period.starts_on,
            period_end: a.period.ends_on,
            team_trained: a.fields.team_trained,
            policies_acknowledged: a.fields.policies_acknowledged,
            access_reviewed: a.fields.access_reviewed,
            comments: a.fields.comments.clone(),
            team_size: i32::try_from(a.team_size).unwrap_or(i32::MAX),
            attested_by: a.attested_by.0,
            attested_at: a.attested_at,
            version: a.version,
        }
    }
}

impl TryFrom<AttestationRow> for Attestation {
    type Error = StoreError;
    fn try_from(r: AttestationRow) -> Result<Self> {
        Ok(Attestation {
            id: AttestationId(r.attestation_id),
            org_id: OrgId(r.org_id),
            manager_id: PersonId(r.manager_id),
            period: Period {
                starts_on: r.period_start,
                ends_on: r.period_end,
            },
            fields: AttestationFields {
                team_trained: r.team_trained,
                policies_acknowledged: r.policies_acknowledged,
                access_reviewed: r.access_reviewed,
                comments: r.comments,
            },
            team_size: small("team_size", r.team_size)?,
            attested_by: UserId(r.attested_by),
            attested_at: r.attested_at,
            version: r.version,
        })
    }
}
