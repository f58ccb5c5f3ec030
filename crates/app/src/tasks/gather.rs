//! Every task each person owes, gathered from the records: one query per
//! kind of record for the whole organisation (the scheduler asks for
//! everyone), or the same filtered to one person (the "My tasks" page).

use mandate_core::acknowledgement::AckState;
use mandate_core::commitment::attestation::{last_ended_period, line_managers_on};
use mandate_core::performance::kpi_line;
use mandate_core::policy::authority::{self, Authority};
use mandate_core::policy::{ExceptionStatus, PolicyKind, VersionState};
use mandate_core::roles::{Holders, Role};
use mandate_core::tasks::{Task, TaskKind, ordered, start_of};
use mandate_core::{OrgId, Person, PersonId, User};
use mandate_store::{Store, StoreError};
use std::collections::HashMap;
use time::{Date, Duration};

/// Whose tasks to gather.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Everyone,
    Person(PersonId),
}

impl Scope {
    pub fn includes(self, person: PersonId) -> bool {
        match self {
            Scope::Everyone => true,
            Scope::Person(p) => p == person,
        }
    }
}

/// Attestations are due this many days after their period ends.
const ATTEST_GRACE_DAYS: i64 = 30;

type Tasks = HashMap<PersonId, Vec<Task>>;

fn push(tasks: &mut Tasks, person: PersonId, task: Task) {
    tasks.entry(person).or_default().push(task);
}

/// Each person's tasks on `today`, oldest first.
pub async fn tasks_of(
    store: &Store,
    org: OrgId,
    scope: Scope,
    today: Date,
) -> Result<Tasks, StoreError> {
    let mut tasks: Tasks = HashMap::new();
    let roles = store.roles(org).await?;
    let assignments = store.assignments(org, None).await?;
    let users = store.users(org).await?;
    // Assignments are acknowledged within the organisation's grace (5.3.3).
    let grace_days = i64::from(store.org_settings(org).await?.0.assignment_grace_days);
    acknowledgements(store, org, scope, &mut tasks).await?;
    for a in assignments
        .iter()
        .filter(|a| a.current_on(today) && a.acknowledged_at.is_none() && a.declined_at.is_none())
    {
        if !scope.includes(a.terms.person_id) {
            continue;
        }
        let name = roles
            .iter()
            .find(|r| r.id == a.terms.role_id)
            .map_or("a role", |r| r.fields.name.as_str());
        let since = a.created_at.date().max(a.terms.starts_on.min(today));
        push(
            &mut tasks,
            a.terms.person_id,
            Task {
                kind: TaskKind::Acknowledge,
                title: format!("Your ISMS role: {name}"),
                detail: "Read its responsibilities and authorities and acknowledge them".into(),
                link: "/me#roles".into(),
                since,
                arose_at: a.created_at.max(start_of(a.terms.starts_on)),
                due_on: Some(since + Duration::days(grace_days)),
            },
        );
    }
    let holders = Holders::on(assignments.iter().cloned(), today);
    let held = |person: PersonId| -> Vec<Role> {
        roles
            .iter()
            .filter(|r| holders.holds(person, r.id))
            .cloned()
            .collect()
    };
    let deciders: Vec<(&User, Vec<Role>)> = users
        .iter()
        .filter(|u| u.disabled_at.is_none() && scope.includes(u.person_id))
        .filter(|u| authority::access_role_may_approve(u.access_role))
        .map(|u| (u, held(u.person_id)))
        .collect();
    if !deciders.is_empty() {
        approvals(store, org, &deciders, today, &mut tasks).await?;
    }
    attestations(store, org, scope, today, &mut tasks).await?;
    super::due::due_tasks(
        store, org, scope, &roles, &holders, &users, today, &mut tasks,
    )
    .await?;
    measurements(store, org, &holders, scope, today, &mut tasks).await?;
    for a in store
        .actions(org)
        .await?
        .iter()
        .filter(|a| a.fields.status.is_open())
    {
        if scope.includes(a.fields.owner_id) {
            push(
                &mut tasks,
                a.fields.owner_id,
                Task {
                    kind: TaskKind::Act,
                    title: a.fields.title.clone(),
                    detail: format!("Action from {}", a.fields.source.as_str()),
                    link: "/actions".into(),
                    since: a.created_at.date(),
                    arose_at: a.created_at,
                    due_on: Some(a.fields.due_on),
                },
            );
        }
    }
    Ok(tasks.into_iter().map(|(p, t)| (p, ordered(t))).collect())
}

