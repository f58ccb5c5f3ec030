//! 5.3 Roles, responsibilities and authorities: written down, held (with
//! deputies, by people still here), acknowledged, the two duties of 5.3,
//! and segregation of duties.

use super::{Evidence, RuleResult, Snapshot, Status, count, graded, some_of};
use crate::roles::{Gap, Incompatibilities, conflicts_on, gaps_on};
use time::Duration;

fn role_link(s: &Snapshot, role: uuid::Uuid) -> Evidence {
    let name = s
        .roles
        .iter()
        .find(|r| r.id == role)
        .map_or_else(String::new, |r| r.fields.name.clone());
    Evidence::new("role", role, name, format!("/roles/{role}"))
}

/// 5.3.1: every role has its responsibilities and authorities written down.
pub fn written_down(s: &Snapshot) -> RuleResult {
    if s.roles.is_empty() {
        return RuleResult::new(
            "5.3.1",
            "Responsibilities and authorities written down",
            Status::NotMet,
            "There is no ISMS role.".into(),
            Vec::new(),
            "Set up the role catalogue.",
        );
    }
    let no_duties: Vec<String> = s
        .roles
        .iter()
        .filter(|r| r.fields.responsibilities.is_empty())
        .map(|r| r.fields.name.clone())
        .collect();
    let no_authority: Vec<String> = s
        .roles
        .iter()
        .filter(|r| r.fields.authorities.is_empty())
        .map(|r| r.fields.name.clone())
        .collect();
    let status = if !no_duties.is_empty() {
        Status::NotMet
    } else if !no_authority.is_empty() {
        Status::Partial
    } else {
        Status::Met
    };
    RuleResult::new(
        "5.3.1",
        "Responsibilities and authorities written down",
        status,
        format!(
            "{} in the catalogue. {}{}",
            count(s.roles.len(), "role", "roles"),
            if no_duties.is_empty() {
                "Each has responsibilities written down.".to_string()
            } else {
                format!("Without responsibilities: {}.", some_of(&no_duties, 4))
            },
            if no_authority.is_empty() {
                " Each has authorities.".to_string()
            } else {
                format!(" Without any authority: {}.", some_of(&no_authority, 4))
            }
        ),
        vec![Evidence::new(
            "roles",
            "catalogue",
            "Role catalogue",
            "/roles",
        )],
        "Write each role's responsibilities, and the decisions it may take, into the catalogue.",
    )
}

/// 5.3.2: every role held, no holder who has left, a deputy for every
/// critical role.
pub fn held(s: &Snapshot) -> RuleResult {
    let gaps = gaps_on(
        s.as_of,
        &s.roles,
        &s.assignments,
        |p| s.left_on.get(&p).copied(),
        &[],
    );
    let mut unheld = Vec::new();
    let mut left = Vec::new();
    let mut no_deputy = Vec::new();
    let mut evidence = Vec::new();
    let name = |role: uuid::Uuid| {
        s.roles
            .iter()
            .find(|r| r.id == role)
            .map_or_else(String::new, |r| r.fields.name.clone())
    };
    for g in &gaps {
        match g {
            Gap::NoHolder { role } => unheld.push(name(*role)),
            Gap::HolderLeft { role, person, .. } => {
                left.push(format!("{} ({})", name(*role), s.name(*person)))
            }
            Gap::NoDeputy { role, .. } => no_deputy.push(name(*role)),
            _ => continue,
        }
        if let Gap::NoHolder { role } | Gap::HolderLeft { role, .. } | Gap::NoDeputy { role, .. } =
            g
        {
            evidence.push(role_link(s, *role));
        }
    }
    evidence.dedup();
    evidence.push(Evidence::new(
        "role_gaps",
        "gaps",
        "Gaps and conflicts",
        "/role-gaps",
    ));
    let status = if s.roles.is_empty() || unheld.len() == s.roles.len() {
        Status::NotMet
    } else {
        graded(&[unheld.is_empty() && left.is_empty(), no_deputy.is_empty()])
            .max_partial_if(!unheld.is_empty() || !left.is_empty())
    };
    let mut parts = Vec::new();
    parts.push(if unheld.is_empty() {
        "Every role has a current holder.".to_string()
    } else {
        format!("Roles with no holder: {}.", some_of(&unheld, 4))
    });
    if !left.is_empty() {
        parts.push(format!("Holders who have left: {}.", some_of(&left, 3)));
    }
    parts.push(if no_deputy.is_empty() {
        "Every critical role has a deputy.".to_string()
    } else {
        format!(
            "Critical roles without a deputy: {}.",
            some_of(&no_deputy, 4)
        )
    });
    RuleResult::new(
        "5.3.2",
        "Roles assigned",
        status,
        parts.join(" "),
        evidence,
        "Assign every role, replace holders who have left, and name a deputy for each critical role.",
    )
}

