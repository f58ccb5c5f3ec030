//! Reading and changing records page by page, sessions and tokens, on every backend.

use mandate_core::audit::Actor;
use mandate_core::generator::{generate_people, reference_day, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_core::{AccessRole, Email, NewOrganisation, NewPerson, NewUser, OrgId, Person, Slug};
use mandate_store::{
    AuditQuery, DatabaseUrl, OrganisationChanges, PeopleQuery, Store, StoreError, keyfile,
};
use mandate_testkit::TestDb;

async fn org_with_people(db: &TestDb, count: usize) -> (Store, OrgId, Vec<Person>) {
    let key = keyfile::load_or_create(&db.key_path()).expect("key");
    let store = Store::open(&DatabaseUrl::parse(&db.url).expect("url"), true, Some(key))
        .await
        .expect("store");
    let new = NewOrganisation::new(Slug::parse("acme").expect("slug"), "Acme").expect("org");
    let rows =
        to_import_rows(&generate_people(11, count, "acme.example", reference_day())).expect("rows");
    let (plan, errors) = plan_import(new.id, &[], &rows, now());
    assert!(errors.is_empty());
    let admin = NewUser {
        person_id: plan.inserts[0].id,
        access_role: AccessRole::Admin,
        password_hash: None,
    };
    store
        .create_organisation(&Actor::system("test"), &new, &plan.inserts, &[admin])
        .await
        .expect("org");
    (store, new.id, plan.inserts)
}

fn edit(p: &Person) -> NewPerson {
    NewPerson {
        name: p.name.clone(),
        email: p.email.clone(),
        department: p.department.clone(),
        manager_id: p.manager_id,
        kind: p.kind,
        start_date: p.start_date,
        end_date: p.end_date,
    }
}

#[tokio::test]
async fn people_pages_cover_everyone_exactly_once() {
    for db in TestDb::all().await {
        let (store, org, people) = org_with_people(&db, 230).await;
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = store
                .people_page(
                    org,
                    &PeopleQuery {
                        search: None,
                        cursor,
                        limit: 50,
                        area_of: None,
                    },
                )
                .await
                .expect("page");
            assert!(page.items.len() <= 50);
            seen.extend(page.items.into_iter().map(|p| (p.name, p.id)));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        // Order follows the database's collation; coverage must be exact.
        assert_eq!(seen.len(), people.len(), "{}", db.backend);
        let mut ids: Vec<_> = seen.iter().map(|(_, id)| *id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), people.len(), "{}: nobody twice", db.backend);
    }
}

#[tokio::test]
async fn people_search_is_case_insensitive_and_literal() {
    for db in TestDb::all().await {
        let (store, org, people) = org_with_people(&db, 120).await;
        let target = &people[17];
        let term = target
            .name
            .split(' ')
            .next_back()
            .unwrap_or("")
            .to_uppercase();
        let page = store
            .people_page(
                org,
                &PeopleQuery {
                    search: Some(term.clone()),
                    cursor: None,
                    limit: 500,
                    area_of: None,
                },
            )
            .await
            .expect("page");
        assert!(
            page.items.iter().any(|p| p.id == target.id),
            "{}: {term}",
            db.backend
        );
        assert!(
            page.items
                .iter()
                .all(|p| p.name.to_uppercase().contains(&term)
                    || p.email.as_str().contains(&term.to_lowercase()))
        );
        let none = store
            .people_page(
                org,
                &PeopleQuery {
                    search: Some("100%_".into()),
                    cursor: None,
                    limit: 10,
                    area_of: None,
                },
            )
            .await
            .expect("page");
        assert!(none.items.is_empty(), "wildcards are literal");
        let bad = store
            .people_page(
                org,
                &PeopleQuery {
                    search: None,
                    cursor: Some("zz".into()),
                    limit: 10,
                    area_of: None,
                },
            )
            .await;
        assert!(matches!(bad, Err(StoreError::Invalid(_))));
    }
}

#[tokio::test]
async fn a_stale_edit_is_refused_and_managers_cannot_loop() {
    for db in TestDb::all().await {
        let (store, org, people) = org_with_people(&db, 30).await;
        let staff = people
            .iter()
            .find(|p| p.manager_id.is_some() && p.manager_id != Some(people[0].id))
            .expect("staff");
        let mut changes = edit(staff);
        changes.department = Some("Security".into());
        let actor = Actor::system("test");
        let updated = store
            .update_person(&actor, org, staff.id, staff.version, &changes, "update")
            .await
            .expect("updated");
        assert_eq!(
            (updated.version, updated.department.as_deref()),
            (2, Some("Security"))
        );
        let stale = store
            .update_person(&actor, org, staff.id, staff.version, &changes, "update")
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict(_))),
            "{}",
            db.backend
        );
        // The chief executive reporting to someone below them would close a loop.
        let mut ceo = edit(&people[0]);
        ceo.manager_id = Some(staff.id);
        let looped = store
            .update_person(&actor, org, people[0].id, people[0].version, &ceo, "update")
            .await;
        assert!(
            matches!(looped, Err(StoreError::Invalid(m)) if m.contains("loop")),
            "{}",
            db.backend
        );
        let mut taken = edit(&updated);
        taken.email = people[1].email.clone();
        let dup = store
            .update_person(&actor, org, staff.id, updated.version, &taken, "update")
            .await;
        assert!(
            matches!(dup, Err(StoreError::Conflict(_))),
            "{}",
            db.backend
        );
    }
}

