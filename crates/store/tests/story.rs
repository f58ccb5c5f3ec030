//! The storage story, told once and run against every backend: SQLite always,
//! PostgreSQL whenever `MANDATE_TEST_POSTGRES_URL` is set.

use mandate_core::audit::{Actor, PublicKey, Tamper};
use mandate_core::generator::{generate_people, reference_day, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::timefmt::now;
use mandate_core::{Email, NewOrganisation, NewPerson, OrgId, PersonKind, Slug};
use mandate_store::{DatabaseUrl, Store, keyfile};
use mandate_testkit::TestDb;
use std::sync::Arc;

async fn open(db: &TestDb) -> (Store, PublicKey) {
    let key = keyfile::load_or_create(&db.key_path()).expect("a signing key");
    let public = key.public_key();
    let url = DatabaseUrl::parse(&db.url).expect("a valid URL");
    (
        Store::open(&url, true, Some(key))
            .await
            .expect("the store opens"),
        public,
    )
}

async fn new_org(store: &Store, slug: &str) -> OrgId {
    let new = NewOrganisation::new(Slug::parse(slug).expect("slug"), "Acme Ltd").expect("valid");
    store
        .create_organisation(&Actor::system("test"), &new, &[], &[])
        .await
        .expect("created")
        .id
}

async fn import_generated(store: &Store, org: OrgId, count: usize, seed: u64) {
    let rows = to_import_rows(&generate_people(
        seed,
        count,
        "acme.example",
        reference_day(),
    ))
    .expect("rows");
    let existing = store.people_all(org).await.expect("people");
    let (plan, errors) = plan_import(org, &existing, &rows, now());
    assert!(errors.is_empty(), "{errors:?}");
    store
        .import_people(&Actor::system("test"), org, &plan, &|_| {})
        .await
        .expect("imported");
}

fn person(name: &str, email: &str) -> NewPerson {
    NewPerson {
        name: name.into(),
        email: Email::parse(email).expect("email"),
        department: Some("IT".into()),
        manager_id: None,
        kind: PersonKind::Employee,
        start_date: None,
        end_date: None,
    }
}

#[tokio::test]
async fn both_backends_have_the_same_tables_and_columns() {
    let Some(pg) = TestDb::postgres().await else {
        eprintln!("MANDATE_TEST_POSTGRES_URL is not set: the schema comparison needs PostgreSQL");
        return;
    };
    let lite = TestDb::sqlite();
    let (pg_store, _) = open(&pg).await;
    let (lite_store, _) = open(&lite).await;
    let pg_columns = pg_store.schema_columns().await.expect("pg schema");
    let lite_columns = lite_store.schema_columns().await.expect("sqlite schema");
    assert!(!pg_columns.is_empty());
    assert_eq!(pg_columns, lite_columns);
}

#[tokio::test]
async fn every_table_carries_org_id_and_is_in_backups() {
    for db in TestDb::all().await {
        let (store, _) = open(&db).await;
        let columns = store.schema_columns().await.expect("schema");
        let mut tables: Vec<&str> = columns.iter().map(|(t, _)| t.as_str()).collect();
        tables.dedup();
        for table in &tables {
            assert!(
                columns.iter().any(|(t, c)| t == table && c == "org_id"),
                "{table} lacks org_id"
            );
        }
        let mut backed_up = mandate_store::BACKUP_TABLES.to_vec();
        backed_up.extend(mandate_store::EPHEMERAL_TABLES);
        backed_up.sort_unstable();
        assert_eq!(
            tables, backed_up,
            "{}: every table must be in backups",
            db.backend
        );
    }
}

#[tokio::test]
async fn a_new_organisation_starts_a_verified_chain() {
    for db in TestDb::all().await {
        let (store, public) = open(&db).await;
        let org = new_org(&store, "acme").await;
        let report = store
            .verify_chain(org, &public)
            .await
            .expect("readable")
            .expect("untampered");
        assert_eq!(
            (report.events, report.checkpoints),
            (1, 0),
            "{}",
            db.backend
        );
        let again =
            NewOrganisation::new(Slug::parse("acme").expect("slug"), "Other").expect("valid");
        let err = store
            .create_organisation(&Actor::system("test"), &again, &[], &[])
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("an organisation with the slug \"acme\" already exists")
        );
    }
}

