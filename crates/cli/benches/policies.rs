//! Policy benchmarks: rendering, checking and diffing a 200 KB policy, and
//! the policy register (page and API) with 500 policies, in process through
//! the real router. SQLite always; PostgreSQL too when
//! `MANDATE_TEST_POSTGRES_URL` is set. Run with `cargo bench -p mandate --bench policies`.
//!
//! Targets: render and diff of 200 KB each well under 100 ms; the register
//! of 500 policies under 50 ms p99.

use mandate_core::audit::Actor;
use mandate_core::policy::{Action, ApprovalRule, Audience, PolicyFields, PolicyKind, Verdict};
use mandate_core::timefmt::now;
use mandate_core::token::secret_hash;
use mandate_core::{AccessRole, Email, NewOrganisation, NewPerson, NewUser, PersonKind, Slug};
use mandate_store::{DatabaseUrl, Store, keyfile};
use mandate_testkit::TestDb;
use mandate_web::{AppState, WebConfig, router};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;
use support::{report, time_get};

const POLICIES: usize = 500;

/// A policy of about `bytes` bytes: numbered sections of prose, lists and a table.
fn long_policy(bytes: usize) -> String {
    let mut out = String::from("# Information security policy\n\n");
    let mut section = 0;
    while out.len() < bytes {
        section += 1;
        out.push_str(&format!(
            "## {section}. Section {section} {{.clause-5-2-{}}}\n\n",
            ["a", "b", "c", "d"][section % 4]
        ));
        for p in 0..4 {
            out.push_str(&format!(
                "Paragraph {p} of section {section}: staff handle **confidential** information with care, \
                 report incidents at once and follow the [access rules](https://intranet.example/access).\n\n"
            ));
        }
        out.push_str(
            "- keep screens locked\n- use the password manager\n- report lost devices\n\n",
        );
        out.push_str("| Class | Handling |\n|---|---|\n| Internal | company systems only |\n| Restricted | need to know |\n\n");
    }
    out
}

/// Median and worst of `runs` timings of `f`.
fn time(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    (times[runs / 2], times[runs - 1])
}

fn text_benchmarks() {
    let old = long_policy(200_000);
    // Every 20th line reworded, and a section added at the end.
    let new: String = old
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i % 20 == 7 {
                format!("{l} (revised)\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect::<String>()
        + "## Added\n\nA new section.\n";
    println!(
        "policy text: {} KB, {} lines",
        old.len() / 1024,
        old.lines().count()
    );
    let (p50, max) = time(20, || {
        std::hint::black_box(mandate_report::markdown::render(&old, &[]));
    });
    println!("render to sanitised HTML: median {p50:.1?}, worst {max:.1?}");
    let (p50, max) = time(20, || {
        std::hint::black_box(mandate_report::markdown::elements_present(&old));
    });
    println!("5.2 element check: median {p50:.1?}, worst {max:.1?}");
    let mut changed = 0;
    let (p50, max) = time(20, || {
        let d = mandate_report::diff::diff(&old, &new);
        changed = d.added + d.removed;
    });
    println!("diff v1 -> v2 ({changed} changed lines): median {p50:.1?}, worst {max:.1?}");
}

async fn register_benchmark(db: &TestDb) {
    let key = keyfile::load_or_create(&db.key_path()).expect("key");
    let url = DatabaseUrl::parse(&db.url).expect("url");
    let store = Arc::new(Store::open(&url, true, Some(key)).await.expect("store"));
    let system = Actor::system("bench");
    let new = NewOrganisation::new(Slug::parse("bench").expect("slug"), "Bench Ltd").expect("org");
    let org = store
        .create_organisation(&system, &new, &[], &[])
        .await
        .expect("org")
        .id;
    let mut users = Vec::new();
    for (email, role) in [
        ("editor@bench.example", AccessRole::IsmsManager),
        ("boss@bench.example", AccessRole::TopManagement),
    ] {
        let person = store
            .create_person(
                &system,
                org,
                &NewPerson {
                    name: email.into(),
                    email: Email::parse(email).expect("email"),
                    department: None,
                    manager_id: None,
                    kind: PersonKind::Employee,
                    start_date: None,
                    end_date: None,
                },
            )
            .await
            .expect("person");
        users.push(
            store
                .create_user(
                    &system,
                    org,
                    &NewUser {
                        person_id: person.id,
                        access_role: role,
                        password_hash: None,
                    },
                )
                .await
                .expect("user"),
        );
    }
    let (editor, boss) = (&users[0], &users[1]);
    mandate_testkit::fixtures::hold_top_management(&store, org, editor, &[boss]).await;
    let fields = |title: String, kind, parent| PolicyFields {
        title,
        kind,
        parent_id: parent,
        owner_role: "CISO".into(),
        review_interval_months: 12,
        audience: Audience::everyone(),
        public: false,
        approval_rule: ApprovalRule::default(),
    };
    let started = Instant::now();
    let body = long_policy(4_000);
    let mut parent = None;
    for i in 0..POLICIES {
        let kind = if i == 0 {
            PolicyKind::TopLevel
        } else {
            PolicyKind::Topic
        };
        let (policy, _) = store
            .create_policy(
                &Actor::user(editor.id),
                org,
                fields(format!("Policy {i:03}"), kind, parent),
                Some((editor.id, body.clone(), "First".into())),
            )
            .await
            .expect("policy");
        parent = parent.or(Some(policy.id));
        // Most are published; some stay in review, as in a live register.
        store
            .step_version(&Actor::user(editor.id), org, policy.id, 1, Action::Submit)
            .await
            .expect("submit");
        if i % 10 != 0 {
            store
                .decide_version(
                    &Actor::user(boss.id),
                    org,
                    policy.id,
                    1,
                    boss,
                    Verdict::Approve,
                    "",
                    None,
                )
                .await
                .expect("approve");
            store
                .step_version(&Actor::user(editor.id), org, policy.id, 1, Action::Publish)
                .await
                .expect("publish");
        }
    }
    println!(
        "{}: {POLICIES} policies written through the workflow in {:.1?}",
        db.backend,
        started.elapsed()
    );

    let secret = "bench-session";
    store
        .create_session(org, editor.id, &secret_hash(secret), "csrf", now())
        .await
        .expect("session");
    let app = router(AppState::new(Arc::clone(&store), WebConfig::default()));
    for uri in ["/policies", "/api/v1/policies"] {
        let (times, _) = time_get(&app, uri, secret, 200).await;
        report(
            db.backend,
            &format!("GET {uri} ({POLICIES} policies)"),
            times,
        );
    }
}

fn main() {
    text_benchmarks();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        for db in TestDb::all().await {
            register_benchmark(&db).await;
        }
    });
}
