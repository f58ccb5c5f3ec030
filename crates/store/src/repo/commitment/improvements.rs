//! The improvement register: nonconformities and opportunities, their
//! effectiveness checks and closing. An entry raised from feedback marks
//! that feedback as acted on, in the same transaction.

use super::super::Repo;
use super::super::kept::{self, check_read};
use super::super::objectives::must_exist;
use crate::error::{Result, StoreError};
use mandate_core::audit::Actor;
use mandate_core::commitment::feedback::{Feedback, FeedbackStatus, Handling};
use mandate_core::commitment::improvement::{EffectivenessCheck, Improvement, ImprovementFields};
use mandate_core::performance::Action;
use mandate_core::{ImprovementId, OrgId};

impl Repo {
    /// Raises an entry, or changes one that is still open.
    pub async fn save_improvement(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Option<ImprovementId>,
        expected_version: Option<i64>,
        fields: ImprovementFields,
    ) -> Result<Improvement> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let fields = fields
            .validated(chain.at().date())
            .map_err(StoreError::Invalid)?;
        must_exist(
            &mut tx,
            "people",
            "person_id",
            org,
            fields.owner_id.0,
            "owner_id",
        )
        .await?;
        let before: Option<Improvement> =
            kept::load_for_change(&mut tx, org, id.map(|i| i.0), expected_version).await?;
        let after = match &before {
            Some(before) if before.closed_on.is_some() => {
                return Err(StoreError::Conflict("this entry is closed".into()));
            }
            Some(before) => Improvement {
                fields,
                updated_at: chain.at(),
                version: before.version + 1,
                ..before.clone()
            },
            None => Improvement {
                id: ImprovementId::new(),
                org_id: org,
                fields,
                checks: Vec::new(),
                closed_on: None,
                closing_note: String::new(),
                created_at: chain.at(),
                updated_at: chain.at(),
                version: 1,
            },
        };
        let from_feedback = after.fields.feedback_id;
        let newly_linked = from_feedback.is_some()
            && before.as_ref().and_then(|b| b.fields.feedback_id) != from_feedback;
        if let (Some(feedback), true) = (from_feedback, newly_linked) {
            let source: Feedback = kept::load(&mut tx, org, feedback.0).await.map_err(|_| {
                StoreError::Invalid(format!("feedback_id: there is no feedback {feedback} here"))
            })?;
            let acted = source
                .handled(Handling {
                    status: FeedbackStatus::ActedOn,
                    response: source.response.clone(),
                    improvement_id: Some(after.id),
                })
                .map_err(StoreError::Invalid)?;
            // The entry comes first: the feedback names it.
            kept::save(&mut tx, &mut chain, before.as_ref(), &after, None).await?;
            kept::save(&mut tx, &mut chain, Some(&source), &acted, Some("act_on")).await?;
        } else {
            kept::save(&mut tx, &mut chain, before.as_ref(), &after, None).await?;
        }
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records a check that the entry's actions worked.
    pub async fn check_improvement(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ImprovementId,
        expected_version: Option<i64>,
        check: EffectivenessCheck,
    ) -> Result<Improvement> {
        self.step_improvement(
            actor,
            org,
            id,
            expected_version,
            "check",
            |entry, actions, today| entry.checked(actions, check, today),
        )
        .await
    }

    /// Closes a resolved entry with a note.
    pub async fn close_improvement(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ImprovementId,
        expected_version: Option<i64>,
        note: String,
    ) -> Result<Improvement> {
        self.step_improvement(
            actor,
            org,
            id,
            expected_version,
            "close",
            |entry, actions, today| entry.closed(actions, note, today),
        )
        .await
    }

    async fn step_improvement(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ImprovementId,
        expected_version: Option<i64>,
        action: &'static str,
        step: impl FnOnce(&Improvement, &[Action], time::Date) -> Result<Improvement, String>,
    ) -> Result<Improvement> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before: Improvement = kept::load(&mut tx, org, id.0).await?;
        check_read(&before, expected_version)?;
        let actions = super::super::actions::actions_of_improvement(&mut tx, org, id).await?;
        let mut after = step(&before, &actions, chain.at().date()).map_err(StoreError::Invalid)?;
        after.updated_at = chain.at();
        kept::save(&mut tx, &mut chain, Some(&before), &after, Some(action)).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Every entry, latest first.
    pub async fn improvements(&self, org: OrgId) -> Result<Vec<Improvement>> {
        kept::list(&self.pool, org).await
    }
}
