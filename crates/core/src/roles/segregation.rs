//! Segregation of duties: roles declared incompatible must not be held by
//! one person at the same time, unless an approved, unexpired exception
//! covers that pair for that person.

use crate::ids::PersonId;
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

/// A role's identity in the catalogue.
pub type RoleId = Uuid;

/// A person holding a role over a span of days (`until` inclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    pub person: PersonId,
    pub role: RoleId,
    pub from: Date,
    pub until: Option<Date>,
}

impl Holding {
    pub fn current_on(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|u| day <= u)
    }

    /// Whether two spans share at least one day.
    pub fn overlaps(&self, other: &Holding) -> bool {
        let starts = self.from.max(other.from);
        match (self.until, other.until) {
            (None, None) => true,
            (Some(u), None) | (None, Some(u)) => starts <= u,
            (Some(a), Some(b)) => starts <= a.min(b),
        }
    }
}

/// Pairs of roles that one person must not hold together. Declared on
/// either role; incompatibility is symmetric.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Incompatibilities {
    pairs: Vec<(RoleId, RoleId)>,
}

impl Incompatibilities {
    /// From each role's declared list: (role, roles it is incompatible with).
    pub fn from_declarations<'a>(
        declared: impl IntoIterator<Item = (RoleId, &'a [RoleId])>,
    ) -> Self {
        let mut pairs = Vec::new();
        for (role, others) in declared {
            for other in others {
                if *other != role {
                    let pair = ordered(role, *other);
                    if !pairs.contains(&pair) {
                        pairs.push(pair);
                    }
                }
            }
        }
        Self { pairs }
    }

    pub fn conflict(&self, a: RoleId, b: RoleId) -> bool {
        a != b && self.pairs.contains(&ordered(a, b))
    }
}

fn ordered(a: RoleId, b: RoleId) -> (RoleId, RoleId) {
    if a <= b { (a, b) } else { (b, a) }
}

/// An approved exception allowing `person` to hold both roles until `expires_on`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    pub person: PersonId,
    pub roles: (RoleId, RoleId),
    pub expires_on: Date,
}

impl Waiver {
    fn covers(&self, person: PersonId, a: RoleId, b: RoleId, day: Date) -> bool {
        self.person == person
            && ordered(self.roles.0, self.roles.1) == ordered(a, b)
            && day <= self.expires_on
    }
}

/// One person holding two incompatible roles at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub person: PersonId,
    pub roles: (RoleId, RoleId),
    /// The waiver that covers it on the day asked about, if any.
    pub waived_until: Option<Date>,
}

/// Every conflict among the holdings current on `day`, with its waiver if any.
pub fn conflicts_on(
    day: Date,
    holdings: &[Holding],
    rules: &Incompatibilities,
    waivers: &[Waiver],
) -> Vec<Conflict> {
    let current: Vec<&Holding> = holdings.iter().filter(|h| h.current_on(day)).collect();
    let mut found = Vec::new();
    for (i, a) in current.iter().enumerate() {
        for b in &current[i + 1..] {
            if a.person == b.person && rules.conflict(a.role, b.role) {
                let roles = ordered(a.role, b.role);
                if found
                    .iter()
                    .any(|c: &Conflict| c.person == a.person && c.roles == roles)
                {
                    continue;
                }
                let waived_until = waivers
                    .iter()
                    .filter(|w| w.covers(a.person, a.role, b.role, day))
                    .map(|w| w.expires_on)
                    .max();
                found.push(Conflict {
                    person: a.person,
                    roles,
                    waived_until,
                });
            }
        }
    }
    found
}

