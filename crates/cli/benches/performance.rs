//! Performance benchmarks: preparing a management review pack (compiling
//! every input from the live records and storing it) for an organisation of
//! 100,000 people with 50 objectives, 100 KPIs and five years of monthly
//! values, 500 actions and 1,000 role assignments; and the objectives page,
//! the dashboard and the objectives API over the same records. In process,
//! through the real router. SQLite always; PostgreSQL too when
//! `MANDATE_TEST_POSTGRES_URL` is set. Run with
//! `cargo bench -p mandate --bench performance`.
//!
//! Target: preparing a pack under 500 ms, pages under 100 ms p99.

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use mandate_core::audit::Actor;
use mandate_core::generator::{generate_people, reference_day, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::performance::{
    ActionFields, ActionSource, ActionStatus, Direction, Frequency, KpiFields, ManualInputs,
    MeasurementEntry, ObjectiveFields,
};
use mandate_core::policy::{ApprovalRule, Audience, PolicyFields, PolicyKind};
use mandate_core::roles::AssignmentTerms;
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_core::{AccessRole, NewOrganisation, NewUser, Slug};
use mandate_store::{DatabaseUrl, ReviewPlan, Store, keyfile};
use mandate_testkit::TestDb;
use mandate_web::{AppState, WebConfig, router};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const PEOPLE: usize = 100_000;
const OBJECTIVES: usize = 50;
const KPIS_EACH: usize = 2;
const MONTHS: i64 = 60;
const ACTIONS: usize = 500;
const ASSIGNMENTS: usize = 1_000;

async fn load(
    store: &Store,
) -> (
    mandate_core::OrgId,
    mandate_core::User,
    mandate_core::ReviewId,
) {
    let system = Actor::system("bench");
    let mut new =
        NewOrganisation::new(Slug::parse("bench").expect("slug"), "Bench Ltd").expect("org");
    new.strategic_goals = vec!["Grow".into(), "Stay trusted".into()];
    let rows = to_import_rows(&generate_people(
        11,
        PEOPLE,
        "bench.example",
        reference_day(),
    ))
    .expect("rows");
    let (plan, errors) = plan_import(new.id, &[], &rows, now());
    assert!(errors.is_empty());
    let users = [NewUser {
        person_id: plan.inserts[0].id,
        access_role: AccessRole::IsmsManager,
        password_hash: None,
    }];
    let org = store
        .create_organisation(&system, &new, &plan.inserts, &users)
        .await
        .expect("org")
        .id;
    let editor = store.users(org).await.expect("users").remove(0);
    store
        .install_starter_roles(&system, org)
        .await
        .expect("roles");
    let roles = store.roles(org).await.expect("roles");
    let today = now().date();
    let plain: Vec<_> = roles
        .iter()
        .filter(|r| {
            r.fields.incompatible_with.is_empty()
                && !r
                    .fields
                    .authorities
                    .contains(&mandate_core::roles::Decision::ApproveRoleAssignment)
        })
        .collect();
    for i in 0..ASSIGNMENTS {
        let terms = AssignmentTerms {
            role_id: plain[i % plain.len()].id,
            person_id: plan.inserts[1 + i * (PEOPLE - 2) / ASSIGNMENTS].id,
            starts_on: today - time::Duration::days(400),
            ends_on: None,
            deputy_id: None,
            capacity_percent: Some(10),
        };
        let _ = store.assign_role(&system, org, editor.id, terms).await;
    }
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
    let started = Instant::now();
    for o in 0..OBJECTIVES {
        let objective = store
            .save_objective(
                &system,
                org,
                None,
                None,
                ObjectiveFields {
                    title: format!("Objective {o}"),
                    description: String::new(),
                    strategic_goal: new.strategic_goals[o % 2].clone(),
                    policy_id: policy.id,
                    owner_role_id: roles[o % roles.len()].id,
                    due_on: today + time::Duration::days(100 + o as i64),
                },
            )
            .await
            .expect("objective");
        let mut entries = Vec::new();
        for k in 0..KPIS_EACH {
            let kpi = store
                .save_kpi(
                    &system,
                    org,
                    None,
                    None,
                    KpiFields {
                        objective_id: objective.id,
                        name: format!("KPI {o}.{k}"),
                        unit: "%".into(),
                        target: 90.0,
                        direction: Direction::HigherIsBetter,
                        frequency: Frequency::Monthly,
                    },
                )
                .await
                .expect("kpi");
            entries.extend((1..=MONTHS).map(|m| MeasurementEntry {
                kpi_id: kpi.id,
                measured_on: today - time::Duration::days(30 * m),
                value: 70.0 + (m % 25) as f64,
                note: String::new(),
            }));
        }
        store
            .record_measurements(&system, org, editor.id, entries)
            .await
            .expect("values");
        if o == 0 {
            println!(
                "  first objective with {} values",
                KPIS_EACH as i64 * MONTHS
            );
        }
    }
    let objectives = store.objectives(org).await.expect("objectives");
    for i in 0..ACTIONS {
        let on_plan = i % 2 == 0;
        store
            .save_action(
                &system,
                org,
                None,
                None,
                ActionFields {
                    title: format!("Action {i}"),
                    owner_id: plan.inserts[(i * 97) % PEOPLE].id,
                    due_on: today + time::Duration::days(i as i64 % 90 - 45),
                    status: if i % 3 == 0 {
                        ActionStatus::Done
                    } else {
                        ActionStatus::Open
                    },
                    source: if on_plan {
                        ActionSource::Objective
                    } else {
                        ActionSource::Audit
                    },
                    objective_id: on_plan.then(|| objectives[i % OBJECTIVES].id),
                    review_id: None,
                    improvement_id: None,
                    notes: String::new(),
                },
            )
            .await
            .expect("action");
    }
    println!(
        "  loaded {OBJECTIVES} objectives, {} values, {ACTIONS} actions in {:.1?}",
        OBJECTIVES * KPIS_EACH * MONTHS as usize,
        started.elapsed()
    );
    let review = store
        .save_review_plan(
            &system,
            org,
            None,
            None,
            ReviewPlan {
                title: "Bench review".into(),
                planned_on: today,
                chair_id: editor.person_id,
                attendees: vec![editor.person_id],
                manual: ManualInputs::default(),
            },
        )
        .await
        .expect("review");
    (org, editor, review.id)
}

async fn time_requests(
    app: &axum::Router,
    backend: &str,
    method: Method,
    uri: &str,
    secret: &str,
    runs: usize,
) {
    let mut times: Vec<Duration> = Vec::new();
    let mut bytes = 0;
    for _ in 0..runs {
        let request = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header(header::HOST, "bench.test")
            .header(header::COOKIE, format!("mandate_session={secret}"))
            .header("x-csrf-token", "csrf")
            .body(Body::empty())
            .expect("request");
        let t = Instant::now();
        let response = app.clone().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        let body = to_bytes(response.into_body(), 64 << 20)
            .await
            .expect("body");
        times.push(t.elapsed());
        bytes = body.len();
    }
    times.sort();
    println!(
        "{backend}: {method} {uri}: p50 {:.1?}, p99 {:.1?} ({} KB)",
        times[times.len() / 2],
        times[times.len() * 99 / 100],
        bytes / 1024
    );
}

/// Where preparing a pack spends its time: each source on its own.
async fn breakdown(store: &Store, org: mandate_core::OrgId, backend: &str) {
    async fn median<F: std::future::Future<Output = ()>>(mut f: impl FnMut() -> F) -> Duration {
        let mut times = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            f().await;
            times.push(t.elapsed());
        }
        times.sort();
        times[times.len() / 2]
    }
    let today = now().date();
    let records = median(|| async {
        std::hint::black_box(
            mandate_app::performance::PerformanceRecords::load(store, org)
                .await
                .expect("records"),
        );
    })
    .await;
    let gaps = median(|| async {
        std::hint::black_box(
            mandate_app::roles::gaps(store, org, today, mandate_app::roles::DeclineReasons::Shown)
                .await
                .expect("gaps"),
        );
    })
    .await;
    let changes = median(|| async {
        std::hint::black_box(
            store
                .changes_since(org, None, today)
                .await
                .expect("changes"),
        );
    })
    .await;
    let policies = median(|| async {
        std::hint::black_box(store.policy_summaries(org).await.expect("policies"));
        std::hint::black_box(store.exceptions(org, None).await.expect("exceptions"));
    })
    .await;
    println!(
        "{backend}: pack sources (median): records {records:.1?}, role gaps {gaps:.1?}, changes since the start {changes:.1?}, policies {policies:.1?}"
    );
}

