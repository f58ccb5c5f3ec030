//! The commitment store on every backend: budgets approved by someone else
//! with the authority, statements signed text by text, confidential
//! feedback with no trace of its author, training batches all or nothing,
//! the improvement register's closing rules, attestations once per period,
//! and all of it through a backup and restore.

use mandate_core::audit::{Actor, PublicKey};
use mandate_core::commitment::attestation::{AttestationFields, Period};
use mandate_core::commitment::communication::{Channel, CommunicationFields, PlanItemFields};
use mandate_core::commitment::feedback::{
    Feedback, FeedbackKind, FeedbackStatus, FeedbackSubmission,
};
use mandate_core::commitment::improvement::{
    EffectivenessCheck, ImprovementFields, ImprovementKind, ImprovementSource,
};
use mandate_core::commitment::money::Currency;
use mandate_core::commitment::resources::{BudgetCategory, BudgetLine, ResourcePlanFields};
use mandate_core::commitment::statement::StatementFields;
use mandate_core::commitment::training::{Completion, CourseFields, CourseKind};
use mandate_core::performance::{ActionFields, ActionSource, ActionStatus};
use mandate_core::timefmt::now;
use mandate_core::{
    AccessRole, Email, NewOrganisation, NewPerson, NewUser, OrgId, Person, PersonId, PersonKind,
    Slug, User,
};
use mandate_store::{AuditQuery, DatabaseUrl, Store, StoreError, keyfile};
use mandate_testkit::TestDb;
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

struct Org {
    id: OrgId,
    ceo: User,
    cfo: User,
    isms: User,
    dev: User,
    dev_person: Person,
}

async fn person(store: &Store, org: OrgId, name: &str, manager: Option<PersonId>) -> Person {
    let email = format!("{}@acme.example", name.to_lowercase());
    store
        .create_person(
            &Actor::system("test"),
            org,
            &NewPerson {
                name: name.into(),
                email: Email::parse(&email).expect("email"),
                department: None,
                manager_id: manager,
                kind: PersonKind::Employee,
                start_date: None,
                end_date: None,
            },
        )
        .await
        .expect("person")
}

async fn login(store: &Store, org: OrgId, person: &Person, role: AccessRole) -> User {
    store
        .create_user(
            &Actor::system("test"),
            org,
            &NewUser {
                person_id: person.id,
                access_role: role,
                password_hash: None,
            },
        )
        .await
        .expect("user")
}

/// Two top managers holding the Top management role, an ISMS manager and
/// a developer who reports to the ISMS manager.
async fn organisation(store: &Store) -> Org {
    let system = Actor::system("test");
    let new = NewOrganisation::new(Slug::parse("acme").expect("slug"), "Acme").expect("org");
    let id = store
        .create_organisation(&system, &new, &[], &[])
        .await
        .expect("org")
        .id;
    let ceo_p = person(store, id, "Ceo", None).await;
    let cfo_p = person(store, id, "Cfo", Some(ceo_p.id)).await;
    let isms_p = person(store, id, "Isms", Some(ceo_p.id)).await;
    let dev_p = person(store, id, "Dev", Some(isms_p.id)).await;
    let ceo = login(store, id, &ceo_p, AccessRole::TopManagement).await;
    let cfo = login(store, id, &cfo_p, AccessRole::TopManagement).await;
    let isms = login(store, id, &isms_p, AccessRole::IsmsManager).await;
    let dev = login(store, id, &dev_p, AccessRole::Staff).await;
    mandate_testkit::fixtures::hold_top_management(store, id, &isms, &[&ceo, &cfo]).await;
    Org {
        id,
        ceo,
        cfo,
        isms,
        dev,
        dev_person: dev_p,
    }
}

fn refused<T: std::fmt::Debug>(result: Result<T, StoreError>, backend: &str, what: &str) -> String {
    match result {
        Err(StoreError::Refused(m)) => m,
        other => panic!("{backend}: {what} should be refused, got {other:?}"),
    }
}

