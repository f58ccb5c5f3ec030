//! A holder's answer to a role assignment, bound to the text they read: the
//! role's name, purpose, responsibilities and authorities as one text whose
//! SHA-256 the answer keeps, as a policy acknowledgement keeps its version's.
//! When that text changes, those who answered are asked again.

use super::assignment::Assignment;
use super::catalogue::RoleFields;
use crate::ids::PersonId;
use time::Date;

/// What the holder reads and answers: the role as one text.
pub fn role_text(f: &RoleFields) -> String {
    let mut text = format!("Role: {}\n", f.name.trim());
    if !f.purpose.trim().is_empty() {
        text.push_str(&format!("Purpose: {}\n", f.purpose.trim()));
    }
    text.push_str("Responsibilities:\n");
    for r in &f.responsibilities {
        text.push_str(&format!("- {}\n", r.trim()));
    }
    text.push_str("Authorities:\n");
    for a in &f.authorities {
        text.push_str(&format!("- {}\n", a.describe()));
    }
    text
}

pub fn role_text_sha256(f: &RoleFields) -> String {
    crate::digest::sha256_hex(role_text(f).as_bytes())
}

/// Why an answer is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum AnswerRefusal {
    /// Only the holder answers.
    NotTheHolder,
    /// The assignment ended before the day.
    Ended,
    /// Already accepted as it reads now.
    AlreadyAccepted,
    /// The text read is not the role's text now.
    TextChanged,
    /// A decline without a reason.
    NoReason,
}

impl AnswerRefusal {
    pub fn message(&self) -> &'static str {
        match self {
            AnswerRefusal::NotTheHolder => "only the holder answers for an assignment",
            AnswerRefusal::Ended => "the assignment has ended",
            AnswerRefusal::AlreadyAccepted => "already acknowledged",
            AnswerRefusal::TextChanged => {
                "the role changed since you read it: read it again before you answer"
            }
            AnswerRefusal::NoReason => "reason: say why you cannot accept the role",
        }
    }
}

/// Checks an answer of `who` to `a` on `day`, having read text `read_sha256`
/// of a role whose text is now `current_sha256`; a decline carries `reason`.
pub fn check_answer(
    a: &Assignment,
    who: PersonId,
    day: Date,
    read_sha256: &str,
    current_sha256: &str,
    decline_reason: Option<&str>,
) -> Result<(), AnswerRefusal> {
    if a.terms.person_id != who {
        return Err(AnswerRefusal::NotTheHolder);
    }
    if a.terms.ends_on.is_some_and(|end| end < day) {
        return Err(AnswerRefusal::Ended);
    }
    if !read_sha256.trim().eq_ignore_ascii_case(current_sha256) {
        return Err(AnswerRefusal::TextChanged);
    }
    match decline_reason {
        Some(reason) if reason.trim().is_empty() => Err(AnswerRefusal::NoReason),
        None if a.acknowledged_at.is_some() => Err(AnswerRefusal::AlreadyAccepted),
        _ => Ok(()),
    }
}

/// Whether `a`'s answer was given to another text than `current_sha256`, so
/// its holder must be asked again.
pub fn answered_another_text(a: &Assignment, current_sha256: &str) -> bool {
    let answered = a.acknowledged_at.is_some() || a.declined_at.is_some();
    answered && a.acknowledged_sha256.as_deref() != Some(current_sha256)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::{AssignmentTerms, Decision};
    use crate::{OrgId, UserId};
    use time::macros::{date, datetime};

    fn fields() -> RoleFields {
        RoleFields {
            name: "ISMS manager".into(),
            purpose: "Runs the ISMS".into(),
            responsibilities: vec!["Keep the register".into()],
            authorities: vec![Decision::ApproveRoleAssignment],
            reports_to: None,
            top_management: false,
            conformance_owner: true,
            performance_reporter: false,
            required_training: Vec::new(),
            incompatible_with: Vec::new(),
            critical: false,
        }
    }

    fn assignment(holder: PersonId) -> Assignment {
        Assignment::new(
            OrgId::new(),
            AssignmentTerms {
                role_id: uuid::Uuid::now_v7(),
                person_id: holder,
                starts_on: date!(2026 - 01 - 01),
                ends_on: Some(date!(2026 - 06 - 30)),
                deputy_id: None,
                capacity_percent: None,
            },
            UserId::new(),
            datetime!(2026-01-01 9:00 UTC),
        )
    }

    #[test]
    fn the_text_covers_what_the_holder_is_bound_to() {
        let f = fields();
        let text = role_text(&f);
        assert!(text.contains("Keep the register") && text.contains("Runs the ISMS"));
        let mut more = f.clone();
        more.responsibilities.push("Report to the board".into());
        assert_ne!(role_text_sha256(&f), role_text_sha256(&more));
        let mut flagged = f.clone();
        flagged.critical = true;
        assert_eq!(
            role_text_sha256(&f),
            role_text_sha256(&flagged),
            "marking a role critical does not change what the holder took on"
        );
    }

    #[test]
    fn only_the_holder_answers_what_they_read_and_a_decline_says_why() {
        let holder = PersonId::new();
        let a = assignment(holder);
        let now = role_text_sha256(&fields());
        let day = date!(2026 - 02 - 01);
        assert_eq!(check_answer(&a, holder, day, &now, &now, None), Ok(()));
        assert_eq!(
            check_answer(&a, PersonId::new(), day, &now, &now, None),
            Err(AnswerRefusal::NotTheHolder)
        );
        assert_eq!(
            check_answer(&a, holder, day, "0ld", &now, None),
            Err(AnswerRefusal::TextChanged)
        );
        assert_eq!(
            check_answer(&a, holder, day, &now, &now, Some("  ")),
            Err(AnswerRefusal::NoReason)
        );
        assert_eq!(
            check_answer(&a, holder, date!(2026 - 07 - 01), &now, &now, None),
            Err(AnswerRefusal::Ended)
        );
        let mut accepted = a.clone();
        accepted.acknowledged_at = Some(datetime!(2026-01-02 9:00 UTC));
        accepted.acknowledged_sha256 = Some(now.clone());
        assert_eq!(
            check_answer(&accepted, holder, day, &now, &now, None),
            Err(AnswerRefusal::AlreadyAccepted)
        );
        assert!(!answered_another_text(&accepted, &now));
        assert!(answered_another_text(&accepted, "changed"));
        assert!(
            !answered_another_text(&a, "changed"),
            "nothing answered yet"
        );
    }
}
