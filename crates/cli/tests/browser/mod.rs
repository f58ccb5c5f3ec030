//! The main journeys in real headless Chromium, against the real binary on a
//! real port: sign in as each demo role, see the dashboard, search and open a
//! person, be refused a page the role may not see, sign out. Screenshots of
//! the dashboard (desktop and phone width) are saved as test artifacts.
//!
//! Needs `chromium` and `chromedriver` (Debian's `chromium`, `chromium-driver`);
//! without them the test is skipped, except under CI, where it fails.

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

const PASSWORD: &str = "browser-test-password";

pub use crate::support::{Killed, free_port};

pub async fn wait_for_port(port: u16) {
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

pub fn tool(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| PathBuf::from(d).join(name))
        .find(|p| p.is_file())
}

pub async fn browser(driver_port: u16, profile: &std::path::Path) -> Client {
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
pub async fn find(
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
pub async fn wait_for_url(client: &Client, part: &str) {
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

pub async fn sign_in(client: &Client, base: &str, email: &str) {
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

pub async fn heading(client: &Client) -> String {
    find(client, Locator::Css("h1"))
        .await
        .expect("a heading")
        .text()
        .await
        .expect("text")
}

/// The demo served on a free port, with a headless browser driven through chromedriver.
pub struct Rig {
    pub client: Client,
    pub base: String,
    pub artifacts: PathBuf,
    _server: Killed,
    _driver: Killed,
    _dir: tempfile::TempDir,
}

/// Starts the rig, or `None` where Chromium is not installed (never under CI).
pub async fn rig() -> Option<Rig> {
    let (Some(driver), true) = (
        tool("chromedriver"),
        std::path::Path::new("/usr/bin/chromium").exists(),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium and chromedriver"
        );
        eprintln!("skipped: chromium or chromedriver is not installed");
        return None;
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
    let server = Killed(
        Command::new(mandate)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("MANDATE_DATABASE_URL", &url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("serves"),
    );
    let driver_port = free_port();
    let driver = Killed(
        Command::new(driver)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    wait_for_port(port).await;
    wait_for_port(driver_port).await;
    let client = browser(driver_port, &dir.path().join("profile")).await;
    let artifacts = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&artifacts).expect("artifact dir");
    Some(Rig {
        client,
        base: format!("http://127.0.0.1:{port}"),
        artifacts,
        _server: server,
        _driver: driver,
        _dir: dir,
    })
}

pub async fn click(client: &Client, css: &str) {
    find(client, Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .click()
        .await
        .expect("clicked");
}

pub async fn type_into(client: &Client, id: &str, text: &str) {
    find(client, Locator::Id(id))
        .await
        .unwrap_or_else(|_| panic!("no #{id}"))
        .send_keys(text)
        .await
        .expect("typed");
}

pub async fn notice(client: &Client) -> String {
    match find(client, Locator::Css(".notice")).await {
        Ok(e) => e.text().await.expect("text"),
        Err(_) => panic!("no notice: {}", client.source().await.unwrap_or_default()),
    }
}

pub async fn sign_out(client: &Client, base: &str) {
    client.goto(&format!("{base}/")).await.expect("home");
    click(client, "header.top form button").await;
    assert_eq!(notice(client).await, "You are signed out.");
}

/// Types into the form field with this `name`.
pub async fn fill(client: &Client, name: &str, text: &str) {
    find(client, Locator::Css(&format!("[name={name}]")))
        .await
        .unwrap_or_else(|_| panic!("no field {name}"))
        .send_keys(text)
        .await
        .expect("typed");
}

/// Waits until the page's source contains `needle` (a click navigates
/// without waiting for the next page).
pub async fn wait_for_source(client: &Client, needle: &str) {
    for _ in 0..50 {
        if client.source().await.is_ok_and(|s| s.contains(needle)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the page never showed {needle:?}: {}",
        client.source().await.unwrap_or_default()
    );
}

/// The text of the element `css` matches, waiting for it.
pub async fn text_of(client: &Client, css: &str) -> String {
    match find(client, Locator::Css(css)).await {
        Ok(e) => e.text().await.expect("text"),
        Err(_) => panic!("no {css}: {}", client.source().await.unwrap_or_default()),
    }
}

/// Scrolls so that a screenshot shows `element` near the top.
pub async fn scroll_to(client: &Client, element: &fantoccini::elements::Element) {
    let element = serde_json::to_value(element).expect("element");
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'start'})",
            vec![element],
        )
        .await
        .expect("scrolled");
}

/// The current address without its query (the notice code).
pub async fn url_without_query(client: &Client) -> String {
    let url = client.current_url().await.expect("url").to_string();
    url.split('?').next().unwrap_or_default().to_string()
}

mod acknowledgements;
mod commitment;
mod foundation;
mod identity;
mod performance;
mod policies;
mod roles;