fn plan_fields(planned: i64) -> ResourcePlanFields {
    ResourcePlanFields {
        fiscal_year: 2026,
        currency: Currency::parse("EUR").expect("currency"),
        lines: vec![BudgetLine {
            category: BudgetCategory::ExternalAudit,
            planned,
            actual: 0,
            note: String::new(),
        }],
        notes: String::new(),
    }
}

#[tokio::test]
async fn budgets_are_approved_by_someone_else_with_the_authority() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, _) = open(&db).await;
        let o = organisation(&store).await;
        let actor = Actor::user(o.ceo.id);
        let plan = store
            .save_resource_plan(
                &actor,
                o.id,
                o.ceo.person_id,
                None,
                None,
                plan_fields(1_500_000),
            )
            .await
            .expect("proposed");
        let duplicate = store
            .save_resource_plan(&actor, o.id, o.ceo.person_id, None, None, plan_fields(1))
            .await;
        assert!(
            matches!(duplicate, Err(StoreError::Conflict(_))),
            "{b}: one plan a year"
        );
        let own = store
            .approve_resource_plan(&actor, o.id, plan.id, &o.ceo, Some(plan.version))
            .await;
        assert!(refused(own, b, "approving one's own").contains("segregation"));
        let isms = store
            .approve_resource_plan(&actor, o.id, plan.id, &o.isms, Some(plan.version))
            .await;
        assert!(refused(isms, b, "approving without the access role").contains("isms_manager"));
        let approved = store
            .approve_resource_plan(&actor, o.id, plan.id, &o.cfo, Some(plan.version))
            .await
            .expect("approved by the other top manager");
        let approval = approved.approval.clone().expect("approval");
        assert_eq!(approval.approved_by, o.cfo.person_id);
        assert_eq!(approval.authority, "ISMS role Top management");

        // Spending keeps the approval; planning more withdraws it.
        let mut spent = approved.fields.clone();
        spent.lines[0].actual = 1_400_000;
        let spent = store
            .save_resource_plan(
                &actor,
                o.id,
                o.isms.person_id,
                Some(plan.id),
                Some(approved.version),
                spent,
            )
            .await
            .expect("actuals recorded");
        assert!(spent.approval.is_some(), "{b}");
        let stale = store
            .save_resource_plan(
                &actor,
                o.id,
                o.cfo.person_id,
                Some(plan.id),
                Some(approved.version),
                plan_fields(2),
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict(_))),
            "{b}: stale version"
        );
        let more = store
            .save_resource_plan(
                &actor,
                o.id,
                o.cfo.person_id,
                Some(plan.id),
                Some(spent.version),
                plan_fields(1_800_000),
            )
            .await
            .expect("replanned");
        assert!(
            more.approval.is_none() && more.proposed_by == o.cfo.person_id,
            "{b}"
        );
        let again = store
            .approve_resource_plan(&actor, o.id, plan.id, &o.cfo, Some(more.version))
            .await;
        refused(again, b, "the new proposer approving");
        store
            .approve_resource_plan(&actor, o.id, plan.id, &o.ceo, Some(more.version))
            .await
            .expect("the other one approves");
    }
}