trait AtMostPartial {
    fn max_partial_if(self, condition: bool) -> Self;
}

impl AtMostPartial for Status {
    /// Not better than partly met when `condition` holds.
    fn max_partial_if(self, condition: bool) -> Self {
        if condition && self == Status::Met {
            Status::Partial
        } else {
            self
        }
    }
}

/// 5.3.3: every assignment acknowledged by its holder within the grace
/// period (14 days by default).
pub fn acknowledged(s: &Snapshot) -> RuleResult {
    let day = s.as_of;
    let end_of_day = s.last_instant();
    let grace = Duration::days(i64::from(s.settings.assignment_grace_days));
    let current: Vec<_> = s.assignments.iter().filter(|a| a.current_on(day)).collect();
    let late: Vec<_> = current
        .iter()
        .filter(|a| a.acknowledged_at.is_none_or(|t| t > end_of_day))
        .filter(|a| a.created_at.date().max(a.terms.starts_on) + grace < day)
        .collect();
    let done = current
        .iter()
        .filter(|a| a.acknowledged_at.is_some_and(|t| t <= end_of_day))
        .count();
    let status = if current.is_empty() {
        Status::NotMet
    } else if late.is_empty() {
        Status::Met
    } else if done * 5 >= current.len() * 4 {
        Status::Partial
    } else {
        Status::NotMet
    };
    let names: Vec<String> = late
        .iter()
        .map(|a| {
            let role = s
                .roles
                .iter()
                .find(|r| r.id == a.terms.role_id)
                .map_or("a role", |r| r.fields.name.as_str());
            let declined = if a.declined_at.is_some_and(|t| t <= end_of_day) {
                ", declined"
            } else {
                ""
            };
            format!("{} ({role}{declined})", s.name(a.terms.person_id))
        })
        .collect();
    RuleResult::new(
        "5.3.3",
        "Responsibilities communicated and acknowledged",
        status,
        format!(
            "{done} of {} current assignments acknowledged by their holders.{}",
            current.len(),
            if names.is_empty() {
                String::new()
            } else {
                format!(
                    " Unacknowledged after {} days: {}.",
                    s.settings.assignment_grace_days,
                    some_of(&names, 3)
                )
            }
        ),
        vec![Evidence::new(
            "role_gaps",
            "gaps",
            "Gaps and conflicts",
            "/role-gaps",
        )],
        "Ask the holders to read and acknowledge their roles under My tasks.",
    )
}

/// Whether a role flagged `flag` is held, said in words, with the roles.
fn duty(
    s: &Snapshot,
    flag: fn(&crate::roles::Role) -> bool,
    duty: &str,
) -> (bool, String, Vec<Evidence>) {
    let holders = s.holders_of(flag);
    let roles: Vec<Evidence> = s
        .roles
        .iter()
        .filter(|r| flag(r))
        .map(|r| role_link(s, r.id))
        .collect();
    let text = if holders.is_empty() {
        format!("Nobody holds a role with the {duty} duty.")
    } else {
        format!(
            "The {duty} duty is held by {}.",
            some_of(&holders.iter().map(|p| s.name(*p)).collect::<Vec<_>>(), 3)
        )
    };
    (!holders.is_empty(), text, roles)
}

