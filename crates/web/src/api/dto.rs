//! The API's request and response shapes. They are separate from the domain
//! types so the domain can change without breaking clients, and so `core`
//! stays free of web concerns.

use mandate_core::token::ApiToken;
use mandate_core::{Organisation, Person, User};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub department: Option<String>,
    pub manager_id: Option<Uuid>,
    /// `employee`, `contractor` or `supplier`.
    pub kind: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub start_date: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<Date>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    /// Send it back with a change; a stale version is refused with 409.
    pub version: i64,
}

impl From<Person> for PersonOut {
    fn from(p: Person) -> Self {
        Self {
            id: p.id.0,
            name: p.name,
            email: p.email.to_string(),
            department: p.department,
            manager_id: p.manager_id.map(|m| m.0),
            kind: p.kind.as_str().to_string(),
            start_date: p.start_date,
            end_date: p.end_date,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

/// A new person.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonIn {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub manager_id: Option<Uuid>,
    /// `employee` (default), `contractor` or `supplier`.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub start_date: Option<Date>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<Date>,
}

/// A person's fields, replaced whole, with the version they were read at.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonUpdate {
    pub version: i64,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub manager_id: Option<Uuid>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub start_date: Option<Date>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<Date>,
}

/// Ends a person's employment on a date (their last working day).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndEmployment {
    pub version: i64,
    #[schema(value_type = String, format = Date)]
    pub end_date: Date,
}

#[derive(Serialize, ToSchema)]
pub struct PeoplePage {
    pub items: Vec<PersonOut>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationOut {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub purpose: String,
    pub scope_statement: String,
    pub strategic_goals: Vec<String>,
    pub fiscal_year_start_month: u8,
    pub version: i64,
}

impl From<Organisation> for OrganisationOut {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id.0,
            slug: o.slug.to_string(),
            name: o.name,
            purpose: o.purpose,
            scope_statement: o.scope_statement,
            strategic_goals: o.strategic_goals,
            fiscal_year_start_month: o.fiscal_year_start_month,
            version: o.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationUpdate {
    pub version: i64,
    pub name: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub scope_statement: String,
    #[serde(default)]
    pub strategic_goals: Vec<String>,
    pub fiscal_year_start_month: u8,
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: Uuid,
    pub person_id: Uuid,
    pub email: String,
    /// admin, isms_manager, top_management, manager, staff or auditor.
    pub access_role: String,
    pub disabled: bool,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        Self {
            id: u.id.0,
            person_id: u.person_id.0,
            email: u.email.to_string(),
            access_role: u.access_role.to_string(),
            disabled: u.disabled_at.is_some(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub user: UserOut,
    pub person: Option<PersonOut>,
    pub organisation: OrganisationOut,
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub id: Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked: bool,
}

impl From<ApiToken> for TokenOut {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked: t.revoked_at.is_some(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    pub name: String,
}

/// A new token: `secret` is shown this once and never again.
#[derive(Serialize, ToSchema)]
pub struct TokenCreated {
    pub token: TokenOut,
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEventOut {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    pub actor: String,
    pub entity_type: String,
    pub entity_id: String,
    pub action: String,
    /// The record before the change, as stored (canonical JSON).
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub hash: String,
}

impl From<mandate_core::audit::AuditEvent> for AuditEventOut {
    fn from(e: mandate_core::audit::AuditEvent) -> Self {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        Self {
            seq: e.seq,
            occurred_at: e.occurred_at,
            actor: e.actor,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            action: e.action,
            before: parse(e.before),
            after: parse(e.after),
            hash: e.hash,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditPageOut {
    pub items: Vec<AuditEventOut>,
    pub next_cursor: Option<String>,
}

/// A new login for a person of the organisation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIn {
    pub person_id: Uuid,
    /// admin, isms_manager, top_management, manager, staff or auditor.
    pub access_role: String,
    /// The first password (at least 12 characters); the user changes it.
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    pub access_role: String,
    /// A disabled login cannot sign in, and its sessions and tokens stop working.
    pub disabled: bool,
}
