//! Findings 7, 8 and 12: what staff, line managers and the auditor may read
//! and answer, as CLAUSE5.md has it.

use crate::support::*;
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use mandate_core::AccessRole;
use mandate_testkit::TestDb;
use serde_json::{Value, json};

/// A role of the starter set assigned by top management to the staff
/// login, who declines it with a reason; the assignment.
async fn declined_assignment(app: &App) -> Value {
    let role = app
        .store
        .roles(app.org)
        .await
        .expect("roles")
        .into_iter()
        .find(|r| r.fields.name == "All personnel")
        .expect("the starter roles")
        .id;
    let staff = app.user(AccessRole::Staff).person_id;
    let today = mandate_core::timefmt::now().date();
    let boss = app.user(AccessRole::TopManagement).id;
    fixtures::assign(
        &app.store,
        app.org,
        boss,
        fixtures::terms(role, staff, today),
    )
    .await;
    let holder = token_for(app, AccessRole::Staff).await;
    let (_, mine) = call(app, Method::GET, "/api/v1/assignments", &holder, None).await;
    let a = mine["items"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|a| a["role_id"] == role.to_string().as_str())
        })
        .cloned()
        .expect("the holder's assignment");
    let (s, declined) = call(
        app,
        Method::POST,
        &format!(
            "/api/v1/assignments/{}/decline",
            a["id"].as_str().expect("id")
        ),
        &holder,
        Some(json!({"text_sha256": a["role_text_sha256"], "reason": "private: my health"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{declined}");
    declined
}

#[tokio::test]
async fn staff_read_their_own_assignments_and_only_assigners_read_decline_reasons() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        set_up(&app).await;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let declined = declined_assignment(&app).await;
        let id = declined["id"].clone();

        let staff = token_for(&app, AccessRole::Staff).await;
        let (s, seen) = call(&app, Method::GET, "/api/v1/assignments", &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let staff_person = app.user(AccessRole::Staff).person_id.to_string();
        assert!(
            seen["items"]
                .as_array()
                .expect("a list")
                .iter()
                .all(|a| a["person_id"] == staff_person.as_str()),
            "{b}: staff see only their own: {seen}"
        );

        let reason_seen_by = |token: String| {
            let (app, id) = (&app, id.clone());
            async move {
                let (_, all) = call(app, Method::GET, "/api/v1/assignments", &token, None).await;
                let a = all["items"]
                    .as_array()
                    .expect("a list")
                    .iter()
                    .find(|a| a["id"] == id)
                    .cloned()
                    .expect("the assignment is listed");
                let (_, gaps) = call(app, Method::GET, "/api/v1/role-gaps", &token, None).await;
                let in_gaps = gaps.to_string().contains("my health");
                (a["decline_reason"] == "private: my health", in_gaps)
            }
        };
        let manager = token_for(&app, AccessRole::Manager).await;
        assert_eq!(
            reason_seen_by(manager).await,
            (false, false),
            "{b}: manager"
        );
        assert_eq!(
            reason_seen_by(editor.clone()).await,
            (true, true),
            "{b}: ISMS manager"
        );
        let admin = token_for(&app, AccessRole::Admin).await;
        assert_eq!(reason_seen_by(admin).await, (true, true), "{b}: admin");
        let auditor = token_for(&app, AccessRole::Auditor).await;
        assert_eq!(reason_seen_by(auditor).await, (true, true), "{b}: auditor");
    }
}

#[tokio::test]
async fn the_auditor_cannot_answer_a_role_assignment() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        set_up(&app).await;
        let declined = declined_assignment(&app).await;
        let auditor = token_for(&app, AccessRole::Auditor).await;
        for verb in ["acknowledge", "decline"] {
            let (s, p) = call(
                &app,
                Method::POST,
                &format!(
                    "/api/v1/assignments/{}/{verb}",
                    declined["id"].as_str().expect("id")
                ),
                &auditor,
                Some(json!({"text_sha256": declined["role_text_sha256"], "reason": "x"})),
            )
            .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {verb}: {p}");
        }
    }
}

#[tokio::test]
async fn staff_cannot_read_versions_of_a_policy_not_addressed_to_them() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        set_up(&app).await;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let boss = token_for(&app, AccessRole::TopManagement).await;
        let (addressed, top) = published(
            &app,
            &editor,
            &boss,
            "Information security policy",
            "top_level",
            json!({"everyone": true}),
        )
        .await;
        let (elsewhere, _) = published_topic(
            &app,
            &editor,
            &boss,
            "Treasury policy",
            top["policy"]["id"].as_str().expect("id"),
            json!({"departments": ["Nowhere at all"]}),
        )
        .await;
        let staff = token_for(&app, AccessRole::Staff).await;
        let (cookie, _) = app.session(AccessRole::Staff).await;
        for (v1, expected) in [
            (&elsewhere, StatusCode::NOT_FOUND),
            (&addressed, StatusCode::OK),
        ] {
            let (s, _) = call(&app, Method::GET, v1, &staff, None).await;
            assert_eq!(s, expected, "{b}: {v1}");
            let list = v1.trim_end_matches("/1");
            let (s, _) = call(&app, Method::GET, list, &staff, None).await;
            assert_eq!(s, expected, "{b}: {list}");
            let page = v1.trim_start_matches("/api/v1");
            let r = app
                .send(
                    request(Method::GET, page)
                        .header(header::COOKIE, &cookie)
                        .body(Body::empty())
                        .expect("req"),
                )
                .await;
            assert_eq!(r.status(), expected, "{b}: {page}");
        }
        // Those who read work in progress still read every version.
        let (s, _) = call(&app, Method::GET, &elsewhere, &editor, None).await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
}

