//! Objectives read and a management review prepared, held and approved.

use super::*;
use fantoccini::Locator;

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
