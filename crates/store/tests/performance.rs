//! The performance store on every backend: objectives, KPI values (batches
//! all or nothing, corrections audited), actions closed with a date,
//! reviews frozen once held, and all of it through a backup and restore.

use mandate_core::audit::{Actor, PublicKey};
use mandate_core::performance::{
    ActionFields, ActionSource, ActionStatus, Direction, Frequency, KpiFields, ManualInputs,
    MeasurementEntry, ObjectiveFields, PackSources, ReviewHeld, compile_pack,
};
use mandate_core::policy::{ApprovalRule, Audience, PolicyFields, PolicyKind};
use mandate_core::timefmt::now;
use mandate_core::{AccessRole, Email, NewOrganisation, NewPerson, NewUser, PersonKind, Slug};
use mandate_store::{AuditQuery, DatabaseUrl, ReviewPlan, Store, StoreError, keyfile};
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

#[tokio::test]
async fn values_reviews_and_actions_are_kept_frozen_audited_and_backed_up() {
    for db in TestDb::all().await {
        let (store, public) = open(&db).await;
        let system = Actor::system("test");
        let mut new =
            NewOrganisation::new(Slug::parse("acme").expect("slug"), "Acme").expect("org");
        new.strategic_goals = vec!["Grow safely".into()];
        let org = store
            .create_organisation(&system, &new, &[], &[])
            .await
            .expect("org")
            .id;
        let person = store
            .create_person(
                &system,
                org,
                &NewPerson {
                    name: "Ada Chair".into(),
                    email: Email::parse("ada@acme.example").expect("email"),
                    department: None,
                    manager_id: None,
                    kind: PersonKind::Employee,
                    start_date: None,
                    end_date: None,
                },
            )
            .await
            .expect("person");
        let chair = store
            .create_user(
                &system,
                org,
                &NewUser {
                    person_id: person.id,
                    access_role: AccessRole::TopManagement,
                    password_hash: None,
                },
            )
            .await
            .expect("user");
        store
            .install_starter_roles(&system, org)
            .await
            .expect("roles");
        let role = store.roles(org).await.expect("roles")[0].id;
        let (policy, _) = store
            .create_policy(
                &system,
                org,
                PolicyFields {
                    title: "Information security policy".into(),
                    kind: PolicyKind::TopLevel,
                    parent_id: None,
                    owner_role: "CISO".into(),
                    review_interval_months: 12,
                    audience: Audience::everyone(),
                    public: false,
                    approval_rule: ApprovalRule::default(),
                },
                None,
            )
            .await
            .expect("policy");
        let today = now().date();
        let objective = store
            .save_objective(
                &system,
                org,
                None,
                None,
                ObjectiveFields {
                    title: "Fewer clicks".into(),
                    description: String::new(),
                    strategic_goal: "Grow safely".into(),
                    policy_id: policy.id,
                    owner_role_id: role,
                    due_on: today + Duration::days(90),
                },
            )
            .await
            .expect("objective");
        let stale = store
            .save_objective(
                &system,
                org,
                Some(objective.id),
                Some(7),
                objective.fields.clone(),
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict(_))),
            "{}: stale version",
            db.backend
        );
        let kpi = store
            .save_kpi(
                &system,
                org,
                None,
                None,
                KpiFields {
                    objective_id: objective.id,
                    name: "Click rate".into(),
                    unit: "%".into(),
                    target: 5.0,
                    direction: Direction::LowerIsBetter,
                    frequency: Frequency::Monthly,
                },
            )
            .await
            .expect("kpi");
        let value = |days: i64, value: f64| MeasurementEntry {
            kpi_id: kpi.id,
            measured_on: today - Duration::days(days),
            value,
            note: String::new(),
        };
        // A batch with a duplicate day is refused whole.
        let refused = store
            .record_measurements(&system, org, chair.id, vec![value(60, 9.0), value(60, 8.0)])
            .await;
        assert!(matches!(refused, Err(StoreError::Invalid(m)) if m.starts_with("entry 2")));
        assert!(
            store
                .measurements(org, None)
                .await
                .expect("values")
                .is_empty()
        );
        store
            .record_measurements(&system, org, chair.id, vec![value(60, 9.0), value(30, 6.0)])
            .await
            .expect("recorded");
        let corrected = store
            .record_measurements(&system, org, chair.id, vec![value(30, 4.0), value(60, 9.0)])
            .await
            .expect("corrected");
        assert_eq!(
            (corrected.added, corrected.corrected, corrected.unchanged),
            (0, 1, 1)
        );
        let kpis = store.kpis(org).await.expect("kpis");
        assert_eq!(
            kpis[0].starts_on,
            today - Duration::days(60),
            "{}: measured since its first value",
            db.backend
        );
        let events = store
            .audit_events(
                org,
                &AuditQuery {
                    entity_type: Some("measurement".into()),
                    limit: 10,
                    ..AuditQuery::default()
                },
            )
            .await
            .expect("events");
        let correction = events
            .items
            .iter()
            .find(|e| e.action == "update")
            .expect("a correction");
        assert!(
            correction
                .before
                .as_deref()
                .is_some_and(|b| b.contains("6.0")),
            "{}: the old value is kept",
            db.backend
        );

        // An action closed is dated; reopened, the date goes.
        let fields = ActionFields {
            title: "Train the sales team".into(),
            owner_id: person.id,
            due_on: today - Duration::days(2),
            status: ActionStatus::Open,
            source: ActionSource::Objective,
            objective_id: Some(objective.id),
            review_id: None,
            improvement_id: None,
            notes: String::new(),
        };
        let action = store
            .save_action(&system, org, None, None, fields.clone())
            .await
            .expect("action");
        assert_eq!(action.overdue_days(today), Some(2));
        let done = store
            .save_action(
                &system,
                org,
                Some(action.id),
                Some(1),
                ActionFields {
                    status: ActionStatus::Done,
                    ..fields.clone()
                },
            )
            .await
            .expect("done");
        assert_eq!(
            (done.closed_on, done.overdue_days(today)),
            (Some(today), None)
        );

        // A review's pack, once held, does not change with the live data.
        let review = store
            .save_review_plan(
                &system,
                org,
                None,
                None,
                ReviewPlan {
                    title: "Q1".into(),
                    planned_on: today,
                    chair_id: person.id,
                    attendees: vec![person.id],
                    manual: ManualInputs::default(),
                },
            )
            .await
            .expect("planned");
        let objectives = store.objectives(org).await.expect("objectives");
        let values = store.measurements(org, None).await.expect("values");
        let actions = store.actions(org).await.expect("actions");
        let pack = compile_pack(PackSources {
            day: today,
            objectives: &objectives,
            kpis: &kpis,
            measurements: &values,
            actions: &actions,
            earlier_reviews: &[],
            person_name: &|_| "Ada Chair".into(),
            policies: Vec::new(),
            role_gaps: Vec::new(),
            changes: store
                .changes_since(org, None, today)
                .await
                .expect("changes"),
        });
        assert!(
            pack.changes
                .changes_by_record
                .iter()
                .any(|(kind, n)| kind == "measurement" && *n == 3)
        );
        store
            .prepare_review(&system, org, review.id, pack.clone())
            .await
            .expect("prepared");
        let held = store
            .hold_review(
                &system,
                org,
                review.id,
                None,
                ReviewHeld {
                    held_on: today,
                    attendees: vec![person.id],
                    minutes: "Reviewed.".into(),
                    decisions: Vec::new(),
                },
            )
            .await
            .expect("held");
        let refreshed = store
            .prepare_review(&system, org, review.id, pack.clone())
            .await;
        assert!(
            matches!(refreshed, Err(StoreError::Conflict(_))),
            "{}",
            db.backend
        );
        store
            .record_measurements(&system, org, chair.id, vec![value(0, 50.0)])
            .await
            .expect("a new value");
        let kept = store
            .management_review(org, review.id)
            .await
            .expect("review");
        assert_eq!(kept.pack.as_ref(), Some(&pack), "{}: frozen", db.backend);
        assert_eq!(kept.held_on, held.held_on);
        // The chair approves holding a top-management role, not before.
        let refused = store
            .approve_review(&Actor::user(chair.id), org, review.id, &chair)
            .await;
        assert!(
            matches!(refused, Err(StoreError::Refused(_))),
            "{}",
            db.backend
        );
        let clerk = store
            .create_person(
                &system,
                org,
                &NewPerson {
                    name: "Clerk".into(),
                    email: Email::parse("clerk@acme.example").expect("email"),
                    department: None,
                    manager_id: None,
                    kind: PersonKind::Employee,
                    start_date: None,
                    end_date: None,
                },
            )
            .await
            .expect("person");
        let admin = store
            .create_user(
                &system,
                org,
                &NewUser {
                    person_id: clerk.id,
                    access_role: AccessRole::Admin,
                    password_hash: None,
                },
            )
            .await
            .expect("admin");
        let top_role = store
            .roles(org)
            .await
            .expect("roles")
            .into_iter()
            .find(|r| r.fields.top_management)
            .expect("top")
            .id;
        store
            .assign_role(
                &system,
                org,
                admin.id,
                mandate_core::roles::AssignmentTerms {
                    role_id: top_role,
                    person_id: person.id,
                    starts_on: today,
                    ends_on: None,
                    deputy_id: None,
                    capacity_percent: None,
                },
            )
            .await
            .expect("assigned");
        let approved = store
            .approve_review(&Actor::user(chair.id), org, review.id, &chair)
            .await
            .expect("approved");
        assert!(approved.approved_at.is_some());
        let late = store
            .save_action(
                &system,
                org,
                None,
                None,
                ActionFields {
                    source: ActionSource::Review,
                    objective_id: None,
                    review_id: Some(review.id),
                    ..fields.clone()
                },
            )
            .await;
        assert!(
            matches!(late, Err(StoreError::Conflict(_))),
            "{}: the approved record is closed",
            db.backend
        );
        let kept = store
            .management_review(org, review.id)
            .await
            .expect("review");
        assert_eq!(
            kept.pack.as_ref(),
            Some(&pack),
            "{}: still the pack management saw",
            db.backend
        );

        // Everything survives a backup and restore into every backend.
        let file = db.path("performance.jsonl");
        store.backup(&file).await.expect("backup");
        for target in TestDb::all().await {
            std::fs::copy(db.key_path(), target.key_path()).expect("key");
            let (restored, _) = open(&target).await;
            restored.restore(&file, false).await.expect("restored");
            assert_eq!(
                restored.objectives(org).await.expect("o"),
                store.objectives(org).await.expect("o")
            );
            assert_eq!(
                restored.kpis(org).await.expect("k"),
                store.kpis(org).await.expect("k")
            );
            assert_eq!(
                restored.measurements(org, None).await.expect("m"),
                store.measurements(org, None).await.expect("m")
            );
            assert_eq!(
                restored.actions(org).await.expect("a"),
                store.actions(org).await.expect("a")
            );
            assert_eq!(
                restored.management_reviews(org).await.expect("r"),
                store.management_reviews(org).await.expect("r")
            );
            restored
                .verify_chain(org, &public)
                .await
                .expect("readable")
                .expect("untampered");
        }
    }
}
