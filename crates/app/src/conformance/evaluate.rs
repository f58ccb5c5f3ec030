//! Gathering the snapshot the conformance rules read, as the records stood
//! at the end of a day: versions in force then (by their publication and
//! retirement), approvals and reviews by then, and the large figures
//! (acknowledgements, awareness, line managers) counted in SQL. The rules
//! themselves are pure functions in `mandate_core::conformance`.

use mandate_core::OrgId;
use mandate_core::commitment::attestation::{attestation_status_of, last_ended_period};
use mandate_core::commitment::months_before;
use mandate_core::commitment::training::{AWARENESS_WINDOW_MONTHS, CourseKind, role_training_on};
use mandate_core::conformance::{
    AckFigures, Approval, Evaluation, PolicyAt, Snapshot, TrainingFacts, VersionAt, evaluate,
};
use mandate_core::policy::PolicyKind;
use mandate_core::policy::as_of::in_force_at;
use mandate_core::roles::Holders;
use mandate_report::markdown::{Element, elements_present};
use mandate_store::{Store, StoreError, VersionApproval, VersionDates};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};

/// Every rule, judged as the records stood at the end of `day`.
pub async fn evaluate_on(store: &Store, org: OrgId, day: Date) -> Result<Evaluation, StoreError> {
    Ok(evaluate(&gather(store, org, day).await?))
}

/// The first instant after `day`: what happened before it had happened by then.
pub fn end_of(day: Date) -> OffsetDateTime {
    day.midnight().assume_utc() + Duration::days(1)
}

/// The version of a policy in force at the end of the day.
fn in_force<'a>(versions: &[&'a VersionDates], end: OffsetDateTime) -> Option<&'a VersionDates> {
    let times: Vec<_> = versions.iter().map(|v| v.times()).collect();
    let number = in_force_at(&times, end)?;
    versions.iter().copied().find(|v| v.number == number)
}

fn version_at(v: &VersionDates, approvals: &[&VersionApproval], end: OffsetDateTime) -> VersionAt {
    VersionAt {
        id: v.id,
        number: v.number,
        published_on: v.published_at.map_or(end.date(), |p| p.date()),
        approved_on: v.approved_at.filter(|a| *a < end).map(|a| a.date()),
        approvals: approvals
            .iter()
            .filter(|a| a.version_id == v.id && a.decided_at < end)
            .map(|a| Approval {
                approver: a.approver.clone(),
                authority: a.authority.clone(),
                decided_on: a.decided_at.date(),
            })
            .collect(),
        elements: [false; 4],
    }
}

/// Whether the text carries each 5.2 a-d element, in the rules' order.
fn elements_of(body: &str) -> [bool; 4] {
    let present = elements_present(body);
    let has = |e: Element| present.iter().any(|(found, yes)| *found == e && *yes);
    [
        has(Element::Purpose),
        has(Element::Objectives),
        has(Element::Requirements),
        has(Element::Improvement),
    ]
}

/// The policies as they stood: each with its version in force.
async fn policies_on(store: &Store, org: OrgId, day: Date) -> Result<Vec<PolicyAt>, StoreError> {
    let end = end_of(day);
    let summaries = store.policy_summaries(org).await?;
    let versions = store.version_dates(org).await?;
    let approvals = store.version_approvals(org).await?;
    let reviews = store.no_change_reviews(org).await?;
    let distributions = store.distribution_days(org).await?;
    let approvals: Vec<&VersionApproval> = approvals.iter().collect();
    let mut by_policy: HashMap<_, Vec<&VersionDates>> = HashMap::new();
    for v in &versions {
        by_policy.entry(v.policy_id).or_default().push(v);
    }
    let mut out = Vec::new();
    for s in summaries.into_iter().filter(|s| s.policy.created_at < end) {
        let id = s.policy.id;
        let mut current = by_policy
            .get(&id)
            .and_then(|vs| in_force(vs, end))
            .map(|v| version_at(v, &approvals, end));
        if let Some(v) = current
            .as_mut()
            .filter(|_| s.policy.fields.kind == PolicyKind::TopLevel)
            && let Some(text) = store.policy_version(org, id, v.number).await?
        {
            v.elements = elements_of(&text.body);
        }
        out.push(PolicyAt {
            current,
            last_no_change_review: reviews
                .iter()
                .filter(|(p, at)| *p == id && *at < end)
                .map(|(_, at)| at.date())
                .max(),
            distributions: distributions
                .iter()
                .filter(|(p, on)| *p == id && *on <= day)
                .count(),
            policy: s.policy,
        });
    }
    Ok(out)
}

