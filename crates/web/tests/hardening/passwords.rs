//! See `mod.rs`. Findings 5 (throttling turned against users), 14 (a
//! password change left API tokens valid) and 15 (the organisation was asked
//! before the password was checked); and the unbounded password work (each
//! Argon2 check takes about 19 MiB: concurrent sign-ins took a server from
//! 97 MB to 2 GB).

use crate::support::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use mandate_core::audit::Actor;
use mandate_core::generator::{generate_people, reference_day, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::password::hash_password;
use mandate_core::timefmt::now;
use mandate_core::{AccessRole, NewOrganisation, NewUser, Slug};
use mandate_testkit::TestDb;
use mandate_web::auth::password_checks::PasswordChecks;
use mandate_web::{AppState, WebConfig, router};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// The request as if it came over a connection from `peer`.
fn from(peer: &str, mut request: Request<Body>) -> Request<Body> {
    let ip = peer.parse().expect("an IP address");
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(ip, 40_000)));
    request
}

fn sign_in(email: &str, password: &str) -> Request<Body> {
    form_request(
        "/sign-in",
        None,
        &[("email", email), ("password", password)],
    )
}

fn sign_in_to(email: &str, password: &str, org: &str) -> Request<Body> {
    form_request(
        "/sign-in",
        None,
        &[("email", email), ("password", password), ("org", org)],
    )
}

fn forwarded(peer: &str, xff: &str, request: Request<Body>) -> Request<Body> {
    let mut request = from(peer, request);
    request
        .headers_mut()
        .insert("x-forwarded-for", xff.parse().expect("header"));
    request
}

const ADMIN: &str = "admin@acme.example";

// ---- Finding 5: throttling ------------------------------------------------

#[tokio::test]
async fn failures_from_one_address_do_not_lock_the_owner_out_from_another() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        for _ in 0..5 {
            let r = app
                .send(from("203.0.113.9", sign_in(ADMIN, "a wrong guess!")))
                .await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{b}");
        }
        let attacker = app
            .send(from("203.0.113.9", sign_in(ADMIN, PASSWORD)))
            .await;
        assert_eq!(
            attacker.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{b}: the address that failed is held for this account"
        );
        assert!(attacker.headers().get(header::RETRY_AFTER).is_some());
        let owner = app
            .send(from("198.51.100.4", sign_in(ADMIN, PASSWORD)))
            .await;
        assert_eq!(
            owner.status(),
            StatusCode::SEE_OTHER,
            "{b}: the owner signs in from elsewhere"
        );
        let other = app
            .send(from("203.0.113.9", sign_in("staff@acme.example", PASSWORD)))
            .await;
        assert_eq!(
            other.status(),
            StatusCode::SEE_OTHER,
            "{b}: the address may still sign in to other accounts"
        );
    }
}

#[tokio::test]
async fn failures_spread_over_many_addresses_slow_the_account_but_never_lock_it() {
    let app = App::new(TestDb::sqlite()).await;
    for i in 0..12 {
        let r = app
            .send(from(
                &format!("203.0.113.{i}"),
                sign_in(ADMIN, "a wrong guess!"),
            ))
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let started = Instant::now();
    let owner = app
        .send(from("198.51.100.4", sign_in(ADMIN, PASSWORD)))
        .await;
    assert_eq!(
        owner.status(),
        StatusCode::SEE_OTHER,
        "a fresh address is never refused"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "but the account's many failures slow it down"
    );
}

#[tokio::test]
async fn the_feedback_form_and_sign_in_keep_separate_counts() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let peer = "192.0.2.50";
        for i in 0..5 {
            let text = format!("Concern number {i}: the door is propped open.");
            let sent = app
                .send(from(
                    peer,
                    form_request(
                        "/public/acme/feedback",
                        None,
                        &[("kind", "concern"), ("subject", "Doors"), ("text", &text)],
                    ),
                ))
                .await;
            assert_eq!(sent.status(), StatusCode::OK, "{b}: feedback {i}");
        }
        for i in 0..15 {
            let r = app
                .send(from(
                    peer,
                    sign_in(&format!("nobody{i}@acme.example"), "a wrong guess!"),
                ))
                .await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{b}: sign-in {i}");
        }
        let r = app.send(from(peer, sign_in(ADMIN, PASSWORD))).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{b}: feedback sent from an address does not count against its sign-ins"
        );
    }
}

