//! The organisation whose ISMS Mandate holds. One deployment may host many.

use crate::ids::OrgId;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

/// A short, URL-safe name for an organisation (`acme`, `northwind-2`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{0:?} is not a valid slug (1 to 63 characters: lower-case letters, digits and '-', starting with a letter)"
)]
pub struct InvalidSlug(pub String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, InvalidSlug> {
        let ok = (1..=63).contains(&raw.len())
            && raw.starts_with(|c: char| c.is_ascii_lowercase())
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !raw.ends_with('-');
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(InvalidSlug(raw.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = InvalidSlug;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> Self {
        s.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub slug: Slug,
    pub name: String,
    /// What the organisation is for; the policy must fit it (5.2 a).
    pub purpose: String,
    /// The ISMS scope statement (clause 4.3).
    pub scope_statement: String,
    /// Business objectives the ISMS must serve (5.1 a).
    pub strategic_goals: Vec<String>,
    /// Month (1 to 12) in which the fiscal year starts, for resource plans.
    pub fiscal_year_start_month: u8,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Bumped on every change; a write carrying a stale version is refused.
    pub version: i64,
}

impl Organisation {
    /// The audited shape of the record.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "slug": self.slug,
            "name": self.name,
            "purpose": self.purpose,
            "scope_statement": self.scope_statement,
            "strategic_goals": self.strategic_goals,
            "fiscal_year_start_month": self.fiscal_year_start_month,
            "version": self.version,
        })
    }
}

/// What it takes to create an organisation, already validated.
#[derive(Clone, Debug)]
pub struct NewOrganisation {
    /// Chosen before creation, so the organisation's first people can be
    /// planned against it and created in the same transaction.
    pub id: OrgId,
    pub slug: Slug,
    pub name: String,
    pub purpose: String,
    pub scope_statement: String,
    pub strategic_goals: Vec<String>,
    pub fiscal_year_start_month: u8,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidOrganisation {
    #[error("the organisation needs a name")]
    EmptyName,
    #[error("the fiscal year start month must be 1 to 12, not {0}")]
    BadMonth(u8),
}

impl NewOrganisation {
    pub fn new(slug: Slug, name: &str) -> Result<Self, InvalidOrganisation> {
        let name = name.trim();
        if name.is_empty() {
            return Err(InvalidOrganisation::EmptyName);
        }
        Ok(Self {
            id: OrgId::new(),
            slug,
            name: name.to_string(),
            purpose: String::new(),
            scope_statement: String::new(),
            strategic_goals: Vec::new(),
            fiscal_year_start_month: 1,
        })
    }

    pub fn with_fiscal_year_start_month(mut self, month: u8) -> Result<Self, InvalidOrganisation> {
        if !(1..=12).contains(&month) {
            return Err(InvalidOrganisation::BadMonth(month));
        }
        self.fiscal_year_start_month = month;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words() {
        assert!(Slug::parse("acme-2").is_ok());
        for bad in ["", "Acme", "2acme", "acme-", "ac me", "acme_x"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn organisations_need_a_name_and_a_real_month() {
        let slug = Slug::parse("acme").expect("valid slug");
        assert_eq!(
            NewOrganisation::new(slug.clone(), "  ").err(),
            Some(InvalidOrganisation::EmptyName)
        );
        let org = NewOrganisation::new(slug, "Acme").expect("valid");
        assert!(org.clone().with_fiscal_year_start_month(13).is_err());
        assert_eq!(
            org.with_fiscal_year_start_month(4)
                .map(|o| o.fiscal_year_start_month),
            Ok(4)
        );
    }
}
