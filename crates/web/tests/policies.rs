//! Policies through the JSON API on every backend: the 5.2 element check on
//! submission, approval by authority, the author never approving, named
//! approvers, publication and the public page, what staff see, exceptions
//! and their approver, and the audit trail of every decision.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use mandate_core::AccessRole;
use mandate_core::audit::Actor;
use mandate_core::timefmt::now;
use mandate_testkit::TestDb;
use serde_json::json;

use crate::support::*;

const TOP_LEVEL_TEXT: &str = "# Information security policy\n\n\
## Purpose and scope {.clause-5-2-a}\n\nFits what we do.\n\n\
## Objectives {.clause-5-2-b}\n\nWe set objectives yearly.\n\n\
## Requirements {.clause-5-2-c}\n\nWe meet legal and contractual requirements.\n\n\
## Improvement {.clause-5-2-d}\n\nWe improve continually.\n";

/// A second login with the top-management access role.
async fn second_top_manager(app: &App) -> String {
    let person = &app.people[20];
    let user = app
        .store
        .create_user(
            &Actor::system("test"),
            app.org,
            &mandate_core::NewUser {
                person_id: person.id,
                access_role: AccessRole::TopManagement,
                password_hash: None,
            },
        )
        .await
        .expect("user");
    let secret = format!("mdt_second_{}", uuid::Uuid::now_v7().simple());
    app.store
        .create_token(
            &Actor::system("test"),
            app.org,
            user.id,
            "second",
            &mandate_core::token::secret_hash(&secret),
        )
        .await
        .expect("token");
    secret
}

/// Gives `person` the starter catalogue's Top management role from today.
async fn grant_top_management(app: &App, person: mandate_core::PersonId) {
    let system = Actor::system("test");
    app.store
        .install_starter_roles(&system, app.org)
        .await
        .expect("catalogue");
    let roles = app.store.roles(app.org).await.expect("roles");
    let top = roles
        .iter()
        .find(|r| r.fields.top_management)
        .expect("a top-management role");
    // The first assignment of an organisation is made by a role editor; after
    // that, by someone holding the authority: the boss, once they hold it.
    let boss = app.user(AccessRole::TopManagement);
    let assigner = if person == boss.person_id {
        app.user(AccessRole::Admin).id
    } else {
        boss.id
    };
    let held = fixtures::terms(top.id, person, now().date());
    fixtures::assign(&app.store, app.org, assigner, held).await;
}