async fn acknowledgements(
    store: &Store,
    org: OrgId,
    scope: Scope,
    tasks: &mut Tasks,
) -> Result<(), StoreError> {
    let owed = match scope {
        Scope::Everyone => store.owed_acknowledgements(org).await?,
        Scope::Person(p) => store
            .acknowledgements_of_person(org, p)
            .await?
            .into_iter()
            .filter(|r| r.state == AckState::Owed)
            .collect(),
    };
    if owed.is_empty() {
        return Ok(());
    }
    let policies: HashMap<_, _> = store
        .policy_summaries(org)
        .await?
        .into_iter()
        .map(|s| (s.policy.id, s))
        .collect();
    for r in owed {
        let Some(summary) = policies.get(&r.policy_id) else {
            continue;
        };
        let number = summary.published.as_ref().map_or(0, |v| v.number);
        push(
            tasks,
            r.person_id,
            Task {
                kind: TaskKind::Acknowledge,
                title: format!("{} v{number}", summary.policy.fields.title),
                detail: "Read the policy and acknowledge it".into(),
                link: format!("/acknowledge/{}", r.version_id),
                since: r.owed_since.date(),
                arose_at: r.owed_since,
                due_on: Some(r.due_on),
            },
        );
    }
    Ok(())
}

/// Versions, exceptions, budgets, statements and review minutes awaiting
/// someone who may decide them.
async fn approvals(
    store: &Store,
    org: OrgId,
    deciders: &[(&User, Vec<Role>)],
    today: Date,
    tasks: &mut Tasks,
) -> Result<(), StoreError> {
    for summary in store.policy_summaries(org).await? {
        let Some(latest) = summary
            .latest
            .as_ref()
            .filter(|v| v.state == VersionState::InReview)
        else {
            continue;
        };
        let Some(version) = store
            .policy_version(org, summary.policy.id, latest.number)
            .await?
        else {
            continue;
        };
        let decided = store.version_decisions(org, version.id).await?;
        let needed = match summary.policy.fields.kind {
            PolicyKind::TopLevel => Authority::ApproveTopLevelPolicy,
            PolicyKind::Topic => Authority::ApprovePolicy,
        };
        for (user, roles) in deciders {
            let already = decided
                .iter()
                .any(|d| d.user_id == user.id && d.review_round == version.review_round);
            if version.written_by(user.id)
                || already
                || authority::holds(user, roles, needed).is_none()
            {
                continue;
            }
            push(
                tasks,
                user.person_id,
                Task {
                    kind: TaskKind::Approve,
                    title: format!("{} v{}", summary.policy.fields.title, version.number),
                    detail: "A policy version awaits your decision".into(),
                    link: format!(
                        "/policies/{}/versions/{}",
                        summary.policy.id, version.number
                    ),
                    since: version.updated_at.date(),
                    arose_at: version.updated_at,
                    due_on: None,
                },
            );
        }
    }
    for e in store.exceptions(org, None).await? {
        let status = e.status_on(today);
        if !matches!(
            status,
            ExceptionStatus::AwaitingApproval | ExceptionStatus::ExtensionRequested
        ) {
            continue;
        }
        let asker = e.pending_requested_by.unwrap_or(e.requested_by);
        for (user, roles) in deciders {
            if user.id != asker
                && authority::holds(user, roles, Authority::ApproveException).is_some()
            {
                push(
                    tasks,
                    user.person_id,
                    Task {
                        kind: TaskKind::Approve,
                        title: format!("Exception to {}", e.clause),
                        detail: "An exception awaits your decision".into(),
                        link: format!("/exceptions/{}", e.id),
                        since: e.created_at.date(),
                        arose_at: e.created_at,
                        due_on: None,
                    },
                );
            }
        }
    }
    for plan in store
        .resource_plans(org)
        .await?
        .iter()
        .filter(|p| p.approval.is_none())
    {
        for (user, roles) in deciders {
            if user.person_id != plan.proposed_by
                && authority::holds(user, roles, Authority::ApproveBudget).is_some()
            {
                push(
                    tasks,
                    user.person_id,
                    Task {
                        kind: TaskKind::Approve,
                        title: format!("ISMS budget for fiscal year {}", plan.fields.fiscal_year),
                        detail: "A resource plan awaits your approval".into(),
                        link: "/resources".into(),
                        since: plan.updated_at.date(),
                        arose_at: plan.updated_at,
                        due_on: None,
                    },
                );
            }
        }
    }
    let at = mandate_core::timefmt::now();
    for s in store
        .statements(org)
        .await?
        .iter()
        .filter(|s| s.published_at.is_none())
    {
        for person in s.missing_signatories(at) {
            if deciders.iter().any(|(u, _)| u.person_id == person) {
                push(
                    tasks,
                    person,
                    Task {
                        kind: TaskKind::Sign,
                        title: s.fields.title.clone(),
                        detail: "The leadership statement awaits your signature".into(),
                        link: format!("/statements/{}", s.id),
                        since: s.updated_at.date(),
                        arose_at: s.updated_at,
                        due_on: None,
                    },
                );
            }
        }
    }
    for review in store.management_reviews(org).await? {
        if review.held_on.is_some()
            && review.approved_at.is_none()
            && deciders.iter().any(|(u, _)| u.person_id == review.chair_id)
        {
            push(
                tasks,
                review.chair_id,
                Task {
                    kind: TaskKind::Approve,
                    title: format!("Minutes of {}", review.title),
                    detail: "You chaired the review: approve its minutes".into(),
                    link: format!("/reviews/{}", review.id),
                    since: review.held_on.unwrap_or(today),
                    arose_at: review.updated_at,
                    due_on: None,
                },
            );
        }
    }
    Ok(())
}