#[tokio::test]
async fn a_statement_is_signed_text_by_text_and_published_superseding_the_last() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, _) = open(&db).await;
        let o = organisation(&store).await;
        let actor = Actor::user(o.isms.id);
        let fields = |body: &str, signatories| StatementFields {
            title: "Our commitment".into(),
            body: body.into(),
            signatories,
        };
        let not_top = store
            .save_statement(
                &actor,
                o.id,
                None,
                None,
                fields("We lead.", vec![o.dev.person_id]),
            )
            .await;
        assert!(
            matches!(not_top, Err(StoreError::Invalid(m)) if m.contains("top-management")),
            "{b}"
        );
        let s = store
            .save_statement(
                &actor,
                o.id,
                None,
                None,
                fields("We lead.", vec![o.ceo.person_id, o.cfo.person_id]),
            )
            .await
            .expect("written");
        let signed = store
            .sign_statement(&actor, o.id, s.id, &o.ceo, &s.body_sha256)
            .await
            .expect("the CEO signs");
        refused(
            store
                .sign_statement(&actor, o.id, s.id, &o.isms, &s.body_sha256)
                .await,
            b,
            "a signature without the authority",
        );
        let early = store
            .publish_statement(&actor, o.id, s.id, "Intranet")
            .await;
        assert!(
            matches!(early, Err(StoreError::Invalid(_))),
            "{b}: one signature missing"
        );
        let edited = store
            .save_statement(
                &actor,
                o.id,
                Some(s.id),
                Some(signed.version),
                fields(
                    "We lead and fund it.",
                    vec![o.ceo.person_id, o.cfo.person_id],
                ),
            )
            .await
            .expect("edited");
        assert_eq!(edited.must_sign_again(), vec![o.ceo.person_id], "{b}");
        let stale = store
            .sign_statement(&actor, o.id, s.id, &o.cfo, &s.body_sha256)
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict(_))),
            "{b}: signing a text that changed"
        );
        for signer in [&o.ceo, &o.cfo] {
            store
                .sign_statement(&actor, o.id, s.id, signer, &edited.body_sha256)
                .await
                .expect("signs the new text");
        }
        let first = store
            .publish_statement(&actor, o.id, s.id, "Intranet: About us")
            .await
            .expect("published");
        let fixed = store
            .save_statement(
                &actor,
                o.id,
                Some(s.id),
                Some(first.version),
                fields("Changed", vec![o.ceo.person_id]),
            )
            .await;
        assert!(
            matches!(fixed, Err(StoreError::Conflict(_))),
            "{b}: published text is fixed"
        );

        let next = store
            .save_statement(
                &actor,
                o.id,
                None,
                None,
                fields("We lead, fund and review it.", vec![o.ceo.person_id]),
            )
            .await
            .expect("a new statement");
        store
            .sign_statement(&actor, o.id, next.id, &o.ceo, &next.body_sha256)
            .await
            .expect("signed");
        store
            .publish_statement(&actor, o.id, next.id, "Intranet")
            .await
            .expect("published");
        let all = store.statements(o.id).await.expect("statements");
        let old = all.iter().find(|x| x.id == s.id).expect("first");
        assert!(old.superseded_at.is_some(), "{b}: the first is superseded");
        let events = store
            .audit_events(
                o.id,
                &AuditQuery {
                    entity_type: Some("leadership_statement".into()),
                    limit: 100,
                    ..AuditQuery::default()
                },
            )
            .await
            .expect("events");
        let actions: Vec<&str> = events.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions.iter().filter(|a| **a == "sign").count(),
            4,
            "{b}: {actions:?}"
        );
        assert!(
            actions.contains(&"supersede") && actions.contains(&"publish"),
            "{b}"
        );
    }
}

