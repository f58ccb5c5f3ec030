//! What the benchmarks share: publishing a policy through the whole
//! workflow (written, submitted, approved by top management, published),
//! timing a page through the router, and printing percentiles.

#![allow(dead_code)] // each benchmark uses its own part of this

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use mandate_core::audit::Actor;
use mandate_core::digest::sha256_hex;
use mandate_core::policy::{Action, ApprovalRule, Audience, PolicyFields, PolicyKind, Verdict};
use mandate_core::{OrgId, PolicyId, User, VersionId};
use mandate_store::Store;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// Times `runs` GETs of `uri` signed in with session `secret`, each until
/// its whole body is read: the times in order, and the last body's size.
pub async fn time_get(
    app: &Router,
    uri: &str,
    secret: &str,
    runs: usize,
) -> (Vec<Duration>, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let request = Request::get(uri)
            .header(header::HOST, "bench.test")
            .header(header::COOKIE, format!("mandate_session={secret}"))
            .body(Body::empty())
            .expect("request");
        let t = Instant::now();
        let response = app.clone().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        let body = to_bytes(response.into_body(), 64 << 20)
            .await
            .expect("body");
        times.push(t.elapsed());
        size = body.len();
    }
    (times, size)
}

/// Publishes a policy under `parent` (top-level without one) addressed to
/// `audience`: its id, its version's id, the text's SHA-256 and how long
/// publishing itself took (the acknowledgement requests are made then).
pub async fn publish(
    store: &Store,
    org: OrgId,
    author: &User,
    boss: &User,
    title: &str,
    parent: Option<PolicyId>,
    audience: Audience,
) -> (PolicyId, VersionId, String, Duration) {
    let actor = Actor::user(author.id);
    let body = format!("# {title}\n\nRead this, and follow it.");
    let (policy, _) = store
        .create_policy(
            &actor,
            org,
            PolicyFields {
                title: title.into(),
                kind: if parent.is_none() {
                    PolicyKind::TopLevel
                } else {
                    PolicyKind::Topic
                },
                parent_id: parent,
                owner_role: "ISMS manager".into(),
                review_interval_months: 12,
                audience,
                public: false,
                approval_rule: ApprovalRule::default(),
            },
            Some((author.id, body.clone(), "First".into())),
        )
        .await
        .expect("policy");
    store
        .step_version(&actor, org, policy.id, 1, Action::Submit)
        .await
        .expect("submitted");
    store
        .decide_version(
            &Actor::user(boss.id),
            org,
            policy.id,
            1,
            boss,
            Verdict::Approve,
            "ok",
            None,
        )
        .await
        .expect("approved");
    let t = Instant::now();
    let v = store
        .step_version(&actor, org, policy.id, 1, Action::Publish)
        .await
        .expect("published");
    (policy.id, v.id, sha256_hex(body.as_bytes()), t.elapsed())
}

/// Prints the median and 99th percentile of `times`.
pub fn report(backend: &str, what: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{backend}: {what}: p50 {:.1?}, p99 {:.1?} ({} runs)",
        times[times.len() / 2],
        times[times.len() * 99 / 100],
        times.len()
    );
}