#[tokio::test]
async fn bulk_imports_are_audited_and_checkpointed() {
    for db in TestDb::all().await {
        let (store, public) = open(&db).await;
        let org = new_org(&store, "acme").await;
        import_generated(&store, org, 2_500, 1).await;
        assert_eq!(store.people_count(org).await.expect("count"), 2_500);
        let report = store
            .verify_chain(org, &public)
            .await
            .expect("readable")
            .expect("untampered");
        assert_eq!(
            (report.events, report.checkpoints),
            (2_501, 2),
            "{}",
            db.backend
        );
        let last = store
            .last_checkpoint(org)
            .await
            .expect("read")
            .expect("one exists");
        assert_eq!(last.seq, 2_000);
    }
}

#[tokio::test]
async fn reimporting_updates_by_email_without_duplicates() {
    for db in TestDb::all().await {
        let (store, public) = open(&db).await;
        let org = new_org(&store, "acme").await;
        import_generated(&store, org, 300, 4).await;
        let mut rows = to_import_rows(&generate_people(4, 300, "acme.example", reference_day()))
            .expect("rows");
        rows[10].name = "Renamed Person".into();
        rows[11].department = Some(Some("Security".into()));
        let existing = store.people_all(org).await.expect("people");
        let (plan, errors) = plan_import(org, &existing, &rows, now());
        assert!(errors.is_empty());
        let summary = store
            .import_people(&Actor::system("test"), org, &plan, &|_| {})
            .await
            .expect("imported");
        assert_eq!(
            (summary.created, summary.updated, summary.unchanged),
            (0, 2, 298),
            "{}",
            db.backend
        );
        assert_eq!(store.people_count(org).await.expect("count"), 300);
        let renamed = store
            .person_by_email(org, &rows[10].email)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            (renamed.name.as_str(), renamed.version),
            ("Renamed Person", 2)
        );
        let report = store
            .verify_chain(org, &public)
            .await
            .expect("readable")
            .expect("untampered");
        assert_eq!(report.events, 303);
    }
}

#[tokio::test]
async fn a_stale_import_plan_is_refused_whole() {
    for db in TestDb::all().await {
        let (store, _) = open(&db).await;
        let org = new_org(&store, "acme").await;
        import_generated(&store, org, 50, 5).await;
        let mut rows =
            to_import_rows(&generate_people(5, 50, "acme.example", reference_day())).expect("rows");
        rows[0].name = "First Edit".into();
        rows[1].name = "Second Edit".into();
        let existing = store.people_all(org).await.expect("people");
        let (stale, _) = plan_import(org, &existing, &rows, now());
        // Someone else changes person 0 after the plan was made.
        let (fresh, _) = plan_import(org, &existing, &rows[..1], now());
        store
            .import_people(&Actor::system("other"), org, &fresh, &|_| {})
            .await
            .expect("first import");
        let err = store
            .import_people(&Actor::system("test"), org, &stale, &|_| {})
            .await;
        assert!(
            matches!(err, Err(mandate_store::StoreError::Conflict(_))),
            "{}: {err:?}",
            db.backend
        );
        let second = store
            .person_by_email(org, &rows[1].email)
            .await
            .expect("read")
            .expect("exists");
        assert_ne!(
            second.name, "Second Edit",
            "nothing of the stale import landed"
        );
    }
}

/// A chain of 2,101 events (checkpoints at 1,000 and 2,000) to tamper with.
async fn chain_to_tamper_with(db: &TestDb) -> (Store, PublicKey, OrgId) {
    let (store, public) = open(db).await;
    let org = new_org(&store, "acme").await;
    import_generated(&store, org, 2_100, 9).await;
    (store, public, org)
}

/// What verification must report for one kind of tampering.
type Expect = fn(&Tamper) -> bool;

