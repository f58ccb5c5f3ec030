//! Every rule: met on the fixture, not met (or partly) when one thing is
//! broken, and judged as the records stood on an earlier day.

use super::fixture::{DAY, assignment, good};
use super::*;
use crate::commitment::training::RoleTrainingLine;
use crate::commitment::training::RoleTrainingStatus;
use time::Duration;
use time::macros::date;

fn status(s: &Snapshot, id: &str) -> Status {
    let e = evaluate(s);
    e.rules
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.status)
        .unwrap_or(Status::NotApplicable)
}

fn rule(s: &Snapshot, id: &str) -> RuleResult {
    evaluate(s)
        .rules
        .into_iter()
        .find(|r| r.id == id)
        .expect("the rule")
}

fn earlier(s: &Snapshot, day: time::Date) -> Snapshot {
    Snapshot {
        as_of: day,
        ..s.clone()
    }
}

#[test]
fn the_fixture_meets_every_rule_and_exceptions_do_not_apply() {
    let (s, _) = good();
    let e = evaluate(&s);
    assert_eq!(e.rules.len(), 23);
    for r in &e.rules {
        let expected = if r.id == "5.2.x" {
            Status::NotApplicable
        } else {
            Status::Met
        };
        assert_eq!(r.status, expected, "{}: {}", r.id, r.explanation);
        assert!(!r.explanation.is_empty(), "{}", r.id);
        assert_eq!(
            r.next_step.is_empty(),
            r.status == Status::Met || r.status == Status::NotApplicable,
            "{}",
            r.id
        );
    }
    assert_eq!(
        (e.summary.met, e.summary.not_applicable, e.summary.not_met),
        (22, 1, 0)
    );
    assert!(!e.any_not_met());
}

#[test]
fn policy_and_objectives_5_1_a() {
    let (s, _) = good();
    let mut off_goal = s.clone();
    off_goal.objectives[0].fields.strategic_goal = "Be famous".into();
    assert_eq!(status(&off_goal, "5.1.a"), Status::Partial);
    assert!(
        rule(&off_goal, "5.1.a")
            .explanation
            .contains("Fewer clicks")
    );
    let mut none = s.clone();
    none.objectives.clear();
    none.policies
        .retain(|p| p.policy.fields.kind != crate::policy::PolicyKind::TopLevel);
    assert_eq!(status(&none, "5.1.a"), Status::NotMet);
    // Before the objective was set, only the policy counted... and before
    // the policy was published on 10 January, nothing did.
    let mut before = earlier(&s, date!(2025 - 12 - 31));
    before.policies[0].current = None;
    assert_eq!(status(&before, "5.1.a"), Status::NotMet);
}

#[test]
fn raci_5_1_b() {
    let (s, _) = good();
    let mut two_accountable = s.clone();
    let isms = s.roles[1].id;
    two_accountable.raci[0]
        .1
        .push((isms, crate::roles::Raci::Accountable));
    assert_eq!(status(&two_accountable, "5.1.b"), Status::NotMet);
    two_accountable.raci.push(s.raci[0].clone());
    assert_eq!(status(&two_accountable, "5.1.b"), Status::Partial);
    // Before anyone held the roles, the rows had nobody behind them.
    assert_eq!(
        status(&earlier(&s, date!(2025 - 12 - 31)), "5.1.b"),
        Status::NotMet
    );
}

#[test]
fn resources_5_1_c() {
    let (s, _) = good();
    let mut unapproved = s.clone();
    unapproved.resource_plans[0].approval = None;
    assert_eq!(status(&unapproved, "5.1.c"), Status::Partial);
    let mut no_capacity = s.clone();
    no_capacity.assignments[1].terms.capacity_percent = None;
    let r = rule(&no_capacity, "5.1.c");
    assert_eq!(r.status, Status::Partial);
    assert!(r.explanation.contains("ISMS manager"), "{}", r.explanation);
    // The approval came on 20 January: on the 15th the plan was unapproved;
    // in 2025 there was no plan at all.
    assert_eq!(
        status(&earlier(&s, date!(2026 - 01 - 15)), "5.1.c"),
        Status::Partial
    );
    assert_eq!(
        status(&earlier(&s, date!(2025 - 12 - 31)), "5.1.c"),
        Status::NotMet
    );
}

