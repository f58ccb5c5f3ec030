//! The demo organisation's improvement register, staff feedback and
//! manager attestations (5.1 g, h): a nonconformity closed after an
//! effective check, one with an overdue corrective action, an opportunity
//! being taken up, one raised from a confidential concern; named and
//! confidential feedback; every line manager but two attested for the last
//! quarter, one with something not in order.

use super::demo::login;
use anyhow::Result;
use mandate_core::audit::Actor;
use mandate_core::commitment::attestation::{
    AttestationFields, last_ended_period, line_managers_on,
};
use mandate_core::commitment::feedback::{
    Feedback, FeedbackKind, FeedbackStatus, FeedbackSubmission, Handling,
};
use mandate_core::commitment::improvement::{
    EffectivenessCheck, ImprovementFields, ImprovementKind, ImprovementSource,
};
use mandate_core::performance::{ActionFields, ActionSource, ActionStatus};
use mandate_core::timefmt::now;
use mandate_core::{AccessRole, NewUser, OrgId};
use mandate_store::Store;
use time::Duration;

pub async fn create(store: &Store, org: OrgId) -> Result<()> {
    let users = store.users(org).await?;
    let editor = login(&users, AccessRole::IsmsManager)?;
    let officer = login(&users, AccessRole::Admin)?;
    let staff = login(&users, AccessRole::Staff)?;
    let actor = Actor::user(editor.id);
    let today = now().date();
    let ago = |days: i64| today - Duration::days(days);

    // Feedback: a named suggestion answered, a confidential concern.
    let named = store
        .submit_feedback(&Actor::user(staff.id), Feedback::named(org, staff.person_id, FeedbackSubmission {
            kind: FeedbackKind::Suggestion,
            subject: "A password manager for everyone".into(),
            text: "Half the team keeps passwords in a spreadsheet. Could we all have a password manager?".into(),
        }, now()))
        .await?;
    store
        .handle_feedback(
            &actor,
            org,
            named.id,
            Some(named.version),
            Handling {
                status: FeedbackStatus::Acknowledged,
                response: "Thank you: it is on the agenda of the next management review.".into(),
                improvement_id: None,
            },
        )
        .await?;
    let concern = store
        .submit_feedback(&Actor::channel("confidential"), Feedback::confidential(org, FeedbackSubmission {
            kind: FeedbackKind::Concern,
            subject: "Shared admin password on the build server".into(),
            text: "The build server's admin password is shared in a chat channel and never changes.".into(),
        }, ago(12)))
        .await?;
    store
        .submit_feedback(&Actor::channel("confidential"), Feedback::confidential(org, FeedbackSubmission {
            kind: FeedbackKind::Concern,
            subject: "Visitors walk in unescorted".into(),
            text: "At the Porto office, visitors often wait inside the open-plan area without a badge.".into(),
        }, ago(2)))
        .await?;
    // Confidential submissions wait for the scheduler's daily filing; the
    // demo files them now, as the first tick of today would.
    store.file_confidential_feedback(org, today).await?;

    let entry = |kind, title: &str, source, days, root_cause: &str| ImprovementFields {
        kind,
        title: title.into(),
        description: String::new(),
        source,
        raised_on: ago(days),
        owner_id: editor.person_id,
        root_cause: root_cause.into(),
        feedback_id: None,
    };
    let action = |title: &str, due: i64, source, improvement| ActionFields {
        title: title.into(),
        owner_id: officer.person_id,
        due_on: today + Duration::days(due),
        status: ActionStatus::Open,
        source,
        objective_id: None,
        review_id: None,
        improvement_id: Some(improvement),
        notes: String::new(),
    };

    // Closed: found by the internal audit, fixed, checked, closed.
    let leavers = store
        .save_improvement(
            &actor,
            org,
            None,
            None,
            entry(
                ImprovementKind::Nonconformity,
                "Leavers kept VPN access for up to a week",
                ImprovementSource::Audit,
                200,
                "HR told IT about leavers by email at the end of the week.",
            ),
        )
        .await?;
    let fix = store
        .save_action(
            &actor,
            org,
            None,
            None,
            action(
                "Disable accounts on the last working day, from the HR system",
                -150,
                ActionSource::Nonconformity,
                leavers.id,
            ),
        )
        .await?;
    store
        .save_action(
            &actor,
            org,
            Some(fix.id),
            Some(fix.version),
            ActionFields {
                status: ActionStatus::Done,
                ..fix.fields.clone()
            },
        )
        .await?;
    let checked = store
        .check_improvement(
            &actor,
            org,
            leavers.id,
            Some(leavers.version),
            EffectivenessCheck {
                checked_on: today,
                effective: true,
                note: "Sampled the last twenty leavers: every account was disabled on the day."
                    .into(),
                checked_by: editor.person_id,
            },
        )
        .await?;
    store
        .close_improvement(
            &actor,
            org,
            leavers.id,
            Some(checked.version),
            "Effective; closed at the internal audit's follow-up.".into(),
        )
        .await?;

    // Open, with an overdue corrective action.
    let laptop = store
        .save_improvement(
            &actor,
            org,
            None,
            None,
            entry(
                ImprovementKind::Nonconformity,
                "A laptop was lost without disk encryption",
                ImprovementSource::Incident,
                40,
                "Encryption was not enforced on laptops set up before the policy changed.",
            ),
        )
        .await?;
    store
        .save_action(
            &actor,
            org,
            None,
            None,
            action(
                "Enforce disk encryption on every laptop through device management",
                -10,
                ActionSource::Nonconformity,
                laptop.id,
            ),
        )
        .await?;

    // An opportunity from the last management review, being taken up.
    let reviews = store
        .save_improvement(
            &actor,
            org,
            None,
            None,
            entry(
                ImprovementKind::Opportunity,
                "Automate the quarterly access reviews",
                ImprovementSource::Review,
                60,
                "",
            ),
        )
        .await?;
    let automation = store
        .save_action(
            &actor,
            org,
            None,
            None,
            action(
                "Choose an access review tool",
                45,
                ActionSource::Other,
                reviews.id,
            ),
        )
        .await?;
    store
        .save_action(
            &actor,
            org,
            Some(automation.id),
            Some(automation.version),
            ActionFields {
                status: ActionStatus::InProgress,
                ..automation.fields.clone()
            },
        )
        .await?;

    // Raised from the confidential concern; its root cause is still to find.
    store
        .save_improvement(
            &actor,
            org,
            None,
            None,
            ImprovementFields {
                feedback_id: Some(concern.id),
                ..entry(
                    ImprovementKind::Nonconformity,
                    "Shared admin password on the build server",
                    ImprovementSource::Feedback,
                    10,
                    "",
                )
            },
        )
        .await?;

    attestations(store, org).await
}

