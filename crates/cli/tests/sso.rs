//! Single sign-on against a real OpenID provider nobody here wrote: npm's
//! `oidc-provider` (certified), started from `tests/oidc/provider.mjs` on a
//! loopback port, with a test switch that tampers with the ID tokens it
//! issues. The flow is driven as a browser drives it, with a cookie jar:
//! Mandate's `/sign-in/sso`, the provider's login form, the callback.

use crate::support::{Killed, free_port, mandate, ok, serve, stderr};
use mandate_testkit::TestDb;
use reqwest::{StatusCode, Url, redirect};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const PROVIDER_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oidc");
pub const CLIENT_SECRET: &str = "test-client-secret-0123456789";

/// The provider, killed when dropped.
pub struct TestProvider {
    pub issuer: String,
    _process: Killed,
}

/// Whether node and the provider's packages are here (always under CI).
pub fn have_provider() -> bool {
    let found = std::path::Path::new(PROVIDER_DIR)
        .join("node_modules/oidc-provider")
        .is_dir()
        && Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI must have node and `npm ci` run in crates/cli/tests/oidc"
    );
    if !found {
        eprintln!("skipped: node or crates/cli/tests/oidc/node_modules is missing");
    }
    found
}

impl TestProvider {
    /// Starts it for a relying party whose callback is `redirect_uri`.
    pub fn start(redirect_uri: &str) -> Self {
        let port = free_port();
        let mut child = Command::new("node")
            .args([
                "provider.mjs",
                &port.to_string(),
                redirect_uri,
                CLIENT_SECRET,
            ])
            .current_dir(PROVIDER_DIR)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs");
        let stdout = child.stdout.take().expect("piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the provider says it listens");
        let issuer = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("unexpected first line from the provider: {line:?}"))
            .to_string();
        Self {
            issuer,
            _process: Killed(child),
        }
    }

    /// Switches how the provider tampers with the next ID tokens.
    pub async fn mode(&self, mode: &str) {
        let answer = reqwest::get(format!("{}/__test/mode?m={mode}", self.issuer))
            .await
            .expect("the provider answers");
        assert_eq!(answer.status(), StatusCode::NO_CONTENT, "mode {mode}");
    }
}

/// A browser: a cookie jar, redirects followed by hand.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .expect("a client")
}

fn location(from: &Url, response: &reqwest::Response) -> Url {
    let to = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a redirect names its target");
    from.join(to).expect("a URL")
}

/// A page at the end of the redirects from `url` (stopping before
/// Mandate's callback when `stop_at_callback`): its URL, status and body.
async fn follow(
    client: &reqwest::Client,
    mut response: reqwest::Response,
    stop_at_callback: bool,
) -> (Url, StatusCode, String) {
    let mut url = response.url().clone();
    for _ in 0..10 {
        if !response.status().is_redirection() {
            break;
        }
        url = location(&url, &response);
        if stop_at_callback && url.path() == "/sign-in/sso/callback" {
            return (url, response.status(), String::new());
        }
        response = client.get(url.clone()).send().await.expect("answers");
    }
    let status = response.status();
    (url, status, response.text().await.unwrap_or_default())
}

/// A sign-in through the provider as `login` (the provider's account id),
/// up to Mandate's callback: the callback URL, or the page it stopped on.
pub async fn to_callback(
    client: &reqwest::Client,
    base: &str,
    org: &str,
    login: &str,
) -> Result<Url, (StatusCode, String)> {
    let start = client
        .get(format!("{base}/sign-in/sso?org={org}&next=/tasks"))
        .send()
        .await
        .expect("Mandate answers");
    let (form, status, body) = follow(client, start, true).await;
    if status != StatusCode::OK || !form.path().starts_with("/interaction/") {
        return Err((status, body));
    }
    let posted = client
        .post(form.clone())
        .form(&[("prompt", "login"), ("login", login), ("password", "any")])
        .send()
        .await
        .expect("the provider answers");
    let (callback, status, body) = follow(client, posted, true).await;
    if callback.path() != "/sign-in/sso/callback" {
        return Err((status, body));
    }
    Ok(callback)
}