#[test]
fn communication_5_1_d() {
    let (s, _) = good();
    let mut quiet = s.clone();
    quiet.communications[0].fields.occurred_on = date!(2025 - 11 - 30);
    assert_eq!(
        status(&quiet, "5.1.d"),
        Status::Partial,
        "the last leadership message is too old"
    );
    let mut not_top = s.clone();
    not_top.communications[0].fields.sponsor_id = crate::PersonId::new();
    not_top.statements.clear();
    assert_eq!(status(&not_top, "5.1.d"), Status::NotMet);
    // Published on 1 February: on 31 January there was no statement.
    let before = earlier(&s, date!(2026 - 01 - 31));
    let r = rule(&before, "5.1.d");
    assert!(
        r.explanation.starts_with("No leadership statement"),
        "{}",
        r.explanation
    );
}

#[test]
fn outcomes_5_1_e() {
    let (s, _) = good();
    let mut off = s.clone();
    for m in &mut off.measurements {
        m.value = 9.0;
    }
    assert_eq!(
        status(&off, "5.1.e"),
        Status::Partial,
        "the objective is off track"
    );
    let mut silent = s.clone();
    silent.measurements.truncate(2);
    let r = rule(&silent, "5.1.e");
    assert!(
        r.explanation.contains("KPI values overdue: Click rate"),
        "{}",
        r.explanation
    );
    // Before the review was held on 15 May, no review had looked at outcomes.
    assert_eq!(
        status(&earlier(&s, date!(2026 - 05 - 14)), "5.1.e"),
        Status::Partial
    );
}

#[test]
fn awareness_5_1_f() {
    let (s, people) = good();
    let mut low = s.clone();
    low.training.awareness.trained = 80;
    assert_eq!(status(&low, "5.1.f"), Status::Partial);
    low.training.role_training.push(RoleTrainingLine {
        role_id: s.roles[0].id,
        role: "Top management".into(),
        person_id: people.ceo,
        training: "Board briefing".into(),
        course_id: None,
        status: RoleTrainingStatus::Expired {
            expired_on: date!(2026 - 03 - 01),
        },
    });
    let r = rule(&low, "5.1.f");
    assert_eq!(r.status, Status::NotMet);
    assert!(
        r.explanation.contains("Cleo Executive (Board briefing)"),
        "{}",
        r.explanation
    );
    let mut no_course = s.clone();
    no_course.training.awareness_course = false;
    assert_eq!(status(&no_course, "5.1.f"), Status::NotMet);
}

#[test]
fn improvement_5_1_g() {
    let (s, _) = good();
    let mut late = s.clone();
    late.actions[1].closed_on = None;
    late.actions[1].fields.status = crate::performance::ActionStatus::Open;
    assert_eq!(
        status(&late, "5.1.g"),
        Status::Met,
        "29 days late is still within 30"
    );
    let late_later = earlier(&late, DAY + Duration::days(2));
    let r = rule(&late_later, "5.1.g");
    assert_eq!(r.status, Status::Partial, "{}", r.explanation);
    let mut empty = s.clone();
    empty.improvements.clear();
    empty.actions.retain(|a| !a.fields.source.is_improvement());
    assert_eq!(status(&empty, "5.1.g"), Status::NotMet);
    // In January the register was still empty.
    assert_eq!(
        status(&earlier(&s, date!(2026 - 01 - 15)), "5.1.g"),
        Status::NotMet
    );
}