#[tokio::test]
async fn every_kind_of_tampering_is_named_with_its_first_bad_event() {
    let cases: &[(&str, &str, Expect)] = &[
        (
            "a changed actor",
            "UPDATE audit_events SET actor = 'system:intruder' WHERE seq = 5",
            |t| *t == Tamper::Altered { seq: 5 },
        ),
        (
            "a changed byte of an after image",
            "UPDATE audit_events SET after_json = replace(after_json, '\"kind\":\"', '\"kind\": \"') WHERE seq = 6",
            |t| *t == Tamper::Altered { seq: 6 },
        ),
        (
            "a changed stored hash",
            "UPDATE audit_events SET hash = prev_hash WHERE seq = 30",
            |t| *t == Tamper::Altered { seq: 30 },
        ),
        (
            "a deleted event",
            "DELETE FROM audit_events WHERE seq = 7",
            |t| *t == Tamper::Missing { seq: 7, found: 8 },
        ),
        (
            "an inserted event",
            "UPDATE audit_events SET seq = seq + 100000 WHERE seq >= 10; \
             UPDATE audit_events SET seq = seq - 99999 WHERE seq >= 100000; \
             INSERT INTO audit_events SELECT org_id, 10, occurred_at, actor, entity_type, entity_id, action, \
             before_json, after_json, prev_hash, hash FROM audit_events WHERE seq = 9",
            |t| *t == Tamper::Altered { seq: 10 },
        ),
        (
            "two events swapped",
            "UPDATE audit_events SET seq = 100020 WHERE seq = 20; UPDATE audit_events SET seq = 20 WHERE seq = 21; \
             UPDATE audit_events SET seq = 21 WHERE seq = 100020",
            |t| *t == Tamper::Altered { seq: 20 },
        ),
        (
            "a tail cut after the last checkpoint",
            "DELETE FROM audit_events WHERE seq > 2050",
            |t| {
                matches!(
                    t,
                    Tamper::TailCut {
                        seq: 2051,
                        last: 2050,
                        vouched: 2101,
                        ..
                    }
                )
            },
        ),
        (
            "a tail cut with the head moved back",
            "DELETE FROM audit_events WHERE seq > 2050; \
             UPDATE audit_heads SET seq = 2050, head_hash = (SELECT hash FROM audit_events WHERE seq = 2050)",
            |t| matches!(t, Tamper::BadHeadSignature { seq: 2050, .. }),
        ),
        (
            "a tail cut past a checkpoint",
            "DELETE FROM audit_events WHERE seq > 1500",
            |t| {
                matches!(
                    t,
                    Tamper::TailCut {
                        seq: 1501,
                        vouched: 2000,
                        ..
                    }
                )
            },
        ),
        (
            "a forged checkpoint",
            "UPDATE audit_checkpoints SET head_hash = (SELECT hash FROM audit_events WHERE seq = 999) WHERE seq = 1000",
            |t| matches!(t, Tamper::BadCheckpointSignature { seq: 1000, .. }),
        ),
        (
            "a deleted checkpoint",
            "DELETE FROM audit_checkpoints WHERE seq = 1000",
            |t| *t == Tamper::CheckpointMissing { seq: 1000 },
        ),
        ("a deleted head", "DELETE FROM audit_heads", |t| {
            *t == Tamper::NoHead
        }),
    ];
    for (what, sql, expected) in cases {
        for db in TestDb::all().await {
            let (store, public, org) = chain_to_tamper_with(&db).await;
            db.execute(sql).await;
            let outcome = store.verify_chain(org, &public).await.expect("readable");
            match outcome {
                Err(t) => assert!(expected(&t), "{} / {what}: got {t:?}", db.backend),
                Ok(report) => panic!("{} / {what}: not detected ({report:?})", db.backend),
            }
        }
    }
}

#[tokio::test]
async fn another_signing_key_is_refused_and_fails_verification() {
    for db in TestDb::all().await {
        let (store, _) = open(&db).await;
        let org = new_org(&store, "acme").await;
        store.close().await;
        let other = mandate_core::audit::SigningKey::from_seed([42; 32]);
        let other_public = other.public_key();
        let url = DatabaseUrl::parse(&db.url).expect("url");
        let err = Store::open(&url, false, Some(other))
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("this database was signed with"), "{err}");
        let reader = Store::open(&url, false, None)
            .await
            .expect("opens read-only");
        let outcome = reader
            .verify_chain(org, &other_public)
            .await
            .expect("readable");
        assert!(
            matches!(outcome, Err(Tamper::BadHeadSignature { .. })),
            "{outcome:?}"
        );
        let write = reader
            .create_person(
                &Actor::system("test"),
                org,
                &person("Al", "al@acme.example"),
            )
            .await;
        assert!(matches!(write, Err(mandate_store::StoreError::ReadOnly)));
    }
}

#[tokio::test]
async fn a_change_whose_audit_event_cannot_be_written_is_not_made() {
    for db in TestDb::all().await {
        let (store, public) = open(&db).await;
        let org = new_org(&store, "acme").await;
        if db.backend == "postgres" {
            db.execute(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit log full'; END $$ \
                 LANGUAGE plpgsql; \
                 CREATE TRIGGER refuse BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse();",
            )
            .await;
        } else {
            db.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit log full'); END;",
            )
            .await;
        }
        let email = Email::parse("al@acme.example").expect("email");
        let result = store
            .create_person(&Actor::system("test"), org, &person("Al", email.as_str()))
            .await;
        assert!(result.is_err(), "{}", db.backend);
        assert!(
            store
                .person_by_email(org, &email)
                .await
                .expect("read")
                .is_none(),
            "{}",
            db.backend
        );
        assert_eq!(store.people_count(org).await.expect("count"), 0);
        assert!(
            store
                .verify_chain(org, &public)
                .await
                .expect("readable")
                .is_ok()
        );
    }
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    for db in TestDb::all().await {
        let (store, public) = open(&db).await;
        let store = Arc::new(store);
        let org = new_org(&store, "acme").await;
        let mut tasks = Vec::new();
        for writer in 0..6 {
            let store = Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                for n in 0..5 {
                    let email = format!("w{writer}n{n}@acme.example");
                    store
                        .create_person(&Actor::system("test"), org, &person("Writer", &email))
                        .await
                        .expect("created");
                }
            }));
        }
        for task in tasks {
            task.await.expect("writer finished");
        }
        let report = store
            .verify_chain(org, &public)
            .await
            .expect("readable")
            .expect("untampered");
        assert_eq!(report.events, 31, "{}", db.backend);
    }
}