/// Whether `new` may be assigned next to `existing`: refused with the first
/// conflict no waiver covers for the whole of the overlap's first day.
pub fn check_assignment(
    new: &Holding,
    existing: &[Holding],
    rules: &Incompatibilities,
    waivers: &[Waiver],
) -> Result<(), Conflict> {
    for held in existing
        .iter()
        .filter(|h| h.person == new.person && h.overlaps(new))
    {
        if !rules.conflict(new.role, held.role) {
            continue;
        }
        let first_day = new.from.max(held.from);
        let last_day = match (new.until, held.until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (Some(a), None) | (None, Some(a)) => Some(a),
            (None, None) => None,
        };
        // A waiver must cover the whole overlap: from its first to its last day.
        let covered = waivers.iter().any(|w| {
            w.covers(new.person, new.role, held.role, first_day)
                && last_day.is_some_and(|last| last <= w.expires_on)
        });
        if !covered {
            return Err(Conflict {
                person: new.person,
                roles: ordered(new.role, held.role),
                waived_until: None,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn role(n: u8) -> RoleId {
        Uuid::from_bytes([n; 16])
    }

    fn holding(person: PersonId, r: u8, from: Date, until: Option<Date>) -> Holding {
        Holding {
            person,
            role: role(r),
            from,
            until,
        }
    }

    #[test]
    fn incompatible_roles_are_refused_unless_a_waiver_covers_the_overlap() {
        let p = PersonId::new();
        let declared = [role(2)];
        let rules = Incompatibilities::from_declarations([(role(1), &declared[..])]);
        let auditor = holding(p, 1, date!(2026 - 01 - 01), None);
        let owner = holding(p, 2, date!(2026 - 06 - 01), Some(date!(2026 - 12 - 31)));
        let err = check_assignment(&owner, std::slice::from_ref(&auditor), &rules, &[])
            .expect_err("conflict");
        assert_eq!(err.roles, ordered(role(1), role(2)));
        let short = Waiver {
            person: p,
            roles: (role(2), role(1)),
            expires_on: date!(2026 - 09 - 30),
        };
        assert!(
            check_assignment(
                &owner,
                std::slice::from_ref(&auditor),
                &rules,
                std::slice::from_ref(&short)
            )
            .is_err()
        );
        let long = Waiver {
            expires_on: date!(2026 - 12 - 31),
            ..short.clone()
        };
        assert!(check_assignment(&owner, std::slice::from_ref(&auditor), &rules, &[long]).is_ok());
        // Someone else, or a span that does not overlap, is no conflict.
        let other = holding(PersonId::new(), 2, date!(2026 - 06 - 01), None);
        assert!(check_assignment(&other, std::slice::from_ref(&auditor), &rules, &[]).is_ok());
        let ended = holding(p, 1, date!(2025 - 01 - 01), Some(date!(2026 - 05 - 31)));
        assert!(check_assignment(&owner, &[ended], &rules, &[]).is_ok());
    }

    #[test]
    fn the_conflicts_view_names_each_pair_once_with_its_waiver() {
        let p = PersonId::new();
        let declared = [role(2)];
        let back = [role(1)];
        let rules =
            Incompatibilities::from_declarations([(role(1), &declared[..]), (role(2), &back[..])]);
        let holdings = [
            holding(p, 1, date!(2026 - 01 - 01), None),
            holding(p, 2, date!(2026 - 01 - 01), None),
            holding(p, 3, date!(2026 - 01 - 01), None),
        ];
        let waiver = Waiver {
            person: p,
            roles: (role(1), role(2)),
            expires_on: date!(2026 - 03 - 31),
        };
        let on = |day| conflicts_on(day, &holdings, &rules, std::slice::from_ref(&waiver));
        let march = on(date!(2026 - 03 - 01));
        assert_eq!(march.len(), 1);
        assert_eq!(march[0].waived_until, Some(date!(2026 - 03 - 31)));
        assert_eq!(
            on(date!(2026 - 04 - 01))[0].waived_until,
            None,
            "an expired waiver covers nothing"
        );
    }

    fn day(offset: u16) -> Date {
        date!(2026 - 01 - 01) + time::Duration::days(i64::from(offset))
    }

    proptest! {
        /// Assignment checking agrees with the conflicts view: any set of
        /// holdings built one accepted assignment at a time has no unwaived
        /// conflict on any day, and incompatibility is symmetric.
        #[test]
        fn accepted_assignments_never_show_an_unwaived_conflict(
            spans in proptest::collection::vec((0u8..3, 0u8..5, 0u16..300, proptest::option::of(0u16..300)), 1..25),
            pairs in proptest::collection::vec((0u8..5, 0u8..5), 0..6),
            probe in 0u16..400,
        ) {
            let people = [PersonId::new(), PersonId::new(), PersonId::new()];
            let mut declared: Vec<(RoleId, Vec<RoleId>)> = (0..5).map(|r| (role(r), Vec::new())).collect();
            for (a, b) in &pairs {
                declared[*a as usize].1.push(role(*b));
            }
            let rules = Incompatibilities::from_declarations(declared.iter().map(|(r, v)| (*r, v.as_slice())));
            for (a, b) in &pairs {
                prop_assert_eq!(rules.conflict(role(*a), role(*b)), rules.conflict(role(*b), role(*a)));
            }
            let mut accepted: Vec<Holding> = Vec::new();
            for (p, r, from, len) in spans {
                let h = Holding {
                    person: people[p as usize],
                    role: role(r),
                    from: day(from),
                    until: len.map(|l| day(from + l)),
                };
                if check_assignment(&h, &accepted, &rules, &[]).is_ok() {
                    accepted.push(h);
                }
            }
            prop_assert!(conflicts_on(day(probe), &accepted, &rules, &[]).is_empty());
        }
    }
}
