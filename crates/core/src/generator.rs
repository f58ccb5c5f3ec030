//! Synthetic organisations, seeded and deterministic: the same seed and size
//! always give the same people, so demos, tests and benchmarks are repeatable.
//!
//! The shape is a plausible company: a chief executive, department heads
//! reporting to them, team leads under the heads, staff under the leads, a
//! few contractors inside teams, supplier contacts outside the hierarchy, and
//! some leavers.

use crate::email::Email;
use crate::import::ImportRow;
use crate::person::PersonKind;
use time::{Date, Duration, Month};

const FIRST_NAMES: &[&str] = &[
    "Ada", "Ana", "Ben", "Bea", "Carl", "Chen", "Dana", "Dev", "Eli", "Emma", "Finn", "Fatima",
    "Gus", "Grace", "Hana", "Hugo", "Ida", "Ivan", "Jon", "Julia", "Kai", "Kemal", "Lea", "Luis",
    "Maya", "Milo", "Nadia", "Noah", "Olga", "Omar", "Pia", "Priya", "Quinn", "Rosa", "Raj",
    "Sara", "Sven", "Tara", "Tomás", "Uma", "Vera", "Victor", "Wen", "Yara", "Yusuf", "Zoe",
];
const LAST_NAMES: &[&str] = &[
    "Adams", "Banerjee", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito",
    "Jansen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi",
    "Schmidt", "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zhang", "Murphy", "Nguyen",
    "Silva", "Kim",
];
/// Departments with their share of the staff, in per mille.
const DEPARTMENTS: &[(&str, u32)] = &[
    ("Engineering", 300),
    ("Operations", 150),
    ("Sales", 140),
    ("Customer Support", 110),
    ("Finance", 60),
    ("IT", 60),
    ("People", 50),
    ("Marketing", 60),
    ("Legal and Compliance", 40),
    ("Facilities", 30),
];
const TEAM_SIZE: usize = 8;

/// One generated person; `manager` is an index into the same list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedPerson {
    pub name: String,
    pub email: String,
    pub department: Option<String>,
    pub manager: Option<usize>,
    pub kind: PersonKind,
    pub start_date: Date,
    pub end_date: Option<Date>,
    /// The person's place in the organisation, so a demo can pick its logins.
    pub position: Position,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    ChiefExecutive,
    DepartmentHead,
    TeamLead,
    Staff,
    Contractor,
    SupplierContact,
}

/// Generates `count` people (at least 1) with emails at `domain`, as of `today`.
pub fn generate_people(seed: u64, count: usize, domain: &str, today: Date) -> Vec<GeneratedPerson> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut people: Vec<GeneratedPerson> = Vec::with_capacity(count.max(1));
    let mut taken = std::collections::HashSet::new();
    let mut person =
        |rng: &mut fastrand::Rng, department: Option<&str>, manager, kind, position| {
            let first = FIRST_NAMES[rng.usize(..FIRST_NAMES.len())];
            let last = LAST_NAMES[rng.usize(..LAST_NAMES.len())];
            let base = format!("{}.{}", ascii_lower(first), ascii_lower(last));
            let mut local = base.clone();
            let mut n = 1;
            while !taken.insert(local.clone()) {
                n += 1;
                local = format!("{base}{n}");
            }
            let years_ago = rng.i64(0..14);
            let start = today - Duration::days(years_ago * 365 + rng.i64(30..365));
            // About 3 % have left; their end date lies in the last two years.
            let end = (position == Position::Staff && rng.u32(0..1000) < 30)
                .then(|| (today - Duration::days(rng.i64(1..730))).max(start));
            GeneratedPerson {
                name: format!("{first} {last}"),
                email: format!("{local}@{domain}"),
                department: department.map(str::to_string),
                manager,
                kind,
                start_date: start,
                end_date: end,
                position,
            }
        };

    people.push(person(
        &mut rng,
        Some("Executive"),
        None,
        PersonKind::Employee,
        Position::ChiefExecutive,
    ));
    let remaining = count.saturating_sub(1);
    // 5 % supplier contacts outside the hierarchy, 4 % contractors inside teams.
    let suppliers = remaining * 5 / 100;
    let internal = remaining - suppliers;
    let mut placed = 0;
    for (i, (department, share)) in DEPARTMENTS.iter().enumerate() {
        if placed >= internal {
            break;
        }
        let size = if i + 1 == DEPARTMENTS.len() {
            internal - placed
        } else {
            ((internal as u64 * u64::from(*share)) / 1000).max(1) as usize
        }
        .min(internal - placed);
        placed += size;
        let head = people.len();
        people.push(person(
            &mut rng,
            Some(department),
            Some(0),
            PersonKind::Employee,
            Position::DepartmentHead,
        ));
        let mut lead = head;
        for k in 1..size {
            if (k - 1) % TEAM_SIZE == 0 {
                lead = people.len();
                people.push(person(
                    &mut rng,
                    Some(department),
                    Some(head),
                    PersonKind::Employee,
                    Position::TeamLead,
                ));
                continue;
            }
            let contractor = rng.u32(0..100) < 4;
            let (kind, position) = if contractor {
                (PersonKind::Contractor, Position::Contractor)
            } else {
                (PersonKind::Employee, Position::Staff)
            };
            people.push(person(
                &mut rng,
                Some(department),
                Some(lead),
                kind,
                position,
            ));
        }
    }
    for _ in 0..suppliers {
        people.push(person(
            &mut rng,
            None,
            None,
            PersonKind::Supplier,
            Position::SupplierContact,
        ));
    }
    people.truncate(count.max(1));
    people
}

