//! The conformance check: each Clause 5 requirement (ids are Mandate's own,
//! listed in CLAUSE5.md) judged from a snapshot of the records as they
//! stood on a day, with a plain explanation, the figures behind it, the
//! records that are its evidence, and what to do next. Pure functions over
//! plain data: the store gathers the snapshot, these decide.

pub mod leadership;
pub mod period;
pub mod policy;
pub mod review;
pub mod roles;
pub mod snapshot;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod tests;

pub use period::AuditPeriod;
pub use snapshot::{AckFigures, Approval, PolicyAt, Snapshot, TrainingFacts, VersionAt};

use serde::{Deserialize, Serialize};
use time::Date;

crate::named_enum! {
    pub enum Status {
        Met = ("met", "met"),
        Partial = ("partial", "partly met"),
        NotMet = ("not_met", "not met"),
        NotApplicable = ("not_applicable", "not applicable"),
    }
}

/// A record that is evidence for a rule, with where to see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// `policy_version`, `role`, `objective`...
    pub kind: String,
    pub id: String,
    pub label: String,
    /// A path of the web interface.
    pub link: String,
}

impl Evidence {
    /// A management review, linked to its page.
    pub fn review(r: &crate::performance::ManagementReview) -> Self {
        Self::new(
            "management_review",
            r.id,
            r.title.clone(),
            format!("/reviews/{}", r.id),
        )
    }

    pub fn new(
        kind: &str,
        id: impl ToString,
        label: impl Into<String>,
        link: impl Into<String>,
    ) -> Self {
        Self {
            kind: kind.into(),
            id: id.to_string(),
            label: label.into(),
            link: link.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub explanation: String,
    pub evidence: Vec<Evidence>,
    pub next_step: String,
}

impl RuleResult {
    pub fn new(
        id: &str,
        title: &str,
        status: Status,
        explanation: String,
        evidence: Vec<Evidence>,
        next_step: &str,
    ) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            status,
            explanation,
            evidence,
            next_step: if status == Status::Met {
                String::new()
            } else {
                next_step.into()
            },
        }
    }
}

/// Met when every part holds, not met when none does, partly met between.
pub fn graded(parts: &[bool]) -> Status {
    match parts.iter().filter(|p| **p).count() {
        n if n == parts.len() => Status::Met,
        0 => Status::NotMet,
        _ => Status::Partial,
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub met: usize,
    pub partial: usize,
    pub not_met: usize,
    pub not_applicable: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub organisation: String,
    pub as_of: Date,
    pub rules: Vec<RuleResult>,
    pub summary: Summary,
}

impl Evaluation {
    /// Whether any requirement is not met: what `mandate check` exits 1 on.
    pub fn any_not_met(&self) -> bool {
        self.summary.not_met > 0
    }
}

/// Every rule, in the order of the clause.
pub fn evaluate(s: &Snapshot) -> Evaluation {
    let rules = vec![
        leadership::policy_and_objectives(s),
        leadership::raci(s),
        leadership::resources(s),
        leadership::communication(s),
        leadership::outcomes(s),
        leadership::awareness(s),
        leadership::improvement(s),
        leadership::line_managers(s),
        policy::element(s, 0),
        policy::element(s, 1),
        policy::element(s, 2),
        policy::element(s, 3),
        policy::documented(s),
        policy::communicated(s),
        policy::available(s),
        policy::exceptions(s),
        roles::written_down(s),
        roles::held(s),
        roles::acknowledged(s),
        roles::conformance_owner(s),
        roles::performance_reporter(s),
        roles::segregation(s),
        review::management_review(s),
    ];
    let mut summary = Summary::default();
    for r in &rules {
        match r.status {
            Status::Met => summary.met += 1,
            Status::Partial => summary.partial += 1,
            Status::NotMet => summary.not_met += 1,
            Status::NotApplicable => summary.not_applicable += 1,
        }
    }
    Evaluation {
        organisation: s.organisation.name.clone(),
        as_of: s.as_of,
        rules,
        summary,
    }
}

/// "1 role", "3 roles".
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A list of names, cut to the first `max`: "A, B and 3 more".
pub(crate) fn some_of(names: &[String], max: usize) -> String {
    if names.len() <= max {
        names.join(", ")
    } else {
        format!("{} and {} more", names[..max].join(", "), names.len() - max)
    }
}

/// The day an evaluation is asked for, as `YYYY-MM-DD`: not after `today`,
/// since the records of a day to come do not exist yet.
pub fn parse_as_of(raw: &str, today: Date) -> Result<Date, String> {
    let day = crate::timefmt::parse_date(raw.trim())
        .map_err(|_| format!("{raw:?} is not a date (expected YYYY-MM-DD)"))?;
    if day > today {
        return Err(format!(
            "{day} is after today ({today}): the records of a day to come are not known"
        ));
    }
    Ok(day)
}
