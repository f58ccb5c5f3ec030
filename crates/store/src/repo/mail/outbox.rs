//! The outbox: mail queued by the scheduler, taken one message at a time
//! by a sender, marked sent once the SMTP server has it. Queueing is
//! idempotent (a dedupe key per message); a claim that outlives its lease
//! turns the message "uncertain" instead of sending it twice. Mail is
//! operational data: it is backed up but not audited (what it says is
//! derived from audited records).

use super::super::Repo;
use super::super::batch::{Insertable, insert_rows};
use super::super::dialect;
use super::super::outbox_rows::{MailRow, MailTemplateRow};
use crate::backend::{OutboxPage, OutboxQuery};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::outbox::{CLAIM_LEASE, MAX_ATTEMPTS, Mail, MailState, NewMail, retry_delay};
use mandate_core::timefmt::now;
use mandate_core::{OrgId, PersonId};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

fn columns() -> String {
    MailRow::COLUMNS.join(", ")
}

impl Repo {
    /// Queues messages; one whose dedupe key is queued already is skipped.
    /// Returns how many were new.
    pub async fn queue_mail(
        &self,
        org: OrgId,
        mails: Vec<NewMail>,
        send_after: OffsetDateTime,
    ) -> Result<u64> {
        if mails.is_empty() {
            return Ok(0);
        }
        let at = now();
        let rows: Vec<MailRow> = mails
            .into_iter()
            .map(|mail| {
                MailRow::from(&Mail {
                    org_id: org,
                    id: Uuid::now_v7(),
                    mail,
                    created_at: at,
                    send_after,
                    state: MailState::Queued,
                    attempts: 0,
                    claimed_at: None,
                    sent_at: None,
                    last_error: String::new(),
                })
            })
            .collect();
        let mut tx = self.begin_write().await?;
        let written = insert_rows(
            &mut tx,
            &rows,
            " ON CONFLICT (org_id, dedupe_key) DO NOTHING",
            |_| {},
        )
        .await?;
        tx.commit().await?;
        Ok(written)
    }

