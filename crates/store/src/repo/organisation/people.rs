//! People: one at a time, or thousands in one bulk import.

use super::super::Repo;
use super::super::batch::insert_rows;
use super::super::rows::PersonRow;
use crate::backend::ImportSummary;
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::import::ImportPlan;
use mandate_core::{Email, NewPerson, OrgId, Person, PersonId};

const PERSON_COLUMNS: &str = "org_id, person_id, name, email, department, manager_id, kind, start_date, end_date, created_at, updated_at, version";

/// Inserts new people and updates changed ones in one statement per batch.
/// An update only lands if the stored version is the one the plan was made
/// from, so a concurrent edit makes the row count fall short and the whole
/// import roll back instead of overwriting it.
const UPSERT: &str = " ON CONFLICT (org_id, email) DO UPDATE SET name = excluded.name, \
     department = excluded.department, manager_id = excluded.manager_id, kind = excluded.kind, \
     start_date = excluded.start_date, end_date = excluded.end_date, updated_at = excluded.updated_at, \
     version = excluded.version WHERE people.version = excluded.version - 1";

/// Every person of `org`, inside a transaction.
pub(in super::super) async fn load_people(
    tx: &mut super::super::Transaction<'static, super::super::Db>,
    org: OrgId,
) -> Result<Vec<Person>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {PERSON_COLUMNS} FROM people WHERE org_id = $1"
    ));
    let rows: Vec<PersonRow> = sqlx::query_as(sql).bind(org.0).fetch_all(&mut **tx).await?;
    rows.into_iter().map(Person::try_from).collect()
}

impl Repo {
    /// Every person of `org`, for planning an import, in the order they were
    /// recorded (identifiers are time-ordered): without an order the rows
    /// come in whatever order the index the planner picks gives them.
    pub async fn people_all(&self, org: OrgId) -> Result<Vec<Person>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE org_id = $1 ORDER BY person_id"
        ));
        let rows: Vec<PersonRow> = sqlx::query_as(sql)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(Person::try_from).collect()
    }

    pub async fn people_count(&self, org: OrgId) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people WHERE org_id = $1")
            .bind(org.0)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    pub async fn person_by_email(&self, org: OrgId, email: &Email) -> Result<Option<Person>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE org_id = $1 AND email = $2"
        ));
        let row: Option<PersonRow> = sqlx::query_as(sql)
            .bind(org.0)
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(Person::try_from).transpose()
    }

    /// A line manager's area: the manager and everyone who reports to them,
    /// directly or through others.
    pub async fn area_of(&self, org: OrgId, manager: PersonId) -> Result<Vec<PersonId>> {
        let sql = sqlx::AssertSqlSafe(super::super::people_edit::area_sql(2));
        let rows: Vec<(uuid::Uuid,)> = sqlx::query_as(sql)
            .bind(org.0)
            .bind(manager.0)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(id,)| PersonId(id)).collect())
    }

    pub async fn person(&self, org: OrgId, id: PersonId) -> Result<Option<Person>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE org_id = $1 AND person_id = $2"
        ));
        let row: Option<PersonRow> = sqlx::query_as(sql)
            .bind(org.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(Person::try_from).transpose()
    }

    pub async fn create_person(
        &self,
        actor: &Actor,
        org: OrgId,
        new: &NewPerson,
    ) -> Result<Person> {
        new.validate()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let person = insert_person(&mut tx, &mut chain, org, new).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(person)
    }

    /// Applies an import plan in one transaction: all of it, or nothing.
    /// `progress` is told how many people have been written so far.
    pub async fn import_people(
        &self,
        actor: &Actor,
        org: OrgId,
        plan: &ImportPlan,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<ImportSummary> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let mut rows: Vec<PersonRow> = Vec::with_capacity(plan.inserts.len() + plan.updates.len());
        for person in &plan.inserts {
            chain.record(Change::created("person", person.id, person.audit_json()));
            rows.push(PersonRow::from(person));
        }
        for (before, after) in &plan.updates {
            chain.record(Change::updated(
                "person",
                after.id,
                before.audit_json(),
                after.audit_json(),
            ));
            rows.push(PersonRow::from(after));
        }
        let mut done = 0;
        let written = insert_rows(&mut tx, &rows, UPSERT, |n| {
            done += n;
            progress(done);
        })
        .await?;
        if written != rows.len() as u64 {
            return Err(StoreError::Conflict(
                "people changed while the import ran; nothing was imported, run it again".into(),
            ));
        }
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        self.refresh_statistics(rows.len()).await;
        Ok(ImportSummary {
            created: plan.inserts.len(),
            updated: plan.updates.len(),
            unchanged: plan.unchanged,
        })
    }
}

impl Repo {
    /// The names of the given people (unknown ids are left out), for lists
    /// that name a few people among many.
    pub async fn person_names(
        &self,
        org: OrgId,
        ids: Vec<PersonId>,
    ) -> Result<std::collections::HashMap<PersonId, String>> {
        let mut names = std::collections::HashMap::new();
        let mut ids = ids;
        ids.sort();
        ids.dedup();
        for chunk in ids.chunks(500) {
            let placeholders: Vec<String> =
                (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT person_id, name FROM people WHERE org_id = $1 AND person_id IN ({})",
                placeholders.join(", ")
            );
            let mut query =
                sqlx::query_as::<_, (uuid::Uuid, String)>(sqlx::AssertSqlSafe(sql)).bind(org.0);
            for id in chunk {
                query = query.bind(id.0);
            }
            for (id, name) in query.fetch_all(&self.pool).await? {
                names.insert(PersonId(id), name);
            }
        }
        Ok(names)
    }
}

/// A new person of the register in `tx`, recorded on `chain`: the line
/// manager must be a person of the organisation, the email unused. For the
/// register's own form and for SCIM provisioning.
pub(in super::super) async fn insert_person(
    tx: &mut sqlx::Transaction<'static, super::super::Db>,
    chain: &mut super::super::audit::Appender<'_>,
    org: OrgId,
    new: &NewPerson,
) -> Result<Person> {
    if let Some(manager) = new.manager_id {
        // Select a column, not a literal: `1` is INT4 on PostgreSQL and INTEGER on SQLite.
        let found: Option<(uuid::Uuid,)> =
            sqlx::query_as("SELECT person_id FROM people WHERE org_id = $1 AND person_id = $2")
                .bind(org.0)
                .bind(manager.0)
                .fetch_optional(&mut **tx)
                .await?;
        if found.is_none() {
            return Err(StoreError::Invalid(format!(
                "the line manager {manager} is not a person of this organisation"
            )));
        }
    }
    let person = Person {
        id: PersonId::new(),
        org_id: org,
        name: new.name.trim().to_string(),
        email: new.email.clone(),
        department: new.department.clone(),
        manager_id: new.manager_id,
        kind: new.kind,
        start_date: new.start_date,
        end_date: new.end_date,
        created_at: chain.at(),
        updated_at: chain.at(),
        version: 1,
    };
    insert_rows(tx, &[PersonRow::from(&person)], "", |_| {})
        .await
        .map_err(StoreError::on_unique(format!(
            "a person with the email {} already exists",
            person.email
        )))?;
    chain.record(Change::created("person", person.id, person.audit_json()));
    Ok(person)
}