#[test]
fn line_managers_5_1_h() {
    let (s, people) = good();
    let mut outstanding = s.clone();
    if let Some(a) = outstanding.attestation.as_mut() {
        a.attested = 0;
        a.outstanding = vec![people.lead];
    }
    let r = rule(&outstanding, "5.1.h");
    assert_eq!(r.status, Status::Partial, "{}", r.explanation);
    assert!(r.explanation.contains("Lea Lead"));
    outstanding
        .assignments
        .retain(|a| a.terms.person_id != people.lead);
    assert_eq!(status(&outstanding, "5.1.h"), Status::NotMet);
    let mut nobody = s.clone();
    nobody.line_managers.clear();
    assert_eq!(status(&nobody, "5.1.h"), Status::NotApplicable);
}

#[test]
fn the_four_elements_5_2_a_to_d() {
    let (s, _) = good();
    let mut missing = s.clone();
    if let Some(v) = missing.policies[0].current.as_mut() {
        v.elements = [true, false, true, false];
    }
    let got: Vec<Status> = ["5.2.a", "5.2.b", "5.2.c", "5.2.d"]
        .iter()
        .map(|id| status(&missing, id))
        .collect();
    assert_eq!(
        got,
        vec![Status::Met, Status::NotMet, Status::Met, Status::NotMet]
    );
    assert!(
        rule(&missing, "5.2.b")
            .explanation
            .contains("{.clause-5-2-b}")
    );
    let mut none = s.clone();
    none.policies[0].current = None;
    assert_eq!(status(&none, "5.2.a"), Status::NotMet);
}

#[test]
fn documented_5_2_e() {
    let (s, _) = good();
    let mut overdue_topic = s.clone();
    overdue_topic.as_of = date!(2027 - 01 - 15);
    let r = rule(&overdue_topic, "5.2.e");
    assert_eq!(
        r.status,
        Status::NotMet,
        "the top-level review fell due on 10 January 2027: {}",
        r.explanation
    );
    let mut not_top = s.clone();
    if let Some(v) = not_top.policies[0].current.as_mut() {
        v.approvals[0].authority = "ISMS role Line manager".into();
    }
    assert_eq!(status(&not_top, "5.2.e"), Status::NotMet);
    let mut topic_unapproved = s.clone();
    if let Some(v) = topic_unapproved.policies[1].current.as_mut() {
        v.approvals.clear();
    }
    assert_eq!(status(&topic_unapproved, "5.2.e"), Status::Partial);
    // A "no change" review restarts the cycle.
    let mut reviewed = overdue_topic.clone();
    for p in &mut reviewed.policies {
        p.last_no_change_review = Some(date!(2027 - 01 - 05));
    }
    assert_eq!(status(&reviewed, "5.2.e"), Status::Met);
}

#[test]
fn communicated_5_2_f() {
    let (s, _) = good();
    let mut overdue = s.clone();
    overdue.acknowledgements.overdue = 2;
    assert_eq!(status(&overdue, "5.2.f"), Status::Partial);
    let mut few = s.clone();
    few.acknowledgements.done = 30;
    let r = rule(&few, "5.2.f");
    assert_eq!(r.status, Status::NotMet);
    assert!(r.explanation.starts_with("30 of 100"), "{}", r.explanation);
    let mut nobody = s.clone();
    nobody.acknowledgements = AckFigures::default();
    assert_eq!(status(&nobody, "5.2.f"), Status::NotMet);
}

#[test]
fn available_5_2_g() {
    let (s, _) = good();
    let mut private = s.clone();
    private.policies[0].policy.fields.public = false;
    assert_eq!(status(&private, "5.2.g"), Status::NotMet);
    private.policies[0].distributions = 2;
    assert!(rule(&private, "5.2.g").explanation.contains("distributed"));
    assert_eq!(status(&private, "5.2.g"), Status::Met);
}

