//! Manager attestations (5.1 h): each period (quarterly by default, aligned
//! to the fiscal year) every line manager confirms for their area that the
//! team is trained, has acknowledged the policies and had its access
//! reviewed, with comments; what is outstanding is tracked per period.

use super::tidy_text;
use crate::Person;
use crate::commitment::training::is_personnel;
use crate::ids::{AttestationId, OrgId, PersonId, UserId};
use crate::policy::review::add_months;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use time::{Date, Month, OffsetDateTime};

/// A period that attestations cover, first and last day included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    pub starts_on: Date,
    pub ends_on: Date,
}

impl Period {
    /// The period of `months` months, counted from the fiscal year's start
    /// month, that contains `day`.
    pub fn containing(day: Date, months: u8, fiscal_start_month: u8) -> Self {
        let months = i32::from(months.clamp(1, 12));
        let start_month = i32::from(fiscal_start_month.clamp(1, 12));
        let index = day.year() * 12 + i32::from(u8::from(day.month())) - 1;
        let since_anchor = (index - (start_month - 1)).rem_euclid(12);
        let first = index - since_anchor % months;
        let year = first.div_euclid(12);
        let month = Month::try_from(u8::try_from(first.rem_euclid(12) + 1).unwrap_or(1))
            .unwrap_or(Month::January);
        let starts_on = Date::from_calendar_date(year, month, 1).unwrap_or(day);
        Self::starting(starts_on, months)
    }

    fn starting(starts_on: Date, months: i32) -> Self {
        let next = add_months(starts_on, u32::try_from(months).unwrap_or(3));
        Self {
            starts_on,
            ends_on: next.previous_day().unwrap_or(next),
        }
    }

    /// The period just before this one.
    pub fn previous(&self, months: u8) -> Self {
        let before = self.starts_on.previous_day().unwrap_or(self.starts_on);
        let months = i32::from(months.clamp(1, 12));
        let starts_on = super::months_before(self.starts_on, u32::try_from(months).unwrap_or(3));
        Self {
            starts_on,
            ends_on: before,
        }
    }

    pub fn label(&self) -> String {
        format!("{} to {}", self.starts_on, self.ends_on)
    }

    pub fn contains(&self, day: Date) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

/// The last period that had ended by `day`.
pub fn last_ended_period(day: Date, months: u8, fiscal_start_month: u8) -> Period {
    Period::containing(day, months, fiscal_start_month).previous(months)
}

/// What the manager confirms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestationFields {
    pub team_trained: bool,
    pub policies_acknowledged: bool,
    pub access_reviewed: bool,
    #[serde(default)]
    pub comments: String,
}

impl AttestationFields {
    pub fn validated(mut self) -> Result<Self, String> {
        tidy_text("comments", &mut self.comments, 5000, false)?;
        let all = self.team_trained && self.policies_acknowledged && self.access_reviewed;
        if !all && self.comments.is_empty() {
            return Err(
                "comments: say what is not in order and what you are doing about it".into(),
            );
        }
        Ok(self)
    }

    pub fn all_confirmed(&self) -> bool {
        self.team_trained && self.policies_acknowledged && self.access_reviewed
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    pub id: AttestationId,
    pub org_id: OrgId,
    pub manager_id: PersonId,
    #[serde(flatten)]
    pub period: Period,
    #[serde(flatten)]
    pub fields: AttestationFields,
    /// How many direct reports the area had when it was attested.
    pub team_size: u32,
    pub attested_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub attested_at: OffsetDateTime,
    pub version: i64,
}

/// Refuses an attestation for a period that has not begun.
pub fn check_period_open(period: &Period, today: Date) -> Result<(), String> {
    if period.starts_on > today {
        return Err("period: attest for a period that has begun".into());
    }
    Ok(())
}

/// The direct reports of `manager` who are personnel on `day`.
pub fn team_on(people: &[Person], manager: PersonId, day: Date) -> Vec<&Person> {
    people
        .iter()
        .filter(|p| p.manager_id == Some(manager) && is_personnel(p, day))
        .collect()
}

/// Line managers on `day`: personnel then, managing someone who is.
pub fn line_managers_on(people: &[Person], day: Date) -> Vec<PersonId> {
    let managing: HashSet<PersonId> = people
        .iter()
        .filter(|p| is_personnel(p, day))
        .filter_map(|p| p.manager_id)
        .collect();
    let mut out: Vec<PersonId> = people
        .iter()
        .filter(|p| managing.contains(&p.id) && is_personnel(p, day))
        .map(|p| p.id)
        .collect();
    out.sort();
    out
}

/// Who was asked to attest for a period and who has, as of a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestationStatus {
    pub period: Period,
    pub managers: usize,
    pub attested: usize,
    /// Attested with something not in order.
    pub with_exceptions: usize,
    pub outstanding: Vec<PersonId>,
}

/// The line managers at the period's end, against the attestations given
/// by `as_of`.
pub fn attestation_status(
    people: &[Person],
    attestations: &[Attestation],
    period: Period,
    as_of: Date,
) -> AttestationStatus {
    let managers = line_managers_on(people, period.ends_on.min(as_of));
    attestation_status_of(managers, attestations, period, as_of)
}

/// `managers` (the line managers at the period's end, counted elsewhere)
/// against the attestations given by `as_of`.
pub fn attestation_status_of(
    managers: Vec<PersonId>,
    attestations: &[Attestation],
    period: Period,
    as_of: Date,
) -> AttestationStatus {
    let given: Vec<&Attestation> = attestations
        .iter()
        .filter(|a| a.period == period && a.attested_at.date() <= as_of)
        .collect();
    let attested: HashSet<PersonId> = given.iter().map(|a| a.manager_id).collect();
    AttestationStatus {
        period,
        managers: managers.len(),
        attested: managers.iter().filter(|m| attested.contains(m)).count(),
        with_exceptions: given.iter().filter(|a| !a.fields.all_confirmed()).count(),
        outstanding: managers
            .into_iter()
            .filter(|m| !attested.contains(m))
            .collect(),
    }
}

#[cfg(test)]
#[path = "attestation_tests.rs"]
mod tests;
