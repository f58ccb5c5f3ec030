//! A snapshot in which every Clause 5 requirement is met, on 30 June 2026:
//! each rule's tests break one thing in it, or look at an earlier day.

use super::snapshot::{AckFigures, Approval, PolicyAt, Snapshot, TrainingFacts, VersionAt};
use crate::commitment::attestation::{AttestationStatus, Period};
use crate::commitment::communication::{Channel, Communication, CommunicationFields};
use crate::commitment::improvement::{
    EffectivenessCheck, Improvement, ImprovementFields, ImprovementKind, ImprovementSource,
};
use crate::commitment::money::Currency;
use crate::commitment::resources::{
    BudgetApproval, BudgetCategory, BudgetLine, ResourcePlan, ResourcePlanFields,
};
use crate::commitment::statement::{LeadershipStatement, StatementFields};
use crate::commitment::training::AwarenessCoverage;
use crate::ids::*;
use crate::performance::{
    Action, ActionFields, ActionSource, ActionStatus, DecisionKind, Direction, Frequency, Kpi,
    KpiFields, ManagementReview, ManualInputs, Measurement, Objective, ObjectiveFields,
    PerformanceReport, ReportContent, ReviewDecision, ReviewPack, objective_lines,
};
use crate::policy::{ApprovalRule, Audience, Policy, PolicyFields, PolicyKind};
use crate::roles::{Assignment, AssignmentTerms, Decision, Raci, Role, RoleFields};
use crate::settings::OrgSettings;
use crate::{Organisation, Slug};
use std::collections::HashMap;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

pub const DAY: Date = date!(2026 - 06 - 30);
const T0: OffsetDateTime = datetime!(2026-01-01 09:00 UTC);

pub struct People {
    pub ceo: PersonId,
    pub isms: PersonId,
    pub lead: PersonId,
}

fn at(day: Date) -> OffsetDateTime {
    day.midnight().assume_utc()
}

fn role(name: &str, f: impl FnOnce(&mut RoleFields)) -> Role {
    let mut fields = RoleFields {
        name: name.into(),
        purpose: String::new(),
        responsibilities: vec![format!("Do what a {name} does")],
        authorities: vec![Decision::AcceptRisk],
        reports_to: None,
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: Vec::new(),
        incompatible_with: Vec::new(),
        critical: false,
    };
    f(&mut fields);
    Role {
        id: uuid::Uuid::now_v7(),
        org_id: OrgId::new(),
        fields,
        created_at: T0,
        updated_at: T0,
        version: 1,
    }
}

pub fn assignment(
    role: &Role,
    person: PersonId,
    deputy: Option<PersonId>,
    capacity: Option<u8>,
) -> Assignment {
    Assignment {
        id: uuid::Uuid::now_v7(),
        org_id: role.org_id,
        terms: AssignmentTerms {
            role_id: role.id,
            person_id: person,
            starts_on: date!(2026 - 01 - 01),
            ends_on: None,
            deputy_id: deputy,
            capacity_percent: capacity,
        },
        assigned_by: UserId::new(),
        acknowledged_at: Some(datetime!(2026-01-03 10:00 UTC)),
        acknowledged_sha256: None,
        declined_at: None,
        decline_reason: String::new(),
        created_at: T0,
        updated_at: T0,
        version: 1,
    }
}

fn policy(title: &str, kind: PolicyKind, published: Date, elements: [bool; 4]) -> PolicyAt {
    let p = Policy {
        id: PolicyId::new(),
        org_id: OrgId::new(),
        fields: PolicyFields {
            title: title.into(),
            kind,
            parent_id: None,
            owner_role: "ISMS manager".into(),
            review_interval_months: 12,
            audience: Audience::everyone(),
            public: kind == PolicyKind::TopLevel,
            approval_rule: ApprovalRule::default(),
        },
        created_at: T0,
        updated_at: T0,
        version: 1,
    };
    PolicyAt {
        policy: p,
        current: Some(VersionAt {
            id: VersionId::new(),
            number: 1,
            published_on: published,
            approved_on: Some(published),
            approvals: vec![Approval {
                approver: "ceo@example.com".into(),
                authority: "ISMS role Top management".into(),
                decided_on: published,
            }],
            elements,
        }),
        last_no_change_review: None,
        distributions: 0,
    }
}

fn action(
    title: &str,
    source: ActionSource,
    review: Option<ReviewId>,
    owner: PersonId,
    closed: Option<Date>,
) -> Action {
    Action {
        id: ActionId::new(),
        org_id: OrgId::new(),
        fields: ActionFields {
            title: title.into(),
            owner_id: owner,
            due_on: date!(2026 - 06 - 01),
            status: if closed.is_some() {
                ActionStatus::Done
            } else {
                ActionStatus::Open
            },
            source,
            objective_id: None,
            review_id: review,
            improvement_id: None,
            notes: String::new(),
        },
        closed_on: closed,
        created_at: datetime!(2026-02-01 09:00 UTC),
        updated_at: datetime!(2026-02-01 09:00 UTC),
        version: 1,
    }
}

