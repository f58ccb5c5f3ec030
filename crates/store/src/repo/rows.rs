//! Rows as the database holds them, and their conversion to domain types.
//! Conversions that can fail (a stored value no longer parses) report
//! `StoreError::Corrupt` rather than panicking.

use crate::error::{Result, StoreError};
use mandate_core::audit::{AuditEvent, Checkpoint, Head};
use mandate_core::{AccessRole, Email, OrgId, Organisation, Person, PersonId, Slug, User, UserId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(sqlx::FromRow, Serialize, Deserialize)]
pub struct OrgRow {
    pub org_id: Uuid,
    pub slug: String,
    pub name: String,
    pub purpose: String,
    pub scope_statement: String,
    pub strategic_goals: String,
    pub fiscal_year_start_month: i32,
    pub created_at: OffsetDateTime,
    pub version: i64,
}

impl TryFrom<OrgRow> for Organisation {
    type Error = StoreError;
    fn try_from(r: OrgRow) -> Result<Self> {
        Ok(Organisation {
            id: OrgId(r.org_id),
            slug: Slug::parse(&r.slug).map_err(StoreError::corrupt)?,
            name: r.name,
            purpose: r.purpose,
            scope_statement: r.scope_statement,
            strategic_goals: serde_json::from_str(&r.strategic_goals)
                .map_err(StoreError::corrupt)?,
            fiscal_year_start_month: u8::try_from(r.fiscal_year_start_month)
                .map_err(StoreError::corrupt)?,
            created_at: r.created_at,
            version: r.version,
        })
    }
}

#[derive(sqlx::FromRow, Serialize, Deserialize)]
pub struct PersonRow {
    pub org_id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub email: String,
    pub department: Option<String>,
    pub manager_id: Option<Uuid>,
    pub kind: String,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl TryFrom<PersonRow> for Person {
    type Error = StoreError;
    fn try_from(r: PersonRow) -> Result<Self> {
        Ok(Person {
            id: PersonId(r.person_id),
            org_id: OrgId(r.org_id),
            name: r.name,
            email: Email::parse(&r.email).map_err(StoreError::corrupt)?,
            department: r.department,
            manager_id: r.manager_id.map(PersonId),
            kind: r.kind.parse().map_err(StoreError::corrupt)?,
            start_date: r.start_date,
            end_date: r.end_date,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

impl From<&Person> for PersonRow {
    fn from(p: &Person) -> Self {
        PersonRow {
            org_id: p.org_id.0,
            person_id: p.id.0,
            name: p.name.clone(),
            email: p.email.to_string(),
            department: p.department.clone(),
            manager_id: p.manager_id.map(|m| m.0),
            kind: p.kind.as_str().to_string(),
            start_date: p.start_date,
            end_date: p.end_date,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

#[derive(sqlx::FromRow, Serialize, Deserialize)]
pub struct UserRow {
    pub org_id: Uuid,
    pub user_id: Uuid,
    pub person_id: Uuid,
    pub email: String,
    pub access_role: String,
    pub password_hash: Option<String>,
    pub created_at: OffsetDateTime,
    pub disabled_at: Option<OffsetDateTime>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self> {
        Ok(User {
            id: UserId(r.user_id),
            org_id: OrgId(r.org_id),
            person_id: PersonId(r.person_id),
            email: Email::parse(&r.email).map_err(StoreError::corrupt)?,
            access_role: r
                .access_role
                .parse::<AccessRole>()
                .map_err(StoreError::corrupt)?,
            created_at: r.created_at,
            disabled_at: r.disabled_at,
        })
    }
}

#[derive(sqlx::FromRow, Serialize, Deserialize)]
pub struct EventRow {
    pub org_id: Uuid,
    pub seq: i64,
    pub occurred_at: OffsetDateTime,
    pub actor: String,
    pub entity_type: String,
    pub entity_id: String,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl From<EventRow> for AuditEvent {
    fn from(r: EventRow) -> Self {
        AuditEvent {
            org_id: OrgId(r.org_id),
            seq: r.seq,
            occurred_at: r.occurred_at,
            actor: r.actor,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            action: r.action,
            before: r.before_json,
            after: r.after_json,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

impl From<&AuditEvent> for EventRow {
    fn from(e: &AuditEvent) -> Self {
        EventRow {
            org_id: e.org_id.0,
            seq: e.seq,
            occurred_at: e.occurred_at,
            actor: e.actor.clone(),
            entity_type: e.entity_type.clone(),
            entity_id: e.entity_id.clone(),
            action: e.action.clone(),
            before_json: e.before.clone(),
            after_json: e.after.clone(),
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
        }
    }
}

#[derive(sqlx::FromRow, Serialize, Deserialize)]
pub struct CheckpointRow {
    pub org_id: Uuid,
    pub seq: i64,
    pub head_hash: String,
    pub created_at: OffsetDateTime,
    pub public_key: String,
    pub signature: String,
}

impl From<CheckpointRow> for Checkpoint {
    fn from(r: CheckpointRow) -> Self {
        Checkpoint {
            org_id: OrgId(r.org_id),
            seq: r.seq,
            head_hash: r.head_hash,
            created_at: r.created_at,
            public_key: r.public_key,
            signature: r.signature,
        }
    }
}

impl From<&Checkpoint> for CheckpointRow {
    fn from(c: &Checkpoint) -> Self {
        CheckpointRow {
            org_id: c.org_id.0,
            seq: c.seq,
            head_hash: c.head_hash.clone(),
            created_at: c.created_at,
            public_key: c.public_key.clone(),
            signature: c.signature.clone(),
        }
    }
}

#[derive(sqlx::FromRow, Serialize, Deserialize)]
pub struct HeadRow {
    pub org_id: Uuid,
    pub seq: i64,
    pub head_hash: String,
    pub updated_at: OffsetDateTime,
    pub public_key: String,
    pub signature: String,
}

impl From<HeadRow> for Head {
    fn from(r: HeadRow) -> Self {
        Head {
            org_id: OrgId(r.org_id),
            seq: r.seq,
            head_hash: r.head_hash,
            updated_at: r.updated_at,
            public_key: r.public_key,
            signature: r.signature,
        }
    }
}

impl From<&Head> for HeadRow {
    fn from(h: &Head) -> Self {
        HeadRow {
            org_id: h.org_id.0,
            seq: h.seq,
            head_hash: h.head_hash.clone(),
            updated_at: h.updated_at,
            public_key: h.public_key.clone(),
            signature: h.signature.clone(),
        }
    }
}

#[derive(sqlx::FromRow, Serialize, Deserialize)]
pub struct TokenRow {
    pub org_id: Uuid,
    pub token_id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub token_hash: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<TokenRow> for mandate_core::token::ApiToken {
    fn from(r: TokenRow) -> Self {
        mandate_core::token::ApiToken {
            id: r.token_id,
            org_id: OrgId(r.org_id),
            user_id: UserId(r.user_id),
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}
