//! The demo organisation's commitment records (5.1 c, d, f): resource plans
//! for three fiscal years (last year's spent, this year's approved, next
//! year's awaiting approval), the leadership statement published and a
//! revision awaiting its signature again, two years of communications with
//! a newsletter overdue, and the training register: most personnel trained,
//! some stale or missing, a role's course absent from the catalogue.

use super::demo::login;
use anyhow::{Context as _, Result};
use mandate_core::audit::Actor;
use mandate_core::commitment::communication::{Channel, CommunicationFields, PlanItemFields};
use mandate_core::commitment::fiscal::fiscal_year_of;
use mandate_core::commitment::money::Currency;
use mandate_core::commitment::resources::{BudgetCategory, BudgetLine, ResourcePlanFields};
use mandate_core::commitment::statement::StatementFields;
use mandate_core::commitment::training::{Completion, CourseFields, CourseKind, is_personnel};
use mandate_core::policy::PolicyKind;
use mandate_core::timefmt::now;
use mandate_core::{AccessRole, OrgId, PlanItemId};
use mandate_store::Store;
use time::Duration;

/// (category, planned, share spent last year) in whole euros.
const BUDGET: &[(BudgetCategory, i64, i64)] = &[
    (BudgetCategory::People, 96_000, 100),
    (BudgetCategory::Consultancy, 18_000, 85),
    (BudgetCategory::ExternalAudit, 14_500, 100),
    (BudgetCategory::Software, 22_000, 92),
    (BudgetCategory::Training, 9_000, 70),
    (BudgetCategory::Insurance, 6_500, 100),
];

fn budget(
    year: i32,
    growth_percent: i64,
    spent: impl Fn(i64, i64) -> i64,
) -> Result<ResourcePlanFields> {
    Ok(ResourcePlanFields {
        fiscal_year: year,
        currency: Currency::parse("EUR").map_err(anyhow::Error::msg)?,
        lines: BUDGET
            .iter()
            .map(|(category, planned, share)| {
                let planned = planned * (100 + growth_percent) / 100 * 100;
                BudgetLine {
                    category: *category,
                    planned,
                    actual: spent(planned, *share),
                    note: String::new(),
                }
            })
            .collect(),
        notes: String::new(),
    })
}

pub async fn create(store: &Store, org: OrgId) -> Result<()> {
    let users = store.users(org).await?;
    let boss = login(&users, AccessRole::TopManagement)?;
    let editor = login(&users, AccessRole::IsmsManager)?;
    let as_editor = Actor::user(editor.id);
    let as_boss = Actor::user(boss.id);
    let today = now().date();
    let organisation = store
        .organisation(org)
        .await?
        .context("the demo organisation is missing")?;
    let this_year = fiscal_year_of(today, organisation.fiscal_year_start_month);

    // Resources: last year spent, this year approved and partly spent, next
    // year proposed and awaiting the CEO.
    let last = store
        .save_resource_plan(
            &as_editor,
            org,
            editor.person_id,
            None,
            None,
            budget(this_year - 1, 0, |p, s| p * s / 100)?,
        )
        .await?;
    store
        .approve_resource_plan(&as_boss, org, last.id, boss, Some(last.version))
        .await?;
    let current = store
        .save_resource_plan(
            &as_editor,
            org,
            editor.person_id,
            None,
            None,
            budget(this_year, 8, |p, s| p * s / 250)?,
        )
        .await?;
    store
        .approve_resource_plan(&as_boss, org, current.id, boss, Some(current.version))
        .await?;
    store
        .save_resource_plan(
            &as_editor,
            org,
            editor.person_id,
            None,
            None,
            budget(this_year + 1, 15, |_, _| 0)?,
        )
        .await?;

    // The leadership statement, published; a revision awaits a new signature.
    let text = "# Our commitment to information security\n\n\
        Northwind Analytics holds its customers' sales data in trust. We, the management, lead the \
        information security management system: we set its objectives with the business plan, give it \
        the people, time and money it needs, review it every quarter and act on what we find.\n\n\
        Everyone at Northwind protects the information they handle. Report anything that worries you; \
        you will be thanked, not blamed.";
    let statement = store
        .save_statement(
            &as_editor,
            org,
            None,
            None,
            StatementFields {
                title: "Our commitment to information security".into(),
                body: text.into(),
                signatories: vec![boss.person_id],
            },
        )
        .await?;
    store
        .sign_statement(&as_boss, org, statement.id, boss, &statement.body_sha256)
        .await?;
    store
        .publish_statement(
            &as_editor,
            org,
            statement.id,
            "Intranet: About us / Information security",
        )
        .await?;
    let revision = store
        .save_statement(
            &as_editor,
            org,
            None,
            None,
            StatementFields {
                title: "Our commitment to information security (FY revision)".into(),
                body: text.into(),
                signatories: vec![boss.person_id],
            },
        )
        .await?;
    let signed = store
        .sign_statement(&as_boss, org, revision.id, boss, &revision.body_sha256)
        .await?;
    store
        .save_statement(
            &as_editor,
            org,
            Some(revision.id),
            Some(signed.version),
            StatementFields {
                body: format!(
                    "{text}\n\nWe publish our security commitments to customers on our trust page."
                ),
                ..signed.fields.clone()
            },
        )
        .await?;

    communications(store, org, &as_editor, boss.person_id, editor.person_id).await?;
    training(store, org, &as_editor, editor.id).await?;
    Ok(())
}

