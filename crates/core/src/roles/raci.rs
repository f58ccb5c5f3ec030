//! The RACI matrix: for each ISMS activity, which roles are Responsible,
//! Accountable, Consulted or Informed, and what is wrong with it, shown where
//! it is wrong: exactly one Accountable and at least one Responsible per
//! activity, and every role named held by somebody.

use super::segregation::RoleId;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Raci {
    #[serde(rename = "R")]
    Responsible,
    #[serde(rename = "A")]
    Accountable,
    #[serde(rename = "C")]
    Consulted,
    #[serde(rename = "I")]
    Informed,
}

impl std::str::FromStr for Raci {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "R" | "r" => Ok(Raci::Responsible),
            "A" | "a" => Ok(Raci::Accountable),
            "C" | "c" => Ok(Raci::Consulted),
            "I" | "i" => Ok(Raci::Informed),
            other => Err(format!("{other:?} is not R, A, C or I")),
        }
    }
}

impl Raci {
    pub const ALL: [Raci; 4] = [
        Raci::Responsible,
        Raci::Accountable,
        Raci::Consulted,
        Raci::Informed,
    ];

    pub fn letter(self) -> &'static str {
        match self {
            Raci::Responsible => "R",
            Raci::Accountable => "A",
            Raci::Consulted => "C",
            Raci::Informed => "I",
        }
    }
}

/// The activities every organisation starts with; the list is editable.
pub const STARTER_ACTIVITIES: [&str; 10] = [
    "Risk assessment",
    "Risk treatment approval",
    "Incident review",
    "Policy maintenance",
    "Internal audit",
    "Corrective action",
    "Performance reporting",
    "Access review",
    "Supplier security",
    "Awareness",
];

/// The starter matrix, by starter role name: (activity, [(role, letter)]).
pub const STARTER_MATRIX: [(&str, &[(&str, Raci)]); 10] = {
    use Raci::*;
    [
        (
            "Risk assessment",
            &[
                ("ISMS manager", Accountable),
                ("Risk manager", Responsible),
                ("Risk owner", Consulted),
                ("Top management", Informed),
            ],
        ),
        (
            "Risk treatment approval",
            &[
                ("Top management", Accountable),
                ("Risk owner", Responsible),
                ("Risk manager", Consulted),
            ],
        ),
        (
            "Incident review",
            &[
                ("ISMS manager", Accountable),
                ("Incident manager", Responsible),
                ("Security officer", Consulted),
                ("Top management", Informed),
            ],
        ),
        (
            "Policy maintenance",
            &[
                ("ISMS manager", Accountable),
                ("Security officer", Responsible),
                ("Data protection officer", Consulted),
                ("All personnel", Informed),
            ],
        ),
        (
            "Internal audit",
            &[
                ("Top management", Accountable),
                ("Internal auditor", Responsible),
                ("ISMS manager", Informed),
            ],
        ),
        (
            "Corrective action",
            &[
                ("ISMS manager", Accountable),
                ("Line manager", Responsible),
                ("Top management", Informed),
            ],
        ),
        (
            "Performance reporting",
            &[
                ("ISMS manager", Accountable),
                ("Security officer", Responsible),
                ("Top management", Informed),
            ],
        ),
        (
            "Access review",
            &[
                ("Security officer", Accountable),
                ("Line manager", Responsible),
                ("ISMS manager", Informed),
            ],
        ),
        (
            "Supplier security",
            &[
                ("ISMS manager", Accountable),
                ("Security officer", Responsible),
                ("Third-party contact", Consulted),
            ],
        ),
        (
            "Awareness",
            &[
                ("ISMS manager", Accountable),
                ("Line manager", Responsible),
                ("All personnel", Informed),
            ],
        ),
    ]
};

/// What is wrong with one activity's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowProblem {
    NoAccountable,
    SeveralAccountable(usize),
    NoResponsible,
    /// A role named in the row that nobody holds.
    Unheld(RoleId),
}

impl RowProblem {
    pub fn describe(&self, role_name: impl Fn(RoleId) -> String) -> String {
        match self {
            RowProblem::NoAccountable => "no role is Accountable (exactly one must be)".into(),
            RowProblem::SeveralAccountable(n) => {
                format!("{n} roles are Accountable (exactly one must be)")
            }
            RowProblem::NoResponsible => "no role is Responsible (at least one must be)".into(),
            RowProblem::Unheld(role) => format!("{} is held by nobody", role_name(*role)),
        }
    }
}

/// The problems of one row: its cells as (role, letter), and the roles held today.
pub fn check_row(cells: &[(RoleId, Raci)], held: &HashSet<RoleId>) -> Vec<RowProblem> {
    let mut problems = Vec::new();
    let accountable = cells
        .iter()
        .filter(|(_, r)| *r == Raci::Accountable)
        .count();
    match accountable {
        0 => problems.push(RowProblem::NoAccountable),
        1 => {}
        n => problems.push(RowProblem::SeveralAccountable(n)),
    }
    if !cells.iter().any(|(_, r)| *r == Raci::Responsible) {
        problems.push(RowProblem::NoResponsible);
    }
    let mut named: Vec<RoleId> = Vec::new();
    // Consulted and Informed roles matter too: somebody must be asked or told.
    for (role, _) in cells {
        if !held.contains(role) && !named.contains(role) {
            named.push(*role);
            problems.push(RowProblem::Unheld(*role));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn role(n: u8) -> RoleId {
        Uuid::from_bytes([n; 16])
    }

    #[test]
    fn the_starter_matrix_names_starter_roles_and_every_row_is_well_formed() {
        let names: Vec<&str> = crate::roles::STARTER_ROLES.iter().map(|r| r.name).collect();
        assert_eq!(STARTER_MATRIX.len(), STARTER_ACTIVITIES.len());
        for ((activity, cells), expected) in STARTER_MATRIX.iter().zip(STARTER_ACTIVITIES) {
            assert_eq!(*activity, expected);
            let ids: Vec<(RoleId, Raci)> = cells
                .iter()
                .map(|(name, letter)| {
                    let i = names.iter().position(|n| n == name).expect(name);
                    (role(i as u8), *letter)
                })
                .collect();
            let held: HashSet<RoleId> = ids.iter().map(|(r, _)| *r).collect();
            assert!(check_row(&ids, &held).is_empty(), "{activity}");
        }
    }

    #[test]
    fn a_row_needs_one_accountable_a_responsible_and_holders() {
        let held: HashSet<RoleId> = [role(1), role(2)].into_iter().collect();
        let good = [(role(1), Raci::Accountable), (role(2), Raci::Responsible)];
        assert!(check_row(&good, &held).is_empty());
        // One role may be both: A and R are separate cells only in the display.
        assert_eq!(
            check_row(&[(role(1), Raci::Responsible)], &held),
            vec![RowProblem::NoAccountable]
        );
        let two = [
            (role(1), Raci::Accountable),
            (role(2), Raci::Accountable),
            (role(3), Raci::Informed),
        ];
        assert_eq!(
            check_row(&two, &held),
            vec![
                RowProblem::SeveralAccountable(2),
                RowProblem::NoResponsible,
                RowProblem::Unheld(role(3))
            ]
        );
        assert_eq!(
            RowProblem::Unheld(role(3)).describe(|_| "Risk owner".into()),
            "Risk owner is held by nobody"
        );
    }
}
