//! Letting the workforce in: invitations and password resets, through the
//! API and the pages, on every backend. The mail's sending is played by
//! giving the link its secret as the sender does (the real sender, through
//! a real SMTP server, is in the CLI's mail tests).

use crate::support::{App, body_text, call, form_request, request, token_for};
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use mandate_core::login_link::{LINK_PLACEHOLDER, link_of_dedupe_key};
use mandate_core::outbox::Mail;
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_core::{AccessRole, Person};
use mandate_store::OutboxQuery;
use mandate_testkit::TestDb;
use serde_json::json;

/// The outbox's messages of `kind`, newest first.
async fn mails(app: &App, kind: &str) -> Vec<Mail> {
    let page = app
        .store
        .outbox_page(
            app.org,
            &OutboxQuery {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .expect("outbox");
    page.items
        .into_iter()
        .filter(|m| m.mail.kind == kind)
        .collect()
}

/// The outbox's messages of `kind` once there are `count` of them: a reset
/// is queued after its page has answered.
async fn eventually(app: &App, kind: &str, count: usize) -> Vec<Mail> {
    for _ in 0..200 {
        let found = mails(app, kind).await;
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    mails(app, kind).await
}

/// Sends `mail` as the sender would: its link takes a secret, returned.
async fn send(app: &App, mail: &Mail) -> String {
    let link = link_of_dedupe_key(&mail.mail.dedupe_key).expect("a link's mail");
    let token = format!("mll_{}", uuid::Uuid::now_v7().simple());
    app.store
        .mark_link_sent(app.org, link, &mail.mail.to, &secret_hash(&token), now())
        .await
        .expect("marked")
        .expect("a live link");
    token
}

/// Someone in the register with no login.
fn without_login(app: &App) -> &Person {
    app.people
        .iter()
        .find(|p| app.users.iter().all(|u| u.person_id != p.id))
        .expect("someone without a login")
}

/// Chooses a password on the page a link opens.
async fn choose(app: &App, token: &str, password: &str, again: &str) -> axum::response::Response {
    app.send(form_request(
        "/password/link",
        None,
        &[
            ("token", token),
            ("password", password),
            ("password_again", again),
        ],
    ))
    .await
}

async fn get(app: &App, uri: &str, cookie: Option<&str>) -> axum::response::Response {
    let mut r = request(Method::GET, uri);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    app.send(r.body(Body::empty()).expect("req")).await
}

fn cookie_of(r: &axum::response::Response) -> String {
    let set = r
        .headers()
        .get(header::SET_COOKIE)
        .expect("a session cookie")
        .to_str()
        .expect("text");
    set.split(';').next().expect("name=value").to_string()
}

#[tokio::test]
async fn an_invited_person_sets_a_password_once_and_lands_on_their_tasks() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let admin = token_for(&app, AccessRole::Admin).await;
        let staff = token_for(&app, AccessRole::Staff).await;
        let ana = without_login(&app).clone();
        let body = json!({"person_id": ana.id});

        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/invitations",
            &staff,
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: staff invite nobody");
        let (status, done) = call(
            &app,
            Method::POST,
            "/api/v1/invitations",
            &admin,
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{b}: {done}");
        assert_eq!(done["invited"], 1);

        // The queued mail holds no link: whoever reads the outbox cannot use it.
        let queued = mails(&app, "invitation").await;
        assert_eq!(queued.len(), 1, "{b}");
        assert_eq!(queued[0].mail.to, ana.email.to_string());
        assert!(queued[0].mail.body.contains(LINK_PLACEHOLDER));
        assert!(!queued[0].mail.body.contains("mll_"));
        let token = send(&app, &queued[0]).await;

        let page = get(&app, &format!("/password/link/{token}"), None).await;
        assert_eq!(page.status(), StatusCode::OK, "{b}");
        assert_eq!(page.headers()[header::REFERRER_POLICY], "no-referrer");
        let html = body_text(page).await;
        assert!(
            html.contains(&ana.name) && html.contains("acme Ltd"),
            "{b}: {html}"
        );

        // Two different passwords, or a short one: the form again, nothing spent.
        let differ = choose(
            &app,
            &token,
            "a long enough password",
            "another long password",
        )
        .await;
        assert_eq!(differ.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let short = choose(&app, &token, "short", "short").await;
        assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(body_text(short).await.contains("at least 12 characters"));

        let password = "a long enough password";
        let set = choose(&app, &token, password, password).await;
        assert_eq!(set.status(), StatusCode::SEE_OTHER, "{b}: {}", set.status());
        assert_eq!(set.headers()[header::LOCATION], "/tasks");
        let cookie = cookie_of(&set);
        let tasks = get(&app, "/tasks", Some(&cookie)).await;
        assert_eq!(tasks.status(), StatusCode::OK, "{b}: signed in");

        // The login is staff, and its password signs in.
        let (user, _) = app
            .store
            .user_by_email(app.org, &ana.email)
            .await
            .expect("read")
            .expect("a login now");
        assert_eq!(user.access_role, AccessRole::Staff);
        let signed_in = app
            .send(form_request(
                "/sign-in",
                None,
                &[
                    ("email", ana.email.as_str()),
                    ("password", password),
                    ("next", "/tasks"),
                ],
            ))
            .await;
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "{b}");

        // The link works once.
        let again = choose(&app, &token, "yet another password", "yet another password").await;
        assert_eq!(again.status(), StatusCode::GONE, "{b}");
        let page = get(&app, &format!("/password/link/{token}"), None).await;
        assert_eq!(page.status(), StatusCode::GONE, "{b}");

        // Now that Ana can sign in, she is not invited again.
        let (status, refused) = call(
            &app,
            Method::POST,
            "/api/v1/invitations",
            &admin,
            Some(json!({"person_id": ana.id})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {refused}");
        assert!(
            refused["detail"]
                .as_str()
                .unwrap_or("")
                .contains("can sign in already")
        );
    }
}

#[tokio::test]
async fn everyone_who_cannot_sign_in_is_invited_once_in_one_action() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let admin = token_for(&app, AccessRole::Admin).await;
        let without = app.people.len() - app.users.len();

        let (status, before) = call(&app, Method::GET, "/api/v1/invitations", &admin, None).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(before["invited"], without, "{b}: {before}");

        let everyone = Some(json!({"everyone": true}));
        let (status, done) = call(
            &app,
            Method::POST,
            "/api/v1/invitations",
            &admin,
            everyone.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{b}: {done}");
        assert_eq!(done["invited"], without);
        assert_eq!(mails(&app, "invitation").await.len(), without);
        // Clicked twice: nobody gets a second mail.
        let (_, twice) = call(&app, Method::POST, "/api/v1/invitations", &admin, everyone).await;
        assert_eq!(twice["invited"], 0, "{b}: {twice}");
        assert_eq!(twice["already_invited"], without);
        assert_eq!(mails(&app, "invitation").await.len(), without);

        for bad in [
            json!({}),
            json!({"everyone": true, "department": "Sales"}),
            json!({"department": "No such department"}),
            json!({"person_id": uuid::Uuid::now_v7()}),
        ] {
            let (status, problem) = call(
                &app,
                Method::POST,
                "/api/v1/invitations",
                &admin,
                Some(bad.clone()),
            )
            .await;
            assert!(
                status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::NOT_FOUND,
                "{b}: {bad} gave {status}"
            );
            assert!(problem["detail"].is_string(), "{b}: {problem}");
        }
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/invitations",
            &admin,
            Some(json!({"everyone": true, "extra": 1})),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: unknown fields are refused"
        );

        // The page shows the same counts, and only to those who may invite.
        let (cookie, _) = app.session(AccessRole::IsmsManager).await;
        let page = get(&app, "/people/invitations", Some(&cookie)).await;
        assert_eq!(page.status(), StatusCode::OK, "{b}");
        assert!(
            body_text(page)
                .await
                .contains(&format!("{without} more have an open invitation"))
        );
        let (cookie, _) = app.session(AccessRole::Staff).await;
        let page = get(&app, "/people/invitations", Some(&cookie)).await;
        assert_eq!(page.status(), StatusCode::FORBIDDEN, "{b}");
    }
}

#[tokio::test]
async fn forgot_password_answers_alike_for_every_email_and_is_throttled() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let ask = |email: &str| form_request("/password/forgot", None, &[("email", email)]);
        let known = app.send(ask("admin@acme.example")).await;
        assert_eq!(known.status(), StatusCode::OK, "{b}");
        let known = body_text(known)
            .await
            .replace("admin@acme.example", "EMAIL");
        let unknown = app.send(ask("nobody@acme.example")).await;
        assert_eq!(unknown.status(), StatusCode::OK, "{b}");
        let unknown = body_text(unknown)
            .await
            .replace("nobody@acme.example", "EMAIL");
        assert_eq!(known, unknown, "{b}: the answer says nothing of the email");

        let resets = eventually(&app, "password_reset", 1).await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(
            mails(&app, "password_reset").await.len(),
            1,
            "{b}: one mail, to the login that exists"
        );
        assert_eq!(resets[0].mail.to, "admin@acme.example");
        let token = send(&app, &resets[0]).await;
        let password = "a brand new password";
        let set = choose(&app, &token, password, password).await;
        assert_eq!(set.status(), StatusCode::SEE_OTHER, "{b}");
        let (user, _) = app
            .store
            .user_by_email(
                app.org,
                &mandate_core::Email::parse("admin@acme.example").expect("email"),
            )
            .await
            .expect("read")
            .expect("login");
        assert_eq!(
            user.access_role,
            AccessRole::Admin,
            "{b}: a reset keeps the role"
        );

        // Three more for the same email within the window, and the rest go nowhere;
        // from one address, the sixth request is refused.
        for _ in 0..3 {
            assert_eq!(
                app.send(ask("admin@acme.example")).await.status(),
                StatusCode::OK
            );
        }
        // One new link: while its mail waits, asking again queues no other
        // (and kills none), and the fourth request is over the email's limit.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let resets = mails(&app, "password_reset").await;
        assert_eq!(resets.len(), 2, "{b}: one more mail, not three");
        assert!(
            resets
                .iter()
                .all(|m| m.state == mandate_core::outbox::MailState::Queued),
            "{b}"
        );
        let refused = app.send(ask("staff@acme.example")).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert!(refused.headers().contains_key(header::RETRY_AFTER));
    }
}

