//! Who holds which role on a day: the assignments current on that day, built
//! once and asked from either side (a role's holders, a person's roles).
//! Tasks, the RACI view, the organisation chart, conformance and the
//! evidence pack all ask this question; one answer keeps them agreeing on
//! what "current" means (from the start day, through the end day).

use super::assignment::Assignment;
use super::segregation::RoleId;
use crate::ids::PersonId;
use std::collections::HashSet;
use time::Date;

#[derive(Clone, Debug, Default)]
pub struct Holders {
    day: Option<Date>,
    current: Vec<Assignment>,
}

impl Holders {
    /// The assignments among `assignments` that are current on `day`.
    pub fn on(assignments: impl IntoIterator<Item = Assignment>, day: Date) -> Self {
        Self {
            day: Some(day),
            current: assignments
                .into_iter()
                .filter(|a| a.current_on(day))
                .collect(),
        }
    }

    /// The day these holders were taken on.
    pub fn day(&self) -> Option<Date> {
        self.day
    }

    /// The current assignments, in the order they were given.
    pub fn assignments(&self) -> &[Assignment] {
        &self.current
    }

    /// The current assignments of one role.
    pub fn assignments_of(&self, role: RoleId) -> impl Iterator<Item = &Assignment> {
        self.current.iter().filter(move |a| a.terms.role_id == role)
    }

    /// The people holding `role`.
    pub fn of_role(&self, role: RoleId) -> impl Iterator<Item = PersonId> + '_ {
        self.assignments_of(role).map(|a| a.terms.person_id)
    }

    /// The people holding any of `roles`, each once, in assignment order.
    pub fn of_any(&self, roles: &[RoleId]) -> Vec<PersonId> {
        let mut seen = HashSet::new();
        self.current
            .iter()
            .filter(|a| roles.contains(&a.terms.role_id))
            .map(|a| a.terms.person_id)
            .filter(|p| seen.insert(*p))
            .collect()
    }

    /// The roles `person` holds.
    pub fn roles_of(&self, person: PersonId) -> impl Iterator<Item = RoleId> + '_ {
        self.current
            .iter()
            .filter(move |a| a.terms.person_id == person)
            .map(|a| a.terms.role_id)
    }

    pub fn holds(&self, person: PersonId, role: RoleId) -> bool {
        self.roles_of(person).any(|r| r == role)
    }

    /// Whether `person` holds any of `roles`.
    pub fn holds_any(&self, person: PersonId, roles: &[RoleId]) -> bool {
        self.roles_of(person).any(|r| roles.contains(&r))
    }

    /// Every role with at least one holder.
    pub fn held_roles(&self) -> HashSet<RoleId> {
        self.current.iter().map(|a| a.terms.role_id).collect()
    }

    /// Everyone who holds a role.
    pub fn people(&self) -> HashSet<PersonId> {
        self.current.iter().map(|a| a.terms.person_id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{OrgId, UserId};
    use crate::roles::AssignmentTerms;
    use time::macros::{date, datetime};
    use uuid::Uuid;

    fn held(role: RoleId, person: PersonId, from: Date, until: Option<Date>) -> Assignment {
        Assignment::new(
            OrgId::new(),
            AssignmentTerms {
                role_id: role,
                person_id: person,
                starts_on: from,
                ends_on: until,
                deputy_id: None,
                capacity_percent: None,
            },
            UserId::new(),
            datetime!(2026-01-01 0:00 UTC),
        )
    }

    #[test]
    fn a_holder_counts_from_the_first_day_through_the_last() {
        let (ciso, dpo) = (Uuid::now_v7(), Uuid::now_v7());
        let (ana, ben) = (PersonId::new(), PersonId::new());
        let all = vec![
            held(
                ciso,
                ana,
                date!(2026 - 01 - 01),
                Some(date!(2026 - 06 - 30)),
            ),
            held(ciso, ben, date!(2026 - 07 - 01), None),
            held(dpo, ana, date!(2026 - 03 - 01), None),
        ];
        let june = Holders::on(all.clone(), date!(2026 - 06 - 30));
        assert_eq!(june.of_role(ciso).collect::<Vec<_>>(), vec![ana]);
        assert!(june.holds(ana, dpo));
        assert_eq!(june.of_any(&[ciso, dpo]), vec![ana]);

        let july = Holders::on(all.clone(), date!(2026 - 07 - 01));
        assert_eq!(july.of_role(ciso).collect::<Vec<_>>(), vec![ben]);
        assert!(!july.holds(ana, ciso));
        assert_eq!(july.people().len(), 2);

        let before = Holders::on(all, date!(2025 - 12 - 31));
        assert!(before.held_roles().is_empty());
        assert!(!before.holds_any(ana, &[ciso, dpo]));
    }
}
