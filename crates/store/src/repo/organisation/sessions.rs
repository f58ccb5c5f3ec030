//! Browser sessions. Not audited (they are not records of the ISMS), and not
//! backed up; sign-ins and sign-outs are logged by the web layer instead.

use super::super::Repo;
use super::super::rows::UserRow;
use crate::backend::SessionRecord;
use crate::error::Result;
use mandate_core::{OrgId, User, UserId};
use time::OffsetDateTime;

#[derive(sqlx::FromRow)]
struct SessionJoin {
    #[sqlx(flatten)]
    user: UserRow,
    csrf_token: String,
    session_created_at: OffsetDateTime,
    last_seen_at: OffsetDateTime,
    person_end_date: Option<time::Date>,
}

impl Repo {
    pub async fn create_session(
        &self,
        org: OrgId,
        user: UserId,
        session_hash: &str,
        csrf_token: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (org_id, session_hash, user_id, csrf_token, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(org.0)
        .bind(session_hash)
        .bind(user.0)
        .bind(csrf_token)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session with this hash and its user, if both still exist.
    pub async fn session(&self, session_hash: &str) -> Result<Option<SessionRecord>> {
        let row: Option<SessionJoin> = sqlx::query_as(
            "SELECT u.org_id, u.user_id, u.person_id, u.email, u.access_role, u.password_hash, u.created_at, \
             u.disabled_at, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, \
             p.end_date AS person_end_date \
             FROM sessions s JOIN users u ON u.org_id = s.org_id AND u.user_id = s.user_id \
             JOIN people p ON p.org_id = u.org_id AND p.person_id = u.person_id \
             WHERE s.session_hash = $1",
        )
        .bind(session_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(SessionRecord {
                user: User::try_from(r.user)?,
                csrf_token: r.csrf_token,
                created_at: r.session_created_at,
                last_seen_at: r.last_seen_at,
                person_end_date: r.person_end_date,
            })
        })
        .transpose()
    }

    pub async fn touch_session(&self, session_hash: &str, now: OffsetDateTime) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE session_hash = $1")
            .bind(session_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, session_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE session_hash = $1")
            .bind(session_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every session of a user but `keep` (after a password change).
    pub async fn delete_other_sessions(&self, org: OrgId, user: UserId, keep: &str) -> Result<u64> {
        let done = sqlx::query(
            "DELETE FROM sessions WHERE org_id = $1 AND user_id = $2 AND session_hash <> $3",
        )
        .bind(org.0)
        .bind(user.0)
        .bind(keep)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Removes sessions idle since `idle_before` or begun before `created_before`.
    pub async fn purge_sessions(
        &self,
        idle_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(idle_before)
            .bind(created_before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