#[tokio::test]
async fn confidential_feedback_leaves_no_trace_of_its_author() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, public) = open(&db).await;
        let o = organisation(&store).await;
        let today = now().date();
        let submission = FeedbackSubmission {
            kind: FeedbackKind::Concern,
            subject: "Shared admin password".into(),
            text: "It is on a sticky note by the build server.".into(),
        };
        let named = Feedback::named(o.id, o.dev.person_id, submission.clone(), now());
        store
            .submit_feedback(&Actor::user(o.dev.id), named)
            .await
            .expect("named");
        let secret = Feedback::confidential(o.id, submission.clone(), today);
        // Whoever the request came from, the log names the channel.
        let kept = store
            .submit_feedback(&Actor::user(o.dev.id), secret.clone())
            .await
            .expect("confidential");
        assert!(kept.author_id.is_none());
        assert_eq!((kept.id, kept.received_on), (secret.id, today), "{b}");
        let with_author = Feedback {
            author_id: Some(o.dev.person_id),
            ..secret
        };
        assert!(
            store
                .submit_feedback(&Actor::user(o.dev.id), with_author)
                .await
                .is_err(),
            "{b}"
        );
        // Someone else acts after it, the same day.
        let later = Feedback::named(o.id, o.isms.person_id, submission, now());
        store
            .submit_feedback(&Actor::user(o.isms.id), later)
            .await
            .expect("named");

        let feedback_events = || async {
            store
                .audit_events(
                    o.id,
                    &AuditQuery {
                        entity_type: Some("feedback".into()),
                        limit: 100,
                        ..AuditQuery::default()
                    },
                )
                .await
                .expect("events")
                .items
        };
        // Until the next day's batch, it is in no record and no event.
        let listed = store.feedback(o.id).await.expect("feedback");
        assert!(listed.iter().all(|f| f.id != kept.id), "{b}");
        assert_eq!(feedback_events().await.len(), 2, "{b}: the named ones");
        let traces = [
            o.dev.id.to_string(),
            o.dev_person.id.to_string(),
            o.dev_person.email.to_string(),
            o.dev_person.name.clone(),
        ];
        // The inbox holds the text and the day: no author, no time.
        let file = db.path("inbox.jsonl");
        store.backup(&file).await.expect("backup");
        let dump = std::fs::read_to_string(&file).expect("backup text");
        let waiting = dump
            .lines()
            .find(|l| l.contains("\"table\":\"feedback_inbox\""))
            .expect("the waiting entry");
        assert!(waiting.contains(&kept.id.to_string()), "{b}: {waiting}");
        for trace in &traces {
            assert!(
                !waiting.contains(trace.as_str()),
                "{b}: the inbox names {trace}"
            );
        }
        let row: serde_json::Value = serde_json::from_str(waiting).expect("json");
        let mut columns: Vec<&str> = row["row"]
            .as_object()
            .expect("a row")
            .keys()
            .map(String::as_str)
            .collect();
        columns.sort_unstable();
        assert_eq!(
            columns,
            [
                "body",
                "feedback_id",
                "kind",
                "org_id",
                "received_on",
                "subject"
            ],
            "{b}"
        );

        // Today's batch waits for tomorrow; tomorrow's first filing takes it, once.
        let filing = |day| store.file_confidential_feedback(o.id, day);
        assert_eq!(filing(today).await.expect("filing"), 0, "{b}");
        let head = store.audit_head(o.id).await.expect("head").expect("a head");
        let tomorrow = today + Duration::days(1);
        assert_eq!(filing(tomorrow).await.expect("filing"), 1, "{b}");
        assert_eq!(filing(tomorrow).await.expect("filing"), 0, "{b}");

        let events = feedback_events().await;
        let event = events
            .iter()
            .find(|e| e.entity_id == kept.id.to_string())
            .expect("its event");
        assert_eq!(event.actor, "channel:confidential", "{b}");
        assert_eq!(event.action, "submit", "{b}");
        // At the start of its day, after every event of that day: nothing
        // places it between the named people's actions.
        assert_eq!(event.occurred_at, today.midnight().assume_utc(), "{b}");
        assert!(event.seq > head.seq, "{b}: filed after the day's events");
        let text = format!("{} {:?} {:?}", event.actor, event.before, event.after);
        for trace in &traces {
            assert!(
                !text.contains(trace.as_str()),
                "{b}: the event names {trace}: {text}"
            );
        }
        let stored = store.feedback(o.id).await.expect("feedback");
        let row = stored.iter().find(|f| f.id == kept.id).expect("kept");
        assert!(row.confidential && row.author_id.is_none(), "{b}");
        assert_eq!(row.status, FeedbackStatus::New, "{b}");
        // The chain accepts an event dated before the ones it follows.
        store
            .verify_chain(o.id, &public)
            .await
            .expect("read")
            .expect("untampered");
        // The backup holds no link either, and the inbox is empty.
        let file = db.path("feedback.jsonl");
        store.backup(&file).await.expect("backup");
        let dump = std::fs::read_to_string(&file).expect("backup text");
        assert!(!dump.contains("\"table\":\"feedback_inbox\""), "{b}");
        let line = dump
            .lines()
            .find(|l| l.contains(&kept.id.to_string()) && l.contains("\"table\":\"feedback\""))
            .expect("the feedback row");
        for trace in &traces {
            assert!(!line.contains(trace.as_str()), "{b}: the row names {trace}");
        }
    }
}

