//! Listing people a page at a time, and changing one person.

use super::super::audit::Appender;
use super::super::rows::PersonRow;
use super::super::{Db, Repo};
use crate::backend::{PeoplePage, PeopleQuery};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::{NewPerson, OrgId, Person, PersonId};
use sqlx::Transaction;
use uuid::Uuid;

const PERSON_COLUMNS: &str = "org_id, person_id, name, email, department, manager_id, kind, start_date, end_date, \
     created_at, updated_at, version";

/// How deep a chain of line managers may go before it is taken for a loop.
const MAX_MANAGER_DEPTH: usize = 64;

impl Repo {
    /// People sorted by name, `query.limit` at a time. The cursor is the last
    /// (name, id) of the previous page, so every page is an index range scan,
    /// as fast on page 2,000 as on page 1.
    pub async fn people_page(&self, org: OrgId, query: &PeopleQuery) -> Result<PeoplePage> {
        let limit = query.limit.clamp(1, 500);
        let after = query.cursor.as_deref().map(decode_cursor).transpose()?;
        let pattern = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("%{}%", escape_like(&s.to_lowercase())));
        // One statement per case rather than `$n IS NULL OR ...`: a generic
        // plan cannot use the (org_id, name, person_id) index through an OR,
        // and PostgreSQL switches to generic plans after a few executions.
        let mut sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE org_id = $1");
        let mut next = 2;
        if after.is_some() {
            sql.push_str(" AND (name, person_id) > ($2, $3)");
            next = 4;
        }
        if pattern.is_some() {
            sql.push_str(&format!(
                " AND (lower(name) LIKE ${next} ESCAPE '\\' OR email LIKE ${next} ESCAPE '\\')"
            ));
            next += 1;
        }
        if query.area_of.is_some() {
            sql.push_str(&format!(
                " AND person_id IN ({AREA})",
                AREA = area_sql(next)
            ));
            next += 1;
        }
        sql.push_str(&format!(" ORDER BY name, person_id LIMIT ${next}"));
        let query_area = query.area_of;
        let mut query = sqlx::query_as::<_, PersonRow>(sqlx::AssertSqlSafe(sql)).bind(org.0);
        if let Some((name, id)) = &after {
            query = query.bind(name.as_str()).bind(*id);
        }
        if let Some(pattern) = &pattern {
            query = query.bind(pattern.as_str());
        }
        if let Some(manager) = query_area {
            query = query.bind(manager.0);
        }
        let rows = query
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        let mut items = rows
            .into_iter()
            .map(Person::try_from)
            .collect::<Result<Vec<_>>>()?;
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|p| encode_cursor(&p.name, p.id.0))
        } else {
            None
        };
        Ok(PeoplePage { items, next_cursor })
    }

    /// Replaces a person's fields, if the stored version is still
    /// `expected_version`; `action` names the change in the audit log
    /// (`update`, `end_employment`).
    pub async fn update_person(
        &self,
        actor: &Actor,
        org: OrgId,
        id: PersonId,
        expected_version: i64,
        changes: &NewPerson,
        action: &'static str,
    ) -> Result<Person> {
        changes
            .validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let Some(before) = person_in(&mut tx, org, id).await? else {
            return Err(StoreError::NotFound {
                entity: "person",
                id: id.to_string(),
            });
        };
        if before.version != expected_version {
            return Err(StoreError::Conflict(format!(
                "{} was changed by someone else since you loaded it (version {} now, not {expected_version}); \
                 reload and try again",
                before.name, before.version
            )));
        }
        let after = self
            .write_person(&mut tx, &mut chain, org, &before, changes, action)
            .await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Writes `changes` over `before` in `tx` and records it on `chain`:
    /// the line manager must be a person of the organisation and not below
    /// this one, the email stays unique, and a login follows its person's
    /// email. For every writer of a person's fields (the register's edits,
    /// SCIM provisioning).
    pub(in super::super) async fn write_person(
        &self,
        tx: &mut Transaction<'static, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        before: &Person,
        changes: &NewPerson,
        action: &'static str,
    ) -> Result<Person> {
        let id = before.id;
        if let Some(manager) = changes.manager_id {
            // Walk up from the new manager: reaching this person would make a loop.
            let mut next = Some(manager);
            for _ in 0..MAX_MANAGER_DEPTH {
                let Some(current) = next else { break };
                if current == id {
                    return Err(StoreError::Invalid(
                        "that line manager reports to this person: it would make a loop".into(),
                    ));
                }
                let row: Option<(Option<Uuid>,)> = sqlx::query_as(
                    "SELECT manager_id FROM people WHERE org_id = $1 AND person_id = $2",
                )
                .bind(org.0)
                .bind(current.0)
                .fetch_optional(&mut **tx)
                .await?;
                match row {
                    Some((up,)) => next = up.map(PersonId),
                    None if current == manager => {
                        return Err(StoreError::Invalid(format!(
                            "the line manager {manager} is not a person of this organisation"
                        )));
                    }
                    None => break,
                }
            }
        }
        let after = Person {
            name: changes.name.trim().to_string(),
            email: changes.email.clone(),
            department: changes.department.clone(),
            manager_id: changes.manager_id,
            kind: changes.kind,
            start_date: changes.start_date,
            end_date: changes.end_date,
            updated_at: chain.at(),
            version: before.version + 1,
            ..before.clone()
        };
        sqlx::query(
            "UPDATE people SET name = $3, email = $4, department = $5, manager_id = $6, kind = $7, start_date = $8, \
             end_date = $9, updated_at = $10, version = $11 WHERE org_id = $1 AND person_id = $2",
        )
        .bind(org.0)
        .bind(id.0)
        .bind(&after.name)
        .bind(after.email.as_str())
        .bind(&after.department)
        .bind(after.manager_id.map(|m| m.0))
        .bind(after.kind.as_str())
        .bind(after.start_date)
        .bind(after.end_date)
        .bind(after.updated_at)
        .bind(after.version)
        .execute(&mut **tx)
        .await
        .map_err(StoreError::from)
        .map_err(StoreError::on_unique(format!("a person with the email {} already exists", after.email)))?;
        chain.record(Change {
            entity_type: "person",
            entity_id: id.to_string(),
            action,
            before: Some(before.audit_json()),
            after: Some(after.audit_json()),
        });
        if after.email != before.email {
            // Links mailed to the old address die with it.
            self.kill_links(tx, org, &[id], None, after.updated_at)
                .await?;
            // A login signs in with its person's email: it follows the person.
            let logins: Vec<super::super::rows::UserRow> = sqlx::query_as(
                "SELECT org_id, user_id, person_id, email, access_role, password_hash, created_at, disabled_at \
                 FROM users WHERE org_id = $1 AND person_id = $2",
            )
            .bind(org.0)
            .bind(id.0)
            .fetch_all(&mut **tx)
            .await?;
            for row in logins {
                let login = mandate_core::User::try_from(row)?;
                sqlx::query("UPDATE users SET email = $3 WHERE org_id = $1 AND user_id = $2")
                    .bind(org.0)
                    .bind(login.id.0)
                    .bind(after.email.as_str())
                    .execute(&mut **tx)
                    .await
                    .map_err(StoreError::from)
                    .map_err(StoreError::on_unique(format!(
                        "{} already has a login",
                        after.email
                    )))?;
                let moved = mandate_core::User {
                    email: after.email.clone(),
                    ..login.clone()
                };
                chain.record(Change::updated(
                    "user",
                    login.id,
                    login.audit_json(),
                    moved.audit_json(),
                ));
            }
        }
        Ok(after)
    }
}

