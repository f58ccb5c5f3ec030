//! The role catalogue through the API and the pages, on every backend.

use axum::http::{Method, StatusCode, header};
use mandate_core::AccessRole;
use mandate_core::audit::Actor;
use mandate_core::roles::STARTER_ROLES;
use mandate_testkit::TestDb;
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn the_role_catalogue_is_kept_checked_and_audited() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let installed = app
            .store
            .install_starter_roles(&Actor::system("test"), app.org)
            .await
            .expect("installed");
        assert_eq!(installed, STARTER_ROLES.len());
        let again = app
            .store
            .install_starter_roles(&Actor::system("test"), app.org)
            .await
            .expect("idempotent");
        assert_eq!(again, 0, "{b}: a catalogue is installed once");

        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let staff = token_for(&app, AccessRole::Staff).await;
        let (s, roles) = call(&app, Method::GET, "/api/v1/roles", &staff, None).await;
        assert_eq!(s, StatusCode::OK);
        let roles = roles["items"].as_array().expect("list").clone();
        assert_eq!(roles.len(), STARTER_ROLES.len(), "{b}");
        let id_of = |name: &str| {
            roles.iter().find(|r| r["name"] == name).expect(name)["id"]
                .as_str()
                .expect("id")
                .to_string()
        };
        let auditor = id_of("Internal auditor");
        assert!(
            roles
                .iter()
                .any(|r| r["conformance_owner"] == true && r["performance_reporter"] == true),
            "{b}"
        );

        let new_role = json!({
            "name": "Cloud security lead", "purpose": "Owns cloud controls",
            "responsibilities": ["Guard the landing zone", " ", "Guard the landing zone"],
            "authorities": ["accept_risk"], "reports_to": id_of("ISMS manager"),
            "incompatible_with": [auditor], "critical": true
        });
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/roles",
            &staff,
            Some(new_role.clone()),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{b}: staff do not edit the catalogue"
        );
        let (s, created) = call(
            &app,
            Method::POST,
            "/api/v1/roles",
            &editor,
            Some(new_role.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {created}");
        assert_eq!(
            created["responsibilities"],
            json!(["Guard the landing zone"]),
            "{b}: tidied"
        );
        let (s, p) = call(&app, Method::POST, "/api/v1/roles", &editor, Some(new_role)).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: one name, one role: {p}");
        let (s, p) = call(
            &app,
            Method::POST,
            "/api/v1/roles",
            &editor,
            Some(json!({"name": "X", "authorities": ["rule the world"]})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {p}");
        let id = created["id"].as_str().expect("id");
        let (s, p) = call(
            &app,
            Method::PUT,
            &format!("/api/v1/roles/{id}"),
            &editor,
            Some(json!({
                "name": "Cloud security lead", "reports_to": id, "version": created["version"]
            })),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: never its own superior: {p}"
        );
        // A loop through another role is refused too.
        let isms = id_of("ISMS manager");
        let (_, isms_role) = call(
            &app,
            Method::GET,
            &format!("/api/v1/roles/{isms}"),
            &editor,
            None,
        )
        .await;
        let mut looped = isms_role.clone();
        let looped = looped.as_object_mut().expect("object");
        for key in ["id", "updated_at"] {
            looped.remove(key);
        }
        looped.insert("reports_to".into(), json!(id));
        let (s, p) = call(
            &app,
            Method::PUT,
            &format!("/api/v1/roles/{isms}"),
            &editor,
            Some(Value::Object(looped.clone())),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {p}");
        assert!(
            p["detail"].as_str().expect("detail").contains("come back"),
            "{p}"
        );
        let (s, _) = call(
            &app,
            Method::PUT,
            &format!("/api/v1/roles/{id}"),
            &editor,
            Some(json!({"name": "Cloud lead", "version": 99})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: stale");

        // The form sends repeated checkboxes; the role page shows both ways of an incompatibility.
        let (cookie, csrf) = app.session(AccessRole::IsmsManager).await;
        let r = app
            .send(form_request(
                "/roles",
                Some(&cookie),
                &[
                    ("csrf_token", &csrf),
                    ("name", "Payments owner"),
                    ("purpose", "Owns card data"),
                    ("responsibilities", "Approve access\nReview logs"),
                    ("authority", "accept_risk"),
                    ("authority", "approve_budget"),
                    ("incompatible_with", &auditor),
                    ("critical", "on"),
                    ("version", "0"),
                ],
            ))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{b}");
        let location = r.headers()[header::LOCATION]
            .to_str()
            .expect("location")
            .to_string();
        let page = app
            .send(
                request(Method::GET, &location)
                    .header(header::COOKIE, &cookie)
                    .body(axum::body::Body::empty())
                    .expect("req"),
            )
            .await;
        let html = body_text(page).await;
        assert!(
            html.contains("accept risk")
                && html.contains("approve budget")
                && html.contains("Internal auditor"),
            "{b}"
        );
        let auditor_page = app
            .send(
                request(Method::GET, &format!("/roles/{auditor}"))
                    .header(header::COOKIE, &cookie)
                    .body(axum::body::Body::empty())
                    .expect("req"),
            )
            .await;
        assert!(
            body_text(auditor_page).await.contains("Payments owner"),
            "{b}: incompatibility holds both ways"
        );

        // Assignments: never to oneself, never two incompatible roles, acknowledged by the holder only.
        let today = mandate_core::timefmt::now().date();
        // People without a login, so no token of the test acts as them.
        let plain: Vec<&mandate_core::Person> = app
            .people
            .iter()
            .filter(|p| app.users.iter().all(|u| u.person_id != p.id) && p.end_date.is_none())
            .collect();
        let holder = plain[0];
        let editor_person = app.user(AccessRole::IsmsManager).person_id;
        let assign = |role: &str, person: String| json!({"role_id": role, "person_id": person, "starts_on": today.to_string(), "capacity_percent": 20});
        let (s, p) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &editor,
            Some(assign(&isms, editor_person.to_string())),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{b}: nobody assigns themselves: {p}"
        );
        let (s, a) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &editor,
            Some(assign(&auditor, holder.id.to_string())),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {a}");
        let (s, p) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &editor,
            Some(assign(&isms, holder.id.to_string())),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {p}");
        assert!(
            p["detail"]
                .as_str()
                .expect("detail")
                .contains("incompatible"),
            "{p}"
        );
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &staff,
            Some(assign(&isms, holder.id.to_string())),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: staff do not assign");
        let assignment = a["id"].as_str().expect("id");
        let (s, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/assignments/{assignment}/acknowledge"),
            &staff,
            Some(json!({"text_sha256": a["role_text_sha256"]})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{b}: only the holder acknowledges"
        );
        // Ending the first assignment frees the person for the other role.
        let (s, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/assignments/{assignment}/end"),
            &editor,
            Some(json!({"ends_on": today.to_string()})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let tomorrow = today.next_day().expect("a tomorrow");
        let (s, p) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &editor,
            Some(
                json!({"role_id": isms, "person_id": holder.id, "starts_on": tomorrow.to_string()}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {p}");

        // The staff login acknowledges its own role; a holder who left is flagged.
        let staff_person = app.user(AccessRole::Staff).person_id;
        let (_, mine) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &editor,
            Some(assign(&id_of("All personnel"), staff_person.to_string())),
        )
        .await;
        let mine_id = mine["id"].as_str().expect("id").to_string();
        let text = mine["role_text_sha256"]
            .as_str()
            .expect("the text's hash")
            .to_string();
        let answer = |verb: &'static str, body: Value| {
            let (app, staff, id) = (&app, &staff, mine_id.clone());
            async move {
                call(
                    app,
                    Method::POST,
                    &format!("/api/v1/assignments/{id}/{verb}"),
                    staff,
                    Some(body),
                )
                .await
            }
        };
        let (s, p) = answer("acknowledge", json!({"text_sha256": "0".repeat(64)})).await;
        assert_eq!(
            s,
            StatusCode::CONFLICT,
            "{b}: a text not read is not accepted: {p}"
        );
        let (s, p) = answer("decline", json!({"text_sha256": text, "reason": " "})).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: a decline says why: {p}"
        );
        let (s, declined) = answer(
            "decline",
            json!({"text_sha256": text, "reason": "I am on leave until spring"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {declined}");
        assert!(declined["declined_at"].is_string() && declined["acknowledged_at"].is_null());
        let (_, gaps) = call(&app, Method::GET, "/api/v1/role-gaps", &editor, None).await;
        assert!(
            gaps.to_string()
                .contains("declined the role: I am on leave until spring"),
            "{b}: the gap says why: {gaps}"
        );
        let (s, acked) = answer("acknowledge", json!({"text_sha256": text})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {acked}");
        assert!(acked["acknowledged_at"].is_string());
        assert_eq!(acked["acknowledged_sha256"], text.as_str());
        assert!(
            acked["declined_at"].is_null(),
            "a change of mind replaces the decline"
        );

        // A new text of the role asks its holders again.
        let everyone = id_of("All personnel");
        let (_, role) = call(
            &app,
            Method::GET,
            &format!("/api/v1/roles/{everyone}"),
            &editor,
            None,
        )
        .await;
        let mut duties: Vec<Value> = role["responsibilities"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        duties.push(json!("Report phishing within the hour"));
        let (s, p) = call(
            &app,
            Method::PUT,
            &format!("/api/v1/roles/{everyone}"),
            &editor,
            Some(json!({
                "name": role["name"], "purpose": role["purpose"], "responsibilities": duties,
                "authorities": role["authorities"], "required_training": role["required_training"],
                "version": role["version"],
            })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {p}");
        let (_, all) = call(&app, Method::GET, "/api/v1/assignments", &editor, None).await;
        let again = all["items"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["id"] == mine_id.as_str()))
            .expect("the assignment")
            .clone();
        assert!(
            again["acknowledged_at"].is_null(),
            "{b}: asked again: {again}"
        );
        assert_ne!(again["role_text_sha256"], text.as_str());
        let (s, _) = answer("acknowledge", json!({"text_sha256": text})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: the old text no longer binds");
        let (s, _) = answer(
            "acknowledge",
            json!({"text_sha256": again["role_text_sha256"]}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let leaver = plain[1];
        let (s, p) = call(&app, Method::POST, "/api/v1/assignments", &editor, Some(json!({"role_id": id_of("Risk owner"), "person_id": leaver.id, "starts_on": "2020-01-01"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {p}");
        let ended = mandate_core::NewPerson {
            name: leaver.name.clone(),
            email: leaver.email.clone(),
            department: leaver.department.clone(),
            manager_id: leaver.manager_id,
            kind: leaver.kind,
            start_date: leaver.start_date,
            end_date: Some(today - time::Duration::days(3)),
        };
        app.store
            .update_person(
                &Actor::system("test"),
                app.org,
                leaver.id,
                leaver.version,
                &ended,
                "end_employment",
            )
            .await
            .expect("left");
        let page = app
            .send(
                request(Method::GET, &format!("/roles/{}", id_of("Risk owner")))
                    .header(header::COOKIE, &cookie)
                    .body(axum::body::Body::empty())
                    .expect("req"),
            )
            .await;
        assert!(
            body_text(page).await.contains("has left"),
            "{b}: the leaver is flagged"
        );
        // Delegation: a task handed on; the holder stays accountable; both pages show it.
        let from = mine["id"].as_str().expect("id");
        let task = |to: Value| {
            let mut body = json!({"assignment_id": from, "task": "Run the phishing drill", "starts_on": today.to_string()});
            body.as_object_mut()
                .expect("object")
                .extend(to.as_object().expect("object").clone());
            body
        };
        let (s, d) = call(
            &app,
            Method::POST,
            "/api/v1/delegations",
            &editor,
            Some(task(json!({"delegate_id": holder.id}))),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {d}");
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/delegations",
            &editor,
            Some(task(json!({"delegate_id": holder.id, "supplier": "Acme"}))),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: one delegate only"
        );
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/delegations",
            &editor,
            Some(task(json!({"delegate_id": staff_person}))),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: not to the holder"
        );
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/delegations",
            &editor,
            Some(task(json!({"supplier": "Northwind Hosting"}))),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        for (person, needle) in [
            (holder.id, "Delegated to them"),
            (staff_person, "They delegated"),
        ] {
            let page = app
                .send(
                    request(Method::GET, &format!("/people/{person}"))
                        .header(header::COOKIE, &cookie)
                        .body(axum::body::Body::empty())
                        .expect("req"),
                )
                .await;
            let html = body_text(page).await;
            assert!(
                html.contains(needle) && html.contains("Run the phishing drill"),
                "{b}: {needle}"
            );
        }

        // An approved exception to segregation of duties lets one person hold
        // two incompatible roles while it is in force; the gaps view says so.
        let second = plain[2];
        let boss = token_for(&app, AccessRole::TopManagement).await;
        let boss_person = app.user(AccessRole::TopManagement).person_id;
        let (s, p) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &editor,
            Some(assign(&id_of("Top management"), boss_person.to_string())),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {p}");
        // Now that someone holds a role that grants assigning, a role editor
        // without such a role may no longer assign.
        let (s, p) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &editor,
            Some(assign(&id_of("Risk manager"), second.id.to_string())),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {p}");
        assert!(
            p["detail"]
                .as_str()
                .expect("detail")
                .contains("approve role assignments"),
            "{p}"
        );
        // Nor may they give a role new authorities: that is a decision about authority too.
        let (_, cloud) = call(
            &app,
            Method::GET,
            &format!("/api/v1/roles/{id}"),
            &editor,
            None,
        )
        .await;
        let (s, p) = call(&app, Method::PUT, &format!("/api/v1/roles/{id}"), &editor, Some(json!({
            "name": "Cloud security lead", "authorities": ["accept_risk", "approve_role_assignment"], "version": cloud["version"]
        }))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {p}");
        let (s, a) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &boss,
            Some(assign(&id_of("Risk manager"), second.id.to_string())),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {a}");
        let auditor_for_second = assign(&auditor, second.id.to_string());
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &boss,
            Some(auditor_for_second.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: incompatible");
        let (s, policy) = call(&app, Method::POST, "/api/v1/policies", &editor, Some(json!({
            "title": "Information security policy", "kind": "top_level", "owner_role": "CISO", "audience": {"everyone": true}
        }))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {policy}");
        let (s, e) = call(&app, Method::POST, &format!("/api/v1/policies/{}/exceptions", policy["policy"]["id"].as_str().expect("id")), &editor, Some(json!({
            "clause": "Segregation of duties", "justification": "Small team until the new hire starts",
            "risk": "Audits of risk work by its author", "compensating_controls": "External review of each audit",
            "expires_on": (today + time::Duration::days(60)).to_string(),
            "waiver": {"person_id": second.id, "role_ids": [auditor, id_of("Risk manager")]}
        }))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {e}");
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &boss,
            Some(auditor_for_second.clone()),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{b}: not until the exception is approved"
        );
        let (s, e) = call(
            &app,
            Method::POST,
            &format!(
                "/api/v1/exceptions/{}/decisions",
                e["id"].as_str().expect("id")
            ),
            &boss,
            Some(json!({"verdict": "approve"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {e}");
        let (s, _) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &boss,
            Some(auditor_for_second.clone()),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{b}: an open-ended assignment outlasts the exception"
        );
        let mut bounded = auditor_for_second;
        bounded["ends_on"] = json!((today + time::Duration::days(30)).to_string());
        let (s, p) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &boss,
            Some(bounded),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: covered by the exception: {p}");
        let (_, gaps) = call(&app, Method::GET, "/api/v1/role-gaps", &editor, None).await;
        assert!(
            gaps["items"]
                .as_array()
                .expect("list")
                .iter()
                .any(|g| g["kind"] == "conflict"
                    && g["detail"]
                        .as_str()
                        .is_some_and(|d| d.contains("an exception allows it until"))),
            "{b}: {gaps}"
        );

        // The RACI matrix: the starter rows, problems shown per row, edits audited.
        let (s, m) = call(&app, Method::GET, "/api/v1/raci", &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let rows = m["rows"].as_array().expect("rows").clone();
        assert_eq!(
            rows.len(),
            mandate_core::roles::STARTER_ACTIVITIES.len(),
            "{b}"
        );
        let awareness = rows
            .iter()
            .find(|r| r["activity"] == "Awareness")
            .expect("awareness");
        let awareness_id = awareness["activity_id"].as_str().expect("id").to_string();
        let (s, _) = call(
            &app,
            Method::PUT,
            "/api/v1/raci/cells",
            &staff,
            Some(json!([])),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        let (s, m) = call(
            &app,
            Method::PUT,
            "/api/v1/raci/cells",
            &editor,
            Some(json!([
                {"activity_id": awareness_id, "role_id": id_of("Top management"), "letter": "A"}
            ])),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {m}");
        let row = m["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["activity"] == "Awareness")
            .expect("row")
            .clone();
        assert!(
            row["problems"]
                .as_array()
                .expect("problems")
                .iter()
                .any(|p| p
                    .as_str()
                    .is_some_and(|p| p.contains("2 roles are Accountable"))),
            "{b}: {row}"
        );
        let (s, _) = call(
            &app,
            Method::PUT,
            "/api/v1/raci/cells",
            &editor,
            Some(json!([
                {"activity_id": awareness_id, "role_id": id_of("Top management"), "letter": "X"}
            ])),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let (s, m) = call(
            &app,
            Method::POST,
            "/api/v1/raci/activities",
            &editor,
            Some(json!({"name": "Business continuity tests"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let added = m["rows"]
            .as_array()
            .expect("rows")
            .last()
            .expect("a row")
            .clone();
        assert_eq!(added["activity"], "Business continuity tests");
        assert_eq!(
            added["problems"].as_array().expect("problems").len(),
            2,
            "{b}: no A, no R: {added}"
        );
        // The page form sets a whole row at once.
        let cell = |role: &str| {
            format!(
                "cell:{}:{}",
                added["activity_id"].as_str().expect("id"),
                id_of(role)
            )
        };
        let (a, r) = (cell("ISMS manager"), cell("Security officer"));
        let saved = app
            .send(form_request(
                "/raci",
                Some(&cookie),
                &[("csrf_token", &csrf), (&a, "A"), (&r, "R")],
            ))
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{b}");
        let (_, m) = call(&app, Method::GET, "/api/v1/raci", &editor, None).await;
        let added = m["rows"]
            .as_array()
            .expect("rows")
            .last()
            .expect("a row")
            .clone();
        assert!(
            added["problems"]
                .as_array()
                .expect("problems")
                .iter()
                .all(|p| p.as_str().is_some_and(|p| p.contains("held by nobody"))),
            "{b}: {added}"
        );
        let page = app
            .send(
                request(Method::GET, "/raci")
                    .header(header::COOKIE, &cookie)
                    .body(axum::body::Body::empty())
                    .expect("req"),
            )
            .await;
        assert!(
            body_text(page).await.contains("Business continuity tests"),
            "{b}"
        );

        // Gaps: unheld roles, leavers, unacknowledged holders, and a conflict
        // that appears when two held roles are later declared incompatible.
        let dpo = id_of("Data protection officer");
        let (s, p) = call(
            &app,
            Method::POST,
            "/api/v1/assignments",
            &boss,
            Some(assign(&dpo, staff_person.to_string())),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {p}");
        let (_, dpo_role) = call(
            &app,
            Method::GET,
            &format!("/api/v1/roles/{dpo}"),
            &editor,
            None,
        )
        .await;
        let (s, p) = call(&app, Method::PUT, &format!("/api/v1/roles/{dpo}"), &editor, Some(json!({
            "name": "Data protection officer", "incompatible_with": [id_of("All personnel")], "version": dpo_role["version"]
        }))).await;
        assert_eq!(s, StatusCode::OK, "{b}: {p}");
        let (s, _) = call(&app, Method::GET, "/api/v1/role-gaps", &staff, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        let (s, gaps) = call(&app, Method::GET, "/api/v1/role-gaps", &editor, None).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let gaps = gaps["items"].as_array().expect("list");
        let kinds = |kind: &str| gaps.iter().filter(|g| g["kind"] == kind).count();
        assert_eq!(
            kinds("conflict"),
            2,
            "{b}: the waived one and the new one: {gaps:?}"
        );
        assert_eq!(kinds("holder_left"), 1, "{b}");
        assert!(
            kinds("no_holder") > 5 && kinds("unacknowledged") >= 2,
            "{b}"
        );
        assert!(
            gaps.iter()
                .any(|g| g["kind"] == "no_holder" && g["role"] == "Incident manager"),
            "{b}"
        );
        let page = app
            .send(
                request(Method::GET, "/role-gaps")
                    .header(header::COOKIE, &cookie)
                    .body(axum::body::Body::empty())
                    .expect("req"),
            )
            .await;
        let html = body_text(page).await;
        assert!(
            html.contains("which are incompatible") && html.contains("2 conflicts"),
            "{b}"
        );
        // An assignment is ended, never extended past what was checked; a
        // delegation runs within its assignment.
        let (_, all) = call(&app, Method::GET, "/api/v1/assignments", &boss, None).await;
        let bounded_id = all["items"]
            .as_array()
            .expect("list")
            .iter()
            .find(|a| {
                a["person_id"] == second.id.to_string()
                    && a["role_id"] == auditor
                    && a["ends_on"].is_string()
            })
            .expect("the bounded assignment")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let (s, p) = call(
            &app,
            Method::POST,
            &format!("/api/v1/assignments/{bounded_id}/end"),
            &boss,
            Some(json!({"ends_on": (today + time::Duration::days(90)).to_string()})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {p}");
        let (s, p) = call(&app, Method::POST, "/api/v1/delegations", &boss, Some(json!({
            "assignment_id": bounded_id, "task": "Audit sampling", "supplier": "Audit Co",
            "starts_on": today.to_string(), "ends_on": (today + time::Duration::days(90)).to_string()
        }))).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: beyond the assignment: {p}"
        );

        // Ending someone's employment flags their roles at once, before the day comes.
        let leaving = mandate_core::NewPerson {
            name: second.name.clone(),
            email: second.email.clone(),
            department: second.department.clone(),
            manager_id: second.manager_id,
            kind: second.kind,
            start_date: second.start_date,
            end_date: Some(today + time::Duration::days(10)),
        };
        app.store
            .update_person(
                &Actor::system("test"),
                app.org,
                second.id,
                second.version,
                &leaving,
                "end_employment",
            )
            .await
            .expect("leaving");
        let (_, gaps) = call(&app, Method::GET, "/api/v1/role-gaps", &editor, None).await;
        assert!(
            gaps["items"]
                .as_array()
                .expect("list")
                .iter()
                .any(|g| g["kind"] == "holder_leaving" && g["role"] == "Risk manager"),
            "{b}: {gaps}"
        );

        let (_, events) = call(
            &app,
            Method::GET,
            "/api/v1/audit-events?entity_type=role_assignment",
            &token_for(&app, AccessRole::Admin).await,
            None,
        )
        .await;
        let actions: Vec<&str> = events["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|e| e["action"].as_str().unwrap_or(""))
            .collect();
        let mut counted = actions.clone();
        counted.sort_unstable();
        counted.dedup();
        let count = |a: &str| actions.iter().filter(|x| **x == a).count();
        assert_eq!(
            (
                count("create"),
                count("end"),
                count("decline"),
                count("acknowledge"),
                count("ask_again")
            ),
            (8, 1, 1, 2, 1),
            "{b}: eight assignments, one ended, declined, acknowledged, asked again, acknowledged: {actions:?}"
        );
        assert_eq!(counted.len(), 5, "{b}: {actions:?}");

        let (_, events) = call(
            &app,
            Method::GET,
            "/api/v1/audit-events?entity_type=role",
            &token_for(&app, AccessRole::Admin).await,
            None,
        )
        .await;
        assert_eq!(
            events["items"].as_array().expect("items").len(),
            STARTER_ROLES.len() + 4,
            "{b}: the catalogue, two new roles and two changes"
        );
    }
}
