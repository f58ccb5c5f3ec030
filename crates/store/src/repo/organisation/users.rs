//! Login accounts, each linked to a person of the organisation.

use super::super::audit::Appender;
use super::super::batch::insert_rows;
use super::super::rows::UserRow;
use super::super::{Db, Repo};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::{Email, NewUser, OrgId, PersonId, User, UserId};
use sqlx::Transaction;

pub(in super::super) const USER_COLUMNS: &str =
    "org_id, user_id, person_id, email, access_role, password_hash, created_at, disabled_at";

impl Repo {
    /// Creates a login for an existing person.
    pub async fn create_user(&self, actor: &Actor, org: OrgId, new: &NewUser) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let user = self.insert_user(&mut tx, &mut chain, org, new).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Inserts a login inside a caller's transaction and records its event.
    pub(in super::super) async fn insert_user(
        &self,
        tx: &mut Transaction<'_, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        new: &NewUser,
    ) -> Result<User> {
        self.insert_user_as(tx, chain, org, UserId::new(), new)
            .await
    }

    /// [`Self::insert_user`] with the login's id chosen by the caller (who
    /// may need it before: as the actor of the event).
    pub(in super::super) async fn insert_user_as(
        &self,
        tx: &mut Transaction<'_, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        id: UserId,
        new: &NewUser,
    ) -> Result<User> {
        let email: Option<(String,)> =
            sqlx::query_as("SELECT email FROM people WHERE org_id = $1 AND person_id = $2")
                .bind(org.0)
                .bind(new.person_id.0)
                .fetch_optional(&mut **tx)
                .await?;
        let Some((email,)) = email else {
            return Err(StoreError::NotFound {
                entity: "person",
                id: new.person_id.to_string(),
            });
        };
        let user = User {
            id,
            org_id: org,
            person_id: new.person_id,
            email: Email::parse(&email).map_err(StoreError::corrupt)?,
            access_role: new.access_role,
            created_at: chain.at(),
            disabled_at: None,
        };
        let row = UserRow {
            org_id: org.0,
            user_id: user.id.0,
            person_id: new.person_id.0,
            email: user.email.to_string(),
            access_role: new.access_role.as_str().to_string(),
            password_hash: new.password_hash.clone(),
            created_at: user.created_at,
            disabled_at: None,
        };
        insert_rows(tx, &[row], "", |_| {})
            .await
            .map_err(StoreError::on_unique(format!(
                "{} already has a login",
                user.email
            )))?;
        chain.record(Change::created("user", user.id, user.audit_json()));
        if new.password_hash.is_some() {
            // Given a password another way: an open invitation is moot.
            self.kill_links(tx, org, &[new.person_id], None, user.created_at)
                .await?;
        }
        Ok(user)
    }

    /// The user with `email` and their password hash.
    pub async fn user_by_email(
        &self,
        org: OrgId,
        email: &Email,
    ) -> Result<Option<(User, Option<String>)>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 AND email = $2"
        ));
        let row: Option<UserRow> = sqlx::query_as(sql)
            .bind(org.0)
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            let hash = r.password_hash.clone();
            User::try_from(r).map(|u| (u, hash))
        })
        .transpose()
    }

    pub async fn users(&self, org: OrgId) -> Result<Vec<User>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 ORDER BY email"
        ));
        let rows: Vec<UserRow> = sqlx::query_as(sql)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(User::try_from).collect()
    }
}

impl Repo {
    pub async fn user(&self, org: OrgId, id: UserId) -> Result<Option<User>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 AND user_id = $2"
        ));
        let row: Option<UserRow> = sqlx::query_as(sql)
            .bind(org.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(User::try_from).transpose()
    }

    /// Every login with this email, in any organisation, with its password hash.
    pub async fn logins_with_email(&self, email: &Email) -> Result<Vec<(User, Option<String>)>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"));
        let rows: Vec<UserRow> = sqlx::query_as(sql)
            .bind(email.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                let hash = r.password_hash.clone();
                User::try_from(r).map(|u| (u, hash))
            })
            .collect()
    }

    /// Replaces a user's password hash; audited without the hash. In the
    /// same transaction every session of the user but `keep_session` ends
    /// (every one without it, as when an admin resets the password) and,
    /// with `revoke_tokens`, every API token of theirs is revoked. The
    /// number of tokens revoked.
    pub async fn set_password(
        &self,
        actor: &Actor,
        org: OrgId,
        user: UserId,
        password_hash: &str,
        revoke_tokens: bool,
        keep_session: Option<&str>,
    ) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let person: Option<(uuid::Uuid,)> = sqlx::query_as(
            "UPDATE users SET password_hash = $3 WHERE org_id = $1 AND user_id = $2 RETURNING person_id",
        )
        .bind(org.0)
        .bind(user.0)
        .bind(password_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((person,)) = person else {
            return Err(StoreError::NotFound {
                entity: "user",
                id: user.to_string(),
            });
        };
        // A link mailed before the password was set lets nobody in after.
        self.kill_links(&mut tx, org, &[PersonId(person)], None, chain.at())
            .await?;
        chain.record(Change {
            entity_type: "user",
            entity_id: user.to_string(),
            action: "change_password",
            before: None,
            after: None,
        });
        sqlx::query(
            "DELETE FROM sessions WHERE org_id = $1 AND user_id = $2 AND session_hash <> $3",
        )
        .bind(org.0)
        .bind(user.0)
        .bind(keep_session.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
        let revoked = if revoke_tokens {
            self.revoke_all_tokens(&mut tx, &mut chain, org, user)
                .await?
        } else {
            0
        };
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(revoked)
    }
}

impl Repo {
    /// Changes a login's access role and whether it is disabled.
    pub async fn update_user(
        &self,
        actor: &Actor,
        org: OrgId,
        id: UserId,
        role: mandate_core::AccessRole,
        disabled: bool,
    ) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 AND user_id = $2"
        ));
        let row: Option<UserRow> = sqlx::query_as(sql)
            .bind(org.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        let before = row
            .map(User::try_from)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound {
                entity: "user",
                id: id.to_string(),
            })?;
        let disabled_at = match (before.disabled_at, disabled) {
            (Some(at), true) => Some(at),
            (None, true) => Some(chain.at()),
            (_, false) => None,
        };
        let after = User {
            access_role: role,
            disabled_at,
            ..before.clone()
        };
        if after == before {
            return Ok(after);
        }
        sqlx::query("UPDATE users SET access_role = $3, disabled_at = $4 WHERE org_id = $1 AND user_id = $2")
            .bind(org.0)
            .bind(id.0)
            .bind(role.as_str())
            .bind(disabled_at)
            .execute(&mut *tx)
            .await?;
        chain.record(Change::updated(
            "user",
            id,
            before.audit_json(),
            after.audit_json(),
        ));
        if disabled {
            // A disabled login keeps no way in, nor gets one back when it is
            // enabled again: its sessions end, its tokens are revoked and
            // its links die.
            self.kill_links(&mut tx, org, &[after.person_id], None, chain.at())
                .await?;
            sqlx::query("DELETE FROM sessions WHERE org_id = $1 AND user_id = $2")
                .bind(org.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            self.revoke_all_tokens(&mut tx, &mut chain, org, id).await?;
        }
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }
}
