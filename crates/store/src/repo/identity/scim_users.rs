//! People as SCIM users. Everyone in the register is served (as their email
//! until SCIM writes them), except those SCIM deprovisioned: they stay in
//! the register as leavers, and their link is kept, marked, unserved. A
//! write goes through the register's own rules (email unique, line manager
//! in the organisation and not below the person) in one transaction with
//! its audit events; a person SCIM ends the employment of stops owing
//! acknowledgements in the same transaction.

use super::super::audit::Appender;
use super::super::people::insert_person;
use super::super::people_edit::person_in;
use super::super::rows::PersonRow;
use super::super::{Db, Repo, acknowledgements};
use super::{Bound, count_and_page};
use crate::backend::{ScimPage, ScimPerson, ScimUserFilter};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::scim::user::{ScimUser, UserWrite};
use mandate_core::{NewPerson, OrgId, Person, PersonId};
use serde_json::json;
use sqlx::Transaction;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The person's columns and the link's, as one row of a LEFT JOIN.
const JOINED: &str = "p.org_id, p.person_id, p.name, p.email, p.department, p.manager_id, p.kind, \
     p.start_date, p.end_date, p.created_at, p.updated_at, p.version, \
     s.user_name AS s_user_name, s.external_id AS s_external_id, s.attributes AS s_attributes, \
     s.created_at AS s_created_at, s.updated_at AS s_updated_at, s.version AS s_version";

const FROM: &str = "FROM people p LEFT JOIN scim_users s \
     ON s.org_id = p.org_id AND s.person_id = p.person_id \
     WHERE p.org_id = $1 AND s.deprovisioned_at IS NULL";

#[derive(sqlx::FromRow)]
struct JoinedRow {
    #[sqlx(flatten)]
    person: PersonRow,
    s_user_name: Option<String>,
    s_external_id: Option<String>,
    s_attributes: Option<String>,
    s_created_at: Option<OffsetDateTime>,
    s_updated_at: Option<OffsetDateTime>,
    s_version: Option<i64>,
}

impl TryFrom<JoinedRow> for ScimPerson {
    type Error = StoreError;
    fn try_from(r: JoinedRow) -> Result<Self> {
        let person = Person::try_from(r.person)?;
        let link = match (
            r.s_user_name,
            r.s_attributes,
            r.s_created_at,
            r.s_updated_at,
        ) {
            (Some(user_name), Some(attributes), Some(created_at), Some(updated_at)) => {
                Some(ScimUser {
                    person_id: person.id,
                    user_name,
                    external_id: r.s_external_id,
                    attributes: serde_json::from_str(&attributes)
                        .map_err(|e| StoreError::Corrupt(format!("SCIM attributes: {e}")))?,
                    created_at,
                    updated_at,
                    version: r.s_version.unwrap_or(1),
                })
            }
            _ => None,
        };
        Ok((person, link))
    }
}

/// The link of a person, deprovisioned or not, as `tx` sees it.
async fn link_in(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    person: PersonId,
) -> Result<Option<(ScimUser, bool)>> {
    #[derive(sqlx::FromRow)]
    struct LinkRow {
        user_name: String,
        external_id: Option<String>,
        attributes: String,
        created_at: OffsetDateTime,
        updated_at: OffsetDateTime,
        version: i64,
        deprovisioned_at: Option<OffsetDateTime>,
    }
    let row: Option<LinkRow> = sqlx::query_as(
        "SELECT user_name, external_id, attributes, created_at, updated_at, version, deprovisioned_at \
         FROM scim_users WHERE org_id = $1 AND person_id = $2",
    )
    .bind(org.0)
    .bind(person.0)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| {
        let attributes = serde_json::from_str(&r.attributes)
            .map_err(|e| StoreError::Corrupt(format!("SCIM attributes: {e}")))?;
        Ok((
            ScimUser {
                person_id: person,
                user_name: r.user_name,
                external_id: r.external_id,
                attributes,
                created_at: r.created_at,
                updated_at: r.updated_at,
                version: r.version,
            },
            r.deprovisioned_at.is_some(),
        ))
    })
    .transpose()
}