#[tokio::test]
async fn training_batches_are_recorded_whole_or_not_at_all() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, _) = open(&db).await;
        let o = organisation(&store).await;
        let actor = Actor::user(o.isms.id);
        let course = store
            .save_course(
                &actor,
                o.id,
                None,
                None,
                CourseFields {
                    title: "Security awareness".into(),
                    kind: CourseKind::GeneralAwareness,
                    description: String::new(),
                    validity_months: Some(12),
                },
            )
            .await
            .expect("course");
        let twin = store
            .save_course(
                &actor,
                o.id,
                None,
                None,
                CourseFields {
                    title: "SECURITY AWARENESS".into(),
                    kind: CourseKind::GeneralAwareness,
                    description: String::new(),
                    validity_months: None,
                },
            )
            .await;
        assert!(
            matches!(twin, Err(StoreError::Conflict(_))),
            "{b}: titles unique regardless of case"
        );
        let done = |person: PersonId, days_ago: i64| Completion {
            person_id: person,
            course_id: course.id,
            completed_on: now().date() - Duration::days(days_ago),
            expires_on: None,
            note: String::new(),
        };
        let bad = store
            .record_training(
                &actor,
                o.id,
                o.isms.id,
                vec![done(o.dev.person_id, 5), done(PersonId::new(), 5)],
            )
            .await;
        assert!(
            matches!(bad, Err(StoreError::Invalid(m)) if m.starts_with("entry 2")),
            "{b}"
        );
        assert!(
            store
                .training_records(o.id, None)
                .await
                .expect("records")
                .is_empty(),
            "{b}: nothing recorded"
        );
        let summary = store
            .record_training(
                &actor,
                o.id,
                o.isms.id,
                vec![done(o.dev.person_id, 5), done(o.ceo.person_id, 30)],
            )
            .await
            .expect("recorded");
        assert_eq!(summary.recorded, 2, "{b}");
        let records = store
            .training_records(o.id, Some(o.dev.person_id))
            .await
            .expect("dev's");
        assert_eq!(records.len(), 1);
        assert_eq!(
            records[0].completion.expires_on,
            Some(mandate_core::policy::review::add_months(
                records[0].completion.completed_on,
                12
            )),
            "{b}: expiry from the course"
        );
        let corrected = Completion {
            note: "Classroom session".into(),
            ..done(o.dev.person_id, 5)
        };
        let summary = store
            .record_training(
                &actor,
                o.id,
                o.isms.id,
                vec![corrected, done(o.ceo.person_id, 30)],
            )
            .await
            .expect("recorded");
        assert_eq!((summary.corrected, summary.unchanged), (1, 1), "{b}");
    }
}

