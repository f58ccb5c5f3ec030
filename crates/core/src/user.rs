//! Login accounts. A user is always a person of the organisation, so what they
//! do is attributable to someone the ISMS knows.

use crate::access::AccessRole;
use crate::email::Email;
use crate::ids::{OrgId, PersonId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub org_id: OrgId,
    pub person_id: PersonId,
    pub email: Email,
    pub access_role: AccessRole,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub disabled_at: Option<OffsetDateTime>,
}

impl User {
    /// The audited shape: never the password hash.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "person_id": self.person_id,
            "email": self.email,
            "access_role": self.access_role,
            "disabled": self.disabled_at.is_some(),
        })
    }
}

/// A login to create for an existing (or simultaneously created) person.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub person_id: PersonId,
    pub access_role: AccessRole,
    /// An argon2id PHC string, or `None` for an account without a password yet.
    pub password_hash: Option<String>,
}