#[test]
fn exceptions_5_2_x() {
    use crate::policy::{ExceptionState, PolicyException};
    let (s, _) = good();
    let exception = |state, expires_on| PolicyException {
        id: crate::ExceptionId::new(),
        org_id: crate::OrgId::new(),
        policy_id: s.policies[0].policy.id,
        clause: "4.2 screen lock".into(),
        justification: "Kiosk".into(),
        risk: "Low".into(),
        compensating_controls: "CCTV".into(),
        requested_by: crate::UserId::new(),
        waiver: None,
        state,
        expires_on,
        pending_expires_on: None,
        pending_requested_by: None,
        approved_by: Some(crate::UserId::new()),
        authority: Some("ISMS role Top management".into()),
        decision_comment: None,
        decided_at: None,
        created_at: time::macros::datetime!(2026-03-01 09:00 UTC),
        updated_at: time::macros::datetime!(2026-03-01 09:00 UTC),
        version: 0,
    };
    let mut open = s.clone();
    open.exceptions.push(exception(
        ExceptionState::Approved,
        Some(date!(2026 - 09 - 30)),
    ));
    assert_eq!(status(&open, "5.2.x"), Status::Met);
    let mut expired = s.clone();
    expired.exceptions.push(exception(
        ExceptionState::Approved,
        Some(date!(2026 - 06 - 01)),
    ));
    assert_eq!(status(&expired, "5.2.x"), Status::NotMet);
    // On 31 May it had not expired yet; before March it did not exist.
    assert_eq!(
        status(&earlier(&expired, date!(2026 - 05 - 31)), "5.2.x"),
        Status::Met
    );
    assert_eq!(
        status(&earlier(&expired, date!(2026 - 02 - 01)), "5.2.x"),
        Status::NotApplicable
    );
    let mut asked = s.clone();
    asked
        .exceptions
        .push(exception(ExceptionState::Requested, None));
    assert_eq!(status(&asked, "5.2.x"), Status::Partial);
}

#[test]
fn written_down_5_3_1() {
    let (s, _) = good();
    let mut no_authority = s.clone();
    no_authority.roles[2].fields.authorities.clear();
    assert_eq!(status(&no_authority, "5.3.1"), Status::Partial);
    no_authority.roles[2].fields.responsibilities.clear();
    assert!(
        rule(&no_authority, "5.3.1")
            .explanation
            .contains("Without responsibilities: Line manager")
    );
    assert_eq!(status(&no_authority, "5.3.1"), Status::NotMet);
}

#[test]
fn held_5_3_2() {
    let (s, people) = good();
    let mut no_deputy = s.clone();
    no_deputy.assignments[0].terms.deputy_id = None;
    assert_eq!(status(&no_deputy, "5.3.2"), Status::Partial);
    let mut left = s.clone();
    left.left_on.insert(people.isms, date!(2026 - 06 - 01));
    let r = rule(&left, "5.3.2");
    assert_eq!(r.status, Status::Partial, "{}", r.explanation);
    assert!(r.explanation.contains("Ivan Manager"));
    // Before the assignments began, no role was held.
    assert_eq!(
        status(&earlier(&s, date!(2025 - 12 - 31)), "5.3.2"),
        Status::NotMet
    );
}

#[test]
fn acknowledged_5_3_3() {
    let (s, people) = good();
    let mut late = s.clone();
    late.assignments[2].acknowledged_at = None;
    let r = rule(&late, "5.3.3");
    // Two of three is below the 80 % that makes a gap partial rather than a failure.
    assert_eq!(r.status, Status::NotMet, "{}", r.explanation);
    assert!(r.explanation.contains("Lea Lead (Line manager)"));
    // Acknowledged on 3 January: on the 2nd it was owed but within the grace period.
    assert_eq!(
        status(&earlier(&s, date!(2026 - 01 - 02)), "5.3.3"),
        Status::Met
    );
    let mut none = s.clone();
    for a in &mut none.assignments {
        a.acknowledged_at = None;
    }
    assert_eq!(status(&none, "5.3.3"), Status::NotMet);
    let _ = people;
}

