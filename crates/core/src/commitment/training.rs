//! Awareness and training (5.1 f, 7.2, 7.3): courses (general awareness,
//! or role-specific: the training an ISMS role requires names the course),
//! completion records with their expiry, and coverage of personnel and of
//! role holders on any day.

use super::tidy_text;
use crate::ids::{CourseId, OrgId, PersonId, UserId};
use crate::import::RowError;
use crate::performance::EARLIEST_DAY;
use crate::policy::review::add_months;
use crate::roles::{Assignment, Role, RoleId};
use crate::{Person, PersonKind};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use time::{Date, OffsetDateTime};

crate::named_enum! {
    pub enum CourseKind {
        /// Security awareness for all personnel.
        GeneralAwareness = ("general_awareness", "General awareness"),
        /// Training an ISMS role requires (its `required_training` names it).
        RoleSpecific = ("role_specific", "Role-specific"),
    }
}

/// General awareness counts when completed within this many months.
pub const AWARENESS_WINDOW_MONTHS: u32 = 12;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseFields {
    /// For a role-specific course, the name the roles' required training uses.
    pub title: String,
    pub kind: CourseKind,
    #[serde(default)]
    pub description: String,
    /// Months a completion stays valid; none: it does not expire.
    #[serde(default)]
    pub validity_months: Option<u16>,
}

impl CourseFields {
    pub fn validated(mut self) -> Result<Self, String> {
        tidy_text("title", &mut self.title, 200, true)?;
        tidy_text("description", &mut self.description, 5000, false)?;
        if self.validity_months.is_some_and(|m| m == 0 || m > 120) {
            return Err("validity_months: from 1 to 120, or none when it does not expire".into());
        }
        Ok(self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub id: CourseId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub fields: CourseFields,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl Course {
    /// Whether this course is the training named `name` (case aside).
    pub fn is_named(&self, name: &str) -> bool {
        self.fields.title.trim().eq_ignore_ascii_case(name.trim())
    }
}

/// A completion as entered, by hand, through the API or from a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    pub person_id: PersonId,
    pub course_id: CourseId,
    pub completed_on: Date,
    /// When absent, the course's validity decides.
    #[serde(default)]
    pub expires_on: Option<Date>,
    #[serde(default)]
    pub note: String,
}

impl Completion {
    /// Checks the completion against its course and today, filling in the
    /// expiry from the course's validity when none is given.
    pub fn validated(mut self, course: &Course, today: Date) -> Result<Self, String> {
        tidy_text("note", &mut self.note, 1000, false)?;
        if self.completed_on > today {
            return Err("completed_on: in the future".into());
        }
        if self.completed_on < EARLIEST_DAY {
            return Err("completed_on: check the year".into());
        }
        if self.expires_on.is_some_and(|e| e < self.completed_on) {
            return Err("expires_on: on or after the day it was completed".into());
        }
        if self.expires_on.is_none() {
            self.expires_on = course
                .fields
                .validity_months
                .map(|m| add_months(self.completed_on, u32::from(m)));
        }
        Ok(self)
    }
}

/// A completion as kept: who recorded it and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingRecord {
    pub org_id: OrgId,
    #[serde(flatten)]
    pub completion: Completion,
    pub recorded_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

impl TrainingRecord {
    /// Completed by `day` and not expired on it.
    pub fn current_on(&self, day: Date) -> bool {
        let c = &self.completion;
        c.completed_on <= day && c.expires_on.is_none_or(|e| e >= day)
    }
}

/// Whether `person` is personnel on `day`: employed (or contracted) then,
/// not a supplier's contact.
pub fn is_personnel(person: &Person, day: Date) -> bool {
    person.kind != PersonKind::Supplier
        && person.start_date.is_none_or(|s| s <= day)
        && person.end_date.is_none_or(|e| e >= day)
}

/// How many of the personnel had current general awareness on a day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwarenessCoverage {
    /// Personnel counted: everyone employed that day but joiners still in
    /// their grace period.
    pub personnel: usize,
    pub trained: usize,
    /// Counted personnel without it.
    pub untrained: Vec<PersonId>,
    /// Joiners within their grace period, not yet counted.
    pub joiners_in_grace: usize,
}

impl AwarenessCoverage {
    /// Trained personnel in per cent; 100 when there is nobody to count.
    pub fn percent(&self) -> f64 {
        if self.personnel == 0 {
            return 100.0;
        }
        self.trained as f64 * 100.0 / self.personnel as f64
    }
}

/// General-awareness coverage on `day`: a completion within the last 12
/// months, not expired. Joiners who started within `grace_days` are not
/// counted yet.
pub fn awareness_coverage(
    people: &[Person],
    courses: &[Course],
    records: &[TrainingRecord],
    day: Date,
    grace_days: i64,
) -> AwarenessCoverage {
    let awareness: HashSet<CourseId> = courses
        .iter()
        .filter(|c| c.fields.kind == CourseKind::GeneralAwareness)
        .map(|c| c.id)
        .collect();
    let window_start = super::months_before(day, AWARENESS_WINDOW_MONTHS);
    let trained: HashSet<PersonId> = records
        .iter()
        .filter(|r| {
            awareness.contains(&r.completion.course_id)
                && r.completion.completed_on > window_start
                && r.current_on(day)
        })
        .map(|r| r.completion.person_id)
        .collect();
    let mut coverage = AwarenessCoverage::default();
    for person in people.iter().filter(|p| is_personnel(p, day)) {
        if trained.contains(&person.id) {
            coverage.personnel += 1;
            coverage.trained += 1;
        } else if person
            .start_date
            .is_some_and(|s| (day - s).whole_days() < grace_days)
        {
            coverage.joiners_in_grace += 1;
        } else {
            coverage.personnel += 1;
            coverage.untrained.push(person.id);
        }
    }
    coverage
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RoleTrainingStatus {
    Current {
        completed_on: Date,
        expires_on: Option<Date>,
    },
    Expired {
        expired_on: Date,
    },
    Missing,
    /// The role names training no course in the catalogue carries.
    NotInCatalogue,
}

impl RoleTrainingStatus {
    pub fn is_current(&self) -> bool {
        matches!(self, RoleTrainingStatus::Current { .. })
    }
}

/// One holder of one role and one training the role requires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleTrainingLine {
    pub role_id: RoleId,
    pub role: String,
    pub person_id: PersonId,
    pub training: String,
    pub course_id: Option<CourseId>,
    #[serde(flatten)]
    pub status: RoleTrainingStatus,
}

/// For every assignment current on `day` whose role requires training:
/// whether its holder's training is current.
pub fn role_training_on(
    roles: &[Role],
    assignments: &[Assignment],
    courses: &[Course],
    records: &[TrainingRecord],
    day: Date,
) -> Vec<RoleTrainingLine> {
    let mut by_person: HashMap<PersonId, Vec<&TrainingRecord>> = HashMap::new();
    for r in records.iter().filter(|r| r.completion.completed_on <= day) {
        by_person.entry(r.completion.person_id).or_default().push(r);
    }
    let mut lines = Vec::new();
    for a in assignments.iter().filter(|a| a.current_on(day)) {
        let Some(role) = roles.iter().find(|r| r.id == a.terms.role_id) else {
            continue;
        };
        for training in &role.fields.required_training {
            let course = courses.iter().find(|c| c.is_named(training));
            let status = match course {
                None => RoleTrainingStatus::NotInCatalogue,
                Some(course) => {
                    let done: Vec<&&TrainingRecord> = by_person
                        .get(&a.terms.person_id)
                        .map(|v| {
                            v.iter()
                                .filter(|r| r.completion.course_id == course.id)
                                .collect()
                        })
                        .unwrap_or_default();
                    match done
                        .iter()
                        .filter(|r| r.current_on(day))
                        .max_by_key(|r| r.completion.completed_on)
                    {
                        Some(r) => RoleTrainingStatus::Current {
                            completed_on: r.completion.completed_on,
                            expires_on: r.completion.expires_on,
                        },
                        None => match done.iter().filter_map(|r| r.completion.expires_on).max() {
                            Some(expired_on) => RoleTrainingStatus::Expired { expired_on },
                            None => RoleTrainingStatus::Missing,
                        },
                    }
                }
            };
            lines.push(RoleTrainingLine {
                role_id: role.id,
                role: role.fields.name.clone(),
                person_id: a.terms.person_id,
                training: training.clone(),
                course_id: course.map(|c| c.id),
                status,
            });
        }
    }
    lines
}

/// A completion as a file states it, before people and courses are found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionRow {
    pub line: usize,
    pub email: String,
    /// The course's title or id.
    pub course: String,
    pub completed_on: Date,
    pub expires_on: Option<Date>,
    pub note: String,
}

