//! A policy written, approved by another, published and read publicly.

use super::*;
use fantoccini::Locator;

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