#[tokio::test]
async fn the_improvement_register_closes_entries_only_when_resolved() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, public) = open(&db).await;
        let o = organisation(&store).await;
        let actor = Actor::user(o.isms.id);
        let feedback = store
            .submit_feedback(
                &Actor::user(o.dev.id),
                Feedback::named(
                    o.id,
                    o.dev.person_id,
                    FeedbackSubmission {
                        kind: FeedbackKind::Concern,
                        subject: "Leavers keep VPN access".into(),
                        text: "A leaver logged in last week.".into(),
                    },
                    now(),
                ),
            )
            .await
            .expect("feedback");
        let today = now().date();
        let fields = ImprovementFields {
            kind: ImprovementKind::Nonconformity,
            title: "Leavers keep VPN access".into(),
            description: String::new(),
            source: ImprovementSource::Feedback,
            raised_on: today,
            owner_id: o.isms.person_id,
            root_cause: String::new(),
            feedback_id: Some(feedback.id),
        };
        let nc = store
            .save_improvement(&actor, o.id, None, None, fields.clone())
            .await
            .expect("raised");
        let acted = store.feedback(o.id).await.expect("feedback");
        assert_eq!(acted[0].status, FeedbackStatus::ActedOn, "{b}");
        assert_eq!(acted[0].improvement_id, Some(nc.id), "{b}");
        let nc = store
            .save_improvement(
                &actor,
                o.id,
                Some(nc.id),
                Some(nc.version),
                ImprovementFields {
                    root_cause: "HR does not tell IT who leaves".into(),
                    ..fields
                },
            )
            .await
            .expect("root cause");
        let action = store
            .save_action(
                &actor,
                o.id,
                None,
                None,
                ActionFields {
                    title: "Disable accounts on the last day".into(),
                    owner_id: o.isms.person_id,
                    due_on: today + Duration::days(14),
                    status: ActionStatus::Open,
                    source: ActionSource::Nonconformity,
                    objective_id: None,
                    review_id: None,
                    improvement_id: Some(nc.id),
                    notes: String::new(),
                },
            )
            .await
            .expect("corrective action");
        let check = EffectivenessCheck {
            checked_on: today,
            effective: true,
            note: "Sampled leavers".into(),
            checked_by: o.isms.person_id,
        };
        let early = store
            .check_improvement(&actor, o.id, nc.id, Some(nc.version), check.clone())
            .await;
        assert!(
            matches!(early, Err(StoreError::Invalid(_))),
            "{b}: actions still open"
        );
        store
            .save_action(
                &actor,
                o.id,
                Some(action.id),
                Some(action.version),
                ActionFields {
                    status: ActionStatus::Done,
                    ..action.fields.clone()
                },
            )
            .await
            .expect("done");
        let checked = store
            .check_improvement(&actor, o.id, nc.id, Some(nc.version), check)
            .await
            .expect("checked");
        let closed = store
            .close_improvement(
                &actor,
                o.id,
                nc.id,
                Some(checked.version),
                "Effective".into(),
            )
            .await
            .expect("closed");
        assert_eq!(closed.closed_on, Some(today));
        let late = store
            .save_action(
                &actor,
                o.id,
                None,
                None,
                ActionFields {
                    title: "One more".into(),
                    ..action.fields
                },
            )
            .await;
        assert!(
            matches!(late, Err(StoreError::Conflict(_))),
            "{b}: a closed entry takes no action"
        );
        store
            .verify_chain(o.id, &public)
            .await
            .expect("read")
            .expect("untampered");
    }
}

