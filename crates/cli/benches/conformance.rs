//! Conformance benchmarks: `mandate check`, the whole evaluation in process,
//! the dashboard and the conformance page, and the evidence pack (gathered,
//! as HTML and as PDF), for the demo organisation grown to 100,000 people
//! and 200 policies, 50 of them asked of everyone (about five million
//! acknowledgement requests). The demo is made by the real binary; the
//! policies are then published through the store. SQLite always; PostgreSQL
//! too when `MANDATE_TEST_POSTGRES_URL` is set. Run with
//! `cargo bench -p mandate --bench conformance`.
//!
//! Target: the whole evaluation under 200 ms.

use mandate_core::AccessRole;
use mandate_core::policy::{Audience, PolicyKind};
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_store::{DatabaseUrl, Store, keyfile};
use mandate_testkit::TestDb;
use mandate_web::{AppState, WebConfig, router};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

mod support;
use support::{publish, report, time_get};

const PEOPLE: &str = "100000";
/// Policies in all, the demo's included.
const POLICIES: usize = 200;
/// Policies whose published version everyone owes, the demo's included.
const TO_EVERYONE: usize = 50;

fn mandate(db: &TestDb, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(args)
        .env("MANDATE_DATABASE_URL", &db.url)
        .env("MANDATE_SIGNING_KEY", db.key_path())
        .env("MANDATE_DEMO_PASSWORD", "bench-password-1234")
        .env_remove("MANDATE_LOG")
        .current_dir(db.dir.path())
        .output()
        .expect("the binary runs")
}

async fn run(db: &TestDb) {
    let b = db.backend;
    let started = Instant::now();
    let demo = mandate(db, &["demo", "--people", PEOPLE, "--seed", "7"]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    println!(
        "{b}: the demo at {PEOPLE} people: {:.1?}",
        started.elapsed()
    );

    let key = keyfile::load_or_create(&db.key_path()).expect("key");
    let url = DatabaseUrl::parse(&db.url).expect("url");
    let store = Arc::new(Store::open(&url, false, Some(key)).await.expect("store"));
    let org = store.organisations().await.expect("orgs")[0].id;
    let logins = store.users(org).await.expect("users");
    let login = |role| {
        logins
            .iter()
            .find(|u| u.access_role == role)
            .expect("a demo login")
            .clone()
    };
    let (author, boss) = (
        login(AccessRole::IsmsManager),
        login(AccessRole::TopManagement),
    );
    let summaries = store.policy_summaries(org).await.expect("policies");
    let top = summaries
        .iter()
        .find(|s| s.policy.fields.kind == PolicyKind::TopLevel)
        .expect("the top-level policy")
        .policy
        .id;
    let everyone_already = summaries
        .iter()
        .filter(|s| s.published.is_some() && s.policy.fields.audience.everyone)
        .count();
    let started = Instant::now();
    for i in summaries.len()..POLICIES {
        let audience = if i < summaries.len() + TO_EVERYONE.saturating_sub(everyone_already) {
            Audience::everyone()
        } else {
            Audience {
                departments: vec!["Finance".into()],
                ..Audience::default()
            }
        };
        publish(
            &store,
            org,
            &author,
            &boss,
            &format!("Topic policy {i:03}"),
            Some(top),
            audience,
        )
        .await;
    }
    let totals = store
        .acknowledgement_totals(org, now().date())
        .await
        .expect("totals");
    let requests: i64 = totals.values().map(|(c, _)| c.values().sum::<i64>()).sum();
    println!(
        "{b}: {POLICIES} policies, {requests} acknowledgement requests over {} versions (published in {:.1?})",
        totals.len(),
        started.elapsed()
    );

    let today = now().date();
    let mut gathering = Vec::new();
    let mut judging = Vec::new();
    let mut whole = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let snapshot = mandate_app::conformance::gather(&store, org, today)
            .await
            .expect("gathered");
        let gathered = t.elapsed();
        let e = mandate_core::conformance::evaluate(&snapshot);
        let total = t.elapsed();
        std::hint::black_box(e);
        gathering.push(gathered);
        judging.push(total - gathered);
        whole.push(total);
    }
    report(b, "evaluation (gather the snapshot)", gathering);
    report(b, "evaluation (judge the 23 rules)", judging);
    report(b, "evaluation, whole", whole);

    let mut checks = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let o = mandate(db, &["check", "--format", "json"]);
        assert!(o.status.code().is_some_and(|c| c <= 1), "check ran");
        checks.push(t.elapsed());
    }
    report(
        b,
        "`mandate check --format json` (process, start to exit)",
        checks,
    );

    let app = router(AppState::new(Arc::clone(&store), WebConfig::default()));
    let secret = "bench-auditor";
    let auditor = login(AccessRole::Auditor);
    store
        .create_session(org, auditor.id, &secret_hash(secret), "csrf", now())
        .await
        .expect("session");
    for uri in ["/", "/conformance"] {
        let (mut times, size) = time_get(&app, uri, secret, 20).await;
        // The first request gathers the records; the rest answer from the
        // snapshot kept until the next change.
        let first = times.remove(0);
        println!(
            "{b}: GET {uri} ({} KB): first request {first:.1?}",
            size / 1024
        );
        report(b, &format!("GET {uri}, records unchanged"), times);
    }

    let (mut gather, mut html, mut pdf) = (Vec::new(), Vec::new(), Vec::new());
    let mut sizes = (0, 0);
    for _ in 0..3 {
        let t = Instant::now();
        let pack = mandate_app::evidence::evidence_pack(&store, org, today, None)
            .await
            .expect("pack");
        gather.push(t.elapsed());
        let t = Instant::now();
        let page = mandate_report::evidence::render_html(&pack).expect("html");
        html.push(t.elapsed());
        let t = Instant::now();
        let bytes = mandate_pdf::evidence_pdf(&pack).expect("pdf");
        pdf.push(t.elapsed());
        sizes = (page.len(), bytes.len());
    }
    report(b, "evidence pack: gather", gather);
    report(
        b,
        &format!("evidence pack: HTML ({} KB)", sizes.0 / 1024),
        html,
    );
    report(
        b,
        &format!("evidence pack: PDF ({} KB)", sizes.1 / 1024),
        pdf,
    );
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