/// The app with `--trusted-proxy` set to these ranges.
fn behind_proxy(app: &mut App, ranges: &[&str]) {
    let config = WebConfig {
        trusted_proxies: ranges.iter().map(|r| r.parse().expect("a CIDR")).collect(),
        ..WebConfig::default()
    };
    app.state = AppState::new(Arc::clone(&app.store), config);
}

#[tokio::test]
async fn x_forwarded_for_is_believed_only_from_a_trusted_proxy() {
    for db in TestDb::all().await {
        let mut app = App::new(db).await;
        let b = app.backend;
        behind_proxy(&mut app, &["10.9.0.0/16", "fd00::/8"]);

        // Through the proxy, each client is told apart by the address the proxy saw.
        for _ in 0..5 {
            let r = app
                .send(forwarded(
                    "10.9.0.1",
                    "203.0.113.7",
                    sign_in(ADMIN, "a wrong guess!"),
                ))
                .await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{b}");
        }
        // A client cannot dodge the count by writing its own entries on the
        // left: the rightmost address the trusted proxies did not add is used.
        let spoofed = app
            .send(forwarded(
                "10.9.0.1",
                "1.2.3.4, 203.0.113.7, 10.9.3.3",
                sign_in(ADMIN, PASSWORD),
            ))
            .await;
        assert_eq!(spoofed.status(), StatusCode::TOO_MANY_REQUESTS, "{b}");
        let owner = app
            .send(forwarded(
                "10.9.0.1",
                "198.51.100.8",
                sign_in(ADMIN, PASSWORD),
            ))
            .await;
        assert_eq!(
            owner.status(),
            StatusCode::SEE_OTHER,
            "{b}: another client behind the same proxy is not held"
        );

        // From a peer that is not a trusted proxy the header is ignored.
        for i in 0..5 {
            let r = app
                .send(forwarded(
                    "192.0.2.1",
                    &format!("198.18.0.{i}"),
                    sign_in("staff@acme.example", "a wrong guess!"),
                ))
                .await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{b}");
        }
        let dodge = app
            .send(forwarded(
                "192.0.2.1",
                "198.18.0.99",
                sign_in("staff@acme.example", PASSWORD),
            ))
            .await;
        assert_eq!(
            dodge.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{b}: a forged X-Forwarded-For changes nothing"
        );
    }
}

