//! The conformance check through the API and the pages, on every backend:
//! who may read it, the as-of day (a role entered today did not exist
//! yesterday), bad days refused, the dashboard's glance and the audit
//! period chosen in the auditor view.

use axum::http::{Method, StatusCode, header};
use mandate_core::AccessRole;
use mandate_core::audit::Actor;
use mandate_core::timefmt::now;
use mandate_testkit::TestDb;
use serde_json::Value;
use time::Duration;

use crate::support::*;

fn rule<'a>(evaluation: &'a Value, id: &str) -> &'a Value {
    evaluation["rules"]
        .as_array()
        .and_then(|rules| rules.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("rule {id} in {evaluation}"))
}

#[tokio::test]
async fn the_check_answers_as_of_a_day_to_those_who_lead_and_audit() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let auditor = token_for(&app, AccessRole::Auditor).await;
        let (s, before) = call(&app, Method::GET, "/api/v1/conformance", &auditor, None).await;
        assert_eq!(s, StatusCode::OK, "{b}: {before}");
        assert_eq!(before["rules"].as_array().map(Vec::len), Some(23), "{b}");
        assert_eq!(before["organisation"], "acme Ltd");
        assert_eq!(before["as_of"], now().date().to_string());
        let summary = &before["summary"];
        let total: u64 = ["met", "partial", "not_met", "not_applicable"]
            .iter()
            .map(|k| summary[*k].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(total, 23, "{b}");
        assert_eq!(rule(&before, "5.3.1")["status"], "not_met", "{b}");
        assert_eq!(
            rule(&before, "5.3.1")["explanation"],
            "There is no ISMS role."
        );
        assert_eq!(rule(&before, "5.2.a")["status"], "not_met", "{b}");
        assert!(
            !rule(&before, "5.2.a")["next_step"]
                .as_str()
                .unwrap_or("")
                .is_empty(),
            "a rule not met says what to do next"
        );

        app.store
            .install_starter_roles(&Actor::system("test"), app.org)
            .await
            .expect("roles");
        let (_, after) = call(&app, Method::GET, "/api/v1/conformance", &auditor, None).await;
        let written = rule(&after, "5.3.1");
        assert_ne!(written["status"], "not_met", "{b}: {written}");
        assert!(
            written["explanation"]
                .as_str()
                .is_some_and(|e| e.starts_with("13 roles in the catalogue")),
            "{b}: {written}"
        );
        assert!(
            written["evidence"][0]["link"] == "/roles",
            "evidence links to the catalogue: {written}"
        );

        let yesterday = (now().date() - Duration::days(1)).to_string();
        let (s, then) = call(
            &app,
            Method::GET,
            &format!("/api/v1/conformance?as_of={yesterday}"),
            &auditor,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {then}");
        assert_eq!(then["as_of"], yesterday.as_str());
        assert_eq!(
            rule(&then, "5.3.1")["status"],
            "not_met",
            "{b}: roles entered today did not exist yesterday"
        );

        let tomorrow = (now().date() + Duration::days(1)).to_string();
        for bad in [tomorrow.as_str(), "2025-02-30", "soon"] {
            let (s, problem) = call(
                &app,
                Method::GET,
                &format!("/api/v1/conformance?as_of={bad}"),
                &auditor,
                None,
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b} {bad}: {problem}");
            assert!(
                problem["detail"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("as_of: ")),
                "{problem}"
            );
        }

        for role in [AccessRole::Staff, AccessRole::Manager] {
            let token = token_for(&app, role).await;
            let (s, _) = call(&app, Method::GET, "/api/v1/conformance", &token, None).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {role}");
        }
        for role in [
            AccessRole::Admin,
            AccessRole::IsmsManager,
            AccessRole::TopManagement,
        ] {
            let token = token_for(&app, role).await;
            let (s, _) = call(&app, Method::GET, "/api/v1/conformance", &token, None).await;
            assert_eq!(s, StatusCode::OK, "{b}: {role}");
        }
    }
}

