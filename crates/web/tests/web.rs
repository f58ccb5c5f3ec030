//! The web layer, in process, against every backend: sign-in, sessions, CSRF,
//! access control for every route and role, the JSON API and its errors.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::response::Response;
use mandate_core::audit::Actor;
use mandate_core::generator::{generate_people, reference_day, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_core::{AccessRole, NewOrganisation, NewUser, Slug};
use mandate_testkit::TestDb;
use mandate_web::routes::{Access, table};
use serde_json::{Value, json};

use crate::support::*;

/// The route table with each route's access rule, one line per route, as
/// the committed snapshot holds it: a change of access shows in review as a
/// diff of `snapshots/main__web__route_table.snap`.
fn route_table_text() -> String {
    let mut lines: Vec<String> = table()
        .iter()
        .map(|spec| {
            let access = match spec.access {
                Access::Public => "public".to_string(),
                Access::ScimToken => "SCIM token".to_string(),
                Access::SignedIn => "signed in".to_string(),
                Access::Needs(p) => format!("needs {p:?}"),
            };
            format!("{:<6} {:<58} {access}", spec.method.as_str(), spec.path)
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

#[tokio::test]
async fn every_route_is_in_the_access_matrix_and_enforced_for_every_role() {
    insta::assert_snapshot!("route_table", route_table_text());
    // The auditor changes nothing (CLAUSE5.md): of the routes that change
    // something, only those of their own sign-in are open to them.
    let own_account = [
        "/sign-out",
        "/me/password",
        "/me/tokens",
        "/me/tokens/{id}/revoke",
        "/api/v1/me/tokens",
        "/api/v1/me/tokens/{id}/revoke",
        "/auditor/period", // the audit period the auditor reads as of, kept beside their session
    ];
    for spec in table() {
        // Public routes are anyone's (the interested parties' feedback form),
        // not a grant to the auditor.
        let auditor_may = match spec.access {
            Access::Public | Access::ScimToken => false,
            Access::SignedIn => true,
            Access::Needs(p) => AccessRole::Auditor.may(p),
        };
        if spec.method != Method::GET && auditor_may {
            assert!(
                own_account.contains(&spec.path.as_str()),
                "{} {} lets the auditor change something",
                spec.method,
                spec.path
            );
        }
    }

    for db in TestDb::all().await {
        let app = App::new(db).await;
        let person = app.people[10].id.to_string();
        let mut sessions = Vec::new();
        for role in AccessRole::ALL {
            sessions.push((Some(role), Some(app.session(role).await)));
        }
        sessions.push((None, None));
        for spec in table() {
            let path = spec
                .path
                .replace("{id}", &person)
                .replace("{area}", "auditor")
                .replace("{number}", "1")
                .replace("{org}", "acme")
                .replace("{*rest}", "Elsewhere");
            for (role, session) in &sessions {
                if spec.path == "/sign-out" && role.is_some() {
                    continue; // it would end the session the loop reuses; `signing_in_and_out` covers it
                }
                let mut builder = request(spec.method.clone(), &path);
                if let Some((cookie, csrf)) = session {
                    builder = builder
                        .header(header::COOKIE, cookie)
                        .header("x-csrf-token", csrf);
                }
                let response = app
                    .send(builder.body(Body::empty()).expect("request"))
                    .await;
                let status = response.status();
                let who = role.map_or("anonymous", |r| r.as_str());
                let allowed = match (spec.access, role) {
                    (Access::Public, _) => true,
                    (Access::ScimToken, _) => false,
                    (_, None) => false,
                    (Access::SignedIn, Some(_)) => true,
                    (Access::Needs(p), Some(r)) => r.may(p),
                };
                assert!(
                    status != StatusCode::INTERNAL_SERVER_ERROR,
                    "{}: {} {path} as {who}: 500",
                    app.backend,
                    spec.method
                );
                if allowed {
                    assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "{}: {} {path} as {who} was refused ({status})",
                        app.backend,
                        spec.method
                    );
                } else if role.is_none() || spec.access == Access::ScimToken {
                    // A session does not open SCIM: its token alone does.
                    let expected = if path.starts_with("/api/") || path.starts_with("/scim/") {
                        StatusCode::UNAUTHORIZED
                    } else {
                        StatusCode::SEE_OTHER
                    };
                    assert_eq!(
                        status, expected,
                        "{}: {} {path} as {who}",
                        app.backend, spec.method
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::FORBIDDEN,
                        "{}: {} {path} as {who}",
                        app.backend,
                        spec.method
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn every_api_route_is_documented_and_the_document_is_pinned() {
    // An API route declared as a page would be routed yet missing from the
    // document: every one must come from its handler's `#[utoipa::path]`.
    for spec in table() {
        let api = spec.path.starts_with("/api/v1/") && spec.path != "/api/v1/openapi.json";
        assert_eq!(
            api,
            spec.openapi.is_some(),
            "{} {}: API routes, and only they, are declared with `api(…, routes!(…))`",
            spec.method,
            spec.path
        );
    }
    // Two types whose schemas share a name would silently replace each
    // other in `components`: the document would describe the wrong body.
    let mut schemas: std::collections::BTreeMap<String, Value> = Default::default();
    let mut clashes = std::collections::BTreeSet::new();
    for spec in table() {
        for (name, schema) in spec.openapi.map(|(_, s)| s).unwrap_or_default() {
            let schema = serde_json::to_value(schema).expect("json");
            if schemas
                .insert(name.clone(), schema.clone())
                .is_some_and(|o| o != schema)
            {
                clashes.insert(name);
            }
        }
    }
    assert!(
        clashes.is_empty(),
        "different schemas share these names: {clashes:?}"
    );
    let doc: Value = serde_json::to_value(mandate_web::api::document()).expect("json");
    let documented: usize = doc["paths"].as_object().map_or(0, |p| {
        p.values()
            .map(|m| m.as_object().map_or(0, |m| m.len()))
            .sum()
    });
    let routed = table().iter().filter(|s| s.openapi.is_some()).count();
    assert_eq!(documented, routed, "each API route is one operation");
    // What OpenAPI 3.1 requires and utoipa leaves to the annotations: every
    // response is described, and a path parameter is one the path names.
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("item") {
            for (status, response) in operation["responses"].as_object().expect("responses") {
                assert!(
                    response["description"]
                        .as_str()
                        .is_some_and(|d| !d.is_empty()),
                    "{method} {path}: the {status} response has no description"
                );
            }
            // Every list is `{items, next_cursor}`, paged by `limit` and `cursor`.
            let answer = &operation["responses"]["200"]["content"]["application/json"]["schema"];
            assert_ne!(
                answer["type"], "array",
                "{method} {path} answers a bare array"
            );
            let names = |p: &Value| p["name"].as_str().map(str::to_owned);
            let parameters: Vec<String> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(names)
                .collect();
            if answer.to_string().contains("Listing_") {
                assert!(
                    parameters.contains(&"limit".into()) && parameters.contains(&"cursor".into()),
                    "{method} {path} lists without `limit` and `cursor`"
                );
            }
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().expect("name");
                if parameter["in"] == "path" {
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: `{name}` is no path parameter (a query struct lacks `parameter_in = Query`)"
                    );
                }
            }
        }
    }
    insta::assert_json_snapshot!("openapi", doc);
}

fn session_cookie(response: &Response) -> Option<String> {
    let value = response.headers().get(header::SET_COOKIE)?.to_str().ok()?;
    Some(value.split(';').next()?.to_string())
}

#[tokio::test]
async fn signing_in_and_out() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let wrong = app
            .send(form_request(
                "/sign-in",
                None,
                &[
                    ("email", "staff@acme.example"),
                    ("password", "not it at all"),
                ],
            ))
            .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{}", app.backend);
        assert!(wrong.headers().get(header::SET_COOKIE).is_none());
        assert!(
            body_text(wrong)
                .await
                .contains("The email or the password is wrong.")
        );

        let fields = [
            ("email", "Staff@Acme.example"),
            ("password", PASSWORD),
            ("next", "/me"),
        ];
        let first = app.send(form_request("/sign-in", None, &fields)).await;
        assert_eq!(first.status(), StatusCode::SEE_OTHER, "{}", app.backend);
        assert_eq!(
            first
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok()),
            Some("/me")
        );
        let set = first
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax") && !set.contains("Secure"),
            "{set}"
        );
        let cookie = session_cookie(&first).expect("a session cookie");
        // Signing in again from a browser that still holds a session works too.
        let second = app
            .send(form_request("/sign-in", Some(&cookie), &fields))
            .await;
        assert_eq!(second.status(), StatusCode::SEE_OTHER, "{}", app.backend);
        assert_ne!(
            session_cookie(&second),
            Some(cookie.clone()),
            "a new session id at every sign-in"
        );

        let me = app
            .send(
                request(Method::GET, "/me")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(me.status(), StatusCode::OK);
        let page = body_text(me).await;
        let csrf = page
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("a CSRF field")
            .to_string();

        let https = app
            .send(
                request(Method::POST, "/sign-in")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header("x-forwarded-proto", "https")
                    .body(form(&fields))
                    .expect("req"),
            )
            .await;
        assert!(
            https
                .headers()
                .get(header::SET_COOKIE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("Secure"))
        );

        let out = app
            .send(form_request(
                "/sign-out",
                Some(&cookie),
                &[("csrf_token", &csrf)],
            ))
            .await;
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        let after = app
            .send(
                request(Method::GET, "/me")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(
            after.status(),
            StatusCode::SEE_OTHER,
            "{}: the session ended",
            app.backend
        );
    }
}

#[tokio::test]
async fn failed_sign_ins_are_throttled() {
    let app = App::new(TestDb::sqlite()).await;
    for _ in 0..5 {
        let r = app
            .send(form_request(
                "/sign-in",
                None,
                &[
                    ("email", "admin@acme.example"),
                    ("password", "wrong password!"),
                ],
            ))
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let held = app
        .send(form_request(
            "/sign-in",
            None,
            &[("email", "admin@acme.example"), ("password", PASSWORD)],
        ))
        .await;
    assert_eq!(held.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(held.headers().get(header::RETRY_AFTER).is_some());
    let other = app
        .send(form_request(
            "/sign-in",
            None,
            &[("email", "staff@acme.example"), ("password", PASSWORD)],
        ))
        .await;
    assert_eq!(
        other.status(),
        StatusCode::SEE_OTHER,
        "other accounts are not held"
    );
}

#[tokio::test]
async fn idle_and_old_sessions_end() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let user = app.user(AccessRole::Staff);
        let idle_since = now() - time::Duration::minutes(31);
        app.store
            .create_session(app.org, user.id, &secret_hash("idle"), "c", idle_since)
            .await
            .expect("session");
        let r = app
            .send(
                request(Method::GET, "/me")
                    .header(header::COOKIE, "mandate_session=idle")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", app.backend);
        let to = r
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            to.starts_with("/sign-in?next=/me") && to.ends_with("expired=1"),
            "{to}"
        );
        assert!(
            app.store
                .session(&secret_hash("idle"))
                .await
                .expect("read")
                .is_none(),
            "the ended session is removed"
        );

        let api = app
            .send(
                request(Method::GET, "/api/v1/me")
                    .header(header::COOKIE, "mandate_session=idle")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn state_changing_page_requests_need_the_csrf_token() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let (cookie, csrf) = app.session(AccessRole::Admin).await;
        let org = app
            .store
            .organisation(app.org)
            .await
            .expect("read")
            .expect("org");
        let version = org.version.to_string();
        let fields = |token: &str| {
            vec![
                ("csrf_token", token.to_string()),
                ("version", version.clone()),
                ("name", "Acme Group".to_string()),
                ("fiscal_year_start_month", "4".to_string()),
            ]
        };
        let send = |fields: Vec<(&'static str, String)>| {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form_request("/settings", Some(&cookie), &refs)
        };
        let missing = app
            .send(form_request("/settings", Some(&cookie), &[("name", "X")]))
            .await;
        assert_eq!(missing.status(), StatusCode::FORBIDDEN, "{}", app.backend);
        let forged = app.send(send(fields("forged"))).await;
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let mut cross = send(fields(&csrf));
        cross.headers_mut().insert(
            header::ORIGIN,
            header::HeaderValue::from_static("https://evil.example"),
        );
        assert_eq!(app.send(cross).await.status(), StatusCode::FORBIDDEN);
        let ok = app.send(send(fields(&csrf))).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER, "{}", app.backend);
        let org = app
            .store
            .organisation(app.org)
            .await
            .expect("read")
            .expect("org");
        assert_eq!(
            (org.name.as_str(), org.fiscal_year_start_month),
            ("Acme Group", 4)
        );

        let api_without = app
            .send(
                request(Method::PUT, "/api/v1/organisation")
                    .header(header::COOKIE, &cookie)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(json_body(
                        &json!({"version": 2, "name": "Y", "fiscal_year_start_month": 1}),
                    ))
                    .expect("req"),
            )
            .await;
        assert_eq!(api_without.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            api_without
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
    }
}

#[tokio::test]
async fn the_people_api_pages_creates_updates_and_ends_employment() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let token = token_for(&app, AccessRole::IsmsManager).await;
        let mut seen = 0;
        let mut uri = "/api/v1/people?limit=15".to_string();
        loop {
            let page = body_json(app.send(api(Method::GET, &uri, &token, None)).await).await;
            seen += page["items"].as_array().map_or(0, Vec::len);
            match page["next_cursor"].as_str() {
                Some(c) => uri = format!("/api/v1/people?limit=15&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(seen, 40, "{}", app.backend);

        let created = app
            .send(api(
                Method::POST,
                "/api/v1/people",
                &token,
                Some(json!({"name": "Nia Obi", "email": "nia@acme.example", "kind": "contractor"})),
            ))
            .await;
        assert_eq!(created.status(), StatusCode::CREATED, "{}", app.backend);
        assert!(created.headers().get(header::LOCATION).is_some());
        let nia = body_json(created).await;
        let id = nia["id"].as_str().expect("id").to_string();
        assert_eq!(
            (nia["kind"].as_str(), nia["version"].as_i64()),
            (Some("contractor"), Some(1))
        );

        let found = body_json(
            app.send(api(
                Method::GET,
                "/api/v1/people?search=NIA%20OB",
                &token,
                None,
            ))
            .await,
        )
        .await;
        assert_eq!(found["items"][0]["id"].as_str(), Some(id.as_str()));

        let update = json!({"version": 1, "name": "Nia Obi", "email": "nia@acme.example", "department": "IT"});
        let updated = app
            .send(api(
                Method::PUT,
                &format!("/api/v1/people/{id}"),
                &token,
                Some(update.clone()),
            ))
            .await;
        assert_eq!(updated.status(), StatusCode::OK);
        let stale = app
            .send(api(
                Method::PUT,
                &format!("/api/v1/people/{id}"),
                &token,
                Some(update),
            ))
            .await;
        assert_eq!(stale.status(), StatusCode::CONFLICT, "{}", app.backend);
        assert_eq!(body_json(stale).await["status"], 409);

        let ended = app
            .send(api(
                Method::POST,
                &format!("/api/v1/people/{id}/end-employment"),
                &token,
                Some(json!({"version": 2, "end_date": "2026-12-31"})),
            ))
            .await;
        assert_eq!(ended.status(), StatusCode::OK);
        assert_eq!(
            body_json(ended).await["end_date"].as_str(),
            Some("2026-12-31")
        );

        let events = app
            .store
            .audit_events(
                app.org,
                &mandate_store::AuditQuery {
                    entity_id: Some(id),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .expect("events");
        let actions: Vec<&str> = events.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, vec!["end_employment", "update", "create"]);
        let actor = Actor::user(app.user(AccessRole::IsmsManager).id);
        assert!(
            events.items.iter().all(|e| e.actor == actor.as_str()),
            "changes are attributed to the token's user"
        );
    }
}

#[tokio::test]
async fn bad_api_input_gets_a_clear_problem_and_changes_nothing() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let token = token_for(&app, AccessRole::Admin).await;
        let before = app.store.people_count(app.org).await.expect("count");
        let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
            (
                request(Method::POST, "/api/v1/people")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from("{\"name\": "))
                    .expect("req"),
                StatusCode::BAD_REQUEST,
                "malformed JSON",
            ),
            (
                api(
                    Method::POST,
                    "/api/v1/people",
                    &token,
                    Some(json!({"name": "A", "email": "a@acme.example", "role": "x"})),
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown field",
            ),
            (
                api(
                    Method::POST,
                    "/api/v1/people",
                    &token,
                    Some(json!({"name": "A", "email": "nope"})),
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad email",
            ),
            (
                api(
                    Method::POST,
                    "/api/v1/people",
                    &token,
                    Some(json!({"name": "A", "email": "admin@acme.example"})),
                ),
                StatusCode::CONFLICT,
                "duplicate email",
            ),
            (
                api(
                    Method::POST,
                    "/api/v1/people",
                    &token,
                    Some(json!({"name": "x".repeat(300 * 1024), "email": "b@acme.example"})),
                ),
                StatusCode::PAYLOAD_TOO_LARGE,
                "body too large",
            ),
            (
                api(Method::GET, "/api/v1/people?cursor=zz", &token, None),
                StatusCode::BAD_REQUEST,
                "bad cursor",
            ),
            (
                api(Method::GET, "/api/v1/people?limit=0", &token, None),
                StatusCode::BAD_REQUEST,
                "bad limit",
            ),
            (
                api(Method::GET, "/api/v1/people/not-a-uuid", &token, None),
                StatusCode::BAD_REQUEST,
                "bad id",
            ),
            (
                api(
                    Method::GET,
                    "/api/v1/audit-events?from=yesterday",
                    &token,
                    None,
                ),
                StatusCode::BAD_REQUEST,
                "bad date",
            ),
            (
                api(Method::GET, "/api/v1/nothing-here", &token, None),
                StatusCode::NOT_FOUND,
                "unknown route",
            ),
        ];
        for (req, status, what) in cases {
            let r = app.send(req).await;
            assert_eq!(r.status(), status, "{}: {what}", app.backend);
            let kind = r
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            assert_eq!(kind, "application/problem+json", "{what}");
            let problem = body_json(r).await;
            assert_eq!(problem["status"], status.as_u16(), "{what}");
            assert!(
                problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
                "{what}"
            );
        }
        assert_eq!(
            app.store.people_count(app.org).await.expect("count"),
            before,
            "nothing half-written"
        );
    }
}

#[tokio::test]
async fn records_of_another_organisation_stay_invisible() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let other = App::add_org(&app.store, "globex").await;
        let theirs = app.store.people_all(other).await.expect("people").remove(3);
        let token = token_for(&app, AccessRole::Admin).await;
        let r = app
            .send(api(
                Method::GET,
                &format!("/api/v1/people/{}", theirs.id),
                &token,
                None,
            ))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{}", app.backend);
        let update = json!({"version": 1, "name": "Hijacked", "email": theirs.email.as_str()});
        let r = app
            .send(api(
                Method::PUT,
                &format!("/api/v1/people/{}", theirs.id),
                &token,
                Some(update),
            ))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let list = body_json(
            app.send(api(
                Method::GET,
                "/api/v1/people?limit=500&search=globex",
                &token,
                None,
            ))
            .await,
        )
        .await;
        assert_eq!(list["items"].as_array().map(Vec::len), Some(0));
        let (cookie, _) = app.session(AccessRole::Admin).await;
        let page = app
            .send(
                request(Method::GET, &format!("/people/{}", theirs.id))
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(page.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_revoked_token_opens_nothing() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let token = token_for(&app, AccessRole::Auditor).await;
        let audit = app
            .send(api(
                Method::GET,
                "/api/v1/audit-events?entity_type=user&limit=3",
                &token,
                None,
            ))
            .await;
        assert_eq!(audit.status(), StatusCode::OK);
        assert_eq!(
            body_json(audit).await["items"].as_array().map(Vec::len),
            Some(3)
        );
        let write = app
            .send(api(
                Method::POST,
                "/api/v1/people",
                &token,
                Some(json!({"name": "A", "email": "a@acme.example"})),
            ))
            .await;
        assert_eq!(
            write.status(),
            StatusCode::FORBIDDEN,
            "the auditor changes nothing"
        );
        let tokens = body_json(
            app.send(api(Method::GET, "/api/v1/me/tokens", &token, None))
                .await,
        )
        .await;
        let id = tokens["items"][0]["id"].as_str().expect("id").to_string();
        let revoked = app
            .send(api(
                Method::POST,
                &format!("/api/v1/me/tokens/{id}/revoke"),
                &token,
                None,
            ))
            .await;
        assert_eq!(revoked.status(), StatusCode::OK);
        let after = app.send(api(Method::GET, "/api/v1/me", &token, None)).await;
        assert_eq!(after.status(), StatusCode::UNAUTHORIZED, "{}", app.backend);
    }
}

#[tokio::test]
async fn pages_render_for_the_roles_that_may_see_them() {
    let mut app = App::new(TestDb::sqlite()).await;
    app.state = mandate_web::AppState::new(
        std::sync::Arc::clone(&app.store),
        mandate_web::WebConfig {
            metrics_token: Some("metrics-secret".into()),
            ..mandate_web::WebConfig::default()
        },
    );
    let (cookie, _) = app.session(AccessRole::Admin).await;
    let get = |uri: String| {
        request(Method::GET, &uri)
            .header(header::COOKIE, cookie.clone())
            .body(Body::empty())
            .expect("req")
    };
    let person = &app.people[12];
    for (uri, needle) in [
        ("/".to_string(), "Dashboard".to_string()),
        ("/people?search=".to_string(), "Add a person".to_string()),
        (format!("/people/{}", person.id), person.email.to_string()),
        (format!("/people/{}/edit", person.id), "Save".to_string()),
        ("/settings".to_string(), "Strategic goals".to_string()),
        ("/me".to_string(), "API tokens".to_string()),
        (
            "/audit?entity_type=person".to_string(),
            "create".to_string(),
        ),
        (
            "/auditor".to_string(),
            "Verifying the audit log".to_string(),
        ),
        (
            "/conformance".to_string(),
            "Clause 5 conformance".to_string(),
        ),
        ("/objectives".to_string(), "New objective".to_string()),
        (
            "/objectives/new".to_string(),
            "Strategic goal it serves".to_string(),
        ),
        ("/actions".to_string(), "New action".to_string()),
        ("/reviews".to_string(), "Plan a review".to_string()),
        ("/reports".to_string(), "Produce a report".to_string()),
        ("/roles".to_string(), "New role".to_string()),
        ("/policies".to_string(), "New policy".to_string()),
        ("/policies/new".to_string(), "First draft".to_string()),
        ("/exceptions".to_string(), "No exceptions".to_string()),
    ] {
        let r = app.send(get(uri.clone())).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        let html = body_text(r).await;
        assert!(html.contains(&needle), "{uri} lacks {needle:?}");
        assert!(
            html.contains("name=\"viewport\""),
            "{uri} is made for phones too"
        );
    }
    let metrics = body_text(
        app.send(
            request(Method::GET, "/metrics")
                .header(header::AUTHORIZATION, "Bearer metrics-secret")
                .body(Body::empty())
                .expect("req"),
        )
        .await,
    )
    .await;
    assert!(
        metrics.contains(
            "mandate_http_requests_total{method=\"GET\",route=\"/people/{id}\",status=\"200\"}"
        ),
        "{metrics}"
    );
    assert!(metrics.contains("mandate_db_pool_connections"));
}

#[tokio::test]
async fn a_page_address_whose_id_does_not_parse_is_not_found() {
    let app = App::new(TestDb::sqlite()).await;
    let mut tried = 0;
    for role in [
        AccessRole::Admin,
        AccessRole::TopManagement,
        AccessRole::Staff,
    ] {
        let (cookie, csrf) = app.session(role).await;
        for spec in table() {
            if spec.openapi.is_some()
                || !spec.path.contains('{')
                || spec.path.starts_with("/public/")
                // A link's secret is no id: any text is looked up, and one
                // that opens nothing is a link that does not work (410).
                || spec.path.starts_with("/password/")
                // SCIM answers in its own documents (`scim::` tests them).
                || spec.path.starts_with("/scim/")
            {
                continue;
            }
            let path = spec
                .path
                .replace("{id}", "not-an-id")
                .replace("{number}", "seven")
                .replace("{org}", "acme");
            let response = app
                .send(
                    request(spec.method.clone(), &path)
                        .header(header::COOKIE, &cookie)
                        .header("x-csrf-token", &csrf)
                        .body(Body::empty())
                        .expect("request"),
                )
                .await;
            if response.status() == StatusCode::FORBIDDEN {
                continue; // the access rule answers first
            }
            tried += 1;
            assert_eq!(
                response.status(),
                StatusCode::NOT_FOUND,
                "{} {path} as {role}",
                spec.method
            );
            let html = body_text(response).await;
            assert!(
                html.contains("<h1>Not found</h1>"),
                "{} {path}: {html}",
                spec.method
            );
        }
    }
    assert!(tried > 40, "only {tried} page routes with an id were tried");
}

#[tokio::test]
async fn people_are_added_and_edited_through_the_pages() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let (cookie, csrf) = app.session(AccessRole::IsmsManager).await;
        let manager = &app.people[0];
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("name", "Ola Nordmann"),
            ("email", "ola@acme.example"),
            ("department", "IT"),
            ("manager_email", manager.email.as_str()),
            ("kind", "contractor"),
            ("start_date", "2026-01-05"),
            ("end_date", ""),
        ];
        let created = app
            .send(form_request("/people", Some(&cookie), &fields))
            .await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER, "{}", app.backend);
        let to = created
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(
            to.starts_with("/people/") && to.ends_with("?notice=created"),
            "{to}"
        );
        let ola = app
            .store
            .person_by_email(
                app.org,
                &mandate_core::Email::parse("ola@acme.example").expect("email"),
            )
            .await
            .expect("read")
            .expect("created");
        assert_eq!(ola.manager_id, Some(manager.id));

        let mut bad = fields.to_vec();
        bad[2] = ("email", "ola@acme.example");
        let duplicate = app.send(form_request("/people", Some(&cookie), &bad)).await;
        assert_eq!(duplicate.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(duplicate).await;
        assert!(
            html.contains("already exists") && html.contains("value=\"Ola Nordmann\""),
            "the form comes back filled in"
        );

        let edit = [
            ("csrf_token", csrf.as_str()),
            ("version", "1"),
            ("name", "Ola Nordmann"),
            ("email", "ola@acme.example"),
            ("department", "Security"),
            ("manager_email", ""),
            ("kind", "employee"),
            ("start_date", "2026-01-05"),
            ("end_date", "not a date"),
        ];
        let invalid = app
            .send(form_request(
                &format!("/people/{}", ola.id),
                Some(&cookie),
                &edit,
            ))
            .await;
        assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(invalid).await;
        assert!(
            html.contains("end date:") && html.contains("is not a date (YYYY-MM-DD)"),
            "the field is named"
        );
        let mut fixed = edit.to_vec();
        fixed[8] = ("end_date", "");
        let saved = app
            .send(form_request(
                &format!("/people/{}", ola.id),
                Some(&cookie),
                &fixed,
            ))
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        let stale = app
            .send(form_request(
                &format!("/people/{}", ola.id),
                Some(&cookie),
                &fixed,
            ))
            .await;
        assert_eq!(
            stale.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: a stale edit is refused",
            app.backend
        );
        assert!(body_text(stale).await.contains("changed by someone else"));
        let ola = app
            .store
            .person(app.org, ola.id)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            (ola.department.as_deref(), ola.manager_id, ola.version),
            (Some("Security"), None, 2)
        );
    }
}

#[tokio::test]
async fn an_email_with_logins_in_two_organisations_is_asked_which() {
    let app = App::new(TestDb::sqlite()).await;
    // The same person holds a login in a second organisation.
    let other = NewOrganisation::new(Slug::parse("globex").expect("slug"), "Globex").expect("org");
    let rows =
        to_import_rows(&generate_people(9, 3, "acme.example", reference_day())).expect("rows");
    let (mut plan, _) = plan_import(other.id, &[], &rows, now());
    plan.inserts[0].email = mandate_core::Email::parse("admin@acme.example").expect("email");
    let login = NewUser {
        person_id: plan.inserts[0].id,
        access_role: AccessRole::Staff,
        password_hash: Some(password_hash()),
    };
    app.store
        .create_organisation(&Actor::system("test"), &other, &plan.inserts, &[login])
        .await
        .expect("org");

    let ask = app
        .send(form_request(
            "/sign-in",
            None,
            &[("email", "admin@acme.example"), ("password", PASSWORD)],
        ))
        .await;
    assert_eq!(ask.status(), StatusCode::OK);
    assert!(ask.headers().get(header::SET_COOKIE).is_none());
    assert!(body_text(ask).await.contains("say which one"));
    let fields = [
        ("email", "admin@acme.example"),
        ("password", PASSWORD),
        ("org", "globex"),
    ];
    let signed_in = app.send(form_request("/sign-in", None, &fields)).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let cookie = session_cookie(&signed_in).expect("a session");
    let me = app
        .send(
            request(Method::GET, "/api/v1/me")
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    let me = body_json(me).await;
    assert_eq!(
        (
            me["organisation"]["slug"].as_str(),
            me["user"]["access_role"].as_str()
        ),
        (Some("globex"), Some("staff"))
    );
}

#[tokio::test]
async fn admins_give_logins_change_roles_and_disable_them() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let admin = token_for(&app, AccessRole::Admin).await;
        let person = &app.people[20];
        let short = json!({"person_id": person.id.0, "access_role": "staff", "password": "short"});
        let r = app
            .send(api(Method::POST, "/api/v1/users", &admin, Some(short)))
            .await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            app.backend
        );
        let bad_role =
            json!({"person_id": person.id.0, "access_role": "root", "password": PASSWORD});
        assert_eq!(
            app.send(api(Method::POST, "/api/v1/users", &admin, Some(bad_role)))
                .await
                .status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        let good =
            json!({"person_id": person.id.0, "access_role": "manager", "password": PASSWORD});
        let created = app
            .send(api(
                Method::POST,
                "/api/v1/users",
                &admin,
                Some(good.clone()),
            ))
            .await;
        assert_eq!(created.status(), StatusCode::CREATED, "{}", app.backend);
        let user = body_json(created).await;
        assert_eq!(user["email"].as_str(), Some(person.email.as_str()));
        assert_eq!(
            app.send(api(Method::POST, "/api/v1/users", &admin, Some(good)))
                .await
                .status(),
            StatusCode::CONFLICT
        );

        // The new login signs in, then is disabled, and its session ends.
        let fields = [("email", person.email.as_str()), ("password", PASSWORD)];
        let signed_in = app.send(form_request("/sign-in", None, &fields)).await;
        let cookie = session_cookie(&signed_in).expect("a session");
        let id = user["id"].as_str().expect("id").to_string();
        let disable = json!({"access_role": "manager", "disabled": true});
        let r = app
            .send(api(
                Method::PUT,
                &format!("/api/v1/users/{id}"),
                &admin,
                Some(disable),
            ))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(body_json(r).await["disabled"], true);
        let me = app
            .send(
                request(Method::GET, "/api/v1/me")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(
            me.status(),
            StatusCode::UNAUTHORIZED,
            "{}: a disabled login's session ends",
            app.backend
        );
        let again = app.send(form_request("/sign-in", None, &fields)).await;
        assert_eq!(
            again.status(),
            StatusCode::UNAUTHORIZED,
            "a disabled login cannot sign in"
        );

        let admin_id = app.user(AccessRole::Admin).id.to_string();
        let demote = json!({"access_role": "staff", "disabled": false});
        let r = app
            .send(api(
                Method::PUT,
                &format!("/api/v1/users/{admin_id}"),
                &admin,
                Some(demote),
            ))
            .await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "an admin cannot lock themselves out"
        );
        let events = app
            .store
            .audit_events(
                app.org,
                &mandate_store::AuditQuery {
                    entity_id: Some(id),
                    limit: 5,
                    ..Default::default()
                },
            )
            .await
            .expect("events");
        let actions: Vec<&str> = events.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, vec!["update", "create"]);
        assert!(
            events
                .items
                .iter()
                .all(|e| !e.after.as_deref().unwrap_or("").contains("argon2")),
            "no hash in the log"
        );
    }
}