/// Every line manager attests for the last quarter but two; those without
/// a login get one (without a password: they would sign in through SSO).
async fn attestations(store: &Store, org: OrgId) -> Result<()> {
    let today = now().date();
    let organisation = store.organisation(org).await?;
    let start = organisation.map_or(1, |o| o.fiscal_year_start_month);
    let (settings, _) = store.org_settings(org).await?;
    let period = last_ended_period(today, settings.attestation_period_months, start);
    let people = store.people_all(org).await?;
    let mut managers = line_managers_on(&people, period.ends_on);
    // By email, so the same seed leaves the same managers outstanding.
    let email: std::collections::HashMap<_, _> =
        people.iter().map(|p| (p.id, p.email.as_str())).collect();
    managers.sort_by_key(|m| email.get(m).copied());
    let system = Actor::system("demo");
    let mut users = store.users(org).await?;
    for (i, manager) in managers.iter().enumerate() {
        if i % 7 == 3 {
            continue; // outstanding
        }
        let user = match users.iter().find(|u| u.person_id == *manager) {
            Some(u) => u.clone(),
            None => {
                let created = store
                    .create_user(
                        &system,
                        org,
                        &NewUser {
                            person_id: *manager,
                            access_role: AccessRole::Manager,
                            password_hash: None,
                        },
                    )
                    .await?;
                users.push(created.clone());
                created
            }
        };
        let access_late = i % 5 == 1;
        let fields = AttestationFields {
            team_trained: true,
            policies_acknowledged: true,
            access_reviewed: !access_late,
            comments: if access_late {
                "The access review of the reporting database slipped; it is booked for next month."
                    .into()
            } else {
                String::new()
            },
        };
        store
            .attest(&Actor::user(user.id), org, &user, period, fields)
            .await?;
    }
    Ok(())
}