async fn page(app: &App, uri: &str, cookie: &str) -> (StatusCode, String) {
    let r = app
        .send(
            request(Method::GET, uri)
                .header(header::COOKIE, cookie)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    (r.status(), body_text(r).await)
}

#[tokio::test]
async fn the_pages_show_each_rule_and_the_dashboard_glances_at_them() {
    let app = App::new(TestDb::sqlite()).await;
    let (auditor, _) = app.session(AccessRole::Auditor).await;
    let (s, html) = page(&app, "/conformance", &auditor).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(r#"id="r-5-1-a""#), "one section per rule");
    assert!(html.contains(r#"id="r-9-3""#));
    assert!(html.contains("There is no ISMS role."));
    assert!(html.contains("Next step:"));
    assert!(html.contains("/evidence-pack?format=pdf"));

    let (_, dashboard) = page(&app, "/", &auditor).await;
    assert!(dashboard.contains("Clause 5 at a glance"));
    assert!(dashboard.contains(r#"href="/conformance#r-5-3-1""#));
    let (manager, _) = app.session(AccessRole::Manager).await;
    let (_, theirs) = page(&app, "/", &manager).await;
    assert!(
        !theirs.contains("Clause 5 at a glance"),
        "a line manager sees their area, not the organisation's standing"
    );

    let (_, asked) = page(&app, "/conformance?as_of=2001-03-31", &auditor).await;
    assert!(
        asked.contains(r#"value="2001-03-31""#),
        "evaluated as of the day asked"
    );
    assert!(
        asked.contains("as_of=2001-03-31\">HTML"),
        "the pack is asked for the same day"
    );
    let (s, refused) = page(&app, "/conformance?as_of=tomorrow", &auditor).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        refused.contains(r#"class="error""#),
        "a bad day is said, not a 500"
    );
}

#[tokio::test]
async fn the_evidence_pack_downloads_for_those_who_may_read_the_check() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let (auditor, _) = app.session(AccessRole::Auditor).await;
        let r = app
            .send(
                request(Method::GET, "/evidence-pack?format=json")
                    .header(header::COOKIE, &auditor)
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{b}");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
        let disposition = r.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("ascii")
            .to_string();
        assert!(
            disposition.starts_with("attachment; filename=\"evidence-pack-acme-"),
            "{disposition}"
        );
        let pack: Value = serde_json::from_str(&body_text(r).await).expect("JSON");
        assert_eq!(pack["organisation"]["name"], "acme Ltd");
        assert_eq!(
            pack["evaluation"]["rules"].as_array().map(Vec::len),
            Some(23)
        );
        assert!(
            pack["audit"]["head"]["hash"].is_string(),
            "{b}: the chain's signed head is in the pack"
        );

        let (s, html) = page(&app, "/evidence-pack?format=html", &auditor).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.starts_with("<!doctype html>") && html.contains("acme Ltd"));
        let (s, _) = page(&app, "/evidence-pack?format=pdf", &auditor).await;
        assert_eq!(
            s,
            StatusCode::NOT_IMPLEMENTED,
            "{b}: without the typesetter the PDF is refused plainly"
        );
        let (s, _) = page(&app, "/evidence-pack?format=xml", &auditor).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = page(
            &app,
            "/evidence-pack?format=json&as_of=2999-01-01",
            &auditor,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (staff, _) = app.session(AccessRole::Staff).await;
        let (s, _) = page(&app, "/evidence-pack?format=json", &staff).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    }
}

/// The cookie a response sets, as `name=value`.
fn set_cookie(r: &axum::response::Response) -> String {
    r.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("a pair")
        .to_string()
}

#[tokio::test]
async fn an_auditor_chooses_a_period_and_the_pages_answer_as_of_its_end() {
    use mandate_core::policy::{ApprovalRule, Audience, PolicyFields, PolicyKind};
    let app = App::new(TestDb::sqlite()).await;
    let admin = app.user(AccessRole::Admin);
    app.store
        .create_policy(
            &Actor::user(admin.id),
            app.org,
            PolicyFields {
                title: "Clean desk policy".into(),
                kind: PolicyKind::TopLevel,
                parent_id: None,
                owner_role: "ISMS manager".into(),
                review_interval_months: 12,
                audience: Audience::everyone(),
                public: false,
                approval_rule: ApprovalRule::default(),
            },
            Some((admin.id, "# Clean desks".into(), "First".into())),
        )
        .await
        .expect("policy");
    let (auditor, csrf) = app.session(AccessRole::Auditor).await;
    let (_, today) = page(&app, "/policies", &auditor).await;
    assert!(today.contains("Clean desk policy"));
    assert!(
        !today.contains("Audit period"),
        "no banner without a period"
    );

    let r = app
        .send(form_request(
            "/auditor/period",
            Some(&auditor),
            &[
                ("csrf_token", &csrf),
                ("starts_on", "2001-01-01"),
                ("ends_on", "2001-12-31"),
            ],
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let period = set_cookie(&r);
    assert_eq!(period, "mandate_period=2001-01-01..2001-12-31");
    let both = format!("{auditor}; {period}");

    let (_, then) = page(&app, "/policies", &both).await;
    assert!(
        then.contains("Audit period 2001-01-01 to 2001-12-31"),
        "{then}"
    );
    assert!(
        !then.contains("Clean desk policy"),
        "a policy written later did not exist at the period's end"
    );
    let (_, check) = page(&app, "/conformance", &both).await;
    assert!(
        check.contains(r#"value="2001-12-31""#),
        "evaluated as of the end"
    );
    let (_, log) = page(&app, "/audit", &both).await;
    assert!(log.contains(r#"value="2001-01-01""#) && log.contains("No events match."));
    let (_, live) = page(&app, "/campaigns", &both).await;
    assert!(live.contains("this page shows today's records"));
    let (_, auditor_page) = page(&app, "/auditor", &both).await;
    assert!(auditor_page.contains("Back to today"));
    assert!(
        auditor_page.contains("as_of=2001-12-31"),
        "the pack is offered as of the end"
    );

    let backwards = app
        .send(form_request(
            "/auditor/period",
            Some(&both),
            &[
                ("csrf_token", &csrf),
                ("starts_on", "2001-12-31"),
                ("ends_on", "2001-01-01"),
            ],
        ))
        .await;
    assert_eq!(backwards.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(backwards).await.contains("after it ends"));

    let cleared = app
        .send(form_request(
            "/auditor/period",
            Some(&both),
            &[("csrf_token", &csrf), ("action", "clear")],
        ))
        .await;
    assert!(
        cleared.headers()[header::SET_COOKIE]
            .to_str()
            .is_ok_and(|c| c.contains("Max-Age=0")),
        "the period is forgotten"
    );

    let (manager, manager_csrf) = app.session(AccessRole::IsmsManager).await;
    let refused = app
        .send(form_request(
            "/auditor/period",
            Some(&manager),
            &[
                ("csrf_token", &manager_csrf),
                ("starts_on", "2001-01-01"),
                ("ends_on", "2001-12-31"),
            ],
        ))
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "those who change records work on today's"
    );
    let (_, theirs) = page(&app, "/policies", &format!("{manager}; {period}")).await;
    assert!(
        theirs.contains("Clean desk policy") && !theirs.contains("Audit period"),
        "a period cookie means nothing to a login that edits"
    );
}
