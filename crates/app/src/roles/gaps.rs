//! The gaps of the role register on a day, with names, for the API and the page.

use crate::{AppResult, Caller};
use mandate_core::OrgId;
use mandate_core::roles::{Gap, gaps_on};
use mandate_store::Store;
use serde::Serialize;
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapOut {
    /// `no_holder`, `no_deputy`, `holder_left`, `holder_leaving`, `unacknowledged` or `conflict`.
    pub kind: String,
    pub role_id: Uuid,
    pub role: String,
    /// The other role of a conflict.
    pub other_role: Option<String>,
    pub person_id: Option<Uuid>,
    pub person: Option<String>,
    pub assignment_id: Option<Uuid>,
    /// What is wrong, in words.
    pub detail: String,
}

/// Whether a reader is told why a holder declined a role: the holder's
/// reason is for those who assign roles (and the auditor, who reads
/// everything), not for every line manager who reviews the gaps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclineReasons {
    Shown,
    Withheld,
}

impl DeclineReasons {
    pub fn for_caller(caller: &Caller) -> Self {
        if caller.may(mandate_core::Permission::EditRoles)
            || caller.user.access_role == mandate_core::AccessRole::Auditor
        {
            Self::Shown
        } else {
            Self::Withheld
        }
    }
}

pub async fn gaps(
    store: &Store,
    org: OrgId,
    day: Date,
    reasons: DeclineReasons,
) -> AppResult<Vec<GapOut>> {
    let roles = store.roles(org).await?;
    let assignments = store.assignments(org, None).await?;
    // Only the people who hold roles matter here, loaded in one query.
    let people: HashMap<mandate_core::PersonId, mandate_core::Person> = store
        .role_people(org)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let role_name = |id: Uuid| {
        roles
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| "a removed role".to_string(), |r| r.fields.name.clone())
    };
    let person_name = |id: mandate_core::PersonId| people.get(&id).map(|p| p.name.clone());
    let waivers: Vec<_> = store
        .exceptions(org, None)
        .await?
        .iter()
        .filter_map(|e| e.waiver_on(day))
        .collect();
    let found = gaps_on(
        day,
        &roles,
        &assignments,
        |p| people.get(&p).and_then(|p| p.end_date),
        &waivers,
    );
    Ok(found
        .into_iter()
        .map(|gap| match gap {
            Gap::NoHolder { role } => GapOut {
                kind: "no_holder".into(),
                role_id: role,
                role: role_name(role),
                other_role: None,
                person_id: None,
                person: None,
                assignment_id: None,
                detail: "nobody holds this role".into(),
            },
            Gap::NoDeputy { role, assignment } => GapOut {
                kind: "no_deputy".into(),
                role_id: role,
                role: role_name(role),
                other_role: None,
                person_id: None,
                person: None,
                assignment_id: Some(assignment),
                detail: "a critical role held without a deputy".into(),
            },
            Gap::HolderLeft {
                role,
                assignment,
                person,
            } => GapOut {
                kind: "holder_left".into(),
                role_id: role,
                role: role_name(role),
                other_role: None,
                person_id: Some(person.0),
                detail: format!(
                    "{} has left but still holds the role",
                    person_name(person).unwrap_or_default()
                ),
                person: person_name(person),
                assignment_id: Some(assignment),
            },
            Gap::HolderLeaving {
                role,
                assignment,
                person,
                last_day,
            } => GapOut {
                kind: "holder_leaving".into(),
                role_id: role,
                role: role_name(role),
                other_role: None,
                person_id: Some(person.0),
                detail: format!(
                    "{} leaves on {last_day}: find a successor",
                    person_name(person).unwrap_or_default()
                ),
                person: person_name(person),
                assignment_id: Some(assignment),
            },
            Gap::Unacknowledged {
                role,
                assignment,
                person,
                declined,
            } => GapOut {
                kind: "unacknowledged".into(),
                role_id: role,
                role: role_name(role),
                other_role: None,
                person_id: Some(person.0),
                detail: match declined {
                    Some(_) if reasons == DeclineReasons::Withheld => format!(
                        "{} declined the role",
                        person_name(person).unwrap_or_default()
                    ),
                    Some(reason) => format!(
                        "{} declined the role: {reason}",
                        person_name(person).unwrap_or_default()
                    ),
                    None => format!(
                        "{} has not acknowledged the role",
                        person_name(person).unwrap_or_default()
                    ),
                },
                person: person_name(person),
                assignment_id: Some(assignment),
            },
            Gap::Conflict(c) => GapOut {
                kind: "conflict".into(),
                role_id: c.roles.0,
                role: role_name(c.roles.0),
                other_role: Some(role_name(c.roles.1)),
                person_id: Some(c.person.0),
                detail: format!(
                    "{} holds both {} and {}, which are incompatible{}",
                    person_name(c.person).unwrap_or_default(),
                    role_name(c.roles.0),
                    role_name(c.roles.1),
                    c.waived_until
                        .map(|d| format!(" (an exception allows it until {d})"))
                        .unwrap_or_default()
                ),
                person: person_name(c.person),
                assignment_id: None,
            },
        })
        .collect())
}
