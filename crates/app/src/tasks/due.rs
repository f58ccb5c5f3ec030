//! Tasks that come from dates rather than requests: a policy's review due
//! (to the holders of its owner role), an exception about to expire (to
//! whoever asked for it), training about to expire (to the person), and
//! the next management review to plan (to the ISMS managers). Each is told
//! a month ahead and becomes overdue on its date, like any other task.

use mandate_core::commitment::training::CourseKind;
use mandate_core::performance::ReviewSchedule;
use mandate_core::policy::{ExceptionStatus, ReviewStatus};
use mandate_core::roles::{Holders, Role};
use mandate_core::tasks::{Task, TaskKind, start_of};
use mandate_core::{AccessRole, OrgId, PersonId, User};
use mandate_store::{Store, StoreError};
use std::collections::HashMap;
use time::{Date, Duration};

/// How long before its date a dated task is told.
const NOTICE_DAYS: i64 = 30;

type Tasks = HashMap<PersonId, Vec<Task>>;

/// A task due on `due`, told from `NOTICE_DAYS` before it.
fn dated(kind: TaskKind, title: String, detail: String, link: String, due: Date) -> Task {
    let since = due - Duration::days(NOTICE_DAYS);
    Task {
        kind,
        title,
        detail,
        link,
        since,
        arose_at: start_of(since),
        due_on: Some(due),
    }
}

/// Adds the dated tasks of `today` of the people in `scope`.
#[allow(clippy::too_many_arguments)]
pub async fn due_tasks(
    store: &Store,
    org: OrgId,
    scope: super::gather::Scope,
    roles: &[Role],
    holders: &Holders,
    users: &[User],
    today: Date,
    tasks: &mut Tasks,
) -> Result<(), StoreError> {
    let mut push = |person: PersonId, task: Task| {
        if scope.includes(person) {
            tasks.entry(person).or_default().push(task);
        }
    };
    let horizon = today + Duration::days(NOTICE_DAYS);
    let managers: Vec<PersonId> = users
        .iter()
        .filter(|u| u.disabled_at.is_none() && u.access_role == AccessRole::IsmsManager)
        .map(|u| u.person_id)
        .collect();
    let holders_of = |role_name: &str| -> Vec<PersonId> {
        let ids: Vec<_> = roles
            .iter()
            .filter(|r| r.fields.name.eq_ignore_ascii_case(role_name.trim()))
            .map(|r| r.id)
            .collect();
        holders.of_any(&ids)
    };

    for s in store.policy_summaries(org).await? {
        if s.published.is_none() {
            continue;
        }
        let due = match s.review_status(today) {
            ReviewStatus::DueSoon { due } | ReviewStatus::Overdue { due } => due,
            _ => continue,
        };
        let mut owners = holders_of(&s.policy.fields.owner_role);
        if owners.is_empty() {
            owners.clone_from(&managers);
        }
        for person in owners {
            push(
                person,
                dated(
                    TaskKind::Review,
                    format!("Review {}", s.policy.fields.title),
                    format!(
                        "Its review is due by {due}: record \u{201c}no change\u{201d} or start a new draft"
                    ),
                    format!("/policies/{}", s.policy.id),
                    due,
                ),
            );
        }
    }

    let person_of: HashMap<_, _> = users.iter().map(|u| (u.id, u.person_id)).collect();
    for e in store.exceptions(org, None).await? {
        let (ExceptionStatus::Open, Some(expires)) = (e.status_on(today), e.expires_on) else {
            continue;
        };
        if expires > horizon {
            continue;
        }
        if let Some(person) = person_of.get(&e.requested_by) {
            push(
                *person,
                dated(
                    TaskKind::Renew,
                    format!("Exception to {}", e.clause),
                    format!("It expires on {expires}: close it, or ask for an extension"),
                    format!("/exceptions/{}", e.id),
                    expires,
                ),
            );
        }
    }

    let courses = store.courses(org).await?;
    let mut latest: HashMap<(PersonId, _), Date> = HashMap::new();
    for r in store.training_records(org, None).await? {
        let c = &r.completion;
        // A later completion without an end renews for good.
        let ends = c.expires_on.unwrap_or(Date::MAX);
        let entry = latest.entry((c.person_id, c.course_id)).or_insert(ends);
        *entry = (*entry).max(ends);
    }
    for ((person, course), expires) in latest {
        if expires == Date::MAX
            || expires > horizon
            || expires < today - Duration::days(NOTICE_DAYS)
        {
            continue;
        }
        let Some(course) = courses.iter().find(|c| c.id == course) else {
            continue;
        };
        push(
            person,
            dated(
                TaskKind::Renew,
                format!("Training: {}", course.fields.title),
                match course.fields.kind {
                    CourseKind::GeneralAwareness => {
                        format!("Your security awareness training expires on {expires}")
                    }
                    _ => format!("The training your role needs expires on {expires}"),
                },
                "/training".into(),
                expires,
            ),
        );
    }

    let reviews = store.management_reviews(org).await?;
    let planned = reviews.iter().any(|r| r.held_on.is_none());
    if !planned {
        let held: Vec<Date> = reviews.iter().filter_map(|r| r.held_on).collect();
        let since = store
            .organisation(org)
            .await?
            .map_or(today, |o| o.created_at.date());
        let cadence = store.review_cadence(org).await?;
        let schedule = ReviewSchedule::on(today, cadence, &held, since);
        if schedule.next_due <= horizon {
            for person in &managers {
                push(
                    *person,
                    dated(
                        TaskKind::Review,
                        "Plan the next management review".into(),
                        format!(
                            "One is due by {} (every {} months)",
                            schedule.next_due, cadence
                        ),
                        "/reviews".into(),
                        schedule.next_due,
                    ),
                );
            }
        }
    }
    Ok(())
}