/// The snapshot of the organisation's records at the end of `day`.
pub async fn gather(store: &Store, org: OrgId, day: Date) -> Result<Snapshot, StoreError> {
    let organisation = store
        .organisation(org)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "organisation",
            id: org.to_string(),
        })?;
    let (settings, _) = store.org_settings(org).await?;
    let policies = policies_on(store, org, day).await?;
    let acknowledgements = match policies
        .iter()
        .find(|p| p.policy.fields.kind == PolicyKind::TopLevel)
        .and_then(|p| p.current.as_ref())
    {
        Some(v) => {
            let c = store.acknowledgements_on(org, v.id, day).await?;
            AckFigures {
                version: Some(v.id),
                addressed: c.addressed,
                done: c.done,
                overdue: c.overdue,
            }
        }
        None => AckFigures::default(),
    };
    let mut roles = store.roles(org).await?;
    let assignments = store.assignments(org, None).await?;
    // A role counts from when it was entered, or from the first day it is
    // recorded as held (a register brought in with its history).
    roles.retain(|r| {
        r.created_at < end_of(day)
            || assignments
                .iter()
                .any(|a| a.terms.role_id == r.id && a.terms.starts_on <= day)
    });
    let role_people = store.role_people(org).await?;
    let mut names: HashMap<_, String> =
        role_people.iter().map(|p| (p.id, p.name.clone())).collect();
    let left_on = role_people
        .iter()
        .filter_map(|p| p.end_date.map(|e| (p.id, e)))
        .collect();
    let raci_matrix = store.raci(org).await?;
    let raci = raci_matrix
        .activities
        .iter()
        .map(|(id, name)| {
            let cells = raci_matrix
                .cells
                .iter()
                .filter(|(activity, _, _)| activity == id)
                .map(|(_, role, letter)| (*role, *letter))
                .collect();
            (name.clone(), cells)
        })
        .collect();

    let courses = store.courses(org).await?;
    let holders = Holders::on(assignments.iter().cloned(), day).people();
    let mut records = Vec::new();
    for person in holders {
        records.extend(store.training_records(org, Some(person)).await?);
    }
    let training = TrainingFacts {
        awareness_course: courses
            .iter()
            .any(|c| c.fields.kind == CourseKind::GeneralAwareness && c.created_at < end_of(day)),
        awareness: store
            .awareness_on(
                org,
                day,
                months_before(day, AWARENESS_WINDOW_MONTHS),
                i64::from(settings.joiner_grace_days),
            )
            .await?,
        role_training: role_training_on(&roles, &assignments, &courses, &records, day),
    };

    let managers = store.line_managers_on(org, day).await?;
    let line_managers = managers.iter().map(|(id, _)| *id).collect();
    names.extend(managers);
    let period = last_ended_period(
        day,
        settings.attestation_period_months,
        organisation.fiscal_year_start_month,
    );
    let attestation = if period.ends_on < day {
        let at_end = store.line_managers_on(org, period.ends_on).await?;
        let ids = at_end.iter().map(|(id, _)| *id).collect();
        names.extend(at_end);
        Some(attestation_status_of(
            ids,
            &store.attestations_for(org, period).await?,
            period,
            day,
        ))
    } else {
        None
    };

    let resource_plans = store.resource_plans(org).await?;
    let statements = store.statements(org).await?;
    let missing: Vec<_> = resource_plans
        .iter()
        .filter_map(|p| p.approval.as_ref().map(|a| a.approved_by))
        .chain(
            statements
                .iter()
                .flat_map(|s| s.signatures.iter().map(|g| g.person_id)),
        )
        .filter(|p| !names.contains_key(p))
        .collect();
    names.extend(store.person_names(org, missing).await?);

    let review_cadence_months = store.review_cadence(org).await?;
    let exceptions = store.exceptions(org, None).await?;
    let objectives = store.objectives(org).await?;
    let kpis = store.kpis(org).await?;
    let measurements = store.measurements(org, None).await?;
    let actions = store.actions(org).await?;
    let reviews = store.management_reviews(org).await?;
    let reports = store.performance_reports(org).await?;
    let communications = store.communications(org).await?;
    let improvements = store.improvements(org).await?;
    Ok(Snapshot {
        as_of: day,
        review_cadence_months,
        exceptions,
        objectives,
        kpis,
        measurements,
        actions,
        reviews,
        reports,
        communications,
        improvements,
        organisation,
        settings,
        policies,
        acknowledgements,
        roles,
        assignments,
        left_on,
        raci,
        resource_plans,
        statements,
        training,
        line_managers,
        attestation,
        names,
    })
}
