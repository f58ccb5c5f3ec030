//! What the web tests share: an organisation with one login per access
//! role on a given backend, and helpers to send requests to the router.

#![allow(dead_code)] // each test binary uses its own part of this

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use axum::response::Response;
use mandate_core::audit::Actor;
use mandate_core::generator::{generate_people, reference_day, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::password::hash_password;
use mandate_core::roles::AssignmentTerms;
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_core::{AccessRole, NewOrganisation, NewUser, OrgId, Person, Slug, User};
use mandate_store::{DatabaseUrl, Store, keyfile};
use mandate_testkit::TestDb;
pub use mandate_testkit::fixtures;
use mandate_web::{AppState, WebConfig, router};
use serde_json::{Value, json};
use std::sync::{Arc, OnceLock};
use time::Duration;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery staple";

pub fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password(PASSWORD).expect("hashes"))
        .clone()
}

pub struct App {
    pub _db: TestDb,
    pub backend: &'static str,
    pub store: Arc<Store>,
    pub state: AppState,
    pub org: OrgId,
    pub people: Vec<Person>,
    pub users: Vec<User>,
}

impl App {
    /// An organisation of 40 people with one login per access role.
    pub async fn new(db: TestDb) -> Self {
        let key = keyfile::load_or_create(&db.key_path()).expect("key");
        let store = Arc::new(
            Store::open(&DatabaseUrl::parse(&db.url).expect("url"), true, Some(key))
                .await
                .expect("store"),
        );
        let org = Self::add_org(&store, "acme").await;
        let people = store.people_all(org).await.expect("people");
        let users = store.users(org).await.expect("users");
        let state = AppState::new(Arc::clone(&store), WebConfig::default());
        Self {
            backend: db.backend,
            _db: db,
            store,
            state,
            org,
            people,
            users,
        }
    }

    pub async fn add_org(store: &Store, slug: &str) -> OrgId {
        let new = NewOrganisation::new(Slug::parse(slug).expect("slug"), &format!("{slug} Ltd"))
            .expect("org");
        let domain = format!("{slug}.example");
        let mut generated = generate_people(5, 40, &domain, reference_day());
        for (i, role) in AccessRole::ALL.iter().enumerate() {
            generated[i].email = format!("{}@{domain}", role.as_str());
        }
        let rows = to_import_rows(&generated).expect("rows");
        let (plan, errors) = plan_import(new.id, &[], &rows, now());
        assert!(errors.is_empty());
        let users: Vec<NewUser> = AccessRole::ALL
            .iter()
            .enumerate()
            .map(|(i, role)| NewUser {
                person_id: plan.inserts[i].id,
                access_role: *role,
                password_hash: Some(password_hash()),
            })
            .collect();
        store
            .create_organisation(&Actor::system("test"), &new, &plan.inserts, &users)
            .await
            .expect("org")
            .id
    }

    pub fn user(&self, role: AccessRole) -> &User {
        self.users
            .iter()
            .find(|u| u.access_role == role)
            .expect("a user per role")
    }

    /// A signed-in session for `role`: (cookie, csrf token).
    pub async fn session(&self, role: AccessRole) -> (String, String) {
        let user = self.user(role);
        let secret = format!("s-{}-{}", role.as_str(), uuid::Uuid::now_v7());
        let csrf = format!("c-{}", uuid::Uuid::now_v7());
        self.store
            .create_session(self.org, user.id, &secret_hash(&secret), &csrf, now())
            .await
            .expect("session");
        (format!("mandate_session={secret}"), csrf)
    }

    pub async fn send(&self, request: Request<Body>) -> Response {
        router(self.state.clone())
            .oneshot(request)
            .await
            .expect("infallible")
    }
}

pub async fn body_text(response: Response) -> String {
    String::from_utf8_lossy(&to_bytes(response.into_body(), 4 << 20).await.expect("body"))
        .into_owned()
}

pub async fn body_json(response: Response) -> Value {
    serde_json::from_str(&body_text(response).await).expect("a JSON body")
}

pub fn request(method: Method, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "mandate.test")
}

