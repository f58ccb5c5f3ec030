//! Gathering the auditor's evidence pack: the conformance evaluation and
//! the records behind it as they stood at the end of a day, laid out by
//! `mandate_report::evidence` (HTML, JSON) and `mandate-pdf` (PDF). The
//! snapshot the rules read is gathered once and reused for every section.

use crate::conformance::gather;
use mandate_core::OrgId;
use mandate_core::conformance::{AuditPeriod, Snapshot, evaluate};
use mandate_core::policy::{PolicyKind, ReviewStatus};
use mandate_core::roles::{Holders, check_row};
use mandate_report::evidence::{
    AckEntry, ApprovalEntry, AuditChainInfo, ChainEvent, EvidencePack, FORMAT_VERSION, HolderEntry,
    OrganisationInfo, Period, PolicyEntry, RaciRow, RaciTable, RoleEntry, SignedPoint,
};
use mandate_store::{AuditQuery, Store, StoreError};
use std::collections::{HashMap, HashSet};
use time::{Duration, OffsetDateTime};

/// Everything the pack shows, as of the end of `day`.
pub async fn evidence_pack(
    store: &Store,
    org: OrgId,
    day: time::Date,
    period: Option<AuditPeriod>,
) -> Result<EvidencePack, StoreError> {
    let snapshot = gather(store, org, day).await?;
    evidence_pack_of(store, org, &snapshot, period).await
}

/// The pack of the records in `snapshot`.
pub async fn evidence_pack_of(
    store: &Store,
    org: OrgId,
    snapshot: &Snapshot,
    period: Option<AuditPeriod>,
) -> Result<EvidencePack, StoreError> {
    let day = snapshot.as_of;
    let evaluation = evaluate(snapshot);
    let mut names = snapshot.names.clone();
    let wanted: Vec<_> = snapshot
        .reviews
        .iter()
        .flat_map(|r| std::iter::once(r.chair_id).chain(r.attendees.iter().copied()))
        .chain(snapshot.communications.iter().map(|c| c.fields.sponsor_id))
        .chain(snapshot.assignments.iter().flat_map(|a| a.terms.deputy_id))
        .filter(|p| !names.contains_key(p))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    names.extend(store.person_names(org, wanted).await?);
    let name = |p: mandate_core::PersonId| names.get(&p).cloned().unwrap_or_else(|| p.to_string());

    let policies = policies(store, org, snapshot).await?;
    let roles = roles(snapshot, &name);
    let raci = raci(snapshot);
    let sections = super::sections::Sections::of(snapshot, &name);
    let audit = audit_chain(store, org, day).await?;
    let o = &snapshot.organisation;
    Ok(EvidencePack {
        format_version: FORMAT_VERSION,
        generated_at: mandate_core::timefmt::now(),
        as_of: day,
        period: period.map(|p| Period {
            starts_on: p.starts_on,
            ends_on: p.ends_on,
        }),
        organisation: OrganisationInfo {
            name: o.name.clone(),
            slug: o.slug.to_string(),
            purpose: o.purpose.clone(),
            scope: o.scope_statement.clone(),
            strategic_goals: o.strategic_goals.clone(),
        },
        evaluation,
        policies,
        roles,
        raci,
        objectives: sections.objectives,
        reviews: sections.reviews,
        resources: sections.resources,
        communications: sections.communications,
        audit,
    })
}

