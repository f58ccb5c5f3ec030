//! Acknowledgement campaigns and the outbox on every backend: a published
//! version is owed by its audience, joiners come to owe it and leavers stop,
//! answers are bound to the text, a correction carries acknowledgements
//! over, totals always match the rows, and mail is queued once, claimed,
//! sent or put in doubt, and backed up.

use mandate_core::acknowledgement::{AckAnswer, AckState};
use mandate_core::audit::{Actor, PublicKey};
use mandate_core::digest::sha256_hex;
use mandate_core::outbox::{MailState, NewMail};
use mandate_core::policy::{Action, ApprovalRule, Audience, PolicyFields, PolicyKind, Verdict};
use mandate_core::timefmt::now;
use mandate_core::{
    AccessRole, Email, NewOrganisation, NewPerson, NewUser, OrgId, Person, PersonKind, Slug, User,
};
use mandate_store::{AnswerIn, DatabaseUrl, OutboxQuery, Store, StoreError, keyfile};
use mandate_testkit::{TestDb, fixtures};
use time::Duration;

async fn open(db: &TestDb) -> (Store, PublicKey) {
    let key = keyfile::load_or_create(&db.key_path()).expect("a signing key");
    let public = key.public_key();
    let url = DatabaseUrl::parse(&db.url).expect("a valid URL");
    (
        Store::open(&url, true, Some(key)).await.expect("opens"),
        public,
    )
}

async fn person(
    store: &Store,
    org: OrgId,
    name: &str,
    department: &str,
    kind: PersonKind,
) -> Person {
    store
        .create_person(
            &Actor::system("test"),
            org,
            &NewPerson {
                name: name.into(),
                email: Email::parse(&format!("{}@acme.example", name.to_lowercase()))
                    .expect("email"),
                department: Some(department.into()),
                manager_id: None,
                kind,
                start_date: None,
                end_date: None,
            },
        )
        .await
        .expect("person")
}

struct Org {
    id: OrgId,
    author: User,
    boss: User,
    people: Vec<Person>,
}

/// An author, a top manager with the authority to approve, and people in
/// two departments and a supplier.
async fn organisation(store: &Store) -> Org {
    let system = Actor::system("test");
    let new = NewOrganisation::new(Slug::parse("acme").expect("slug"), "Acme").expect("org");
    let id = store
        .create_organisation(&system, &new, &[], &[])
        .await
        .expect("org")
        .id;
    let mut people = Vec::new();
    for (name, dept, kind) in [
        ("Author", "IT", PersonKind::Employee),
        ("Boss", "Board", PersonKind::Employee),
        ("Ada", "IT", PersonKind::Employee),
        ("Bob", "Sales", PersonKind::Employee),
        ("Sam", "IT", PersonKind::Supplier),
    ] {
        people.push(person(store, id, name, dept, kind).await);
    }
    let login = |p: &Person, role| NewUser {
        person_id: p.id,
        access_role: role,
        password_hash: None,
    };
    let author = store
        .create_user(&system, id, &login(&people[0], AccessRole::IsmsManager))
        .await
        .expect("user");
    let boss = store
        .create_user(&system, id, &login(&people[1], AccessRole::TopManagement))
        .await
        .expect("user");
    fixtures::starter_roles(store, id).await;
    let top = fixtures::top_management_role(store, id).await;
    let since = now().date() - Duration::days(10);
    fixtures::assign(
        store,
        id,
        author.id,
        fixtures::terms(top, boss.person_id, since),
    )
    .await;
    Org {
        id,
        author,
        boss,
        people,
    }
}

/// Writes, approves and publishes a version; returns (number, digest).
async fn publish(
    store: &Store,
    o: &Org,
    policy: mandate_core::PolicyId,
    body: &str,
    material: bool,
) -> (i32, String) {
    let author = Actor::user(o.author.id);
    let draft = store
        .create_draft(&author, o.id, policy, o.author.id, body, "change")
        .await
        .expect("draft");
    store
        .edit_draft(
            &author,
            o.id,
            policy,
            draft.number,
            o.author.id,
            draft.version,
            body,
            "change",
            Some(material),
        )
        .await
        .expect("marked");
    store
        .step_version(&author, o.id, policy, draft.number, Action::Submit)
        .await
        .expect("submitted");
    store
        .decide_version(
            &Actor::user(o.boss.id),
            o.id,
            policy,
            draft.number,
            &o.boss,
            Verdict::Approve,
            "ok",
            None,
        )
        .await
        .expect("approved");
    store
        .step_version(&author, o.id, policy, draft.number, Action::Publish)
        .await
        .expect("published");
    (draft.number, sha256_hex(body.as_bytes()))
}