/// Every person of the organisation, as the admin reads them.
async fn everyone(app: &App, admin: &str) -> Vec<Value> {
    let (s, page) = call(app, Method::GET, "/api/v1/people?limit=500", admin, None).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

/// The ids of the people who report to `manager`, directly or not, and the
/// manager: worked out here from the whole register.
fn area_of(people: &[Value], manager: &str) -> std::collections::BTreeSet<String> {
    let mut area = std::collections::BTreeSet::from([manager.to_string()]);
    loop {
        let before = area.len();
        for p in people {
            if let (Some(id), Some(m)) = (p["id"].as_str(), p["manager_id"].as_str())
                && area.contains(m)
            {
                area.insert(id.to_string());
            }
        }
        if area.len() == before {
            return area;
        }
    }
}

#[tokio::test]
async fn a_line_manager_reads_their_area_and_neither_budgets_nor_others_exceptions() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        set_up(&app).await;
        let admin = token_for(&app, AccessRole::Admin).await;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let boss = token_for(&app, AccessRole::TopManagement).await;
        let manager = token_for(&app, AccessRole::Manager).await;
        let me = app.user(AccessRole::Manager).person_id.to_string();
        // A direct report, and someone who reports to them.
        let add = |name: &'static str, reports_to: String| {
            let (app, admin) = (&app, admin.clone());
            async move {
                let (s, p) = call(app, Method::POST, "/api/v1/people", &admin,
                    Some(json!({"name": name, "email": format!("{}@acme.example", name.to_lowercase()),
                        "manager_id": reports_to}))).await;
                assert_eq!(s, StatusCode::CREATED, "{p}");
                p["id"].as_str().expect("id").to_string()
            }
        };
        let direct = add("Direct", me.clone()).await;
        let indirect = add("Indirect", direct.clone()).await;

        let all = everyone(&app, &admin).await;
        let area = area_of(&all, &me);
        assert!(area.contains(&indirect) && area.len() < all.len(), "{b}");
        let seen: std::collections::BTreeSet<String> = everyone(&app, &manager)
            .await
            .iter()
            .filter_map(|p| p["id"].as_str().map(str::to_string))
            .collect();
        assert_eq!(seen, area, "{b}: the people list is the manager's area");
        let outsider = all
            .iter()
            .filter_map(|p| p["id"].as_str())
            .find(|id| !area.contains(*id))
            .expect("someone outside the area")
            .to_string();
        let (s, _) = call(
            &app,
            Method::GET,
            &format!("/api/v1/people/{outsider}"),
            &manager,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: another team's person");
        let (s, _) = call(
            &app,
            Method::GET,
            &format!("/api/v1/people/{indirect}"),
            &manager,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: an indirect report");
        let (cookie, csrf) = app.session(AccessRole::Manager).await;
        let page = |path: String| {
            let (app, cookie) = (&app, cookie.clone());
            async move {
                let r = app
                    .send(
                        request(Method::GET, &path)
                            .header(header::COOKIE, cookie)
                            .body(Body::empty())
                            .expect("req"),
                    )
                    .await;
                (r.status(), body_text(r).await)
            }
        };
        assert_eq!(
            page(format!("/people/{outsider}")).await.0,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let (_, list) = page("/people".into()).await;
        assert!(
            list.contains("Indirect") && !list.contains(&outsider),
            "{b}"
        );

        // The campaign: figures and people of the area only.
        let (v1, _) = published(
            &app,
            &editor,
            &boss,
            "Information security policy",
            "top_level",
            json!({"everyone": true}),
        )
        .await;
        let (_, campaigns) = call(&app, Method::GET, "/api/v1/campaigns", &editor, None).await;
        let version = campaigns["items"][0]["version_id"]
            .as_str()
            .expect("version id")
            .to_string();
        let campaign = format!("/api/v1/campaigns/{version}");
        let (_, people) = call(
            &app,
            Method::GET,
            &format!("{campaign}/people?limit=500"),
            &manager,
            None,
        )
        .await;
        let lines = people["items"].as_array().cloned().unwrap_or_default();
        assert!(!lines.is_empty(), "{b}: {people}");
        assert!(
            lines
                .iter()
                .all(|l| area.contains(l["person_id"].as_str().unwrap_or_default())),
            "{b}: only the area's people: {people}"
        );
        let (_, mine) = call(&app, Method::GET, &campaign, &manager, None).await;
        let (_, whole) = call(&app, Method::GET, &campaign, &admin, None).await;
        assert_eq!(
            mine["addressed"].as_u64(),
            Some(lines.len() as u64),
            "{b}: {mine}"
        );
        assert!(
            whole["addressed"].as_u64() > mine["addressed"].as_u64(),
            "{b}"
        );
        let (_, listed) = call(&app, Method::GET, "/api/v1/campaigns", &manager, None).await;
        assert_eq!(
            listed["items"][0]["addressed"], mine["addressed"],
            "{b}: {listed}"
        );
        let (_, csv) = page(format!("{campaign}/people.csv")).await;
        assert!(!csv.contains(&outsider), "{b}");

        // Training coverage counts the area's people.
        let (_, coverage) = call(
            &app,
            Method::GET,
            "/api/v1/training-coverage",
            &manager,
            None,
        )
        .await;
        assert!(
            coverage["personnel"].as_u64().unwrap_or(u64::MAX) <= area.len() as u64,
            "{b}: {coverage}"
        );

        // Budgets are not theirs; of the exceptions, the ones they asked for.
        let (s, _) = call(&app, Method::GET, "/api/v1/resource-plans", &manager, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        let policy = v1
            .trim_start_matches("/api/v1/policies/")
            .trim_end_matches("/versions/1");
        let ask = |token: String| {
            let (app, path) = (&app, format!("/api/v1/policies/{policy}/exceptions"));
            async move {
                let expires =
                    (mandate_core::timefmt::now().date() + time::Duration::days(30)).to_string();
                let (s, e) = call(
                    app,
                    Method::POST,
                    &path,
                    &token,
                    Some(json!({
                    "clause": "4.2 MFA everywhere", "justification": "Legacy plant system",
                    "risk": "Account takeover", "compensating_controls": "Network isolation",
                    "expires_on": expires})),
                )
                .await;
                assert_eq!(s, StatusCode::CREATED, "{e}");
                e["id"].as_str().expect("id").to_string()
            }
        };
        let own = ask(manager.clone()).await;
        let theirs = ask(editor.clone()).await;
        let (_, listed) = call(&app, Method::GET, "/api/v1/exceptions", &manager, None).await;
        let ids: Vec<&str> = listed["items"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|e| e["id"].as_str())
            .collect();
        assert_eq!(ids, vec![own.as_str()], "{b}");
        let (s, _) = call(
            &app,
            Method::GET,
            &format!("/api/v1/exceptions/{theirs}"),
            &manager,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(
            page(format!("/exceptions/{theirs}")).await.0,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let (s, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/exceptions/{theirs}/close"),
            &manager,
            None,
        )
        .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "{b}: finding 2, API: not theirs to read, so not found"
        );
        let r = app
            .send(form_request(
                &format!("/exceptions/{theirs}/change"),
                Some(&cookie),
                &[("csrf_token", csrf.as_str()), ("step", "close")],
            ))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{b}: finding 2, page");
        // Nor against a policy not published to them.
        let (_, hidden) = published_topic(
            &app,
            &editor,
            &boss,
            "Secret IT policy",
            policy,
            json!({"departments": ["Nowhere at all"]}),
        )
        .await;
        let hidden = hidden["policy"]["id"].as_str().expect("id").to_string();
        let expires = (mandate_core::timefmt::now().date() + time::Duration::days(30)).to_string();
        let (s, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/policies/{hidden}/exceptions"),
            &manager,
            Some(json!({"clause": "1", "justification": "x", "risk": "x",
                "compensating_controls": "x", "expires_on": expires})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "{b}: an exception to a policy they cannot read"
        );
        let (_, listed) = call(&app, Method::GET, "/api/v1/campaigns", &manager, None).await;
        assert!(
            !listed.to_string().contains("Secret IT policy"),
            "{b}: {listed}"
        );

        // Actions: those their area owns; management reviews are not theirs.
        let due = (mandate_core::timefmt::now().date() + time::Duration::days(30)).to_string();
        for (title, owner) in [
            ("Area action", indirect.as_str()),
            ("Other action", outsider.as_str()),
        ] {
            let (s, a) = call(
                &app,
                Method::POST,
                "/api/v1/actions",
                &editor,
                Some(json!({"title": title, "owner_id": owner, "due_on": due})),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{b}: {a}");
        }
        let (_, actions) = call(&app, Method::GET, "/api/v1/actions", &manager, None).await;
        let actions = actions.to_string();
        assert!(
            actions.contains("Area action") && !actions.contains("Other action"),
            "{b}: {actions}"
        );
        let (s, _) = call(&app, Method::GET, "/api/v1/reviews", &manager, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");

        let (_, still) = call(
            &app,
            Method::GET,
            &format!("/api/v1/exceptions/{theirs}"),
            &editor,
            None,
        )
        .await;
        assert_ne!(still["state"], "closed", "{b}: {still}");
    }
}
