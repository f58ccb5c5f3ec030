//! Management reviews: planned within twelve months of the one before,
//! prepared (the pack compiled by the caller from live records is stored),
//! held (pack, minutes and decisions frozen; the pack's digest goes into the
//! audit log) and approved by the chair. A held review never changes again.

use super::super::Repo;
use super::super::batch::{save_row, save_row_keeping};
use super::super::decision_authority::holds_flagged_role;
use super::super::objectives::{check_version, must_exist};
use super::super::performance_rows::{ManagementReviewRow, ReviewSettingsRow};
use super::super::row_type::columns;
use super::super::{Db, Transaction};
use crate::backend::ReviewPlan;
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::performance::schedule::DEFAULT_CADENCE_MONTHS;
use mandate_core::performance::{
    ManagementReview, ReviewHeld, ReviewPack, ReviewState, check_cadence, check_planned_date,
};
use mandate_core::{OrgId, PersonId, ReviewId, User};
use time::Date;

/// The columns of the compiled pack, written only when a pack is compiled.
const PACK_COLUMNS: &[&str] = &["pack", "pack_sha256"];

fn audit_json(review: &ManagementReview) -> serde_json::Value {
    let mut value = serde_json::to_value(review).unwrap_or_default();
    // The pack is large; the log keeps its digest, which binds the stored pack.
    if let Some(map) = value.as_object_mut() {
        map.remove("pack");
        map.insert(
            "pack_sha256".into(),
            review.pack.as_ref().map(|p| p.digest()).into(),
        );
    }
    value
}

