//! Mail through a real SMTP server (aiosmtpd, a local sink): the digest
//! reaches its recipient with the right content, and a sender killed in the
//! middle of a batch and started again delivers every message once: never
//! twice, and at most the one in flight is left "uncertain" for an operator.
//!
//! Needs Python with aiosmtpd (`pip install aiosmtpd`); skipped without it,
//! except under CI, where it fails.

use crate::support::{Killed, free_port};
use mandate_testkit::TestDb;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn have_aiosmtpd() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI must have aiosmtpd"
    );
    if !found {
        eprintln!("skipped: python3 with aiosmtpd is not installed");
    }
    found
}

/// The sink on a free port, writing to `file`, slowed by `delay` seconds a message.
fn sink(file: &std::path::Path, delay: f64) -> (Killed, u16) {
    let port = free_port();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
    let mut child = Command::new("python3")
        .args([
            script,
            &port.to_string(),
            &file.display().to_string(),
            &delay.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the sink starts");
    let mut ready = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut ready)
        .expect("the sink says it is ready");
    assert_eq!(ready.trim(), "ready");
    (Killed(child), port)
}

fn mandate(db: &TestDb, args: &[&str], smtp: Option<u16>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mandate"));
    c.args(args)
        .env("MANDATE_DATABASE_URL", &db.url)
        .env("MANDATE_SIGNING_KEY", db.key_path())
        .env("MANDATE_DEMO_PASSWORD", "mail-test-password")
        .env("MANDATE_PUBLIC_URL", "https://mandate.example")
        .env_remove("MANDATE_SMTP_URL");
    if let Some(port) = smtp {
        c.env("MANDATE_SMTP_URL", format!("smtp://127.0.0.1:{port}"));
    }
    c
}

fn run_ok(mut c: Command) -> String {
    let out = c.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn delivered(file: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

async fn count(db: &TestDb, state: &str) -> i64 {
    db.count(&format!("outbox WHERE state = '{state}'")).await
}

#[tokio::test]
async fn a_digest_is_delivered_with_its_links() {
    if !have_aiosmtpd() {
        return;
    }
    let db = TestDb::sqlite();
    run_ok(mandate(&db, &["demo", "--people", "40"], None));
    let file = db.path("delivered.jsonl");
    let (_sink, port) = sink(&file, 0.0);
    let out = run_ok(mandate(&db, &["tick"], Some(port)));
    assert!(out.contains("message(s) queued"), "{out}");
    let sent = count(&db, "sent").await;
    assert!(sent > 10, "{out}");
    let mail = delivered(&file);
    assert_eq!(mail.len() as i64, sent);
    let staff = mail
        .iter()
        .find(|m| m["to"][0] == "staff@demo.example")
        .expect("staff's digest");
    let subject = staff["subject"].as_str().expect("subject");
    assert!(
        subject.starts_with("Northwind Analytics:") && subject.ends_with("for you in Mandate"),
        "{subject}"
    );
    let body = staff["body"].as_str().expect("body");
    assert!(
        body.contains("Acceptable use v1") && body.contains("https://mandate.example/acknowledge/"),
        "{body}"
    );
    // A second run the same day writes to nobody again.
    let again = run_ok(mandate(&db, &["tick"], Some(port)));
    assert!(
        again.contains("0 message(s) queued") && again.contains("0 message(s) sent"),
        "{again}"
    );
}

#[tokio::test]
async fn a_sender_killed_mid_batch_never_sends_a_message_twice() {
    if !have_aiosmtpd() {
        return;
    }
    let db = TestDb::sqlite();
    run_ok(mandate(&db, &["demo", "--people", "80"], None));
    // Queue the digests without sending them.
    run_ok(mandate(&db, &["tick"], None));
    let total = count(&db, "queued").await;
    assert!(total > 30, "{total} queued");
    let file = db.path("delivered.jsonl");
    let (_sink, port) = sink(&file, 0.05);

    let serve = |db: &TestDb| {
        let mut c = mandate(
            db,
            &["serve", "--bind", &format!("127.0.0.1:{}", free_port())],
            Some(port),
        );
        c.stdout(Stdio::null()).stderr(Stdio::null());
        Killed(c.spawn().expect("serves"))
    };
    let mut first = serve(&db);
    let started = Instant::now();
    while (delivered(&file).len() as i64) < total / 3 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "nothing was sent"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Killed without warning in the middle of the batch.
    let _ = first.0.kill();
    let _ = first.0.wait();
    let before = delivered(&file).len();
    assert!((before as i64) < total, "the batch was not interrupted");

    let _second = serve(&db);
    let started = Instant::now();
    while count(&db, "queued").await + count(&db, "sending").await > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the restarted sender did not finish"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mail = delivered(&file);
    let mut ids: Vec<&str> = mail
        .iter()
        .filter_map(|m| m["message_id"].as_str())
        .collect();
    ids.sort_unstable();
    let unique = {
        let mut u = ids.clone();
        u.dedup();
        u.len()
    };
    assert_eq!(unique, ids.len(), "a message reached the sink twice");
    let (sent, uncertain) = (count(&db, "sent").await, count(&db, "uncertain").await);
    assert_eq!(sent + uncertain, total, "every message is sent or in doubt");
    assert!(
        uncertain <= 1,
        "only the message in flight may be in doubt: {uncertain}"
    );
    let arrived = mail.len() as i64;
    assert!(
        sent <= arrived && arrived <= sent + uncertain,
        "{sent} sent, {uncertain} uncertain, {arrived} arrived"
    );
}

#[tokio::test]
async fn while_the_mail_server_is_down_nothing_is_claimed_and_nothing_is_in_doubt() {
    let db = TestDb::sqlite();
    run_ok(mandate(&db, &["demo", "--people", "40"], None));
    // Nothing listens on this port: the server is down.
    let out = run_ok(mandate(&db, &["tick"], Some(free_port())));
    assert!(out.contains("0 message(s) sent"), "{out}");
    let queued = count(&db, "queued").await;
    assert!(queued > 10, "{out}");
    assert_eq!(count(&db, "uncertain").await, 0, "nothing was handed over");
    assert_eq!(
        db.count("outbox WHERE attempts > 0").await,
        0,
        "no attempt was spent on a server that cannot be reached"
    );
}

/// A request to the real router, in process, on the database `db`.
async fn page(
    state: &mandate_web::AppState,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    form: Option<String>,
) -> (u16, String, Option<String>, String) {
    use tower::ServiceExt;
    let mut request = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "mandate.example");
    if let Some(c) = cookie {
        request = request.header("cookie", c);
    }
    let body = match form {
        Some(f) => {
            request = request.header("content-type", "application/x-www-form-urlencoded");
            axum::body::Body::from(f)
        }
        None => axum::body::Body::empty(),
    };
    let response = mandate_web::router(state.clone())
        .oneshot(request.body(body).expect("request"))
        .await
        .expect("infallible");
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let cookie = header("set-cookie").map(|c| c.split(';').next().unwrap_or("").to_string());
    let location = header("location").unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), 8 << 20)
        .await
        .expect("body");
    (
        status,
        location,
        cookie,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn captured<'a>(pattern: &str, text: &'a str) -> &'a str {
    regex_lite::Regex::new(pattern)
        .expect("pattern")
        .captures(text)
        .and_then(|c| c.get(1))
        .unwrap_or_else(|| panic!("{pattern} not in {text}"))
        .as_str()
}

