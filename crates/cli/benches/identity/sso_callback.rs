//! The single sign-on callback, timed on the server side: the code
//! exchanged at the provider (npm's `oidc-provider`, on loopback), the ID
//! token checked, UserInfo read, the register consulted, the login made
//! (first sign-ins) or found, the session started. The browser's part (the
//! provider's login form) is driven with a cookie jar and not timed.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tower::ServiceExt;

const PROVIDER_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oidc");
pub const SECRET: &str = "bench-client-secret-0123456789";

pub struct Provider {
    pub issuer: String,
    child: Child,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The provider for a relying party at `public_url`, or `None` where node
/// or its packages are missing.
pub fn provider(public_url: &str) -> Option<Provider> {
    if !std::path::Path::new(PROVIDER_DIR)
        .join("node_modules")
        .is_dir()
    {
        eprintln!("SSO callback skipped: run `npm ci` in crates/cli/tests/oidc");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .ok()?
        .port();
    let mut child = Command::new("node")
        .args([
            "provider.mjs",
            &port.to_string(),
            &format!("{public_url}/sign-in/sso/callback"),
            SECRET,
        ])
        .current_dir(PROVIDER_DIR)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take()?)
        .read_line(&mut line)
        .ok()?;
    let issuer = line.trim().strip_prefix("listening ")?.to_string();
    Some(Provider { issuer, child })
}

fn location(response: &axum::http::Response<Body>) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// One sign-in as `email`: the callback's time.
pub async fn sign_in(app: &axum::Router, email: &str) -> Duration {
    let start = app
        .clone()
        .oneshot(
            Request::get("/sign-in/sso?org=bench&next=/tasks")
                .header(header::HOST, "bench.test")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let binding = start
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("the binding cookie")
        .to_string();
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut url = reqwest::Url::parse(&location(&start)).expect("authorize URL");
    let mut response = browser.get(url.clone()).send().await.expect("provider");
    while response.status().is_redirection() {
        url = url
            .join(response.headers()["location"].to_str().expect("text"))
            .expect("url");
        response = browser.get(url.clone()).send().await.expect("provider");
    }
    let mut response = browser
        .post(url.clone())
        .form(&[("prompt", "login"), ("login", email), ("password", "x")])
        .send()
        .await
        .expect("provider");
    loop {
        url = url
            .join(response.headers()["location"].to_str().expect("text"))
            .expect("url");
        if url.path() == "/sign-in/sso/callback" {
            break;
        }
        response = browser.get(url.clone()).send().await.expect("provider");
    }
    let path = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    let t = Instant::now();
    let answer = app
        .clone()
        .oneshot(
            Request::get(path)
                .header(header::HOST, "bench.test")
                .header(header::COOKIE, binding)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    let status = answer.status();
    let body = to_bytes(answer.into_body(), 1 << 20).await.expect("body");
    let took = t.elapsed();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        String::from_utf8_lossy(&body)
    );
    took
}
