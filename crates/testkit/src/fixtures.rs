//! Records many tests and benchmarks need, made through the store as the
//! product makes them: the starter roles, a role picked by what it is, and
//! someone holding it. Each panics with a plain message when the store
//! refuses, since a fixture that cannot be made is a broken test.

use mandate_core::audit::Actor;
use mandate_core::roles::{Assignment, AssignmentTerms, Role, RoleId};
use mandate_core::timefmt::now;
use mandate_core::{OrgId, PersonId, User, UserId};
use mandate_store::Store;
use time::Date;

/// The starter roles, installed if the organisation has none yet.
pub async fn starter_roles(store: &Store, org: OrgId) -> Vec<Role> {
    if store.roles(org).await.expect("roles").is_empty() {
        store
            .install_starter_roles(&Actor::system("test"), org)
            .await
            .expect("starter roles");
    }
    store.roles(org).await.expect("roles")
}

/// The id of the organisation's first role that `pick` chooses.
pub async fn role_where(store: &Store, org: OrgId, pick: impl Fn(&Role) -> bool) -> RoleId {
    store
        .roles(org)
        .await
        .expect("roles")
        .into_iter()
        .find(|r| pick(r))
        .expect("a role the test looks for (are the starter roles installed?)")
        .id
}

/// The organisation's top-management role.
pub async fn top_management_role(store: &Store, org: OrgId) -> RoleId {
    role_where(store, org, |r| r.fields.top_management).await
}

/// `person` holds `role` from `starts_on` on, open-ended, with no deputy and
/// no share of time set (change those with struct update syntax).
pub fn terms(role: RoleId, person: PersonId, starts_on: Date) -> AssignmentTerms {
    AssignmentTerms {
        role_id: role,
        person_id: person,
        starts_on,
        ends_on: None,
        deputy_id: None,
        capacity_percent: None,
    }
}

/// Records the assignment, made by `assigner` (whom the store checks for
/// the authority, as it does in the product).
pub async fn assign(
    store: &Store,
    org: OrgId,
    assigner: UserId,
    terms: AssignmentTerms,
) -> Assignment {
    store
        .assign_role(&Actor::system("test"), org, assigner, terms)
        .await
        .expect("assigned")
}

/// The starter roles, and `top_managers` holding Top management from ten
/// days ago: the authority every decision on a policy, an exception, a
/// statement or a budget needs, which the store checks where the decision
/// is recorded. The ISMS manager assigns the first; its holder assigns the
/// others, as the product asks.
pub async fn hold_top_management(store: &Store, org: OrgId, isms: &User, top_managers: &[&User]) {
    starter_roles(store, org).await;
    let top = top_management_role(store, org).await;
    let since = now().date() - time::Duration::days(10);
    for (i, person) in top_managers.iter().enumerate() {
        let assigner = if i == 0 { isms.id } else { top_managers[0].id };
        let held = AssignmentTerms {
            capacity_percent: Some(10),
            ..terms(top, person.person_id, since)
        };
        assign(store, org, assigner, held).await;
    }
}
