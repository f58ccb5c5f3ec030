//! People: employees and third parties (contractors, suppliers) whose
//! acknowledgements, roles and training the ISMS tracks.

use crate::email::Email;
use crate::ids::{OrgId, PersonId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::{Date, OffsetDateTime};

/// Internal personnel or a third party; policies and training may address
/// them differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    #[default]
    Employee,
    Contractor,
    Supplier,
}

impl PersonKind {
    pub const ALL: [PersonKind; 3] = [
        PersonKind::Employee,
        PersonKind::Contractor,
        PersonKind::Supplier,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PersonKind::Employee => "employee",
            PersonKind::Contractor => "contractor",
            PersonKind::Supplier => "supplier",
        }
    }

    /// Contractors and suppliers are third parties (CLAUSE5: internal or third party).
    pub fn is_third_party(self) -> bool {
        self != PersonKind::Employee
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not a kind of person (expected employee, contractor or supplier)")]
pub struct UnknownPersonKind(pub String);

impl FromStr for PersonKind {
    type Err = UnknownPersonKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_lowercase();
        match lower.as_str() {
            "employee" | "internal" => Ok(PersonKind::Employee),
            "contractor" => Ok(PersonKind::Contractor),
            "supplier" => Ok(PersonKind::Supplier),
            _ => Err(UnknownPersonKind(s.to_string())),
        }
    }
}

impl fmt::Display for PersonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub org_id: OrgId,
    pub name: String,
    pub email: Email,
    pub department: Option<String>,
    pub manager_id: Option<PersonId>,
    pub kind: PersonKind,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl Person {
    /// Employed (or engaged) on `day`: started on or before it and not yet ended.
    /// The end date is the last working day.
    pub fn is_active_on(&self, day: Date) -> bool {
        self.start_date.is_none_or(|s| s <= day) && self.end_date.is_none_or(|e| e >= day)
    }

    /// The fields a person's record is audited with, in a stable shape.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "department": self.department,
            "manager_id": self.manager_id,
            "kind": self.kind,
            "start_date": self.start_date.map(|d| d.to_string()),
            "end_date": self.end_date.map(|d| d.to_string()),
            "version": self.version,
        })
    }
}

/// The editable fields of a person, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPerson {
    pub name: String,
    pub email: Email,
    pub department: Option<String>,
    pub manager_id: Option<PersonId>,
    pub kind: PersonKind,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidPerson {
    #[error("the name is empty")]
    EmptyName,
    #[error("the name is longer than 200 characters")]
    NameTooLong,
    #[error("the end date {end} is before the start date {start}")]
    EndBeforeStart { start: Date, end: Date },
    #[error("a person cannot be their own line manager")]
    OwnManager,
}

impl NewPerson {
    pub fn validate(&self) -> Result<(), InvalidPerson> {
        if self.name.trim().is_empty() {
            return Err(InvalidPerson::EmptyName);
        }
        if self.name.chars().count() > 200 {
            return Err(InvalidPerson::NameTooLong);
        }
        if let (Some(start), Some(end)) = (self.start_date, self.end_date)
            && end < start
        {
            return Err(InvalidPerson::EndBeforeStart { start, end });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn sample() -> NewPerson {
        NewPerson {
            name: "Ana Silva".into(),
            email: Email::parse("ana@example.com").expect("valid"),
            department: None,
            manager_id: None,
            kind: PersonKind::Employee,
            start_date: Some(date!(2024 - 01 - 10)),
            end_date: None,
        }
    }

    #[test]
    fn end_date_cannot_precede_start_date() {
        let mut p = sample();
        p.end_date = Some(date!(2023 - 12 - 31));
        assert!(matches!(
            p.validate(),
            Err(InvalidPerson::EndBeforeStart { .. })
        ));
        p.end_date = Some(date!(2024 - 01 - 10));
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn a_person_needs_a_name() {
        let mut p = sample();
        p.name = "   ".into();
        assert_eq!(p.validate(), Err(InvalidPerson::EmptyName));
    }

    #[test]
    fn kinds_parse_leniently_but_not_blindly() {
        assert_eq!("Contractor".parse(), Ok(PersonKind::Contractor));
        assert_eq!("internal".parse(), Ok(PersonKind::Employee));
        assert!("intern".parse::<PersonKind>().is_err());
    }
}