#[tokio::test]
async fn the_users_page_adds_a_login_by_email() {
    let app = App::new(TestDb::sqlite()).await;
    let (cookie, csrf) = app.session(AccessRole::Admin).await;
    let person = &app.people[25];
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("email", person.email.as_str()),
        ("access_role", "auditor"),
        ("password", PASSWORD),
    ];
    let r = app
        .send(form_request("/users", Some(&cookie), &fields))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let nobody = [
        ("csrf_token", csrf.as_str()),
        ("email", "ghost@acme.example"),
        ("access_role", "staff"),
        ("password", PASSWORD),
    ];
    let r = app
        .send(form_request("/users", Some(&cookie), &nobody))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(r).await.contains("nobody in the people register"));
    let page = app
        .send(
            request(Method::GET, "/users")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    let html = body_text(page).await;
    assert!(html.contains(person.email.as_str()) && html.contains("Give a person a login"));
    let (staff_cookie, _) = app.session(AccessRole::Auditor).await;
    let read_only = app
        .send(
            request(Method::GET, "/users")
                .header(header::COOKIE, staff_cookie)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(read_only.status(), StatusCode::OK);
    assert!(
        !body_text(read_only).await.contains("Give a person a login"),
        "the auditor sees, and changes nothing"
    );
}

#[tokio::test]
async fn leavers_lose_access_and_logins_follow_their_person() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let (cookie, _) = app.session(AccessRole::Manager).await;
        let manager = app.user(AccessRole::Manager).clone();
        let admin = token_for(&app, AccessRole::Admin).await;
        // A token cannot make more tokens.
        let minted = app
            .send(api(
                Method::POST,
                "/api/v1/me/tokens",
                &admin,
                Some(json!({"name": "copy"})),
            ))
            .await;
        assert_eq!(minted.status(), StatusCode::FORBIDDEN, "{}", app.backend);

        let person = app
            .store
            .person(app.org, manager.person_id)
            .await
            .expect("read")
            .expect("exists");
        let moved = json!({"version": person.version, "name": person.name, "email": "boss@acme.example",
            "kind": "employee", "department": person.department});
        let r = app
            .send(api(
                Method::PUT,
                &format!("/api/v1/people/{}", person.id),
                &admin,
                Some(moved),
            ))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", app.backend);
        let login = app
            .store
            .user(app.org, manager.id)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            login.email.as_str(),
            "boss@acme.example",
            "{}: the login follows its person",
            app.backend
        );
        let signed_in = app
            .send(form_request(
                "/sign-in",
                None,
                &[("email", "boss@acme.example"), ("password", PASSWORD)],
            ))
            .await;
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);

        let yesterday = (now() - time::Duration::days(1)).date().to_string();
        let ended = json!({"version": person.version + 1, "end_date": yesterday});
        let r = app
            .send(api(
                Method::POST,
                &format!("/api/v1/people/{}/end-employment", person.id),
                &admin,
                Some(ended),
            ))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let me = app
            .send(
                request(Method::GET, "/me")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(
            me.status(),
            StatusCode::SEE_OTHER,
            "{}: a leaver's session ends",
            app.backend
        );
        let again = app
            .send(form_request(
                "/sign-in",
                None,
                &[("email", "boss@acme.example"), ("password", PASSWORD)],
            ))
            .await;
        assert_eq!(
            again.status(),
            StatusCode::UNAUTHORIZED,
            "{}: a leaver cannot sign in",
            app.backend
        );
    }
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled() {
    let app = App::new(TestDb::sqlite()).await;
    let (cookie, csrf) = app.session(AccessRole::Staff).await;
    let guess = |current: &'static str| {
        form_request(
            "/me/password",
            Some(&cookie),
            &[
                ("csrf_token", &csrf),
                ("current", current),
                ("new_password", "a brand new passphrase"),
            ],
        )
    };
    for _ in 0..5 {
        let r = app.send(guess("wrong guess")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body_text(r)
                .await
                .contains("Your current password is not that.")
        );
    }
    let held = app.send(guess(PASSWORD)).await;
    assert_eq!(held.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(held)
            .await
            .contains("Too many wrong current passwords"),
        "even the right one waits"
    );
}
