//! The main journeys in real headless Chromium, against the real binary on a
//! real port: sign in as each demo role, see the dashboard, search and open a
//! person, be refused a page the role may not see, sign out. Screenshots of
//! the dashboard (desktop and phone width) are saved as test artifacts.
//!
//! Needs `chromium` and `chromedriver` (Debian's `chromium`, `chromium-driver`);
//! without them the test is skipped, except under CI, where it fails.

use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const PASSWORD: &str = "browser-test-password";

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn wait_for_port(port: u16) {
    for _ in 0..150 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("nothing listens on port {port}");
}

fn tool(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| PathBuf::from(d).join(name))
        .find(|p| p.is_file())
}

async fn browser(driver_port: u16, profile: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    // chromedriver speaks plain HTTP on loopback: no TLS stack needed.
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("chromedriver starts a browser")
}

/// Finds an element, waiting for it: a click starts a navigation it does not wait for.
async fn find(
    client: &Client,
    locator: Locator<'_>,
) -> Result<fantoccini::elements::Element, fantoccini::error::CmdError> {
    client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(locator)
        .await
}

/// Waits until the browser has navigated to a URL containing `part`.
async fn wait_for_url(client: &Client, part: &str) {
    for _ in 0..50 {
        if client
            .current_url()
            .await
            .is_ok_and(|u| u.as_str().contains(part))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the browser never reached a URL with {part:?}");
}

async fn sign_in(client: &Client, base: &str, email: &str) {
    client
        .goto(&format!("{base}/sign-in"))
        .await
        .expect("sign-in page");
    find(client, Locator::Id("email"))
        .await
        .expect("email field")
        .send_keys(email)
        .await
        .expect("typed");
    find(client, Locator::Id("password"))
        .await
        .expect("password field")
        .send_keys(PASSWORD)
        .await
        .expect("typed");
    find(client, Locator::Css("button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("clicked");
    // Only signed-in pages have the top bar.
    if find(client, Locator::Css("header.top")).await.is_err() {
        panic!(
            "{email} could not sign in: {}",
            client.source().await.unwrap_or_default()
        );
    }
}

async fn heading(client: &Client) -> String {
    find(client, Locator::Css("h1"))
        .await
        .expect("a heading")
        .text()
        .await
        .expect("text")
}

#[tokio::test]
async fn each_role_signs_in_finds_people_is_refused_and_signs_out() {
    let (Some(driver), true) = (
        tool("chromedriver"),
        std::path::Path::new("/usr/bin/chromium").exists(),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium and chromedriver"
        );
        eprintln!("skipped: chromium or chromedriver is not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("mandate.db").display());
    let mandate = env!("CARGO_BIN_EXE_mandate");
    let demo = Command::new(mandate)
        .args(["demo", "--people", "80", "--seed", "3"])
        .env("MANDATE_DATABASE_URL", &url)
        .env("MANDATE_DEMO_PASSWORD", PASSWORD)
        .output()
        .expect("demo runs");
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    let port = free_port();
    let _server = Killed(
        Command::new(mandate)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("MANDATE_DATABASE_URL", &url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("serves"),
    );
    let driver_port = free_port();
    let _driver = Killed(
        Command::new(driver)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    wait_for_port(port).await;
    wait_for_port(driver_port).await;
    let base = format!("http://127.0.0.1:{port}");
    let client = browser(driver_port, &dir.path().join("profile")).await;
    let artifacts = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&artifacts).expect("artifact dir");

    let roles = [
        "admin",
        "isms_manager",
        "top_management",
        "manager",
        "staff",
        "auditor",
    ];
    for role in roles {
        let email = format!("{role}@demo.example");
        sign_in(&client, &base, &email).await;
        assert_eq!(
            heading(&client).await,
            "Dashboard",
            "{role} sees the dashboard"
        );
        let shown = find(&client, Locator::Css("header.top .user a"))
            .await
            .expect("user")
            .text()
            .await
            .expect("text");
        assert_eq!(shown, email);
        if role == "admin" {
            let png = client.screenshot().await.expect("screenshot");
            std::fs::write(artifacts.join("dashboard.png"), png).expect("saved");
        }

        client
            .goto(&format!("{base}/people"))
            .await
            .expect("people");
        if role == "staff" {
            assert_eq!(
                heading(&client).await,
                "Not for your role",
                "staff have no people directory"
            );
        } else {
            let first = find(&client, Locator::Css("tbody tr td a"))
                .await
                .expect("a person")
                .text()
                .await
                .expect("name");
            let surname = first.split(' ').next_back().unwrap_or(&first).to_string();
            let search = find(&client, Locator::Id("search"))
                .await
                .expect("search box");
            search.send_keys(&surname).await.expect("typed");
            find(&client, Locator::Css("form[role=search] button"))
                .await
                .expect("button")
                .click()
                .await
                .expect("search");
            wait_for_url(&client, "search=").await;
            let link = find(&client, Locator::LinkText(&first))
                .await
                .expect("the person in the results");
            link.click().await.expect("opened");
            let dl = find(&client, Locator::Css("dl"))
                .await
                .expect("details")
                .text()
                .await
                .expect("text");
            assert_eq!(
                heading(&client).await.trim_end_matches(" left").trim(),
                first,
                "{role} opens {first}"
            );
            assert!(dl.contains("@demo.example"), "{dl}");
        }

        client.goto(&format!("{base}/audit")).await.expect("audit");
        let h = heading(&client).await;
        if role == "admin" || role == "auditor" {
            assert_eq!(h, "Audit log", "{role} reads the audit log");
        } else {
            assert_eq!(h, "Not for your role", "{role} may not read the audit log");
        }

        client.goto(&format!("{base}/")).await.expect("home");
        find(&client, Locator::Css("header.top form button"))
            .await
            .expect("sign-out")
            .click()
            .await
            .expect("signed out");
        let notice = match client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css(".notice"))
            .await
        {
            Ok(element) => element.text().await.expect("text"),
            Err(_) => panic!(
                "{role}: no notice after signing out: {}",
                client.source().await.unwrap_or_default()
            ),
        };
        assert_eq!(notice, "You are signed out.", "{role}");
        client.goto(&format!("{base}/")).await.expect("home");
        assert_eq!(
            heading(&client).await,
            "Sign in to Mandate",
            "{role}'s session ended"
        );
    }

    sign_in(&client, &base, "admin@demo.example").await;
    client.set_window_size(390, 844).await.expect("phone width");
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(artifacts.join("dashboard-phone.png"), png).expect("saved");
    client.close().await.expect("browser closed");
}