impl Repo {
    /// Plans a review, or changes the plan of one not yet held.
    pub async fn save_review_plan(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Option<ReviewId>,
        expected_version: Option<i64>,
        plan: ReviewPlan,
    ) -> Result<ManagementReview> {
        let plan = plan.validated()?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        for person in std::iter::once(&plan.chair_id).chain(&plan.attendees) {
            must_exist(&mut tx, "people", "person_id", org, person.0, "attendees").await?;
        }
        let others: Vec<ManagementReview> = load_reviews(&mut tx, org)
            .await?
            .into_iter()
            .filter(|r| Some(r.id) != id)
            .collect();
        let previous = others
            .iter()
            .map(|r| r.held_on.unwrap_or(r.planned_on))
            .filter(|d| *d <= plan.planned_on)
            .max();
        check_planned_date(plan.planned_on, previous).map_err(StoreError::Invalid)?;
        let before = match id {
            Some(id) => Some(load_review(&mut tx, org, id).await?),
            None => None,
        };
        let saved = match &before {
            Some(before) => {
                check_version("review", before.version, expected_version)?;
                if before.state() >= ReviewState::Held {
                    return Err(StoreError::Conflict(
                        "this review has been held; its record is frozen".into(),
                    ));
                }
                ManagementReview {
                    title: plan.title,
                    planned_on: plan.planned_on,
                    chair_id: plan.chair_id,
                    attendees: plan.attendees,
                    manual: plan.manual,
                    updated_at: chain.at(),
                    version: before.version + 1,
                    ..before.clone()
                }
            }
            None => ManagementReview {
                id: ReviewId::new(),
                org_id: org,
                title: plan.title,
                planned_on: plan.planned_on,
                chair_id: plan.chair_id,
                attendees: plan.attendees,
                manual: plan.manual,
                pack: None,
                held_on: None,
                minutes: String::new(),
                decisions: Vec::new(),
                approved_by: None,
                approved_at: None,
                created_at: chain.at(),
                updated_at: chain.at(),
                version: 1,
            },
        };
        save_row_keeping(&mut tx, &ManagementReviewRow::from(&saved), 2, PACK_COLUMNS).await?;
        chain.record(match before {
            Some(b) => Change::updated(
                "management_review",
                saved.id,
                audit_json(&b),
                audit_json(&saved),
            ),
            None => Change::created("management_review", saved.id, audit_json(&saved)),
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Stores a freshly compiled pack on a review not yet held.
    pub async fn prepare_review(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ReviewId,
        pack: ReviewPack,
    ) -> Result<ManagementReview> {
        self.change_review(actor, org, id, None, "prepare", None, |review, _| {
            if review.state() >= ReviewState::Held {
                return Err(StoreError::Conflict(
                    "this review has been held; its pack is frozen".into(),
                ));
            }
            review.pack = Some(pack);
            Ok(true)
        })
        .await
    }

    /// Records the review as held: the pack is frozen with the minutes. The
    /// holding is dated on or after the pack was compiled (management saw
    /// that pack) and after any review held before it.
    pub async fn hold_review(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ReviewId,
        expected_version: Option<i64>,
        held: ReviewHeld,
    ) -> Result<ManagementReview> {
        let known = self.person_names(org, held.attendees.clone()).await?;
        if let Some(stranger) = held.attendees.iter().find(|p| !known.contains_key(p)) {
            return Err(StoreError::Invalid(format!(
                "attendees: there is no person {stranger} here"
            )));
        }
        let last_held = {
            let mut tx = self.begin_snapshot().await?;
            load_reviews(&mut tx, org)
                .await?
                .iter()
                .filter(|r| r.id != id)
                .filter_map(|r| r.held_on)
                .max()
        };
        self.change_review(
            actor,
            org,
            id,
            expected_version,
            "hold",
            None,
            |review, at| {
                let held = held
                    .validated(review, at.today)
                    .map_err(StoreError::Invalid)?;
                if let Some(before) = last_held.filter(|d| held.held_on < *d) {
                    return Err(StoreError::Invalid(format!(
                        "held_on: a review was held on {before}; this one is held on or after it"
                    )));
                }
                review.held_on = Some(held.held_on);
                review.attendees = held.attendees;
                review.minutes = held.minutes;
                review.decisions = held.decisions;
                Ok(false)
            },
        )
        .await
    }

    /// The chair approves the minutes of a held review, holding a
    /// top-management role at the moment of approval (an approval takes an
    /// ISMS role with the authority, as every approval in Mandate does).
    pub async fn approve_review(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ReviewId,
        approver: &User,
    ) -> Result<ManagementReview> {
        let decider = Some(approver.person_id);
        self.change_review(actor, org, id, None, "approve", decider, |review, at| {
            match review.state() {
                ReviewState::Held => {}
                ReviewState::Approved => {
                    return Err(StoreError::Conflict("the minutes are approved already".into()));
                }
                _ => {
                    return Err(StoreError::Invalid(
                        "state: only the minutes of a held review are approved".into(),
                    ));
                }
            }
            if approver.person_id != review.chair_id {
                return Err(StoreError::Refused(
                    "only the chair of the review approves its minutes".into(),
                ));
            }
            if !at.decider_holds_top_management {
                return Err(StoreError::Refused(
                    "the chair approves the minutes while holding a top-management role; you hold none today".into(),
                ));
            }
            review.approved_by = Some(approver.id);
            review.approved_at = Some(review.updated_at);
            Ok(false)
        })
        .await
    }

    /// Loads a review, applies `change` (given the moment; it answers
    /// whether it wrote a new pack), bumps its version and records the
    /// change under `action`. A stored pack is only ever replaced by a new
    /// one. For a decision, `decider` is the person deciding: whether they
    /// hold a top-management role is read in this same transaction.
    #[allow(clippy::too_many_arguments)]
    async fn change_review(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ReviewId,
        expected_version: Option<i64>,
        action: &'static str,
        decider: Option<PersonId>,
        change: impl FnOnce(&mut ManagementReview, Moment) -> Result<bool>,
    ) -> Result<ManagementReview> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let today = chain.at().date();
        let decider_holds_top_management = match decider {
            Some(person) => {
                holds_flagged_role(&mut tx, org, person, today, "top_management").await?
            }
            None => false,
        };
        let before = load_review(&mut tx, org, id).await?;
        check_version("review", before.version, expected_version)?;
        let mut after = before.clone();
        after.updated_at = chain.at();
        after.version += 1;
        let moment = Moment {
            today,
            decider_holds_top_management,
        };
        let new_pack = change(&mut after, moment)?;
        let row = ManagementReviewRow::from(&after);
        if new_pack {
            save_row(&mut tx, &row, 2).await?;
        } else {
            save_row_keeping(&mut tx, &row, 2, PACK_COLUMNS).await?;
        }
        chain.record(Change {
            action,
            ..Change::updated(
                "management_review",
                id,
                audit_json(&before),
                audit_json(&after),
            )
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Every review, latest planned first.
    pub async fn management_reviews(&self, org: OrgId) -> Result<Vec<ManagementReview>> {
        let mut tx = self.begin_snapshot().await?;
        load_reviews(&mut tx, org).await
    }

    pub async fn management_review(&self, org: OrgId, id: ReviewId) -> Result<ManagementReview> {
        let mut tx = self.begin_snapshot().await?;
        load_review(&mut tx, org, id).await
    }

    /// The review cadence in months (quarterly unless set).
    pub async fn review_cadence(&self, org: OrgId) -> Result<u8> {
        let sql = format!(
            "SELECT {} FROM review_settings WHERE org_id = $1",
            columns(ReviewSettingsRow::SELECT)
        );
        let row: Option<ReviewSettingsRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map_or(DEFAULT_CADENCE_MONTHS, |r| {
            u8::try_from(r.cadence_months).unwrap_or(DEFAULT_CADENCE_MONTHS)
        }))
    }

    pub async fn set_review_cadence(&self, actor: &Actor, org: OrgId, months: u8) -> Result<u8> {
        let months = check_cadence(months).map_err(StoreError::Invalid)?;
        let before = self.review_cadence(org).await?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let row = ReviewSettingsRow {
            org_id: org.0,
            cadence_months: i32::from(months),
            updated_at: chain.at(),
        };
        save_row(&mut tx, &row, 1).await?;
        chain.record(Change::updated(
            "review_settings",
            org,
            serde_json::json!({ "cadence_months": before }),
            serde_json::json!({ "cadence_months": months }),
        ));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(months)
    }
}

async fn load_reviews(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
) -> Result<Vec<ManagementReview>> {
    let sql = format!(
        "SELECT {} FROM management_reviews WHERE org_id = $1 ORDER BY planned_on DESC, review_id",
        columns(ManagementReviewRow::SELECT)
    );
    let rows: Vec<ManagementReviewRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(ManagementReview::try_from).collect()
}

async fn load_review(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    id: ReviewId,
) -> Result<ManagementReview> {
    let sql = format!(
        "SELECT {} FROM management_reviews WHERE org_id = $1 AND review_id = $2",
        columns(ManagementReviewRow::SELECT)
    );
    let row: Option<ManagementReviewRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.ok_or_else(|| StoreError::NotFound {
        entity: "management review",
        id: id.to_string(),
    })?
    .try_into()
}

/// What a review's change is given, read in its own transaction.
#[derive(Clone, Copy)]
struct Moment {
    today: Date,
    /// Whether the person deciding (if any) holds a top-management role today.
    decider_holds_top_management: bool,
}
