//! Feedback from staff. A named submission is audited as its author's; a
//! confidential one is audited as the channel's, with no author anywhere.

use super::Repo;
use super::kept::{self, check_read};
use crate::error::{Result, StoreError};
use mandate_core::audit::Actor;
use mandate_core::commitment::feedback::{CONFIDENTIAL_CHANNEL, Feedback, Handling};
use mandate_core::{FeedbackId, OrgId};

impl Repo {
    /// Keeps a submission made as `feedback` says: named (its author's
    /// actor) or confidential (the channel as the actor, whoever asked).
    pub async fn submit_feedback(&self, actor: &Actor, feedback: Feedback) -> Result<Feedback> {
        let org = feedback.org_id;
        let actor = if feedback.confidential {
            if feedback.author_id.is_some() {
                return Err(StoreError::Invalid(
                    "a confidential submission has no author".into(),
                ));
            }
            Actor::channel(CONFIDENTIAL_CHANNEL)
        } else {
            actor.clone()
        };
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, &actor).await?;
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
            super::objectives::must_exist(
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

    /// Every submission, latest first.
    pub async fn feedback(&self, org: OrgId) -> Result<Vec<Feedback>> {
        kept::list(&self.pool, org).await
    }
}
