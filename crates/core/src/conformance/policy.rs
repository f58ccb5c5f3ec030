//! 5.2 Policy: the top-level policy's four required elements, documented
//! (approved by top management, reviewed on time, and the topic-specific
//! policies likewise), communicated (acknowledged), available to
//! interested parties, and exceptions under control.

use super::{Evidence, PolicyAt, RuleResult, Snapshot, Status, count, some_of};
use crate::policy::{ExceptionStatus, PolicyKind, ReviewStatus};

const ELEMENTS: [(&str, &str); 4] = [
    (
        "5.2.a",
        "Appropriate to the organisation's purpose and scope",
    ),
    ("5.2.b", "Objectives, or the framework for setting them"),
    ("5.2.c", "Commitment to satisfy applicable requirements"),
    ("5.2.d", "Commitment to continual improvement"),
];

fn version_evidence(p: &PolicyAt) -> Vec<Evidence> {
    p.current
        .as_ref()
        .map(|v| {
            vec![Evidence::new(
                "policy_version",
                v.id,
                format!("{} v{}", p.policy.fields.title, v.number),
                format!("/policies/{}/versions/{}", p.policy.id, v.number),
            )]
        })
        .unwrap_or_default()
}

/// 5.2.a to 5.2.d: the current top-level version carries the element,
/// tagged by its author, with text beneath.
pub fn element(s: &Snapshot, index: usize) -> RuleResult {
    let (id, title) = ELEMENTS[index.min(3)];
    let top = s.top_level();
    let current = top.and_then(|p| p.current.as_ref());
    let (status, explanation) = match current {
        None => (
            Status::NotMet,
            "No top-level information security policy is published.".to_string(),
        ),
        Some(v) if v.elements[index.min(3)] => (
            Status::Met,
            format!(
                "Version {} of the information security policy carries it in a section tagged {{.clause-{}}}.",
                v.number,
                id.replace('.', "-")
            ),
        ),
        Some(v) => (
            Status::NotMet,
            format!(
                "Version {} of the information security policy has no section tagged {{.clause-{}}} with text.",
                v.number,
                id.replace('.', "-")
            ),
        ),
    };
    RuleResult::new(
        id,
        title,
        status,
        explanation,
        top.map(version_evidence).unwrap_or_default(),
        "Write the element into the next version of the policy, under a heading tagged for it, and publish it.",
    )
}

/// Why a policy's current version is not in order, if it is not.
fn fault(p: &PolicyAt, s: &Snapshot) -> Option<String> {
    let title = &p.policy.fields.title;
    let Some(v) = p.current.as_ref() else {
        return Some(format!("{title}: no version published"));
    };
    let approved = match p.policy.fields.kind {
        // The top-level policy is approved by top management.
        PolicyKind::TopLevel => v
            .approvals
            .iter()
            .any(|a| a.authority.contains("Top management") || top_authority(s, &a.authority)),
        PolicyKind::Topic => !v.approvals.is_empty(),
    };
    if !approved || v.approved_on.is_none() {
        return Some(format!(
            "{title} v{}: no approval by {}",
            v.number,
            match p.policy.fields.kind {
                PolicyKind::TopLevel => "top management",
                PolicyKind::Topic => "someone with the authority",
            }
        ));
    }
    let last = v
        .approved_on
        .into_iter()
        .chain(p.last_no_change_review)
        .max();
    match ReviewStatus::on(s.as_of, last, p.policy.fields.review_interval_months) {
        ReviewStatus::Overdue { due } => Some(format!("{title}: review overdue since {due}")),
        _ => None,
    }
}

/// Whether `authority` names a top-management role of the catalogue.
fn top_authority(s: &Snapshot, authority: &str) -> bool {
    s.roles
        .iter()
        .filter(|r| r.fields.top_management)
        .any(|r| authority == format!("ISMS role {}", r.fields.name))
}

/// 5.2.e: the current top-level version approved by top management and
/// reviewed on time; every topic-specific policy likewise.
pub fn documented(s: &Snapshot) -> RuleResult {
    let Some(top) = s.top_level() else {
        return RuleResult::new(
            "5.2.e",
            "Available as documented information",
            Status::NotMet,
            "There is no top-level information security policy.".into(),
            Vec::new(),
            "Write the information security policy, have top management approve it and publish it.",
        );
    };
    let top_fault = fault(top, s);
    let topics: Vec<&PolicyAt> = s
        .policies
        .iter()
        .filter(|p| p.policy.fields.kind == PolicyKind::Topic && p.current.is_some())
        .collect();
    let topic_faults: Vec<String> = topics.iter().filter_map(|p| fault(p, s)).collect();
    let status = match (&top_fault, topic_faults.is_empty()) {
        (None, true) => Status::Met,
        (None, false) => Status::Partial,
        (Some(_), _) => Status::NotMet,
    };
    let explanation = format!(
        "{} {} topic-specific {} in force{}",
        match &top_fault {
            None => "The information security policy is approved by top management and reviewed on time.".to_string(),
            Some(f) => format!("The information security policy is not in order ({f})."),
        },
        topics.len(),
        if topics.len() == 1 { "policy" } else { "policies" },
        if topic_faults.is_empty() { ", all approved and reviewed on time.".to_string() } else { format!("; not in order: {}.", some_of(&topic_faults, 3)) }
    );
    let mut evidence = version_evidence(top);
    evidence.push(Evidence::new(
        "policies",
        "register",
        "Policy register",
        "/policies",
    ));
    RuleResult::new(
        "5.2.e",
        "Available as documented information",
        status,
        explanation,
        evidence,
        "Have each policy's current version approved by the right authority, and review each before its review date.",
    )
}

