//! Acknowledgement benchmarks at 100,000 people, through the real store and
//! router: publishing a version to the whole organisation (its requests
//! created in the publishing transaction), acknowledgements per second
//! through the API with durable commits from 64 concurrent people on a
//! one-thread runtime, and the campaign pages once 50 versions have been
//! published (5 million acknowledgement requests). SQLite always;
//! PostgreSQL too when `MANDATE_TEST_POSTGRES_URL` is set. Run with
//! `cargo bench -p mandate --bench acknowledgements`.
//!
//! Targets: over 2,000 acknowledgements/s on SQLite; pages under 200 ms p99.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use mandate_core::acknowledgement::AckState;
use mandate_core::audit::Actor;
use mandate_core::generator::{generate_people, reference_day, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::policy::Audience;
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_core::{AccessRole, NewOrganisation, NewUser, Slug, User};
use mandate_store::{DatabaseUrl, Store, keyfile};
use mandate_testkit::TestDb;
use mandate_testkit::fixtures;
use mandate_web::{AppState, WebConfig, router};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

mod support;
use support::{publish, report, time_get};

const PEOPLE: usize = 100_000;
/// People with a login who acknowledge in the throughput run.
const ANSWERING: usize = 20_000;
const CONCURRENCY: usize = 64;
const VERSIONS: usize = 50;

async fn run(db: &TestDb) {
    let b = db.backend;
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
    let mut users: Vec<NewUser> = vec![
        NewUser {
            person_id: plan.inserts[0].id,
            access_role: AccessRole::IsmsManager,
            password_hash: None,
        },
        NewUser {
            person_id: plan.inserts[1].id,
            access_role: AccessRole::TopManagement,
            password_hash: None,
        },
    ];
    let today = now().date();
    let working: Vec<_> = plan
        .inserts
        .iter()
        .skip(2)
        .filter(|p| {
            p.end_date.is_none_or(|e| e >= today) && p.kind != mandate_core::PersonKind::Supplier
        })
        .take(ANSWERING)
        .collect();
    users.extend(working.iter().map(|p| NewUser {
        person_id: p.id,
        access_role: AccessRole::Staff,
        password_hash: None,
    }));
    let org = store
        .create_organisation(&system, &new, &plan.inserts, &users)
        .await
        .expect("org")
        .id;
    store
        .install_starter_roles(&system, org)
        .await
        .expect("roles");
    let logins = store.users(org).await.expect("users");
    let author = logins
        .iter()
        .find(|u| u.access_role == AccessRole::IsmsManager)
        .expect("author")
        .clone();
    let boss = logins
        .iter()
        .find(|u| u.access_role == AccessRole::TopManagement)
        .expect("boss")
        .clone();
    let top = fixtures::top_management_role(&store, org).await;
    let held = fixtures::terms(top, boss.person_id, today);
    fixtures::assign(&store, org, author.id, held).await;

    let (top_policy, version, digest, took) = publish(
        &store,
        org,
        &author,
        &boss,
        "Information security policy",
        None,
        Audience::everyone(),
    )
    .await;
    let owed = store
        .acknowledgements_of_version(org, version)
        .await
        .expect("rows")
        .len();
    println!(
        "{b}: publishing to {owed} people (requests created in the same transaction): {took:.2?}"
    );

    // Acknowledgements through the API, 64 people at a time.
    let staff: Vec<&User> = logins
        .iter()
        .filter(|u| u.access_role == AccessRole::Staff)
        .collect();
    for u in &staff {
        store
            .create_session(
                org,
                u.id,
                &secret_hash(&format!("s-{}", u.id)),
                "csrf",
                now(),
            )
            .await
            .expect("session");
    }
    let app = router(AppState::new(Arc::clone(&store), WebConfig::default()));
    let uri = format!("/api/v1/acknowledgements/{version}/accept");
    let body = format!("{{\"text_sha256\": \"{digest}\"}}");
    let started = Instant::now();
    let mut done = 0usize;
    for chunk in staff.chunks(CONCURRENCY) {
        let mut waiting = Vec::new();
        for u in chunk {
            let request = Request::post(&uri)
                .header(header::HOST, "bench.test")
                .header(header::COOKIE, format!("mandate_session=s-{}", u.id))
                .header("x-csrf-token", "csrf")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.clone()))
                .expect("request");
            waiting.push(tokio::spawn(app.clone().oneshot(request)));
        }
        for w in waiting {
            let response = w.await.expect("joined").expect("infallible");
            assert_eq!(response.status(), StatusCode::OK);
            done += 1;
        }
    }
    let took = started.elapsed();
    println!(
        "{b}: {done} acknowledgements through the API, {CONCURRENCY} at a time, durable: {took:.2?}, {:.0}/s",
        done as f64 / took.as_secs_f64()
    );

    // Forty-nine more campaigns: five million requests in all.
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    for i in 1..VERSIONS {
        let (_, _, _, took) = publish(
            &store,
            org,
            &author,
            &boss,
            &format!("Topic policy {i:02}"),
            Some(top_policy),
            Audience::everyone(),
        )
        .await;
        slowest = slowest.max(took);
    }
    let totals = store
        .acknowledgement_totals(org, today)
        .await
        .expect("totals");
    let requests: i64 = totals.values().map(|(c, _)| c.values().sum::<i64>()).sum();
    println!(
        "{b}: {requests} acknowledgement requests over {} versions, published in {:.1?} (slowest {slowest:.2?})",
        totals.len(),
        started.elapsed()
    );
    assert!(
        totals[&version]
            .0
            .get(&AckState::Accepted)
            .copied()
            .unwrap_or(0) as usize
            == done
    );

    let secret = "bench-editor";
    store
        .create_session(org, author.id, &secret_hash(secret), "csrf", now())
        .await
        .expect("session");
    for (uri, runs) in [
        ("/campaigns".to_string(), 50),
        ("/api/v1/campaigns".to_string(), 50),
        (format!("/campaigns/{version}"), 20),
        (format!("/api/v1/campaigns/{version}"), 20),
        (
            format!("/api/v1/campaigns/{version}/people?show=owed&limit=100"),
            20,
        ),
    ] {
        let (times, _) = time_get(&app, &uri, secret, runs).await;
        report(b, &format!("GET {uri}"), times);
    }
    let person = staff[0];
    let secret = format!("s-{}", person.id);
    let mut times = Vec::new();
    for _ in 0..20 {
        let request = Request::get("/tasks")
            .header(header::HOST, "bench.test")
            .header(header::COOKIE, format!("mandate_session={secret}"))
            .body(Body::empty())
            .expect("request");
        let t = Instant::now();
        let response = app.clone().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        std::hint::black_box(
            to_bytes(response.into_body(), 64 << 20)
                .await
                .expect("body"),
        );
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{b}: GET /tasks (49 owed): p50 {:.1?}, p99 {:.1?}",
        times[times.len() / 2],
        times[times.len() * 99 / 100]
    );
}

fn main() {
    // One thread: acknowledgements per second on one core.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        for db in TestDb::all().await {
            run(&db).await;
        }
    });
}
