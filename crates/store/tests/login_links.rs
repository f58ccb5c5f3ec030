//! Invitation and reset links on every backend: made with their mail, given
//! a secret only when sent, used once, replaced by newer ones.

use mandate_core::audit::Actor;
use mandate_core::generator::{generate_people, reference_day, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::login_link::{LINK_PLACEHOLDER, LinkPurpose, LoginLink, link_of_dedupe_key};
use mandate_core::outbox::MailState;
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_core::{AccessRole, NewOrganisation, NewUser, OrgId, Person, Slug};
use mandate_store::{DatabaseUrl, LinkMail, OutboxQuery, Store, StoreError, keyfile};
use mandate_testkit::TestDb;
use time::Duration;

async fn org(db: &TestDb) -> (Store, OrgId, Vec<Person>) {
    let key = keyfile::load_or_create(&db.key_path()).expect("key");
    let store = Store::open(&DatabaseUrl::parse(&db.url).expect("url"), true, Some(key))
        .await
        .expect("store");
    let new = NewOrganisation::new(Slug::parse("acme").expect("slug"), "Acme").expect("org");
    let rows =
        to_import_rows(&generate_people(5, 6, "acme.example", reference_day())).expect("rows");
    let (plan, errors) = plan_import(new.id, &[], &rows, now());
    assert!(errors.is_empty());
    let admin = NewUser {
        person_id: plan.inserts[0].id,
        access_role: AccessRole::Admin,
        password_hash: Some("$argon2id$old".into()),
    };
    store
        .create_organisation(&Actor::system("test"), &new, &plan.inserts, &[admin])
        .await
        .expect("org");
    (store, new.id, plan.inserts)
}

async fn verify(db: &TestDb, store: &Store, org: OrgId) {
    let public = keyfile::load(&db.key_path()).expect("key").public_key();
    store
        .verify_chain(org, &public)
        .await
        .expect("read")
        .expect("untampered");
}

/// A link of `purpose` made for `person`.
async fn made(store: &Store, org: OrgId, purpose: LinkPurpose, person: &Person) -> LoginLink {
    store
        .create_login_links(&Actor::system("test"), org, purpose, vec![mail(person)])
        .await
        .expect("made")
        .remove(0)
}

/// `link`'s mail sent to `person`, its secret `secret`.
async fn sent(store: &Store, org: OrgId, link: &LoginLink, person: &Person, secret: &str) {
    store
        .mark_link_sent(
            org,
            link.id,
            person.email.as_str(),
            &secret_hash(secret),
            now(),
        )
        .await
        .expect("marked")
        .expect("a live link");
}

/// Whether the link with this secret lets its person in now.
async fn opens(store: &Store, secret: &str) -> bool {
    store
        .live_login_link(&secret_hash(secret), now())
        .await
        .expect("read")
        .is_ok()
}

fn mail(p: &Person) -> LinkMail {
    LinkMail {
        person_id: p.id,
        to: p.email.to_string(),
        subject: "Invited".into(),
        body: format!("Set it here: {LINK_PLACEHOLDER}"),
    }
}

#[tokio::test]
async fn an_invitation_is_sent_used_once_and_makes_a_staff_login() {
    for db in TestDb::all().await {
        let (store, org, people) = org(&db).await;
        let ana = &people[1];
        let actor = Actor::system("test");
        let at = now();
        let links = store
            .create_login_links(&actor, org, LinkPurpose::Invitation, vec![mail(ana)])
            .await
            .expect("invited");
        let link = links[0].clone();
        assert_eq!(
            store.open_invitations(org, at).await.expect("open").len(),
            1
        );

        // The mail waits with the placeholder and names its link.
        let page = store
            .outbox_page(
                org,
                &OutboxQuery {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .expect("outbox");
        assert_eq!(page.items.len(), 1, "{}", db.backend);
        let queued = &page.items[0];
        assert_eq!(queued.state, MailState::Queued);
        assert_eq!(queued.mail.kind, "invitation");
        assert!(queued.mail.body.contains(LINK_PLACEHOLDER));
        assert_eq!(link_of_dedupe_key(&queued.mail.dedupe_key), Some(link.id));

        // Unsent, the link opens nothing; a secret made at sending opens it.
        assert!(
            store
                .live_login_link(&secret_hash("mll_a"), at)
                .await
                .expect("read")
                .is_err()
        );
        sent(&store, org, &link, ana, "mll_a").await;
        // Sent again (the operator requeued it): the first secret dies.
        sent(&store, org, &link, ana, "mll_b").await;
        assert!(
            store
                .live_login_link(&secret_hash("mll_a"), at)
                .await
                .expect("read")
                .is_err()
        );
        let holder = store
            .live_login_link(&secret_hash("mll_b"), at)
            .await
            .expect("read")
            .expect("live");
        assert_eq!(holder.person_name, ana.name);
        assert_eq!(holder.organisation, "Acme");

        // Seven days on, it has expired.
        let later = at + Duration::days(7) + Duration::seconds(1);
        assert!(
            store
                .live_login_link(&secret_hash("mll_b"), later)
                .await
                .expect("read")
                .is_err()
        );

        let user = store
            .use_login_link(&secret_hash("mll_b"), "$argon2id$new", now())
            .await
            .expect("used");
        assert_eq!(user.person_id, ana.id);
        assert_eq!(user.access_role, AccessRole::Staff);
        let (_, hash) = store
            .user_by_email(org, &ana.email)
            .await
            .expect("read")
            .expect("a login");
        assert_eq!(hash.as_deref(), Some("$argon2id$new"));

        // Used once: a second use is refused and changes nothing.
        let again = store
            .use_login_link(&secret_hash("mll_b"), "$argon2id$other", now())
            .await;
        assert!(matches!(again, Err(StoreError::Invalid(_))), "{again:?}");
        let (_, hash) = store
            .user_by_email(org, &ana.email)
            .await
            .expect("read")
            .expect("login");
        assert_eq!(hash.as_deref(), Some("$argon2id$new"));
        assert!(
            store
                .open_invitations(org, now())
                .await
                .expect("open")
                .is_empty()
        );
        // A spent link takes no new secret: its mail would not go.
        let resent = store
            .mark_link_sent(
                org,
                link.id,
                ana.email.as_str(),
                &secret_hash("mll_c"),
                now(),
            )
            .await
            .expect("marked");
        assert_eq!(resent, None);
        verify(&db, &store, org).await;
    }
}

#[tokio::test]
async fn a_newer_link_replaces_the_older_and_a_reset_keeps_the_role() {
    for db in TestDb::all().await {
        let (store, org, people) = org(&db).await;
        let admin = &people[0];
        let at = now();
        let first = made(&store, org, LinkPurpose::Reset, admin).await;
        sent(&store, org, &first, admin, "mll_first").await;
        let second = made(&store, org, LinkPurpose::Reset, admin).await;
        assert!(
            store
                .live_login_link(&secret_hash("mll_first"), at)
                .await
                .expect("read")
                .is_err(),
            "{}: the newer link replaced it",
            db.backend
        );
        // The older mail, if it had not gone, would not go now.
        assert_eq!(
            store
                .mark_link_sent(
                    org,
                    first.id,
                    admin.email.as_str(),
                    &secret_hash("mll_x"),
                    at
                )
                .await
                .expect("marked"),
            None
        );
        sent(&store, org, &second, admin, "mll_second").await;
        // A reset holds for an hour.
        let late = now() + Duration::hours(1);
        assert!(
            store
                .live_login_link(&secret_hash("mll_second"), late)
                .await
                .expect("read")
                .is_err()
        );
        let user = store
            .use_login_link(&secret_hash("mll_second"), "$argon2id$reset", now())
            .await
            .expect("used");
        assert_eq!(
            user.access_role,
            AccessRole::Admin,
            "a reset keeps the role"
        );
        let (_, hash) = store
            .user_by_email(org, &admin.email)
            .await
            .expect("read")
            .expect("login");
        assert_eq!(hash.as_deref(), Some("$argon2id$reset"));
        verify(&db, &store, org).await;
    }
}

#[tokio::test]
async fn a_reset_for_someone_without_a_login_opens_nothing() {
    for db in TestDb::all().await {
        let (store, org, people) = org(&db).await;
        let ben = &people[2];
        let link = made(&store, org, LinkPurpose::Reset, ben).await;
        sent(&store, org, &link, ben, "mll_ben").await;
        let used = store
            .use_login_link(&secret_hash("mll_ben"), "$argon2id$x", now())
            .await;
        assert!(
            matches!(used, Err(StoreError::Invalid(_))),
            "{}: {used:?}",
            db.backend
        );
        assert!(
            store
                .user_by_email(org, &ben.email)
                .await
                .expect("read")
                .is_none()
        );
    }
}

#[tokio::test]
async fn a_link_opens_only_for_the_address_it_was_mailed_to() {
    for db in TestDb::all().await {
        let (store, org, people) = org(&db).await;
        let ana = &people[1];
        let link = made(&store, org, LinkPurpose::Invitation, ana).await;
        // Queued to an old address: the sender does not send it.
        let stale = store
            .mark_link_sent(
                org,
                link.id,
                "someone.else@example.com",
                &secret_hash("mll_s"),
                now(),
            )
            .await
            .expect("marked");
        assert_eq!(stale, None, "{}", db.backend);
        // Mailed, then the register's address corrected: the link dies.
        sent(&store, org, &link, ana, "mll_t").await;
        assert!(opens(&store, "mll_t").await);
        let corrected = mandate_core::NewPerson {
            name: ana.name.clone(),
            email: mandate_core::Email::parse("ana.corrected@acme.example").expect("email"),
            department: ana.department.clone(),
            manager_id: ana.manager_id,
            kind: ana.kind,
            start_date: ana.start_date,
            end_date: ana.end_date,
        };
        store
            .update_person(
                &Actor::system("test"),
                org,
                ana.id,
                ana.version,
                &corrected,
                "update",
            )
            .await
            .expect("corrected");
        assert!(
            !opens(&store, "mll_t").await,
            "{}: the link died with the old address",
            db.backend
        );
        let used = store
            .use_login_link(&secret_hash("mll_t"), "$argon2id$x", now())
            .await;
        assert!(matches!(used, Err(StoreError::Invalid(_))), "{used:?}");
    }
}

#[tokio::test]
async fn every_other_way_in_kills_open_links_and_a_reset_takes_tokens_back() {
    for db in TestDb::all().await {
        let (store, org, people) = org(&db).await;
        let b = db.backend;
        let admin = &people[0];
        let actor = Actor::system("test");
        let (user, _) = store
            .user_by_email(org, &admin.email)
            .await
            .expect("read")
            .expect("login");
        let sent = |secret: &'static str| {
            let store = &store;
            async move {
                let link = store
                    .create_login_links(&actor_of(), org, LinkPurpose::Reset, vec![mail(admin)])
                    .await
                    .expect("made")[0]
                    .clone();
                store
                    .mark_link_sent(
                        org,
                        link.id,
                        admin.email.as_str(),
                        &secret_hash(secret),
                        now(),
                    )
                    .await
                    .expect("marked")
                    .expect("live");
            }
        };
        // The password changed another way.
        sent("mll_1").await;
        store
            .set_password(&actor, org, user.id, "$argon2id$changed", false, None)
            .await
            .expect("changed");
        assert!(!opens(&store, "mll_1").await, "{b}");
        // The login disabled, then enabled again.
        sent("mll_2").await;
        store
            .update_user(&actor, org, user.id, AccessRole::Admin, true)
            .await
            .expect("disabled");
        store
            .update_user(&actor, org, user.id, AccessRole::Admin, false)
            .await
            .expect("enabled");
        assert!(!opens(&store, "mll_2").await, "{b}");
        // A reset takes back the login's API tokens.
        store
            .create_token(&actor, org, user.id, "laptop", &secret_hash("mdt_x"))
            .await
            .expect("token");
        sent("mll_3").await;
        store
            .use_login_link(&secret_hash("mll_3"), "$argon2id$reset", now())
            .await
            .expect("used");
        assert!(
            store
                .token_by_hash(&secret_hash("mdt_x"))
                .await
                .expect("read")
                .is_none(),
            "{b}"
        );
        // A disabled login's link does not open, not even to show its form.
        sent("mll_4").await;
        store
            .update_user(&actor, org, user.id, AccessRole::Admin, true)
            .await
            .expect("disabled");
        assert!(!opens(&store, "mll_4").await, "{b}");
        // An unsent link killed takes its mail out of the outbox.
        store
            .update_user(&actor, org, user.id, AccessRole::Admin, false)
            .await
            .expect("enabled");
        let queued = "outbox WHERE kind = 'password_reset' AND state = 'queued'";
        let before = db.count(queued).await;
        store
            .create_login_links(&actor, org, LinkPurpose::Reset, vec![mail(admin)])
            .await
            .expect("made");
        assert!(
            store
                .has_unsent_link(org, admin.id, LinkPurpose::Reset)
                .await
                .expect("read"),
            "{b}"
        );
        store
            .create_login_links(&actor, org, LinkPurpose::Reset, vec![mail(admin)])
            .await
            .expect("made again");
        assert_eq!(
            db.count(queued).await,
            before + 1,
            "{b}: the replaced mail is gone"
        );
    }
}

fn actor_of() -> Actor {
    Actor::system("test")
}