fn link_audit(link: &ScimUser, deprovisioned: bool) -> serde_json::Value {
    json!({
        "person_id": link.person_id,
        "user_name": link.user_name,
        "external_id": link.external_id,
        "deprovisioned": deprovisioned,
    })
}

fn gone(id: PersonId) -> StoreError {
    StoreError::NotFound {
        entity: "user",
        id: id.to_string(),
    }
}

/// Whether a person has left by `today` (the end date is their last day).
fn has_left(person: &Person, today: Date) -> bool {
    person.end_date.is_some_and(|end| end < today)
}

/// An identity provider may change what the register holds, but not what
/// keeps an admin of Mandate in: moving an admin's email would let a reset
/// link go elsewhere, and ending their employment would lock them out, so
/// a SCIM token would be an admin's power. An admin does that in Mandate.
async fn guard_admin(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    before: &Person,
    changes: &NewPerson,
    today: Date,
) -> Result<()> {
    let email_moves = before.email != changes.email;
    let leaves = !has_left(before, today) && has_left_on(changes, today);
    if !(email_moves || leaves) {
        return Ok(());
    }
    let admin: Option<(Uuid,)> = sqlx::query_as(
        "SELECT user_id FROM users WHERE org_id = $1 AND person_id = $2 AND access_role = 'admin' \
         AND disabled_at IS NULL",
    )
    .bind(org.0)
    .bind(before.id.0)
    .fetch_optional(&mut **tx)
    .await?;
    if admin.is_none() {
        return Ok(());
    }
    Err(StoreError::Refused(format!(
        "{} is an admin of Mandate: an identity provider may not {} (an admin does that in Mandate)",
        before.name,
        if email_moves {
            "change their email"
        } else {
            "end their employment"
        }
    )))
}

