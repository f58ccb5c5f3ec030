//! A role assigned and acknowledged by its holder.

use super::*;
use fantoccini::Locator;

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