fn answer(
    person: &Person,
    version: mandate_core::VersionId,
    answer: AckAnswer,
    shown: &str,
) -> AnswerIn {
    AnswerIn {
        actor: Actor::system("test"),
        person_id: person.id,
        version_id: version,
        answer,
        shown_sha256: shown.into(),
    }
}

/// The kept totals must always equal a count of the rows.
async fn assert_totals_match(
    store: &Store,
    org: OrgId,
    version: mandate_core::VersionId,
    backend: &str,
) {
    let rows = store
        .acknowledgements_of_version(org, version)
        .await
        .expect("rows");
    let totals = store
        .acknowledgement_totals(org, now().date())
        .await
        .expect("totals");
    let (counts, _) = totals.get(&version).cloned().unwrap_or_default();
    for state in AckState::ALL {
        let counted = rows.iter().filter(|r| r.state == *state).count() as i64;
        assert_eq!(
            counts.get(state).copied().unwrap_or(0),
            counted,
            "{backend}: {state:?}"
        );
    }
}

#[tokio::test]
async fn a_published_version_is_owed_by_its_audience_as_it_changes() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, public) = open(&db).await;
        let o = organisation(&store).await;
        let (policy, _) = store
            .create_policy(
                &Actor::user(o.author.id),
                o.id,
                PolicyFields {
                    title: "Acceptable use".into(),
                    kind: PolicyKind::TopLevel,
                    parent_id: None,
                    owner_role: "ISMS manager".into(),
                    review_interval_months: 12,
                    audience: Audience::everyone(),
                    public: false,
                    approval_rule: ApprovalRule::default(),
                },
                None,
            )
            .await
            .expect("policy");
        let (number, digest) = publish(
            &store,
            &o,
            policy.id,
            "# Acceptable use\n\nBe careful.",
            true,
        )
        .await;
        let v1 = store
            .policy_version(o.id, policy.id, number)
            .await
            .expect("read")
            .expect("v1");
        let rows = store
            .acknowledgements_of_version(o.id, v1.id)
            .await
            .expect("rows");
        assert_eq!(rows.len(), 4, "{b}: the four employees, not the supplier");
        assert!(rows.iter().all(|r| r.state == AckState::Owed && r.due_on == now().date() + Duration::days(30)), "{b}");

        // A joiner comes to owe it; a leaver stops; a second run changes nothing.
        let joiner = person(&store, o.id, "Joy", "Sales", PersonKind::Employee).await;
        let leaver = o.people[3].clone();
        store
            .update_person(
                &Actor::system("test"),
                o.id,
                leaver.id,
                leaver.version,
                &NewPerson {
                    name: leaver.name.clone(),
                    email: leaver.email.clone(),
                    department: leaver.department.clone(),
                    manager_id: None,
                    kind: leaver.kind,
                    start_date: None,
                    end_date: Some(now().date() - Duration::days(1)),
                },
                "end_employment",
            )
            .await
            .expect("left");
        let first = store
            .reconcile_acknowledgements(&Actor::system("scheduler"), o.id)
            .await
            .expect("reconciled");
        assert_eq!((first.owed, first.released), (1, 1), "{b}");
        let again = store
            .reconcile_acknowledgements(&Actor::system("scheduler"), o.id)
            .await
            .expect("reconciled");
        assert_eq!(
            (again.owed, again.released, again.versions),
            (0, 0, 0),
            "{b}: idempotent"
        );
        assert_totals_match(&store, o.id, v1.id, b).await;

        // Answers are bound to the text.
        let ada = &o.people[2];
        let wrong = store
            .answer_acknowledgements(
                o.id,
                vec![answer(ada, v1.id, AckAnswer::Accept, &"0".repeat(64))],
            )
            .await
            .expect("batch");
        assert!(matches!(wrong[0], Err(StoreError::Conflict(_))), "{b}");
        let results = store
            .answer_acknowledgements(
                o.id,
                vec![
                    answer(ada, v1.id, AckAnswer::Accept, &digest),
                    answer(
                        &joiner,
                        v1.id,
                        AckAnswer::Decline {
                            reason: "No laptop yet".into(),
                        },
                        &digest,
                    ),
                    answer(&leaver, v1.id, AckAnswer::Accept, &digest),
                ],
            )
            .await
            .expect("batch");
        assert_eq!(
            results[0].as_ref().map(|r| r.state).ok(),
            Some(AckState::Accepted),
            "{b}"
        );
        assert_eq!(
            results[0]
                .as_ref()
                .map(|r| r.text_sha256.clone())
                .ok()
                .flatten(),
            Some(digest.clone())
        );
        assert_eq!(
            results[1].as_ref().map(|r| r.state).ok(),
            Some(AckState::Declined),
            "{b}"
        );
        assert!(
            results[2].is_err(),
            "{b}: a released request is not answered"
        );
        assert_totals_match(&store, o.id, v1.id, b).await;

        // A correction carries Ada's acceptance over; the decline does not.
        let (n2, _) = publish(
            &store,
            &o,
            policy.id,
            "# Acceptable use\n\nBe careful!",
            false,
        )
        .await;
        let v2 = store
            .policy_version(o.id, policy.id, n2)
            .await
            .expect("read")
            .expect("v2");
        let rows = store
            .acknowledgements_of_version(o.id, v2.id)
            .await
            .expect("rows");
        let of = |p: &Person| rows.iter().find(|r| r.person_id == p.id).map(|r| r.state);
        assert_eq!(of(ada), Some(AckState::CarriedOver), "{b}");
        assert_eq!(of(&joiner), Some(AckState::Owed), "{b}");
        let old = store
            .acknowledgements_of_version(o.id, v1.id)
            .await
            .expect("rows");
        assert!(
            old.iter().all(|r| r.state != AckState::Owed),
            "{b}: nothing owed of a superseded version"
        );
        assert_totals_match(&store, o.id, v1.id, b).await;
        assert_totals_match(&store, o.id, v2.id, b).await;

        // A material change asks everyone again.
        let (n3, _) = publish(
            &store,
            &o,
            policy.id,
            "# Acceptable use\n\nNo personal devices.",
            true,
        )
        .await;
        let v3 = store
            .policy_version(o.id, policy.id, n3)
            .await
            .expect("read")
            .expect("v3");
        let rows = store
            .acknowledgements_of_version(o.id, v3.id)
            .await
            .expect("rows");
        assert!(rows.iter().all(|r| r.state == AckState::Owed), "{b}");
        assert_eq!(rows.len(), 4, "{b}: author, boss, Ada and the joiner");
        store
            .verify_chain(o.id, &public)
            .await
            .expect("read")
            .expect("untampered");

        // Everything comes back from a backup.
        let file = db.path("acks.jsonl");
        store.backup(&file).await.expect("backup");
        for target in TestDb::all().await {
            std::fs::copy(db.key_path(), target.key_path()).expect("key");
            let (restored, _) = open(&target).await;
            restored.restore(&file, false).await.expect("restored");
            assert_eq!(
                restored
                    .acknowledgements_of_version(o.id, v2.id)
                    .await
                    .expect("rows"),
                store
                    .acknowledgements_of_version(o.id, v2.id)
                    .await
                    .expect("rows")
            );
            assert_totals_match(&restored, o.id, v3.id, b).await;
        }
    }
}