/// A login whose email moved is signed out everywhere: its sessions were
/// opened by whoever held the old address.
async fn end_sessions_of(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    person: PersonId,
) -> Result<()> {
    sqlx::query(
        "DELETE FROM sessions WHERE org_id = $1 AND user_id IN \
         (SELECT user_id FROM users WHERE org_id = $1 AND person_id = $2)",
    )
    .bind(org.0)
    .bind(person.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Repo {
    /// One served user.
    pub async fn scim_user(&self, org: OrgId, id: PersonId) -> Result<Option<ScimPerson>> {
        let sql = format!("SELECT {JOINED} {FROM} AND p.person_id = $2");
        let row: Option<JoinedRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(ScimPerson::try_from).transpose()
    }

    /// Served users matching `filter`, `count` from the `offset`th (0-based)
    /// in the order they were made (person ids are time-ordered).
    pub async fn scim_users_page(
        &self,
        org: OrgId,
        filter: &ScimUserFilter,
        offset: i64,
        count: i64,
    ) -> Result<ScimPage<ScimPerson>> {
        let (condition, bound) = match filter {
            ScimUserFilter::All => ("", Bound::Nothing),
            // A person SCIM never wrote answers to their email.
            // The candidates come from the two indexes (an OR across the
            // join would scan the register on every lookup a provider makes;
            // `deprovisioned_at IS NULL` lets the partial userName index serve).
            ScimUserFilter::UserName(name) => (
                " AND p.person_id IN (SELECT person_id FROM scim_users WHERE org_id = $1 AND user_name_key = $2 \
                 AND deprovisioned_at IS NULL \
                 UNION SELECT person_id FROM people WHERE org_id = $1 AND email = $2) \
                 AND (s.user_name_key = $2 OR s.person_id IS NULL)",
                Bound::Text(name.to_lowercase()),
            ),
            ScimUserFilter::Email(email) => {
                (" AND p.email = $2", Bound::Text(email.to_lowercase()))
            }
            ScimUserFilter::ExternalId(id) => (" AND s.external_id = $2", Bound::Text(id.clone())),
            ScimUserFilter::Id(id) => (" AND p.person_id = $2", Bound::Id(*id)),
        };
        let from = format!("{FROM}{condition}");
        let (total, rows): (i64, Vec<JoinedRow>) = count_and_page(
            &self.pool,
            (JOINED, &from, "p.person_id"),
            org,
            &bound,
            (offset, count),
        )
        .await?;
        let items = rows
            .into_iter()
            .map(ScimPerson::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(ScimPage { total, items })
    }

    /// Creates a user (`target` None) or replaces one. A create whose email
    /// belongs to a person of the register whom SCIM does not serve under
    /// another link (never written by SCIM, or deprovisioned: a rehire)
    /// takes that person over, their history kept, rather than failing.
    pub async fn scim_write_user(
        &self,
        actor: &Actor,
        org: OrgId,
        target: Option<PersonId>,
        write: &UserWrite,
        today: Date,
    ) -> Result<ScimPerson> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let existing = match target {
            Some(id) => {
                let person = person_in(&mut tx, org, id).await?.ok_or_else(|| gone(id))?;
                let link = link_in(&mut tx, org, id).await?;
                if link
                    .as_ref()
                    .is_some_and(|(_, deprovisioned)| *deprovisioned)
                {
                    return Err(gone(id));
                }
                Some((person, link.map(|(l, _)| l)))
            }
            None => {
                let found: Option<(Uuid,)> =
                    sqlx::query_as("SELECT person_id FROM people WHERE org_id = $1 AND email = $2")
                        .bind(org.0)
                        .bind(write.email.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                match found {
                    None => None,
                    Some((id,)) => {
                        let id = PersonId(id);
                        let person = person_in(&mut tx, org, id).await?.ok_or_else(|| gone(id))?;
                        match link_in(&mut tx, org, id).await? {
                            Some((_, false)) => {
                                return Err(StoreError::Conflict(format!(
                                    "a user with the email {} already exists",
                                    write.email
                                )));
                            }
                            // A rehire: an end SCIM made is undone, one
                            // made in Mandate stands (see the deprovision).
                            Some((old, true)) => Some((person, Some(old))),
                            None => Some((person, None)),
                        }
                    }
                }
            }
        };
        let (before, before_link) = match &existing {
            Some((p, l)) => (Some(p), l.as_ref()),
            None => (None, None),
        };
        let changes = write
            .person(before, before_link, today)
            .map_err(|e| StoreError::Invalid(e.detail))?;
        let person = match before {
            Some(before) if same_fields(before, &changes) => before.clone(),
            Some(before) => {
                guard_admin(&mut tx, org, before, &changes, today).await?;
                if before.email != changes.email {
                    end_sessions_of(&mut tx, org, before.id).await?;
                }
                let action = if has_left(before, today) == has_left_on(&changes, today) {
                    "update"
                } else if has_left_on(&changes, today) {
                    "end_employment"
                } else {
                    "reinstate"
                };
                self.write_person(&mut tx, &mut chain, org, before, &changes, action)
                    .await?
            }
            None => insert_person(&mut tx, &mut chain, org, &changes).await?,
        };
        let link = upsert_link(&mut tx, &mut chain, org, &person, before_link, write, None).await?;
        if has_left(&person, today) && !before.is_some_and(|b| has_left(b, today)) {
            acknowledgements::release_owed_by(&mut tx, &mut chain, org, person.id).await?;
        }
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok((person, Some(link)))
    }

    /// Deprovisions a user (SCIM's DELETE): the employment ends yesterday
    /// unless it already has, what they owe is released, and SCIM serves
    /// them no more. Nothing is deleted.
    pub async fn scim_deprovision_user(
        &self,
        actor: &Actor,
        org: OrgId,
        id: PersonId,
        today: Date,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before = person_in(&mut tx, org, id).await?.ok_or_else(|| gone(id))?;
        let link = link_in(&mut tx, org, id).await?;
        if link
            .as_ref()
            .is_some_and(|(_, deprovisioned)| *deprovisioned)
        {
            return Err(gone(id));
        }
        let link = link.map(|(l, _)| l);
        let person = if has_left(&before, today) {
            before.clone()
        } else {
            let yesterday = today.previous_day().unwrap_or(today);
            let changes = NewPerson {
                end_date: Some(before.start_date.map_or(yesterday, |s| s.max(yesterday))),
                ..as_new(&before)
            };
            guard_admin(&mut tx, org, &before, &changes, today).await?;
            self.write_person(
                &mut tx,
                &mut chain,
                org,
                &before,
                &changes,
                "end_employment",
            )
            .await?
        };
        let kept = link.clone().unwrap_or_else(|| ScimUser {
            person_id: id,
            user_name: before.email.to_string(),
            external_id: None,
            attributes: json!({}),
            created_at: chain.at(),
            updated_at: chain.at(),
            version: 0,
        });
        // Remember whether it was SCIM that ended the employment: only
        // then does a later create of the same person (a rehire) undo it.
        let mut document = kept.attributes.clone();
        if let Some(fields) = document.as_object_mut()
            && !has_left(&before, today)
        {
            fields.retain(|k, _| !k.eq_ignore_ascii_case("active"));
            fields.insert("active".into(), json!(false));
        }
        let write = UserWrite {
            user_name: kept.user_name.clone(),
            external_id: kept.external_id.clone(),
            name: person.name.clone(),
            email: person.email.clone(),
            department: person.department.clone(),
            manager: person.manager_id,
            active: false,
            document,
        };
        let at = chain.at();
        upsert_link(
            &mut tx,
            &mut chain,
            org,
            &person,
            link.as_ref(),
            &write,
            Some(at),
        )
        .await?;
        acknowledgements::release_owed_by(&mut tx, &mut chain, org, id).await?;
        self.leave_role_groups(&mut tx, &mut chain, org, id).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn has_left_on(changes: &NewPerson, today: Date) -> bool {
    changes.end_date.is_some_and(|end| end < today)
}

fn as_new(p: &Person) -> NewPerson {
    NewPerson {
        name: p.name.clone(),
        email: p.email.clone(),
        department: p.department.clone(),
        manager_id: p.manager_id,
        kind: p.kind,
        start_date: p.start_date,
        end_date: p.end_date,
    }
}

fn same_fields(p: &Person, changes: &NewPerson) -> bool {
    as_new(p) == *changes
}

/// Writes the link of `person` as `write` has it (`deprovisioned_at` set
/// when SCIM lets go of them), recording the change.
async fn upsert_link(
    tx: &mut Transaction<'static, Db>,
    chain: &mut Appender<'_>,
    org: OrgId,
    person: &Person,
    before: Option<&ScimUser>,
    write: &UserWrite,
    deprovisioned_at: Option<OffsetDateTime>,
) -> Result<ScimUser> {
    let at = chain.at();
    let link = ScimUser {
        person_id: person.id,
        user_name: write.user_name.clone(),
        external_id: write.external_id.clone(),
        attributes: write.document.clone(),
        created_at: before.map_or(at, |b| b.created_at),
        updated_at: at,
        version: before.map_or(1, |b| b.version + 1),
    };
    sqlx::query(
        "INSERT INTO scim_users (org_id, person_id, user_name, user_name_key, external_id, attributes, \
         created_at, updated_at, version, deprovisioned_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (org_id, person_id) DO UPDATE SET user_name = excluded.user_name, \
         user_name_key = excluded.user_name_key, external_id = excluded.external_id, \
         attributes = excluded.attributes, updated_at = excluded.updated_at, version = excluded.version, \
         deprovisioned_at = excluded.deprovisioned_at",
    )
    .bind(org.0)
    .bind(person.id.0)
    .bind(&link.user_name)
    .bind(link.user_name.to_lowercase())
    .bind(&link.external_id)
    .bind(link.attributes.to_string())
    .bind(link.created_at)
    .bind(link.updated_at)
    .bind(link.version)
    .bind(deprovisioned_at)
    .execute(&mut **tx)
    .await
    .map_err(StoreError::from)
    .map_err(StoreError::on_unique(format!(
        "a user with the userName {} already exists",
        link.user_name
    )))?;
    let after = link_audit(&link, deprovisioned_at.is_some());
    chain.record(match before {
        Some(b) => Change {
            action: if deprovisioned_at.is_some() {
                "deprovision"
            } else {
                "update"
            },
            ..Change::updated("scim_user", person.id, link_audit(b, false), after)
        },
        None => Change::created("scim_user", person.id, after),
    });
    Ok(link)
}