#[tokio::test]
async fn backups_restore_into_either_backend() {
    for source in TestDb::all().await {
        let (store, public) = open(&source).await;
        let org = new_org(&store, "acme").await;
        import_generated(&store, org, 1_200, 2).await;
        let file = source.path("backup.jsonl");
        let summary = store.backup(&file).await.expect("backed up");
        assert_eq!((summary.organisations, summary.audit_events), (1, 1_201));
        for target in TestDb::all().await {
            std::fs::copy(source.key_path(), target.key_path()).expect("key copied");
            let (restored, _) = open(&target).await;
            let summary = restored.restore(&file, false).await.expect("restored");
            assert_eq!(summary.rows, summary.rows.max(1));
            assert_eq!(restored.people_count(org).await.expect("count"), 1_200);
            let report = restored
                .verify_chain(org, &public)
                .await
                .expect("readable")
                .expect("untampered");
            assert_eq!(
                (report.events, report.checkpoints),
                (1_201, 1),
                "{} -> {}",
                source.backend,
                target.backend
            );
            let refused = restored.restore(&file, false).await;
            assert!(matches!(
                refused,
                Err(mandate_store::StoreError::Conflict(_))
            ));
            restored
                .restore(&file, true)
                .await
                .expect("forced restore replaces");
            assert_eq!(restored.people_count(org).await.expect("count"), 1_200);
        }
    }
}

#[tokio::test]
async fn a_broken_backup_file_restores_nothing() {
    for db in TestDb::all().await {
        let (store, _) = open(&db).await;
        let org = new_org(&store, "acme").await;
        import_generated(&store, org, 20, 3).await;
        let file = db.path("backup.jsonl");
        store.backup(&file).await.expect("backed up");
        let text = std::fs::read_to_string(&file).expect("read");
        let truncated: String = text
            .lines()
            .take(15)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            + "{\"table\":\"people\"";
        let broken = db.path("broken.jsonl");
        std::fs::write(&broken, truncated).expect("write");
        let target = TestDb::sqlite();
        std::fs::copy(db.key_path(), target.key_path()).expect("key copied");
        let (fresh, _) = open(&target).await;
        let err = fresh
            .restore(&broken, false)
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("line 16"), "{err}");
        assert!(
            fresh.organisations().await.expect("read").is_empty(),
            "nothing half-written"
        );
    }
}

#[tokio::test]
async fn a_rewritten_event_time_is_caught_even_when_it_names_the_same_instant() {
    for db in TestDb::all().await {
        let (store, public, org) = chain_to_tamper_with(&db).await;
        let sql = if db.backend == "postgres" {
            "UPDATE audit_events SET occurred_at = occurred_at + interval '1 microsecond' WHERE seq = 8"
        } else {
            // Same instant, other spelling: still a changed byte.
            "UPDATE audit_events SET occurred_at = replace(occurred_at, 'Z', '+00:00') WHERE seq = 8"
        };
        db.execute(sql).await;
        let outcome = store.verify_chain(org, &public).await.expect("readable");
        assert_eq!(
            outcome.err(),
            Some(Tamper::Altered { seq: 8 }),
            "{}",
            db.backend
        );
    }
}

#[tokio::test]
async fn a_field_changed_to_another_type_is_caught() {
    for db in TestDb::all().await {
        let (store, public, org) = chain_to_tamper_with(&db).await;
        let sql = if db.backend == "postgres" {
            "UPDATE audit_events SET after_json = NULL WHERE seq = 3"
        } else {
            "UPDATE audit_events SET actor = 42 WHERE seq = 3"
        };
        db.execute(sql).await;
        let outcome = store.verify_chain(org, &public).await.expect("readable");
        assert!(
            matches!(outcome, Err(Tamper::Altered { seq: 1..=3 })),
            "{}: {outcome:?}",
            db.backend
        );
    }
}
