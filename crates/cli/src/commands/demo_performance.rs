//! The demo organisation's performance records: four objectives serving its
//! strategic goals, KPIs with two years of values (one behind with its
//! measurements, one off track), action plans with overdue items,
//! improvement actions, three past management reviews held quarterly with
//! their packs frozen as compiled on the day, a review planned next, and a
//! performance report presented to top management.

use super::demo::login;
use anyhow::{Context as _, Result};
use mandate_app::performance::{compile_report, compile_review_pack};
use mandate_core::audit::Actor;
use mandate_core::performance::{
    ActionFields, ActionSource, ActionStatus, DecisionKind, Direction, Frequency, KpiFields,
    ManualInputs, MeasurementEntry, ObjectiveFields, ReviewDecision, ReviewHeld,
};
use mandate_core::policy::PolicyKind;
use mandate_core::timefmt::now;
use mandate_core::{AccessRole, ObjectiveId, OrgId, PersonId};
use mandate_store::{ReviewPlan, Store};
use time::{Date, Duration};

/// A KPI of the demo: its fields and how its values run over the months,
/// from `from` to `to` with a little wobble; `gap` trailing periods missing.
struct PlannedKpi {
    name: &'static str,
    unit: &'static str,
    target: f64,
    direction: Direction,
    frequency: Frequency,
    from: f64,
    to: f64,
    gap: usize,
}

struct PlannedObjective {
    title: &'static str,
    description: &'static str,
    goal: usize,
    policy_hint: &'static str,
    role: &'static str,
    due_in_days: i64,
    kpis: &'static [PlannedKpi],
}

const OBJECTIVES: &[PlannedObjective] = &[
    PlannedObjective {
        title: "Staff recognise and report phishing",
        description: "Phishing is how most attacks on us start. Staff who spot it and report it quickly are our first line of defence.",
        goal: 2,
        policy_hint: "Acceptable use",
        role: "ISMS manager",
        due_in_days: 220,
        kpis: &[
            PlannedKpi {
                name: "Phishing simulation click rate",
                unit: "%",
                target: 5.0,
                direction: Direction::LowerIsBetter,
                frequency: Frequency::Monthly,
                from: 18.0,
                to: 4.4,
                gap: 0,
            },
            PlannedKpi {
                name: "Phishing reported within an hour",
                unit: "%",
                target: 70.0,
                direction: Direction::HigherIsBetter,
                frequency: Frequency::Monthly,
                from: 28.0,
                to: 66.0,
                gap: 0,
            },
        ],
    },
    PlannedObjective {
        title: "Patch critical vulnerabilities within two weeks",
        description: "Customers' security reviews ask how fast we patch; the answer must be within 14 days for critical findings.",
        goal: 2,
        policy_hint: "Vulnerability",
        role: "Security officer",
        due_in_days: 120,
        kpis: &[PlannedKpi {
            name: "Days to patch critical vulnerabilities",
            unit: "days",
            target: 14.0,
            direction: Direction::LowerIsBetter,
            frequency: Frequency::Monthly,
            from: 34.0,
            to: 21.0,
            gap: 2,
        }],
    },
    PlannedObjective {
        title: "Everyone completes security awareness training",
        description: "Every employee and contractor completes the annual awareness course.",
        goal: 0,
        policy_hint: "Information security policy",
        role: "ISMS manager",
        due_in_days: 300,
        kpis: &[PlannedKpi {
            name: "Staff with current awareness training",
            unit: "%",
            target: 95.0,
            direction: Direction::HigherIsBetter,
            frequency: Frequency::Quarterly,
            from: 71.0,
            to: 96.5,
            gap: 0,
        }],
    },
    PlannedObjective {
        title: "Restore the platform within four hours",
        description: "A restore from backup, tested every quarter, brings the forecasting platform back within four hours.",
        goal: 1,
        policy_hint: "Backup",
        role: "Security officer",
        due_in_days: 400,
        kpis: &[PlannedKpi {
            name: "Restore test duration",
            unit: "hours",
            target: 4.0,
            direction: Direction::LowerIsBetter,
            frequency: Frequency::Quarterly,
            from: 7.5,
            to: 3.2,
            gap: 0,
        }],
    },
];

/// The last day of the month `back` months before the one `day` is in.
fn month_end(day: Date, back: i32) -> Date {
    let index = day.year() * 12 + i32::from(u8::from(day.month())) - 1 - back;
    let year = index.div_euclid(12);
    let month =
        time::Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(time::Month::January);
    Date::from_calendar_date(year, month, time::util::days_in_month(month, year)).unwrap_or(day)
}