#[tokio::test]
async fn line_managers_attest_once_per_period_and_everything_is_backed_up() {
    for db in TestDb::all().await {
        let b = db.backend;
        let (store, public) = open(&db).await;
        let o = organisation(&store).await;
        let today = now().date();
        let period = Period::containing(today, 3, 1);
        let fields = AttestationFields {
            team_trained: true,
            policies_acknowledged: true,
            access_reviewed: false,
            comments: "Access review of the build servers is late".into(),
        };
        let actor = Actor::user(o.isms.id);
        let attestation = store
            .attest(&actor, o.id, &o.isms, period, fields.clone())
            .await
            .expect("attested");
        assert_eq!(attestation.team_size, 1, "{b}");
        let twice = store
            .attest(&actor, o.id, &o.isms, period, fields.clone())
            .await;
        assert!(
            matches!(twice, Err(StoreError::Conflict(_))),
            "{b}: once per period"
        );
        refused(
            store
                .attest(&actor, o.id, &o.dev, period, fields.clone())
                .await,
            b,
            "a non-manager attesting",
        );
        let odd = Period {
            starts_on: period.starts_on,
            ends_on: period.ends_on - Duration::days(1),
        };
        assert!(
            matches!(
                store
                    .attest(&actor, o.id, &o.ceo, odd, fields.clone())
                    .await,
                Err(StoreError::Invalid(_))
            ),
            "{b}"
        );
        let future = Period::containing(period.ends_on + Duration::days(1), 3, 1);
        assert!(
            matches!(
                store.attest(&actor, o.id, &o.ceo, future, fields).await,
                Err(StoreError::Invalid(_))
            ),
            "{b}"
        );

        // The other registers, so the backup holds a row of each.
        let item = store
            .save_plan_item(
                &actor,
                o.id,
                None,
                None,
                PlanItemFields {
                    topic: "CEO's security message".into(),
                    channel: Channel::Email,
                    audience: "All staff".into(),
                    interval_months: 6,
                    first_due_on: today,
                    active: true,
                },
            )
            .await
            .expect("planned");
        store
            .save_communication(
                &actor,
                o.id,
                None,
                None,
                CommunicationFields {
                    occurred_on: today,
                    channel: Channel::Email,
                    audience: "All staff".into(),
                    topic: "Why security matters".into(),
                    summary: String::new(),
                    sponsor_id: o.ceo.person_id,
                    policy_id: None,
                    plan_item_id: Some(item.id),
                },
            )
            .await
            .expect("communicated");
        let future_talk = store
            .save_communication(
                &actor,
                o.id,
                None,
                None,
                CommunicationFields {
                    occurred_on: today + Duration::days(1),
                    channel: Channel::Email,
                    audience: "All staff".into(),
                    topic: "Later".into(),
                    summary: String::new(),
                    sponsor_id: o.ceo.person_id,
                    policy_id: None,
                    plan_item_id: None,
                },
            )
            .await;
        assert!(matches!(future_talk, Err(StoreError::Invalid(_))), "{b}");
        store
            .save_resource_plan(&actor, o.id, o.isms.person_id, None, None, plan_fields(100))
            .await
            .expect("plan");
        let (settings, version) = store.org_settings(o.id).await.expect("settings");
        assert_eq!(version, 0);
        store
            .set_org_settings(
                &actor,
                o.id,
                0,
                mandate_core::settings::OrgSettings {
                    attestation_period_months: 6,
                    ..settings
                },
            )
            .await
            .expect("settings saved");

        let file = db.path("commitment.jsonl");
        store.backup(&file).await.expect("backup");
        for target in TestDb::all().await {
            std::fs::copy(db.key_path(), target.key_path()).expect("key");
            let (restored, _) = open(&target).await;
            restored.restore(&file, false).await.expect("restored");
            assert_eq!(
                restored.attestations(o.id).await.expect("a"),
                store.attestations(o.id).await.expect("a")
            );
            assert_eq!(
                restored.communications(o.id).await.expect("c"),
                store.communications(o.id).await.expect("c")
            );
            assert_eq!(
                restored.communication_plan(o.id).await.expect("p"),
                store.communication_plan(o.id).await.expect("p")
            );
            assert_eq!(
                restored.resource_plans(o.id).await.expect("r"),
                store.resource_plans(o.id).await.expect("r")
            );
            assert_eq!(
                restored.org_settings(o.id).await.expect("s"),
                store.org_settings(o.id).await.expect("s")
            );
            restored
                .verify_chain(o.id, &public)
                .await
                .expect("read")
                .expect("untampered");
        }
    }
}
