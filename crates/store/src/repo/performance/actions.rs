//! Actions: from objectives' plans, management reviews, audits, incidents
//! and feedback. Closing one (done or cancelled) dates it, so "open on a
//! day" and "overdue on a day" can be answered for any past day.

use super::super::Repo;
use super::super::batch::save_row;
use super::super::objectives::{check_version, must_exist, saved_change};
use super::super::performance_rows::ActionRow;
use super::super::row_type::columns;
use crate::error::{Result, StoreError};
use mandate_core::audit::Actor;
use mandate_core::performance::{Action, ActionFields};
use mandate_core::{ActionId, OrgId};

/// Refuses linking actions to (or from) a review not held, or one whose
/// minutes are approved.
async fn check_review_open_to_actions(
    tx: &mut super::super::Transaction<'static, super::super::Db>,
    org: OrgId,
    review: mandate_core::ReviewId,
) -> Result<()> {
    let found: Option<(Option<time::Date>, Option<time::OffsetDateTime>)> = sqlx::query_as(
        "SELECT held_on, approved_at FROM management_reviews WHERE org_id = $1 AND review_id = $2",
    )
    .bind(org.0)
    .bind(review.0)
    .fetch_optional(&mut **tx)
    .await?;
    match found {
        None => Err(StoreError::Invalid(format!(
            "review_id: there is no review {review} here"
        ))),
        Some((None, _)) => Err(StoreError::Invalid(
            "review_id: actions are decided when the review is held; record the holding first"
                .into(),
        )),
        Some((_, Some(_))) => Err(StoreError::Conflict(
            "the review's minutes are approved: its record of actions is closed".into(),
        )),
        Some(_) => Ok(()),
    }
}

/// The actions of one entry of the improvement register.
pub(in super::super) async fn actions_of_improvement(
    tx: &mut super::super::Transaction<'static, super::super::Db>,
    org: OrgId,
    id: mandate_core::ImprovementId,
) -> Result<Vec<Action>> {
    let sql = format!(
        "SELECT {} FROM actions WHERE org_id = $1 AND improvement_id = $2 ORDER BY due_on, action_id",
        columns(ActionRow::SELECT)
    );
    let rows: Vec<ActionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(id.0)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(Action::try_from).collect()
}

impl Repo {
    /// Creates an action, or replaces one's fields if `id` is given and its
    /// version is still `expected_version`.
    pub async fn save_action(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Option<ActionId>,
        expected_version: Option<i64>,
        fields: ActionFields,
    ) -> Result<Action> {
        let fields = fields.validated().map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        must_exist(
            &mut tx,
            "people",
            "person_id",
            org,
            fields.owner_id.0,
            "owner_id",
        )
        .await?;
        if let Some(objective) = fields.objective_id {
            must_exist(
                &mut tx,
                "objectives",
                "objective_id",
                org,
                objective.0,
                "objective_id",
            )
            .await?;
        }
        let before = match id {
            Some(id) => Some(self.load_action(&mut tx, org, id).await?),
            None => None,
        };
        if let Some(entry) = fields.improvement_id {
            let closed: Option<(Option<time::Date>,)> = sqlx::query_as(
                "SELECT closed_on FROM improvements WHERE org_id = $1 AND improvement_id = $2",
            )
            .bind(org.0)
            .bind(entry.0)
            .fetch_optional(&mut *tx)
            .await?;
            match closed {
                None => {
                    return Err(StoreError::Invalid(format!(
                        "improvement_id: there is no entry {entry} in the improvement register"
                    )));
                }
                Some((Some(_),))
                    if before.as_ref().and_then(|b| b.fields.improvement_id) != Some(entry) =>
                {
                    return Err(StoreError::Conflict(
                        "that entry of the improvement register is closed: no action joins it"
                            .into(),
                    ));
                }
                Some(_) => {}
            }
        }
        // An approved review's record is closed: no action joins or leaves
        // it, though its actions still progress.
        let old_link = before.as_ref().and_then(|b| b.fields.review_id);
        if old_link != fields.review_id {
            for review in [old_link, fields.review_id].into_iter().flatten() {
                check_review_open_to_actions(&mut tx, org, review).await?;
            }
        }
        let today = chain.at().date();
        // Closing dates the action; reopening clears the date.
        let closed_on = |previous: Option<time::Date>| match (fields.status.is_open(), previous) {
            (true, _) => None,
            (false, Some(day)) => Some(day),
            (false, None) => Some(today),
        };
        let saved = match &before {
            Some(before) => {
                check_version("action", before.version, expected_version)?;
                Action {
                    closed_on: closed_on(before.closed_on),
                    fields: fields.clone(),
                    updated_at: chain.at(),
                    version: before.version + 1,
                    ..before.clone()
                }
            }
            None => Action {
                id: ActionId::new(),
                org_id: org,
                closed_on: closed_on(None),
                fields: fields.clone(),
                created_at: chain.at(),
                updated_at: chain.at(),
                version: 1,
            },
        };
        save_row(&mut tx, &ActionRow::from(&saved), 2).await?;
        chain.record(saved_change("action", saved.id, before.as_ref(), &saved));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Every action, by due date.
    pub async fn actions(&self, org: OrgId) -> Result<Vec<Action>> {
        let sql = format!(
            "SELECT {} FROM actions WHERE org_id = $1 ORDER BY due_on, action_id",
            columns(ActionRow::SELECT)
        );
        let rows: Vec<ActionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(Action::try_from).collect()
    }

    async fn load_action(
        &self,
        tx: &mut super::super::Transaction<'static, super::super::Db>,
        org: OrgId,
        id: ActionId,
    ) -> Result<Action> {
        let sql = format!(
            "SELECT {} FROM actions WHERE org_id = $1 AND action_id = $2",
            columns(ActionRow::SELECT)
        );
        let row: Option<ActionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(id.0)
            .fetch_optional(&mut **tx)
            .await?;
        row.ok_or_else(|| StoreError::NotFound {
            entity: "action",
            id: id.to_string(),
        })?
        .try_into()
    }
}
