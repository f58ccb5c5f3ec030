//! A line manager attests for their team; the ISMS manager sees it among
//! all line managers; a member of staff raises a concern through the
//! confidential channel. The commitment pages are saved as screenshots.

use super::*;
use fantoccini::Locator;

#[tokio::test]
async fn a_manager_attests_for_their_team_and_staff_speak_up_confidentially() {
    let Some(rig) = rig().await else { return };
    let (client, base) = (&rig.client, rig.base.as_str());
    let shot = |name: &str, png: Vec<u8>| {
        std::fs::write(rig.artifacts.join(name), png).expect("screenshot saved");
    };

    sign_in(client, base, "manager@demo.example").await;
    client
        .goto(&format!("{base}/attestations"))
        .await
        .expect("attestations");
    assert_eq!(heading(client).await, "Manager attestations");
    let team = text_of(client, "table").await;
    assert!(
        team.contains("trained") || team.contains("not trained"),
        "{team}"
    );
    let forms = client
        .find_all(Locator::Css("form[id^='attest-']"))
        .await
        .expect("forms");
    let form = forms.last().expect("a period to attest for");
    let id = form.attr("id").await.expect("attr").expect("an id");
    let period = id.trim_start_matches("attest-").to_string();
    scroll_to(client, form).await;
    click(client, &format!("#{id} input[name=team_trained]")).await;
    click(client, &format!("#{id} input[name=policies_acknowledged]")).await;
    // The access review is not done: saying so needs a comment.
    click(client, &format!("#{id} button[type=submit]")).await;
    wait_for_source(client, "say what is not in order").await;
    client.back().await.expect("back");
    let form = find(client, Locator::Id(&id))
        .await
        .expect("the form again");
    scroll_to(client, &form).await;
    let comments = find(
        client,
        Locator::Css(&format!("#{id} textarea[name=comments]")),
    )
    .await
    .expect("comments");
    comments
        .send_keys("Access review of the analytics cluster moved to next month.")
        .await
        .expect("typed");
    let trained = find(
        client,
        Locator::Css(&format!("#{id} input[name=team_trained]")),
    )
    .await
    .expect("box");
    if !trained.is_selected().await.expect("state") {
        trained.click().await.expect("ticked");
    }
    let acknowledged = find(
        client,
        Locator::Css(&format!("#{id} input[name=policies_acknowledged]")),
    )
    .await
    .expect("box");
    if !acknowledged.is_selected().await.expect("state") {
        acknowledged.click().await.expect("ticked");
    }
    shot(
        "attestation-form.png",
        client.screenshot().await.expect("png"),
    );
    click(client, &format!("#{id} button[type=submit]")).await;
    wait_for_url(client, "notice=attested").await;
    assert_eq!(
        notice(client).await,
        "Thank you: your attestation was recorded."
    );
    let page = client.source().await.expect("source");
    assert!(page.contains("attested on"), "{page}");
    client.set_window_size(390, 844).await.expect("phone width");
    shot(
        "attestations-phone.png",
        client.screenshot().await.expect("png"),
    );
    client
        .set_window_size(1280, 900)
        .await
        .expect("desktop width");
    sign_out(client, base).await;

    // The ISMS manager sees the attestation, with its comment.
    sign_in(client, base, "isms_manager@demo.example").await;
    client
        .goto(&format!("{base}/attestations"))
        .await
        .expect("attestations");
    let overview = client.source().await.expect("source");
    assert!(overview.contains("All line managers"), "{overview}");
    assert!(
        overview.contains("analytics cluster moved to next month"),
        "{period}: {overview}"
    );
    shot(
        "attestations-overview.png",
        client.screenshot().await.expect("png"),
    );
    for (page, file, expect) in [
        ("/resources", "resources.png", "Capacity of the ISMS roles"),
        ("/training", "training.png", "General awareness"),
        ("/communications", "communications.png", "days overdue"),
        (
            "/statements",
            "statement.png",
            "Our commitment to information security",
        ),
        (
            "/improvements",
            "improvements.png",
            "Leavers kept VPN access",
        ),
    ] {
        client.goto(&format!("{base}{page}")).await.expect("page");
        let text = client.source().await.expect("source");
        assert!(text.contains(expect), "{page} lacks {expect:?}");
        shot(file, client.screenshot().await.expect("png"));
    }
    sign_out(client, base).await;

    // Staff raise a concern confidentially, from the feedback page.
    sign_in(client, base, "staff@demo.example").await;
    client
        .goto(&format!("{base}/feedback"))
        .await
        .expect("feedback");
    find(client, Locator::LinkText("Open the confidential channel"))
        .await
        .expect("the link")
        .click()
        .await
        .expect("opened");
    wait_for_url(client, "/public/").await;
    assert_eq!(heading(client).await, "Confidential feedback");
    fill(client, "subject", "Badges are shared at the back door").await;
    fill(
        client,
        "text",
        "Smokers prop the back door open and lend their badges.",
    )
    .await;
    click(client, "main form button[type=submit]").await;
    let thanks = text_of(client, ".notice").await;
    assert!(
        thanks.contains("nothing kept with it names you"),
        "{thanks}"
    );
    shot(
        "confidential-feedback.png",
        client.screenshot().await.expect("png"),
    );
    rig.client.clone().close().await.expect("browser closed");
}
