//! Signing in as each role, finding people, refusals, signing out.

use super::*;
use fantoccini::Locator;
use std::time::Duration;

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