#[tokio::test]
async fn policies_are_approved_by_authority_never_by_their_author() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let boss = token_for(&app, AccessRole::TopManagement).await;
        let admin = token_for(&app, AccessRole::Admin).await;
        let staff = token_for(&app, AccessRole::Staff).await;
        let manager = token_for(&app, AccessRole::Manager).await;
        let second = second_top_manager(&app).await;
        // Authority comes from an ISMS role held now: the boss holds Top management.
        let boss_person = app.user(AccessRole::TopManagement).person_id;
        grant_top_management(&app, boss_person).await;

        // A top-level policy whose first draft lacks the 5.2 elements.
        let (s, created) = call(
            &app,
            Method::POST,
            "/api/v1/policies",
            &editor,
            Some(json!({
                "title": "Information security policy", "kind": "top_level", "owner_role": "CISO",
                "audience": {"everyone": true, "interested_parties": true}, "public": true,
                "body": "# Policy\n\nWe care about <script>alert(1)</script> security.",
                "change_summary": "First"
            })),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {created}");
        let top = created["policy"]["id"].as_str().expect("id").to_string();
        assert_eq!(created["draft"]["state"], "draft");
        assert!(
            !created["draft"]["html"]
                .as_str()
                .expect("html")
                .contains("<script"),
            "{b}"
        );
        assert_eq!(
            created["draft"]["elements"]
                .as_array()
                .expect("elements")
                .len(),
            4
        );
        let (s, p) = call(&app, Method::POST, "/api/v1/policies", &editor, Some(json!({
            "title": "Second top", "kind": "top_level", "owner_role": "CEO", "audience": {"everyone": true}
        }))).await;
        assert_eq!(
            s,
            StatusCode::CONFLICT,
            "{b}: only one top-level policy: {p}"
        );

        let v1 = format!("/api/v1/policies/{top}/versions/1");
        let (s, p) = call(&app, Method::POST, &format!("{v1}/submit"), &editor, None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            p["detail"].as_str().expect("detail").contains("5.2 a"),
            "{p}"
        );
        let (s, draft) = call(&app, Method::GET, &v1, &editor, None).await;
        assert_eq!(
            (s, draft["state"].as_str()),
            (StatusCode::OK, Some("draft")),
            "{b}: nothing changed"
        );
        let (s, _) = call(
            &app,
            Method::PUT,
            &v1,
            &editor,
            Some(json!({
                "body": TOP_LEVEL_TEXT, "change_summary": "First", "version": draft["version"]
            })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, v) = call(&app, Method::POST, &format!("{v1}/submit"), &editor, None).await;
        assert_eq!(
            (s, v["state"].as_str()),
            (StatusCode::OK, Some("in_review")),
            "{b}: {v}"
        );
        let (s, _) = call(
            &app,
            Method::PUT,
            &v1,
            &editor,
            Some(json!({
                "body": "changed", "change_summary": "x", "version": v["version"]
            })),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: only a draft is edited");

        // A stale decision from the page is "Changed meanwhile" (409), as on the API.
        let (cookie, csrf) = app.session(AccessRole::TopManagement).await;
        let page = app
            .send(form_request(
                &format!("/policies/{top}/versions/1/decide"),
                Some(&cookie),
                &[
                    ("csrf_token", &csrf),
                    ("verdict", "approve"),
                    ("comment", ""),
                    ("version", "999"),
                ],
            ))
            .await;
        assert_eq!(page.status(), StatusCode::CONFLICT, "{b}");
        assert!(body_text(page).await.contains("Changed meanwhile"), "{b}");

        // Only an access role that may approve, holding the authority, decides.
        for (who, token) in [
            ("isms_manager", &editor),
            ("admin", &admin),
            ("staff", &staff),
        ] {
            let (s, _) = call(
                &app,
                Method::POST,
                &format!("{v1}/decisions"),
                token,
                Some(json!({"verdict": "approve"})),
            )
            .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {who} may not approve");
        }
        let (s, d) = call(
            &app,
            Method::POST,
            &format!("{v1}/decisions"),
            &boss,
            Some(json!({"verdict": "approve", "comment": "Fine"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {d}");
        assert_eq!(
            (d["approval"].as_str(), d["version"]["state"].as_str()),
            (Some("approved"), Some("approved"))
        );

        // Staff see nothing until it is published; then they read it.
        let (_, list) = call(&app, Method::GET, "/api/v1/policies", &staff, None).await;
        assert_eq!(list["items"].as_array().expect("items").len(), 0, "{b}");
        let (s, _) = call(&app, Method::GET, &v1, &staff, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
        let org_slug = "acme";
        let public_url = format!("/public/{org_slug}/policies/{top}");
        let r = app
            .send(
                request(Method::GET, &public_url)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "{b}: nothing public before publication"
        );
        let (s, _) = call(&app, Method::POST, &format!("{v1}/publish"), &editor, None).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (_, list) = call(&app, Method::GET, "/api/v1/policies", &staff, None).await;
        assert_eq!(list["items"][0]["published_version"], 1, "{b}");
        assert_eq!(list["items"][0]["review"]["status"], "current", "{b}");
        let r = app
            .send(
                request(Method::GET, &public_url)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{b}");
        let html = body_text(r).await;
        assert!(
            html.contains("We improve continually") && !html.contains("sign-out"),
            "{b}"
        );

        // A topic policy written by a top manager: they never approve it,
        // another top manager does.
        let (s, created) = call(&app, Method::POST, "/api/v1/policies", &boss, Some(json!({
            "title": "Access control", "kind": "topic", "parent_id": top, "owner_role": "IT manager",
            "audience": {"departments": ["IT"]}, "body": "# Access control\n\nLeast privilege.",
        }))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {created}");
        let topic = created["policy"]["id"].as_str().expect("id").to_string();
        let t1 = format!("/api/v1/policies/{topic}/versions/1");
        call(&app, Method::POST, &format!("{t1}/submit"), &boss, None).await;
        let (s, p) = call(
            &app,
            Method::POST,
            &format!("{t1}/decisions"),
            &boss,
            Some(json!({"verdict": "approve"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: the author never approves");
        assert!(
            p["detail"].as_str().expect("detail").contains("author"),
            "{p}"
        );
        // A top manager with no ISMS role giving the authority cannot decide.
        let (s, p) = call(
            &app,
            Method::POST,
            &format!("{t1}/decisions"),
            &second,
            Some(json!({"verdict": "reject", "comment": "no"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {p}");
        assert!(
            p["detail"].as_str().expect("detail").contains("ISMS role"),
            "{p}"
        );
        grant_top_management(&app, app.people[20].id).await;
        let (s, p) = call(
            &app,
            Method::POST,
            &format!("{t1}/decisions"),
            &second,
            Some(json!({"verdict": "reject"})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: a rejection says why: {p}"
        );
        let (s, d) = call(
            &app,
            Method::POST,
            &format!("{t1}/decisions"),
            &second,
            Some(json!({"verdict": "reject", "comment": "Name the systems"})),
        )
        .await;
        assert_eq!(
            (s, d["version"]["state"].as_str()),
            (StatusCode::OK, Some("draft")),
            "{b}"
        );

        // Named approvers: every one of them, in the new round.
        let (_, policy) = call(
            &app,
            Method::GET,
            &format!("/api/v1/policies/{topic}"),
            &editor,
            None,
        )
        .await;
        let boss_id = app
            .users
            .iter()
            .find(|u| u.access_role == AccessRole::TopManagement)
            .expect("boss")
            .id;
        let second_user = app
            .store
            .users(app.org)
            .await
            .expect("users")
            .into_iter()
            .find(|u| u.person_id == app.people[20].id)
            .expect("second");
        let (s, p) = call(&app, Method::PUT, &format!("/api/v1/policies/{topic}"), &editor, Some(json!({
            "title": "Access control", "kind": "topic", "parent_id": top, "owner_role": "IT manager",
            "audience": {"departments": ["IT"]}, "version": policy["version"],
            "approval_rule": {"kind": "all_of", "approvers": [boss_id.to_string(), second_user.id.to_string()]}
        }))).await;
        assert_eq!(s, StatusCode::OK, "{b}: {p}");
        // The draft is now re-submitted by the editor, so the boss may approve.
        let (_, v) = call(&app, Method::GET, &t1, &editor, None).await;
        assert_eq!(v["author_id"], boss_id.to_string());
        call(&app, Method::POST, &format!("{t1}/submit"), &editor, None).await;
        let (s, _) = call(
            &app,
            Method::POST,
            &format!("{t1}/decisions"),
            &boss,
            Some(json!({"verdict": "approve"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: still the author");
        // The author is left out of the named approvers (they could never
        // approve), so the other named approver completes the approval.
        let (s, d) = call(
            &app,
            Method::POST,
            &format!("{t1}/decisions"),
            &second,
            Some(json!({"verdict": "approve"})),
        )
        .await;
        assert_eq!(
            (s, d["approval"].as_str()),
            (StatusCode::OK, Some("approved")),
            "{b}: {d}"
        );
        let (_, decisions) =
            call(&app, Method::GET, &format!("{t1}/decisions"), &editor, None).await;
        assert_eq!(
            decisions["items"].as_array().expect("list").len(),
            2,
            "{b}: rejection and approval"
        );

        // Exceptions: bounded expiry, decided by someone else with the authority.
        let today = now().date();
        let ex = |days: i64| {
            json!({
                "clause": "4.2 MFA everywhere", "justification": "Legacy plant system",
                "risk": "Account takeover", "compensating_controls": "Network isolation",
                "expires_on": (today + time::Duration::days(days)).to_string()
            })
        };
        let (s, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/policies/{top}/exceptions"),
            &manager,
            Some(ex(400)),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: more than 12 months"
        );
        let (s, e) = call(
            &app,
            Method::POST,
            &format!("/api/v1/policies/{top}/exceptions"),
            &manager,
            Some(ex(90)),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {e}");
        let exception = e["id"].as_str().expect("id").to_string();
        let (s, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/exceptions/{exception}/decisions"),
            &manager,
            Some(json!({"verdict": "approve"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        let (s, e) = call(
            &app,
            Method::POST,
            &format!("/api/v1/exceptions/{exception}/decisions"),
            &boss,
            Some(json!({"verdict": "approve"})),
        )
        .await;
        assert_eq!(
            (s, e["status"].as_str()),
            (StatusCode::OK, Some("open")),
            "{b}: {e}"
        );
        let (_, own) = call(
            &app,
            Method::POST,
            &format!("/api/v1/policies/{top}/exceptions"),
            &boss,
            Some(ex(30)),
        )
        .await;
        let (s, _) = call(
            &app,
            Method::POST,
            &format!(
                "/api/v1/exceptions/{}/decisions",
                own["id"].as_str().expect("id")
            ),
            &boss,
            Some(json!({"verdict": "approve"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: never the requester");

        // Every decision is an audit event naming the authority.
        let (_, events) = call(
            &app,
            Method::GET,
            "/api/v1/audit-events?entity_type=policy_decision",
            &admin,
            None,
        )
        .await;
        let events = events["items"].as_array().expect("items");
        assert_eq!(
            events.len(),
            3,
            "{b}: one approval of the top-level policy, a rejection and an approval of the topic"
        );
        assert!(
            events
                .iter()
                .all(|e| e["after"]["authority"] == "ISMS role Top management"),
            "{b}"
        );

        // Review and diff.
        let (s, r) = call(
            &app,
            Method::POST,
            &format!("/api/v1/policies/{top}/reviews"),
            &editor,
            Some(json!({"outcome": "new_draft", "note": "Add AI use"})),
        )
        .await;
        assert_eq!(
            (s, r["new_draft"].as_i64()),
            (StatusCode::CREATED, Some(2)),
            "{b}: {r}"
        );
        let (_, v2) = call(
            &app,
            Method::GET,
            &format!("/api/v1/policies/{top}/versions/2"),
            &editor,
            None,
        )
        .await;
        call(&app, Method::PUT, &format!("/api/v1/policies/{top}/versions/2"), &editor, Some(json!({
            "body": TOP_LEVEL_TEXT.replace("yearly", "every quarter"), "change_summary": "Quarterly objectives", "version": v2["version"]
        }))).await;
        let (s, d) = call(
            &app,
            Method::GET,
            &format!("/api/v1/policies/{top}/diff?from=1&to=2"),
            &editor,
            None,
        )
        .await;
        assert_eq!(
            (s, d["added"].as_i64(), d["removed"].as_i64()),
            (StatusCode::OK, Some(1), Some(1)),
            "{b}: {d}"
        );
        let (s, _) = call(
            &app,
            Method::GET,
            &format!("/api/v1/policies/{top}/diff?from=1&to=2"),
            &staff,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: staff do not see drafts");
        let (_, list) = call(&app, Method::GET, "/api/v1/policies", &staff, None).await;
        let seen = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|p| p["id"] == top.as_str())
            .expect("top");
        assert_eq!(
            (
                seen["latest_version"].as_i64(),
                seen["latest_state"].as_str()
            ),
            (Some(1), Some("published")),
            "{b}: no hint of the draft"
        );

        // An approval names the revision read; a text changed since is refused.
        let v2 = format!("/api/v1/policies/{top}/versions/2");
        let (s, submitted) = call(&app, Method::POST, &format!("{v2}/submit"), &editor, None).await;
        assert_eq!(s, StatusCode::OK, "{b}: {submitted}");
        let read = submitted["version"].as_i64().expect("revision");
        let (s, _) = call(
            &app,
            Method::POST,
            &format!("{v2}/decisions"),
            &boss,
            Some(json!({"verdict": "approve", "version": read - 1})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        let (s, d) = call(
            &app,
            Method::POST,
            &format!("{v2}/decisions"),
            &boss,
            Some(json!({"verdict": "approve", "version": read})),
        )
        .await;
        assert_eq!(
            (s, d["approval"].as_str()),
            (StatusCode::OK, Some("approved")),
            "{b}: {d}"
        );
    }
}