#[tokio::test]
async fn sessions_and_tokens_find_their_user_and_end() {
    for db in TestDb::all().await {
        let (store, org, _) = org_with_people(&db, 5).await;
        let user = store.users(org).await.expect("users").remove(0);
        let t = now();
        store
            .create_session(org, user.id, &secret_hash("s1"), "csrf1", t)
            .await
            .expect("session");
        store
            .create_session(org, user.id, &secret_hash("s2"), "csrf2", t)
            .await
            .expect("session");
        let found = store
            .session(&secret_hash("s1"))
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            (found.user.id, found.csrf_token.as_str()),
            (user.id, "csrf1")
        );
        assert_eq!(
            store
                .delete_other_sessions(org, user.id, &secret_hash("s1"))
                .await
                .expect("deleted"),
            1
        );
        assert!(
            store
                .session(&secret_hash("s2"))
                .await
                .expect("read")
                .is_none()
        );
        store
            .delete_session(&secret_hash("s1"))
            .await
            .expect("deleted");
        assert!(
            store
                .session(&secret_hash("s1"))
                .await
                .expect("read")
                .is_none()
        );

        let actor = Actor::user(user.id);
        let token = store
            .create_token(&actor, org, user.id, "ci", &secret_hash("mdt_x"))
            .await
            .expect("token");
        let (found, owner, _) = store
            .token_by_hash(&secret_hash("mdt_x"))
            .await
            .expect("read")
            .expect("live");
        assert_eq!((found.id, owner.id), (token.id, user.id));
        let revoked = store
            .revoke_token(&actor, org, user.id, token.id)
            .await
            .expect("revoked");
        assert!(revoked.revoked_at.is_some());
        assert!(
            store
                .token_by_hash(&secret_hash("mdt_x"))
                .await
                .expect("read")
                .is_none()
        );
        let events = store
            .audit_events(
                org,
                &AuditQuery {
                    entity_type: Some("api_token".into()),
                    limit: 10,
                    ..AuditQuery::default()
                },
            )
            .await
            .expect("events");
        let actions: Vec<&str> = events.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, vec!["revoke", "create"], "{}", db.backend);
    }
}

#[tokio::test]
async fn the_audit_log_filters_and_pages_newest_first() {
    for db in TestDb::all().await {
        let (store, org, people) = org_with_people(&db, 60).await;
        let organisation = store
            .organisation(org)
            .await
            .expect("read")
            .expect("exists");
        let changes = OrganisationChanges {
            name: "Acme Group".into(),
            purpose: "Widgets".into(),
            scope_statement: "All of it".into(),
            strategic_goals: vec!["Grow".into(), " ".into()],
            fiscal_year_start_month: 7,
        };
        let actor = Actor::system("settings");
        let updated = store
            .update_organisation(&actor, org, organisation.version, &changes)
            .await
            .expect("updated");
        assert_eq!((updated.version, updated.strategic_goals.len()), (2, 1));
        assert!(matches!(
            store.update_organisation(&actor, org, 1, &changes).await,
            Err(StoreError::Conflict(_))
        ));

        let by_actor = store
            .audit_events(
                org,
                &AuditQuery {
                    actor: Some("system:settings".into()),
                    limit: 10,
                    ..AuditQuery::default()
                },
            )
            .await
            .expect("events");
        assert_eq!(by_actor.items.len(), 1);
        assert!(
            by_actor.items[0]
                .before
                .as_deref()
                .unwrap_or("")
                .contains("\"name\":\"Acme\"")
        );

        let mut all = Vec::new();
        let mut before_seq = None;
        loop {
            let page = store
                .audit_events(
                    org,
                    &AuditQuery {
                        before_seq,
                        limit: 25,
                        ..AuditQuery::default()
                    },
                )
                .await
                .expect("page");
            all.extend(page.items.iter().map(|e| e.seq));
            match page.next_cursor {
                Some(seq) => before_seq = Some(seq),
                None => break,
            }
        }
        let expected: Vec<i64> = (1..=(people.len() as i64 + 3)).rev().collect();
        assert_eq!(all, expected, "{}", db.backend);

        let future = now() + time::Duration::hours(1);
        let none = store
            .audit_events(
                org,
                &AuditQuery {
                    from: Some(future),
                    limit: 10,
                    ..AuditQuery::default()
                },
            )
            .await
            .expect("events");
        assert!(none.items.is_empty(), "{}", db.backend);
        let past = now() - time::Duration::hours(1);
        let some = store
            .audit_events(
                org,
                &AuditQuery {
                    from: Some(past),
                    until: Some(future),
                    limit: 10,
                    ..AuditQuery::default()
                },
            )
            .await
            .expect("events");
        assert_eq!(some.items.len(), 10, "{}", db.backend);
        let email = Email::parse("nobody@acme.example").expect("email");
        assert!(
            store
                .logins_with_email(&email)
                .await
                .expect("read")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn a_person_is_created_under_an_existing_manager_only() {
    for db in TestDb::all().await {
        let (store, org, people) = org_with_people(&db, 5).await;
        let mut new = edit(&people[1]);
        new.email = Email::parse("new@acme.example").expect("email");
        new.manager_id = Some(people[0].id);
        let created = store
            .create_person(&Actor::system("test"), org, &new)
            .await
            .expect("created");
        assert_eq!(created.manager_id, Some(people[0].id), "{}", db.backend);
        new.email = Email::parse("other@acme.example").expect("email");
        new.manager_id = Some(mandate_core::PersonId::new());
        let orphan = store.create_person(&Actor::system("test"), org, &new).await;
        assert!(
            matches!(orphan, Err(StoreError::Invalid(_))),
            "{}: {orphan:?}",
            db.backend
        );
    }
}
