//! Policies: created, edited, listed with where each stands, and read by
//! interested parties when public.

use super::super::audit::Appender;
use super::super::batch::insert_rows;
use super::super::policy_rows::{PolicyRow, ReviewRow, VersionRow};
use super::super::row_type::columns;
use super::super::{Db, Repo};
use crate::backend::{PolicySummary, VersionMeta};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::policy::{ApprovalRule, Policy, PolicyFields, PolicyVersion, VersionState};
use mandate_core::{OrgId, Organisation, PolicyId, Slug, UserId};
use sqlx::Transaction;
use std::collections::HashMap;
use time::OffsetDateTime;

fn not_found(id: PolicyId) -> StoreError {
    StoreError::NotFound {
        entity: "policy",
        id: id.to_string(),
    }
}

pub(in super::super) async fn load_policy(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    id: PolicyId,
) -> Result<Policy> {
    let sql = format!(
        "SELECT {} FROM policies WHERE org_id = $1 AND policy_id = $2",
        columns(PolicyRow::SELECT)
    );
    let row: Option<PolicyRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(Policy::try_from)
        .transpose()?
        .ok_or_else(|| not_found(id))
}

/// Every policy of `org`, inside a transaction.
pub(in super::super) async fn load_policies(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
) -> Result<Vec<Policy>> {
    let sql = format!(
        "SELECT {} FROM policies WHERE org_id = $1",
        columns(PolicyRow::SELECT)
    );
    let rows: Vec<PolicyRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(Policy::try_from).collect()
}

/// Checks what the schema cannot say in words: the parent exists in this
/// organisation and a policy never sits under itself.
async fn check_parent(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    id: PolicyId,
    fields: &PolicyFields,
) -> Result<()> {
    let mut next = fields.parent_id;
    let mut steps = 0;
    while let Some(current) = next {
        if current == id {
            return Err(StoreError::Invalid(
                "parent_id: a policy cannot sit under itself or its own sub-policies".into(),
            ));
        }
        let row: Option<(Option<uuid::Uuid>,)> =
            sqlx::query_as("SELECT parent_id FROM policies WHERE org_id = $1 AND policy_id = $2")
                .bind(org.0)
                .bind(current.0)
                .fetch_optional(&mut **tx)
                .await?;
        match row {
            Some((up,)) => next = up.map(PolicyId),
            None if Some(current) == fields.parent_id => {
                return Err(StoreError::Invalid(format!(
                    "parent_id: there is no policy {current} in this organisation"
                )));
            }
            None => break,
        }
        steps += 1;
        if steps > 1_000 {
            break;
        }
    }
    Ok(())
}

/// Named approvers must be logins of this organisation, or the version
/// could never be approved.
async fn check_approvers(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    fields: &PolicyFields,
) -> Result<()> {
    if let ApprovalRule::AllOf { approvers } = &fields.approval_rule {
        for approver in approvers {
            let found: Option<(uuid::Uuid,)> =
                sqlx::query_as("SELECT user_id FROM users WHERE org_id = $1 AND user_id = $2")
                    .bind(org.0)
                    .bind(approver.0)
                    .fetch_optional(&mut **tx)
                    .await?;
            if found.is_none() {
                return Err(StoreError::Invalid(format!(
                    "approval_rule: {approver} is not a login of this organisation"
                )));
            }
        }
    }
    Ok(())
}

fn one_top_level(e: StoreError) -> StoreError {
    StoreError::on_unique(
        "kind: the organisation already has a top-level policy; make this one a topic-specific policy",
    )(e)
}

impl Repo {
    pub(in super::super) async fn insert_policy(
        &self,
        tx: &mut Transaction<'_, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        id: PolicyId,
        fields: PolicyFields,
    ) -> Result<Policy> {
        let fields = fields
            .validated()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        check_parent(tx, org, id, &fields).await?;
        check_approvers(tx, org, &fields).await?;
        let policy = Policy {
            id,
            org_id: org,
            fields,
            created_at: chain.at(),
            updated_at: chain.at(),
            version: 1,
        };
        insert_rows(tx, &[PolicyRow::from(&policy)], "", |_| {})
            .await
            .map_err(one_top_level)?;
        chain.record(Change::created("policy", id, policy.audit_json()));
        Ok(policy)
    }

