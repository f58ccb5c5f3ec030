//! Foundation benchmarks: importing 100,000 people from CSV, and verifying the
//! audit chain that import wrote. SQLite always; PostgreSQL too when
//! `MANDATE_TEST_POSTGRES_URL` is set. Run with `cargo bench -p mandate`.
//!
//! Targets: the import under 5 s on SQLite; verification over 200,000 events/s.

use mandate_core::audit::Actor;
use mandate_core::generator::{generate_people, reference_day};
use mandate_core::import::plan_import;
use mandate_core::timefmt::now;
use mandate_core::{NewOrganisation, Slug};
use mandate_store::{DatabaseUrl, Store, keyfile};
use mandate_testkit::TestDb;
use std::fmt::Write as _;
use std::time::Instant;

const PEOPLE: usize = 100_000;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let csv = people_csv(PEOPLE);
    println!(
        "people CSV: {} rows, {:.1} MiB",
        PEOPLE,
        csv.len() as f64 / 1_048_576.0
    );
    runtime.block_on(async {
        for db in TestDb::all().await {
            run(&db, &csv).await;
        }
    });
}

async fn run(db: &TestDb, csv: &str) {
    let key = keyfile::load_or_create(&db.key_path()).expect("key");
    let public = key.public_key();
    let url = DatabaseUrl::parse(&db.url).expect("url");
    let store = Store::open(&url, true, Some(key)).await.expect("store");
    let new = NewOrganisation::new(Slug::parse("bench").expect("slug"), "Bench Ltd").expect("org");
    let org = store
        .create_organisation(&Actor::system("bench"), &new, &[], &[])
        .await
        .expect("org")
        .id;

    let started = Instant::now();
    let parsed = mandate_report::people_csv::parse(csv.as_bytes()).expect("header");
    assert!(parsed.errors.is_empty());
    let parse_time = started.elapsed();
    let existing = store.people_all(org).await.expect("people");
    let (plan, errors) = plan_import(org, &existing, &parsed.rows, now());
    assert!(errors.is_empty());
    let plan_time = started.elapsed() - parse_time;
    store
        .import_people(&Actor::system("bench"), org, &plan, &|_| {})
        .await
        .expect("import");
    let total = started.elapsed();
    println!(
        "{:<8} import {PEOPLE} people: {:>6.2} s  (parse {:.2} s, plan {:.2} s, write {:.2} s)  {:>8.0} people/s",
        db.backend,
        total.as_secs_f64(),
        parse_time.as_secs_f64(),
        plan_time.as_secs_f64(),
        (total - parse_time - plan_time).as_secs_f64(),
        PEOPLE as f64 / total.as_secs_f64()
    );

    // Re-import unchanged: the planning path for a nightly HR sync.
    let started = Instant::now();
    let existing = store.people_all(org).await.expect("people");
    let (plan, _) = plan_import(org, &existing, &parsed.rows, now());
    assert_eq!(plan.unchanged, PEOPLE);
    println!(
        "{:<8} re-import, nothing changed: {:.2} s",
        db.backend,
        started.elapsed().as_secs_f64()
    );

    let mut best = f64::MAX;
    let mut events = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let report = store
            .verify_chain(org, &public)
            .await
            .expect("readable")
            .expect("untampered");
        best = best.min(started.elapsed().as_secs_f64());
        events = report.events;
    }
    println!(
        "{:<8} audit verify {events} events: {:>6.3} s (best of 3)  {:>10.0} events/s",
        db.backend,
        best,
        events as f64 / best
    );
    store.close().await;
}

fn people_csv(count: usize) -> String {
    let people = generate_people(7, count, "bench.example", reference_day());
    let mut csv = String::from("name,email,department,manager_email,start_date,end_date,kind\n");
    for p in &people {
        let manager = p.manager.map(|m| people[m].email.as_str()).unwrap_or("");
        let end = p.end_date.map(|d| d.to_string()).unwrap_or_default();
        let _ = writeln!(
            csv,
            "{},{},{},{manager},{},{end},{}",
            p.name,
            p.email,
            p.department.as_deref().unwrap_or(""),
            p.start_date,
            p.kind
        );
    }
    csv
}
