//! The demo organisation's acknowledgement campaigns, at different stages:
//! long-running ones mostly answered (acknowledgements collected before
//! Mandate, brought in as such), one with many people overdue, a few
//! declines with their reasons, and two versions published today: a
//! material change everyone owes afresh, and a correction whose
//! acknowledgements carry over.

use super::demo::login;
use super::demo_policies::approve_and_publish;
use anyhow::{Context as _, Result};
use mandate_core::acknowledgement::{AckAnswer, AckState};
use mandate_core::audit::Actor;
use mandate_core::digest::sha256_hex;
use mandate_core::policy::VersionState;
use mandate_core::{AccessRole, OrgId, PersonId};
use mandate_store::{AnswerIn, Store};

/// (policy title, share of its audience that answered, in per cent).
const ANSWERED: &[(&str, u64)] = &[
    ("Information security policy", 94),
    ("Access control", 97),
    ("Acceptable use", 91),
    ("Cryptography", 100),
    ("Supplier security", 88),
    ("Incident management", 96),
    ("Business continuity", 90),
    ("Secure development", 93),
    ("Data classification and handling", 58),
];

pub async fn create(store: &Store, org: OrgId) -> Result<()> {
    let users = store.users(org).await?;
    let staff = login(&users, AccessRole::Staff)?.person_id;
    let imported = Actor::system("import");
    let summaries = store.policy_summaries(org).await?;
    // Answers go by email, so the same seed gives the same answers everywhere.
    let email: std::collections::HashMap<PersonId, String> = store
        .people_all(org)
        .await?
        .into_iter()
        .map(|p| (p.id, p.email.to_string()))
        .collect();
    for version in store.published_version_index(org).await? {
        if version.state != VersionState::Published {
            continue;
        }
        let Some(summary) = summaries.iter().find(|s| s.policy.id == version.policy_id) else {
            continue;
        };
        let title = summary.policy.fields.title.as_str();
        let share = ANSWERED
            .iter()
            .find(|(t, _)| *t == title)
            .map_or(85, |(_, s)| *s);
        let body = store
            .policy_version(org, version.policy_id, version.number)
            .await?
            .context("a published version is missing")?
            .body;
        let digest = sha256_hex(body.as_bytes());
        let mut owed: Vec<PersonId> = store
            .acknowledgements_of_version(org, version.version_id)
            .await?
            .into_iter()
            .filter(|r| r.state == AckState::Owed)
            .map(|r| r.person_id)
            .collect();
        owed.sort_by_key(|p| email.get(p).cloned());
        let total = owed.len() as u64;
        let mut answers = Vec::new();
        for (i, person) in owed.into_iter().enumerate() {
            // Staff's own login still owes the acceptable use policy: a
            // task to find under My tasks.
            if (i as u64) * 100 >= total * share || (person == staff && title == "Acceptable use") {
                continue;
            }
            let answer = if i % 41 == 17 {
                AckAnswer::Decline {
                    reason: "The rule on personal devices cannot be met on the night shift: we share one phone.".into(),
                }
            } else {
                AckAnswer::Accept
            };
            answers.push(AnswerIn {
                actor: imported.clone(),
                person_id: person,
                version_id: version.version_id,
                answer,
                shown_sha256: digest.clone(),
            });
        }
        for chunk in answers.chunks(500) {
            store.answer_acknowledgements(org, chunk.to_vec()).await?;
        }
    }
    republish(store, org, "Supplier security", true).await?;
    republish(store, org, "Secure development", false).await?;
    Ok(())
}

/// Publishes a new version of `title` today: a material change, or a
/// correction that carries acknowledgements over.
async fn republish(store: &Store, org: OrgId, title: &str, material: bool) -> Result<()> {
    let users = store.users(org).await?;
    let editor = login(&users, AccessRole::IsmsManager)?;
    let boss = login(&users, AccessRole::TopManagement)?;
    let summary = store
        .policy_summaries(org)
        .await?
        .into_iter()
        .find(|s| s.policy.fields.title == title)
        .with_context(|| format!("the demo has no policy {title}"))?;
    let Some(published) = summary.published.as_ref() else {
        return Ok(());
    };
    if summary
        .latest
        .as_ref()
        .is_some_and(|l| l.number != published.number)
    {
        return Ok(()); // a version is already on its way
    }
    let current = store
        .policy_version(org, summary.policy.id, published.number)
        .await?
        .context("the published version is missing")?;
    let (body, change) = if material {
        (
            format!(
                "{}\n\n## Reporting to the hosting supplier\n\nIncidents on the hosting platform are also reported to Northwind Hosting Ltd within four hours.\n",
                current.body
            ),
            "Incidents on the hosting platform are reported to the supplier",
        )
    } else {
        (
            current.body.replace("  ", " ") + "\n",
            "Typographical corrections",
        )
    };
    let actor = Actor::user(editor.id);
    let draft = store
        .create_draft(&actor, org, summary.policy.id, editor.id, &body, change)
        .await?;
    store
        .edit_draft(
            &actor,
            org,
            summary.policy.id,
            draft.number,
            editor.id,
            draft.version,
            &body,
            change,
            Some(material),
        )
        .await?;
    approve_and_publish(store, org, editor, boss, summary.policy.id, draft.number).await
}
