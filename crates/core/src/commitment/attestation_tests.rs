use super::*;
use crate::timefmt::now;
use crate::{Email, PersonKind};
use time::macros::date;

#[test]
fn quarters_follow_the_fiscal_year() {
    let q = Period::containing(date!(2026 - 05 - 15), 3, 4);
    assert_eq!(
        (q.starts_on, q.ends_on),
        (date!(2026 - 04 - 01), date!(2026 - 06 - 30))
    );
    let q = Period::containing(date!(2026 - 03 - 31), 3, 4);
    assert_eq!(
        (q.starts_on, q.ends_on),
        (date!(2026 - 01 - 01), date!(2026 - 03 - 31))
    );
    let q = Period::containing(date!(2026 - 02 - 01), 3, 2);
    assert_eq!(
        (q.starts_on, q.ends_on),
        (date!(2026 - 02 - 01), date!(2026 - 04 - 30))
    );
    let q = Period::containing(date!(2026 - 01 - 15), 3, 2);
    assert_eq!(
        (q.starts_on, q.ends_on),
        (date!(2025 - 11 - 01), date!(2026 - 01 - 31))
    );
    let half = Period::containing(date!(2026 - 12 - 01), 6, 1);
    assert_eq!(
        (half.starts_on, half.ends_on),
        (date!(2026 - 07 - 01), date!(2026 - 12 - 31))
    );
    let previous = half.previous(6);
    assert_eq!(
        (previous.starts_on, previous.ends_on),
        (date!(2026 - 01 - 01), date!(2026 - 06 - 30))
    );
    let last = last_ended_period(date!(2026 - 12 - 01), 3, 4);
    assert_eq!(
        (last.starts_on, last.ends_on),
        (date!(2026 - 07 - 01), date!(2026 - 09 - 30))
    );
    let month = Period::containing(date!(2026 - 02 - 14), 1, 4);
    assert_eq!(
        (month.starts_on, month.ends_on),
        (date!(2026 - 02 - 01), date!(2026 - 02 - 28))
    );
}

fn person(manager: Option<PersonId>, end: Option<Date>) -> Person {
    let id = PersonId::new();
    Person {
        id,
        org_id: OrgId::new(),
        name: "P".into(),
        email: Email::parse(&format!("p{}@example.com", id.0.simple())).expect("email"),
        department: None,
        manager_id: manager,
        kind: PersonKind::Employee,
        start_date: None,
        end_date: end,
        created_at: now(),
        updated_at: now(),
        version: 1,
    }
}

#[test]
fn outstanding_attestations_are_those_of_line_managers_who_have_not_attested() {
    let boss = person(None, None);
    let lead = person(Some(boss.id), None);
    let dev = person(Some(lead.id), None);
    let ex_lead = person(Some(boss.id), None);
    let ex_report = person(Some(ex_lead.id), Some(date!(2026 - 01 - 31)));
    let people = vec![boss.clone(), lead.clone(), dev, ex_lead, ex_report];
    let period = Period::containing(date!(2026 - 05 - 01), 3, 4);
    let mut managers = vec![boss.id, lead.id];
    managers.sort();
    assert_eq!(line_managers_on(&people, period.ends_on), managers);

    let attestation = Attestation {
        id: AttestationId::new(),
        org_id: boss.org_id,
        manager_id: lead.id,
        period,
        fields: AttestationFields {
            team_trained: true,
            policies_acknowledged: false,
            access_reviewed: true,
            comments: "One new joiner has not acknowledged yet".into(),
        }
        .validated()
        .expect("valid"),
        team_size: 1,
        attested_by: UserId::new(),
        attested_at: time::macros::datetime!(2026-07-05 10:00 UTC),
        version: 1,
    };
    let before = attestation_status(
        &people,
        std::slice::from_ref(&attestation),
        period,
        date!(2026 - 07 - 04),
    );
    assert_eq!((before.managers, before.attested), (2, 0));
    let after = attestation_status(&people, &[attestation], period, date!(2026 - 07 - 05));
    assert_eq!((after.attested, after.with_exceptions), (1, 1));
    assert_eq!(after.outstanding, vec![boss.id]);
}

#[test]
fn anything_not_in_order_needs_a_comment_and_periods_must_have_begun() {
    let fields = AttestationFields {
        team_trained: false,
        policies_acknowledged: true,
        access_reviewed: true,
        comments: " ".into(),
    };
    assert!(
        fields
            .clone()
            .validated()
            .expect_err("refused")
            .starts_with("comments")
    );
    let all = AttestationFields {
        team_trained: true,
        ..fields
    };
    assert!(all.validated().is_ok());
    let period = Period::containing(date!(2026 - 08 - 01), 3, 4);
    assert!(check_period_open(&period, date!(2026 - 06 - 30)).is_err());
    assert!(check_period_open(&period, date!(2026 - 07 - 01)).is_ok());
}
