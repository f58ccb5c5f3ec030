//! Feedback from staff. A named submission is recorded and audited as its
//! author's when it arrives. A confidential one has no author anywhere, and
//! is not recorded when it arrives: the time of a record or of its audit
//! event, or its place in the audit chain between named people's actions,
//! would tell who was at their desk. It waits in the inbox, which holds only
//! the text and the day, until [`Repo::file_confidential_feedback`] files
//! the day's entries together, in random order, each audited as the
//! channel's at the start of the day it was received.

use super::super::Repo;
use super::super::batch::insert_rows;
use super::super::commitment_rows::{FeedbackRow, InboxRow};
use super::super::kept::{self, check_read};
use super::super::objectives::saved_change;
use super::super::row_type::columns;
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::commitment::feedback::{CONFIDENTIAL_CHANNEL, Feedback, Handling};
use mandate_core::{FeedbackId, OrgId};
use time::Date;

impl Repo {
    /// Keeps a submission made as `feedback` says: named (recorded now, as
    /// its author's) or confidential (into the inbox, whoever asked; the
    /// answer is the record it will be filed as).
    pub async fn submit_feedback(&self, actor: &Actor, feedback: Feedback) -> Result<Feedback> {
        let org = feedback.org_id;
        if feedback.confidential {
            if feedback.author_id.is_some() {
                return Err(StoreError::Invalid(
                    "a confidential submission has no author".into(),
                ));
            }
            let waiting = Feedback {
                id: feedback.id,
                ..Feedback::confidential(org, feedback.submission, feedback.received_on)
            };
            let mut tx = self.begin_write().await?;
            insert_rows(&mut tx, &[InboxRow::from(&waiting)], "", |_| {}).await?;
            tx.commit().await?;
            return Ok(waiting);
        }
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        kept::save(&mut tx, &mut chain, None, &feedback, Some("submit")).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(feedback)
    }

    /// Records how the ISMS manager handled a submission.
    pub async fn handle_feedback(
        &self,
        actor: &Actor,
        org: OrgId,
        id: FeedbackId,
        expected_version: Option<i64>,
        handling: Handling,
    ) -> Result<Feedback> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before: Feedback = kept::load(&mut tx, org, id.0).await?;
        check_read(&before, expected_version)?;
        if let Some(i) = handling.improvement_id {
            super::super::objectives::must_exist(
                &mut tx,
                "improvements",
                "improvement_id",
                org,
                i.0,
                "improvement_id",
            )
            .await?;
        }
        let after = before.handled(handling).map_err(StoreError::Invalid)?;
        kept::save(&mut tx, &mut chain, Some(&before), &after, Some("handle")).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Every submission filed, latest first.
    pub async fn feedback(&self, org: OrgId) -> Result<Vec<Feedback>> {
        kept::list(&self.pool, org).await
    }

    /// Files the confidential submissions received before `today` into the
    /// feedback records, all in one transaction and in random order, each
    /// audited as the channel's at the start (UTC) of the day it was
    /// received. The scheduler calls it on every tick; only the first of a
    /// day finds anything. Returns how many were filed.
    pub async fn file_confidential_feedback(&self, org: OrgId, today: Date) -> Result<usize> {
        const WAITING: &str = "FROM feedback_inbox WHERE org_id = $1 AND received_on < $2";
        // Most ticks find nothing: they look without taking the write lock.
        let any: Option<(i32,)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT 1 {WAITING} LIMIT 1")))
                .bind(org.0)
                .bind(today)
                .fetch_optional(&self.pool)
                .await?;
        if any.is_none() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        // The chain's lock first: a tick running beside this one waits here,
        // then finds the entries gone.
        let mut chain = self
            .lock_chain(&mut tx, org, &Actor::channel(CONFIDENTIAL_CHANNEL))
            .await?;
        let rows: Vec<InboxRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} {WAITING}",
            columns(InboxRow::SELECT)
        )))
        .bind(org.0)
        .bind(today)
        .fetch_all(&mut *tx)
        .await?;
        let mut filed = rows
            .into_iter()
            .map(|r| Ok((shuffle_key()?, Feedback::try_from(r)?)))
            .collect::<Result<Vec<(u64, Feedback)>>>()?;
        filed.sort_unstable_by_key(|(key, f)| (f.received_on, *key));
        let records: Vec<FeedbackRow> = filed.iter().map(|(_, f)| FeedbackRow::from(f)).collect();
        insert_rows(&mut tx, &records, "", |_| {}).await?;
        for (_, f) in &filed {
            let change = saved_change("feedback", f.id.0, None, f);
            chain.record_at(
                Change {
                    action: "submit",
                    ..change
                },
                f.received_on.midnight().assume_utc(),
            );
        }
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE {WAITING}")))
            .bind(org.0)
            .bind(today)
            .execute(&mut *tx)
            .await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(filed.len())
    }
}

/// A random sort key: the order of filing tells nothing of the order of
/// arrival.
fn shuffle_key() -> Result<u64> {
    getrandom::u64().map_err(|e| StoreError::Io {
        context: "no randomness to file feedback with".into(),
        source: std::io::Error::other(e.to_string()),
    })
}