/// 5.3.a: the duty of ensuring the ISMS conforms is held by someone.
pub fn conformance_owner(s: &Snapshot) -> RuleResult {
    let (held, text, evidence) = duty(s, |r| r.fields.conformance_owner, "conformance-owner");
    RuleResult::new(
        "5.3.a",
        "Responsibility for conformance to ISO/IEC 27001 assigned",
        if held { Status::Met } else { Status::NotMet },
        text,
        evidence,
        "Give a role the conformance-owner duty and assign it.",
    )
}

/// 5.3.b: the performance-reporter duty is held, and a report reached top
/// management within the last quarter.
pub fn performance_reporter(s: &Snapshot) -> RuleResult {
    let (held, text, mut evidence) =
        duty(s, |r| r.fields.performance_reporter, "performance-reporter");
    let since = crate::commitment::months_before(s.as_of, 3);
    let report = s
        .reports
        .iter()
        .filter(|r| r.presented_on.is_some_and(|p| p > since && p <= s.as_of))
        .max_by_key(|r| r.presented_on);
    if let Some(r) = report {
        evidence.push(Evidence::new(
            "performance_report",
            r.id,
            r.title.clone(),
            format!("/reports/{}", r.id),
        ));
    }
    let reported = match report {
        Some(r) => format!(
            " A performance report was presented to top management on {}.",
            r.presented_on.map(|d| d.to_string()).unwrap_or_default()
        ),
        None => " No performance report reached top management in the last three months.".into(),
    };
    RuleResult::new(
        "5.3.b",
        "Reporting on ISMS performance to top management assigned",
        graded(&[held, report.is_some()]),
        format!("{text}{reported}"),
        evidence,
        "Assign the performance-reporter duty and present a performance report to top management every quarter.",
    )
}

/// 5.3.s: nobody holds two incompatible roles, unless an approved,
/// unexpired exception covers it.
pub fn segregation(s: &Snapshot) -> RuleResult {
    let rules = Incompatibilities::from_declarations(
        s.roles
            .iter()
            .map(|r| (r.id, r.fields.incompatible_with.as_slice())),
    );
    let holdings: Vec<_> = s.assignments.iter().map(|a| a.terms.holding()).collect();
    let waivers: Vec<_> = s
        .exceptions
        .iter()
        .filter_map(|e| e.waiver_on(s.as_of))
        .collect();
    let conflicts = conflicts_on(s.as_of, &holdings, &rules, &waivers);
    let unwaived: Vec<String> = conflicts
        .iter()
        .filter(|c| c.waived_until.is_none())
        .map(|c| {
            let name = |id| {
                s.roles
                    .iter()
                    .find(|r| r.id == id)
                    .map_or_else(String::new, |r| r.fields.name.clone())
            };
            format!(
                "{} ({} and {})",
                s.name(c.person),
                name(c.roles.0),
                name(c.roles.1)
            )
        })
        .collect();
    let waived = conflicts.len() - unwaived.len();
    RuleResult::new(
        "5.3.s",
        "Segregation of duties",
        if unwaived.is_empty() {
            Status::Met
        } else {
            Status::NotMet
        },
        if unwaived.is_empty() {
            format!(
                "Nobody holds two incompatible roles{}.",
                if waived > 0 {
                    format!(
                        " except under {}",
                        count(waived, "approved exception", "approved exceptions")
                    )
                } else {
                    String::new()
                }
            )
        } else {
            format!(
                "Incompatible roles held together: {}.",
                some_of(&unwaived, 3)
            )
        },
        vec![Evidence::new(
            "role_gaps",
            "gaps",
            "Gaps and conflicts",
            "/role-gaps",
        )],
        "End one of the incompatible assignments, or have an exception approved that covers it.",
    )
}
