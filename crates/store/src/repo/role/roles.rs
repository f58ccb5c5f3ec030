//! The role catalogue: roles created, edited and listed, and the starter
//! catalogue installed for a new organisation.

use super::super::audit::Appender;
use super::super::batch::insert_rows;
use super::super::row_type::{columns, json, row_type};
use super::super::{Db, Repo};
use crate::error::{Result, StoreError};
use mandate_core::OrgId;
use mandate_core::audit::{Actor, Change};
use mandate_core::roles::{Role, RoleFields, RoleId, starter_catalogue};
use sqlx::Transaction;
use time::OffsetDateTime;
use uuid::Uuid;

row_type!(RoleRow in "roles" {
    org_id: Uuid,
    role_id: Uuid,
    name: String,
    purpose: String,
    responsibilities: String,
    authorities: String,
    reports_to: Option<Uuid>,
    top_management: bool,
    conformance_owner: bool,
    performance_reporter: bool,
    required_training: String,
    incompatible_with: String,
    critical: bool,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
});

impl From<&Role> for RoleRow {
    fn from(r: &Role) -> Self {
        let f = &r.fields;
        RoleRow {
            org_id: r.org_id.0,
            role_id: r.id,
            name: f.name.clone(),
            purpose: f.purpose.clone(),
            responsibilities: json(&f.responsibilities),
            authorities: json(&f.authorities),
            reports_to: f.reports_to,
            top_management: f.top_management,
            conformance_owner: f.conformance_owner,
            performance_reporter: f.performance_reporter,
            required_training: json(&f.required_training),
            incompatible_with: json(&f.incompatible_with),
            critical: f.critical,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

impl TryFrom<RoleRow> for Role {
    type Error = StoreError;
    fn try_from(r: RoleRow) -> Result<Self> {
        let list = |text: &str| serde_json::from_str(text).map_err(StoreError::corrupt);
        Ok(Role {
            id: r.role_id,
            org_id: OrgId(r.org_id),
            fields: RoleFields {
                name: r.name,
                purpose: r.purpose,
                responsibilities: list(&r.responsibilities)?,
                authorities: serde_json::from_str(&r.authorities).map_err(StoreError::corrupt)?,
                reports_to: r.reports_to,
                top_management: r.top_management,
                conformance_owner: r.conformance_owner,
                performance_reporter: r.performance_reporter,
                required_training: list(&r.required_training)?,
                incompatible_with: serde_json::from_str(&r.incompatible_with)
                    .map_err(StoreError::corrupt)?,
                critical: r.critical,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

pub(in super::super) async fn load_roles(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
) -> Result<Vec<Role>> {
    let sql = format!(
        "SELECT {} FROM roles WHERE org_id = $1 ORDER BY name, role_id",
        columns(RoleRow::SELECT)
    );
    let rows: Vec<RoleRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(Role::try_from).collect()
}

/// The references a role makes must name roles of the catalogue, and the
/// reporting line must not loop.
fn check_references(id: RoleId, fields: &RoleFields, others: &[Role]) -> Result<()> {
    let known = |r: &RoleId| *r == id || others.iter().any(|o| o.id == *r);
    if let Some(up) = fields.reports_to.filter(|r| !known(r)) {
        return Err(StoreError::Invalid(format!(
            "reports_to: there is no role {up} in this organisation"
        )));
    }
    if let Some(other) = fields.incompatible_with.iter().find(|r| !known(r)) {
        return Err(StoreError::Invalid(format!(
            "incompatible_with: there is no role {other} in this organisation"
        )));
    }
    let mut next = fields.reports_to;
    for _ in 0..=others.len() {
        match next {
            Some(up) if up == id => {
                return Err(StoreError::Invalid(
                    "reports_to: the reporting line would come back to this role".into(),
                ));
            }
            Some(up) => {
                next = others
                    .iter()
                    .find(|o| o.id == up)
                    .and_then(|o| o.fields.reports_to)
            }
            None => break,
        }
    }
    Ok(())
}

fn name_taken(name: &str) -> impl FnOnce(StoreError) -> StoreError {
    StoreError::on_unique(format!("name: there is already a role called {name:?}"))
}

impl Repo {
    async fn insert_role(
        &self,
        tx: &mut Transaction<'_, Db>,
        chain: &mut Appender<'_>,
        org: OrgId,
        id: RoleId,
        fields: RoleFields,
        others: &[Role],
    ) -> Result<Role> {
        let fields = fields.validated(id).map_err(StoreError::Invalid)?;
        check_references(id, &fields, others)?;
        let role = Role {
            id,
            org_id: org,
            fields,
            created_at: chain.at(),
            updated_at: chain.at(),
            version: 1,
        };
        insert_rows(tx, &[RoleRow::from(&role)], "", |_| {})
            .await
            .map_err(name_taken(&role.fields.name))?;
        chain.record(Change::created("role", role.id, role.audit_json()));
        Ok(role)
    }

    /// Creates a role on behalf of `editor`; giving it authorities takes the
    /// authority to approve role assignments (or the bootstrap of a new organisation).
    pub async fn create_role(
        &self,
        actor: &Actor,
        org: OrgId,
        editor: mandate_core::UserId,
        fields: RoleFields,
    ) -> Result<Role> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let others = load_roles(&mut tx, org).await?;
        if !fields.authorities.is_empty() {
            super::super::decision_authority::check_assigning_authority(
                &mut tx,
                org,
                editor,
                &others,
                chain.at().date(),
            )
            .await?;
        }
        let role = self
            .insert_role(&mut tx, &mut chain, org, Uuid::now_v7(), fields, &others)
            .await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(role)
    }

    /// Replaces a role's fields if its version is still `expected_version`.
    pub async fn update_role(
        &self,
        actor: &Actor,
        org: OrgId,
        editor: mandate_core::UserId,
        id: RoleId,
        expected_version: i64,
        fields: RoleFields,
    ) -> Result<Role> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let all = load_roles(&mut tx, org).await?;
        let mut others = all.clone();
        let position =
            others
                .iter()
                .position(|r| r.id == id)
                .ok_or_else(|| StoreError::NotFound {
                    entity: "role",
                    id: id.to_string(),
                })?;
        let before = others.remove(position);
        if before.version != expected_version {
            return Err(StoreError::Conflict(format!(
                "the role was changed by someone else (version {} now, {expected_version} expected): reload and try again",
                before.version
            )));
        }
        let fields = fields.validated(id).map_err(StoreError::Invalid)?;
        check_references(id, &fields, &others)?;
        // Changing what a role may decide is itself a decision about authority.
        if fields.authorities != before.fields.authorities {
            super::super::decision_authority::check_assigning_authority(
                &mut tx,
                org,
                editor,
                &all,
                chain.at().date(),
            )
            .await?;
        }
        let after = Role {
            fields,
            updated_at: chain.at(),
            version: before.version + 1,
            ..before.clone()
        };
        let row = RoleRow::from(&after);
        sqlx::query(
            "UPDATE roles SET name = $3, purpose = $4, responsibilities = $5, authorities = $6, reports_to = $7, \
             top_management = $8, conformance_owner = $9, performance_reporter = $10, required_training = $11, \
             incompatible_with = $12, critical = $13, updated_at = $14, version = $15 \
             WHERE org_id = $1 AND role_id = $2",
        )
        .bind(row.org_id)
        .bind(row.role_id)
        .bind(&row.name)
        .bind(&row.purpose)
        .bind(&row.responsibilities)
        .bind(&row.authorities)
        .bind(row.reports_to)
        .bind(row.top_management)
        .bind(row.conformance_owner)
        .bind(row.performance_reporter)
        .bind(&row.required_training)
        .bind(&row.incompatible_with)
        .bind(row.critical)
        .bind(row.updated_at)
        .bind(row.version)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)
        .map_err(name_taken(&row.name))?;
        chain.record(Change::updated(
            "role",
            id,
            before.audit_json(),
            after.audit_json(),
        ));
        // Holders answered for the role as it read; a new text asks again.
        let text = mandate_core::roles::answer::role_text_sha256(&after.fields);
        if text != mandate_core::roles::answer::role_text_sha256(&before.fields) {
            super::super::assignments::ask_holders_again(&mut tx, &mut chain, org, id, &text)
                .await?;
        }
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The organisation's roles, by name.
    pub async fn roles(&self, org: OrgId) -> Result<Vec<Role>> {
        let mut tx = self.begin_snapshot().await?;
        load_roles(&mut tx, org).await
    }

    /// Installs the starter catalogue, with the starter RACI matrix, in an
    /// organisation that has no roles yet; returns how many roles were added
    /// (none if it already had roles).
    pub async fn install_starter_roles(&self, actor: &Actor, org: OrgId) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        if !load_roles(&mut tx, org).await?.is_empty() {
            return Ok(0);
        }
        let catalogue = starter_catalogue();
        // Every starter role may name every other, so all are known up front.
        let known: Vec<Role> = catalogue
            .iter()
            .map(|(id, fields)| Role {
                id: *id,
                org_id: org,
                fields: fields.clone(),
                created_at: chain.at(),
                updated_at: chain.at(),
                version: 1,
            })
            .collect();
        for (id, fields) in &catalogue {
            self.insert_role(&mut tx, &mut chain, org, *id, fields.clone(), &known)
                .await?;
        }
        let role_named = |name: &str| {
            catalogue
                .iter()
                .find(|(_, f)| f.name == name)
                .map(|(id, _)| *id)
        };
        self.install_starter_matrix(&mut tx, &mut chain, org, role_named)
            .await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(catalogue.len())
    }
}