/// A person as `tx` sees them.
pub(in super::super) async fn person_in(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    id: PersonId,
) -> Result<Option<Person>> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE org_id = $1 AND person_id = $2");
    let row: Option<PersonRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(Person::try_from).transpose()
}

/// `name` and `id` as an opaque string: hex, so it survives any URL.
fn encode_cursor(name: &str, id: Uuid) -> String {
    hex::encode(format!("{name}\u{1f}{id}"))
}

fn decode_cursor(cursor: &str) -> Result<(String, Uuid)> {
    let bad = || StoreError::Invalid("the cursor is not one this server gave out".into());
    let bytes = hex::decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (name, id) = text.rsplit_once('\u{1f}').ok_or_else(bad)?;
    Ok((name.to_string(), Uuid::parse_str(id).map_err(|_| bad())?))
}

/// Escapes LIKE's wildcards so a search for `50%` finds "50%" literally.
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The people of a line manager's area (the manager bound as `$manager`,
/// the organisation as `$1`): the manager and everyone below them. `UNION`
/// drops repeats, so a loop in the manager links ends.
pub(in super::super) fn area_sql(manager: usize) -> String {
    format!(
        "WITH RECURSIVE area(person_id) AS ( \
             SELECT person_id FROM people WHERE org_id = $1 AND person_id = ${manager} \
             UNION \
             SELECT p.person_id FROM people p JOIN area a ON p.manager_id = a.person_id \
             WHERE p.org_id = $1) \
         SELECT person_id FROM area"
    )
}