#[tokio::test]
async fn one_person_is_invited_from_their_page() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let ana = without_login(&app).clone();
        let (cookie, csrf) = app.session(AccessRole::Admin).await;
        let id = ana.id.to_string();
        let r = app
            .send(form_request(
                "/people/invitations",
                Some(&cookie),
                &[
                    ("csrf_token", &csrf),
                    ("scope", "person"),
                    ("person_id", &id),
                ],
            ))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{b}");
        assert_eq!(
            r.headers()[header::LOCATION],
            format!("/people/{id}?notice=invited")
        );
        let page = get(&app, &format!("/people/{id}?notice=invited"), Some(&cookie)).await;
        let html = body_text(page).await;
        assert!(html.contains("invitation is queued"), "{b}: {html}");
        assert_eq!(mails(&app, "invitation").await.len(), 1, "{b}");
        // Without the session's CSRF token, nothing is queued.
        let forged = app
            .send(form_request(
                "/people/invitations",
                Some(&cookie),
                &[("scope", "everyone")],
            ))
            .await;
        assert_eq!(forged.status(), StatusCode::FORBIDDEN, "{b}");
        assert_eq!(mails(&app, "invitation").await.len(), 1, "{b}");
    }
}

#[tokio::test]
async fn only_an_admin_moves_the_email_of_someone_who_can_sign_in() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let admin_person = app
            .store
            .person(app.org, app.user(AccessRole::Admin).person_id)
            .await
            .expect("read")
            .expect("admin");
        let readdress = |person: &Person, email: &str| {
            json!({
                "name": person.name, "email": email, "department": person.department,
                "manager_id": person.manager_id, "kind": person.kind.as_str(),
                "start_date": person.start_date.map(|d| d.to_string()),
                "end_date": person.end_date.map(|d| d.to_string()), "version": person.version,
            })
        };
        let isms = token_for(&app, AccessRole::IsmsManager).await;
        let uri = format!("/api/v1/people/{}", admin_person.id);
        let (status, problem) = call(
            &app,
            Method::PUT,
            &uri,
            &isms,
            Some(readdress(&admin_person, "evil@attacker.example")),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: {problem}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or("")
                .contains("only an admin"),
            "{b}: {problem}"
        );
        // The same through the form.
        let (cookie, csrf) = app.session(AccessRole::IsmsManager).await;
        let version = admin_person.version.to_string();
        let page = app
            .send(form_request(
                &format!("/people/{}", admin_person.id),
                Some(&cookie),
                &[
                    ("csrf_token", &csrf),
                    ("version", &version),
                    ("name", &admin_person.name),
                    ("email", "evil@attacker.example"),
                    ("kind", "employee"),
                ],
            ))
            .await;
        assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(body_text(page).await.contains("only an admin"), "{b}");
        let unchanged = app
            .store
            .person(app.org, admin_person.id)
            .await
            .expect("read")
            .expect("admin");
        assert_eq!(unchanged.email, admin_person.email, "{b}");

        // Someone without a login: the ISMS manager may correct their email.
        let ana = without_login(&app).clone();
        let uri = format!("/api/v1/people/{}", ana.id);
        let (status, body) = call(
            &app,
            Method::PUT,
            &uri,
            &isms,
            Some(readdress(&ana, "ana.new@acme.example")),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        // The old address hears of it, and from whom.
        let told = mails(&app, "email_changed").await;
        assert_eq!(told.len(), 1, "{b}");
        assert_eq!(told[0].mail.to, ana.email.to_string());
        assert!(
            told[0].mail.body.contains("ana.new@acme.example")
                && told[0].mail.body.contains("isms_manager@acme.example"),
            "{b}: {}",
            told[0].mail.body
        );
        // An admin may move a login's email.
        let admin = token_for(&app, AccessRole::Admin).await;
        let staff_person = app
            .store
            .person(app.org, app.user(AccessRole::Staff).person_id)
            .await
            .expect("read")
            .expect("staff");
        let uri = format!("/api/v1/people/{}", staff_person.id);
        let (status, body) = call(
            &app,
            Method::PUT,
            &uri,
            &admin,
            Some(readdress(&staff_person, "staff.new@acme.example")),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
    }
}

