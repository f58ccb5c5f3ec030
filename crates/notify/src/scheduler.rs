//! One run of the background work, idempotent: reconcile acknowledgement
//! campaigns with their audiences, work out each person's digest for today
//! and queue it (one a day: the outbox's dedupe key refuses a second), and
//! turn claims that outlived their lease into "uncertain"; file the
//! confidential feedback of earlier days (the first tick of a day files the
//! day before's, in one batch). `mandate serve`
//! runs it every minute; `mandate tick` runs it once, for cron.

use crate::config::MailConfig;
use crate::templates::{DEFAULT_DIGEST_BODY, DEFAULT_DIGEST_SUBJECT, DigestContext, render_digest};
use mandate_app::tasks::{Scope, tasks_of};
use mandate_core::audit::Actor;
use mandate_core::notify::{digest_key, plan_digest};
use mandate_core::outbox::NewMail;
use mandate_core::tasks::{Task, TaskKind};
use mandate_core::timefmt::now;
use mandate_core::{OrgId, PersonId};
use mandate_store::{Store, StoreError};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TickSummary {
    pub organisations: usize,
    /// Acknowledgements newly owed and released by reconciling.
    pub owed: usize,
    pub released: usize,
    /// Digests queued.
    pub queued: u64,
    /// Claims found past their lease, now uncertain.
    pub uncertain: u64,
    /// Confidential feedback of earlier days filed into the records.
    pub filed: usize,
}

/// Runs every organisation's part of the tick.
pub async fn tick(store: &Store, config: &MailConfig) -> Result<TickSummary, StoreError> {
    let mut summary = TickSummary {
        uncertain: store.expire_claims().await?,
        ..TickSummary::default()
    };
    for org in store.organisations().await? {
        let reconciled = store
            .reconcile_acknowledgements(&Actor::system("scheduler"), org.id)
            .await?;
        summary.owed += reconciled.owed;
        summary.released += reconciled.released;
        summary.queued += queue_digests(store, org.id, &org.name, config).await?;
        summary.filed += store
            .file_confidential_feedback(org.id, now().date())
            .await?;
        summary.organisations += 1;
    }
    Ok(summary)
}

/// Queues today's digest for everyone with something to be told.
async fn queue_digests(
    store: &Store,
    org: OrgId,
    organisation: &str,
    config: &MailConfig,
) -> Result<u64, StoreError> {
    let today = now().date();
    let tasks = tasks_of(store, org, Scope::Everyone, today).await?;
    let (settings, _) = store.org_settings(org).await?;
    let people = store.people_all(org).await?;
    let last = store.last_mail_to(org, "digest").await?;
    let (subject, body) = match store.mail_template(org, "digest").await? {
        Some((s, b, _)) => (s, b),
        None => (
            DEFAULT_DIGEST_SUBJECT.to_string(),
            DEFAULT_DIGEST_BODY.to_string(),
        ),
    };
    // Rendering runs organisation-written templates: off the async workers,
    // so a slow one cannot hold up requests (each render is also bounded by
    // the template budget).
    let work = Composition {
        organisation: organisation.to_string(),
        public_url: config.public_url.clone(),
        subject,
        body,
        today,
        reminder_days: settings.reminder_days.clone(),
    };
    let mails = crate::template_budget::on_big_stack(move || work.digests(&people, &tasks, &last))
        .await
        .ok_or_else(|| StoreError::Invalid("composing the digests failed".into()))??;
    store.queue_mail(org, mails, now()).await
}

/// What composing one organisation's digests needs, owned so that it can
/// run on a blocking thread.
struct Composition {
    organisation: String,
    public_url: String,
    subject: String,
    body: String,
    today: time::Date,
    reminder_days: Vec<u16>,
}

impl Composition {
    fn digests(
        &self,
        people: &[mandate_core::Person],
        tasks: &HashMap<PersonId, Vec<Task>>,
        last: &HashMap<PersonId, time::OffsetDateTime>,
    ) -> Result<Vec<NewMail>, StoreError> {
        let Self {
            organisation,
            public_url,
            subject,
            body,
            today,
            reminder_days,
        } = self;
        let (organisation, today) = (organisation.as_str(), *today);
        // Each line manager hears of their team's acknowledgements gone overdue.
        let mut team: HashMap<PersonId, Vec<(String, Task)>> = HashMap::new();
        for p in people {
            let (Some(manager), Some(own)) = (p.manager_id, tasks.get(&p.id)) else {
                continue;
            };
            for t in own.iter().filter(|t| t.kind == TaskKind::Acknowledge) {
                team.entry(manager)
                    .or_default()
                    .push((p.name.clone(), t.clone()));
            }
        }
        let none: Vec<Task> = Vec::new();
        let no_team: Vec<(String, Task)> = Vec::new();
        let mut mails = Vec::new();
        for p in people
            .iter()
            .filter(|p| p.end_date.is_none_or(|e| e >= today))
        {
            let own = tasks.get(&p.id).unwrap_or(&none);
            let reports = team.get(&p.id).unwrap_or(&no_team);
            if own.is_empty() && reports.is_empty() {
                continue;
            }
            let items = plan_digest(own, reports, last.get(&p.id).copied(), today, reminder_days);
            if items.is_empty() {
                continue;
            }
            let rendered = render_digest(
                subject,
                body,
                &DigestContext {
                    organisation,
                    name: &p.name,
                    base_url: public_url,
                    items: &items,
                },
            );
            // A template that fails for one person's data falls back to the
            // default, so the message still goes.
            let (subject, body) = match rendered {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(error = %e, "the organisation's digest template failed; the default is used");
                    render_digest(
                        DEFAULT_DIGEST_SUBJECT,
                        DEFAULT_DIGEST_BODY,
                        &DigestContext {
                            organisation,
                            name: &p.name,
                            base_url: public_url,
                            items: &items,
                        },
                    )
                    .map_err(|e| StoreError::Invalid(e.to_string()))?
                }
            };
            mails.push(NewMail {
                dedupe_key: digest_key(p.id, today),
                kind: "digest".into(),
                person_id: Some(p.id),
                to: p.email.to_string(),
                subject,
                body,
            });
        }
        Ok(mails)
    }
}
