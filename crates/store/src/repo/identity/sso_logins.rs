//! Sign-ins under way through an OpenID provider: begun when the browser is
//! sent to the provider, taken (and so used up) when it comes back. A row
//! lives ten minutes at most.

use super::super::Repo;
use crate::backend::SsoLogin;
use crate::error::Result;
use mandate_core::OrgId;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// How long a sign-in may take at the provider.
pub const SSO_LOGIN_LIFETIME: Duration = Duration::minutes(10);

#[derive(sqlx::FromRow)]
struct LoginRow {
    org_id: Uuid,
    browser_hash: String,
    nonce: String,
    pkce_verifier: String,
    next_path: String,
    created_at: OffsetDateTime,
}

impl Repo {
    /// Keeps a sign-in under way, and forgets those too old to finish.
    pub async fn begin_sso_login(&self, state_hash: &str, login: &SsoLogin) -> Result<()> {
        sqlx::query("DELETE FROM sso_logins WHERE created_at < $1")
            .bind(login.created_at - SSO_LOGIN_LIFETIME)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO sso_logins (state_hash, org_id, browser_hash, nonce, pkce_verifier, next_path, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(state_hash)
        .bind(login.org_id.0)
        .bind(&login.browser_hash)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(&login.next_path)
        .bind(login.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes the sign-in with this state: removed in the same statement, so
    /// a state is good for one callback even when two race.
    pub async fn take_sso_login(&self, state_hash: &str) -> Result<Option<SsoLogin>> {
        let row: Option<LoginRow> = sqlx::query_as(
            "DELETE FROM sso_logins WHERE state_hash = $1 \
             RETURNING org_id, browser_hash, nonce, pkce_verifier, next_path, created_at",
        )
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| SsoLogin {
            org_id: OrgId(r.org_id),
            browser_hash: r.browser_hash,
            nonce: r.nonce,
            pkce_verifier: r.pkce_verifier,
            next_path: r.next_path,
            created_at: r.created_at,
        }))
    }
}