#[tokio::test]
async fn mail_is_queued_once_claimed_and_sent_or_put_in_doubt() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, _) = open(&db).await;
        let o = organisation(&store).await;
        let mail = |key: &str| NewMail {
            dedupe_key: key.into(),
            kind: "digest".into(),
            person_id: Some(o.people[2].id),
            to: "ada@acme.example".into(),
            subject: "Hello".into(),
            body: "Body".into(),
        };
        let queued = store
            .queue_mail(o.id, vec![mail("a"), mail("b")], now())
            .await
            .expect("queued");
        assert_eq!(queued, 2, "{b}");
        let again = store
            .queue_mail(o.id, vec![mail("a")], now())
            .await
            .expect("queued");
        assert_eq!(again, 0, "{b}: a key is queued once");
        let first = store.claim_mail().await.expect("claim").expect("a message");
        assert_eq!(
            (first.state, first.attempts),
            (MailState::Sending, 1),
            "{b}"
        );
        store.mark_sent(&first).await.expect("sent");
        let second = store.claim_mail().await.expect("claim").expect("another");
        assert_ne!(first.id, second.id, "{b}");
        assert!(
            store.claim_mail().await.expect("claim").is_none(),
            "{b}: nothing else is due"
        );
        // The sender stops while the second is with the server.
        assert_eq!(store.expire_all_claims().await.expect("expired"), 1, "{b}");
        let counts = store.outbox_counts(o.id).await.expect("counts");
        let mails = store
            .outbox_page(
                o.id,
                &OutboxQuery {
                    limit: 10,
                    ..OutboxQuery::default()
                },
            )
            .await
            .expect("outbox")
            .items;
        assert_eq!(
            (
                counts.get(&MailState::Sent),
                counts.get(&MailState::Uncertain)
            ),
            (Some(&1), Some(&1)),
            "{b}"
        );
        assert!(
            store.claim_mail().await.expect("claim").is_none(),
            "{b}: an uncertain message is never resent on its own"
        );
        let doubtful = mails
            .iter()
            .find(|m| m.state == MailState::Uncertain)
            .expect("uncertain");
        store
            .requeue_mail(o.id, doubtful.id)
            .await
            .expect("requeued by an operator");
        let third = store.claim_mail().await.expect("claim").expect("requeued");
        store
            .mark_refused(&third, "450 try later")
            .await
            .expect("refused");
        assert!(
            store.claim_mail().await.expect("claim").is_none(),
            "{b}: backing off"
        );
        let last = store.last_mail_to(o.id, "digest").await.expect("last");
        assert!(last.contains_key(&o.people[2].id), "{b}");
        assert!(
            store.requeue_mail(o.id, first.id).await.is_err(),
            "{b}: a sent message is not sent again"
        );
    }
}

