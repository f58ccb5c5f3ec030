//! Objectives, KPIs, values, actions, management reviews and performance
//! reports through the API, on every backend.

use axum::http::{Method, StatusCode, header};
use mandate_core::AccessRole;
use mandate_core::audit::Actor;
use mandate_core::timefmt::now;
use mandate_testkit::TestDb;
use serde_json::json;
use time::Duration;

use crate::support::*;

const GOAL: &str = "Win public-sector customers";

/// Strategic goals, a top-level policy, the starter roles, and ISMS roles
/// for the boss (top management) and the ISMS manager (performance reporter).
async fn set_up(app: &App, editor: &str, admin: &str) -> (String, String) {
    let (_, org) = call(app, Method::GET, "/api/v1/organisation", admin, None).await;
    let (s, body) = call(
        app,
        Method::PUT,
        "/api/v1/organisation",
        admin,
        Some(
            json!({"version": org["version"], "name": org["name"], "strategic_goals": [GOAL],
            "fiscal_year_start_month": 1}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let system = Actor::system("test");
    app.store
        .install_starter_roles(&system, app.org)
        .await
        .expect("roles");
    let roles = app.store.roles(app.org).await.expect("roles");
    // The first assignment bootstraps the authority; the boss makes the next.
    let assigners = [
        app.user(AccessRole::Admin).id,
        app.user(AccessRole::TopManagement).id,
    ];
    for ((flag, role), assigner) in [
        ("top", AccessRole::TopManagement),
        ("reporter", AccessRole::IsmsManager),
    ]
    .into_iter()
    .zip(assigners)
    {
        let role_id = roles
            .iter()
            .find(|r| {
                if flag == "top" {
                    r.fields.top_management
                } else {
                    r.fields.performance_reporter
                }
            })
            .expect("a role")
            .id;
        let since = now().date() - Duration::days(30);
        let held = fixtures::terms(role_id, app.user(role).person_id, since);
        fixtures::assign(&app.store, app.org, assigner, held).await;
    }
    let (s, policy) = call(
        app,
        Method::POST,
        "/api/v1/policies",
        editor,
        Some(json!({"title": "Information security policy", "kind": "top_level", "owner_role": "CISO",
            "audience": {"everyone": true}, "body": "# Policy", "change_summary": "First"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{policy}");
    let owner = roles
        .iter()
        .find(|r| r.fields.name == "ISMS manager")
        .expect("role")
        .id;
    (
        policy["policy"]["id"].as_str().expect("id").to_string(),
        owner.to_string(),
    )
}

fn days_ago(n: i64) -> String {
    (now().date() - Duration::days(n)).to_string()
}

#[tokio::test]
async fn objectives_kpis_values_and_reviews_work_end_to_end() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let admin = token_for(&app, AccessRole::Admin).await;
        let boss = token_for(&app, AccessRole::TopManagement).await;
        let manager = token_for(&app, AccessRole::Manager).await;
        let staff = token_for(&app, AccessRole::Staff).await;
        let (policy, owner_role) = set_up(&app, &editor, &admin).await;

        // An objective must serve one of the organisation's strategic goals.
        let objective = json!({"title": "Staff resist phishing", "strategic_goal": "Be famous",
            "policy_id": policy, "owner_role_id": owner_role, "due_on": days_ago(-200)});
        let (s, body) = call(
            &app,
            Method::POST,
            "/api/v1/objectives",
            &editor,
            Some(objective.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {body}");
        assert!(
            body["detail"].as_str().expect("detail").contains(GOAL),
            "{b}: {body}"
        );
        let mut objective = objective;
        objective["strategic_goal"] = json!(GOAL);
        let (s, created) = call(
            &app,
            Method::POST,
            "/api/v1/objectives",
            &editor,
            Some(objective.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {created}");
        assert_eq!(created["status"], "at_risk", "{b}: no KPI yet");
        let objective_id = created["id"].as_str().expect("id").to_string();
        let (s, _) = call(&app, Method::GET, "/api/v1/objectives", &staff, None).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{b}: staff do not see performance records"
        );

        let (s, kpi) = call(
            &app,
            Method::POST,
            "/api/v1/kpis",
            &editor,
            Some(json!({
            "objective_id": objective_id, "name": "Click rate", "unit": "%", "target": 5,
            "direction": "lower_is_better", "frequency": "monthly"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {kpi}");
        let kpi_id = kpi["id"].as_str().expect("id").to_string();
        let (s, body) = call(
            &app,
            Method::POST,
            "/api/v1/kpis",
            &editor,
            Some(json!({
            "objective_id": objective_id, "name": "Other", "target": 5,
            "direction": "sideways", "frequency": "monthly"})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            body["detail"]
                .as_str()
                .expect("detail")
                .contains("lower_is_better"),
            "{b}: {body}"
        );

        // Values by API, all or nothing (a line manager records only the KPIs they
        // are asked for: see hardening::measurements).
        let (s, body) = call(
            &app,
            Method::POST,
            "/api/v1/measurements",
            &manager,
            Some(json!([
            {"kpi_id": kpi_id, "measured_on": days_ago(40), "value": 9.0},
            {"kpi_id": kpi_id, "measured_on": days_ago(-3), "value": 4.0}])),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: a value in the future"
        );
        assert!(
            body["detail"]
                .as_str()
                .expect("detail")
                .starts_with("entry 2:"),
            "{b}: {body}"
        );
        let (_, values) = call(
            &app,
            Method::GET,
            &format!("/api/v1/kpis/{kpi_id}/measurements"),
            &editor,
            None,
        )
        .await;
        assert_eq!(
            values["items"].as_array().expect("list").len(),
            0,
            "{b}: nothing was recorded"
        );
        let (s, summary) = call(
            &app,
            Method::POST,
            "/api/v1/measurements",
            &editor,
            Some(json!([
            {"kpi_id": kpi_id, "measured_on": days_ago(40), "value": 9.0},
            {"kpi_id": kpi_id, "measured_on": days_ago(10), "value": 5.4}])),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {summary}");
        assert_eq!(summary["added"], 2);
        let (_, shown) = call(
            &app,
            Method::GET,
            &format!("/api/v1/objectives/{objective_id}"),
            &editor,
            None,
        )
        .await;
        assert_eq!(
            shown["status"], "at_risk",
            "{b}: 5.4 is within 10% of 5: {shown}"
        );
        assert!(
            shown["reasons"][0]
                .as_str()
                .expect("reason")
                .contains("misses the target"),
            "{b}"
        );

        // CSV: every bad row reported by line, nothing recorded.
        let csv = format!(
            "kpi,measured_on,value\nClick rate,{},4.2\nNo such KPI,{},3\nClick rate,2026-02-30,x\nClick rate,{},4.3\nClick rate,{},\"1,5\"\n",
            days_ago(5),
            days_ago(5),
            days_ago(5),
            days_ago(6)
        );
        let response = app
            .send(
                request(Method::POST, "/api/v1/measurements/csv")
                    .header(header::AUTHORIZATION, format!("Bearer {editor}"))
                    .header(header::CONTENT_TYPE, "text/csv")
                    .body(csv.into())
                    .expect("request"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let problem = body_json(response).await;
        let lines: Vec<u64> = problem["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["line"].as_u64().expect("line"))
            .collect();
        assert_eq!(lines, vec![3, 4, 5, 6], "{b}: {problem}");
        assert!(
            problem["errors"][2]["message"]
                .as_str()
                .expect("message")
                .contains("first is on line 2"),
            "{b}: {problem}"
        );
        let (_, values) = call(
            &app,
            Method::GET,
            &format!("/api/v1/kpis/{kpi_id}/measurements"),
            &editor,
            None,
        )
        .await;
        assert_eq!(
            values["items"].as_array().expect("list").len(),
            2,
            "{b}: the file changed nothing"
        );
        let good = format!(
            "kpi,measured_on,value,note\nclick rate,{},4.2,after training\nClick rate,{},5.0,\n",
            days_ago(5),
            days_ago(10)
        );
        let response = app
            .send(
                request(Method::POST, "/api/v1/measurements/csv")
                    .header(header::AUTHORIZATION, format!("Bearer {editor}"))
                    .header(header::CONTENT_TYPE, "text/csv")
                    .body(good.into())
                    .expect("request"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{b}");
        let summary = body_json(response).await;
        assert_eq!(
            (summary["added"].as_u64(), summary["corrected"].as_u64()),
            (Some(1), Some(1)),
            "{b}: {summary}"
        );
        let (_, shown) = call(
            &app,
            Method::GET,
            &format!("/api/v1/objectives/{objective_id}"),
            &editor,
            None,
        )
        .await;
        assert_eq!(shown["status"], "on_track", "{b}: {shown}");

        // Actions: an overdue one shows as such.
        let boss_person = app.user(AccessRole::TopManagement).person_id.to_string();
        let (s, action) = call(
            &app,
            Method::POST,
            "/api/v1/actions",
            &editor,
            Some(json!({
            "title": "Fix supplier access reviews", "owner_id": boss_person, "due_on": days_ago(3),
            "source": "audit"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {action}");
        assert_eq!(action["overdue_days"], 3, "{b}");
        let (_, overdue) = call(
            &app,
            Method::GET,
            "/api/v1/actions?overdue=true",
            &editor,
            None,
        )
        .await;
        assert_eq!(overdue["items"].as_array().expect("list").len(), 1, "{b}");

        // A review: planned, prepared from live records, held (frozen), approved by the chair.
        let editor_person = app.user(AccessRole::IsmsManager).person_id.to_string();
        let (s, review) = call(
            &app,
            Method::POST,
            "/api/v1/reviews",
            &editor,
            Some(json!({
            "title": "Q4 review", "planned_on": days_ago(1), "chair_id": boss_person,
            "attendees": [boss_person, editor_person], "audit_results": "One minor finding."})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {review}");
        assert_eq!(review["state"], "planned");
        assert!(
            review["attendees"]
                .as_array()
                .expect("list")
                .iter()
                .any(|a| a["top_management"] == true),
            "{b}: {review}"
        );
        let review_id = review["id"].as_str().expect("id").to_string();
        let (s, body) = call(
            &app,
            Method::POST,
            &format!("/api/v1/reviews/{review_id}/hold"),
            &editor,
            Some(json!({
            "held_on": days_ago(0), "attendees": [boss_person], "minutes": "x", "version": 1})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: not prepared yet: {body}"
        );
        let (s, prepared) = call(
            &app,
            Method::POST,
            &format!("/api/v1/reviews/{review_id}/prepare"),
            &editor,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {prepared}");
        let pack = prepared["pack"].clone();
        assert_eq!(pack["objectives"][0]["health"], "on_track", "{b}: {pack}");
        assert_eq!(pack["improvement_actions"][0]["overdue_days"], 3, "{b}");
        assert!(
            pack["changes"]["changes_by_record"]
                .as_array()
                .expect("changes")
                .iter()
                .any(|c| c[0] == "measurement"),
            "{b}"
        );
        let (s, held) = call(&app, Method::POST, &format!("/api/v1/reviews/{review_id}/hold"), &editor, Some(json!({
            "held_on": days_ago(0), "attendees": [boss_person, editor_person], "minutes": "Reviewed the pack.", "version": prepared["version"],
            "decisions": [{"kind": "improvement", "text": "Automate access reviews"}]}))).await;
        assert_eq!(s, StatusCode::OK, "{b}: {held}");
        assert_eq!(held["state"], "held");
        assert!(
            held["inputs"]
                .as_array()
                .expect("inputs")
                .iter()
                .filter(|i| i["covered"] == false)
                .count()
                == 2,
            "{b}: risk results and feedback missing: {held}"
        );

        // Live data changes after the review; the frozen pack does not.
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/measurements",
            &editor,
            Some(json!([
            {"kpi_id": kpi_id, "measured_on": days_ago(0), "value": 30.0}])),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (_, live) = call(
            &app,
            Method::GET,
            &format!("/api/v1/objectives/{objective_id}"),
            &editor,
            None,
        )
        .await;
        assert_eq!(live["status"], "off_track", "{b}: {live}");
        let (_, frozen) = call(
            &app,
            Method::GET,
            &format!("/api/v1/reviews/{review_id}"),
            &editor,
            None,
        )
        .await;
        assert_eq!(
            frozen["pack"], pack,
            "{b}: the held review's pack is what management saw"
        );
        let (s, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/reviews/{review_id}/prepare"),
            &editor,
            None,
        )
        .await;
        assert_eq!(
            s,
            StatusCode::CONFLICT,
            "{b}: a held review is not compiled again"
        );
        let replan = json!({"title": "Renamed", "planned_on": days_ago(1), "chair_id": boss_person, "version": frozen["version"]});
        let (s, _) = call(
            &app,
            Method::PUT,
            &format!("/api/v1/reviews/{review_id}"),
            &editor,
            Some(replan.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: nor replanned");

        // Only the chair approves the minutes.
        let (s, body) = call(
            &app,
            Method::POST,
            &format!("/api/v1/reviews/{review_id}/approve"),
            &editor,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {body}");
        let (s, approved) = call(
            &app,
            Method::POST,
            &format!("/api/v1/reviews/{review_id}/approve"),
            &boss,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {approved}");
        assert_eq!(approved["state"], "approved");
        let (_, programme) =
            call(&app, Method::GET, "/api/v1/review-programme", &editor, None).await;
        assert_eq!(programme["last_held"], days_ago(0), "{b}: {programme}");
        assert_eq!(programme["overdue"], false);
        let (s, _) = call(
            &app,
            Method::PUT,
            "/api/v1/review-programme",
            &editor,
            Some(json!({"cadence_months": 13})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: never more than 12 months apart"
        );
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/reviews",
            &editor,
            Some(json!({
            "title": "Too late", "planned_on": days_ago(-400), "chair_id": boss_person})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: more than 12 months after the last one"
        );

        // Performance reports: only the reporter-duty holder produces one;
        // it is presented to top management only.
        let period =
            json!({"title": "Last month", "period_from": days_ago(30), "period_to": days_ago(0)});
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/performance-reports",
            &admin,
            Some(period.clone()),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{b}: the admin holds no reporter duty"
        );
        let (s, report) = call(
            &app,
            Method::POST,
            "/api/v1/performance-reports",
            &editor,
            Some(period),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {report}");
        let report_id = report["id"].as_str().expect("id").to_string();
        let (s, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/performance-reports/{report_id}/presentation"),
            &editor,
            Some(json!({
            "presented_on": days_ago(0), "presented_to": [editor_person]})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: not top management"
        );
        let (s, presented) = call(
            &app,
            Method::POST,
            &format!("/api/v1/performance-reports/{report_id}/presentation"),
            &editor,
            Some(json!({
            "presented_on": days_ago(0), "presented_to": [boss_person]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {presented}");

        // Everything is in the audit chain, which still verifies.
        let (_, events) = call(
            &app,
            Method::GET,
            "/api/v1/audit-events?entity_type=management_review",
            &admin,
            None,
        )
        .await;
        let actions: Vec<&str> = events["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|e| e["action"].as_str().unwrap_or(""))
            .collect();
        for step in ["create", "prepare", "hold", "approve"] {
            assert!(actions.contains(&step), "{b}: {step} in {actions:?}");
        }
        // The hold event carries the digest of the frozen pack, which still matches it.
        let hold_event = events["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|e| e["action"] == "hold")
            .expect("a hold event");
        let (_, now_shown) = call(
            &app,
            Method::GET,
            &format!("/api/v1/reviews/{review_id}"),
            &editor,
            None,
        )
        .await;
        assert!(
            now_shown["pack_sha256"]
                .as_str()
                .is_some_and(|d| d.len() == 64),
            "{b}"
        );
        assert_eq!(
            hold_event["after"]["pack_sha256"], now_shown["pack_sha256"],
            "{b}"
        );
        let public = mandate_store::keyfile::load(&app._db.key_path())
            .expect("key")
            .public_key();
        let verified = app
            .store
            .verify_chain(app.org, &public)
            .await
            .expect("read");
        assert!(verified.is_ok(), "{b}: {verified:?}");

        // The pages' forms: a plan item, a value, a bad CSV paste, a new action.
        let (cookie, csrf) = app.session(AccessRole::IsmsManager).await;
        let boss_email = app.user(AccessRole::TopManagement).email.to_string();
        let due = days_ago(-30);
        let response = app
            .send(form_request(
                &format!("/objectives/{objective_id}/plan"),
                Some(&cookie),
                &[
                    ("csrf_token", &csrf),
                    ("title", "Run a drill"),
                    ("owner_email", &boss_email),
                    ("due_on", &due),
                ],
            ))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{b}");
        let (_, shown) = call(
            &app,
            Method::GET,
            &format!("/api/v1/objectives/{objective_id}"),
            &editor,
            None,
        )
        .await;
        assert_eq!(shown["plan"][0]["title"], "Run a drill", "{b}: {shown}");
        let day = days_ago(2);
        let response = app
            .send(form_request(
                &format!("/kpis/{kpi_id}/measurements"),
                Some(&cookie),
                &[
                    ("csrf_token", &csrf),
                    ("measured_on", &day),
                    ("value", "1,5"),
                    ("objective_id", &objective_id),
                ],
            ))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: a decimal comma is refused"
        );
        let response = app
            .send(form_request(
                "/measurements/csv",
                Some(&cookie),
                &[
                    ("csrf_token", &csrf),
                    ("csv", "kpi,measured_on,value\nNope,2026-01-31,4\n"),
                ],
            ))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            body_text(response)
                .await
                .contains("line 2: kpi: no KPI is called"),
            "{b}"
        );
        let response = app
            .send(form_request(
                "/actions",
                Some(&cookie),
                &[
                    ("csrf_token", &csrf),
                    ("title", "Close the finding"),
                    ("owner_email", &boss_email),
                    ("due_on", &due),
                    ("source", "nonconformity"),
                ],
            ))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{b}");
        let (_, kpis) = call(&app, Method::GET, "/api/v1/kpis", &editor, None).await;
        let version = kpis["items"][0]["version"].to_string();
        let edit = |version: String| {
            let kpi = format!("/kpis/{kpi_id}");
            let fields: Vec<(String, String)> = vec![
                ("csrf_token".into(), csrf.clone()),
                ("version".into(), version),
                ("objective_id".into(), objective_id.clone()),
                ("name".into(), "Click rate".into()),
                ("unit".into(), "%".into()),
                ("target".into(), "3".into()),
                ("direction".into(), "lower_is_better".into()),
                ("frequency".into(), "quarterly".into()),
            ];
            let borrowed: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            form_request(&kpi, Some(&cookie), &borrowed)
        };
        assert_eq!(
            app.send(edit(version.clone())).await.status(),
            StatusCode::SEE_OTHER,
            "{b}"
        );
        assert_eq!(
            app.send(edit(version)).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: a stale edit is refused"
        );
        let (_, kpis) = call(&app, Method::GET, "/api/v1/kpis", &editor, None).await;
        assert_eq!(
            (
                kpis["items"][0]["target"].as_f64(),
                kpis["items"][0]["frequency"].as_str()
            ),
            (Some(3.0), Some("quarterly")),
            "{b}: {kpis}"
        );
        let (_, all) = call(&app, Method::GET, "/api/v1/actions", &editor, None).await;
        assert!(
            all["items"]
                .as_array()
                .expect("list")
                .iter()
                .any(|a| a["title"] == "Close the finding" && a["source"] == "nonconformity"),
            "{b}: {all}"
        );
    }
}
