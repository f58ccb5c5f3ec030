//! Assignments: a person holds a role from a day to a day, assigned by
//! someone entitled to, with an optional deputy and a share of their time;
//! the holder acknowledges the responsibilities and authorities shown to them.

use super::segregation::{Holding, RoleId};
use crate::ids::{OrgId, PersonId, UserId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// What the assigner fills in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentTerms {
    pub role_id: RoleId,
    pub person_id: PersonId,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub deputy_id: Option<PersonId>,
    /// Share of the holder's time for the role, in per cent.
    pub capacity_percent: Option<u8>,
}

impl AssignmentTerms {
    pub fn validated(self) -> Result<Self, String> {
        if self.ends_on.is_some_and(|end| end < self.starts_on) {
            return Err("ends_on: an assignment ends on or after the day it starts".into());
        }
        if self.deputy_id == Some(self.person_id) {
            return Err("deputy_id: the holder cannot be their own deputy".into());
        }
        if self.capacity_percent.is_some_and(|c| c == 0 || c > 100) {
            return Err("capacity_percent: from 1 to 100".into());
        }
        Ok(self)
    }

    pub fn holding(&self) -> Holding {
        Holding {
            person: self.person_id,
            role: self.role_id,
            from: self.starts_on,
            until: self.ends_on,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: Uuid,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub terms: AssignmentTerms,
    pub assigned_by: UserId,
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    /// The SHA-256 of the role's text (`answer::role_text`) the holder
    /// answered, accepting or declining.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_sha256: Option<String>,
    /// When the holder declined the role, and why.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub declined_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub decline_reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl Assignment {
    /// A new assignment on `terms`, made by `assigned_by` at `at`, not yet
    /// answered by its holder.
    pub fn new(
        org_id: OrgId,
        terms: AssignmentTerms,
        assigned_by: UserId,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            org_id,
            terms,
            assigned_by,
            acknowledged_at: None,
            acknowledged_sha256: None,
            declined_at: None,
            decline_reason: String::new(),
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    pub fn current_on(&self, day: Date) -> bool {
        self.terms.holding().current_on(day)
    }

    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn terms_are_checked() {
        let person = PersonId::new();
        let terms = AssignmentTerms {
            role_id: Uuid::now_v7(),
            person_id: person,
            starts_on: date!(2026 - 01 - 01),
            ends_on: Some(date!(2026 - 12 - 31)),
            deputy_id: None,
            capacity_percent: Some(20),
        };
        assert!(terms.clone().validated().is_ok());
        let backwards = AssignmentTerms {
            ends_on: Some(date!(2025 - 12 - 31)),
            ..terms.clone()
        };
        assert!(
            backwards
                .validated()
                .expect_err("refused")
                .starts_with("ends_on")
        );
        let own_deputy = AssignmentTerms {
            deputy_id: Some(person),
            ..terms.clone()
        };
        assert!(
            own_deputy
                .validated()
                .expect_err("refused")
                .starts_with("deputy_id")
        );
        let too_much = AssignmentTerms {
            capacity_percent: Some(101),
            ..terms
        };
        assert!(too_much.validated().is_err());
    }
}
