//! Gaps at a glance: what 5.3 needs that the role register does not show
//! on a given day.

use super::assignment::Assignment;
use super::catalogue::Role;
use super::segregation::{Conflict, Incompatibilities, RoleId, Waiver, conflicts_on};
use crate::ids::PersonId;
use time::Date;
use uuid::Uuid;

/// One thing missing or wrong in the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gap {
    /// Nobody holds the role today.
    NoHolder { role: RoleId },
    /// A critical role held without a deputy.
    NoDeputy { role: RoleId, assignment: Uuid },
    /// The holder's last working day has passed; the assignment runs on.
    HolderLeft {
        role: RoleId,
        assignment: Uuid,
        person: PersonId,
    },
    /// The holder's employment ends on `last_day`, before the assignment does:
    /// flagged as soon as the end is recorded, so a successor can be found.
    HolderLeaving {
        role: RoleId,
        assignment: Uuid,
        person: PersonId,
        last_day: Date,
    },
    /// The holder has not acknowledged the role, or declined it (why).
    Unacknowledged {
        role: RoleId,
        assignment: Uuid,
        person: PersonId,
        declined: Option<String>,
    },
    /// One person holds two incompatible roles.
    Conflict(Conflict),
}

/// The gaps on `day`. `left_on` gives a person's last working day, if any.
pub fn gaps_on(
    day: Date,
    roles: &[Role],
    assignments: &[Assignment],
    left_on: impl Fn(PersonId) -> Option<Date>,
    waivers: &[Waiver],
) -> Vec<Gap> {
    let current: Vec<&Assignment> = assignments.iter().filter(|a| a.current_on(day)).collect();
    let mut gaps = Vec::new();
    for role in roles {
        let held: Vec<&&Assignment> = current
            .iter()
            .filter(|a| a.terms.role_id == role.id)
            .collect();
        if held.is_empty() {
            gaps.push(Gap::NoHolder { role: role.id });
        }
        for a in held {
            if role.fields.critical && a.terms.deputy_id.is_none() {
                gaps.push(Gap::NoDeputy {
                    role: role.id,
                    assignment: a.id,
                });
            }
            match left_on(a.terms.person_id) {
                Some(last) if last < day => gaps.push(Gap::HolderLeft {
                    role: role.id,
                    assignment: a.id,
                    person: a.terms.person_id,
                }),
                Some(last) if a.terms.ends_on.is_none_or(|end| last < end) => {
                    gaps.push(Gap::HolderLeaving {
                        role: role.id,
                        assignment: a.id,
                        person: a.terms.person_id,
                        last_day: last,
                    })
                }
                _ => {}
            }
            if a.acknowledged_at.is_none() {
                gaps.push(Gap::Unacknowledged {
                    role: role.id,
                    assignment: a.id,
                    person: a.terms.person_id,
                    declined: a.declined_at.map(|_| a.decline_reason.clone()),
                });
            }
        }
    }
    let rules = Incompatibilities::from_declarations(
        roles
            .iter()
            .map(|r| (r.id, r.fields.incompatible_with.as_slice())),
    );
    let holdings: Vec<_> = assignments.iter().map(|a| a.terms.holding()).collect();
    gaps.extend(
        conflicts_on(day, &holdings, &rules, waivers)
            .into_iter()
            .map(Gap::Conflict),
    );
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::{AssignmentTerms, starter_catalogue};
    use crate::{OrgId, UserId};
    use time::macros::date;

    fn roles() -> Vec<Role> {
        starter_catalogue()
            .into_iter()
            .map(|(id, fields)| Role {
                id,
                org_id: OrgId::new(),
                fields,
                created_at: crate::timefmt::now(),
                updated_at: crate::timefmt::now(),
                version: 1,
            })
            .collect()
    }

    fn assign(
        role: &Role,
        person: PersonId,
        deputy: Option<PersonId>,
        acknowledged: bool,
    ) -> Assignment {
        Assignment {
            id: Uuid::now_v7(),
            org_id: role.org_id,
            terms: AssignmentTerms {
                role_id: role.id,
                person_id: person,
                starts_on: date!(2026 - 01 - 01),
                ends_on: None,
                deputy_id: deputy,
                capacity_percent: None,
            },
            assigned_by: UserId::new(),
            acknowledged_at: acknowledged.then(crate::timefmt::now),
            acknowledged_sha256: None,
            declined_at: None,
            decline_reason: String::new(),
            created_at: crate::timefmt::now(),
            updated_at: crate::timefmt::now(),
            version: 1,
        }
    }

    #[test]
    fn each_kind_of_gap_is_found() {
        let roles = roles();
        let by_name = |n: &str| roles.iter().find(|r| r.fields.name == n).expect(n);
        let (ana, bo, cy) = (PersonId::new(), PersonId::new(), PersonId::new());
        let assignments = vec![
            // Critical, with a deputy, acknowledged: no gap.
            assign(by_name("Top management"), ana, Some(bo), true),
            // Critical without a deputy, not acknowledged.
            assign(by_name("ISMS manager"), bo, None, false),
            // Incompatible with the ISMS manager role bo holds.
            assign(by_name("Internal auditor"), bo, Some(ana), true),
            // Held by someone who has left.
            assign(by_name("Risk owner"), cy, None, true),
        ];
        let day = date!(2026 - 06 - 01);
        // A fifth holder whose employment ends in two months.
        let dee = PersonId::new();
        let mut assignments = assignments;
        assignments.push(assign(by_name("Line manager"), dee, None, true));
        let left_on = |p| {
            if p == cy {
                Some(date!(2026 - 05 - 31))
            } else if p == dee {
                Some(date!(2026 - 07 - 31))
            } else {
                None
            }
        };
        let gaps = gaps_on(day, &roles, &assignments, left_on, &[]);
        assert!(gaps.contains(&Gap::HolderLeaving {
            role: by_name("Line manager").id,
            assignment: assignments[4].id,
            person: dee,
            last_day: date!(2026 - 07 - 31),
        }));
        let no_holder = gaps
            .iter()
            .filter(|g| matches!(g, Gap::NoHolder { .. }))
            .count();
        assert_eq!(no_holder, roles.len() - 5);
        assert!(gaps.contains(&Gap::NoDeputy {
            role: by_name("ISMS manager").id,
            assignment: assignments[1].id
        }));
        assert!(gaps.contains(&Gap::Unacknowledged {
            role: by_name("ISMS manager").id,
            assignment: assignments[1].id,
            person: bo,
            declined: None,
        }));
        assert!(gaps.contains(&Gap::HolderLeft {
            role: by_name("Risk owner").id,
            assignment: assignments[3].id,
            person: cy
        }));
        assert_eq!(
            gaps.iter()
                .filter(|g| matches!(g, Gap::Conflict(_)))
                .count(),
            1
        );
        assert!(!gaps.iter().any(
            |g| matches!(g, Gap::NoDeputy { role, .. } if *role == by_name("Top management").id)
        ));
    }
}
