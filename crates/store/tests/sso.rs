//! Single sign-on settings and sign-ins under way on every backend: the
//! client secret sealed and never in the audit log, break-glass admins
//! checked, a sign-in taken once.

use mandate_core::audit::Actor;
use mandate_core::generator::{generate_people, reference_day, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::sso::{PasswordPolicy, SsoSettings};
use mandate_core::timefmt::now;
use mandate_core::{AccessRole, Email, NewOrganisation, NewUser, OrgId, Person, Slug};
use mandate_store::{DatabaseUrl, SecretChange, SsoLogin, Store, StoreError, keyfile};
use mandate_testkit::TestDb;

pub(crate) async fn org(db: &TestDb) -> (Store, OrgId, Vec<Person>) {
    let key = keyfile::load_or_create(&db.key_path()).expect("key");
    let store = Store::open(&DatabaseUrl::parse(&db.url).expect("url"), true, Some(key))
        .await
        .expect("store");
    let new = NewOrganisation::new(Slug::parse("acme").expect("slug"), "Acme").expect("org");
    let rows =
        to_import_rows(&generate_people(5, 6, "acme.example", reference_day())).expect("rows");
    let (plan, errors) = plan_import(new.id, &[], &rows, now());
    assert!(errors.is_empty());
    let logins = vec![
        NewUser {
            person_id: plan.inserts[0].id,
            access_role: AccessRole::Admin,
            password_hash: Some("$argon2id$x".into()),
        },
        NewUser {
            person_id: plan.inserts[1].id,
            access_role: AccessRole::Admin,
            password_hash: None,
        },
        NewUser {
            person_id: plan.inserts[2].id,
            access_role: AccessRole::Staff,
            password_hash: Some("$argon2id$x".into()),
        },
    ];
    store
        .create_organisation(&Actor::system("test"), &new, &plan.inserts, &logins)
        .await
        .expect("org");
    (store, new.id, plan.inserts)
}

pub(crate) fn settings() -> SsoSettings {
    SsoSettings {
        enabled: true,
        display_name: "Acme ID".into(),
        issuer: "https://id.acme.example".into(),
        client_id: "mandate".into(),
        ..SsoSettings::default()
    }
}

#[tokio::test]
async fn the_client_secret_is_sealed_and_opens_only_with_the_key() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, org, people) = org(&db).await;
        let actor = Actor::system("test");
        let fresh = store.sso_settings(org).await.expect("read");
        assert_eq!((fresh.version, fresh.client_secret_set), (0, false), "{b}");
        // On without a secret: refused, nothing kept.
        let refused = store
            .save_sso_settings(&actor, org, Some(0), settings(), SecretChange::Keep)
            .await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{b}");
        assert_eq!(
            store.sso_settings(org).await.expect("read").version,
            0,
            "{b}"
        );

        let saved = store
            .save_sso_settings(
                &actor,
                org,
                Some(0),
                settings(),
                SecretChange::Set("s3cret-value".into()),
            )
            .await
            .expect("saved");
        assert!(
            saved.client_secret_set && saved.client_secret_readable,
            "{b}"
        );
        assert_eq!(
            store.sso_client_secret(org).await.expect("read").as_deref(),
            Some("s3cret-value"),
            "{b}"
        );
        assert_eq!(
            db.count("sso_settings WHERE client_secret_sealed LIKE 'v1:%' AND client_secret_sealed NOT LIKE '%s3cret%'")
                .await,
            1,
            "{b}: sealed"
        );
        // A stale version is refused.
        let stale = store
            .save_sso_settings(&actor, org, Some(0), settings(), SecretChange::Keep)
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict(_))),
            "{b}: {stale:?}"
        );
        // Kept across a save that does not name it.
        store
            .save_sso_settings(&actor, org, Some(1), settings(), SecretChange::Keep)
            .await
            .expect("saved");
        assert_eq!(
            store.sso_client_secret(org).await.expect("read").as_deref(),
            Some("s3cret-value"),
            "{b}"
        );
        assert_eq!(store.sso_offered().await.expect("read").len(), 1, "{b}");

        // Break-glass admins: an admin with a password, nobody else.
        let glass = |email: &Email| SsoSettings {
            passwords: PasswordPolicy::BreakGlassOnly,
            break_glass: vec![email.clone()],
            ..settings()
        };
        for (who, fits) in [
            (&people[0], true),
            (&people[1], false),
            (&people[2], false),
            (&people[3], false),
        ] {
            let saved = store
                .save_sso_settings(&actor, org, None, glass(&who.email), SecretChange::Keep)
                .await;
            assert_eq!(saved.is_ok(), fits, "{b}: {} {saved:?}", who.email);
        }

        // Without the key (a copy of the database, read only): the secret
        // does not open.
        store.close().await;
        let store = Store::open(&DatabaseUrl::parse(&db.url).expect("url"), false, None)
            .await
            .expect("store");
        let config = store.sso_settings(org).await.expect("read");
        assert!(
            config.client_secret_set && !config.client_secret_readable,
            "{b}"
        );
        assert_eq!(
            store.sso_client_secret(org).await.expect("read"),
            None,
            "{b}"
        );

        // The audit log says the secret was set, never what it is.
        assert!(
            db.count("audit_events WHERE entity_type = 'sso_settings' AND after_json LIKE '%\"client_secret\":\"set\"%'")
                .await
                >= 1,
            "{b}"
        );
        assert_eq!(
            db.count(
                "audit_events WHERE before_json LIKE '%s3cret%' OR after_json LIKE '%s3cret%'"
            )
            .await,
            0,
            "{b}: never the secret"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_sign_in_under_way_is_taken_once() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, org, _) = org(&db).await;
        let login = SsoLogin {
            org_id: org,
            browser_hash: "b".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            next_path: "/tasks".into(),
            created_at: now(),
        };
        store
            .begin_sso_login("state-hash", &login)
            .await
            .expect("kept");
        let (first, second) = tokio::join!(
            store.take_sso_login("state-hash"),
            store.take_sso_login("state-hash")
        );
        let taken = [first.expect("read"), second.expect("read")];
        assert_eq!(taken.iter().flatten().count(), 1, "{b}: one winner");
        assert_eq!(taken.iter().flatten().next(), Some(&login), "{b}");
        // Old ones are forgotten when the next begins.
        let old = SsoLogin {
            created_at: now() - time::Duration::minutes(11),
            ..login.clone()
        };
        store.begin_sso_login("old", &old).await.expect("kept");
        store.begin_sso_login("new", &login).await.expect("kept");
        assert_eq!(
            store.take_sso_login("old").await.expect("read"),
            None,
            "{b}"
        );
        assert!(
            store.take_sso_login("new").await.expect("read").is_some(),
            "{b}"
        );
        store.close().await;
    }
}