pub fn json_body(value: &Value) -> Body {
    Body::from(value.to_string())
}

/// An API token for `role`, made through the API itself.
pub async fn token_for(app: &App, role: AccessRole) -> String {
    let (cookie, csrf) = app.session(role).await;
    let r = app
        .send(
            request(Method::POST, "/api/v1/me/tokens")
                .header(header::COOKIE, cookie)
                .header("x-csrf-token", csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(json_body(&json!({"name": "ci"})))
                .expect("req"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    body_json(r).await["secret"]
        .as_str()
        .expect("secret")
        .to_string()
}

pub fn api(method: Method, uri: &str, token: &str, body: Option<Value>) -> Request<Body> {
    let b = request(method, uri).header(header::AUTHORIZATION, format!("Bearer {token}"));
    match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(json_body(&v))
            .expect("req"),
        None => b.body(Body::empty()).expect("req"),
    }
}

pub fn form(fields: &[(&str, &str)]) -> Body {
    let encoded: Vec<String> = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                mandate_web::pages::url_encode(v).replace('/', "%2F")
            )
        })
        .collect();
    Body::from(encoded.join("&"))
}

pub fn form_request(uri: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Request<Body> {
    let mut b = request(Method::POST, uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(form(fields)).expect("request")
}

/// Sends an API request with a bearer token; the status and the JSON body
/// (null when the body is not JSON).
pub async fn call(
    app: &App,
    method: Method,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let r = app.send(api(method, uri, token, body)).await;
    let status = r.status();
    let text = body_text(r).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Starter roles, and the top-management login holding the top role.
pub async fn set_up(app: &App) {
    set_up_with_capacity(app, None).await;
}

/// [`set_up`], the top role held for `capacity` percent of the boss's time.
pub async fn set_up_with_capacity(app: &App, capacity: Option<u8>) {
    fixtures::starter_roles(&app.store, app.org).await;
    let top = fixtures::top_management_role(&app.store, app.org).await;
    let boss = app.user(AccessRole::TopManagement).person_id;
    let since = now().date() - Duration::days(30);
    let held = AssignmentTerms {
        capacity_percent: capacity,
        ..fixtures::terms(top, boss, since)
    };
    fixtures::assign(&app.store, app.org, app.user(AccessRole::Admin).id, held).await;
}

/// Creates and publishes a policy addressed to `audience`; its first version's path.
pub async fn published(
    app: &App,
    editor: &str,
    boss: &str,
    title: &str,
    kind: &str,
    audience: Value,
) -> (String, Value) {
    publish_policy(
        app,
        editor,
        boss,
        json!({
        "title": title, "kind": kind, "owner_role": "ISMS manager", "audience": audience,
        "body": format!("# {title}\n\nLock your screen."), "change_summary": "First"}),
    )
    .await
}

/// Creates and publishes a topic-specific policy under `parent` (a policy
/// id) addressed to `audience`; its first version's path.
pub async fn published_topic(
    app: &App,
    editor: &str,
    boss: &str,
    title: &str,
    parent: &str,
    audience: Value,
) -> (String, Value) {
    publish_policy(
        app,
        editor,
        boss,
        json!({
        "title": title, "kind": "topic", "parent_id": parent, "owner_role": "ISMS manager",
        "audience": audience, "body": format!("# {title}\n\nLock your screen."),
        "change_summary": "First"}),
    )
    .await
}

async fn publish_policy(app: &App, editor: &str, boss: &str, policy: Value) -> (String, Value) {
    let (s, p) = call(app, Method::POST, "/api/v1/policies", editor, Some(policy)).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let v1 = format!(
        "/api/v1/policies/{}/versions/1",
        p["policy"]["id"].as_str().expect("id")
    );
    let (s, v) = call(
        app,
        Method::POST,
        &format!("{v1}/submit"),
        editor,
        Some(json!({"confirm_missing_elements": true})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, d) = call(
        app,
        Method::POST,
        &format!("{v1}/decisions"),
        boss,
        Some(json!({"verdict": "approve"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (s, v) = call(app, Method::POST, &format!("{v1}/publish"), editor, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (v1, p)
}
