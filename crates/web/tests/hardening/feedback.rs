//! Finding 4: the confidential feedback channel leaked when a submission
//! was made: its audit event kept the time to the microsecond and a place in
//! the chain between named people's events, and the sender's API token
//! recorded its use. Submissions now wait in an inbox holding only the text
//! and the day, and are filed the day after, in one batch.
//!
//! Finding 13: images in policy text made readers' browsers fetch any
//! address (tracking pixels, or Mandate's own GET endpoints); only
//! allowed `https:` hosts are now shown, none by default.

use crate::support::*;
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use mandate_core::AccessRole;
use mandate_core::timefmt::now;
use mandate_testkit::TestDb;
use serde_json::{Value, json};
use time::Duration;

async fn feedback_events(app: &App, admin: &str) -> Vec<Value> {
    let (s, events) = call(
        app,
        Method::GET,
        "/api/v1/audit-events?entity_type=feedback&limit=500",
        admin,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{events}");
    events["items"].as_array().expect("items").clone()
}

async fn give(app: &App, token: &str, subject: &str, confidential: bool) -> Value {
    let (s, kept) = call(
        app,
        Method::POST,
        "/api/v1/feedback",
        token,
        Some(json!({"kind": "concern", "subject": subject,
            "text": "The back door stays open.", "confidential": confidential})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{kept}");
    kept
}

#[tokio::test]
async fn a_confidential_submission_is_filed_the_next_day_at_the_start_of_its_day() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let admin = token_for(&app, AccessRole::Admin).await;
        let staff = token_for(&app, AccessRole::Staff).await;
        let manager = token_for(&app, AccessRole::Manager).await;
        let today = now().date();

        // Alice before, the confidential sender, Bob after.
        let before = give(&app, &manager, "Before", false).await;
        let secret = give(&app, &staff, "Tailgating", true).await;
        let after = give(&app, &manager, "After", false).await;
        // The sender's answer is as before: what they sent, and the day.
        assert_eq!(
            (
                secret["subject"].as_str(),
                secret["confidential"].as_bool(),
                secret["status"].as_str()
            ),
            (Some("Tailgating"), Some(true), Some("new")),
            "{b}: {secret}"
        );
        assert!(secret["author_id"].is_null(), "{b}: {secret}");
        assert_eq!(secret["received_on"], today.to_string(), "{b}");
        let secret_id = secret["id"].as_str().expect("id").to_string();

        // Nothing of it in the records or the audit log on the day.
        let events = feedback_events(&app, &admin).await;
        assert!(
            events.iter().all(|e| e["entity_id"] != secret_id.as_str()),
            "{b}: {events:?}"
        );
        let (_, listed) = call(&app, Method::GET, "/api/v1/feedback", &admin, None).await;
        assert!(
            listed["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|f| f["id"] != secret_id.as_str()),
            "{b}: {listed}"
        );
        let seq_of = |id: &Value| {
            events
                .iter()
                .find(|e| e["entity_id"] == *id)
                .and_then(|e| e["seq"].as_i64())
                .expect("a named event")
        };
        let (first, last) = (seq_of(&before["id"]), seq_of(&after["id"]));

        // The inbox keeps no author and no time finer than the day.
        let dump_path = app._db.path("inbox.jsonl");
        app.store.backup(&dump_path).await.expect("backup");
        let dump = std::fs::read_to_string(&dump_path).expect("backup");
        let waiting: Vec<&str> = dump
            .lines()
            .filter(|l| l.contains("\"table\":\"feedback_inbox\""))
            .collect();
        assert_eq!(waiting.len(), 1, "{b}");
        let sender = app.user(AccessRole::Staff);
        let person = app
            .people
            .iter()
            .find(|p| p.id == sender.person_id)
            .expect("the sender");
        for trace in [
            sender.id.to_string(),
            sender.person_id.to_string(),
            person.email.to_string(),
            person.name.clone(),
        ] {
            assert!(!waiting[0].contains(&trace), "{b}: the inbox names {trace}");
        }
        let row: Value = serde_json::from_str(waiting[0]).expect("json");
        let mut columns: Vec<&str> = row["row"]
            .as_object()
            .expect("row")
            .keys()
            .map(String::as_str)
            .collect();
        columns.sort_unstable();
        assert_eq!(
            columns,
            [
                "body",
                "feedback_id",
                "kind",
                "org_id",
                "received_on",
                "subject"
            ],
            "{b}"
        );

        // The next day's batch files it, as of the start of its day, after
        // every event of that day.
        let tomorrow = today + Duration::days(1);
        let filed = app
            .store
            .file_confidential_feedback(app.org, tomorrow)
            .await
            .expect("filed");
        assert_eq!(filed, 1, "{b}");
        let events = feedback_events(&app, &admin).await;
        let event = events
            .iter()
            .find(|e| e["entity_id"] == secret_id.as_str())
            .expect("its event");
        assert_eq!(event["actor"], "channel:confidential", "{b}: {event}");
        assert_eq!(
            event["occurred_at"],
            format!("{today}T00:00:00Z"),
            "{b}: {event}"
        );
        let seq = event["seq"].as_i64().expect("seq");
        assert!(
            !(first..=last).contains(&seq) && seq > last,
            "{b}: event {seq} sits among the day's named events {first}..{last}"
        );
        let (_, listed) = call(&app, Method::GET, "/api/v1/feedback", &admin, None).await;
        assert!(
            listed["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|f| f["id"] == secret_id.as_str() && f["author_id"].is_null()),
            "{b}: {listed}"
        );
    }
}

#[tokio::test]
async fn a_feedback_submission_leaves_the_senders_last_use_alone() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let staff = token_for(&app, AccessRole::Staff).await;
        let user = app.user(AccessRole::Staff);
        let last_used = || async {
            app.store
                .tokens_of_user(app.org, user.id)
                .await
                .expect("tokens")
                .into_iter()
                .map(|t| t.last_used_at)
                .collect::<Vec<_>>()
        };
        assert_eq!(last_used().await, vec![None], "{b}: a fresh token");
        give(&app, &staff, "Shared passwords", true).await;
        assert_eq!(
            last_used().await,
            vec![None],
            "{b}: the confidential submission recorded its time on the sender's token"
        );
        // Named submissions skip it too, so that skipping tells nothing.
        give(&app, &staff, "Named", false).await;
        assert_eq!(last_used().await, vec![None], "{b}");
        // Any other use is recorded as before.
        let (s, _) = call(&app, Method::GET, "/api/v1/me/feedback", &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(last_used().await[0].is_some(), "{b}");
    }
}

#[tokio::test]
async fn a_policy_page_shows_no_image_from_elsewhere() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        set_up(&app).await;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let admin = token_for(&app, AccessRole::Admin).await;
        let body = "# Images {#top}\n\n![x](/api/v1/me/tokens)\n\n![y](https://tracker.example/p.gif)\n\n\
                    ![chart](https://images.example.org/chart.png)\n\n[Back up](#top)\n";
        let (s, created) = call(
            &app,
            Method::POST,
            "/api/v1/policies",
            &editor,
            Some(
                json!({"title": "Images", "kind": "top_level", "owner_role": "ISMS manager",
                "audience": {"everyone": true}, "body": body, "change_summary": "First"}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {created}");
        let policy = created["policy"]["id"].as_str().expect("id").to_string();
        let (cookie, _) = app.session(AccessRole::IsmsManager).await;
        let page = || async {
            let r = app
                .send(
                    request(Method::GET, &format!("/policies/{policy}/versions/1"))
                        .header(header::COOKIE, cookie.as_str())
                        .body(Body::empty())
                        .expect("req"),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{b}");
            body_text(r).await
        };

        let html = page().await;
        assert!(!html.contains("<img"), "{b}: an image in {html}");
        assert!(!html.contains("tracker.example"), "{b}");
        assert!(
            html.contains("[image: x]") && html.contains("[image: y]"),
            "{b}"
        );
        // Ids from the text cannot clobber the page's; links follow them.
        assert!(html.contains("id=\"user-content-top\""), "{b}");
        assert!(html.contains("href=\"#user-content-top\""), "{b}");
        let (_, version) = call(
            &app,
            Method::GET,
            &format!("/api/v1/policies/{policy}/versions/1"),
            &editor,
            None,
        )
        .await;
        let rendered = version["html"].as_str().expect("html");
        assert!(!rendered.contains("<img"), "{b}: {rendered}");

        // An allowed host's images show; the others still do not.
        let (_, settings) = call(
            &app,
            Method::GET,
            "/api/v1/organisation/settings",
            &admin,
            None,
        )
        .await;
        assert_eq!(settings["image_hosts"], json!([]), "{b}: none by default");
        let (s, saved) = call(
            &app,
            Method::PUT,
            "/api/v1/organisation/settings",
            &admin,
            Some(json!({"version": settings["version"], "image_hosts": ["Images.Example.org"]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {saved}");
        assert_eq!(saved["image_hosts"], json!(["images.example.org"]), "{b}");
        let (s, _) = call(&app, Method::PUT, "/api/v1/organisation/settings", &admin,
            Some(json!({"version": saved["version"], "image_hosts": ["https://images.example.org/"]}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: a URL is no host");
        let html = page().await;
        assert_eq!(html.matches("<img").count(), 1, "{b}: {html}");
        assert!(
            html.contains("src=\"https://images.example.org/chart.png\""),
            "{b}"
        );
        assert!(!html.contains("tracker.example"), "{b}");
    }
}