#[test]
fn the_two_duties_5_3_a_and_5_3_b() {
    let (s, _) = good();
    let mut unheld = s.clone();
    unheld.assignments.remove(1);
    assert_eq!(status(&unheld, "5.3.a"), Status::NotMet);
    assert_eq!(
        status(&unheld, "5.3.b"),
        Status::Partial,
        "the report still reached top management"
    );
    // The report was presented on 10 June: on the 9th the last quarter had none.
    assert_eq!(
        status(&earlier(&s, date!(2026 - 06 - 09)), "5.3.b"),
        Status::Partial
    );
    assert_eq!(
        status(&earlier(&s, date!(2026 - 09 - 11)), "5.3.b"),
        Status::Partial,
        "three months later it is stale"
    );
}

#[test]
fn segregation_5_3_s() {
    use crate::policy::{ExceptionState, PolicyException, RoleWaiver};
    let (mut s, people) = good();
    let (top, isms) = (s.roles[0].id, s.roles[1].id);
    s.roles[0].fields.incompatible_with = vec![isms];
    s.assignments
        .push(assignment(&s.roles[1].clone(), people.ceo, None, Some(5)));
    let r = rule(&s, "5.3.s");
    assert_eq!(r.status, Status::NotMet);
    assert!(
        r.explanation.contains("Cleo Executive"),
        "{}",
        r.explanation
    );
    s.exceptions.push(PolicyException {
        id: crate::ExceptionId::new(),
        org_id: crate::OrgId::new(),
        policy_id: s.policies[0].policy.id,
        clause: "Segregation".into(),
        justification: "Small team".into(),
        risk: "Medium".into(),
        compensating_controls: "Board oversight".into(),
        requested_by: crate::UserId::new(),
        waiver: Some(RoleWaiver {
            person_id: people.ceo,
            role_ids: (top, isms),
        }),
        state: ExceptionState::Approved,
        expires_on: Some(date!(2026 - 12 - 31)),
        pending_expires_on: None,
        pending_requested_by: None,
        approved_by: Some(crate::UserId::new()),
        authority: Some("ISMS role Top management".into()),
        decision_comment: None,
        decided_at: None,
        created_at: time::macros::datetime!(2026-01-01 09:00 UTC),
        updated_at: time::macros::datetime!(2026-01-01 09:00 UTC),
        version: 0,
    });
    assert_eq!(status(&s, "5.3.s"), Status::Met);
    assert_eq!(
        status(&earlier(&s, date!(2027 - 01 - 05)), "5.3.s"),
        Status::NotMet,
        "the exception expired"
    );
}

#[test]
fn management_review_9_3() {
    let (s, people) = good();
    assert_eq!(
        status(&earlier(&s, date!(2026 - 09 - 01)), "9.3"),
        Status::Partial,
        "the quarterly cadence was missed"
    );
    assert_eq!(
        status(&earlier(&s, date!(2027 - 06 - 01)), "9.3"),
        Status::NotMet,
        "none within twelve months"
    );
    assert_eq!(
        status(&earlier(&s, date!(2026 - 05 - 14)), "9.3"),
        Status::NotMet,
        "not yet held"
    );
    let mut no_boss = s.clone();
    no_boss.reviews[0].attendees = vec![people.isms];
    assert_eq!(status(&no_boss, "9.3"), Status::NotMet);
    let mut gaps = s.clone();
    gaps.reviews[0].manual.risk_results.clear();
    let r = rule(&gaps, "9.3");
    assert_eq!(r.status, Status::Partial);
    assert!(
        r.explanation.contains("inputs not covered"),
        "{}",
        r.explanation
    );
}

#[test]
fn graded_parts_make_met_partial_or_not_met() {
    assert_eq!(graded(&[true, true]), Status::Met);
    assert_eq!(graded(&[true, false]), Status::Partial);
    assert_eq!(graded(&[false, false]), Status::NotMet);
    assert_eq!(
        some_of(&["a".into(), "b".into(), "c".into()], 2),
        "a, b and 1 more"
    );
}
