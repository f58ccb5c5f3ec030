//! Records many tests and benchmarks need, made through the store as the
//! product makes them.

use mandate_core::audit::Actor;
use mandate_core::roles::AssignmentTerms;
use mandate_core::timefmt::now;
use mandate_core::{OrgId, User};
use mandate_store::Store;

/// The starter roles (installed if the organisation has none), and
/// `top_managers` holding Top management from ten days ago: the authority
/// every decision on a policy, an exception, a statement or a budget needs,
/// which the store checks where the decision is recorded. The ISMS manager
/// assigns the first; its holder assigns the others, as the product asks.
pub async fn hold_top_management(store: &Store, org: OrgId, isms: &User, top_managers: &[&User]) {
    let system = Actor::system("test");
    if store.roles(org).await.expect("roles").is_empty() {
        store
            .install_starter_roles(&system, org)
            .await
            .expect("starter roles");
    }
    let top = store
        .roles(org)
        .await
        .expect("roles")
        .into_iter()
        .find(|r| r.fields.top_management)
        .expect("a top-management role")
        .id;
    for (i, person) in top_managers.iter().enumerate() {
        let assigner = if i == 0 { isms.id } else { top_managers[0].id };
        store
            .assign_role(
                &system,
                org,
                assigner,
                AssignmentTerms {
                    role_id: top,
                    person_id: person.person_id,
                    starts_on: now().date() - time::Duration::days(10),
                    ends_on: None,
                    deputy_id: None,
                    capacity_percent: Some(10),
                },
            )
            .await
            .expect("assigned");
    }
}
