//! Roles benchmarks: the gaps view and the RACI matrix for an organisation
//! of 100,000 people and 2,000 role assignments, page and API, in process
//! through the real router. SQLite always; PostgreSQL too when
//! `MANDATE_TEST_POSTGRES_URL` is set. Run with `cargo bench -p mandate --bench roles`.
//!
//! Target: each under 100 ms p99.

use mandate_core::audit::Actor;
use mandate_core::generator::{generate_people, reference_day, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::roles::AssignmentTerms;
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_core::{AccessRole, NewOrganisation, NewUser, Slug};
use mandate_store::{DatabaseUrl, Store, keyfile};
use mandate_testkit::TestDb;
use mandate_web::{AppState, WebConfig, router};
use std::sync::Arc;
use std::time::Instant;

mod support;
use support::{report, time_get};

const PEOPLE: usize = 100_000;
const ASSIGNMENTS: usize = 2_000;

async fn run(db: &TestDb) {
    let key = keyfile::load_or_create(&db.key_path()).expect("key");
    let url = DatabaseUrl::parse(&db.url).expect("url");
    let store = Arc::new(Store::open(&url, true, Some(key)).await.expect("store"));
    let system = Actor::system("bench");
    let new = NewOrganisation::new(Slug::parse("bench").expect("slug"), "Bench Ltd").expect("org");
    let rows = to_import_rows(&generate_people(
        11,
        PEOPLE,
        "bench.example",
        reference_day(),
    ))
    .expect("rows");
    let (plan, errors) = plan_import(new.id, &[], &rows, now());
    assert!(errors.is_empty());
    let users = [NewUser {
        person_id: plan.inserts[0].id,
        access_role: AccessRole::IsmsManager,
        password_hash: None,
    }];
    let org = store
        .create_organisation(&system, &new, &plan.inserts, &users)
        .await
        .expect("org")
        .id;
    store
        .install_starter_roles(&system, org)
        .await
        .expect("roles");
    let roles = store.roles(org).await.expect("roles");
    let editor = store.users(org).await.expect("users").remove(0);
    let started = Instant::now();
    let today = now().date();
    let mut made = 0;
    // Spread over the register; roles chosen so none conflict, a few end.
    let compatible: Vec<_> = roles
        .iter()
        // Roles that grant assigning would end the editor's bootstrap right to assign.
        .filter(|r| {
            r.fields.incompatible_with.is_empty()
                && !r.fields.name.contains("auditor")
                && !r
                    .fields
                    .authorities
                    .contains(&mandate_core::roles::Decision::ApproveRoleAssignment)
        })
        .collect();
    for i in 0..ASSIGNMENTS {
        let person = &plan.inserts[1 + i * (PEOPLE - 2) / ASSIGNMENTS];
        let role = compatible[i % compatible.len()];
        let terms = AssignmentTerms {
            role_id: role.id,
            person_id: person.id,
            starts_on: today - time::Duration::days(30),
            ends_on: (i % 10 == 0).then(|| today + time::Duration::days(90)),
            deputy_id: None,
            capacity_percent: Some(10),
        };
        if store
            .assign_role(&system, org, editor.id, terms)
            .await
            .is_ok()
        {
            made += 1;
        }
    }
    println!(
        "{}: {PEOPLE} people, {made} assignments made in {:.1?}",
        db.backend,
        started.elapsed()
    );

    let secret = "bench-session";
    store
        .create_session(org, editor.id, &secret_hash(secret), "csrf", now())
        .await
        .expect("session");
    let app = router(AppState::new(Arc::clone(&store), WebConfig::default()));
    for uri in [
        "/role-gaps",
        "/api/v1/role-gaps",
        "/raci",
        "/api/v1/raci",
        "/roles",
    ] {
        let (times, _) = time_get(&app, uri, secret, 100).await;
        report(db.backend, &format!("GET {uri}"), times);
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        for db in TestDb::all().await {
            run(&db).await;
        }
    });
}
