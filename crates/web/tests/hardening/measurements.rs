//! A line manager records the KPI values they are asked for (CLAUSE5.md),
//! not any value: the review found a manager could record, and overwrite,
//! any KPI's value through `POST /api/v1/measurements` and the pages.
//!
//! A KPI is asked of whoever holds its objective's owner role today; a
//! value someone else entered is theirs (or the ISMS manager's) to correct.

use crate::support::*;
use axum::http::{Method, StatusCode, header};
use mandate_core::AccessRole;
use mandate_core::timefmt::now;
use mandate_testkit::TestDb;
use serde_json::{Value, json};
use time::Duration;

const GOAL: &str = "Keep customer data safe";
/// Of an objective owned by "Asset owner", a role the line manager holds.
const ASKED: &str = "Assets inventoried";
/// Of an objective owned by "ISMS manager", a role the line manager does not hold.
const OTHER: &str = "Phishing click rate";

struct Kpis {
    asked: String,
    other: String,
}

fn days_ago(n: i64) -> String {
    (now().date() - Duration::days(n)).to_string()
}

/// Strategic goals, the starter roles, "Asset owner" held by the line
/// manager since last month, and two objectives with a KPI each: one owned
/// by "Asset owner", one by "ISMS manager".
async fn two_kpis(app: &App, editor: &str) -> Kpis {
    let admin = token_for(app, AccessRole::Admin).await;
    let (_, org) = call(app, Method::GET, "/api/v1/organisation", &admin, None).await;
    let (s, body) = call(
        app,
        Method::PUT,
        "/api/v1/organisation",
        &admin,
        Some(
            json!({"version": org["version"], "name": org["name"], "strategic_goals": [GOAL],
            "fiscal_year_start_month": 1}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    set_up(app).await;
    let roles = fixtures::starter_roles(&app.store, app.org).await;
    let role = |name: &str| {
        roles
            .iter()
            .find(|r| r.fields.name == name)
            .expect("a starter role")
            .id
    };
    let manager = app.user(AccessRole::Manager).person_id;
    let since = now().date() - Duration::days(30);
    let boss = app.user(AccessRole::TopManagement).id;
    let held = fixtures::terms(role("Asset owner"), manager, since);
    fixtures::assign(&app.store, app.org, boss, held).await;
    let (s, policy) = call(
        app,
        Method::POST,
        "/api/v1/policies",
        editor,
        Some(
            json!({"title": "Information security policy", "kind": "top_level",
            "owner_role": "ISMS manager", "audience": {"everyone": true}, "body": "# Policy",
            "change_summary": "First"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{policy}");
    let policy = policy["policy"]["id"].as_str().expect("id").to_string();
    let mut kpis = Vec::new();
    for (title, owner, kpi) in [
        ("Know our assets", "Asset owner", ASKED),
        ("Staff resist phishing", "ISMS manager", OTHER),
    ] {
        let (s, objective) = call(
            app,
            Method::POST,
            "/api/v1/objectives",
            editor,
            Some(
                json!({"title": title, "strategic_goal": GOAL, "policy_id": policy,
                "owner_role_id": role(owner).to_string(), "due_on": days_ago(-200)}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{objective}");
        let (s, created) = call(
            app,
            Method::POST,
            "/api/v1/kpis",
            editor,
            Some(
                json!({"objective_id": objective["id"], "name": kpi, "unit": "%",
                "target": 95, "direction": "higher_is_better", "frequency": "monthly"}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        kpis.push(created["id"].as_str().expect("id").to_string());
    }
    Kpis {
        other: kpis.pop().expect("two"),
        asked: kpis.pop().expect("two"),
    }
}

/// The values of a KPI: (day, value) pairs, oldest first.
async fn values(app: &App, token: &str, kpi: &str) -> Vec<(String, f64)> {
    let (s, list) = call(
        app,
        Method::GET,
        &format!("/api/v1/kpis/{kpi}/measurements"),
        token,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| {
            (
                m["measured_on"].as_str().expect("day").to_string(),
                m["value"].as_f64().expect("value"),
            )
        })
        .collect()
}

fn refused_lines(problem: &Value) -> Vec<u64> {
    problem["errors"]
        .as_array()
        .map(|all| all.iter().filter_map(|e| e["line"].as_u64()).collect())
        .unwrap_or_default()
}

fn detail(problem: &Value) -> &str {
    problem["detail"].as_str().unwrap_or_default()
}

async fn post_csv(app: &App, token: &str, csv: String) -> (StatusCode, Value) {
    let response = app
        .send(
            request(Method::POST, "/api/v1/measurements/csv")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "text/csv")
                .body(csv.into())
                .expect("request"),
        )
        .await;
    let status = response.status();
    (status, body_json(response).await)
}

/// Records KPI values through the API as `token`: the status and the answer.
async fn record(app: &App, token: &str, values: Value) -> (StatusCode, Value) {
    call(
        app,
        Method::POST,
        "/api/v1/measurements",
        token,
        Some(values),
    )
    .await
}

#[tokio::test]
async fn a_line_manager_records_only_the_kpis_they_are_asked_for_through_the_api() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let manager = token_for(&app, AccessRole::Manager).await;
        let kpis = two_kpis(&app, &editor).await;
        let day = days_ago(10);

        // The finding: a value for a KPI nobody asked of the manager.
        let (s, problem) = record(
            &app,
            &manager,
            json!([{"kpi_id": kpis.other, "measured_on": day, "value": 3.0}]),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {problem}");
        assert!(detail(&problem).contains(OTHER), "{b}: {problem}");
        assert_eq!(refused_lines(&problem), vec![1], "{b}: {problem}");
        assert!(values(&app, &editor, &kpis.other).await.is_empty(), "{b}");

        // One refused entry refuses the batch: the good one is not recorded.
        let (s, problem) = record(
            &app,
            &manager,
            json!([
                {"kpi_id": kpis.asked, "measured_on": day, "value": 90.0},
                {"kpi_id": kpis.other, "measured_on": day, "value": 3.0}]),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {problem}");
        assert_eq!(refused_lines(&problem), vec![2], "{b}: {problem}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains(OTHER) && m.contains("ISMS manager")),
            "{b}: the KPI and the role it takes are named: {problem}"
        );
        assert!(values(&app, &editor, &kpis.asked).await.is_empty(), "{b}");
        assert!(values(&app, &editor, &kpis.other).await.is_empty(), "{b}");

        // The KPI they are asked for: recorded, and their own value corrected.
        let (s, summary) = record(
            &app,
            &manager,
            json!([{"kpi_id": kpis.asked, "measured_on": day, "value": 90.0}]),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {summary}");
        assert_eq!(summary["added"], 1, "{b}: {summary}");
        let (s, summary) = record(
            &app,
            &manager,
            json!([{"kpi_id": kpis.asked, "measured_on": day, "value": 91.0}]),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {summary}");
        assert_eq!(summary["corrected"], 1, "{b}: {summary}");

        // The ISMS manager records anything, and corrects the manager's value.
        let theirs = days_ago(40);
        let (s, summary) = record(
            &app,
            &editor,
            json!([
                {"kpi_id": kpis.other, "measured_on": theirs, "value": 4.0},
                {"kpi_id": kpis.asked, "measured_on": theirs, "value": 80.0},
                {"kpi_id": kpis.asked, "measured_on": day, "value": 92.0}]),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {summary}");
        assert_eq!(
            (summary["added"].as_u64(), summary["corrected"].as_u64()),
            (Some(2), Some(1)),
            "{b}: {summary}"
        );

        // The finding's second half: overwriting the ISMS manager's value,
        // even of a KPI the manager is asked for.
        for (kpi, name, why) in [
            (&kpis.asked, ASKED, "someone else"),
            (&kpis.other, OTHER, "not one you are asked for"),
        ] {
            let (s, problem) = record(
                &app,
                &manager,
                json!([{"kpi_id": kpi, "measured_on": theirs, "value": 3.0}]),
            )
            .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {problem}");
            assert!(detail(&problem).contains(name), "{b}: {problem}");
            assert!(detail(&problem).contains(why), "{b}: {problem}");
        }
        assert_eq!(
            values(&app, &editor, &kpis.asked).await,
            vec![(theirs.clone(), 80.0), (day.clone(), 92.0)],
            "{b}: the ISMS manager's values stand"
        );
        assert_eq!(
            values(&app, &editor, &kpis.other).await,
            vec![(theirs.clone(), 4.0)],
            "{b}"
        );
        // The same value again replaces nothing.
        let (s, summary) = record(
            &app,
            &manager,
            json!([{"kpi_id": kpis.asked, "measured_on": theirs, "value": 80.0}]),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {summary}");
        assert_eq!(summary["unchanged"], 1, "{b}: {summary}");
    }
}

#[tokio::test]
async fn a_csv_upload_with_a_refused_line_records_nothing() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let manager = token_for(&app, AccessRole::Manager).await;
        let kpis = two_kpis(&app, &editor).await;
        let (s, _) = record(
            &app,
            &editor,
            json!([{"kpi_id": kpis.asked, "measured_on": days_ago(20), "value": 70.0}]),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");

        let csv = format!(
            "kpi,measured_on,value\n{ASKED},{},90\n{OTHER},{},3\n{ASKED},{},75\n",
            days_ago(5),
            days_ago(5),
            days_ago(20)
        );
        let (s, problem) = post_csv(&app, &manager, csv).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {problem}");
        assert_eq!(refused_lines(&problem), vec![3, 4], "{b}: {problem}");
        assert!(
            detail(&problem).contains(&format!("line 3: KPI {OTHER:?}")),
            "{b}: {problem}"
        );
        assert!(
            detail(&problem).contains(&format!("line 4: KPI {ASKED:?}")),
            "{b}: {problem}"
        );
        assert_eq!(
            values(&app, &editor, &kpis.asked).await,
            vec![(days_ago(20), 70.0)],
            "{b}: the file changed nothing"
        );
        assert!(values(&app, &editor, &kpis.other).await.is_empty(), "{b}");

        // The lines they are asked for, on days nobody else measured: recorded.
        let csv = format!("kpi,measured_on,value\n{ASKED},{},90\n", days_ago(5));
        let (s, summary) = post_csv(&app, &manager, csv).await;
        assert_eq!(s, StatusCode::OK, "{b}: {summary}");
        assert_eq!(summary["added"], 1, "{b}: {summary}");

        // The ISMS manager uploads for any KPI, over anyone's value.
        let csv = format!(
            "kpi,measured_on,value\n{ASKED},{},91\n{OTHER},{},3\n",
            days_ago(5),
            days_ago(5)
        );
        let (s, summary) = post_csv(&app, &editor, csv).await;
        assert_eq!(s, StatusCode::OK, "{b}: {summary}");
        assert_eq!(
            (summary["added"].as_u64(), summary["corrected"].as_u64()),
            (Some(1), Some(1)),
            "{b}: {summary}"
        );
    }
}

#[tokio::test]
async fn the_pages_refuse_a_line_manager_the_kpis_they_are_not_asked_for() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let kpis = two_kpis(&app, &editor).await;
        let (cookie, csrf) = app.session(AccessRole::Manager).await;
        let day = days_ago(3);
        let value = |kpi: &str, v: &str| {
            form_request(
                &format!("/kpis/{kpi}/measurements"),
                Some(&cookie),
                &[("csrf_token", &csrf), ("measured_on", &day), ("value", v)],
            )
        };

        let response = app.send(value(&kpis.other, "3")).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{b}");
        assert!(body_text(response).await.contains(OTHER), "{b}");
        assert!(values(&app, &editor, &kpis.other).await.is_empty(), "{b}");

        let csv = format!("kpi,measured_on,value\n{ASKED},{day},90\n{OTHER},{day},3\n");
        let response = app
            .send(form_request(
                "/measurements/csv",
                Some(&cookie),
                &[("csrf_token", &csrf), ("csv", &csv)],
            ))
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{b}");
        let page = body_text(response).await;
        assert!(page.contains("line 3"), "{b}: {page}");
        assert!(values(&app, &editor, &kpis.asked).await.is_empty(), "{b}");

        let response = app.send(value(&kpis.asked, "90")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{b}");
        assert_eq!(
            values(&app, &editor, &kpis.asked).await,
            vec![(day.clone(), 90.0)],
            "{b}"
        );

        // The ISMS manager's value is not the line manager's to replace.
        let (s, _) = record(
            &app,
            &editor,
            json!([{"kpi_id": kpis.asked, "measured_on": days_ago(4), "value": 60.0}]),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let response = app
            .send(form_request(
                &format!("/kpis/{}/measurements", kpis.asked),
                Some(&cookie),
                &[
                    ("csrf_token", &csrf),
                    ("measured_on", &days_ago(4)),
                    ("value", "99"),
                ],
            ))
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{b}");
        assert!(body_text(response).await.contains("someone else"), "{b}");

        // The ISMS manager records through the pages for any KPI.
        let (cookie, csrf) = app.session(AccessRole::IsmsManager).await;
        let response = app
            .send(form_request(
                &format!("/kpis/{}/measurements", kpis.other),
                Some(&cookie),
                &[("csrf_token", &csrf), ("measured_on", &day), ("value", "3")],
            ))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{b}");
        assert_eq!(
            values(&app, &editor, &kpis.other).await,
            vec![(day.clone(), 3.0)],
            "{b}"
        );
    }
}
