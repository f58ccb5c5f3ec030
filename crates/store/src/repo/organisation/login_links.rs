//! Links that let a person in by email (invitations and password resets):
//! made together with their mail in one transaction, given their secret
//! when the mail goes, used once to set a password. See
//! `mandate_core::login_link` for why the secret is made so late.

use super::super::Db;
use super::super::Repo;
use super::super::batch::insert_rows;
use super::super::identity::scim_role_groups::starting_role;
use super::super::outbox_rows::MailRow;
use super::super::row_type::{columns, row_type};
use super::super::rows::UserRow;
use crate::backend::{LinkHolder, LinkMail, LoginOf};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::login_link::{LinkPurpose, LinkState, LoginLink, dedupe_key, refusal};
use mandate_core::outbox::{Mail, MailState, NewMail};
use mandate_core::{NewUser, OrgId, PersonId, User, UserId};
use sqlx::{QueryBuilder, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

row_type!(LoginLinkRow in "login_links" {
    org_id: Uuid,
    link_id: Uuid,
    person_id: Uuid,
    purpose: String,
    token_hash: Option<String>,
    created_at: OffsetDateTime,
    sent_at: Option<OffsetDateTime>,
    sent_to: Option<String>,
    used_at: Option<OffsetDateTime>,
    superseded_at: Option<OffsetDateTime>,
});

impl TryFrom<LoginLinkRow> for LoginLink {
    type Error = StoreError;
    fn try_from(r: LoginLinkRow) -> Result<Self> {
        Ok(LoginLink {
            id: r.link_id,
            org_id: OrgId(r.org_id),
            person_id: PersonId(r.person_id),
            purpose: LinkPurpose::parse(&r.purpose)
                .ok_or_else(|| StoreError::corrupt(format!("link purpose {:?}", r.purpose)))?,
            created_at: r.created_at,
            sent_at: r.sent_at,
            used_at: r.used_at,
            superseded_at: r.superseded_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct HolderRow {
    #[sqlx(flatten)]
    link: LoginLinkRow,
    person_name: String,
    email: String,
    organisation: String,
    end_date: Option<time::Date>,
    login_id: Option<Uuid>,
    login_disabled_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct PersonLoginRow {
    person_id: Uuid,
    user_id: Option<Uuid>,
    access_role: Option<String>,
    has_password: Option<bool>,
    disabled: Option<bool>,
}

/// Binds this many people into one `IN (...)` list.
const PEOPLE_PER_STATEMENT: usize = 500;

impl Repo {
    /// Kills the live links of `people` (of `purpose`, or of any), inside a
    /// caller's transaction: a newer link, a password set another way, a
    /// login disabled or an email changed. The mail of a link not yet sent
    /// is taken out of the outbox, so it neither goes nor shows as failed.
    pub(in super::super) async fn kill_links(
        &self,
        tx: &mut Transaction<'_, Db>,
        org: OrgId,
        people: &[PersonId],
        purpose: Option<LinkPurpose>,
        at: OffsetDateTime,
    ) -> Result<()> {
        for chunk in people.chunks(PEOPLE_PER_STATEMENT) {
            let live = |select: &'static str| {
                let mut q = QueryBuilder::new(select);
                q.push_bind(org.0);
                if let Some(p) = purpose {
                    q.push(" AND purpose = ").push_bind(p.as_str());
                }
                q.push(" AND used_at IS NULL AND superseded_at IS NULL AND person_id IN (");
                let mut list = q.separated(", ");
                for person in chunk {
                    list.push_bind(person.0);
                }
                q.push(")");
                q
            };
            let unsent: Vec<(Uuid,)> =
                live("SELECT link_id FROM login_links WHERE sent_at IS NULL AND org_id = ")
                    .build_query_as()
                    .fetch_all(&mut **tx)
                    .await?;
            for keys in unsent.chunks(PEOPLE_PER_STATEMENT) {
                let mut delete =
                    QueryBuilder::new("DELETE FROM outbox WHERE state = 'queued' AND org_id = ");
                delete.push_bind(org.0).push(" AND dedupe_key IN (");
                let mut list = delete.separated(", ");
                for (link,) in keys {
                    list.push_bind(dedupe_key(*link));
                }
                delete.push(")");
                delete.build().execute(&mut **tx).await?;
            }
            let mut update = QueryBuilder::new("UPDATE login_links SET superseded_at = ");
            update
                .push_bind(at)
                .push(" WHERE org_id = ")
                .push_bind(org.0);
            if let Some(p) = purpose {
                update.push(" AND purpose = ").push_bind(p.as_str());
            }
            update.push(" AND used_at IS NULL AND superseded_at IS NULL AND person_id IN (");
            let mut list = update.separated(", ");
            for person in chunk {
                list.push_bind(person.0);
            }
            update.push(")");
            update.build().execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Whether `person` has a link of `purpose` whose mail waits in the
    /// outbox to be sent (a mail stuck as uncertain or failed does not
    /// count: a new link should go).
    pub async fn has_unsent_link(
        &self,
        org: OrgId,
        person: PersonId,
        purpose: LinkPurpose,
    ) -> Result<bool> {
        let unsent: Vec<(Uuid,)> = sqlx::query_as(
            "SELECT link_id FROM login_links WHERE org_id = $1 AND person_id = $2 AND purpose = $3 \
             AND sent_at IS NULL AND used_at IS NULL AND superseded_at IS NULL",
        )
        .bind(org.0)
        .bind(person.0)
        .bind(purpose.as_str())
        .fetch_all(&self.pool)
        .await?;
        for (link,) in unsent {
            let queued: Option<(i32,)> = sqlx::query_as(
                "SELECT attempts FROM outbox WHERE org_id = $1 AND dedupe_key = $2 AND state = 'queued'",
            )
            .bind(org.0)
            .bind(dedupe_key(link))
            .fetch_optional(&self.pool)
            .await?;
            if queued.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Makes one link of `purpose` for each of `mails`' people, and queues
    /// its mail, in one transaction: every link with its mail or none. An
    /// older link of the same purpose for the same person dies. Audited as
    /// `actor`'s (a reset asked for from the sign-in page as the system's).
    pub async fn create_login_links(
        &self,
        actor: &Actor,
        org: OrgId,
        purpose: LinkPurpose,
        mails: Vec<LinkMail>,
    ) -> Result<Vec<LoginLink>> {
        if mails.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let at = chain.at();
        let people: Vec<PersonId> = mails.iter().map(|m| m.person_id).collect();
        self.kill_links(&mut tx, org, &people, Some(purpose), at)
            .await?;
        let mut links = Vec::with_capacity(mails.len());
        let mut link_rows = Vec::with_capacity(mails.len());
        let mut mail_rows = Vec::with_capacity(mails.len());
        for m in mails {
            let link = LoginLink {
                id: Uuid::now_v7(),
                org_id: org,
                person_id: m.person_id,
                purpose,
                created_at: at,
                sent_at: None,
                used_at: None,
                superseded_at: None,
            };
            link_rows.push(LoginLinkRow {
                org_id: org.0,
                link_id: link.id,
                person_id: m.person_id.0,
                purpose: purpose.as_str().into(),
                token_hash: None,
                created_at: at,
                sent_at: None,
                sent_to: None,
                used_at: None,
                superseded_at: None,
            });
            mail_rows.push(MailRow::from(&Mail {
                org_id: org,
                id: Uuid::now_v7(),
                mail: NewMail {
                    dedupe_key: dedupe_key(link.id),
                    kind: purpose.mail_kind().into(),
                    person_id: Some(m.person_id),
                    to: m.to,
                    subject: m.subject,
                    body: m.body,
                },
                created_at: at,
                send_after: at,
                state: MailState::Queued,
                attempts: 0,
                claimed_at: None,
                sent_at: None,
                last_error: String::new(),
            }));
            chain.record(Change::created("login_link", link.id, link.audit_json()));
            links.push(link);
        }
        insert_rows(&mut tx, &link_rows, "", |_| {}).await?;
        insert_rows(&mut tx, &mail_rows, "", |_| {}).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(links)
    }

    /// The link's mail is going now, to `to`: the link takes the secret
    /// whose hash is `token_hash` (any earlier secret stops working) and
    /// holds from `at`, for that address only. `None` when the link is dead
    /// (used, or another made since) or `to` is no longer its person's
    /// email, and the mail should not go.
    pub async fn mark_link_sent(
        &self,
        org: OrgId,
        link: Uuid,
        to: &str,
        token_hash: &str,
        at: OffsetDateTime,
    ) -> Result<Option<LinkPurpose>> {
        let purpose: Option<(String,)> = sqlx::query_as(
            "UPDATE login_links SET token_hash = $3, sent_at = $4, sent_to = $5 \
             WHERE org_id = $1 AND link_id = $2 AND used_at IS NULL AND superseded_at IS NULL \
             AND EXISTS (SELECT 1 FROM people p WHERE p.org_id = login_links.org_id \
             AND p.person_id = login_links.person_id AND p.email = $5) \
             RETURNING purpose",
        )
        .bind(org.0)
        .bind(link)
        .bind(token_hash)
        .bind(at)
        .bind(to.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        Ok(purpose.and_then(|(p,)| LinkPurpose::parse(&p)))
    }

    /// The link with this secret's hash, with its person and organisation,
    /// if it lets its person in at `at`.
    pub async fn live_login_link(
        &self,
        token_hash: &str,
        at: OffsetDateTime,
    ) -> Result<std::result::Result<LinkHolder, &'static str>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {}, p.name AS person_name, p.email, o.name AS organisation, p.end_date, \
             u.user_id AS login_id, u.disabled_at AS login_disabled_at \
             FROM login_links l JOIN people p ON p.org_id = l.org_id AND p.person_id = l.person_id \
             JOIN organisations o ON o.org_id = l.org_id \
             LEFT JOIN users u ON u.org_id = l.org_id AND u.person_id = l.person_id \
             WHERE l.token_hash = $1",
            prefixed("l.", columns(LoginLinkRow::SELECT))
        ));
        let row: Option<HolderRow> = sqlx::query_as(sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(Err(refusal(None)));
        };
        let sent_to = row.link.sent_to.clone();
        let link = LoginLink::try_from(row.link)?;
        let state = link.state(at);
        if state != LinkState::Live {
            return Ok(Err(refusal(Some(state))));
        }
        if row.end_date.is_some_and(|last| last < at.date()) {
            return Ok(Err(LEFT));
        }
        if sent_to.as_deref() != Some(row.email.as_str()) {
            return Ok(Err(READDRESSED));
        }
        if row.login_disabled_at.is_some() {
            return Ok(Err(DISABLED));
        }
        if row.login_id.is_none() && link.purpose == LinkPurpose::Reset {
            return Ok(Err(refusal(None)));
        }
        Ok(Ok(LinkHolder {
            link,
            person_name: row.person_name,
            email: row.email,
            organisation: row.organisation,
        }))
    }

    /// Uses the link with this secret's hash to set its person's password
    /// (`password_hash`, already hashed): the login is made if the person
    /// has none (an invitation; access role staff), and in the same
    /// transaction the link is spent, every other live link of the person
    /// dies, every session of the login ends, and the change is audited as
    /// the person's own. `Err(StoreError::Invalid)` with words for the
    /// person when the link does not open.
    pub async fn use_login_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        at: OffsetDateTime,
    ) -> Result<User> {
        let holder = match self.live_login_link(token_hash, at).await? {
            Ok(holder) => holder,
            Err(words) => return Err(StoreError::Invalid(words.into())),
        };
        let link = holder.link;
        let org = link.org_id;
        let existing: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM users WHERE org_id = $1 AND person_id = $2",
            super::users::USER_COLUMNS
        )))
        .bind(org.0)
        .bind(link.person_id.0)
        .fetch_optional(&self.pool)
        .await?;
        let existing = existing.map(User::try_from).transpose()?;
        if existing.as_ref().is_some_and(|u| u.disabled_at.is_some()) {
            return Err(StoreError::Invalid(DISABLED.into()));
        }
        let user_id = existing.as_ref().map_or_else(UserId::new, |u| u.id);
        // The person sets their own password: the act is theirs.
        let actor = Actor::user(user_id);
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, &actor).await?;
        let at = chain.at();
        // Spent first, and only if still live: of two uses racing, one wins.
        let spent = sqlx::query(
            "UPDATE login_links SET used_at = $3 WHERE org_id = $1 AND link_id = $2 \
             AND token_hash = $4 AND used_at IS NULL AND superseded_at IS NULL",
        )
        .bind(org.0)
        .bind(link.id)
        .bind(at)
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
        if spent.rows_affected() != 1 {
            return Err(StoreError::Invalid(refusal(None).into()));
        }
        self.kill_links(&mut tx, org, &[link.person_id], None, at)
            .await?;
        chain.record(Change {
            entity_type: "login_link",
            entity_id: link.id.to_string(),
            action: "use",
            before: None,
            after: Some(link.audit_json()),
        });
        let user = match existing {
            Some(user) => {
                let changed = sqlx::query(
                    "UPDATE users SET password_hash = $3 \
                     WHERE org_id = $1 AND user_id = $2 AND disabled_at IS NULL",
                )
                .bind(org.0)
                .bind(user.id.0)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?;
                if changed.rows_affected() != 1 {
                    return Err(StoreError::Invalid(DISABLED.into()));
                }
                sqlx::query("DELETE FROM sessions WHERE org_id = $1 AND user_id = $2")
                    .bind(org.0)
                    .bind(user.id.0)
                    .execute(&mut *tx)
                    .await?;
                chain.record(Change {
                    entity_type: "user",
                    entity_id: user.id.to_string(),
                    action: "change_password",
                    before: None,
                    after: None,
                });
                // Whoever held the login's tokens held them with the old
                // password: a reset is the moment to take them back.
                self.revoke_all_tokens(&mut tx, &mut chain, org, user.id)
                    .await?;
                user
            }
            None if link.purpose == LinkPurpose::Invitation => {
                let new = NewUser {
                    person_id: link.person_id,
                    access_role: starting_role(&mut tx, org, link.person_id).await?,
                    password_hash: Some(password_hash.to_string()),
                };
                self.insert_user_as(&mut tx, &mut chain, org, user_id, &new)
                    .await?
            }
            // A reset for a login that is gone.
            None => return Err(StoreError::Invalid(refusal(None).into())),
        };
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// The people of `org` with their login, if any: whom an invitation may
    /// go to is decided from this.
    pub async fn logins_by_person(&self, org: OrgId) -> Result<Vec<(PersonId, Option<LoginOf>)>> {
        let rows: Vec<PersonLoginRow> = sqlx::query_as(
            "SELECT p.person_id, u.user_id, u.access_role, u.password_hash IS NOT NULL AS has_password, \
             u.disabled_at IS NOT NULL AS disabled \
             FROM people p LEFT JOIN users u ON u.org_id = p.org_id AND u.person_id = p.person_id \
             WHERE p.org_id = $1",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let login = match (r.user_id, r.access_role) {
                    (Some(u), Some(role)) => Some(LoginOf {
                        user_id: UserId(u),
                        access_role: role.parse().map_err(StoreError::corrupt)?,
                        has_password: r.has_password.unwrap_or(false),
                        disabled: r.disabled.unwrap_or(false),
                    }),
                    _ => None,
                };
                Ok((PersonId(r.person_id), login))
            })
            .collect()
    }

    /// `person`'s login, if they have one.
    pub async fn login_of(&self, org: OrgId, person: PersonId) -> Result<Option<LoginOf>> {
        let row: Option<(Uuid, String, bool, bool)> = sqlx::query_as(
            "SELECT user_id, access_role, password_hash IS NOT NULL, disabled_at IS NOT NULL \
             FROM users WHERE org_id = $1 AND person_id = $2",
        )
        .bind(org.0)
        .bind(person.0)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(user, role, has_password, disabled)| {
            Ok(LoginOf {
                user_id: UserId(user),
                access_role: role.parse().map_err(StoreError::corrupt)?,
                has_password,
                disabled,
            })
        })
        .transpose()
    }

    /// The people with an invitation that may still be used: not used, not
    /// replaced, and unsent or sent less than its lifetime ago.
    pub async fn open_invitations(
        &self,
        org: OrgId,
        at: OffsetDateTime,
    ) -> Result<std::collections::HashSet<PersonId>> {
        let rows: Vec<(Uuid,)> = sqlx::query_as(
            "SELECT DISTINCT person_id FROM login_links WHERE org_id = $1 AND purpose = 'invitation' \
             AND used_at IS NULL AND superseded_at IS NULL AND (sent_at IS NULL OR sent_at > $2)",
        )
        .bind(org.0)
        .bind(at - LinkPurpose::Invitation.lifetime())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(p,)| PersonId(p)).collect())
    }

    /// The last twenty links made for `person`, newest first.
    pub async fn login_links_of(&self, org: OrgId, person: PersonId) -> Result<Vec<LoginLink>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM login_links WHERE org_id = $1 AND person_id = $2 \
             ORDER BY created_at DESC, link_id DESC LIMIT 20",
            columns(LoginLinkRow::SELECT)
        ));
        let rows: Vec<LoginLinkRow> = sqlx::query_as(sql)
            .bind(org.0)
            .bind(person.0)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(LoginLink::try_from).collect()
    }
}

const READDRESSED: &str = "This link was mailed to an address that is no longer the one in the register. Ask for a new one.";
const LEFT: &str = "This link belongs to someone who no longer works here.";
const DISABLED: &str = "Your login is disabled. Ask your administrator.";

/// `a, b` as `l.a, l.b`.
fn prefixed(prefix: &str, list: &str) -> String {
    list.split(", ")
        .map(|c| format!("{prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}
