//! Who a policy is addressed to, on a day: everyone (employees and
//! contractors), named departments, the holders of named ISMS roles, and
//! third parties (contractors and suppliers). Interested parties outside
//! the register are reached by distributions, not acknowledgements.

use crate::commitment::training::is_personnel;
use crate::policy::Audience;
use crate::{Person, PersonKind};
use time::Date;

/// What about a person decides whether a policy addresses them.
pub struct Membership<'a> {
    pub person: &'a Person,
    /// The names of the ISMS roles they hold that day.
    pub roles: &'a [String],
}

/// Whether `audience` addresses `m` on `day`. Only people working for the
/// organisation that day (or its suppliers' contacts, for third parties)
/// are addressed at all.
pub fn in_audience(audience: &Audience, m: &Membership<'_>, day: Date) -> bool {
    let p = m.person;
    let working = p.start_date.is_none_or(|s| s <= day) && p.end_date.is_none_or(|e| e >= day);
    if !working {
        return false;
    }
    let personnel = is_personnel(p, day);
    (audience.everyone && personnel)
        || (audience.third_parties && p.kind != PersonKind::Employee)
        || (personnel
            && p.department.as_ref().is_some_and(|d| {
                audience
                    .departments
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(d))
            }))
        || m.roles
            .iter()
            .any(|r| audience.roles.iter().any(|a| a.eq_ignore_ascii_case(r)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timefmt::now;
    use crate::{Email, OrgId, PersonId};
    use time::macros::date;

    fn person(kind: PersonKind, department: Option<&str>, end: Option<Date>) -> Person {
        let id = PersonId::new();
        Person {
            id,
            org_id: OrgId::new(),
            name: "P".into(),
            email: Email::parse(&format!("p{}@example.com", id.0.simple())).expect("email"),
            department: department.map(str::to_string),
            manager_id: None,
            kind,
            start_date: Some(date!(2025 - 01 - 01)),
            end_date: end,
            created_at: now(),
            updated_at: now(),
            version: 1,
        }
    }

    #[test]
    fn an_audience_addresses_those_working_that_day_it_names() {
        let day = date!(2026 - 03 - 01);
        let it = person(PersonKind::Employee, Some("IT"), None);
        let supplier = person(PersonKind::Supplier, None, None);
        let leaver = person(
            PersonKind::Employee,
            Some("IT"),
            Some(date!(2026 - 02 - 01)),
        );
        let no_roles: &[String] = &[];
        let ciso = ["CISO".to_string()];
        let m = |p| Membership {
            person: p,
            roles: no_roles,
        };
        let everyone = Audience::everyone();
        assert!(in_audience(&everyone, &m(&it), day));
        assert!(
            !in_audience(&everyone, &m(&supplier), day),
            "suppliers are third parties"
        );
        assert!(!in_audience(&everyone, &m(&leaver), day));
        assert!(
            in_audience(&everyone, &m(&leaver), date!(2026 - 01 - 15)),
            "before leaving"
        );
        let third = Audience {
            third_parties: true,
            ..Audience::default()
        };
        assert!(in_audience(&third, &m(&supplier), day) && !in_audience(&third, &m(&it), day));
        let departments = Audience {
            departments: vec!["it".into()],
            ..Audience::default()
        };
        assert!(in_audience(&departments, &m(&it), day));
        let roles = Audience {
            roles: vec!["ciso".into()],
            ..Audience::default()
        };
        assert!(!in_audience(&roles, &m(&it), day));
        assert!(in_audience(
            &roles,
            &Membership {
                person: &it,
                roles: &ciso
            },
            day
        ));
    }
}