    pub(in super::super) async fn replace_policy(
        &self,
        tx: &mut Transaction<'_, Db>,
        chain: &mut Appender<'_>,
        before: &Policy,
        fields: PolicyFields,
    ) -> Result<Policy> {
        let fields = fields
            .validated()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        check_parent(tx, before.org_id, before.id, &fields).await?;
        check_approvers(tx, before.org_id, &fields).await?;
        if fields.approval_rule != before.fields.approval_rule {
            // Approvers decide under the rule the version was submitted under.
            let in_review: Option<(i32,)> = sqlx::query_as(
                "SELECT number FROM policy_versions WHERE org_id = $1 AND policy_id = $2 AND state = 'in_review'",
            )
            .bind(before.org_id.0)
            .bind(before.id.0)
            .fetch_optional(&mut **tx)
            .await?;
            if let Some((number,)) = in_review {
                return Err(StoreError::Conflict(format!(
                    "approval_rule: version {number} is in review under the current rule; \
                     withdraw it before changing who approves"
                )));
            }
        }
        let after = Policy {
            fields,
            updated_at: chain.at(),
            version: before.version + 1,
            ..before.clone()
        };
        let row = PolicyRow::from(&after);
        sqlx::query(
            "UPDATE policies SET title = $3, kind = $4, parent_id = $5, owner_role = $6, \
             review_interval_months = $7, audience = $8, is_public = $9, approval_rule = $10, \
             updated_at = $11, version = $12 WHERE org_id = $1 AND policy_id = $2",
        )
        .bind(row.org_id)
        .bind(row.policy_id)
        .bind(&row.title)
        .bind(&row.kind)
        .bind(row.parent_id)
        .bind(&row.owner_role)
        .bind(row.review_interval_months)
        .bind(&row.audience)
        .bind(row.is_public)
        .bind(&row.approval_rule)
        .bind(row.updated_at)
        .bind(row.version)
        .execute(&mut **tx)
        .await
        .map_err(StoreError::from)
        .map_err(one_top_level)?;
        chain.record(Change::updated(
            "policy",
            after.id,
            before.audit_json(),
            after.audit_json(),
        ));
        Ok(after)
    }