/// The policy set: each policy with its version in force, the approvals
/// of that version, its review status and the acknowledgements it had.
async fn policies(store: &Store, org: OrgId, s: &Snapshot) -> Result<Vec<PolicyEntry>, StoreError> {
    let titles: HashMap<_, _> = s
        .policies
        .iter()
        .map(|p| (p.policy.id, p.policy.fields.title.clone()))
        .collect();
    let mut out = Vec::new();
    // The top-level policy first, then the topic-specific ones by title.
    let mut ordered: Vec<_> = s.policies.iter().collect();
    ordered.sort_by_key(|p| {
        (
            p.policy.fields.kind != PolicyKind::TopLevel,
            p.policy.fields.title.to_lowercase(),
        )
    });
    for p in ordered {
        let f = &p.policy.fields;
        let current = p.current.as_ref();
        let acknowledgements = match current {
            Some(v) => {
                let c = store.acknowledgements_on(org, v.id, s.as_of).await?;
                (c.addressed > 0).then_some(AckEntry {
                    addressed: c.addressed,
                    done: c.done,
                    overdue: c.overdue,
                })
            }
            None => None,
        };
        let last = current
            .and_then(|v| v.approved_on)
            .into_iter()
            .chain(p.last_no_change_review)
            .max();
        let status = ReviewStatus::on(s.as_of, last, f.review_interval_months);
        let review = match status {
            ReviewStatus::NeverApproved => "not yet approved".to_string(),
            ReviewStatus::Current { due } | ReviewStatus::DueSoon { due } => {
                format!("review due by {due}")
            }
            ReviewStatus::Overdue { due } => format!("review overdue since {due}"),
        };
        out.push(PolicyEntry {
            title: f.title.clone(),
            kind: match f.kind {
                PolicyKind::TopLevel => "Information security policy".into(),
                PolicyKind::Topic => "Topic-specific policy".into(),
            },
            parent: f.parent_id.and_then(|id| titles.get(&id).cloned()),
            owner_role: f.owner_role.clone(),
            version: current.map(|v| v.number),
            published_on: current.map(|v| v.published_on),
            approvals: current
                .map(|v| {
                    v.approvals
                        .iter()
                        .map(|a| ApprovalEntry {
                            approver: a.approver.clone(),
                            authority: a.authority.clone(),
                            decided_on: a.decided_on,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            review,
            review_overdue: matches!(status, ReviewStatus::Overdue { .. }),
            acknowledgements,
            public: f.public,
            distributions: p.distributions,
        });
    }
    Ok(out)
}

/// The role register: each role with its holders on the day.
fn roles(s: &Snapshot, name: &dyn Fn(mandate_core::PersonId) -> String) -> Vec<RoleEntry> {
    let holders = Holders::on(s.assignments.iter().cloned(), s.as_of);
    let role_name: HashMap<_, _> = s
        .roles
        .iter()
        .map(|r| (r.id, r.fields.name.clone()))
        .collect();
    let end = s.last_instant();
    s.roles
        .iter()
        .map(|r| {
            let f = &r.fields;
            RoleEntry {
                name: f.name.clone(),
                purpose: f.purpose.clone(),
                responsibilities: f.responsibilities.clone(),
                authorities: f
                    .authorities
                    .iter()
                    .map(|d| d.describe().to_string())
                    .collect(),
                reports_to: f.reports_to.and_then(|id| role_name.get(&id).cloned()),
                top_management: f.top_management,
                conformance_owner: f.conformance_owner,
                performance_reporter: f.performance_reporter,
                critical: f.critical,
                holders: holders
                    .assignments_of(r.id)
                    .map(|a| HolderEntry {
                        name: name(a.terms.person_id),
                        since: a.terms.starts_on,
                        until: a.terms.ends_on,
                        deputy: a.terms.deputy_id.map(name),
                        capacity_percent: a.terms.capacity_percent,
                        acknowledged_on: a.acknowledged_at.filter(|t| *t <= end).map(|t| t.date()),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The RACI matrix, with the roles it names as columns and each row's
/// problems as they stood on the day.
fn raci(s: &Snapshot) -> RaciTable {
    let named: Vec<_> = s
        .roles
        .iter()
        .filter(|r| {
            s.raci
                .iter()
                .any(|(_, cells)| cells.iter().any(|(role, _)| *role == r.id))
        })
        .collect();
    let held = s.held_roles();
    let role_name = |id| {
        s.roles
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| "a removed role".to_string(), |r| r.fields.name.clone())
    };
    RaciTable {
        roles: named.iter().map(|r| r.fields.name.clone()).collect(),
        rows: s
            .raci
            .iter()
            .map(|(activity, cells)| RaciRow {
                activity: activity.clone(),
                cells: named
                    .iter()
                    .map(|r| {
                        cells
                            .iter()
                            .find(|(role, _)| *role == r.id)
                            .map_or_else(String::new, |(_, l)| l.letter().to_string())
                    })
                    .collect(),
                problems: check_row(cells, &held)
                    .iter()
                    .map(|p| p.describe(role_name))
                    .collect(),
            })
            .collect(),
    }
}

/// Where the records of the day stand in the audit chain, and the signed
/// statements that pin it, with the commands that check them offline.
async fn audit_chain(
    store: &Store,
    org: OrgId,
    day: time::Date,
) -> Result<AuditChainInfo, StoreError> {
    let end: OffsetDateTime = day.midnight().assume_utc() + Duration::days(1);
    let page = store
        .audit_events(
            org,
            &AuditQuery {
                until: Some(end),
                limit: 1,
                ..AuditQuery::default()
            },
        )
        .await?;
    let head = store.audit_head(org).await?;
    let checkpoint = store.last_checkpoint(org).await?;
    let public_key = head
        .as_ref()
        .map(|h| h.public_key.clone())
        .or_else(|| checkpoint.as_ref().map(|c| c.public_key.clone()))
        .unwrap_or_default();
    let org_slug = store
        .organisation(org)
        .await?
        .map(|o| o.slug.to_string())
        .unwrap_or_default();
    Ok(AuditChainInfo {
        as_of_event: page.items.first().map(|e| ChainEvent {
            seq: e.seq,
            hash: e.hash.clone(),
            at: e.occurred_at,
        }),
        head: head.map(|h| SignedPoint {
            seq: h.seq,
            hash: h.head_hash,
            signed_at: h.updated_at,
            signature: h.signature,
        }),
        checkpoint: checkpoint.map(|c| SignedPoint {
            seq: c.seq,
            hash: c.head_hash,
            signed_at: c.created_at,
            signature: c.signature,
        }),
        verify_commands: vec![
            format!("mandate audit export --org {org_slug} --out chain.jsonl"),
            format!("mandate audit verify --file chain.jsonl --public-key {public_key}"),
            "# then find the events named above in chain.jsonl: their hashes must match"
                .to_string(),
        ],
        public_key,
    })
}
