use super::*;
use crate::timefmt::now;
use crate::{Email, Person, PersonKind};
use time::macros::datetime;

fn person() -> Person {
    let id = PersonId::new();
    Person {
        id,
        org_id: OrgId::new(),
        name: "P".into(),
        email: Email::parse(&format!("p{}@example.com", id.0.simple())).expect("email"),
        department: Some("IT".into()),
        manager_id: None,
        kind: PersonKind::Employee,
        start_date: None,
        end_date: None,
        created_at: now(),
        updated_at: now(),
        version: 1,
    }
}

const T0: OffsetDateTime = datetime!(2026-03-01 09:00 UTC);

fn request(p: &Person, version: VersionId, at: OffsetDateTime) -> AckRequest {
    AckRequest::owed(OrgId::new(), PolicyId::new(), version, p, at, 30)
}

#[test]
fn a_request_is_due_a_grace_period_after_it_is_owed_and_answered_once() {
    let p = person();
    let r = request(&p, VersionId::new(), T0);
    assert_eq!(r.due_on, time::macros::date!(2026 - 03 - 31));
    assert!(!r.overdue_on(r.due_on));
    assert!(r.overdue_on(r.due_on + Duration::days(1)));
    let accepted = r
        .answered(&AckAnswer::Accept, T0 + Duration::days(2))
        .expect("answered");
    assert!(!accepted.overdue_on(r.due_on + Duration::days(9)));
    assert!(accepted.answered(&AckAnswer::Accept, T0).is_err(), "once");
    let empty = AckAnswer::Decline {
        reason: "  ".into(),
    };
    assert!(r.answered(&empty, T0).is_err(), "a decline says why");
    let declined = r
        .answered(
            &AckAnswer::Decline {
                reason: "Clause 4 cannot be met on night shifts".into(),
            },
            T0,
        )
        .expect("declined");
    assert_eq!(declined.state, AckState::Declined);
    assert!(
        !declined.state.is_done(),
        "a decline is an answer, not an acceptance"
    );
}

#[test]
fn a_non_material_version_carries_acceptances_over_and_keeps_old_due_dates() {
    let (done, owing, new_joiner) = (person(), person(), person());
    let (v1, v2) = (VersionId::new(), VersionId::new());
    let first = vec![
        request(&done, v1, T0)
            .answered(&AckAnswer::Accept, T0 + Duration::days(1))
            .expect("ok"),
        request(&owing, v1, T0),
    ];
    let later = T0 + Duration::days(60);
    let fresh = vec![
        request(&done, v2, later),
        request(&owing, v2, later),
        request(&new_joiner, v2, later),
    ];
    let carried = carried_requests(&fresh, &first, false);
    assert_eq!(carried[0].state, AckState::CarriedOver);
    assert_eq!(carried[1].state, AckState::Owed);
    assert_eq!(
        carried[1].owed_since, T0,
        "still late from the first publication"
    );
    assert!(carried[1].overdue_on(later.date()));
    assert_eq!(carried[2].owed_since, later);
    let material = carried_requests(&fresh, &first, true);
    assert!(
        material
            .iter()
            .all(|r| r.state == AckState::Owed && r.owed_since == later),
        "everyone again"
    );
}

#[test]
fn reconciling_adds_joiners_releases_leavers_and_re_owes_returners() {
    let (stays, leaves, joins, returns) = (person(), person(), person(), person());
    let v = VersionId::new();
    let requests = vec![
        request(&stays, v, T0),
        request(&leaves, v, T0),
        request(&returns, v, T0).released(T0),
        request(&stays, v, T0)
            .answered(&AckAnswer::Accept, T0)
            .expect("ok"),
    ];
    let audience: HashSet<PersonId> = [stays.id, joins.id, returns.id].into_iter().collect();
    let plan = reconcile(&requests, &audience);
    let mut owe = vec![joins.id, returns.id];
    owe.sort();
    assert_eq!(plan.owe, owe);
    assert_eq!(plan.release, vec![leaves.id]);
    let settled = reconcile(&requests[..1], &[stays.id].into_iter().collect());
    assert!(settled.is_empty(), "nothing changes when nothing did");
}

#[test]
fn an_audience_change_moves_requests_with_the_people() {
    use crate::acknowledgement::{Membership, in_audience};
    use crate::policy::Audience;
    // A policy for the IT department and the CISO, whoever that is.
    let audience = Audience {
        departments: vec!["IT".into()],
        roles: vec!["CISO".into()],
        ..Audience::default()
    };
    let (stays, moves_out, new_ciso) = (person(), person(), person());
    let moves_in = Person {
        department: Some("Sales".into()),
        ..person()
    };
    let new_ciso = Person {
        department: Some("Finance".into()),
        ..new_ciso
    };
    let v = VersionId::new();
    let day = T0.date();
    let owed_at = |people: &[(&Person, &[String])]| -> HashSet<PersonId> {
        people
            .iter()
            .filter(|(p, roles)| in_audience(&audience, &Membership { person: p, roles }, day))
            .map(|(p, _)| p.id)
            .collect()
    };
    let none: &[String] = &[];
    let before = owed_at(&[
        (&stays, none),
        (&moves_out, none),
        (&moves_in, none),
        (&new_ciso, none),
    ]);
    let requests: Vec<AckRequest> = [&stays, &moves_out]
        .iter()
        .map(|p| request(p, v, T0))
        .collect();
    assert!(reconcile(&requests, &before).is_empty(), "as published");

    // The next day: one moves from IT to Sales, one from Sales to IT, and
    // someone in Finance takes the CISO role.
    let moved_out = Person {
        department: Some("Sales".into()),
        ..moves_out.clone()
    };
    let moved_in = Person {
        department: Some("IT".into()),
        ..moves_in.clone()
    };
    let ciso = ["CISO".to_string()];
    let after = owed_at(&[
        (&stays, none),
        (&moved_out, none),
        (&moved_in, none),
        (&new_ciso, &ciso),
    ]);
    let plan = reconcile(&requests, &after);
    let mut owe = vec![moves_in.id, new_ciso.id];
    owe.sort();
    assert_eq!(plan.owe, owe, "those the audience now names come to owe");
    assert_eq!(
        plan.release,
        vec![moves_out.id],
        "who moved out stops owing"
    );
}
