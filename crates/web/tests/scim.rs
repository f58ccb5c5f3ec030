//! SCIM provisioning (`/scim/v2`), in process, on every backend: users made,
//! found, changed and deprovisioned through the register's rules, groups as
//! departments, and SCIM's own errors for what is refused. (scim2-tester,
//! a conformance suite nobody here wrote, runs against the real server in
//! the CLI's tests.)

use crate::support::{App, body_text, published, request, set_up, token_for};
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use mandate_app::identity::scim::issue_scim_token;
use mandate_core::acknowledgement::AckState;
use mandate_core::audit::Actor;
use mandate_core::scim::{ENTERPRISE, GROUP, PATCH_OP, USER};
use mandate_core::timefmt::now;
use mandate_core::{AccessRole, PersonId};
use mandate_store::AuditQuery;
use mandate_testkit::TestDb;
use serde_json::{Value, json};

const MEDIA_TYPE: &str = "application/scim+json";

async fn scim_token(app: &App, name: &str) -> String {
    issue_scim_token(&app.store, &Actor::system("test"), app.org, name)
        .await
        .expect("token")
        .1
}

/// Sends a SCIM request; the status and the SCIM document (the media type
/// checked: errors are SCIM documents too).
async fn scim(
    app: &App,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let builder = request(method, &format!("/scim/v2{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let response = app.send(builder.body(body).expect("request")).await;
    let status = response.status();
    if status == StatusCode::NO_CONTENT {
        return (status, Value::Null);
    }
    let media = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = body_text(response).await;
    assert_eq!(media, MEDIA_TYPE, "{status} {path}: {text}");
    (status, serde_json::from_str(&text).expect("JSON"))
}

fn user(name: &str, email: &str) -> Value {
    json!({
        "schemas": [USER, ENTERPRISE],
        "userName": name,
        "externalId": format!("ext-{name}"),
        "name": {"givenName": "Joana", "familyName": name},
        "emails": [{"value": email, "type": "work", "primary": true}],
        ENTERPRISE: {"department": "Provisioned", "employeeNumber": "E-1"},
    })
}

/// A request and what it must get: the status and, for a 400 or 409, the `scimType`.
type Case<'a> = (Method, &'a str, Option<Value>, StatusCode, Option<&'a str>);

fn error_type(doc: &Value) -> Option<&str> {
    doc["scimType"].as_str()
}

#[tokio::test]
async fn users_are_made_found_changed_and_deprovisioned_through_the_register() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let token = scim_token(&app, "okta").await;
        let manager = &app.people[3];

        let mut body = user("joana", "Joana.Lima@acme.example");
        body[ENTERPRISE]["manager"] = json!({"value": manager.id.to_string()});
        let (s, created) = scim(&app, Method::POST, "/Users", &token, Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {created}");
        let id = created["id"].as_str().expect("id").to_string();
        assert_eq!(created["userName"], "joana", "{b}");
        assert_eq!(created["externalId"], "ext-joana", "{b}");
        assert_eq!(created[ENTERPRISE]["employeeNumber"], "E-1", "{b}");
        assert!(
            created["meta"]["location"].as_str().is_some_and(
                |l| l.starts_with("http") && l.ends_with(&format!("/scim/v2/Users/{id}"))
            ),
            "{b}: {created}"
        );
        let person = app
            .store
            .person(app.org, PersonId(id.parse().expect("uuid")))
            .await
            .expect("read")
            .expect("in the register");
        assert_eq!(person.name, "Joana joana", "{b}");
        assert_eq!(person.email.as_str(), "joana.lima@acme.example", "{b}");
        assert_eq!(person.department.as_deref(), Some("Provisioned"), "{b}");
        assert_eq!(person.manager_id, Some(manager.id), "{b}");
        let events = app
            .store
            .audit_events(
                app.org,
                &AuditQuery {
                    entity_id: Some(id.clone()),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .expect("events");
        assert!(
            events.items.iter().all(|e| e.actor == "scim:okta") && !events.items.is_empty(),
            "{b}: {:?}",
            events.items
        );

        // Found by userName (without case), by email, and by externalId.
        for filter in [
            r#"userName eq "JOANA""#,
            r#"emails.value eq "joana.lima@acme.example""#,
            r#"externalId eq "ext-joana""#,
        ] {
            let path = format!("/Users?filter={}", mandate_web::pages::url_encode(filter));
            let (s, found) = scim(&app, Method::GET, &path, &token, None).await;
            assert_eq!(s, StatusCode::OK, "{b}: {filter}: {found}");
            assert_eq!(found["totalResults"], 1, "{b}: {filter}");
            assert_eq!(found["Resources"][0]["id"], id.as_str(), "{b}");
        }
        // Someone imported by CSV answers to their email before SCIM writes them.
        let imported = &app.people[20];
        let path = format!(
            "/Users?filter={}",
            mandate_web::pages::url_encode(&format!("userName eq \"{}\"", imported.email))
        );
        let (_, found) = scim(&app, Method::GET, &path, &token, None).await;
        assert_eq!(found["Resources"][0]["id"], imported.id.to_string(), "{b}");
        assert_eq!(
            found["Resources"][0]["displayName"],
            imported.name.as_str(),
            "{b}"
        );
        // Pages: all 41 people, 10 at a time from the 31st.
        let (_, page) = scim(
            &app,
            Method::GET,
            "/Users?startIndex=31&count=10",
            &token,
            None,
        )
        .await;
        assert_eq!(page["totalResults"], 41, "{b}");
        assert_eq!(page["startIndex"], 31, "{b}");
        assert_eq!(page["Resources"].as_array().map(Vec::len), Some(10), "{b}");
        let (_, projected) = scim(
            &app,
            Method::GET,
            &format!("/Users/{id}?attributes=externalId"),
            &token,
            None,
        )
        .await;
        assert_eq!(projected["externalId"], "ext-joana", "{b}");
        assert!(projected.get("emails").is_none(), "{b}: {projected}");

        // PATCH and PUT change the register.
        let (s, patched) = scim(
            &app,
            Method::PATCH,
            &format!("/Users/{id}"),
            &token,
            Some(json!({"schemas": [PATCH_OP], "Operations": [
                {"op": "replace", "path": "displayName", "value": "Joana Lima"},
                {"op": "remove", "path": format!("{ENTERPRISE}:manager")},
            ]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {patched}");
        assert_eq!(patched["displayName"], "Joana Lima", "{b}");
        let person = app
            .store
            .person(app.org, person.id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(
            (person.name.as_str(), person.manager_id),
            ("Joana Lima", None),
            "{b}"
        );

        // An email another person has is refused, and nothing changes.
        let taken = app.people[5].email.to_string();
        let (s, refused) = scim(
            &app,
            Method::PUT,
            &format!("/Users/{id}"),
            &token,
            Some(user("joana", &taken)),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: {refused}");
        assert_eq!(error_type(&refused), Some("uniqueness"), "{b}");
        let unchanged = app
            .store
            .person(app.org, person.id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(unchanged, person, "{b}");

        // A change made in Mandate shows through SCIM.
        let mut moved = mandate_app::people::new_person(mandate_app::people::PersonInput {
            name: "Joana Lima",
            email: "joana.lima@acme.example",
            department: Some("Finance"),
            ..Default::default()
        })
        .expect("valid");
        moved.kind = person.kind;
        app.store
            .update_person(
                &Actor::system("test"),
                app.org,
                person.id,
                person.version,
                &moved,
                "update",
            )
            .await
            .expect("moved");
        let (_, read) = scim(&app, Method::GET, &format!("/Users/{id}"), &token, None).await;
        assert_eq!(read[ENTERPRISE]["department"], "Finance", "{b}");
        assert_eq!(read[ENTERPRISE]["employeeNumber"], "E-1", "{b}");

        // DELETE deprovisions: a leaver from yesterday, no longer served.
        let (s, _) = scim(&app, Method::DELETE, &format!("/Users/{id}"), &token, None).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let (s, gone) = scim(&app, Method::GET, &format!("/Users/{id}"), &token, None).await;
        assert_eq!(
            (s, gone["status"].as_str()),
            (StatusCode::NOT_FOUND, Some("404")),
            "{b}"
        );
        let left = app
            .store
            .person(app.org, person.id)
            .await
            .expect("read")
            .expect("kept");
        assert_eq!(left.end_date, now().date().previous_day(), "{b}");
        let (s, _) = scim(&app, Method::DELETE, &format!("/Users/{id}"), &token, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}: deleting again");

        // A rehire: the same email comes back as the same person.
        let (s, back) = scim(
            &app,
            Method::POST,
            "/Users",
            &token,
            Some(user("joana2", "joana.lima@acme.example")),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {back}");
        assert_eq!(back["id"], id.as_str(), "{b}");
        let rehired = app
            .store
            .person(app.org, person.id)
            .await
            .expect("read")
            .expect("kept");
        assert_eq!(rehired.end_date, None, "{b}");

        let public = mandate_store::keyfile::load(&app._db.key_path())
            .expect("key")
            .public_key();
        let verified = app
            .store
            .verify_chain(app.org, &public)
            .await
            .expect("read");
        assert!(verified.is_ok(), "{b}: {verified:?}");
    }
}

#[tokio::test]
async fn deactivation_ends_employment_and_releases_what_the_person_owes() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        set_up(&app).await;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let boss = token_for(&app, AccessRole::TopManagement).await;
        published(
            &app,
            &editor,
            &boss,
            "Information security policy",
            "top_level",
            json!({"everyone": true}),
        )
        .await;
        let token = scim_token(&app, "entra").await;
        let person = app.people[25].clone();
        let owed = |list: &[mandate_core::acknowledgement::AckRequest]| {
            list.iter().filter(|r| r.state == AckState::Owed).count()
        };
        let before = app
            .store
            .acknowledgements_of_person(app.org, person.id)
            .await
            .expect("read");
        assert_eq!(owed(&before), 1, "{b}");

        let (s, doc) = scim(
            &app,
            Method::PATCH,
            &format!("/Users/{}", person.id),
            &token,
            Some(json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": false}]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {doc}");
        assert_eq!(doc["active"], false, "{b}");
        let after = app
            .store
            .acknowledgements_of_person(app.org, person.id)
            .await
            .expect("read");
        assert_eq!(owed(&after), 0, "{b}: {after:?}");
        assert!(after.iter().any(|r| r.state == AckState::Released), "{b}");
        let left = app
            .store
            .person(app.org, person.id)
            .await
            .expect("read")
            .expect("kept");
        assert_eq!(left.end_date, now().date().previous_day(), "{b}");

        // Active again: SCIM's own end is undone.
        let (s, doc) = scim(
            &app,
            Method::PATCH,
            &format!("/Users/{}", person.id),
            &token,
            Some(json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": true}]})),
        )
        .await;
        assert_eq!(
            (s, &doc["active"]),
            (StatusCode::OK, &json!(true)),
            "{b}: {doc}"
        );
        let back = app
            .store
            .person(app.org, person.id)
            .await
            .expect("read")
            .expect("kept");
        assert_eq!(back.end_date, None, "{b}");
    }
}

#[tokio::test]
async fn groups_are_departments() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let token = scim_token(&app, "okta").await;
        let (a, c) = (&app.people[30], &app.people[31]);
        let member = |p: &mandate_core::Person| json!({"value": p.id.to_string(), "type": "User"});
        let (s, group) = scim(
            &app,
            Method::POST,
            "/Groups",
            &token,
            Some(json!({"schemas": [GROUP], "displayName": "Platform", "members": [member(a), member(c)]})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {group}");
        let id = group["id"].as_str().expect("id").to_string();
        assert_eq!(
            group["members"].as_array().map(Vec::len),
            Some(2),
            "{b}: {group}"
        );
        let department = |p: PersonId| {
            let store = app.store.clone();
            let org = app.org;
            async move {
                store
                    .person(org, p)
                    .await
                    .expect("read")
                    .expect("there")
                    .department
            }
        };
        assert_eq!(department(a.id).await.as_deref(), Some("Platform"), "{b}");

        let (s, doc) = scim(
            &app,
            Method::PATCH,
            &format!("/Groups/{id}"),
            &token,
            Some(json!({"schemas": [PATCH_OP], "Operations": [
                {"op": "remove", "path": format!("members[value eq \"{}\"]", a.id)},
                {"op": "replace", "path": "displayName", "value": "Platform Engineering"},
            ]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {doc}");
        assert_eq!(department(a.id).await, None, "{b}");
        assert_eq!(
            department(c.id).await.as_deref(),
            Some("Platform Engineering"),
            "{b}"
        );
        let filter = mandate_web::pages::url_encode(r#"displayName eq "platform engineering""#);
        let (_, found) = scim(
            &app,
            Method::GET,
            &format!("/Groups?filter={filter}"),
            &token,
            None,
        )
        .await;
        assert_eq!(found["totalResults"], 1, "{b}");
        assert_eq!(
            found["Resources"][0]["members"][0]["value"],
            c.id.to_string(),
            "{b}"
        );

        let (s, dup) = scim(
            &app,
            Method::POST,
            "/Groups",
            &token,
            Some(json!({"schemas": [GROUP], "displayName": "PLATFORM engineering"})),
        )
        .await;
        assert_eq!(
            (s, error_type(&dup)),
            (StatusCode::CONFLICT, Some("uniqueness")),
            "{b}: {dup}"
        );
        let (s, bad) = scim(
            &app,
            Method::POST,
            "/Groups",
            &token,
            Some(json!({"schemas": [GROUP], "displayName": "Ghosts", "members": [{"value": uuid::Uuid::now_v7().to_string()}]})),
        )
        .await;
        assert_eq!(
            (s, error_type(&bad)),
            (StatusCode::BAD_REQUEST, Some("invalidValue")),
            "{b}: {bad}"
        );
        let (_, all) = scim(&app, Method::GET, "/Groups", &token, None).await;
        assert_eq!(
            all["totalResults"], 1,
            "{b}: the refused group was not kept"
        );

        let (s, _) = scim(&app, Method::DELETE, &format!("/Groups/{id}"), &token, None).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        assert_eq!(
            department(c.id).await.as_deref(),
            Some("Platform Engineering"),
            "{b}: deleting a group leaves the register's departments"
        );
    }
}

#[tokio::test]
async fn groups_a_mapping_names_give_access_roles_not_departments() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let settings = mandate_core::sso::SsoSettings {
            enabled: true,
            display_name: "Okta".into(),
            issuer: "https://acme.okta.example".into(),
            client_id: "mandate".into(),
            groups_claim: Some("groups".into()),
            role_mappings: vec![mandate_core::sso::RoleMapping {
                group: "Mandate Auditors".into(),
                role: AccessRole::Auditor,
            }],
            ..Default::default()
        };
        app.store
            .save_sso_settings(
                &Actor::system("test"),
                app.org,
                None,
                settings,
                mandate_store::SecretChange::Set("s".into()),
            )
            .await
            .expect("saved");
        let token = scim_token(&app, "okta").await;
        let staff = app.user(AccessRole::Staff).clone();
        let person = app
            .people
            .iter()
            .find(|p| p.id == staff.person_id)
            .expect("the staff login's person")
            .clone();
        let (s, group) = scim(
            &app,
            Method::POST,
            "/Groups",
            &token,
            Some(json!({"schemas": [GROUP], "displayName": "Mandate Auditors"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {group}");
        let id = group["id"].as_str().expect("id").to_string();
        let patch = |op: &str| {
            json!({"schemas": [PATCH_OP], "Operations": [match op {
                "add" => json!({"op": "add", "path": "members", "value": [{"value": staff.person_id.to_string()}]}),
                _ => json!({"op": "remove", "path": format!("members[value eq \"{}\"]", staff.person_id)}),
            }]})
        };
        let role = || async {
            app.store
                .user(app.org, staff.id)
                .await
                .expect("read")
                .expect("there")
                .access_role
        };
        let (s, doc) = scim(
            &app,
            Method::PATCH,
            &format!("/Groups/{id}"),
            &token,
            Some(patch("add")),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {doc}");
        assert_eq!(
            doc["members"][0]["value"],
            staff.person_id.to_string(),
            "{b}"
        );
        assert_eq!(role().await, AccessRole::Auditor, "{b}");
        let kept = app
            .store
            .person(app.org, person.id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(
            kept.department, person.department,
            "{b}: nobody moves department"
        );
        let (s, doc) = scim(
            &app,
            Method::PATCH,
            &format!("/Groups/{id}"),
            &token,
            Some(patch("remove")),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {doc}");
        assert_eq!(role().await, AccessRole::Staff, "{b}");
        let (_, read) = scim(&app, Method::GET, &format!("/Groups/{id}"), &token, None).await;
        assert!(
            read["members"].as_array().is_none_or(Vec::is_empty),
            "{b}: {read}"
        );

        // Providers send changes to one group at once: none is lost.
        let joiners: Vec<&mandate_core::Person> = app.people[20..24].iter().collect();
        let path = format!("/Groups/{id}");
        let add = |p: &mandate_core::Person| {
            let body = json!({"schemas": [PATCH_OP], "Operations": [
                {"op": "add", "path": "members", "value": [{"value": p.id.to_string()}]}]});
            scim(&app, Method::PATCH, &path, &token, Some(body))
        };
        let answers = tokio::join!(
            add(joiners[0]),
            add(joiners[1]),
            add(joiners[2]),
            add(joiners[3])
        );
        for (s, doc) in [answers.0, answers.1, answers.2, answers.3] {
            assert_eq!(s, StatusCode::OK, "{b}: {doc}");
        }
        let (_, read) = scim(&app, Method::GET, &format!("/Groups/{id}"), &token, None).await;
        assert_eq!(
            read["members"].as_array().map(Vec::len),
            Some(joiners.len()),
            "{b}: {read}"
        );

        // A deprovisioned member leaves the group (a provider that
        // provisions them again sends their groups again).
        let leaver = joiners[0].id;
        let (s, _) = scim(
            &app,
            Method::DELETE,
            &format!("/Users/{leaver}"),
            &token,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
        let (s, doc) = scim(
            &app,
            Method::PATCH,
            &format!("/Groups/{id}"),
            &token,
            Some(patch("add")),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {doc}");
        assert_eq!(
            doc["members"].as_array().map(Vec::len),
            Some(joiners.len()),
            "{b}: the leaver is not listed, the staff member is: {doc}"
        );
        assert!(
            app.store
                .scim_role_groups_of(app.org, leaver)
                .await
                .expect("read")
                .is_empty(),
            "{b}"
        );
        // Emptied as providers empty a group: every role it gave goes.
        let empty = json!({"schemas": [PATCH_OP], "Operations": [
            {"op": "replace", "path": "members", "value": []}]});
        let (s, doc) = scim(&app, Method::PATCH, &path, &token, Some(empty)).await;
        assert_eq!(s, StatusCode::OK, "{b}: {doc}");
        assert!(doc.get("members").is_none(), "{b}: {doc}");
        assert_eq!(role().await, AccessRole::Staff, "{b}");
    }
}

#[tokio::test]
async fn what_scim_refuses_it_refuses_in_scim_documents() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let token = scim_token(&app, "okta").await;
        let dup = json!({"schemas": [USER], "userName": "first", "emails": [{"value": "dup@acme.example"}]});
        let (s, _) = scim(&app, Method::POST, "/Users", &token, Some(dup)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let people = app.store.people_count(app.org).await.expect("count");

        // No token, an API token, a session, a revoked token: 401.
        let api_token = token_for(&app, AccessRole::Admin).await;
        for bearer in ["", api_token.as_str(), "mscim_0000"] {
            let (s, doc) = scim(&app, Method::GET, "/Users", bearer, None).await;
            assert_eq!(
                (s, doc["status"].as_str()),
                (StatusCode::UNAUTHORIZED, Some("401")),
                "{b}: {bearer}"
            );
        }
        let (cookie, csrf) = app.session(AccessRole::Admin).await;
        let response = app
            .send(
                request(Method::GET, "/scim/v2/Users")
                    .header(header::COOKIE, cookie)
                    .header("x-csrf-token", csrf)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{b}: a session does not open SCIM"
        );

        let nobody = format!("/Users/{}", uuid::Uuid::now_v7());
        let somebody = format!("/Users/{}", app.people[2].id);
        let cases: Vec<Case> = vec![
            (
                Method::POST,
                "/Users",
                Some(
                    json!({"schemas": [USER], "userName": "x", "emails": [{"value": "x@acme.example"}], "shoeSize": 44}),
                ),
                StatusCode::BAD_REQUEST,
                Some("invalidSyntax"),
            ),
            (
                Method::POST,
                "/Users",
                Some(json!({"schemas": [USER], "userName": "x"})),
                StatusCode::BAD_REQUEST,
                Some("invalidValue"),
            ),
            (
                Method::POST,
                "/Users",
                Some(
                    json!({"schemas": [USER], "userName": "x", "emails": [{"value": "not an email"}]}),
                ),
                StatusCode::BAD_REQUEST,
                Some("invalidValue"),
            ),
            (
                Method::POST,
                "/Users",
                Some(
                    json!({"schemas": [USER, ENTERPRISE], "userName": "x", "emails": [{"value": "x@acme.example"}], ENTERPRISE: {"manager": {"value": uuid::Uuid::now_v7().to_string()}}}),
                ),
                StatusCode::BAD_REQUEST,
                Some("invalidValue"),
            ),
            (
                Method::POST,
                "/Users",
                Some(
                    json!({"schemas": [USER], "userName": "x", "emails": [{"value": "DUP@acme.example"}]}),
                ),
                StatusCode::CONFLICT,
                Some("uniqueness"),
            ),
            (
                Method::POST,
                "/Users",
                Some(
                    json!({"schemas": [USER], "userName": "FIRST", "emails": [{"value": "other@acme.example"}]}),
                ),
                StatusCode::CONFLICT,
                Some("uniqueness"),
            ),
            (
                Method::GET,
                "/Users?filter=userName%20co%20%22a%22",
                None,
                StatusCode::BAD_REQUEST,
                Some("invalidFilter"),
            ),
            (
                Method::GET,
                "/Users?filter=displayName%20eq%20%22a%22",
                None,
                StatusCode::BAD_REQUEST,
                Some("invalidFilter"),
            ),
            (
                Method::GET,
                "/Users?count=lots",
                None,
                StatusCode::BAD_REQUEST,
                Some("invalidValue"),
            ),
            (Method::GET, &nobody, None, StatusCode::NOT_FOUND, None),
            (
                Method::GET,
                "/Users/not-an-id",
                None,
                StatusCode::NOT_FOUND,
                None,
            ),
            (Method::GET, "/Elsewhere", None, StatusCode::NOT_FOUND, None),
            (
                Method::POST,
                "/.search",
                Some(json!({})),
                StatusCode::NOT_IMPLEMENTED,
                None,
            ),
            (
                Method::PATCH,
                &somebody,
                Some(
                    json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "id", "value": "x"}]}),
                ),
                StatusCode::BAD_REQUEST,
                None,
            ),
        ];
        for (method, path, body, status, scim_type) in cases {
            let (s, doc) = scim(&app, method.clone(), path, &token, body).await;
            assert_eq!(s, status, "{b}: {method} {path}: {doc}");
            assert_eq!(
                doc["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error",
                "{b}"
            );
            assert_eq!(doc["status"], status.as_str(), "{b}");
            if scim_type.is_some() {
                assert_eq!(error_type(&doc), scim_type, "{b}: {method} {path}: {doc}");
            }
        }
        // Not JSON at all.
        let response = app
            .send(
                request(Method::POST, "/scim/v2/Users")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::from("{not json"))
                    .expect("request"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{b}");
        assert!(body_text(response).await.contains("invalidSyntax"), "{b}");
        assert_eq!(
            app.store.people_count(app.org).await.expect("count"),
            people,
            "{b}: nothing refused was written"
        );

        // Revoked, the token opens nothing.
        let tokens = app.store.scim_tokens(app.org).await.expect("tokens");
        app.store
            .revoke_scim_token(&Actor::system("test"), app.org, tokens[0].id)
            .await
            .expect("revoked");
        let (s, _) = scim(&app, Method::GET, "/Users", &token, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    }
}

/// The issue's figure: 10,000 people provisioned one request at a time,
/// then read back in pages of 100.
#[tokio::test]
async fn ten_thousand_users_are_provisioned_and_listed() {
    const USERS: usize = 10_000;
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let token = scim_token(&app, "okta").await;
        for i in 0..USERS {
            let body = json!({
                "schemas": [USER],
                "userName": format!("user{i}"),
                "emails": [{"value": format!("user{i}@bulk.example")}],
            });
            let (s, doc) = scim(&app, Method::POST, "/Users", &token, Some(body)).await;
            assert_eq!(s, StatusCode::CREATED, "{b}: user {i}: {doc}");
        }
        let mut seen = 0;
        let mut start = 1;
        loop {
            let (s, page) = scim(
                &app,
                Method::GET,
                &format!("/Users?startIndex={start}&count=100"),
                &token,
                None,
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{b}");
            let n = page["Resources"].as_array().map_or(0, Vec::len);
            if n == 0 {
                break;
            }
            seen += n;
            start += n;
        }
        assert_eq!(seen, USERS + 40, "{b}");
        assert_eq!(
            app.store.people_count(app.org).await.expect("count"),
            (USERS + 40) as i64,
            "{b}"
        );
    }
}

#[tokio::test]
async fn an_admin_makes_and_revokes_tokens_from_a_session_only() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let (cookie, csrf) = app.session(AccessRole::Admin).await;
        let response = app
            .send(crate::support::form_request(
                "/users/scim",
                Some(&cookie),
                &[("csrf_token", &csrf), ("name", "Entra ID")],
            ))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{b}");
        let html = body_text(response).await;
        let secret = html
            .split("<code id=\"scim-secret\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .expect("the secret, shown once")
            .to_string();
        let (s, _) = scim(&app, Method::GET, "/Users?count=1", &secret, None).await;
        assert_eq!(s, StatusCode::OK, "{b}: the page's token opens SCIM");
        let page = app
            .send(
                request(Method::GET, "/users/scim")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        let listed = body_text(page).await;
        assert!(
            listed.contains("Entra ID") && !listed.contains(&secret),
            "{b}"
        );

        // An API token cannot mint one: a leaked token must not become a provider.
        let api_token = token_for(&app, AccessRole::Admin).await;
        let (s, doc) = crate::support::call(
            &app,
            Method::POST,
            "/api/v1/scim-tokens",
            &api_token,
            Some(json!({"name": "x"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {doc}");
        let (s, list) =
            crate::support::call(&app, Method::GET, "/api/v1/scim-tokens", &api_token, None).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let id = list["items"][0]["id"].as_str().expect("id").to_string();
        assert_eq!(
            list["items"][0]["created_by"],
            format!("user:{}", app.user(AccessRole::Admin).id),
            "{b}"
        );
        let (s, revoked) = crate::support::call(
            &app,
            Method::POST,
            &format!("/api/v1/scim-tokens/{id}/revoke"),
            &api_token,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {revoked}");
        assert!(revoked["revoked_at"].is_string(), "{b}");
        let (s, _) = scim(&app, Method::GET, "/Users?count=1", &secret, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    }
}

#[tokio::test]
async fn what_keeps_an_admin_in_is_out_of_a_providers_reach() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let token = scim_token(&app, "okta").await;
        let admin = app.user(AccessRole::Admin).person_id;
        let staff = app.user(AccessRole::Staff).person_id;
        let email_to = |to: &str| json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "emails[primary eq true].value", "value": to}]});
        let (s, doc) = scim(
            &app,
            Method::PATCH,
            &format!("/Users/{admin}"),
            &token,
            Some(email_to("attacker@evil.example")),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {doc}");
        let (s, doc) = scim(
            &app,
            Method::DELETE,
            &format!("/Users/{admin}"),
            &token,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {doc}");
        let off = json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": false}]});
        let (s, _) = scim(
            &app,
            Method::PATCH,
            &format!("/Users/{admin}"),
            &token,
            Some(off),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        let kept = app
            .store
            .person(app.org, admin)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(
            (kept.email.as_str(), kept.end_date),
            ("admin@acme.example", None),
            "{b}"
        );

        // Anyone else's email may move (the provider owns it): their
        // sessions end, and the old address is told.
        let (cookie, _) = app.session(AccessRole::Staff).await;
        let (s, doc) = scim(
            &app,
            Method::PATCH,
            &format!("/Users/{staff}"),
            &token,
            Some(email_to("staff.new@acme.example")),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}: {doc}");
        let signed_out = app
            .send(
                request(Method::GET, "/tasks")
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(
            signed_out.status(),
            StatusCode::SEE_OTHER,
            "{b}: the old session ended"
        );
        let told = app
            .store
            .outbox_page(
                app.org,
                &mandate_store::OutboxQuery {
                    limit: 50,
                    ..Default::default()
                },
            )
            .await
            .expect("outbox");
        assert!(
            told.items.iter().any(|m| m.mail.kind == "email_changed"
                && m.mail.to == "staff@acme.example"
                && m.mail.body.contains("identity provider (okta)")),
            "{b}"
        );
    }
}

#[tokio::test]
async fn entra_ids_ways_of_saying_things_are_understood() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let token = scim_token(&app, "entra").await;
        let (a, c, m) = (&app.people[30], &app.people[31], &app.people[32]);
        let member = |p: &mandate_core::Person| json!({"value": p.id.to_string()});
        let (_, group) = scim(&app, Method::POST, "/Groups", &token,
            Some(json!({"schemas": [GROUP], "displayName": "Audit", "members": [member(a), member(c)]}))).await;
        let id = group["id"].as_str().expect("id");
        // Remove one member: the path names the list, the value the member.
        let (s, doc) = scim(&app, Method::PATCH, &format!("/Groups/{id}"), &token,
            Some(json!({"schemas": [PATCH_OP], "Operations": [{"op": "Remove", "path": "members", "value": [member(a)]}]}))).await;
        assert_eq!(s, StatusCode::OK, "{b}: {doc}");
        assert_eq!(
            doc["members"].as_array().map(Vec::len),
            Some(1),
            "{b}: {doc}"
        );
        assert_eq!(doc["members"][0]["value"], c.id.to_string(), "{b}");
        // A manager given as its id alone.
        let (s, doc) = scim(&app, Method::PATCH, &format!("/Users/{}", a.id), &token,
            Some(json!({"schemas": [PATCH_OP], "Operations": [{"op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": m.id.to_string()}]}))).await;
        assert_eq!(s, StatusCode::OK, "{b}: {doc}");
        let moved = app
            .store
            .person(app.org, a.id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(moved.manager_id, Some(m.id), "{b}");
        // What Entra ID sends by default and Mandate does not keep is ignored.
        let (s, doc) = scim(
            &app,
            Method::POST,
            "/Users",
            &token,
            Some(json!({
                "schemas": [USER, ENTERPRISE], "userName": "ines@acme.example", "active": true,
                "displayName": "Inês Costa", "title": "Controller", "preferredLanguage": "pt-PT",
                "emails": [{"value": "ines@acme.example", "type": "work", "primary": true}],
                "phoneNumbers": [{"value": "+351 1", "type": "work"}], "groups": [],
                ENTERPRISE: {"department": "Audit", "manager": m.id.to_string()},
            })),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {doc}");
        assert!(doc.get("title").is_none(), "{b}: {doc}");
        assert_eq!(doc[ENTERPRISE]["manager"]["value"], m.id.to_string(), "{b}");
        let (s, doc) = scim(
            &app,
            Method::POST,
            "/Users",
            &token,
            Some(json!({
            "schemas": [USER], "userName": "nul", "externalId": "e\u{0}x",
            "emails": [{"value": "nul@acme.example"}]})),
        )
        .await;
        assert_eq!(
            (s, error_type(&doc)),
            (StatusCode::BAD_REQUEST, Some("invalidValue")),
            "{b}: {doc}"
        );
        // The scheme's name in any case.
        let response = app
            .send(
                request(Method::GET, "/scim/v2/Users?count=1")
                    .header(header::AUTHORIZATION, format!("BEARER {token}"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{b}");
        // Whatever refuses, under /scim/v2 the answer is a SCIM document.
        for (method, path, status) in [
            (Method::PUT, "/Users", StatusCode::METHOD_NOT_ALLOWED),
            (Method::POST, "/Users/.search", StatusCode::NOT_IMPLEMENTED),
            (
                Method::GET,
                "/Users?count=1&count=2",
                StatusCode::BAD_REQUEST,
            ),
            (
                Method::GET,
                "/Users?filter=userName%20eq%20%22a%5Cu0000b%22",
                StatusCode::BAD_REQUEST,
            ),
            (Method::GET, "", StatusCode::NOT_FOUND),
            (Method::GET, "/", StatusCode::NOT_FOUND),
        ] {
            let (s, doc) = scim(&app, method.clone(), path, &token, None).await;
            assert_eq!(
                (s, doc["status"].as_str()),
                (status, Some(status.as_str())),
                "{b}: {method} {path}: {doc}"
            );
        }
    }
}