#[tokio::test]
async fn only_an_admin_ends_an_admins_employment() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let admin_person = app
            .store
            .person(app.org, app.user(AccessRole::Admin).person_id)
            .await
            .expect("read")
            .expect("admin");
        let isms = token_for(&app, AccessRole::IsmsManager).await;
        let body = json!({"version": admin_person.version, "end_date": "2026-01-01"});
        let uri = format!("/api/v1/people/{}/end-employment", admin_person.id);
        let (status, problem) = call(&app, Method::POST, &uri, &isms, Some(body.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: {problem}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or("")
                .contains("only an admin"),
            "{b}"
        );
        // Staff leave through the ISMS manager as ever.
        let staff_person = app.user(AccessRole::Staff).person_id;
        let staff = app
            .store
            .person(app.org, staff_person)
            .await
            .expect("read")
            .expect("staff");
        let uri = format!("/api/v1/people/{}/end-employment", staff.id);
        let body = json!({"version": staff.version, "end_date": "2026-01-01"});
        let (status, answer) = call(&app, Method::POST, &uri, &isms, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{b}: {answer}");
    }
}

#[tokio::test]
async fn a_reset_mail_stuck_in_doubt_does_not_block_the_next() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let ask = || {
            form_request(
                "/password/forgot",
                None,
                &[("email", "auditor@acme.example")],
            )
        };
        assert_eq!(app.send(ask()).await.status(), StatusCode::OK);
        assert_eq!(eventually(&app, "password_reset", 1).await.len(), 1, "{b}");
        // The sender stopped between claiming the mail and making its link.
        app._db
            .execute("UPDATE outbox SET state = 'uncertain' WHERE kind = 'password_reset'")
            .await;
        assert_eq!(app.send(ask()).await.status(), StatusCode::OK);
        assert_eq!(
            eventually(&app, "password_reset", 2).await.len(),
            2,
            "{b}: a new link goes"
        );
    }
}
