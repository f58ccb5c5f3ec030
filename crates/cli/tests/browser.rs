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

/// The demo served on a free port, with a headless browser driven through chromedriver.
struct Rig {
    client: Client,
    base: String,
    artifacts: PathBuf,
    _server: Killed,
    _driver: Killed,
    _dir: tempfile::TempDir,
}

/// Starts the rig, or `None` where Chromium is not installed (never under CI).
async fn rig() -> Option<Rig> {
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

#[tokio::test]
async fn each_role_signs_in_finds_people_is_refused_and_signs_out() {
    let Some(rig) = rig().await else { return };
    let (client, base, artifacts) = (&rig.client, rig.base.as_str(), &rig.artifacts);
    let client = client.clone();
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
        sign_in(&client, base, &email).await;
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

    sign_in(&client, base, "admin@demo.example").await;
    client.set_window_size(390, 844).await.expect("phone width");
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(artifacts.join("dashboard-phone.png"), png).expect("saved");
    client.close().await.expect("browser closed");
}

async fn click(client: &Client, css: &str) {
    find(client, Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .click()
        .await
        .expect("clicked");
}

async fn type_into(client: &Client, id: &str, text: &str) {
    find(client, Locator::Id(id))
        .await
        .unwrap_or_else(|_| panic!("no #{id}"))
        .send_keys(text)
        .await
        .expect("typed");
}

async fn notice(client: &Client) -> String {
    match find(client, Locator::Css(".notice")).await {
        Ok(e) => e.text().await.expect("text"),
        Err(_) => panic!("no notice: {}", client.source().await.unwrap_or_default()),
    }
}

async fn sign_out(client: &Client, base: &str) {
    client.goto(&format!("{base}/")).await.expect("home");
    click(client, "header.top form button").await;
    assert_eq!(notice(client).await, "You are signed out.");
}

/// Write, submit, approve by a second user, publish, read the public page.
#[tokio::test]
async fn a_policy_is_written_approved_by_another_published_and_read_publicly() {
    let Some(rig) = rig().await else { return };
    let (client, base) = (&rig.client, rig.base.as_str());
    let shot = |name: &str| rig.artifacts.join(name);

    sign_in(client, base, "isms_manager@demo.example").await;
    client
        .goto(&format!("{base}/policies"))
        .await
        .expect("policies");
    assert_eq!(heading(client).await, "Policies");
    let register = find(client, Locator::Css("table"))
        .await
        .expect("register")
        .text()
        .await
        .expect("text");
    assert!(
        register.contains("Information security policy") && register.contains("overdue"),
        "{register}"
    );
    std::fs::write(
        shot("policies.png"),
        client.screenshot().await.expect("png"),
    )
    .expect("saved");

    click(client, "a.button[href='/policies/new']").await;
    type_into(client, "title", "Clear desk and screen").await;
    find(client, Locator::Id("kind"))
        .await
        .expect("kind")
        .select_by_value("topic")
        .await
        .expect("topic");
    find(client, Locator::Id("parent_id"))
        .await
        .expect("parent")
        .select_by_label("Information security policy")
        .await
        .expect("parent chosen");
    type_into(client, "owner_role", "Office manager").await;
    click(client, "input[name=public]").await;
    type_into(
        client,
        "body",
        "# Clear desk and screen\n\nLock your screen when you leave it.\n",
    )
    .await;
    click(client, "form.card button[type=submit]").await;
    assert_eq!(notice(client).await, "Created.");
    assert_eq!(
        heading(client).await,
        "Clear desk and screen topic-specific"
    );
    let policy_url = client.current_url().await.expect("url").to_string();
    let policy_url = policy_url.split('?').next().unwrap_or_default().to_string();

    click(client, "tbody a[href$='/versions/1']").await;
    click(client, "button[value=submit]").await;
    assert_eq!(notice(client).await, "Submitted for approval.");
    // The ISMS manager's access role does not approve, and they wrote it.
    assert!(
        find(client, Locator::Css("button[name=verdict][value=approve]"))
            .await
            .is_err()
    );
    let version_url = client.current_url().await.expect("url").to_string();
    let version_url = version_url
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    sign_out(client, base).await;

    sign_in(client, base, "top_management@demo.example").await;
    client.goto(&version_url).await.expect("version");
    type_into(client, "comment", "Fits our offices.").await;
    std::fs::write(
        shot("policy-approval.png"),
        client.screenshot().await.expect("png"),
    )
    .expect("saved");
    click(client, "button[name=verdict][value=approve]").await;
    assert_eq!(notice(client).await, "Your decision was recorded.");
    assert!(
        heading(client).await.ends_with("approved"),
        "{}",
        heading(client).await
    );
    sign_out(client, base).await;

    sign_in(client, base, "isms_manager@demo.example").await;
    client.goto(&version_url).await.expect("version");
    click(client, "button[value=publish]").await;
    assert_eq!(
        notice(client).await,
        "Published. The version before it is superseded."
    );
    client.goto(&policy_url).await.expect("policy");
    let public = find(client, Locator::Css("dd a[href^='/public/']"))
        .await
        .expect("a public address")
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    std::fs::write(shot("policy.png"), client.screenshot().await.expect("png")).expect("saved");
    sign_out(client, base).await;

    // Anyone can read it there, without signing in, and nothing else shows.
    client
        .goto(&format!("{base}{public}"))
        .await
        .expect("public page");
    assert_eq!(heading(client).await, "Clear desk and screen");
    let page = client.source().await.expect("source");
    assert!(
        page.contains("Lock your screen")
            && !page.contains("Sign out")
            && !page.contains("Dashboard")
    );
    std::fs::write(
        shot("policy-public.png"),
        client.screenshot().await.expect("png"),
    )
    .expect("saved");
    rig.client.clone().close().await.expect("browser closed");
}

/// Assign a role on its page; its holder reads and acknowledges it.
#[tokio::test]
async fn a_role_is_assigned_and_its_holder_acknowledges_it() {
    let Some(rig) = rig().await else { return };
    let (client, base) = (&rig.client, rig.base.as_str());

    sign_in(client, base, "isms_manager@demo.example").await;
    client.goto(&format!("{base}/roles")).await.expect("roles");
    assert_eq!(heading(client).await, "Roles");
    find(client, Locator::LinkText("Incident manager"))
        .await
        .expect("the role")
        .click()
        .await
        .expect("opened");
    assert!(heading(client).await.starts_with("Incident manager"));
    type_into(client, "email", "staff@demo.example").await;
    type_into(client, "capacity_percent", "10").await;
    click(client, "form.card button[type=submit]").await;
    assert_eq!(
        notice(client).await,
        "The role was assigned; its holder is asked to acknowledge it."
    );
    let holders = find(client, Locator::Css("table"))
        .await
        .expect("holders")
        .text()
        .await
        .expect("text");
    assert!(holders.contains("not yet acknowledged"), "{holders}");
    std::fs::write(
        rig.artifacts.join("role.png"),
        client.screenshot().await.expect("png"),
    )
    .expect("saved");
    sign_out(client, base).await;

    sign_in(client, base, "staff@demo.example").await;
    client.goto(&format!("{base}/me")).await.expect("account");
    let card = client.source().await.expect("source");
    assert!(card.contains("Incident manager") && card.contains("Triage and coordinate incidents"));
    click(client, "form[action$='/acknowledge'] button").await;
    assert_eq!(
        notice(client).await,
        "Thank you: your acknowledgement was recorded."
    );
    std::fs::write(
        rig.artifacts.join("my-roles.png"),
        client.screenshot().await.expect("png"),
    )
    .expect("saved");
    sign_out(client, base).await;

    sign_in(client, base, "isms_manager@demo.example").await;
    client
        .goto(&format!("{base}/role-gaps"))
        .await
        .expect("gaps");
    let gaps = client.source().await.expect("source");
    assert!(
        gaps.contains("Internal auditor"),
        "the demo's unheld role shows as a gap"
    );
    std::fs::write(
        rig.artifacts.join("role-gaps.png"),
        client.screenshot().await.expect("png"),
    )
    .expect("saved");
    client.goto(&format!("{base}/raci")).await.expect("raci");
    assert_eq!(heading(client).await, "RACI matrix");
    std::fs::write(
        rig.artifacts.join("raci.png"),
        client.screenshot().await.expect("png"),
    )
    .expect("saved");
    rig.client.clone().close().await.expect("browser closed");
}

/// Types into the form field with this `name`.
async fn fill(client: &Client, name: &str, text: &str) {
    find(client, Locator::Css(&format!("[name={name}]")))
        .await
        .unwrap_or_else(|_| panic!("no field {name}"))
        .send_keys(text)
        .await
        .expect("typed");
}

/// The text of the element `css` matches, waiting for it.
async fn text_of(client: &Client, css: &str) -> String {
    match find(client, Locator::Css(css)).await {
        Ok(e) => e.text().await.expect("text"),
        Err(_) => panic!("no {css}: {}", client.source().await.unwrap_or_default()),
    }
}

/// Scrolls so that a screenshot shows `element` near the top.
async fn scroll_to(client: &Client, element: &fantoccini::elements::Element) {
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
async fn url_without_query(client: &Client) -> String {
    let url = client.current_url().await.expect("url").to_string();
    url.split('?').next().unwrap_or_default().to_string()
}

/// Read the objectives' trends, prepare the next management review from the
/// live records, hold it with minutes, and have its chair approve them.
#[tokio::test]
async fn a_management_review_is_prepared_held_and_approved() {
    let Some(rig) = rig().await else { return };
    let (client, base) = (&rig.client, rig.base.as_str());
    let shot = |name: &str, png: Vec<u8>| {
        std::fs::write(rig.artifacts.join(name), png).expect("saved");
    };

    sign_in(client, base, "isms_manager@demo.example").await;
    client
        .goto(&format!("{base}/objectives"))
        .await
        .expect("objectives");
    assert_eq!(heading(client).await, "Objectives and KPIs");
    let register = text_of(client, "table").await;
    assert!(
        register.contains("Staff recognise and report phishing"),
        "{register}"
    );
    // Each KPI's sparkline is inline SVG in the table.
    let sparklines = client
        .find_all(Locator::Css("tbody td svg"))
        .await
        .expect("sparklines");
    assert!(!sparklines.is_empty(), "no sparkline on /objectives");
    // A CSV file chosen in the picker is read into the box and recorded.
    let yesterday = (mandate_core::timefmt::now().date() - time::Duration::days(1)).to_string();
    let csv = rig.artifacts.join("values.csv");
    std::fs::write(
        &csv,
        format!("kpi,measured_on,value,note\nPhishing simulation click rate,{yesterday},4.0,from a file\n"),
    )
    .expect("csv written");
    find(client, Locator::Id("csv-file"))
        .await
        .expect("file picker")
        .send_keys(&csv.display().to_string())
        .await
        .expect("file chosen");
    let mut read = String::new();
    for _ in 0..50 {
        read = find(client, Locator::Id("csv"))
            .await
            .expect("box")
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default();
        if read.contains("from a file") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        read.contains("from a file"),
        "the file was not read: {read:?}"
    );
    click(
        client,
        "form[action='/measurements/csv'] button[type=submit]",
    )
    .await;
    wait_for_url(client, "notice=measured").await;
    find(
        client,
        Locator::LinkText("Staff recognise and report phishing"),
    )
    .await
    .expect("the objective")
    .click()
    .await
    .expect("opened");
    wait_for_url(client, "/objectives/").await;
    assert_eq!(heading(client).await, "Staff recognise and report phishing");
    let chart = find(client, Locator::Css("section.card .scroll svg"))
        .await
        .expect("a trend chart");
    let drawn = chart.html(false).await.expect("svg");
    assert!(
        drawn.contains(r#"class="target""#) && drawn.contains(">target "),
        "the chart has no target line: {drawn}"
    );
    let kpi = find(client, Locator::Css("section.card"))
        .await
        .expect("the KPI");
    scroll_to(client, &kpi).await;
    shot("objectives.png", client.screenshot().await.expect("png"));

    client
        .goto(&format!("{base}/reviews"))
        .await
        .expect("reviews");
    assert_eq!(heading(client).await, "Management reviews");
    find(client, Locator::LinkText("Management review 4"))
        .await
        .expect("the planned review")
        .click()
        .await
        .expect("opened");
    assert_eq!(heading(client).await, "Management review 4");
    let review_url = url_without_query(client).await;
    let plan = find(client, Locator::Css("details.card"))
        .await
        .expect("the plan");
    if plan.attr("open").await.expect("open").is_none() {
        click(client, "details.card summary").await;
    }
    fill(
        client,
        "audit_results",
        "Internal audit of supplier management: no nonconformities.",
    )
    .await;
    fill(
        client,
        "interested_party_feedback",
        "Two customers asked for our patching times; both accepted them.",
    )
    .await;
    click(client, "details.card form button[type=submit]").await;
    wait_for_url(client, "notice=saved").await;
    assert_eq!(notice(client).await, "Saved.");

    find(
        client,
        Locator::XPath(
            "//form[contains(@action, '/prepare')]//button[starts-with(normalize-space(.), 'Prepare')]",
        ),
    )
    .await
    .expect("the prepare button")
    .click()
    .await
    .expect("prepared");
    wait_for_url(client, "notice=prepared").await;
    assert_eq!(
        notice(client).await,
        "The pack was compiled from today's records."
    );
    let pack = text_of(client, "#pack").await;
    assert!(pack.contains("Objectives and KPI performance"), "{pack}");
    assert!(
        pack.contains("Staff recognise and report phishing"),
        "{pack}"
    );
    let section = find(client, Locator::Id("pack")).await.expect("the pack");
    scroll_to(client, &section).await;
    shot(
        "review-prepared.png",
        client.screenshot().await.expect("png"),
    );

    // Held today, by the attendees as planned.
    fill(
        client,
        "minutes",
        "The pack was reviewed. Phishing reporting improves; patching is still slow.",
    )
    .await;
    fill(client, "improvements", "Automate the patching evidence").await;
    click(client, "#hold button[type=submit]").await;
    wait_for_url(client, "notice=held").await;
    let said = notice(client).await;
    assert!(said.contains("held"), "{said}");
    // The state tag is in the line under the heading.
    let state = find(client, Locator::XPath("//h1/following-sibling::p[1]"))
        .await
        .expect("the state line")
        .text()
        .await
        .expect("text");
    assert!(state.contains("held"), "{state}");
    let page = client.source().await.expect("source");
    assert!(
        page.contains("The minutes await the chair's approval")
            && page.contains("Automate the patching evidence"),
        "{page}"
    );
    // The page has loaded: the ISMS manager does not chair, so cannot approve.
    let approve = "//button[normalize-space(.)='Approve the minutes']";
    assert!(
        client
            .find_all(Locator::XPath(approve))
            .await
            .expect("buttons")
            .is_empty(),
        "only the chair approves the minutes"
    );
    sign_out(client, base).await;

    sign_in(client, base, "top_management@demo.example").await;
    client.goto(&review_url).await.expect("the review");
    find(client, Locator::XPath(approve))
        .await
        .expect("the chair may approve")
        .click()
        .await
        .expect("approved");
    wait_for_url(client, "notice=approved").await;
    assert_eq!(notice(client).await, "The minutes are approved.");
    let page = client.source().await.expect("source");
    assert!(page.contains("Minutes approved by the chair"), "{page}");
    let minutes = find(client, Locator::XPath("//h2[normalize-space(.)='Minutes']"))
        .await
        .expect("the minutes");
    scroll_to(client, &minutes).await;
    shot(
        "review-approved.png",
        client.screenshot().await.expect("png"),
    );

    client.set_window_size(390, 844).await.expect("phone width");
    client.goto(&review_url).await.expect("the review");
    assert_eq!(heading(client).await, "Management review 4");
    shot("review-phone.png", client.screenshot().await.expect("png"));
    rig.client.clone().close().await.expect("browser closed");
}