    /// Takes the next message due, of any organisation, marking it as
    /// being sent (and counting the attempt) before anyone sends it.
    pub async fn claim_mail(&self) -> Result<Option<Mail>> {
        let at = now();
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT {} FROM outbox WHERE state = 'queued' AND send_after <= $1 ORDER BY send_after, message_id LIMIT 1{}",
            columns(),
            dialect::SKIP_LOCKED
        );
        let row: Option<MailRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let claimed = sqlx::query(
            "UPDATE outbox SET state = 'sending', claimed_at = $3, attempts = attempts + 1 \
             WHERE org_id = $1 AND message_id = $2 AND state = 'queued'",
        )
        .bind(row.org_id)
        .bind(row.message_id)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        if claimed != 1 {
            return Ok(None);
        }
        let mut mail = Mail::try_from(row)?;
        mail.state = MailState::Sending;
        mail.claimed_at = Some(at);
        mail.attempts += 1;
        Ok(Some(mail))
    }

    /// The SMTP server accepted the message.
    pub async fn mark_sent(&self, mail: &Mail) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'sent', sent_at = $3, last_error = '' WHERE org_id = $1 AND message_id = $2 AND state = 'sending'",
        )
        .bind(mail.org_id.0)
        .bind(mail.id)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A message that must not go (the link it carries died before it was
    /// sent): failed at once, with why.
    pub async fn mark_failed(&self, mail: &Mail, reason: &str) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'failed', last_error = $3, claimed_at = NULL \
             WHERE org_id = $1 AND message_id = $2 AND state = 'sending'",
        )
        .bind(mail.org_id.0)
        .bind(mail.id)
        .bind(reason)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The SMTP server refused the message, or could not be reached (the
    /// server did not take it, so sending again is safe): queued again
    /// after a back-off, or failed after the last attempt.
    pub async fn mark_refused(&self, mail: &Mail, error: &str) -> Result<()> {
        let (state, after) = if mail.attempts >= MAX_ATTEMPTS {
            ("failed", mail.send_after)
        } else {
            ("queued", now() + retry_delay(mail.attempts))
        };
        sqlx::query(
            "UPDATE outbox SET state = $3, send_after = $4, last_error = $5, claimed_at = NULL \
             WHERE org_id = $1 AND message_id = $2 AND state = 'sending'",
        )
        .bind(mail.org_id.0)
        .bind(mail.id)
        .bind(state)
        .bind(after)
        .bind(error.chars().take(1000).collect::<String>())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Claims older than the lease: the sender stopped while the message
    /// was with the SMTP server, so it may have gone. Marked uncertain,
    /// never resent on their own. Returns how many.
    pub async fn expire_claims(&self) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE outbox SET state = 'uncertain', last_error = 'the sender stopped while handing it to the mail server' \
             WHERE state = 'sending' AND claimed_at < $1",
        )
        .bind(now() - CLAIM_LEASE)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// One message whose handing over went wrong in a way that leaves it
    /// unknown whether the server took it.
    pub async fn expire_claim(&self, mail: &Mail, reason: &str) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'uncertain', last_error = $3 WHERE org_id = $1 AND message_id = $2 AND state = 'sending'",
        )
        .bind(mail.org_id.0)
        .bind(mail.id)
        .bind(reason.chars().take(1000).collect::<String>())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks every claim as in doubt at once, whatever its age: for a
    /// sender starting up alone (`mandate tick`), whose predecessor is gone.
    pub async fn expire_all_claims(&self) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE outbox SET state = 'uncertain', last_error = 'the sender stopped while handing it to the mail server' \
             WHERE state = 'sending'",
        )
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// An operator sends an uncertain or failed message again, knowingly.
    pub async fn requeue_mail(&self, org: OrgId, id: Uuid) -> Result<()> {
        let changed = sqlx::query(
            "UPDATE outbox SET state = 'queued', send_after = $3, attempts = 0 \
             WHERE org_id = $1 AND message_id = $2 AND state IN ('uncertain', 'failed')",
        )
        .bind(org.0)
        .bind(id)
        .bind(now())
        .execute(&self.pool)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict(
                "only a message that failed or may not have been sent is sent again".into(),
            ));
        }
        Ok(())
    }

    /// One page of the outbox, newest first: `limit` messages (in `state`
    /// if given) after the message `query.after` names, and whether more
    /// follow. The cursor is a message, not a time: messages queued in one
    /// batch share their `created_at`, and the id orders them within it.
    pub async fn outbox_page(&self, org: OrgId, query: &OutboxQuery) -> Result<OutboxPage> {
        if let Some(after) = query.after {
            let known: Option<(Uuid,)> = sqlx::query_as(
                "SELECT message_id FROM outbox WHERE org_id = $1 AND message_id = $2",
            )
            .bind(org.0)
            .bind(after)
            .fetch_optional(&self.pool)
            .await?;
            if known.is_none() {
                return Err(StoreError::Invalid(
                    "the cursor is not one this server gave out".into(),
                ));
            }
        }
        let mut sql = format!("SELECT {} FROM outbox WHERE org_id = $1", columns());
        let mut next = 2;
        if query.state.is_some() {
            sql.push_str(&format!(" AND state = ${next}"));
            next += 1;
        }
        if query.after.is_some() {
            // The cursor's own row gives the position, compared column to
            // column: a bound time would compare as text on SQLite.
            sql.push_str(&format!(
                " AND (created_at, message_id) < \
                 (SELECT created_at, message_id FROM outbox WHERE org_id = $1 AND message_id = ${next})"
            ));
            next += 1;
        }
        sql.push_str(&format!(
            " ORDER BY created_at DESC, message_id DESC LIMIT ${next}"
        ));
        let mut rows = sqlx::query_as::<_, MailRow>(sqlx::AssertSqlSafe(sql)).bind(org.0);
        if let Some(state) = query.state {
            rows = rows.bind(state.as_str());
        }
        if let Some(after) = query.after {
            rows = rows.bind(after);
        }
        let rows = rows
            .bind(i64::from(query.limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        let mut items = rows
            .into_iter()
            .map(Mail::try_from)
            .collect::<Result<Vec<_>>>()?;
        let next_after = if items.len() > query.limit as usize {
            items.truncate(query.limit as usize);
            items.last().map(|m| m.id)
        } else {
            None
        };
        Ok(OutboxPage { items, next_after })
    }

    /// How many messages of the organisation are in each state.
    pub async fn outbox_counts(&self, org: OrgId) -> Result<HashMap<MailState, i64>> {
        let counts: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, COUNT(*) FROM outbox WHERE org_id = $1 GROUP BY state")
                .bind(org.0)
                .fetch_all(&self.pool)
                .await?;
        Ok(counts
            .into_iter()
            .filter_map(|(state, n)| MailState::parse(&state).map(|s| (s, n)))
            .collect())
    }

    /// Every message of `kind` queued for each person, latest: when each
    /// was last written to.
    pub async fn last_mail_to(
        &self,
        org: OrgId,
        kind: &str,
    ) -> Result<HashMap<PersonId, OffsetDateTime>> {
        let rows: Vec<(Uuid, OffsetDateTime)> = sqlx::query_as(
            "SELECT person_id, MAX(created_at) FROM outbox WHERE org_id = $1 AND kind = $2 AND person_id IS NOT NULL GROUP BY person_id",
        )
        .bind(org.0)
        .bind(kind)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(p, t)| (PersonId(p), t)).collect())
    }

    /// The organisation's own version of a mail template, if any.
    pub async fn mail_template(
        &self,
        org: OrgId,
        name: &str,
    ) -> Result<Option<(String, String, i64)>> {
        let row: Option<MailTemplateRow> = sqlx::query_as(
            "SELECT org_id, name, subject, body, updated_at, version FROM mail_templates WHERE org_id = $1 AND name = $2",
        )
        .bind(org.0)
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| (r.subject, r.body, r.version)))
    }

    /// Saves the organisation's version of a template (checked by the
    /// caller, which renders it), or with `None` goes back to the default.
    pub async fn save_mail_template(
        &self,
        actor: &Actor,
        org: OrgId,
        name: &str,
        expected_version: i64,
        template: Option<(String, String)>,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before: Option<MailTemplateRow> = sqlx::query_as(
            "SELECT org_id, name, subject, body, updated_at, version FROM mail_templates WHERE org_id = $1 AND name = $2",
        )
        .bind(org.0)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        let version = before.as_ref().map_or(0, |b| b.version);
        super::super::objectives::check_version("template", version, Some(expected_version))?;
        let json = |r: &MailTemplateRow| serde_json::json!({"subject": r.subject, "body": r.body});
        let after = match template {
            Some((subject, body)) => {
                let row = MailTemplateRow {
                    org_id: org.0,
                    name: name.to_string(),
                    subject,
                    body,
                    updated_at: chain.at(),
                    version: version + 1,
                };
                super::super::batch::save_row(&mut tx, &row, 2).await?;
                Some(row)
            }
            None => {
                sqlx::query("DELETE FROM mail_templates WHERE org_id = $1 AND name = $2")
                    .bind(org.0)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
                None
            }
        };
        chain.record(Change {
            entity_type: "mail_template",
            entity_id: name.to_string(),
            action: if after.is_some() { "update" } else { "reset" },
            before: before.as_ref().map(json),
            after: after.as_ref().map(json),
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after.map_or(0, |a| a.version))
    }
}
