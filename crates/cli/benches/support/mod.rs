//! What the benchmarks share: publishing a policy through the whole
//! workflow (written, submitted, approved by top management, published),
//! and printing percentiles.

#![allow(dead_code)] // each benchmark uses its own part of this

use mandate_core::audit::Actor;
use mandate_core::digest::sha256_hex;
use mandate_core::policy::{Action, ApprovalRule, Audience, PolicyFields, PolicyKind, Verdict};
use mandate_core::{OrgId, PolicyId, User, VersionId};
use mandate_store::Store;
use std::time::{Duration, Instant};

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
            boss.id,
            Verdict::Approve,
            "ok",
            "ISMS role Top management",
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
