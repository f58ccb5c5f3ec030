//! Delegation: a task of a role handed to a person or a supplier for a
//! while. The holder of the role stays accountable and named.

use crate::ids::{OrgId, PersonId, UserId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationTerms {
    /// The holder's assignment the task comes from.
    pub assignment_id: Uuid,
    pub task: String,
    /// A person of the register (an employee, or a supplier's contact)...
    pub delegate_id: Option<PersonId>,
    /// ...or a supplier named without a contact in the register.
    pub supplier: Option<String>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
}

impl DelegationTerms {
    pub fn validated(mut self) -> Result<Self, String> {
        self.task = self.task.trim().to_string();
        self.supplier = self
            .supplier
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if self.task.is_empty() || self.task.chars().count() > 500 {
            return Err("task: say what is delegated, in at most 500 characters".into());
        }
        if self.delegate_id.is_some() == self.supplier.is_some() {
            return Err("delegate_id: delegate to one person or one supplier".into());
        }
        if self.ends_on.is_some_and(|end| end < self.starts_on) {
            return Err("ends_on: a delegation ends on or after the day it starts".into());
        }
        Ok(self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    pub id: Uuid,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub terms: DelegationTerms,
    pub created_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl Delegation {
    pub fn current_on(&self, day: Date) -> bool {
        self.terms.starts_on <= day && self.terms.ends_on.is_none_or(|end| day <= end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_delegation_goes_to_one_person_or_one_supplier() {
        let terms = DelegationTerms {
            assignment_id: Uuid::now_v7(),
            task: " Run the quarterly access review ".into(),
            delegate_id: Some(PersonId::new()),
            supplier: Some("  ".into()),
            starts_on: date!(2026 - 01 - 01),
            ends_on: None,
        };
        let ok = terms.clone().validated().expect("valid");
        assert_eq!(
            (ok.task.as_str(), ok.supplier),
            ("Run the quarterly access review", None)
        );
        let both = DelegationTerms {
            supplier: Some("Northwind Hosting".into()),
            ..terms.clone()
        };
        assert!(both.validated().is_err());
        let neither = DelegationTerms {
            delegate_id: None,
            supplier: None,
            ..terms
        };
        assert!(
            neither
                .validated()
                .expect_err("refused")
                .starts_with("delegate_id")
        );
    }
}
