//! API tokens: created and revoked as audited events; only their hash is kept.

use super::super::audit::Appender;
use super::super::batch::insert_rows;
use super::super::rows::{TokenRow, UserRow};
use super::super::{Db, Repo};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::token::ApiToken;
use mandate_core::{OrgId, User, UserId};
use sqlx::Transaction;
use time::OffsetDateTime;
use uuid::Uuid;

const TOKEN_COLUMNS: &str =
    "org_id, token_id, user_id, name, token_hash, created_at, last_used_at, revoked_at";

#[derive(sqlx::FromRow)]
struct TokenJoin {
    #[sqlx(flatten)]
    user: UserRow,
    token_id: Uuid,
    name: String,
    token_created_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    person_end_date: Option<time::Date>,
}

impl Repo {
    pub async fn create_token(
        &self,
        actor: &Actor,
        org: OrgId,
        user: UserId,
        name: &str,
        token_hash: &str,
    ) -> Result<ApiToken> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::Invalid(
                "a token needs a name of 1 to 100 characters".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let row = TokenRow {
            org_id: org.0,
            token_id: Uuid::now_v7(),
            user_id: user.0,
            name: name.to_string(),
            token_hash: token_hash.to_string(),
            created_at: chain.at(),
            last_used_at: None,
            revoked_at: None,
        };
        insert_rows(&mut tx, std::slice::from_ref(&row), "", |_| {}).await?;
        let token = ApiToken::from(row);
        chain.record(Change::created("api_token", token.id, token.audit_json()));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The live (unrevoked) token with this hash, its user, and the last
    /// working day of the user's person if they are leaving or left.
    pub async fn token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<(ApiToken, User, Option<time::Date>)>> {
        let row: Option<TokenJoin> = sqlx::query_as(
            "SELECT u.org_id, u.user_id, u.person_id, u.email, u.access_role, u.password_hash, u.created_at, \
             u.disabled_at, t.token_id, t.name, t.created_at AS token_created_at, t.last_used_at, \
             p.end_date AS person_end_date \
             FROM api_tokens t JOIN users u ON u.org_id = t.org_id AND u.user_id = t.user_id \
             JOIN people p ON p.org_id = u.org_id AND p.person_id = u.person_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let token = ApiToken {
            id: r.token_id,
            org_id: OrgId(r.user.org_id),
            user_id: UserId(r.user.user_id),
            name: r.name,
            created_at: r.token_created_at,
            last_used_at: r.last_used_at,
            revoked_at: None,
        };
        Ok(Some((token, User::try_from(r.user)?, r.person_end_date)))
    }

    pub async fn touch_token(&self, org: OrgId, token: Uuid, now: OffsetDateTime) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $3 WHERE org_id = $1 AND token_id = $2")
            .bind(org.0)
            .bind(token)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn tokens_of_user(&self, org: OrgId, user: UserId) -> Result<Vec<ApiToken>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE org_id = $1 AND user_id = $2 ORDER BY created_at DESC"
        ));
        let rows: Vec<TokenRow> = sqlx::query_as(sql)
            .bind(org.0)
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(ApiToken::from).collect())
    }

    /// Revokes a token of `owner`; a token of anyone else is not found.
    pub async fn revoke_token(
        &self,
        actor: &Actor,
        org: OrgId,
        owner: UserId,
        token: Uuid,
    ) -> Result<ApiToken> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE org_id = $1 AND user_id = $2 AND token_id = $3"
        ));
        let row: Option<TokenRow> = sqlx::query_as(sql)
            .bind(org.0)
            .bind(owner.0)
            .bind(token)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound {
                entity: "token",
                id: token.to_string(),
            });
        };
        let before = ApiToken::from(row);
        if before.revoked_at.is_some() {
            return Ok(before);
        }
        let mut after = before.clone();
        after.revoked_at = Some(chain.at());
        sqlx::query("UPDATE api_tokens SET revoked_at = $3 WHERE org_id = $1 AND token_id = $2")
            .bind(org.0)
            .bind(token)
            .bind(after.revoked_at)
            .execute(&mut *tx)
            .await?;
        chain.record(Change {
            entity_type: "api_token",
            entity_id: token.to_string(),
            action: "revoke",
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }
}

impl Repo {
    /// Revokes every live token of `owner` inside a caller's transaction
    /// (a password change or reset, a disabled login), each revocation
    /// recorded as when one token is revoked. The number revoked.
    pub(in super::super) async fn revoke_all_tokens(
        &self,
        tx: &mut Transaction<'_, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        owner: UserId,
    ) -> Result<u64> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens \
             WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL ORDER BY created_at"
        ));
        let rows: Vec<TokenRow> = sqlx::query_as(sql)
            .bind(org.0)
            .bind(owner.0)
            .fetch_all(&mut **tx)
            .await?;
        let at = chain.at();
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 \
             WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL",
        )
        .bind(org.0)
        .bind(owner.0)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        let count = rows.len();
        for row in rows {
            let before = ApiToken::from(row);
            let mut after = before.clone();
            after.revoked_at = Some(at);
            chain.record(Change {
                entity_type: "api_token",
                entity_id: before.id.to_string(),
                action: "revoke",
                before: Some(before.audit_json()),
                after: Some(after.audit_json()),
            });
        }
        Ok(u64::try_from(count).unwrap_or(u64::MAX))
    }
}