/// Turns generated people into import rows (with every column present).
pub fn to_import_rows(
    people: &[GeneratedPerson],
) -> Result<Vec<ImportRow>, crate::email::InvalidEmail> {
    people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Ok(ImportRow {
                line: i + 1,
                name: p.name.clone(),
                email: Email::parse(&p.email)?,
                department: Some(p.department.clone()),
                manager_email: Some(
                    p.manager
                        .map(|m| Email::parse(&people[m].email))
                        .transpose()?,
                ),
                start_date: Some(Some(p.start_date)),
                end_date: Some(p.end_date),
                kind: Some(p.kind),
            })
        })
        .collect()
}

fn ascii_lower(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' => 'a',
            'é' | 'è' => 'e',
            'í' => 'i',
            'ó' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ë' => 'e',
            c => c.to_ascii_lowercase(),
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// A fixed "today" for deterministic tests: 1 July 2026.
pub fn reference_day() -> Date {
    Date::from_calendar_date(2026, Month::July, 1).unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::plan_import;
    use crate::{OrgId, timefmt::now};

    #[test]
    fn the_same_seed_gives_the_same_organisation() {
        let a = generate_people(7, 500, "x.example", reference_day());
        let b = generate_people(7, 500, "x.example", reference_day());
        let c = generate_people(8, 500, "x.example", reference_day());
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn generated_people_import_cleanly_in_every_size() {
        for count in [1, 2, 5, 40, 250, 3_000] {
            let people = generate_people(1, count, "x.example", reference_day());
            assert_eq!(people.len(), count);
            let rows = to_import_rows(&people).expect("valid emails");
            let (plan, errors) = plan_import(OrgId::new(), &[], &rows, now());
            assert!(errors.is_empty(), "{count}: {errors:?}");
            assert_eq!(plan.inserts.len(), count);
        }
    }

    #[test]
    fn a_company_has_third_parties_leavers_and_one_chief() {
        let people = generate_people(3, 1_000, "x.example", reference_day());
        let count = |pos| people.iter().filter(|p| p.position == pos).count();
        assert_eq!(count(Position::ChiefExecutive), 1);
        assert!(count(Position::SupplierContact) >= 40);
        assert!(count(Position::Contractor) > 10);
        assert!(people.iter().any(|p| p.end_date.is_some()));
        assert!(
            people
                .iter()
                .all(|p| p.manager.is_none_or(|m| people[m].end_date.is_none()))
        );
    }
}