#[tokio::test]
async fn an_invitation_mail_lets_a_person_in_once_to_acknowledge_a_policy() {
    if !have_aiosmtpd() {
        return;
    }
    for db in TestDb::all().await {
        let b = db.backend;
        run_ok(mandate(&db, &["demo", "--people", "40"], None));
        let out = run_ok(mandate(&db, &["invite", "--everyone"], None));
        let invited: usize = captured(r"(\d+) invitation\(s\) queued", &out)
            .parse()
            .expect("a count");
        assert!(invited > 20, "{b}: {out}");
        let again = run_ok(mandate(&db, &["invite", "--everyone"], None));
        assert!(again.starts_with("0 invitation(s) queued"), "{b}: {again}");

        // Invited again before the first mail went: only the second goes.
        let store = mandate_store::Store::open(
            &mandate_store::DatabaseUrl::parse(&db.url).expect("url"),
            false,
            None,
        )
        .await
        .expect("store");
        let org = store.organisations().await.expect("orgs")[0].id;
        let (someone, _) = store
            .logins_by_person(org)
            .await
            .expect("logins")
            .into_iter()
            .find(|(_, login)| login.is_none())
            .expect("someone without a login");
        let email = store
            .person(org, someone)
            .await
            .expect("read")
            .expect("person")
            .email;
        store.close().await;
        let out = run_ok(mandate(&db, &["invite", "--email", email.as_str()], None));
        assert!(out.starts_with("1 invitation(s) queued"), "{b}: {out}");

        let file = db.path("delivered.jsonl");
        let (_sink, port) = sink(&file, 0.0);
        run_ok(mandate(&db, &["tick"], Some(port)));
        // The replaced invitation left the outbox unsent: nothing failed.
        assert_eq!(
            db.count("outbox WHERE kind = 'invitation' AND state = 'sent'")
                .await,
            invited as i64,
            "{b}"
        );
        assert_eq!(
            db.count("outbox WHERE kind = 'invitation' AND state <> 'sent'")
                .await,
            0,
            "{b}"
        );
        let mail = delivered(&file);
        assert_eq!(
            mail.iter()
                .filter(|m| m["to"][0] == email.as_str())
                .filter(|m| m["subject"].as_str().is_some_and(|s| s.contains("invited")))
                .count(),
            1,
            "{b}: {email} got one invitation"
        );
        let invitations: Vec<&serde_json::Value> = mail
            .iter()
            .filter(|m| {
                m["subject"]
                    .as_str()
                    .is_some_and(|s| s.ends_with("you are invited to Mandate"))
            })
            .collect();
        assert_eq!(invitations.len(), invited, "{b}: every invitation went");
        let first = invitations[0];
        let body = first["body"].as_str().expect("body");
        let token = captured(
            r"https://mandate\.example/password/link/(mll_[0-9a-f]{64})",
            body,
        )
        .to_string();
        // The outbox keeps the placeholder, never the link.
        let links_in_outbox = db
            .count(&format!(
                "outbox WHERE body LIKE '%{token}%' OR body LIKE '%/password/link/mll_%'"
            ))
            .await;
        assert_eq!(links_in_outbox, 0, "{b}");

        let key = mandate_store::keyfile::load(&db.key_path()).expect("key");
        let store = std::sync::Arc::new(
            mandate_store::Store::open(
                &mandate_store::DatabaseUrl::parse(&db.url).expect("url"),
                false,
                Some(key),
            )
            .await
            .expect("store"),
        );
        let state = mandate_web::AppState::new(store, mandate_web::WebConfig::default());
        let link = format!("/password/link/{token}");
        let (status, _, _, html) = page(&state, "GET", &link, None, None).await;
        assert_eq!(status, 200, "{b}: {html}");
        let password = "chosen%20by%20the%20invited%20person";
        let form = format!("token={token}&password={password}&password_again={password}");
        let (status, location, cookie, _) =
            page(&state, "POST", "/password/link", None, Some(form.clone())).await;
        assert_eq!((status, location.as_str()), (303, "/tasks"), "{b}");
        let cookie = cookie.expect("signed in");

        // Straight to My tasks, and a policy acknowledged.
        let (status, _, _, tasks) = page(&state, "GET", "/tasks", Some(&cookie), None).await;
        assert_eq!(status, 200, "{b}");
        let version = captured(r#"href="/acknowledge/([0-9a-f-]{36})""#, &tasks).to_string();
        let (_, _, _, reading) = page(
            &state,
            "GET",
            &format!("/acknowledge/{version}"),
            Some(&cookie),
            None,
        )
        .await;
        let csrf = captured(r#"name="csrf_token" value="([^"]+)""#, &reading).to_string();
        let digest = captured(r#"name="text_sha256" value="([0-9a-f]{64})""#, &reading).to_string();
        let answer = format!("csrf_token={csrf}&text_sha256={digest}&answer=accept");
        let (status, _, _, _) = page(
            &state,
            "POST",
            &format!("/acknowledge/{version}"),
            Some(&cookie),
            Some(answer),
        )
        .await;
        assert_eq!(status, 303, "{b}: acknowledged");
        let (_, _, _, after) = page(
            &state,
            "GET",
            &format!("/acknowledge/{version}"),
            Some(&cookie),
            None,
        )
        .await;
        assert!(after.contains("You accepted it"), "{b}: {after}");

        // The link worked once.
        let (status, _, cookie, _) = page(&state, "POST", "/password/link", None, Some(form)).await;
        assert_eq!((status, cookie), (410, None), "{b}");
    }
}