/// The whole sign-in: where it ends, its status and page.
pub async fn sign_in(base: &str, login: &str) -> (reqwest::Client, Url, StatusCode, String) {
    let client = browser();
    match to_callback(&client, base, "acme", login).await {
        Ok(callback) => {
            let answer = client.get(callback).send().await.expect("answers");
            let (url, status, body) = follow(&client, answer, false).await;
            (client, url, status, body)
        }
        Err((status, body)) => (client, Url::parse(base).expect("url"), status, body),
    }
}

async fn access_role(client: &reqwest::Client, base: &str) -> String {
    let me: serde_json::Value = client
        .get(format!("{base}/api/v1/me"))
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("json");
    me["user"]["access_role"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn write(db: &TestDb, name: &str, text: &str) -> String {
    let path = db.dir.path().join(name);
    std::fs::write(&path, text).expect("written");
    path.display().to_string()
}

#[tokio::test]
async fn people_of_the_register_sign_in_through_a_real_provider_and_nobody_else() {
    if !have_provider() {
        return;
    }
    for db in TestDb::all().await {
        let b = db.backend;
        ok(
            &db,
            &[
                "init",
                "--admin-email",
                "admin@acme.example",
                "--org-name",
                "Acme",
            ],
        );
        let people = write(
            &db,
            "people.csv",
            "name,email,department,manager_email,end_date\n\
             Alice Staff,alice@acme.example,IT,,\n\
             Isabel Isms,isabel@acme.example,ISMS,,\n\
             Leo Leaver,leo@acme.example,IT,,2020-01-31\n\
             Uma Unverified,uma@acme.example,IT,,\n\
             Tom Tamper,tom@acme.example,IT,,\n\
             Pat Password,pat@acme.example,IT,,\n",
        );
        ok(&db, &["import", "people", &people]);

        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let provider = TestProvider::start(&format!("{base}/sign-in/sso/callback"));
        let secret = write(&db, "secret", CLIENT_SECRET);
        let wrong = write(&db, "wrong", "not-the-secret");
        let set = |extra: &[&str]| {
            let mut args = vec!["--public-url", &base, "sso", "set"];
            args.extend_from_slice(extra);
            ok(&db, &args)
        };

        // Nothing half-saved: turning it on without a secret is refused.
        let refused = mandate(
            &db,
            &[
                "sso",
                "set",
                "--name",
                "Test IdP",
                "--issuer",
                &provider.issuer,
                "--client-id",
                "mandate",
                "--enable",
            ],
        );
        assert!(!refused.status.success(), "{b}");
        assert!(
            stderr(&refused).contains("client secret"),
            "{b}: {}",
            stderr(&refused)
        );
        assert!(ok(&db, &["sso", "show"]).contains("enabled: false"), "{b}");

        set(&[
            "--name",
            "Test IdP",
            "--issuer",
            &provider.issuer,
            "--client-id",
            "mandate",
            "--client-secret-file",
            &secret,
            "--scopes",
            "email groups",
            "--groups-claim",
            "groups",
            "--map",
            "isms=isms_manager",
            "--enable",
        ]);
        let shown = ok(&db, &["--public-url", &base, "sso", "show"]);
        assert!(shown.contains("client secret: set"), "{b}: {shown}");
        assert!(
            !shown.contains(CLIENT_SECRET),
            "{b}: the secret is never shown"
        );
        assert!(
            shown.contains(&format!(
                "redirect URI (from --public-url): {base}/sign-in/sso/callback"
            )),
            "{b}"
        );
        let tested = ok(&db, &["--public-url", &base, "sso", "test"]);
        assert!(
            tested.contains("ok: client: mandate accepted"),
            "{b}: {tested}"
        );

        // A wrong secret and an unreachable issuer: one line each.
        set(&["--client-secret-file", &wrong]);
        let test = mandate(&db, &["sso", "test"]);
        assert!(!test.status.success(), "{b}");
        assert_eq!(stderr(&test).lines().count(), 1, "{b}: {}", stderr(&test));
        assert!(
            stderr(&test).contains("invalid_client"),
            "{b}: {}",
            stderr(&test)
        );
        let dead = format!("http://127.0.0.1:{}", free_port());
        set(&["--issuer", &dead]);
        let test = mandate(&db, &["sso", "test"]);
        assert!(
            stderr(&test).contains("cannot be reached"),
            "{b}: {}",
            stderr(&test)
        );
        assert_eq!(stderr(&test).lines().count(), 1, "{b}: {}", stderr(&test));
        set(&[
            "--issuer",
            &provider.issuer,
            "--client-secret-file",
            &secret,
        ]);

        let _server = serve(&db, port, &base).await;

        // Pat has a password login, made by the admin through the API.
        let token = ok(&db, &["token", "create", "--email", "admin@acme.example"]);
        let api = reqwest::Client::new();
        let found: serde_json::Value = api
            .get(format!("{base}/api/v1/people?search=pat"))
            .bearer_auth(token.trim())
            .send()
            .await
            .expect("answers")
            .json()
            .await
            .expect("json");
        let pat = found["items"][0]["id"]
            .as_str()
            .expect("Pat is found")
            .to_string();
        let made = api
            .post(format!("{base}/api/v1/users"))
            .bearer_auth(token.trim())
            .json(&serde_json::json!({"person_id": pat, "access_role": "staff", "password": crate::support::PASSWORD}))
            .send()
            .await
            .expect("answers");
        assert_eq!(made.status(), StatusCode::CREATED, "{b}");

        // The sign-in page offers the provider beside the password form.
        let page = reqwest::get(format!("{base}/sign-in"))
            .await
            .expect("page")
            .text()
            .await
            .expect("text");
        assert!(page.contains("Sign in with Test IdP"), "{b}");
        assert!(
            page.contains("id=\"password\""),
            "{b}: passwords still work"
        );

        // A person of the register with no login gets one, just in time.
        let (alice, url, status, body) = sign_in(&base, "alice@acme.example").await;
        assert_eq!(
            (status, url.path()),
            (StatusCode::OK, "/tasks"),
            "{b}: {body}"
        );
        assert_eq!(access_role(&alice, &base).await, "staff", "{b}");
        // The provider's group gives the role.
        let (isabel, url, _, body) = sign_in(&base, "isabel@acme.example;groups=isms,all").await;
        assert_eq!(url.path(), "/tasks", "{b}: {body}");
        assert_eq!(access_role(&isabel, &base).await, "isms_manager", "{b}");
        // An admin is not demoted by groups that map no admin.
        let (admin, url, _, body) = sign_in(&base, "admin@acme.example").await;
        assert_eq!(url.path(), "/tasks", "{b}: {body}");
        assert_eq!(access_role(&admin, &base).await, "admin", "{b}");
        // A SCIM group a mapping names gives its role to a person whose
        // provider sends no groups at all.
        let scim_token = ok(&db, &["scim-token", "create", "okta"]);
        let tom: serde_json::Value = api
            .get(format!("{base}/api/v1/people?search=tom"))
            .bearer_auth(token.trim())
            .send()
            .await
            .expect("answers")
            .json()
            .await
            .expect("json");
        let group = serde_json::json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "isms",
            "members": [{"value": tom["items"][0]["id"]}],
        });
        let made = api
            .post(format!("{base}/scim/v2/Groups"))
            .bearer_auth(scim_token.trim())
            .json(&group)
            .send()
            .await
            .expect("answers");
        assert_eq!(made.status(), StatusCode::CREATED, "{b}");
        let (tom, url, _, body) = sign_in(&base, "tom@acme.example").await;
        assert_eq!(url.path(), "/tasks", "{b}: {body}");
        assert_eq!(access_role(&tom, &base).await, "isms_manager", "{b}");
        // A new mapping takes effect at the next sign-in.
        set(&["--map", "isms=auditor"]);
        let (isabel, _, _, _) = sign_in(&base, "isabel@acme.example;groups=isms").await;
        assert_eq!(access_role(&isabel, &base).await, "auditor", "{b}");

        // Refused, each with a page that says why, and no login made.
        for (login, words) in [
            ("stranger@acme.example", "ask your ISMS manager to add you"),
            ("leo@acme.example", "has ended"),
            ("unverified:uma@acme.example", "has not verified your email"),
            ("noemail:uma", "did not say your email"),
        ] {
            let (_, _, status, body) = sign_in(&base, login).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{b} {login}: {body}");
            assert!(body.contains(words), "{b} {login}: {body}");
        }

        // Tampered ID tokens: refused, and nothing made.
        for (mode, words) in [
            ("bad-signature", "signature"),
            ("foreign-key", "signature"),
            ("wrong-audience", "another client"),
            ("wrong-issuer", "another issuer"),
            ("expired", "expired"),
            ("replay", "nonce"),
            ("none", "no ID token"),
            ("fail-token", "refused the code exchange"),
        ] {
            provider.mode(mode).await;
            let (_, _, status, body) = sign_in(&base, "tom@acme.example").await;
            assert_eq!(status, StatusCode::BAD_GATEWAY, "{b} {mode}: {body}");
            assert!(body.contains(words), "{b} {mode}: {body}");
        }
        provider.mode("normal").await;

        // A callback is good once, and only in the browser that began it.
        let client = browser();
        let callback = to_callback(&client, &base, "acme", "tom@acme.example")
            .await
            .expect("to the callback");
        let stolen = browser()
            .get(callback.clone())
            .send()
            .await
            .expect("answers");
        assert_eq!(
            stolen.status(),
            StatusCode::BAD_REQUEST,
            "{b}: another browser"
        );
        let client = browser();
        let callback = to_callback(&client, &base, "acme", "tom@acme.example")
            .await
            .expect("to the callback");
        let first = client.get(callback.clone()).send().await.expect("answers");
        assert_eq!(first.status(), StatusCode::SEE_OTHER, "{b}");
        let again = client.get(callback).send().await.expect("answers");
        assert_eq!(again.status(), StatusCode::BAD_REQUEST, "{b}: used twice");
        let forged = client
            .get(format!("{base}/sign-in/sso/callback?state=made-up&code=x"))
            .send()
            .await
            .expect("answers");
        assert_eq!(forged.status(), StatusCode::BAD_REQUEST, "{b}");

        // Passwords off for all but the break-glass admin.
        let password = |email: &str| {
            let email = email.to_string();
            let base = base.clone();
            async move {
                browser()
                    .post(format!("{base}/sign-in"))
                    .form(&[
                        ("email", email.as_str()),
                        ("password", crate::support::PASSWORD),
                    ])
                    .send()
                    .await
                    .expect("answers")
                    .status()
            }
        };
        assert_eq!(
            password("pat@acme.example").await,
            StatusCode::SEE_OTHER,
            "{b}: passwords on"
        );
        set(&[
            "--passwords",
            "break-glass-only",
            "--break-glass",
            "admin@acme.example",
        ]);
        assert_eq!(
            password("pat@acme.example").await,
            StatusCode::FORBIDDEN,
            "{b}: passwords off"
        );
        assert_eq!(
            password("admin@acme.example").await,
            StatusCode::SEE_OTHER,
            "{b}: break-glass"
        );
        // Only an admin with a password can be a break-glass admin.
        let not_admin = mandate(&db, &["sso", "set", "--break-glass", "pat@acme.example"]);
        assert!(
            stderr(&not_admin).contains("cannot be a break-glass admin"),
            "{b}: {}",
            stderr(&not_admin)
        );

        // The audit log names the provider, and verifies.
        let export = db.dir.path().join("chain.jsonl");
        ok(
            &db,
            &["audit", "export", "--out", &export.display().to_string()],
        );
        let chain = std::fs::read_to_string(&export).expect("exported");
        assert!(
            chain.contains("sso:Test IdP"),
            "{b}: the provider is the actor"
        );
        assert!(!chain.contains(CLIENT_SECRET), "{b}: never the secret");
        assert!(ok(&db, &["audit", "verify"]).contains("verified"), "{b}");
    }
}
