//! Hostile mail templates (issue 17, finding 1): `/healthz` answered over a
//! real TCP connection while ten clients keep saving templates built to
//! stall or exhaust the server, against `/healthz` with nothing else going
//! on. SQLite always; PostgreSQL too when `MANDATE_TEST_POSTGRES_URL` is set.
//! Run with `cargo bench -p mandate --bench hostile_templates`.
//!
//! Target: `/healthz` p99 under 10 ms under that load.

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use mandate_core::audit::Actor;
use mandate_core::generator::{generate_people, reference_day, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_core::{AccessRole, NewOrganisation, NewUser, Slug};
use mandate_store::{DatabaseUrl, Store, keyfile};
use mandate_testkit::TestDb;
use mandate_web::{AppState, WebConfig, router};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;
use support::report;

/// Saves each client makes.
const SAVES: usize = 30;
const CLIENTS: usize = 10;

/// What a hostile organisation tries: each passes the parser, so only the
/// budget stands between it and the server.
const HOSTILE: [&str; 4] = [
    // Nested loops over every item of a long digest: runs out of fuel.
    "{% for s in sections %}{% for a in s.items %}{% for b in s.items %}{% for c in s.items %}.{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
    // Output that grows with every item: runs into the output cap.
    "{% for s in sections %}{% for i in s.items %}{{ s.items|join(tasks_url) }}{% endfor %}{% endfor %}",
    // Repetition and bindings: refused by shape at once.
    "{{ 'x' * 100000000 }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
];

type Http = Client<HttpConnector, Body>;

async fn send(client: &Http, request: Request<Body>) -> (StatusCode, usize) {
    let response = client.request(request).await.expect("answered");
    let status = response.status();
    let body = to_bytes(Body::new(response.into_body()), 1 << 20)
        .await
        .expect("body");
    (status, body.len())
}

async fn healthz(client: &Http, at: SocketAddr) -> Duration {
    let started = Instant::now();
    let request = Request::get(format!("http://{at}/healthz"))
        .body(Body::empty())
        .expect("request");
    let (status, _) = send(client, request).await;
    assert_eq!(status, StatusCode::OK);
    started.elapsed()
}

async fn run(db: &TestDb) {
    let key = keyfile::load_or_create(&db.key_path()).expect("key");
    let url = DatabaseUrl::parse(&db.url).expect("url");
    let store = Arc::new(Store::open(&url, true, Some(key)).await.expect("store"));
    let new = NewOrganisation::new(Slug::parse("bench").expect("slug"), "Bench Ltd").expect("org");
    let rows =
        to_import_rows(&generate_people(3, 50, "bench.example", reference_day())).expect("rows");
    let (plan, errors) = plan_import(new.id, &[], &rows, now());
    assert!(errors.is_empty());
    let users = [NewUser {
        person_id: plan.inserts[0].id,
        access_role: AccessRole::IsmsManager,
        password_hash: None,
    }];
    let org = store
        .create_organisation(&Actor::system("bench"), &new, &plan.inserts, &users)
        .await
        .expect("org")
        .id;
    let editor = store.users(org).await.expect("users").remove(0);
    let (secret, csrf) = ("bench-session", "bench-csrf");
    store
        .create_session(org, editor.id, &secret_hash(secret), csrf, now())
        .await
        .expect("session");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let at = listener.local_addr().expect("address");
    let app = router(AppState::new(Arc::clone(&store), WebConfig::default()));
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    let client: Http = Client::builder(TokioExecutor::new()).build_http();

    let mut quiet = Vec::new();
    for _ in 0..2_000 {
        quiet.push(healthz(&client, at).await);
    }
    report(db.backend, "/healthz, nothing else running", quiet);

    let started = Instant::now();
    let savers: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut refused = 0;
                let mut times = Vec::new();
                for i in 0..SAVES {
                    let body = serde_json::json!({
                        "subject": "Hi", "body": HOSTILE[(c + i) % HOSTILE.len()], "version": 0
                    });
                    let request = Request::builder()
                        .method(Method::PUT)
                        .uri(format!("http://{at}/api/v1/mail-templates/digest"))
                        .header(header::COOKIE, format!("mandate_session={secret}"))
                        .header("x-csrf-token", csrf)
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(body.to_string()))
                        .expect("request");
                    let t = Instant::now();
                    let (status, _) = send(&client, request).await;
                    times.push(t.elapsed());
                    if status == StatusCode::UNPROCESSABLE_ENTITY {
                        refused += 1;
                    }
                }
                (refused, times)
            })
        })
        .collect();
    let mut loaded = Vec::new();
    while savers.iter().any(|s| !s.is_finished()) {
        loaded.push(healthz(&client, at).await);
    }
    let elapsed = started.elapsed();
    let mut refused = 0;
    let mut saves = Vec::new();
    for s in savers {
        let (r, times) = s.await.expect("saver");
        refused += r;
        saves.extend(times);
    }
    report(
        db.backend,
        &format!(
            "/healthz while {CLIENTS} clients save hostile templates ({} healthz answers in {:.1} s)",
            loaded.len(),
            elapsed.as_secs_f64()
        ),
        loaded,
    );
    report(db.backend, "saving a hostile template (refused)", saves);
    println!(
        "{}: {refused} of {} hostile templates refused",
        db.backend,
        CLIENTS * SAVES
    );
    assert_eq!(
        refused,
        CLIENTS * SAVES,
        "every hostile template is refused"
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        for db in TestDb::all().await {
            run(&db).await;
        }
    });
}
