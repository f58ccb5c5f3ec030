//! Reading what people type into forms: dates, and people named by email
//! (organisations of 100,000 people cannot be a drop-down). A wrong entry is
//! a page that names the field.

use super::PageError;
use crate::state::AppState;
use mandate_core::{OrgId, PersonId};
use mandate_store::StoreError;

/// Finds a person by the email typed into a form (organisations of
/// 100,000 people cannot be a drop-down).
pub async fn person_by_email(
    state: &AppState,
    org: OrgId,
    raw: &str,
    field: &str,
) -> Result<PersonId, PageError> {
    let email =
        mandate_core::Email::parse(raw.trim()).map_err(|e| invalid(format!("{field}: {e}")))?;
    state
        .store
        .person_by_email(org, &email)
        .await?
        .map(|p| p.id)
        .ok_or_else(|| {
            invalid(format!(
                "{field}: nobody in the register has the email {email}"
            ))
        })
}

/// Finds the people of a list of emails, one per line or comma-separated.
pub async fn people_by_emails(
    state: &AppState,
    org: OrgId,
    raw: &str,
    field: &str,
) -> Result<Vec<PersonId>, PageError> {
    let mut people = Vec::new();
    for email in raw
        .split([',', '\n', ';'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        people.push(person_by_email(state, org, email, field).await?);
    }
    Ok(people)
}

pub fn invalid(message: impl Into<String>) -> PageError {
    PageError::Store(StoreError::Invalid(message.into()))
}

pub fn parse_date(raw: &str, field: &str) -> Result<time::Date, PageError> {
    mandate_core::timefmt::parse_date(raw.trim())
        .map_err(|_| invalid(format!("{field}: a date (YYYY-MM-DD)")))
}

/// A file's problems, by line, as the message of a page.
pub fn file_problems(p: impl Into<crate::problem::Problem>) -> PageError {
    let p: crate::problem::Problem = p.into();
    if p.errors.is_empty() {
        return PageError::Problem(p);
    }
    let mut lines: Vec<String> = p
        .errors
        .iter()
        .map(|e| format!("line {}: {}", e.line, e.message))
        .collect();
    if p.errors_not_listed > 0 {
        lines.push(format!("and {} more", p.errors_not_listed));
    }
    invalid(format!("{} {}", p.detail, lines.join(" · ")))
}