/// 5.2.f: in-scope personnel acknowledged the current top-level version
/// (95 % by default), none overdue beyond the grace period.
pub fn communicated(s: &Snapshot) -> RuleResult {
    let a = s.acknowledgements;
    let threshold = usize::from(s.settings.acknowledgement_percent);
    let Some(version) = a.version.filter(|_| a.addressed > 0) else {
        return RuleResult::new("5.2.f", "Communicated within the organisation", Status::NotMet,
            "No published top-level policy version is owed by anyone, so nobody has been asked to acknowledge it.".into(),
            Vec::new(), "Publish the information security policy to everyone.");
    };
    let share = a.done * 100 / a.addressed;
    let status = if share >= threshold && a.overdue == 0 {
        Status::Met
    } else if share >= threshold / 2 {
        Status::Partial
    } else {
        Status::NotMet
    };
    RuleResult::new(
        "5.2.f",
        "Communicated within the organisation",
        status,
        format!(
            "{} of {} in-scope personnel acknowledged the current version ({share} %, {threshold} % needed); {} overdue beyond the {}-day grace period.",
            a.done,
            a.addressed,
            count(a.overdue, "is", "are"),
            s.settings.acknowledgement_grace_days
        ),
        vec![Evidence::new(
            "campaign",
            version,
            "Acknowledgement campaign",
            format!("/campaigns/{version}"),
        )],
        "Remind those who have not acknowledged the policy, and escalate to their managers.",
    )
}

/// 5.2.g: available to interested parties: public, or distributed.
pub fn available(s: &Snapshot) -> RuleResult {
    let top = s.top_level().filter(|p| p.current.is_some());
    let (status, explanation) = match top {
        None => (Status::NotMet, "No top-level information security policy is published.".to_string()),
        Some(p) if p.policy.fields.public => (Status::Met, "The information security policy is published at a public address for interested parties.".to_string()),
        Some(p) if p.distributions > 0 => (Status::Met, format!("The information security policy was distributed to interested parties {}.", count(p.distributions, "time", "times"))),
        Some(_) => (Status::NotMet, "The information security policy is neither public nor recorded as distributed to interested parties.".to_string()),
    };
    RuleResult::new(
        "5.2.g",
        "Available to interested parties",
        status,
        explanation,
        top.map(version_evidence).unwrap_or_default(),
        "Make the policy public, or record its distribution to the interested parties who need it.",
    )
}

/// 5.2.x: every exception in force has an approver with the authority and
/// an expiry in the future; none has expired without being closed.
pub fn exceptions(s: &Snapshot) -> RuleResult {
    let day = s.as_of;
    let known: Vec<_> = s
        .exceptions
        .iter()
        .filter(|e| e.created_at.date() <= day)
        .collect();
    if known.is_empty() {
        return RuleResult::new(
            "5.2.x",
            "Exceptions under control",
            Status::NotApplicable,
            "No exception to a policy was ever asked for.".into(),
            Vec::new(),
            "",
        );
    }
    let mut expired = Vec::new();
    let mut unapproved = Vec::new();
    let mut awaiting = 0;
    let mut open = 0;
    for e in &known {
        match e.status_on(day) {
            ExceptionStatus::Expired => expired.push(e.clause.clone()),
            ExceptionStatus::Open | ExceptionStatus::ExtensionRequested => {
                open += 1;
                if e.approved_by.is_none() || e.authority.as_deref().is_none_or(str::is_empty) {
                    unapproved.push(e.clause.clone());
                }
            }
            ExceptionStatus::AwaitingApproval => awaiting += 1,
            _ => {}
        }
    }
    let status = if !expired.is_empty() || !unapproved.is_empty() {
        Status::NotMet
    } else if awaiting > 0 {
        Status::Partial
    } else {
        Status::Met
    };
    let explanation = format!(
        "{} in force, each approved with the authority{}. {}{}",
        count(open, "exception is", "exceptions are"),
        if unapproved.is_empty() {
            String::new()
        } else {
            format!(" except {}", some_of(&unapproved, 3))
        },
        if expired.is_empty() {
            "None has expired unclosed.".to_string()
        } else {
            format!("Expired but not closed: {}.", some_of(&expired, 3))
        },
        if awaiting > 0 {
            format!(
                " {} awaiting a decision.",
                count(awaiting, "request is", "requests are")
            )
        } else {
            String::new()
        }
    );
    RuleResult::new(
        "5.2.x",
        "Exceptions under control",
        status,
        explanation,
        vec![Evidence::new(
            "exceptions",
            "register",
            "Exceptions",
            "/exceptions",
        )],
        "Close or renew expired exceptions, and decide on the requests awaiting a decision.",
    )
}