#[tokio::test]
async fn the_outbox_is_read_a_page_at_a_time_newest_first() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, _) = open(&db).await;
        let o = organisation(&store).await;
        let mail = |key: String| NewMail {
            dedupe_key: key.clone(),
            kind: "digest".into(),
            person_id: Some(o.people[2].id),
            to: "ada@acme.example".into(),
            subject: key,
            body: "Body".into(),
        };
        // Two batches: the messages of one batch share their created_at.
        for batch in 0..2 {
            let mails = (0..4).map(|i| mail(format!("{batch}-{i}"))).collect();
            store.queue_mail(o.id, mails, now()).await.expect("queued");
        }
        let sent = store.claim_mail().await.expect("claim").expect("one");
        store.mark_sent(&sent).await.expect("sent");

        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let query = OutboxQuery {
                limit: 3,
                after,
                ..OutboxQuery::default()
            };
            let page = store.outbox_page(o.id, &query).await.expect("page");
            assert!(page.items.len() <= 3, "{b}");
            seen.extend(page.items);
            match page.next_after {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let subjects: Vec<&str> = seen.iter().map(|m| m.mail.subject.as_str()).collect();
        assert_eq!(subjects.len(), 8, "{b}: every message once: {subjects:?}");
        assert!(
            subjects[..4].iter().all(|s| s.starts_with("1-")),
            "{b}: the later batch first: {subjects:?}"
        );
        let order: Vec<_> = seen.iter().map(|m| (m.created_at, m.id)).collect();
        assert!(order.windows(2).all(|w| w[0] > w[1]), "{b}: newest first");

        let only_sent = store
            .outbox_page(
                o.id,
                &OutboxQuery {
                    state: Some(MailState::Sent),
                    limit: 50,
                    after: None,
                },
            )
            .await
            .expect("sent");
        assert_eq!(
            (only_sent.items.len(), only_sent.items[0].id),
            (1, sent.id),
            "{b}"
        );
        let stranger = OutboxQuery {
            after: Some(uuid::Uuid::now_v7()),
            limit: 50,
            state: None,
        };
        assert!(
            matches!(
                store.outbox_page(o.id, &stranger).await,
                Err(StoreError::Invalid(_))
            ),
            "{b}: a cursor naming no message is refused"
        );
        let counts = store.outbox_counts(o.id).await.expect("counts");
        assert_eq!(
            (counts.get(&MailState::Queued), counts.get(&MailState::Sent)),
            (Some(&7), Some(&1)),
            "{b}"
        );
    }
}
