//! Identity benchmarks (issue 16): SCIM provisioning of 10,000 users, one
//! request at a time as a provider sends them, then listing them in pages
//! of 100, in process through the real router; then the single sign-on
//! callback against npm's `oidc-provider` (first and later sign-ins). SQLite always; PostgreSQL
//! too when `MANDATE_TEST_POSTGRES_URL` is set. Run with
//! `cargo bench -p mandate --bench identity`.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use mandate_app::identity::scim::issue_scim_token;
use mandate_core::audit::Actor;
use mandate_core::scim::USER;
use mandate_core::{NewOrganisation, Slug};
use mandate_store::{DatabaseUrl, Store, keyfile};
use mandate_testkit::TestDb;
use mandate_web::{AppState, WebConfig, router};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;
use tower::ServiceExt;

mod support;
use support::report;
#[path = "identity/sso_callback.rs"]
mod sso_callback;

const USERS: usize = 10_000;
const PAGE: usize = 100;
/// Sign-ins through the provider timed, each kind: twice this stays under
/// the server's 300 sign-ins begun per client address in 15 minutes (every
/// request of the in-process router counts as one address).
const SIGN_INS: usize = 140;

async fn send(
    app: &axum::Router,
    request: Request<Body>,
    expected: StatusCode,
) -> std::time::Duration {
    let t = Instant::now();
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = to_bytes(response.into_body(), 64 << 20)
        .await
        .expect("body");
    let took = t.elapsed();
    assert_eq!(status, expected, "{}", String::from_utf8_lossy(&body));
    took
}

async fn run(db: &TestDb) {
    let key = keyfile::load_or_create(&db.key_path()).expect("key");
    let url = DatabaseUrl::parse(&db.url).expect("url");
    let store = Arc::new(Store::open(&url, true, Some(key)).await.expect("store"));
    let new = NewOrganisation::new(Slug::parse("bench").expect("slug"), "Bench Ltd").expect("org");
    let org = store
        .create_organisation(&Actor::system("bench"), &new, &[], &[])
        .await
        .expect("org")
        .id;
    let (_, token) = issue_scim_token(&store, &Actor::system("bench"), org, "bench")
        .await
        .expect("token");
    let mut config = WebConfig::default();
    config.mail.public_url = "http://bench.test".into();
    let app = router(AppState::new(Arc::clone(&store), config));
    let provider = sso_callback::provider("http://bench.test");
    let bearer = format!("Bearer {token}");
    let started = Instant::now();
    let mut creates = Vec::with_capacity(USERS);
    for i in 0..USERS {
        let body = json!({
            "schemas": [USER],
            "userName": format!("user{i}@bench.example"),
            "name": {"givenName": "User", "familyName": format!("{i}")},
            "emails": [{"value": format!("user{i}@bench.example"), "type": "work", "primary": true}],
        });
        let request = Request::post("/scim/v2/Users")
            .header(header::HOST, "bench.test")
            .header(header::AUTHORIZATION, &bearer)
            .header(header::CONTENT_TYPE, "application/scim+json")
            .body(Body::from(body.to_string()))
            .expect("request");
        creates.push(send(&app, request, StatusCode::CREATED).await);
    }
    let total = started.elapsed();
    println!(
        "{}: SCIM create {USERS} users: {:.1?} in all, {:.0} users/s",
        db.backend,
        total,
        USERS as f64 / total.as_secs_f64()
    );
    report(db.backend, "SCIM POST /Users (one user)", creates);
    let mut pages = Vec::with_capacity(USERS / PAGE);
    for start in (1..=USERS).step_by(PAGE) {
        let request = Request::get(format!("/scim/v2/Users?startIndex={start}&count={PAGE}"))
            .header(header::HOST, "bench.test")
            .header(header::AUTHORIZATION, &bearer)
            .body(Body::empty())
            .expect("request");
        pages.push(send(&app, request, StatusCode::OK).await);
    }
    report(db.backend, "SCIM GET /Users, a page of 100", pages);
    let mut lookups = Vec::with_capacity(1000);
    for i in (0..USERS).step_by(10) {
        let filter = format!("userName%20eq%20%22user{i}%40bench.example%22");
        let request = Request::get(format!("/scim/v2/Users?filter={filter}"))
            .header(header::HOST, "bench.test")
            .header(header::AUTHORIZATION, &bearer)
            .body(Body::empty())
            .expect("request");
        lookups.push(send(&app, request, StatusCode::OK).await);
    }
    report(
        db.backend,
        "SCIM GET /Users?filter=userName eq (a provider's lookup)",
        lookups,
    );
    let Some(provider) = provider else { return };
    let settings = mandate_core::sso::SsoSettings {
        enabled: true,
        display_name: "Bench IdP".into(),
        issuer: provider.issuer.clone(),
        client_id: "mandate".into(),
        scopes: vec!["email".into()],
        ..Default::default()
    };
    store
        .save_sso_settings(
            &Actor::system("bench"),
            org,
            None,
            settings,
            mandate_store::SecretChange::Set(sso_callback::SECRET.into()),
        )
        .await
        .expect("SSO settings");
    for (what, range) in [
        ("SSO callback, first sign-in (login made)", 0..SIGN_INS),
        ("SSO callback, later sign-in", 0..SIGN_INS),
    ] {
        let mut times = Vec::with_capacity(SIGN_INS);
        for i in range {
            times.push(sso_callback::sign_in(&app, &format!("user{i}@bench.example")).await);
        }
        report(db.backend, what, times);
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
