//! SCIM tokens: made and revoked as audited events; only their hash is kept.

use super::super::Repo;
use crate::backend::ScimToken;
use crate::error::{Result, StoreError};
use mandate_core::OrgId;
use mandate_core::audit::{Actor, Change};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

const COLUMNS: &str = "org_id, token_id, name, created_by, created_at, last_used_at, revoked_at";

#[derive(sqlx::FromRow)]
struct TokenRow {
    org_id: Uuid,
    token_id: Uuid,
    name: String,
    created_by: String,
    created_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
}

impl From<TokenRow> for ScimToken {
    fn from(r: TokenRow) -> Self {
        Self {
            id: r.token_id,
            org_id: OrgId(r.org_id),
            name: r.name,
            created_by: r.created_by,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

fn audit_json(t: &ScimToken) -> serde_json::Value {
    json!({
        "id": t.id,
        "name": t.name,
        "created_by": t.created_by,
        "revoked_at": t.revoked_at.map(mandate_core::scim::timestamp),
    })
}

impl Repo {
    /// A new token named `name` (what the audit log calls the provider:
    /// `scim:<name>`); names are unique among an organisation's live tokens
    /// so that log entries say which provider acted.
    pub async fn create_scim_token(
        &self,
        actor: &Actor,
        org: OrgId,
        name: &str,
        token_hash: &str,
    ) -> Result<ScimToken> {
        let name = name.trim();
        let fits = !name.is_empty()
            && name.chars().count() <= 100
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || " -_.".contains(c));
        if !fits {
            return Err(StoreError::Invalid(
                "a SCIM token needs a name of 1 to 100 letters, digits, spaces, '-', '_' or '.'"
                    .into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let taken: Option<(Uuid,)> = sqlx::query_as(
            "SELECT token_id FROM scim_tokens WHERE org_id = $1 AND lower(name) = lower($2) AND revoked_at IS NULL",
        )
        .bind(org.0)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "a live SCIM token is already named {name:?}: revoke it or choose another name"
            )));
        }
        let token = ScimToken {
            id: Uuid::now_v7(),
            org_id: org,
            name: name.to_string(),
            created_by: actor.to_string(),
            created_at: chain.at(),
            last_used_at: None,
            revoked_at: None,
        };
        sqlx::query(
            "INSERT INTO scim_tokens (org_id, token_id, name, token_hash, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(org.0)
        .bind(token.id)
        .bind(&token.name)
        .bind(token_hash)
        .bind(&token.created_by)
        .bind(token.created_at)
        .execute(&mut *tx)
        .await?;
        chain.record(Change::created("scim_token", token.id, audit_json(&token)));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The live token with this hash.
    pub async fn scim_token_by_hash(&self, token_hash: &str) -> Result<Option<ScimToken>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM scim_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
        );
        let row: Option<TokenRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(ScimToken::from))
    }

    pub async fn touch_scim_token(
        &self,
        org: OrgId,
        token: Uuid,
        at: OffsetDateTime,
    ) -> Result<()> {
        sqlx::query("UPDATE scim_tokens SET last_used_at = $3 WHERE org_id = $1 AND token_id = $2")
            .bind(org.0)
            .bind(token)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every token of the organisation, the newest first.
    pub async fn scim_tokens(&self, org: OrgId) -> Result<Vec<ScimToken>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM scim_tokens WHERE org_id = $1 ORDER BY created_at DESC, token_id DESC"
        );
        let rows: Vec<TokenRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(ScimToken::from).collect())
    }

    /// Revokes a token; revoking it again changes nothing.
    pub async fn revoke_scim_token(
        &self,
        actor: &Actor,
        org: OrgId,
        token: Uuid,
    ) -> Result<ScimToken> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let sql = format!("SELECT {COLUMNS} FROM scim_tokens WHERE org_id = $1 AND token_id = $2");
        let row: Option<TokenRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(token)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(before) = row.map(ScimToken::from) else {
            return Err(StoreError::NotFound {
                entity: "SCIM token",
                id: token.to_string(),
            });
        };
        if before.revoked_at.is_some() {
            return Ok(before);
        }
        let after = ScimToken {
            revoked_at: Some(chain.at()),
            ..before.clone()
        };
        sqlx::query("UPDATE scim_tokens SET revoked_at = $3 WHERE org_id = $1 AND token_id = $2")
            .bind(org.0)
            .bind(token)
            .bind(after.revoked_at)
            .execute(&mut *tx)
            .await?;
        chain.record(Change {
            action: "revoke",
            ..Change::updated("scim_token", token, audit_json(&before), audit_json(&after))
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }
}