async fn communications(
    store: &Store,
    org: OrgId,
    actor: &Actor,
    ceo: mandate_core::PersonId,
    isms: mandate_core::PersonId,
) -> Result<()> {
    let today = now().date();
    let ago = |days: i64| today - Duration::days(days);
    let plan = |topic: &str, channel, months, first: i64| PlanItemFields {
        topic: topic.into(),
        channel,
        audience: "All staff".into(),
        interval_months: months,
        first_due_on: ago(first),
        active: true,
    };
    let message = store
        .save_plan_item(
            actor,
            org,
            None,
            None,
            plan(
                "CEO's message on information security",
                Channel::Email,
                6,
                720,
            ),
        )
        .await?;
    let newsletter = store
        .save_plan_item(
            actor,
            org,
            None,
            None,
            plan("Security newsletter", Channel::Newsletter, 3, 410),
        )
        .await?;
    let posters = store
        .save_plan_item(
            actor,
            org,
            None,
            None,
            plan("Phishing awareness posters", Channel::Poster, 12, 330),
        )
        .await?;
    let policies = store.policy_summaries(org).await?;
    let top_policy = policies
        .iter()
        .find(|s| s.policy.fields.kind == PolicyKind::TopLevel)
        .map(|s| s.policy.id);
    let done: Vec<(i64, &str, Channel, PlanItemId, mandate_core::PersonId)> = vec![
        (
            700,
            "Why information security matters to our customers",
            Channel::Email,
            message.id,
            ceo,
        ),
        (
            520,
            "Our ISO/IEC 27001 certification journey",
            Channel::Email,
            message.id,
            ceo,
        ),
        (
            340,
            "What the certification audit found",
            Channel::Email,
            message.id,
            ceo,
        ),
        (
            160,
            "Security is part of every customer promise",
            Channel::Email,
            message.id,
            ceo,
        ),
        (
            400,
            "Newsletter: passwords and passphrases",
            Channel::Newsletter,
            newsletter.id,
            isms,
        ),
        (
            310,
            "Newsletter: working from home safely",
            Channel::Newsletter,
            newsletter.id,
            isms,
        ),
        (
            220,
            "Newsletter: reporting incidents",
            Channel::Newsletter,
            newsletter.id,
            isms,
        ),
        (
            130,
            "Newsletter: suppliers and your data",
            Channel::Newsletter,
            newsletter.id,
            isms,
        ),
        (
            300,
            "Spot the phish: posters in both offices",
            Channel::Poster,
            posters.id,
            isms,
        ),
    ];
    for (days, topic, channel, item, sponsor) in done {
        store
            .save_communication(
                actor,
                org,
                None,
                None,
                CommunicationFields {
                    occurred_on: ago(days),
                    channel,
                    audience: "All staff".into(),
                    topic: topic.into(),
                    summary: String::new(),
                    sponsor_id: sponsor,
                    policy_id: None,
                    plan_item_id: Some(item),
                },
            )
            .await?;
    }
    store
        .save_communication(
            actor,
            org,
            None,
            None,
            CommunicationFields {
                occurred_on: ago(90),
                channel: Channel::Meeting,
                audience: "All staff (all-hands meeting)".into(),
                topic: "The information security policy and what it asks of each of us".into(),
                summary: "The CEO presented the policy's new version and answered questions."
                    .into(),
                sponsor_id: ceo,
                policy_id: top_policy,
                plan_item_id: None,
            },
        )
        .await?;
    Ok(())
}

async fn training(
    store: &Store,
    org: OrgId,
    actor: &Actor,
    by: mandate_core::UserId,
) -> Result<()> {
    let today = now().date();
    let course = |title: &str, kind, validity_months| CourseFields {
        title: title.into(),
        kind,
        description: String::new(),
        validity_months,
    };
    let awareness = store
        .save_course(
            actor,
            org,
            None,
            None,
            course("Security awareness", CourseKind::GeneralAwareness, Some(12)),
        )
        .await?;
    let mut role_courses = Vec::new();
    // "Security operations", which the security officer's role requires,
    // is missing from the catalogue on purpose: a gap to find.
    for (title, validity) in [
        ("ISMS leadership briefing", Some(24)),
        ("ISO/IEC 27001 lead implementer", None),
        ("Manager security briefing", Some(12)),
    ] {
        role_courses.push(
            store
                .save_course(
                    actor,
                    org,
                    None,
                    None,
                    course(title, CourseKind::RoleSpecific, validity),
                )
                .await?,
        );
    }
    let mut people = store.people_all(org).await?;
    // By email, so the same seed trains the same people on every backend.
    people.sort_by(|a, b| a.email.cmp(&b.email));
    let mut completions = Vec::new();
    for (i, person) in people
        .iter()
        .enumerate()
        .filter(|(_, p)| is_personnel(p, today))
    {
        // About one in nineteen never took it, one in twenty-nine is stale.
        if i % 19 == 7 {
            continue;
        }
        let days = if i % 29 == 11 {
            400 + (i % 60) as i64
        } else {
            (i * 37 % 330) as i64
        };
        let completed_on = (today - Duration::days(days))
            .max(person.start_date.unwrap_or(today - Duration::days(days)));
        completions.push(Completion {
            person_id: person.id,
            course_id: awareness.id,
            completed_on,
            expires_on: None,
            note: String::new(),
        });
    }
    let users = store.users(org).await?;
    let holder = |role| login(&users, role).map(|u| u.person_id);
    // The CEO and the ISMS manager are trained for their roles; the line
    // manager's briefing has expired.
    for (person, course, days) in [
        (holder(AccessRole::TopManagement)?, 0, 200),
        (holder(AccessRole::IsmsManager)?, 1, 600),
        (holder(AccessRole::Manager)?, 2, 420),
    ] {
        completions.push(Completion {
            person_id: person,
            course_id: role_courses[course].id,
            completed_on: today - Duration::days(days),
            expires_on: None,
            note: String::new(),
        });
    }
    store.record_training(actor, org, by, completions).await?;
    Ok(())
}
