//! Resources, the leadership statement, communications, training, feedback,
//! the improvement register and attestations through the API and the
//! pages, on every backend.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use mandate_core::AccessRole;
use mandate_core::timefmt::now;
use mandate_testkit::TestDb;
use serde_json::{Value, json};
use time::Duration;

use crate::support::*;

/// The starter roles, and the top-management role for the boss at 5% of
/// their time (the resource plan's capacity counts it).
async fn set_up(app: &App) {
    set_up_with_capacity(app, Some(5)).await;
}

fn day(offset: i64) -> String {
    (now().date() + Duration::days(offset)).to_string()
}

#[tokio::test]
async fn budgets_need_the_authority_and_someone_other_than_the_proposer() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        set_up(&app).await;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let boss = token_for(&app, AccessRole::TopManagement).await;
        let staff = token_for(&app, AccessRole::Staff).await;
        let plan = |year: i32, amount: Value| {
            json!({"fiscal_year": year, "currency": "eur", "lines": [
                {"category": "external_audit", "planned": amount},
                {"category": "training", "planned": 4000, "actual": "1,250.50"}]})
        };
        let (s, body) = call(
            &app,
            Method::POST,
            "/api/v1/resource-plans",
            &editor,
            Some(plan(2026, json!("12 X"))),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {body}");
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with("planned")),
            "{b}: {body}"
        );
        let (s, body) = call(&app, Method::POST, "/api/v1/resource-plans", &editor,
            Some(json!({"fiscal_year": 2026, "currency": "EUR", "lines": [{"category": "coffee", "planned": 1}]}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.contains("external_audit")),
            "{b}: names the choices"
        );
        let (s, created) = call(
            &app,
            Method::POST,
            "/api/v1/resource-plans",
            &editor,
            Some(plan(2026, json!("15,000"))),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {created}");
        assert_eq!(created["planned_total_minor"], 1_900_000, "{b}");
        assert_eq!(created["actual_total_minor"], 125_050, "{b}");
        assert_eq!(created["currency"], "EUR");
        let id = created["id"].as_str().expect("id").to_string();
        let approve = format!("/api/v1/resource-plans/{id}/approve");
        let (s, _) = call(
            &app,
            Method::POST,
            &approve,
            &editor,
            Some(json!({"version": 1})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{b}: the ISMS manager does not approve budgets"
        );
        let (s, approved) = call(
            &app,
            Method::POST,
            &approve,
            &boss,
            Some(json!({"version": 1})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {approved}");
        assert_eq!(
            approved["approval_authority"], "ISMS role Top management",
            "{b}"
        );

        let (s, own) = call(
            &app,
            Method::POST,
            "/api/v1/resource-plans",
            &boss,
            Some(plan(2027, json!(100))),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (s, refused) = call(
            &app,
            Method::POST,
            &format!(
                "/api/v1/resource-plans/{}/approve",
                own["id"].as_str().expect("id")
            ),
            &boss,
            Some(json!({"version": 1})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {refused}");
        assert!(
            refused["detail"]
                .as_str()
                .is_some_and(|d| d.contains("segregation")),
            "{b}"
        );
        let (s, _) = call(&app, Method::GET, "/api/v1/resource-plans", &staff, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        let (s, list) = call(
            &app,
            Method::GET,
            "/api/v1/resource-plans?limit=1",
            &editor,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list["items"][0]["fiscal_year"], 2027, "{b}: latest first");
        assert!(list["next_cursor"].is_string(), "{b}");
        let (_, capacity) = call(&app, Method::GET, "/api/v1/capacity", &editor, None).await;
        let top = capacity["items"]
            .as_array()
            .expect("roles")
            .iter()
            .find(|r| r["role"] == "Top management")
            .expect("top");
        assert_eq!(top["allocated"], true, "{b}");
        assert!(
            (top["fte"].as_f64().expect("fte") - 0.05).abs() < 1e-9,
            "{b}"
        );
    }
}

#[tokio::test]
async fn the_statement_is_signed_by_its_named_top_managers_and_published_to_staff() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        set_up(&app).await;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let boss = token_for(&app, AccessRole::TopManagement).await;
        let staff = token_for(&app, AccessRole::Staff).await;
        let top = app.user(AccessRole::TopManagement).person_id.to_string();
        let (s, body) = call(&app, Method::POST, "/api/v1/leadership-statements", &editor,
            Some(json!({"title": "Our commitment", "body": "We lead the ISMS.", "signatories": [app.user(AccessRole::Staff).person_id]}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {body}");
        let (s, st) = call(&app, Method::POST, "/api/v1/leadership-statements", &editor,
            Some(json!({"title": "Our commitment", "body": "We lead the ISMS.", "signatories": [top]}))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {st}");
        assert_eq!(st["state"], "awaiting_signatures");
        let id = st["id"].as_str().expect("id").to_string();
        let (s, staff_view) = call(
            &app,
            Method::GET,
            "/api/v1/leadership-statements",
            &staff,
            None,
        )
        .await;
        assert_eq!(
            (s, staff_view["items"].as_array().map(Vec::len)),
            (StatusCode::OK, Some(0)),
            "{b}: drafts are not for staff"
        );
        let sign = format!("/api/v1/leadership-statements/{id}/sign");
        let (s, _) = call(
            &app,
            Method::POST,
            &sign,
            &boss,
            Some(json!({"body_sha256": "0".repeat(64)})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: signing a text not read");
        let (s, signed) = call(
            &app,
            Method::POST,
            &sign,
            &boss,
            Some(json!({"body_sha256": st["body_sha256"]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {signed}");
        assert_eq!(signed["state"], "signed");
        assert_eq!(signed["signatures"][0]["current"], true);
        let (s, published) = call(
            &app,
            Method::POST,
            &format!("/api/v1/leadership-statements/{id}/publish"),
            &editor,
            Some(json!({"published_where": "Intranet: About us"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {published}");
        let (_, staff_view) = call(
            &app,
            Method::GET,
            "/api/v1/leadership-statements",
            &staff,
            None,
        )
        .await;
        assert_eq!(staff_view["items"][0]["state"], "published", "{b}");
        let (s, _) = call(&app, Method::PUT, &format!("/api/v1/leadership-statements/{id}"), &editor,
            Some(json!({"title": "x", "body": "y", "signatories": [top], "version": published["version"]}))).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: a published text is fixed");
        // Staff read the published statement on its page.
        let (cookie, _) = app.session(AccessRole::Staff).await;
        let page = app
            .send(
                request(Method::GET, "/statements")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(page.status(), StatusCode::OK);
        assert!(body_text(page).await.contains("We lead the ISMS."), "{b}");
    }
}

#[tokio::test]
async fn training_files_are_recorded_whole_and_coverage_follows() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        set_up(&app).await;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let (s, course) = call(&app, Method::POST, "/api/v1/courses", &editor,
            Some(json!({"title": "Security awareness", "kind": "general_awareness", "validity_months": 12}))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {course}");
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/courses",
            &editor,
            Some(json!({"title": "security AWARENESS", "kind": "general_awareness"})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        let staff = app.user(AccessRole::Staff).email.to_string();
        let boss = app.user(AccessRole::TopManagement).email.to_string();
        let upload = |csv: String, token: String| {
            let app = &app;
            async move {
                let r = app
                    .send(
                        request(Method::POST, "/api/v1/training-records/csv")
                            .header(header::AUTHORIZATION, format!("Bearer {token}"))
                            .header(header::CONTENT_TYPE, "text/csv")
                            .body(Body::from(csv))
                            .expect("req"),
                    )
                    .await;
                let status = r.status();
                (status, body_json(r).await)
            }
        };
        let bad = format!(
            "email,course,completed_on\n{staff},Security awareness,{}\nnobody@acme.example,Security awareness,{}\n{staff},Knitting,{}\n{boss},Security awareness,{}\n",
            day(-3),
            day(-3),
            day(-3),
            day(5)
        );
        let (s, problem) = upload(bad, editor.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {problem}");
        let lines: Vec<i64> = problem["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["line"].as_i64().expect("line"))
            .collect();
        assert_eq!(lines, vec![3, 4, 5], "{b}: {problem}");
        let (_, records) = call(&app, Method::GET, "/api/v1/training-records", &editor, None).await;
        assert_eq!(
            records["items"].as_array().map(Vec::len),
            Some(0),
            "{b}: nothing recorded"
        );
        let (_, before) = call(
            &app,
            Method::GET,
            "/api/v1/training-coverage",
            &editor,
            None,
        )
        .await;
        let good = format!(
            "email,course,completed_on\n{staff},Security awareness,{}\n{boss},security awareness,{}\n",
            day(-3),
            day(-400)
        );
        let (s, summary) = upload(good, editor.clone()).await;
        assert_eq!(s, StatusCode::OK, "{b}: {summary}");
        assert_eq!(summary["recorded"], 2);
        let (_, after) = call(
            &app,
            Method::GET,
            "/api/v1/training-coverage",
            &editor,
            None,
        )
        .await;
        assert_eq!(
            after["trained"].as_u64(),
            before["trained"].as_u64().map(|t| t + 1),
            "{b}: the stale completion does not count"
        );
        let top_line = after["role_training"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|l| l["role"] == "Top management")
            .expect("the boss's role needs training");
        assert_eq!(top_line["status"], "not_in_catalogue", "{b}: {top_line}");
    }
}

#[tokio::test]
async fn confidential_feedback_is_kept_without_its_author_and_leads_to_improvement() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        set_up(&app).await;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let admin = token_for(&app, AccessRole::Admin).await;
        let staff = token_for(&app, AccessRole::Staff).await;
        let (s, named) = call(&app, Method::POST, "/api/v1/feedback", &staff,
            Some(json!({"kind": "suggestion", "subject": "Password manager", "text": "Could we have one?"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {named}");
        assert_eq!(
            named["author_id"],
            app.user(AccessRole::Staff).person_id.to_string()
        );
        let (s, secret) = call(&app, Method::POST, "/api/v1/feedback", &staff,
            Some(json!({"kind": "concern", "subject": "Shared password", "text": "On a sticky note.", "confidential": true}))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert!(secret["author_id"].is_null(), "{b}: {secret}");
        let (s, _) = call(&app, Method::GET, "/api/v1/feedback", &staff, None).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{b}: staff do not read everyone's feedback"
        );
        let (_, mine) = call(&app, Method::GET, "/api/v1/me/feedback", &staff, None).await;
        assert_eq!(
            mine["items"].as_array().map(Vec::len),
            Some(1),
            "{b}: only the named one is theirs"
        );
        // Confidential feedback reaches the records with the next day's batch.
        let (_, all) = call(&app, Method::GET, "/api/v1/feedback", &editor, None).await;
        assert_eq!(all["items"].as_array().map(Vec::len), Some(1), "{b}: {all}");
        let tomorrow = now().date() + Duration::days(1);
        let filed = app
            .store
            .file_confidential_feedback(app.org, tomorrow)
            .await;
        assert_eq!(filed.expect("filed"), 1, "{b}");
        let (_, events) = call(
            &app,
            Method::GET,
            &format!(
                "/api/v1/audit-events?entity_id={}",
                secret["id"].as_str().expect("id")
            ),
            &admin,
            None,
        )
        .await;
        let event = &events["items"][0];
        assert_eq!(event["actor"], "channel:confidential", "{b}: {events}");
        let staff_user = app.user(AccessRole::Staff);
        let text = event.to_string();
        assert!(
            !text.contains(&staff_user.id.to_string())
                && !text.contains(&staff_user.person_id.to_string()),
            "{b}"
        );

        // The public channel needs no sign-in and sees no session.
        let form_page = app
            .send(
                request(Method::GET, "/public/acme/feedback")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(form_page.status(), StatusCode::OK, "{b}");
        let sent = app
            .send(form_request(
                "/public/acme/feedback",
                None,
                &[
                    ("kind", "concern"),
                    ("subject", "Tailgating"),
                    ("text", "People hold the door open."),
                ],
            ))
            .await;
        assert_eq!(sent.status(), StatusCode::OK, "{b}");
        assert!(
            body_text(sent)
                .await
                .contains("nothing kept with it names you"),
            "{b}"
        );
        let empty = app
            .send(form_request(
                "/public/acme/feedback",
                None,
                &[("kind", "concern")],
            ))
            .await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let unknown = app
            .send(
                request(Method::GET, "/public/nobody/feedback")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND, "{b}");
        let filed = app
            .store
            .file_confidential_feedback(app.org, tomorrow)
            .await;
        assert_eq!(filed.expect("filed"), 1, "{b}");
        let (_, all) = call(&app, Method::GET, "/api/v1/feedback", &editor, None).await;
        assert_eq!(all["items"].as_array().map(Vec::len), Some(3), "{b}");

        // The concern becomes a nonconformity with a corrective action.
        let owner = app.user(AccessRole::IsmsManager).person_id.to_string();
        let (s, nc) = call(&app, Method::POST, "/api/v1/improvements", &editor, Some(json!({
            "kind": "nonconformity", "title": "Shared password", "source": "feedback", "raised_on": day(0),
            "owner_id": owner, "feedback_id": secret["id"], "root_cause": "No password manager"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {nc}");
        assert_eq!(nc["status"], "needs_action");
        let nc_id = nc["id"].as_str().expect("id").to_string();
        let (_, all) = call(&app, Method::GET, "/api/v1/feedback", &editor, None).await;
        let acted = all["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|f| f["id"] == secret["id"])
            .expect("it");
        assert_eq!(
            (acted["status"].as_str(), acted["improvement_id"].as_str()),
            (Some("acted_on"), Some(nc_id.as_str())),
            "{b}"
        );
        let (s, action) = call(&app, Method::POST, "/api/v1/actions", &editor, Some(json!({
            "title": "Roll out a password manager", "owner_id": owner, "due_on": day(30), "status": "open",
            "source": "nonconformity", "improvement_id": nc_id}))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {action}");
        let check = json!({"checked_on": day(0), "effective": true, "note": "Audited", "version": nc["version"]});
        let (s, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/improvements/{nc_id}/checks"),
            &editor,
            Some(check.clone()),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: the action is open"
        );
        let mut done = action.clone();
        done["status"] = json!("done");
        let body = json!({"title": done["title"], "owner_id": owner, "due_on": done["due_on"], "status": "done",
            "source": "nonconformity", "improvement_id": nc_id, "version": done["version"]});
        let (s, body) = call(
            &app,
            Method::PUT,
            &format!("/api/v1/actions/{}", action["id"].as_str().expect("id")),
            &editor,
            Some(body),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let (s, checked) = call(
            &app,
            Method::POST,
            &format!("/api/v1/improvements/{nc_id}/checks"),
            &editor,
            Some(check),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {checked}");
        let (s, closed) = call(
            &app,
            Method::POST,
            &format!("/api/v1/improvements/{nc_id}/close"),
            &editor,
            Some(json!({"note": "Effective", "version": checked["version"]})),
        )
        .await;
        assert_eq!(
            (s, closed["status"].as_str()),
            (StatusCode::OK, Some("closed")),
            "{b}: {closed}"
        );
    }
}

#[tokio::test]
async fn line_managers_attest_once_per_period_and_the_rest_are_outstanding() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let admin = token_for(&app, AccessRole::Admin).await;
        let manager = token_for(&app, AccessRole::Manager).await;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let auditor = token_for(&app, AccessRole::Auditor).await;
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/people",
            &admin,
            Some(json!({
            "name": "New Report", "email": "new.report@acme.example",
            "manager_id": app.user(AccessRole::Manager).person_id})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (s, settings) = call(
            &app,
            Method::GET,
            "/api/v1/organisation/settings",
            &admin,
            None,
        )
        .await;
        assert_eq!(
            (s, settings["attestation_period_months"].as_u64()),
            (StatusCode::OK, Some(3)),
            "{b}"
        );
        let (s, _) = call(
            &app,
            Method::PUT,
            "/api/v1/organisation/settings",
            &admin,
            Some(json!({"attestation_period_months": 4, "version": 0})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let today = day(0);
        let attest = json!({"period_start": today, "team_trained": true, "policies_acknowledged": false, "access_reviewed": true});
        let (s, body) = call(
            &app,
            Method::POST,
            "/api/v1/attestations",
            &manager,
            Some(attest.clone()),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: a 'no' needs a comment: {body}"
        );
        let mut attest = attest;
        attest["comments"] = json!("The new joiner is still reading");
        let (s, body) = call(
            &app,
            Method::POST,
            "/api/v1/attestations",
            &manager,
            Some(attest.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {body}");
        assert!(body["team_size"].as_u64().is_some_and(|n| n >= 1), "{b}");
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/attestations",
            &manager,
            Some(attest.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: once per period");
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/attestations",
            &auditor,
            Some(attest),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: the auditor changes nothing");
        let (s, status) = call(
            &app,
            Method::GET,
            &format!("/api/v1/attestations?on={today}"),
            &editor,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(status["with_exceptions"], 1, "{b}: {status}");
        assert!(
            status["attested"].as_u64() == Some(1)
                && status["managers"].as_u64().is_some_and(|m| m > 1),
            "{b}: {status}"
        );
        let manager_id = app.user(AccessRole::Manager).person_id.to_string();
        assert!(
            !status["outstanding"]
                .as_array()
                .expect("list")
                .iter()
                .any(|o| o["person_id"] == manager_id.as_str()),
            "{b}"
        );
        // An auditor reading a period that ended yesterday sees the same
        // count as the API: who has attested is counted as of now, and the
        // table under it lists every attestation of the period.
        let yesterday = day(-1);
        let (_, status) = call(
            &app,
            Method::GET,
            &format!("/api/v1/attestations?on={yesterday}"),
            &editor,
            None,
        )
        .await;
        let (session, _) = app.session(AccessRole::Auditor).await;
        let period = format!("{session}; mandate_period={}..{yesterday}", day(-40));
        let r = app
            .send(
                request(Method::GET, "/attestations")
                    .header(header::COOKIE, &period)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{b}");
        let text = body_text(r).await;
        let counted = format!(
            "{} of {} line managers attested",
            status["attested"], status["managers"]
        );
        assert!(text.contains(&counted), "{b}: {counted:?} in {text}");
    }
}

#[tokio::test]
async fn the_commitment_pages_render_and_their_forms_record() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        set_up(&app).await;
        let (cookie, csrf) = app.session(AccessRole::IsmsManager).await;
        let boss = app.user(AccessRole::TopManagement).email.to_string();
        let post = |uri: &'static str, fields: Vec<(&'static str, String)>| {
            let app = &app;
            let cookie = cookie.clone();
            let csrf = csrf.clone();
            async move {
                let mut all: Vec<(&str, &str)> = vec![("csrf_token", csrf.as_str())];
                all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
                let r = app.send(form_request(uri, Some(&cookie), &all)).await;
                let status = r.status();
                (status, body_text(r).await)
            }
        };
        let (s, body) = post(
            "/resources",
            vec![
                ("fiscal_year", "2026".into()),
                ("currency", "EUR".into()),
                ("planned_software", "20,000".into()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}: {body}");
        let (s, _) = post(
            "/resources",
            vec![
                ("fiscal_year", "2027".into()),
                ("currency", "EUR".into()),
                ("planned_software", "-5".into()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let (s, body) = post(
            "/communications",
            vec![
                ("occurred_on", day(0)),
                ("channel", "email".into()),
                ("topic", "Why security matters".into()),
                ("audience", "All staff".into()),
                ("sponsor_email", boss.clone()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}: {body}");
        let (s, _) = post(
            "/communications/plan",
            vec![
                ("topic", "CEO message".into()),
                ("channel", "email".into()),
                ("audience", "All".into()),
                ("interval_months", "6".into()),
                ("first_due_on", day(-10)),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
        let (s, _) = post(
            "/training/courses",
            vec![
                ("title", "Security awareness".into()),
                ("kind", "general_awareness".into()),
                ("validity_months", "12".into()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
        let (s, body) = post(
            "/training/csv",
            vec![(
                "csv",
                "email,course,completed_on\nnobody@x.example,Security awareness,2026-01-01\n"
                    .into(),
            )],
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(body.contains("line 2: email"), "{b}: {body}");
        let (s, _) = post(
            "/statements",
            vec![
                ("title", "Our commitment".into()),
                ("body", "We lead.".into()),
                ("signatories", boss.clone()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
        let (s, _) = post(
            "/improvements",
            vec![
                ("kind", "opportunity".into()),
                ("title", "Automate access reviews".into()),
                ("source", "review".into()),
                ("raised_on", day(0)),
                ("owner_email", boss.clone()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
        let (s, _) = post(
            "/feedback",
            vec![
                ("kind", "suggestion".into()),
                ("subject", "More phishing drills".into()),
                ("text", "Monthly?".into()),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
        for (page, expect) in [
            ("/resources", "20,000"),
            ("/communications", "leadership"),
            ("/communications", "days overdue"),
            ("/training", "Security awareness"),
            ("/statements", "awaiting signatures"),
            ("/improvements", "Automate access reviews"),
            ("/feedback", "More phishing drills"),
            ("/attestations", "All line managers"),
            ("/settings", "Manager attestations cover"),
        ] {
            let r = app
                .send(
                    request(Method::GET, page)
                        .header(header::COOKIE, &cookie)
                        .body(Body::empty())
                        .expect("req"),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{b}: {page}");
            let text = body_text(r).await;
            assert!(text.contains(expect), "{b}: {page} lacks {expect:?}");
        }
    }
}