/// Line managers who have not attested for the last period.
async fn attestations(
    store: &Store,
    org: OrgId,
    scope: Scope,
    today: Date,
    tasks: &mut Tasks,
) -> Result<(), StoreError> {
    let (settings, _) = store.org_settings(org).await?;
    let start = store
        .organisation(org)
        .await?
        .map_or(1, |o| o.fiscal_year_start_month);
    let period = last_ended_period(today, settings.attestation_period_months, start);
    let people: Vec<Person> = store.people_all(org).await?;
    let given: Vec<PersonId> = store
        .attestations(org)
        .await?
        .into_iter()
        .filter(|a| a.period == period)
        .map(|a| a.manager_id)
        .collect();
    for manager in line_managers_on(&people, period.ends_on) {
        if scope.includes(manager) && !given.contains(&manager) {
            push(tasks, manager, Task {
                kind: TaskKind::Attest,
                title: format!("Attest for your team, {}", period.label()),
                detail: "Confirm your team is trained, has acknowledged its policies and had its access reviewed".into(),
                link: "/attestations".into(),
                since: period.ends_on + Duration::days(1),
                arose_at: start_of(period.ends_on + Duration::days(1)),
                due_on: Some(period.ends_on + Duration::days(ATTEST_GRACE_DAYS)),
            });
        }
    }
    Ok(())
}

/// KPI values overdue, for the holders of each objective's owner role.
async fn measurements(
    store: &Store,
    org: OrgId,
    holders: &Holders,
    scope: Scope,
    today: Date,
    tasks: &mut Tasks,
) -> Result<(), StoreError> {
    let objectives = store.objectives(org).await?;
    let kpis = store.kpis(org).await?;
    if kpis.is_empty() {
        return Ok(());
    }
    let values = store.measurements(org, None).await?;
    for kpi in &kpis {
        let line = kpi_line(kpi, today, &values, None);
        if !line.measurement_overdue {
            continue;
        }
        let Some(objective) = objectives.iter().find(|o| o.id == kpi.fields.objective_id) else {
            continue;
        };
        for person in holders.of_any(&[objective.fields.owner_role_id]) {
            if scope.includes(person) {
                push(
                    tasks,
                    person,
                    Task {
                        kind: TaskKind::Measure,
                        title: format!("Record {}", kpi.fields.name),
                        detail: format!("A value of the KPI was due by {}", line.next_due),
                        link: format!("/objectives/{}", objective.id),
                        since: line.next_due,
                        arose_at: start_of(line.next_due),
                        due_on: Some(line.next_due),
                    },
                );
            }
        }
    }
    Ok(())
}