/// Everything in order on 30 June 2026.
pub fn good() -> (Snapshot, People) {
    let people = People {
        ceo: PersonId::new(),
        isms: PersonId::new(),
        lead: PersonId::new(),
    };
    let organisation = Organisation {
        id: OrgId::new(),
        slug: Slug::parse("acme").expect("slug"),
        name: "Acme".into(),
        purpose: String::new(),
        scope_statement: String::new(),
        strategic_goals: vec!["Grow safely".into()],
        fiscal_year_start_month: 1,
        created_at: T0,
        version: 1,
    };
    let top = role("Top management", |f| {
        f.top_management = true;
        f.critical = true;
        f.authorities = vec![
            Decision::ApprovePolicy,
            Decision::ApproveBudget,
            Decision::SignLeadershipStatement,
        ];
    });
    let isms = role("ISMS manager", |f| {
        f.conformance_owner = true;
        f.performance_reporter = true;
        f.critical = true;
    });
    let line = role("Line manager", |_| {});
    let assignments = vec![
        assignment(&top, people.ceo, Some(people.isms), Some(10)),
        assignment(&isms, people.isms, Some(people.ceo), Some(50)),
        assignment(&line, people.lead, None, None),
    ];
    let raci = vec![(
        "Risk assessment".to_string(),
        vec![(top.id, Raci::Accountable), (isms.id, Raci::Responsible)],
    )];
    let top_policy = policy(
        "Information security policy",
        PolicyKind::TopLevel,
        date!(2026 - 01 - 10),
        [true; 4],
    );
    let topic = policy(
        "Acceptable use",
        PolicyKind::Topic,
        date!(2026 - 02 - 01),
        [false; 4],
    );
    let acknowledgements = AckFigures {
        version: top_policy.current.as_ref().map(|v| v.id),
        addressed: 100,
        done: 97,
        overdue: 0,
    };
    let objective = Objective {
        id: ObjectiveId::new(),
        org_id: OrgId::new(),
        fields: ObjectiveFields {
            title: "Fewer clicks on phishing".into(),
            description: String::new(),
            strategic_goal: "Grow safely".into(),
            policy_id: top_policy.policy.id,
            owner_role_id: isms.id,
            due_on: date!(2026 - 12 - 31),
        },
        created_at: T0,
        updated_at: T0,
        version: 1,
    };
    let kpi = Kpi {
        id: KpiId::new(),
        org_id: OrgId::new(),
        fields: KpiFields {
            objective_id: objective.id,
            name: "Click rate".into(),
            unit: "%".into(),
            target: 5.0,
            direction: Direction::LowerIsBetter,
            frequency: Frequency::Monthly,
        },
        starts_on: date!(2026 - 01 - 01),
        created_at: T0,
        updated_at: T0,
        version: 1,
    };
    let measurements: Vec<Measurement> = (1..=6u8)
        .map(|m| Measurement {
            kpi_id: kpi.id,
            measured_on: Date::from_calendar_date(
                2026,
                time::Month::try_from(m).expect("month"),
                28,
            )
            .expect("day"),
            value: 3.0,
            note: String::new(),
            recorded_by: UserId::new(),
            recorded_at: T0,
        })
        .collect();
    let review_id = ReviewId::new();
    let mut actions = vec![
        action(
            "Decide on a password manager",
            ActionSource::Review,
            Some(review_id),
            people.isms,
            None,
        ),
        action(
            "Disable leavers' accounts",
            ActionSource::Nonconformity,
            None,
            people.isms,
            Some(date!(2026 - 05 - 20)),
        ),
    ];
    actions[0].fields.due_on = date!(2026 - 08 - 31);
    let mut pack = ReviewPack::empty(date!(2026 - 05 - 10));
    pack.objectives = objective_lines(
        date!(2026 - 05 - 10),
        std::slice::from_ref(&objective),
        std::slice::from_ref(&kpi),
        &measurements,
        &actions,
        &|_| String::new(),
        None,
    );
    let written = "Discussed.".to_string();
    let review = ManagementReview {
        id: review_id,
        org_id: OrgId::new(),
        title: "Q2 management review".into(),
        planned_on: date!(2026 - 05 - 15),
        chair_id: people.ceo,
        attendees: vec![people.ceo, people.isms],
        manual: ManualInputs {
            context_changes: written.clone(),
            audit_results: written.clone(),
            risk_results: written.clone(),
            interested_party_feedback: written.clone(),
            opportunities: written,
        },
        pack: Some(pack),
        held_on: Some(date!(2026 - 05 - 15)),
        minutes: "Minutes".into(),
        decisions: vec![ReviewDecision {
            kind: DecisionKind::Improvement,
            text: "Buy a password manager".into(),
        }],
        approved_by: None,
        approved_at: None,
        created_at: T0,
        updated_at: T0,
        version: 1,
    };
    let report = PerformanceReport {
        id: ReportId::new(),
        org_id: OrgId::new(),
        title: "Q1 report".into(),
        period_from: date!(2026 - 01 - 01),
        period_to: date!(2026 - 03 - 31),
        produced_by: people.isms,
        content: ReportContent {
            objectives: Vec::new(),
            open_actions: Vec::new(),
            closed_actions: Vec::new(),
        },
        presented_on: Some(date!(2026 - 06 - 10)),
        presented_to: vec![people.ceo],
        created_at: at(date!(2026 - 06 - 05)),
        version: 1,
    };
    let plan = ResourcePlan {
        id: ResourcePlanId::new(),
        org_id: OrgId::new(),
        fields: ResourcePlanFields {
            fiscal_year: 2026,
            currency: Currency::parse("EUR").expect("currency"),
            lines: vec![BudgetLine {
                category: BudgetCategory::ExternalAudit,
                planned: 1_000_000,
                actual: 0,
                note: String::new(),
            }],
            notes: String::new(),
        },
        proposed_by: people.isms,
        approval: Some(BudgetApproval {
            approved_by: people.ceo,
            approved_at: at(date!(2026 - 01 - 20)),
            authority: "ISMS role Top management".into(),
        }),
        created_at: T0,
        updated_at: T0,
        version: 2,
    };
    let fields = StatementFields {
        title: "Our commitment".into(),
        body: "We lead.".into(),
        signatories: vec![people.ceo],
    };
    let statement = LeadershipStatement::new(OrgId::new(), fields, T0);
    let digest = statement.body_sha256.clone();
    let statement = statement
        .signed(
            people.ceo,
            &digest,
            "ISMS role Top management".into(),
            at(date!(2026 - 01 - 25)),
        )
        .expect("signed")
        .published("Intranet", at(date!(2026 - 02 - 01)))
        .expect("published");
    let communication = Communication {
        id: CommunicationId::new(),
        org_id: OrgId::new(),
        fields: CommunicationFields {
            occurred_on: date!(2026 - 05 - 01),
            channel: Channel::Email,
            audience: "All staff".into(),
            topic: "Why security matters".into(),
            summary: String::new(),
            sponsor_id: people.ceo,
            policy_id: None,
            plan_item_id: None,
        },
        created_at: T0,
        updated_at: T0,
        version: 1,
    };
    let period = Period::containing(date!(2026 - 05 - 01), 3, 1);
    let names = HashMap::from([
        (people.ceo, "Cleo Executive".to_string()),
        (people.isms, "Ivan Manager".to_string()),
        (people.lead, "Lea Lead".to_string()),
    ]);
    let snapshot = Snapshot {
        as_of: DAY,
        organisation,
        settings: OrgSettings::default(),
        review_cadence_months: 3,
        policies: vec![top_policy, topic],
        exceptions: Vec::new(),
        acknowledgements,
        roles: vec![top, isms, line],
        assignments,
        left_on: HashMap::new(),
        raci,
        objectives: vec![objective],
        kpis: vec![kpi],
        measurements,
        actions,
        reviews: vec![review],
        reports: vec![report],
        resource_plans: vec![plan],
        statements: vec![statement],
        communications: vec![communication],
        training: TrainingFacts {
            awareness_course: true,
            awareness: AwarenessCoverage {
                personnel: 100,
                trained: 95,
                untrained: Vec::new(),
                joiners_in_grace: 0,
            },
            role_training: Vec::new(),
        },
        improvements: vec![Improvement {
            id: ImprovementId::new(),
            org_id: OrgId::new(),
            fields: ImprovementFields {
                kind: ImprovementKind::Nonconformity,
                title: "Leavers kept access".into(),
                description: String::new(),
                source: ImprovementSource::Audit,
                raised_on: date!(2026 - 02 - 01),
                owner_id: people.isms,
                root_cause: "HR did not tell IT".into(),
                feedback_id: None,
            },
            checks: vec![EffectivenessCheck {
                checked_on: date!(2026 - 05 - 25),
                effective: true,
                note: "Sampled".into(),
                checked_by: people.isms,
            }],
            closed_on: Some(date!(2026 - 05 - 26)),
            closing_note: "Effective".into(),
            created_at: datetime!(2026-02-01 09:00 UTC),
            updated_at: datetime!(2026-05-26 09:00 UTC),
            version: 3,
        }],
        line_managers: vec![people.lead],
        attestation: Some(AttestationStatus {
            period,
            managers: 1,
            attested: 1,
            with_exceptions: 0,
            outstanding: Vec::new(),
        }),
        names,
    };
    (snapshot, people)
}
