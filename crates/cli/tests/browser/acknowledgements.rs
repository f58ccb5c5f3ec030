//! A member of staff finds a policy under My tasks, reads it and
//! acknowledges it with one click, on a phone; the ISMS manager sees the
//! campaign move.

use super::*;
use fantoccini::Locator;

#[tokio::test]
async fn staff_acknowledge_a_policy_from_my_tasks_on_a_phone() {
    let Some(rig) = rig().await else { return };
    let (client, base) = (&rig.client, rig.base.as_str());
    let shot = |name: &str, png: Vec<u8>| {
        std::fs::write(rig.artifacts.join(name), png).expect("screenshot saved");
    };
    client.set_window_size(390, 844).await.expect("phone width");
    sign_in(client, base, "staff@demo.example").await;
    client.goto(&format!("{base}/tasks")).await.expect("tasks");
    assert_eq!(heading(client).await, "My tasks");
    shot("tasks-phone.png", client.screenshot().await.expect("png"));
    let task = find(
        client,
        Locator::XPath(
            "//a[contains(@class,'task')][.//strong[normalize-space(.)='Acceptable use v1']]",
        ),
    )
    .await
    .expect("the acceptable use policy is waiting");
    task.click().await.expect("opened");
    wait_for_url(client, "/acknowledge/").await;
    let text = text_of(client, "article").await;
    assert!(!text.is_empty(), "the policy's text is shown");
    shot(
        "acknowledge-phone.png",
        client.screenshot().await.expect("png"),
    );
    click(client, "#accept button[type=submit]").await;
    wait_for_url(client, "notice=acknowledged-policy").await;
    assert_eq!(notice(client).await, "Thank you: your answer was recorded.");
    let left = client.source().await.expect("source");
    assert!(!left.contains(">Acceptable use v1<"), "the task is done");
    client
        .set_window_size(1280, 900)
        .await
        .expect("desktop width");
    sign_out(client, base).await;

    sign_in(client, base, "isms_manager@demo.example").await;
    client
        .goto(&format!("{base}/campaigns"))
        .await
        .expect("campaigns");
    let table = text_of(client, "table").await;
    assert!(table.contains("Acceptable use v1"), "{table}");
    shot("campaigns.png", client.screenshot().await.expect("png"));
    find(client, Locator::LinkText("Acceptable use v1"))
        .await
        .expect("the campaign")
        .click()
        .await
        .expect("opened");
    wait_for_url(client, "/campaigns/").await;
    let page = client.source().await.expect("source");
    assert!(
        page.contains("By department") && page.contains("Download as CSV"),
        "{page}"
    );
    shot("campaign.png", client.screenshot().await.expect("png"));
    rig.client.clone().close().await.expect("browser closed");
}