/// Resolves a file's rows against the register and the catalogue: every
/// problem is reported with its line; the completions only if there is none.
pub fn resolve_completions(
    rows: &[CompletionRow],
    people: &[Person],
    courses: &[Course],
    today: Date,
) -> Result<Vec<Completion>, Vec<RowError>> {
    let by_email: HashMap<String, &Person> = people
        .iter()
        .map(|p| (p.email.as_str().to_ascii_lowercase(), p))
        .collect();
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut first_line: HashMap<(PersonId, CourseId, Date), usize> = HashMap::new();
    for row in rows {
        let mut problems = Vec::new();
        let person = by_email.get(&row.email.trim().to_ascii_lowercase());
        if person.is_none() {
            problems.push(format!(
                "email: nobody in the register has the address {:?}",
                row.email
            ));
        }
        let course = courses
            .iter()
            .find(|c| c.is_named(&row.course) || c.id.to_string() == row.course.trim());
        if course.is_none() {
            problems.push(format!("course: there is no course {:?}", row.course));
        }
        if let (Some(person), Some(course)) = (person, course) {
            let completion = Completion {
                person_id: person.id,
                course_id: course.id,
                completed_on: row.completed_on,
                expires_on: row.expires_on,
                note: row.note.clone(),
            };
            match completion.validated(course, today) {
                Ok(c) => match first_line.get(&(c.person_id, c.course_id, c.completed_on)) {
                    Some(first) => problems.push(format!(
                        "the same completion as line {first} (person, course and day)"
                    )),
                    None => {
                        first_line.insert((c.person_id, c.course_id, c.completed_on), row.line);
                        out.push(c);
                    }
                },
                Err(e) => problems.push(e),
            }
        }
        if !problems.is_empty() {
            errors.push(RowError {
                line: row.line,
                message: problems.join("; "),
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[path = "training_tests.rs"]
mod tests;