async fn run(db: &TestDb) {
    let key = keyfile::load_or_create(&db.key_path()).expect("key");
    let url = DatabaseUrl::parse(&db.url).expect("url");
    let store = Arc::new(Store::open(&url, true, Some(key)).await.expect("store"));
    println!(
        "{}: loading {PEOPLE} people and the performance records",
        db.backend
    );
    let (org, editor, review) = load(&store).await;
    let secret = "bench-session";
    store
        .create_session(org, editor.id, &secret_hash(secret), "csrf", now())
        .await
        .expect("session");
    breakdown(&store, org, db.backend).await;
    let app = router(AppState::new(Arc::clone(&store), WebConfig::default()));
    let backend = db.backend;
    time_requests(
        &app,
        backend,
        Method::POST,
        &format!("/api/v1/reviews/{review}/prepare"),
        secret,
        30,
    )
    .await;
    time_requests(&app, backend, Method::GET, "/objectives", secret, 50).await;
    time_requests(&app, backend, Method::GET, "/api/v1/objectives", secret, 50).await;
    time_requests(&app, backend, Method::GET, "/", secret, 50).await;
    time_requests(
        &app,
        backend,
        Method::GET,
        &format!("/reviews/{review}"),
        secret,
        50,
    )
    .await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        for db in TestDb::all().await {
            run(&db).await;
        }
    });
}