    /// Creates a policy, with its first draft when a text is given.
    pub async fn create_policy(
        &self,
        actor: &Actor,
        org: OrgId,
        fields: PolicyFields,
        first_draft: Option<(UserId, String, String)>,
    ) -> Result<(Policy, Option<PolicyVersion>)> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let policy = self
            .insert_policy(&mut tx, &mut chain, org, PolicyId::new(), fields)
            .await?;
        let draft = match first_draft {
            Some((author, body, summary)) => Some(
                self.insert_draft(&mut tx, &mut chain, &policy, author, &body, &summary)
                    .await?,
            ),
            None => None,
        };
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok((policy, draft))
    }

    /// Replaces a policy's fields if its version is still `expected_version`.
    pub async fn update_policy(
        &self,
        actor: &Actor,
        org: OrgId,
        id: PolicyId,
        expected_version: i64,
        fields: PolicyFields,
    ) -> Result<Policy> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = load_policy(&mut tx, org, id).await?;
        if before.version != expected_version {
            return Err(StoreError::Conflict(format!(
                "the policy was changed by someone else (version {} now, {expected_version} expected): reload and try again",
                before.version
            )));
        }
        let after = self
            .replace_policy(&mut tx, &mut chain, &before, fields)
            .await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn policy(&self, org: OrgId, id: PolicyId) -> Result<Option<Policy>> {
        let mut tx = self.begin_snapshot().await?;
        match load_policy(&mut tx, org, id).await {
            Ok(p) => Ok(Some(p)),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every policy of the organisation with where it stands, by title.
    pub async fn policy_summaries(&self, org: OrgId) -> Result<Vec<PolicySummary>> {
        let mut tx = self.begin_snapshot().await?;
        let sql = format!(
            "SELECT {} FROM policies WHERE org_id = $1 ORDER BY title, policy_id",
            columns(PolicyRow::SELECT)
        );
        let rows: Vec<PolicyRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(&mut *tx)
            .await?;
        // Version metadata without bodies, newest first within each policy.
        type MetaRow = (
            uuid::Uuid,
            i32,
            String,
            uuid::Uuid,
            Option<OffsetDateTime>,
            Option<OffsetDateTime>,
        );
        let metas: Vec<MetaRow> = sqlx::query_as(
            "SELECT policy_id, number, state, author_id, approved_at, published_at \
             FROM policy_versions WHERE org_id = $1 ORDER BY policy_id, number DESC",
        )
        .bind(org.0)
        .fetch_all(&mut *tx)
        .await?;
        let reviews: Vec<(uuid::Uuid, OffsetDateTime)> = sqlx::query_as(
            "SELECT policy_id, MAX(reviewed_at) FROM policy_reviews \
             WHERE org_id = $1 AND outcome = 'no_change' GROUP BY policy_id",
        )
        .bind(org.0)
        .fetch_all(&mut *tx)
        .await?;
        let reviews: HashMap<uuid::Uuid, OffsetDateTime> = reviews.into_iter().collect();
        let mut latest: HashMap<uuid::Uuid, VersionMeta> = HashMap::new();
        let mut published: HashMap<uuid::Uuid, VersionMeta> = HashMap::new();
        for (policy_id, number, state, author, approved_at, published_at) in metas {
            let meta = VersionMeta {
                number,
                state: state.parse().map_err(StoreError::corrupt)?,
                author_id: UserId(author),
                approved_at,
                published_at,
            };
            if meta.state == VersionState::Published {
                published.insert(policy_id, meta.clone());
            }
            latest.entry(policy_id).or_insert(meta);
        }
        rows.into_iter()
            .map(|row| {
                let id = row.policy_id;
                Ok(PolicySummary {
                    policy: Policy::try_from(row)?,
                    latest: latest.remove(&id),
                    published: published.remove(&id),
                    last_no_change_review: reviews.get(&id).copied(),
                })
            })
            .collect()
    }

    /// The published version of a public policy, for readers who are not
    /// signed in. Anything not public reads as absent, so nothing leaks.
    pub async fn public_policy(
        &self,
        slug: &Slug,
        id: PolicyId,
    ) -> Result<Option<(Organisation, Policy, PolicyVersion)>> {
        let Some(org) = self.organisation_by_slug(slug).await? else {
            return Ok(None);
        };
        let mut tx = self.begin_snapshot().await?;
        let policy = match load_policy(&mut tx, org.id, id).await {
            Ok(p) if p.fields.public => p,
            Ok(_) | Err(StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let sql = format!(
            "SELECT {} FROM policy_versions WHERE org_id = $1 AND policy_id = $2 AND state = 'published'",
            columns(VersionRow::SELECT)
        );
        let row: Option<VersionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.id.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        match row {
            Some(row) => Ok(Some((org, policy, PolicyVersion::try_from(row)?))),
            None => Ok(None),
        }
    }

    /// The reviews of one policy, newest first.
    pub async fn policy_reviews(
        &self,
        org: OrgId,
        id: PolicyId,
    ) -> Result<Vec<mandate_core::policy::ReviewRecord>> {
        let sql = format!(
            "SELECT {} FROM policy_reviews WHERE org_id = $1 AND policy_id = $2 ORDER BY reviewed_at DESC",
            columns(ReviewRow::SELECT)
        );
        let rows: Vec<ReviewRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(id.0)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(TryFrom::try_from).collect()
    }
}
