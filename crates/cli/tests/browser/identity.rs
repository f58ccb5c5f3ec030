//! Getting in without an admin: a person the identity provider put in the
//! register through SCIM, never touched by an admin, signs in through the
//! provider (npm's certified `oidc-provider`) in headless Chromium, lands
//! on My tasks and acknowledges a policy.

use super::*;
use crate::sso::{CLIENT_SECRET, TestProvider, have_provider};
use fantoccini::Locator;

fn run(url: &str, dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(args)
        .env("MANDATE_DATABASE_URL", url)
        .env("MANDATE_DEMO_PASSWORD", PASSWORD)
        .current_dir(dir)
        .output()
        .expect("mandate runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn a_person_provisioned_by_scim_signs_in_through_the_provider_and_acknowledges() {
    if !have_provider() {
        return;
    }
    let (Some(driver), true) = (
        tool("chromedriver"),
        std::path::Path::new("/usr/bin/chromium").exists(),
    ) else {
        assert!(std::env::var_os("CI").is_none(), "CI must have chromium");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("mandate.db").display());
    run(&url, dir.path(), &["demo", "--people", "40", "--seed", "3"]);
    let scim = run(&url, dir.path(), &["scim-token", "create", "okta"]);

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let provider = TestProvider::start(&format!("{base}/sign-in/sso/callback"));
    let secret = dir.path().join("client-secret");
    std::fs::write(&secret, CLIENT_SECRET).expect("written");
    run(
        &url,
        dir.path(),
        &[
            "sso",
            "set",
            "--name",
            "Test IdP",
            "--issuer",
            &provider.issuer,
            "--client-id",
            "mandate",
            "--client-secret-file",
            &secret.display().to_string(),
            "--scopes",
            "email groups",
            "--enable",
        ],
    );
    let _server = Killed(
        Command::new(env!("CARGO_BIN_EXE_mandate"))
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--public-url",
                &base,
            ])
            .env("MANDATE_DATABASE_URL", &url)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("serves"),
    );
    wait_for_port(port).await;

    // The provider provisions Sam; nobody in Mandate touches him.
    let created = reqwest::Client::new()
        .post(format!("{base}/scim/v2/Users"))
        .bearer_auth(scim.trim())
        .header("content-type", "application/scim+json")
        .body(
            serde_json::json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "sam.scim@demo.example",
                "name": {"givenName": "Sam", "familyName": "Scim"},
                "emails": [{"value": "sam.scim@demo.example", "primary": true}],
                "active": true
            })
            .to_string(),
        )
        .send()
        .await
        .expect("SCIM answers");
    assert_eq!(created.status().as_u16(), 201);
    // The scheduler owes him the policies in force.
    run(&url, dir.path(), &["tick"]);

    let driver_port = free_port();
    let _driver = Killed(
        Command::new(driver)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    wait_for_port(driver_port).await;
    let client = browser(driver_port, &dir.path().join("profile")).await;
    let artifacts = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&artifacts).expect("artifact dir");

    client.goto(&format!("{base}/tasks")).await.expect("tasks");
    wait_for_url(&client, "/sign-in").await;
    std::fs::write(
        artifacts.join("sign-in-sso.png"),
        client.screenshot().await.expect("png"),
    )
    .expect("saved");
    find(&client, Locator::LinkText("Sign in with Test IdP"))
        .await
        .expect("the provider is offered")
        .click()
        .await
        .expect("clicked");
    wait_for_url(&client, &provider.issuer).await;
    find(&client, Locator::Css("input[name=login]"))
        .await
        .expect("the provider's login form")
        .send_keys("sam.scim@demo.example")
        .await
        .expect("typed");
    find(&client, Locator::Css("input[name=password]"))
        .await
        .expect("password")
        .send_keys("anything")
        .await
        .expect("typed");
    click(&client, "button[type=submit]").await;
    wait_for_url(&client, &format!("{base}/tasks")).await;
    assert_eq!(heading(&client).await, "My tasks");
    find(&client, Locator::Css("a.task"))
        .await
        .expect("a policy waits for Sam")
        .click()
        .await
        .expect("opened");
    wait_for_url(&client, "/acknowledge/").await;
    click(&client, "#accept button[type=submit]").await;
    wait_for_url(&client, "notice=acknowledged-policy").await;
    assert_eq!(
        notice(&client).await,
        "Thank you: your answer was recorded."
    );
    client.close().await.expect("browser closed");
}