#[tokio::test]
async fn without_trusted_proxies_x_forwarded_for_is_ignored() {
    let app = App::new(TestDb::sqlite()).await;
    for i in 0..5 {
        let r = app
            .send(forwarded(
                "10.9.0.1",
                &format!("203.0.113.{i}"),
                sign_in(ADMIN, "a wrong guess!"),
            ))
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = app
        .send(forwarded(
            "10.9.0.1",
            "203.0.113.99",
            sign_in(ADMIN, PASSWORD),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

// ---- Finding 14: a password change revokes API tokens ---------------------

async fn token_works(app: &App, token: &str) -> bool {
    call(app, Method::GET, "/api/v1/me", token, None).await.0 == StatusCode::OK
}

fn change_password(cookie: &str, csrf: &str, revoke: bool) -> Request<Body> {
    let mut fields = vec![
        ("csrf_token", csrf),
        ("current", PASSWORD),
        ("new_password", "a brand new passphrase"),
        ("tokens_asked", "1"),
    ];
    if revoke {
        fields.push(("revoke_tokens", "1"));
    }
    form_request("/me/password", Some(cookie), &fields)
}

#[tokio::test]
async fn changing_the_password_revokes_api_tokens_unless_told_not_to() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let (cookie, csrf) = app.session(AccessRole::Staff).await;
        let page = body_text(
            app.send(
                request(Method::GET, "/me")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await,
        )
        .await;
        let checkbox = page
            .split("name=\"revoke_tokens\"")
            .nth(1)
            .and_then(|s| s.split('>').next())
            .unwrap_or_default();
        assert!(
            checkbox.contains("checked"),
            "{b}: the page offers to revoke the tokens, checked by default"
        );

        let token = token_for(&app, AccessRole::Staff).await;
        assert!(token_works(&app, &token).await, "{b}");
        let r = app.send(change_password(&cookie, &csrf, true)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{b}");
        assert!(
            !token_works(&app, &token).await,
            "{b}: the token stops working with the old password"
        );
        let events = app
            .store
            .audit_events(
                app.org,
                &mandate_store::AuditQuery {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .expect("events");
        let actions: Vec<(&str, &str)> = events
            .items
            .iter()
            .map(|e| (e.entity_type.as_str(), e.action.as_str()))
            .collect();
        assert!(
            actions.contains(&("api_token", "revoke"))
                && actions.contains(&("user", "change_password")),
            "{b}: audited: {actions:?}"
        );

        // Unchecked, the tokens are kept.
        let token = token_for(&app, AccessRole::Staff).await;
        let r = app
            .send(form_request(
                "/me/password",
                Some(&cookie),
                &[
                    ("csrf_token", &csrf),
                    ("current", "a brand new passphrase"),
                    ("new_password", PASSWORD),
                    ("tokens_asked", "1"),
                ],
            ))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{b}");
        assert!(token_works(&app, &token).await, "{b}: kept when unchecked");
    }
}

#[tokio::test]
async fn a_form_that_does_not_say_revokes_the_tokens() {
    let app = App::new(TestDb::sqlite()).await;
    let (cookie, csrf) = app.session(AccessRole::Staff).await;
    let token = token_for(&app, AccessRole::Staff).await;
    let r = app
        .send(form_request(
            "/me/password",
            Some(&cookie),
            &[
                ("csrf_token", &csrf),
                ("current", PASSWORD),
                ("new_password", "a brand new passphrase"),
            ],
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!token_works(&app, &token).await, "the safe default");
}

#[tokio::test]
async fn disabling_a_login_revokes_its_tokens_for_good() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let admin = token_for(&app, AccessRole::Admin).await;
        let staff = token_for(&app, AccessRole::Staff).await;
        let (cookie, _) = app.session(AccessRole::Staff).await;
        let id = app.user(AccessRole::Staff).id.to_string();
        let set = |disabled: bool| {
            api(
                Method::PUT,
                &format!("/api/v1/users/{id}"),
                &admin,
                Some(json!({"access_role": "staff", "disabled": disabled})),
            )
        };
        assert_eq!(app.send(set(true)).await.status(), StatusCode::OK, "{b}");
        assert_eq!(app.send(set(false)).await.status(), StatusCode::OK, "{b}");
        assert!(
            !token_works(&app, &staff).await,
            "{b}: a token does not come back to life when the login is enabled again"
        );
        let me = app
            .send(
                request(Method::GET, "/api/v1/me")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "{b}: nor a session");
        let tokens = app
            .store
            .tokens_of_user(app.org, app.user(AccessRole::Staff).id)
            .await
            .expect("tokens");
        assert!(
            !tokens.is_empty() && tokens.iter().all(|t| t.revoked_at.is_some()),
            "{b}"
        );
    }
}

// ---- Finding 15: the organisation is asked after the password -------------

/// Gives `ADMIN`'s person a login in another organisation, with `password`.
async fn second_login(app: &App, slug: &str, password: &str) {
    let other = NewOrganisation::new(Slug::parse(slug).expect("slug"), slug).expect("org");
    let rows =
        to_import_rows(&generate_people(9, 3, "acme.example", reference_day())).expect("rows");
    let (mut plan, _) = plan_import(other.id, &[], &rows, now());
    plan.inserts[0].email = mandate_core::Email::parse(ADMIN).expect("email");
    let login = NewUser {
        person_id: plan.inserts[0].id,
        access_role: AccessRole::Staff,
        password_hash: Some(if password == PASSWORD {
            password_hash()
        } else {
            hash_password(password).expect("hash")
        }),
    };
    app.store
        .create_organisation(&Actor::system("test"), &other, &plan.inserts, &[login])
        .await
        .expect("org");
}

async fn org_of(app: &App, response: axum::response::Response) -> Option<String> {
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)?
        .to_str()
        .ok()?
        .split(';')
        .next()?
        .to_string();
    let me = app
        .send(
            request(Method::GET, "/api/v1/me")
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    body_json(me).await["organisation"]["slug"]
        .as_str()
        .map(str::to_string)
}

#[tokio::test]
async fn a_wrong_password_is_not_told_that_the_email_has_several_logins() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        second_login(&app, "globex", PASSWORD).await;
        let wrong = app.send(sign_in(ADMIN, "a wrong guess!")).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{b}");
        let wrong = body_text(wrong).await;
        let unknown = body_text(
            app.send(sign_in("nobody@acme.example", "a wrong guess!"))
                .await,
        )
        .await;
        assert!(
            wrong.contains("The email or the password is wrong.") && !wrong.contains("several"),
            "{b}: {wrong}"
        );
        assert_eq!(
            wrong.replace(ADMIN, "EMAIL"),
            unknown.replace("nobody@acme.example", "EMAIL"),
            "{b}: the same answer as for an unknown email"
        );
    }
}

#[tokio::test]
async fn the_password_picks_the_login_and_only_matching_organisations_are_offered() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        second_login(&app, "globex", "the password of globex").await;
        // The password matches the acme login only: signed in there, not asked.
        let r = app.send(sign_in(ADMIN, PASSWORD)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{b}");
        assert_eq!(org_of(&app, r).await.as_deref(), Some("acme"), "{b}");
        let r = app.send(sign_in(ADMIN, "the password of globex")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{b}");
        assert_eq!(org_of(&app, r).await.as_deref(), Some("globex"), "{b}");

        // Two match, a third does not: asked to choose between the two.
        second_login(&app, "initech", PASSWORD).await;
        let ask = app.send(sign_in(ADMIN, PASSWORD)).await;
        assert_eq!(ask.status(), StatusCode::OK, "{b}");
        assert!(ask.headers().get(header::SET_COOKIE).is_none());
        let page = body_text(ask).await;
        assert!(page.contains("say which one"), "{b}: {page}");
        assert!(
            page.contains("value=\"acme\"")
                && page.contains("value=\"initech\"")
                && !page.contains("globex"),
            "{b}: only the organisations whose login the password opens: {page}"
        );
        let r = app.send(sign_in_to(ADMIN, PASSWORD, "initech")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{b}");
        assert_eq!(org_of(&app, r).await.as_deref(), Some("initech"), "{b}");
        let r = app.send(sign_in_to(ADMIN, PASSWORD, "globex")).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{b}");
    }
}

#[tokio::test]
async fn an_email_with_several_logins_takes_as_long_as_an_unknown_one() {
    let app = App::new(TestDb::sqlite()).await;
    second_login(&app, "globex", PASSWORD).await;
    // Each from its own address, so the throttle plays no part.
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..4 {
        let started = Instant::now();
        let r = app
            .send(from(
                &format!("192.0.2.{i}"),
                sign_in(ADMIN, "a wrong guess!"),
            ))
            .await;
        known.push(started.elapsed());
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let started = Instant::now();
        let r = app
            .send(from(
                &format!("198.51.100.{i}"),
                sign_in("nobody@acme.example", "a wrong guess!"),
            ))
            .await;
        unknown.push(started.elapsed());
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let known = known.into_iter().min().unwrap_or_default();
    let unknown = unknown.into_iter().min().unwrap_or_default();
    assert!(
        known * 10 >= unknown * 3,
        "a wrong password for an email with logins in several organisations checks it too: {known:?} vs {unknown:?}"
    );
}

// ---- Password work is bounded server-wide ---------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sign_ins_run_no_more_password_checks_at_once_than_there_are_permits() {
    let mut app = App::new(TestDb::sqlite()).await;
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    assert_eq!(
        app.state.password_checks.permits(),
        cpus,
        "one permit per CPU"
    );
    // The same limit, at most 4 so that 40 requests exceed it on any
    // machine, and a long wait so that none is refused on a slow one.
    let permits = cpus.min(4);
    app.state.password_checks = Arc::new(PasswordChecks::new(permits, Duration::from_secs(120)));
    // Unknown emails from 4 addresses, each within the per-address throttle.
    let mut all = tokio::task::JoinSet::new();
    for i in 0..40 {
        let request = from(
            &format!("203.0.113.{}", i % 4),
            sign_in(&format!("nobody{i}@acme.example"), "a wrong guess!"),
        );
        let state = app.state.clone();
        all.spawn(async move { router(state).oneshot(request).await.map(|r| r.status()) });
    }
    while let Some(status) = all.join_next().await {
        assert_eq!(
            status.expect("joined").expect("infallible"),
            StatusCode::UNAUTHORIZED
        );
    }
    let checks = &app.state.password_checks;
    assert_eq!(checks.checks_run(), 40, "one check per sign-in");
    assert!(
        (1..=permits).contains(&checks.max_in_flight()),
        "at most {permits} at once, not {}",
        checks.max_in_flight()
    );
}

/// How many password checks a failed sign-in from `address` made.
async fn checks_made(app: &App, address: &str, request: Request<Body>) -> u64 {
    let before = app.state.password_checks.checks_run();
    let r = app.send(from(address, request)).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    app.state.password_checks.checks_run() - before
}

#[tokio::test]
async fn a_sign_in_checks_as_many_passwords_whether_or_not_the_email_exists() {
    let app = App::new(TestDb::sqlite()).await;
    let wrong = "a wrong guess!";
    for (address, request) in [
        ("192.0.2.1", sign_in("nobody@acme.example", wrong)),
        ("192.0.2.2", sign_in("not an email", wrong)),
        ("192.0.2.3", sign_in(ADMIN, wrong)),
        ("192.0.2.4", sign_in_to(ADMIN, wrong, "no-such-org")),
    ] {
        assert_eq!(checks_made(&app, address, request).await, 1, "{address}");
    }
    second_login(&app, "globex", PASSWORD).await;
    assert_eq!(
        checks_made(&app, "192.0.2.5", sign_in(ADMIN, wrong)).await,
        2,
        "each login of the email, one after another"
    );
}

/// Gives `app` a single permit for password work, waiting at most a tenth
/// of a second, and takes that permit until the returned sender sends.
async fn hold_the_only_permit(
    app: &mut App,
) -> (
    std::sync::mpsc::Sender<()>,
    tokio::task::JoinHandle<Result<Option<bool>, mandate_web::auth::password_checks::Busy>>,
) {
    let checks = Arc::new(PasswordChecks::new(1, Duration::from_millis(100)));
    app.state.password_checks = Arc::clone(&checks);
    let (release, held) = std::sync::mpsc::channel::<()>();
    let (started, running) = tokio::sync::oneshot::channel();
    let holder = tokio::spawn(async move {
        checks
            .run(move || {
                let _ = started.send(());
                held.recv().is_ok()
            })
            .await
    });
    running.await.expect("the permit is held");
    (release, holder)
}

#[tokio::test]
async fn a_sign_in_that_waits_too_long_for_a_permit_is_answered_503_with_retry_after() {
    let mut app = App::new(TestDb::sqlite()).await;
    let (release, holder) = hold_the_only_permit(&mut app).await;
    for email in [ADMIN, "nobody@acme.example"] {
        let r = app.send(sign_in(email, PASSWORD)).await;
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "{email}");
        assert!(r.headers().get(header::RETRY_AFTER).is_some(), "{email}");
        assert!(r.headers().get(header::SET_COOKIE).is_none(), "{email}");
        let page = body_text(r).await;
        assert!(
            page.contains("busy checking other passwords"),
            "{email}: {page}"
        );
    }
    release.send(()).expect("released");
    assert_eq!(holder.await.expect("joined"), Ok(Some(true)));
    let r = app.send(sign_in(ADMIN, PASSWORD)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "signs in once free");
}

#[tokio::test]
async fn a_password_change_or_a_new_login_that_waits_too_long_is_answered_503() {
    let mut app = App::new(TestDb::sqlite()).await;
    let admin = token_for(&app, AccessRole::Admin).await;
    let (cookie, csrf) = app.session(AccessRole::Staff).await;
    let (release, holder) = hold_the_only_permit(&mut app).await;

    let r = app.send(change_password(&cookie, &csrf, true)).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().get(header::RETRY_AFTER).is_some());
    let page = body_text(r).await;
    assert!(page.contains("busy checking other passwords"), "{page}");

    let person = &app.people[20];
    let new = json!({"person_id": person.id.0, "access_role": "staff", "password": PASSWORD});
    let r = app
        .send(api(
            Method::POST,
            "/api/v1/users",
            &admin,
            Some(new.clone()),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().get(header::RETRY_AFTER).is_some());
    assert_eq!(
        r.headers().get(header::CONTENT_TYPE).map(|v| v.as_bytes()),
        Some(&b"application/problem+json"[..])
    );
    let problem = body_json(r).await;
    assert_eq!(problem["status"], 503, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("busy"),
        "{problem}"
    );

    release.send(()).expect("released");
    assert_eq!(holder.await.expect("joined"), Ok(Some(true)));
    let r = app.send(change_password(&cookie, &csrf, true)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "changed once free");
    let r = app
        .send(api(Method::POST, "/api/v1/users", &admin, Some(new)))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "made once free");
}
