//! Row types of the performance records and their conversions: one place
//! where objectives, KPIs, values, actions, reviews and reports meet SQL.

use super::super::row_type::{json, row_type};
use crate::error::{Result, StoreError};
use mandate_core::performance::{
    Action, ActionFields, ActionSource, ActionStatus, Direction, Frequency, Kpi, KpiFields,
    ManagementReview, ManualInputs, Measurement, Objective, ObjectiveFields, PerformanceReport,
};
use mandate_core::{
    ActionId, ImprovementId, KpiId, ObjectiveId, OrgId, PersonId, PolicyId, ReportId, ReviewId,
    UserId,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

fn parse_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::corrupt(format!("{what}: {e}")))
}

fn parse_enum<T>(what: &str, raw: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(raw).ok_or_else(|| StoreError::corrupt(format!("{what}: unknown value {raw:?}")))
}

row_type!(ObjectiveRow in "objectives" {
    org_id: Uuid,
    objective_id: Uuid,
    title: String,
    description: String,
    strategic_goal: String,
    policy_id: Uuid,
    owner_role_id: Uuid,
    due_on: Date,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

impl From<&Objective> for ObjectiveRow {
    fn from(o: &Objective) -> Self {
        Self {
            org_id: o.org_id.0,
            objective_id: o.id.0,
            title: o.fields.title.clone(),
            description: o.fields.description.clone(),
            strategic_goal: o.fields.strategic_goal.clone(),
            policy_id: o.fields.policy_id.0,
            owner_role_id: o.fields.owner_role_id,
            due_on: o.fields.due_on,
            created_at: o.created_at,
            updated_at: o.updated_at,
            version: o.version,
        }
    }
}

impl From<ObjectiveRow> for Objective {
    fn from(r: ObjectiveRow) -> Self {
        Objective {
            id: ObjectiveId(r.objective_id),
            org_id: OrgId(r.org_id),
            fields: ObjectiveFields {
                title: r.title,
                description: r.description,
                strategic_goal: r.strategic_goal,
                policy_id: PolicyId(r.policy_id),
                owner_role_id: r.owner_role_id,
                due_on: r.due_on,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

row_type!(KpiRow in "kpis" {
    org_id: Uuid,
    kpi_id: Uuid,
    objective_id: Uuid,
    name: String,
    unit: String,
    target: f64,
    direction: String,
    frequency: String,
    starts_on: Date,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

impl From<&Kpi> for KpiRow {
    fn from(k: &Kpi) -> Self {
        Self {
            org_id: k.org_id.0,
            kpi_id: k.id.0,
            objective_id: k.fields.objective_id.0,
            name: k.fields.name.clone(),
            unit: k.fields.unit.clone(),
            target: k.fields.target,
            direction: k.fields.direction.as_str().into(),
            frequency: k.fields.frequency.as_str().into(),
            starts_on: k.starts_on,
            created_at: k.created_at,
            updated_at: k.updated_at,
            version: k.version,
        }
    }
}

impl TryFrom<KpiRow> for Kpi {
    type Error = StoreError;
    fn try_from(r: KpiRow) -> Result<Self> {
        Ok(Kpi {
            id: KpiId(r.kpi_id),
            org_id: OrgId(r.org_id),
            fields: KpiFields {
                objective_id: ObjectiveId(r.objective_id),
                name: r.name,
                unit: r.unit,
                target: r.target,
                direction: parse_enum("kpi direction", &r.direction, Direction::parse)?,
                frequency: parse_enum("kpi frequency", &r.frequency, Frequency::parse)?,
            },
            starts_on: r.starts_on,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

row_type!(MeasurementRow in "kpi_measurements" {
    org_id: Uuid,
    kpi_id: Uuid,
    measured_on: Date,
    value: f64,
    note: String,
    recorded_by: Uuid,
    recorded_at: OffsetDateTime,
});

impl MeasurementRow {
    pub fn new(org: OrgId, m: &Measurement) -> Self {
        Self {
            org_id: org.0,
            kpi_id: m.kpi_id.0,
            measured_on: m.measured_on,
            value: m.value,
            note: m.note.clone(),
            recorded_by: m.recorded_by.0,
            recorded_at: m.recorded_at,
        }
    }
}

impl From<MeasurementRow> for Measurement {
    fn from(r: MeasurementRow) -> Self {
        Measurement {
            kpi_id: KpiId(r.kpi_id),
            measured_on: r.measured_on,
            value: r.value,
            note: r.note,
            recorded_by: UserId(r.recorded_by),
            recorded_at: r.recorded_at,
        }
    }
}

row_type!(ActionRow in "actions" {
    org_id: Uuid,
    action_id: Uuid,
    title: String,
    owner_id: Uuid,
    due_on: Date,
    status: String,
    source: String,
    objective_id: Option<Uuid>,
    review_id: Option<Uuid>,
    notes: String,
    closed_on: Option<Date>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
    improvement_id: Option<Uuid>,
});

impl From<&Action> for ActionRow {
    fn from(a: &Action) -> Self {
        Self {
            org_id: a.org_id.0,
            action_id: a.id.0,
            title: a.fields.title.clone(),
            owner_id: a.fields.owner_id.0,
            due_on: a.fields.due_on,
            status: a.fields.status.as_str().into(),
            source: a.fields.source.as_str().into(),
            objective_id: a.fields.objective_id.map(|o| o.0),
            review_id: a.fields.review_id.map(|r| r.0),
            improvement_id: a.fields.improvement_id.map(|i| i.0),
            notes: a.fields.notes.clone(),
            closed_on: a.closed_on,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
        }
    }
}

impl TryFrom<ActionRow> for Action {
    type Error = StoreError;
    fn try_from(r: ActionRow) -> Result<Self> {
        Ok(Action {
            id: ActionId(r.action_id),
            org_id: OrgId(r.org_id),
            fields: ActionFields {
                title: r.title,
                owner_id: PersonId(r.owner_id),
                due_on: r.due_on,
                status: parse_enum("action status", &r.status, ActionStatus::parse)?,
                source: parse_enum("action source", &r.source, ActionSource::parse)?,
                objective_id: r.objective_id.map(ObjectiveId),
                review_id: r.review_id.map(ReviewId),
                improvement_id: r.improvement_id.map(ImprovementId),
                notes: r.notes,
            },
            closed_on: r.closed_on,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

row_type!(ManagementReviewRow in "management_reviews" {
    org_id: Uuid,
    review_id: Uuid,
    title: String,
    planned_on: Date,
    chair_id: Uuid,
    attendees: String,
    context_changes: String,
    audit_results: String,
    risk_results: String,
    interested_party_feedback: String,
    opportunities: String,
    pack: Option<String>,
    pack_sha256: Option<String>,
    held_on: Option<Date>,
    minutes: String,
    decisions: String,
    approved_by: Option<Uuid>,
    approved_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

impl From<&ManagementReview> for ManagementReviewRow {
    fn from(r: &ManagementReview) -> Self {
        let pack = r.pack.as_ref().map(|p| p.to_json());
        Self {
            org_id: r.org_id.0,
            review_id: r.id.0,
            title: r.title.clone(),
            planned_on: r.planned_on,
            chair_id: r.chair_id.0,
            attendees: json(&r.attendees),
            context_changes: r.manual.context_changes.clone(),
            audit_results: r.manual.audit_results.clone(),
            risk_results: r.manual.risk_results.clone(),
            interested_party_feedback: r.manual.interested_party_feedback.clone(),
            opportunities: r.manual.opportunities.clone(),
            pack_sha256: r.pack.as_ref().map(|p| p.digest()),
            pack,
            held_on: r.held_on,
            minutes: r.minutes.clone(),
            decisions: json(&r.decisions),
            approved_by: r.approved_by.map(|u| u.0),
            approved_at: r.approved_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

impl TryFrom<ManagementReviewRow> for ManagementReview {
    type Error = StoreError;
    fn try_from(r: ManagementReviewRow) -> Result<Self> {
        Ok(ManagementReview {
            id: ReviewId(r.review_id),
            org_id: OrgId(r.org_id),
            title: r.title,
            planned_on: r.planned_on,
            chair_id: PersonId(r.chair_id),
            attendees: parse_json("review attendees", &r.attendees)?,
            manual: ManualInputs {
                context_changes: r.context_changes,
                audit_results: r.audit_results,
                risk_results: r.risk_results,
                interested_party_feedback: r.interested_party_feedback,
                opportunities: r.opportunities,
            },
            pack: r
                .pack
                .as_deref()
                .map(|p| parse_json("review pack", p))
                .transpose()?,
            held_on: r.held_on,
            minutes: r.minutes,
            decisions: parse_json("review decisions", &r.decisions)?,
            approved_by: r.approved_by.map(UserId),
            approved_at: r.approved_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

row_type!(ReportRow in "performance_reports" {
    org_id: Uuid,
    report_id: Uuid,
    title: String,
    period_from: Date,
    period_to: Date,
    produced_by: Uuid,
    content: String,
    presented_on: Option<Date>,
    presented_to: String,
    created_at: OffsetDateTime,
    version: i64,
});

impl From<&PerformanceReport> for ReportRow {
    fn from(r: &PerformanceReport) -> Self {
        Self {
            org_id: r.org_id.0,
            report_id: r.id.0,
            title: r.title.clone(),
            period_from: r.period_from,
            period_to: r.period_to,
            produced_by: r.produced_by.0,
            content: json(&r.content),
            presented_on: r.presented_on,
            presented_to: json(&r.presented_to),
            created_at: r.created_at,
            version: r.version,
        }
    }
}

impl TryFrom<ReportRow> for PerformanceReport {
    type Error = StoreError;
    fn try_from(r: ReportRow) -> Result<Self> {
        Ok(PerformanceReport {
            id: ReportId(r.report_id),
            org_id: OrgId(r.org_id),
            title: r.title,
            period_from: r.period_from,
            period_to: r.period_to,
            produced_by: PersonId(r.produced_by),
            content: parse_json("report content", &r.content)?,
            presented_on: r.presented_on,
            presented_to: parse_json("report audience", &r.presented_to)?,
            created_at: r.created_at,
            version: r.version,
        })
    }
}

row_type!(ReviewSettingsRow in "review_settings" {
    org_id: Uuid,
    cadence_months: i32,
    updated_at: OffsetDateTime,
});