/// Two years of values ending at last month's end, easing from `from` to
/// `to` with a deterministic wobble so the chart looks measured.
fn history(kpi: &PlannedKpi, today: Date) -> Vec<(Date, f64)> {
    let step = kpi.frequency.months() as i32;
    let periods = (24 / step) as usize;
    (kpi.gap..periods)
        .map(|back| {
            let i = periods - 1 - back;
            let progress = i as f64 / (periods - 1).max(1) as f64;
            let wobble = ((i * 7 % 5) as f64 - 2.0) * (kpi.from - kpi.to).abs() * 0.03;
            let value = if back == 0 {
                kpi.to
            } else {
                kpi.from + (kpi.to - kpi.from) * progress + wobble
            };
            (
                month_end(today, 1 + back as i32 * step),
                (value * 10.0).round() / 10.0,
            )
        })
        .collect()
}

pub async fn create(store: &Store, org: OrgId) -> Result<usize> {
    let users = store.users(org).await?;
    let boss = login(&users, AccessRole::TopManagement)?;
    let editor = login(&users, AccessRole::IsmsManager)?;
    let officer = login(&users, AccessRole::Admin)?;
    let as_editor = Actor::user(editor.id);
    let today = now().date();
    let organisation = store
        .organisation(org)
        .await?
        .context("the demo organisation is missing")?;
    let policies = store.policy_summaries(org).await?;
    let top_policy = policies
        .iter()
        .find(|s| s.policy.fields.kind == PolicyKind::TopLevel)
        .context("the demo has no information security policy")?
        .policy
        .id;
    let roles = store.roles(org).await?;

    let mut objectives: Vec<ObjectiveId> = Vec::new();
    for planned in OBJECTIVES {
        let policy = policies
            .iter()
            .find(|s| s.policy.fields.title.contains(planned.policy_hint))
            .map_or(top_policy, |s| s.policy.id);
        let role = roles
            .iter()
            .find(|r| r.fields.name == planned.role)
            .with_context(|| format!("the starter catalogue has no {}", planned.role))?
            .id;
        let objective = store
            .save_objective(
                &as_editor,
                org,
                None,
                None,
                ObjectiveFields {
                    title: planned.title.into(),
                    description: planned.description.into(),
                    strategic_goal: organisation.strategic_goals[planned.goal].clone(),
                    policy_id: policy,
                    owner_role_id: role,
                    due_on: today + Duration::days(planned.due_in_days),
                },
            )
            .await?;
        let mut entries = Vec::new();
        for k in planned.kpis {
            let kpi = store
                .save_kpi(
                    &as_editor,
                    org,
                    None,
                    None,
                    KpiFields {
                        objective_id: objective.id,
                        name: k.name.into(),
                        unit: k.unit.into(),
                        target: k.target,
                        direction: k.direction,
                        frequency: k.frequency,
                    },
                )
                .await?;
            entries.extend(
                history(k, today)
                    .into_iter()
                    .map(|(day, value)| MeasurementEntry {
                        kpi_id: kpi.id,
                        measured_on: day,
                        value,
                        note: String::new(),
                    }),
            );
        }
        store
            .record_measurements(&as_editor, org, editor.id, entries)
            .await?;
        objectives.push(objective.id);
    }

    let action =
        |title: &str, owner: PersonId, due: i64, status, source, objective, review| ActionFields {
            title: title.into(),
            owner_id: owner,
            due_on: today + Duration::days(due),
            status,
            source,
            objective_id: objective,
            review_id: review,
            improvement_id: None,
            notes: String::new(),
        };
    let plan = [
        action(
            "Run a phishing simulation every month",
            editor.person_id,
            -200,
            ActionStatus::Done,
            ActionSource::Objective,
            Some(objectives[0]),
            None,
        ),
        action(
            "Add a report-phishing button to the mail client",
            officer.person_id,
            -20,
            ActionStatus::InProgress,
            ActionSource::Objective,
            Some(objectives[0]),
            None,
        ),
        action(
            "Automate patch deployment for Linux hosts",
            officer.person_id,
            30,
            ActionStatus::InProgress,
            ActionSource::Objective,
            Some(objectives[1]),
            None,
        ),
        action(
            "Move the awareness course to the new learning platform",
            editor.person_id,
            60,
            ActionStatus::Open,
            ActionSource::Objective,
            Some(objectives[2]),
            None,
        ),
        action(
            "Document quarterly reviews of supplier access (internal audit finding)",
            officer.person_id,
            -45,
            ActionStatus::Open,
            ActionSource::Audit,
            None,
            None,
        ),
        action(
            "Write the procedure for rotating a leaked API key",
            officer.person_id,
            -90,
            ActionStatus::Done,
            ActionSource::Incident,
            None,
            None,
        ),
        action(
            "Evidence the second-quarter restore test",
            editor.person_id,
            20,
            ActionStatus::Open,
            ActionSource::Nonconformity,
            None,
            None,
        ),
        action(
            "Offer an anonymous way to raise security concerns",
            editor.person_id,
            75,
            ActionStatus::Open,
            ActionSource::Feedback,
            None,
            None,
        ),
    ];
    for fields in plan {
        store
            .save_action(&as_editor, org, None, None, fields)
            .await?;
    }

    // Three reviews held quarterly, each pack compiled as of its day.
    let held_days = [260, 170, 80];
    for (n, days_ago) in held_days.into_iter().enumerate() {
        let day = today - Duration::days(days_ago);
        let review = store
            .save_review_plan(
                &as_editor,
                org,
                None,
                None,
                ReviewPlan {
                    title: format!("Management review {}", n + 1),
                    planned_on: day,
                    chair_id: boss.person_id,
                    attendees: vec![boss.person_id, editor.person_id, officer.person_id],
                    manual: ManualInputs {
                        context_changes: "Two enterprise retailers in the sales pipeline ask for ISO 27001 certification; the Porto office moved to a new building.".into(),
                        audit_results: if n == 0 { String::new() } else { "Internal audit of access control: one minor nonconformity (supplier access reviews not documented).".into() },
                        risk_results: "Risk assessment updated: ransomware and supplier compromise remain the top risks; treatment on plan.".into(),
                        interested_party_feedback: "Customers' security questionnaires ask for faster patching evidence.".into(),
                        opportunities: "Automate the evidence of access reviews and patching.".into(),
                    },
                },
            )
            .await?;
        let pack = compile_review_pack(store, org, &review, day).await?;
        store
            .prepare_review(&as_editor, org, review.id, pack)
            .await?;
        store
            .hold_review(
                &as_editor,
                org,
                review.id,
                None,
                ReviewHeld {
                    held_on: day,
                    attendees: vec![boss.person_id, editor.person_id, officer.person_id],
                    minutes: "The objectives, KPIs, actions, policies and role gaps in the pack were reviewed. Phishing results improve; patching remains slow.".into(),
                    decisions: vec![
                        ReviewDecision {
                            kind: DecisionKind::Improvement,
                            text: "Automate patch deployment for Linux hosts.".into(),
                        },
                        ReviewDecision {
                            kind: DecisionKind::Resources,
                            text: "Fund a phishing-simulation service for a year.".into(),
                        },
                    ],
                },
            )
            .await?;
        // The actions decided are recorded before the chair approves the minutes.
        let decided = match n {
            1 => Some(action(
                "Buy the phishing-simulation service",
                editor.person_id,
                -150,
                ActionStatus::Done,
                ActionSource::Review,
                None,
                Some(review.id),
            )),
            2 => Some(action(
                "Hire a second security engineer",
                boss.person_id,
                -10,
                ActionStatus::Open,
                ActionSource::Review,
                None,
                Some(review.id),
            )),
            _ => None,
        };
        if let Some(fields) = decided {
            store
                .save_action(&as_editor, org, None, None, fields)
                .await?;
        }
        store
            .approve_review(&Actor::user(boss.id), org, review.id, boss)
            .await?;
    }
    // The next review, planned but not yet prepared.
    store
        .save_review_plan(
            &as_editor,
            org,
            None,
            None,
            ReviewPlan {
                title: "Management review 4".into(),
                planned_on: today + Duration::days(10),
                chair_id: boss.person_id,
                attendees: vec![boss.person_id, editor.person_id, officer.person_id],
                manual: ManualInputs::default(),
            },
        )
        .await?;

    // The ISMS manager (performance reporter) reports the last quarter.
    let end = month_end(today, 1);
    let start = month_end(today, 4).next_day().unwrap_or(end);
    let content = compile_report(store, org, start, end).await?;
    let report = store
        .produce_report(
            &as_editor,
            org,
            editor.person_id,
            "ISMS performance, last quarter".into(),
            (start, end),
            content,
        )
        .await?;
    store
        .present_report(&as_editor, org, report.id, today, vec![boss.person_id])
        .await?;
    Ok(objectives.len())
}
