//! Organisations: created with their audit chain, whose first event is the
//! organisation's own creation.

use super::super::Repo;
use super::super::batch::insert_rows;
use super::super::rows::{OrgRow, PersonRow};
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::timefmt::now;
use mandate_core::{NewOrganisation, NewUser, OrgId, Organisation, Person, Slug};

const ORG_COLUMNS: &str = "org_id, slug, name, purpose, scope_statement, strategic_goals, fiscal_year_start_month, created_at, version";

impl Repo {
    /// Creates an organisation with its first people and logins, all in one
    /// transaction: `mandate init` and the demo never leave half an
    /// organisation behind.
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        new: &NewOrganisation,
        people: &[Person],
        users: &[NewUser],
    ) -> Result<Organisation> {
        let org = Organisation {
            id: new.id,
            slug: new.slug.clone(),
            name: new.name.clone(),
            purpose: new.purpose.clone(),
            scope_statement: new.scope_statement.clone(),
            strategic_goals: new.strategic_goals.clone(),
            fiscal_year_start_month: new.fiscal_year_start_month,
            created_at: now(),
            version: 1,
        };
        let row = OrgRow {
            org_id: org.id.0,
            slug: org.slug.to_string(),
            name: org.name.clone(),
            purpose: org.purpose.clone(),
            scope_statement: org.scope_statement.clone(),
            strategic_goals: serde_json::to_string(&org.strategic_goals)
                .map_err(StoreError::corrupt)?,
            fiscal_year_start_month: i32::from(org.fiscal_year_start_month),
            created_at: org.created_at,
            version: org.version,
        };
        let mut chain = self.new_chain(org.id, actor, org.created_at)?;
        let mut tx = self.begin_write().await?;
        insert_rows(&mut tx, &[row], "", |_| {})
            .await
            .map_err(StoreError::on_unique(format!(
                "an organisation with the slug {:?} already exists",
                org.slug.as_str()
            )))?;
        chain.record(Change::created("organisation", org.id, org.audit_json()));
        if people.iter().any(|p| p.org_id != org.id) {
            return Err(StoreError::Invalid(
                "people planned for another organisation".into(),
            ));
        }
        let rows: Vec<PersonRow> = people.iter().map(PersonRow::from).collect();
        insert_rows(&mut tx, &rows, "", |_| {})
            .await
            .map_err(StoreError::on_unique("two people share an email"))?;
        for person in people {
            chain.record(Change::created("person", person.id, person.audit_json()));
        }
        for user in users {
            self.insert_user(&mut tx, &mut chain, org.id, user).await?;
        }
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        self.refresh_statistics(people.len()).await;
        Ok(org)
    }

    pub async fn organisation_by_slug(&self, slug: &Slug) -> Result<Option<Organisation>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ORG_COLUMNS} FROM organisations WHERE slug = $1"
        ));
        let row: Option<OrgRow> = sqlx::query_as(sql)
            .bind(slug.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(Organisation::try_from).transpose()
    }

    pub async fn organisation(&self, id: OrgId) -> Result<Option<Organisation>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ORG_COLUMNS} FROM organisations WHERE org_id = $1"
        ));
        let row: Option<OrgRow> = sqlx::query_as(sql)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(Organisation::try_from).transpose()
    }

    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ORG_COLUMNS} FROM organisations ORDER BY slug"
        ));
        let rows: Vec<OrgRow> = sqlx::query_as(sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(Organisation::try_from).collect()
    }
}

impl Repo {
    /// Changes an organisation's settings, if its version is still `expected_version`.
    pub async fn update_organisation(
        &self,
        actor: &Actor,
        org: OrgId,
        expected_version: i64,
        changes: &crate::backend::OrganisationChanges,
    ) -> Result<Organisation> {
        if changes.name.trim().is_empty() {
            return Err(StoreError::Invalid("the organisation needs a name".into()));
        }
        if !(1..=12).contains(&changes.fiscal_year_start_month) {
            return Err(StoreError::Invalid(
                "the fiscal year start month must be 1 to 12".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ORG_COLUMNS} FROM organisations WHERE org_id = $1"
        ));
        let row: Option<OrgRow> = sqlx::query_as(sql)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?;
        let before = row
            .map(Organisation::try_from)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound {
                entity: "organisation",
                id: org.to_string(),
            })?;
        if before.version != expected_version {
            return Err(StoreError::Conflict(format!(
                "the organisation's settings were changed by someone else (version {} now, not {expected_version}); \
                 reload and try again",
                before.version
            )));
        }
        let goals: Vec<String> = changes
            .strategic_goals
            .iter()
            .map(|g| g.trim().to_string())
            .filter(|g| !g.is_empty())
            .collect();
        let after = Organisation {
            name: changes.name.trim().to_string(),
            purpose: changes.purpose.trim().to_string(),
            scope_statement: changes.scope_statement.trim().to_string(),
            strategic_goals: goals,
            fiscal_year_start_month: changes.fiscal_year_start_month,
            version: before.version + 1,
            ..before.clone()
        };
        sqlx::query(
            "UPDATE organisations SET name = $2, purpose = $3, scope_statement = $4, strategic_goals = $5, \
             fiscal_year_start_month = $6, version = $7 WHERE org_id = $1",
        )
        .bind(org.0)
        .bind(&after.name)
        .bind(&after.purpose)
        .bind(&after.scope_statement)
        .bind(serde_json::to_string(&after.strategic_goals).map_err(StoreError::corrupt)?)
        .bind(i32::from(after.fiscal_year_start_month))
        .bind(after.version)
        .execute(&mut *tx)
        .await?;
        chain.record(Change::updated(
            "organisation",
            org,
            before.audit_json(),
            after.audit_json(),
        ));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }
}
