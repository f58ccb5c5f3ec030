use super::*;
use crate::roles::AssignmentTerms;
use crate::timefmt::now;
use crate::{Email, PersonKind};
use time::macros::date;

fn person(kind: PersonKind, start: Option<Date>, end: Option<Date>) -> Person {
    let id = PersonId::new();
    Person {
        id,
        org_id: OrgId::new(),
        name: "P".into(),
        email: Email::parse(&format!("p{}@example.com", id.0.simple())).expect("email"),
        department: None,
        manager_id: None,
        kind,
        start_date: start,
        end_date: end,
        created_at: now(),
        updated_at: now(),
        version: 1,
    }
}

fn course(title: &str, kind: CourseKind, validity_months: Option<u16>) -> Course {
    Course {
        id: CourseId::new(),
        org_id: OrgId::new(),
        fields: CourseFields {
            title: title.into(),
            kind,
            description: String::new(),
            validity_months,
        },
        created_at: now(),
        updated_at: now(),
        version: 1,
    }
}

fn record(person: &Person, course: &Course, on: Date) -> TrainingRecord {
    let completion = Completion {
        person_id: person.id,
        course_id: course.id,
        completed_on: on,
        expires_on: None,
        note: String::new(),
    }
    .validated(course, on)
    .expect("valid");
    TrainingRecord {
        org_id: course.org_id,
        completion,
        recorded_by: UserId::new(),
        recorded_at: now(),
    }
}

#[test]
fn awareness_counts_personnel_trained_in_the_last_twelve_months() {
    let day = date!(2026 - 06 - 30);
    let awareness = course("Security awareness", CourseKind::GeneralAwareness, None);
    let trained = person(PersonKind::Employee, Some(date!(2020 - 01 - 01)), None);
    let stale = person(PersonKind::Contractor, None, None);
    let supplier = person(PersonKind::Supplier, None, None);
    let leaver = person(PersonKind::Employee, None, Some(date!(2026 - 01 - 31)));
    let joiner = person(PersonKind::Employee, Some(date!(2026 - 06 - 20)), None);
    let not_yet = person(PersonKind::Employee, Some(date!(2026 - 07 - 01)), None);
    let people = vec![
        trained.clone(),
        stale.clone(),
        supplier,
        leaver,
        joiner,
        not_yet,
    ];
    let records = vec![
        record(&trained, &awareness, date!(2025 - 09 - 01)),
        record(&stale, &awareness, date!(2025 - 06 - 30)),
    ];
    let c = awareness_coverage(&people, std::slice::from_ref(&awareness), &records, day, 30);
    assert_eq!((c.personnel, c.trained, c.joiners_in_grace), (2, 1, 1));
    assert_eq!(c.untrained, vec![stale.id]);
    assert!((c.percent() - 50.0).abs() < 1e-9);

    // As of a year earlier, the stale completion was fresh and the trained
    // person's was yet to come.
    let earlier = awareness_coverage(&people, &[awareness], &records, date!(2025 - 07 - 01), 30);
    assert_eq!((earlier.personnel, earlier.trained), (3, 1));
}

#[test]
fn role_training_is_current_missing_expired_or_not_in_the_catalogue() {
    let (_, mut fields) = crate::roles::starter_catalogue().remove(0);
    fields.required_training = vec![
        "ISMS leadership briefing".into(),
        "Board cyber course".into(),
    ];
    let role = Role {
        id: uuid::Uuid::now_v7(),
        org_id: OrgId::new(),
        fields,
        created_at: now(),
        updated_at: now(),
        version: 1,
    };
    let briefing = course(
        "isms leadership briefing",
        CourseKind::RoleSpecific,
        Some(12),
    );
    let holder = person(PersonKind::Employee, None, None);
    let assignment = Assignment::new(
        role.org_id,
        AssignmentTerms {
            role_id: role.id,
            person_id: holder.id,
            starts_on: date!(2025 - 01 - 01),
            ends_on: None,
            deputy_id: None,
            capacity_percent: None,
        },
        UserId::new(),
        now(),
    );
    let roles = [role];
    let assignments = [assignment];
    let courses = [briefing.clone()];
    let records = [record(&holder, &briefing, date!(2025 - 03 - 01))];
    let status = |day| -> Vec<RoleTrainingStatus> {
        role_training_on(&roles, &assignments, &courses, &records, day)
            .into_iter()
            .map(|l| l.status)
            .collect()
    };
    assert_eq!(
        status(date!(2025 - 02 - 01)),
        vec![
            RoleTrainingStatus::Missing,
            RoleTrainingStatus::NotInCatalogue
        ]
    );
    assert!(status(date!(2025 - 06 - 01))[0].is_current());
    assert_eq!(
        status(date!(2026 - 03 - 02))[0],
        RoleTrainingStatus::Expired {
            expired_on: date!(2026 - 03 - 01)
        }
    );
}

#[test]
fn a_completion_takes_its_expiry_from_the_course_and_never_lies_in_the_future() {
    let c = course("Secure coding", CourseKind::RoleSpecific, Some(24));
    let p = person(PersonKind::Employee, None, None);
    let r = record(&p, &c, date!(2026 - 01 - 31));
    assert_eq!(r.completion.expires_on, Some(date!(2028 - 01 - 31)));
    let future = Completion {
        completed_on: date!(2026 - 02 - 01),
        ..r.completion.clone()
    };
    assert!(future.validated(&c, date!(2026 - 01 - 31)).is_err());
    let backwards = Completion {
        expires_on: Some(date!(2025 - 01 - 01)),
        ..r.completion
    };
    assert!(backwards.validated(&c, date!(2026 - 02 - 01)).is_err());
}

#[test]
fn every_bad_row_of_a_file_is_reported_by_line_and_nothing_resolves() {
    let c = course("Security awareness", CourseKind::GeneralAwareness, Some(12));
    let p = person(PersonKind::Employee, None, None);
    let row = |line, email: &str, course: &str, on| CompletionRow {
        line,
        email: email.into(),
        course: course.into(),
        completed_on: on,
        expires_on: None,
        note: String::new(),
    };
    let today = date!(2026 - 06 - 30);
    let email = p.email.to_string().to_uppercase();
    let good = [row(2, &email, "SECURITY AWARENESS", date!(2026 - 01 - 10))];
    let resolved = resolve_completions(
        &good,
        std::slice::from_ref(&p),
        std::slice::from_ref(&c),
        today,
    )
    .expect("resolves");
    assert_eq!(resolved[0].person_id, p.id);
    let bad = [
        good[0].clone(),
        row(
            3,
            "nobody@example.com",
            "Security awareness",
            date!(2026 - 01 - 10),
        ),
        row(4, &email, "Knitting", date!(2026 - 01 - 10)),
        row(5, &email, &c.id.to_string(), date!(2026 - 01 - 10)),
        row(6, &email, "Security awareness", date!(2026 - 07 - 01)),
    ];
    let errors = resolve_completions(&bad, &[p], &[c], today).expect_err("refused");
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 6]);
    assert!(errors[0].message.contains("nobody@example.com"));
    assert!(errors[1].message.contains("Knitting"));
    assert!(errors[2].message.contains("line 2"));
    assert!(errors[3].message.contains("future"));
}
