//! The demo organisation's policy set: the information security policy and
//! topic-specific policies under it, each taken through the real workflow
//! (written by the ISMS manager, approved by top management, published), with
//! migrated approval dates so that one is overdue for review and one due
//! soon, a policy with several versions, work in progress, an open, an
//! awaiting and an expired exception, and distributions to suppliers.

use super::demo::login;
use anyhow::{Context as _, Result};
use mandate_core::audit::Actor;
use mandate_core::policy::authority::{self, Authority};
use mandate_core::policy::{
    Action, ApprovalRule, Audience, ExceptionRequest, PolicyFields, PolicyKind, ReviewOutcome,
    Verdict,
};
use mandate_core::timefmt::now;
use mandate_core::{AccessRole, OrgId, PolicyId, User};
use mandate_store::Store;
use time::Duration;

/// A policy of the demo: its fields, its versions' texts, and how long ago
/// the newest published one was approved.
struct Planned {
    title: &'static str,
    owner: &'static str,
    audience: Audience,
    public: bool,
    /// (change summary, sections); every version but the last is superseded.
    versions: &'static [(&'static str, &'static [(&'static str, &'static str)])],
    /// Days since the published version was approved; `None`: not yet approved.
    approved_days_ago: Option<i64>,
    /// A newer draft in progress (or submitted) after the published one.
    in_progress: Option<(&'static str, bool)>,
}

fn text(title: &str, sections: &[(&str, &str)]) -> String {
    let mut out = format!("# {title}\n\n");
    for (heading, body) in sections {
        out.push_str(&format!("## {heading}\n\n{body}\n\n"));
    }
    out
}

const TOP_V1: &[(&str, &str)] = &[
    (
        "Purpose and scope {.clause-5-2-a}",
        "Northwind Analytics turns retailers' sales data into demand forecasts. Our customers trust us with their data; this policy sets how we protect it across the forecasting platform, our offices in London and Porto and the cloud regions that host us.",
    ),
    (
        "Information security objectives {.clause-5-2-b}",
        "Top management sets measurable information security objectives each fiscal year, linked to our strategic goals, and reviews them at every management review.",
    ),
    (
        "Requirements {.clause-5-2-c}",
        "We meet the legal, regulatory and contractual requirements that apply to us, including UK GDPR and our customers' data processing agreements.",
    ),
    (
        "Continual improvement {.clause-5-2-d}",
        "We improve the ISMS continually: from audits, incidents, staff feedback and the management review.",
    ),
    (
        "Roles and responsibilities",
        "The CISO maintains this policy. Every employee and contractor follows it and the topic-specific policies under it.",
    ),
];

const TOP_V2: &[(&str, &str)] = &[
    (
        "Purpose and scope {.clause-5-2-a}",
        "Northwind Analytics turns retailers' sales data into demand forecasts. Our customers trust us with their data; this policy sets how we protect it across the forecasting platform, our offices in London and Porto, remote work, and the cloud regions that host us.",
    ),
    (
        "Information security objectives {.clause-5-2-b}",
        "Top management sets measurable information security objectives each fiscal year, linked to our strategic goals, each with a KPI and a target, and reviews them at every management review.",
    ),
    (
        "Requirements {.clause-5-2-c}",
        "We meet the legal, regulatory and contractual requirements that apply to us, including UK GDPR, the EU GDPR for our Porto office and our customers' data processing agreements.",
    ),
    (
        "Continual improvement {.clause-5-2-d}",
        "We improve the ISMS continually: from audits, incidents, staff feedback and the management review.",
    ),
    (
        "Roles and responsibilities",
        "The CISO maintains this policy. Every employee and contractor follows it and the topic-specific policies under it. Exceptions are approved by top management, for at most twelve months.",
    ),
];

fn plans() -> Vec<Planned> {
    let everyone = Audience::everyone;
    let departments = |names: &[&str]| Audience {
        departments: names.iter().map(|n| n.to_string()).collect(),
        ..Audience::default()
    };
    vec![
        Planned {
            title: "Access control",
            owner: "IT manager",
            audience: Audience {
                everyone: true,
                third_parties: true,
                ..Audience::default()
            },
            public: false,
            versions: &[(
                "First version",
                &[
                    (
                        "Principles",
                        "Access is granted on least privilege and need to know, and removed on the last working day.",
                    ),
                    (
                        "Authentication",
                        "Multi-factor authentication protects every remote access and every administrative account.",
                    ),
                    (
                        "Access reviews",
                        "Line managers review their team's access every quarter.",
                    ),
                ],
            )],
            approved_days_ago: Some(310),
            in_progress: Some(("Add service accounts and break-glass access", false)),
        },
        Planned {
            title: "Acceptable use",
            owner: "CISO",
            audience: Audience {
                everyone: true,
                third_parties: true,
                ..Audience::default()
            },
            public: false,
            versions: &[(
                "First version",
                &[
                    (
                        "Company equipment",
                        "Company laptops and phones are for work; reasonable personal use is allowed.",
                    ),
                    (
                        "Data",
                        "Customer data never leaves approved systems. No customer data in personal email or chat tools.",
                    ),
                    (
                        "Reporting",
                        "Report a lost device or a suspected incident to security@ at once.",
                    ),
                ],
            )],
            approved_days_ago: Some(187),
            in_progress: None,
        },
        Planned {
            title: "Cryptography",
            owner: "Head of Engineering",
            audience: departments(&["Engineering", "IT"]),
            public: false,
            versions: &[(
                "First version",
                &[
                    (
                        "In transit",
                        "TLS 1.2 or later on every connection that leaves a host.",
                    ),
                    (
                        "At rest",
                        "AES-256 for stored customer data; keys in the cloud key management service, rotated yearly.",
                    ),
                ],
            )],
            approved_days_ago: Some(420),
            in_progress: None,
        },
        Planned {
            title: "Supplier security",
            owner: "Procurement lead",
            audience: Audience {
                third_parties: true,
                interested_parties: true,
                ..Audience::default()
            },
            public: true,
            versions: &[(
                "First version",
                &[
                    (
                        "Before contract",
                        "Suppliers that process customer data pass a security assessment before the contract is signed.",
                    ),
                    (
                        "In contract",
                        "Contracts carry confidentiality, breach notification within 24 hours and the right to audit.",
                    ),
                    (
                        "Monitoring",
                        "Critical suppliers are reassessed every year.",
                    ),
                ],
            )],
            approved_days_ago: Some(240),
            in_progress: None,
        },
        Planned {
            title: "Incident management",
            owner: "CISO",
            audience: everyone(),
            public: false,
            versions: &[(
                "First version",
                &[
                    (
                        "Reporting",
                        "Everyone reports suspected incidents at once, through the service desk or security@.",
                    ),
                    (
                        "Handling",
                        "The on-call engineer triages within one hour; the CISO leads major incidents.",
                    ),
                    (
                        "Learning",
                        "Every major incident ends with a blameless review and corrective actions.",
                    ),
                ],
            )],
            // Approved a year and a half ago: overdue for review.
            approved_days_ago: Some(540),
            in_progress: None,
        },
        Planned {
            title: "Business continuity",
            owner: "COO",
            audience: everyone(),
            public: false,
            versions: &[(
                "First version",
                &[
                    (
                        "Objectives",
                        "The forecasting platform recovers within 4 hours, losing at most 15 minutes of data.",
                    ),
                    (
                        "Testing",
                        "Recovery is tested twice a year; results go to the management review.",
                    ),
                ],
            )],
            // Due within the month.
            approved_days_ago: Some(350),
            in_progress: None,
        },
        Planned {
            title: "Secure development",
            owner: "Head of Engineering",
            audience: departments(&["Engineering"]),
            public: false,
            versions: &[
                (
                    "First version",
                    &[(
                        "Code review",
                        "Every change is reviewed by a second engineer before it is merged.",
                    )],
                ),
                (
                    "Dependency scanning and secrets",
                    &[
                        (
                            "Code review",
                            "Every change is reviewed by a second engineer before it is merged.",
                        ),
                        (
                            "Dependencies",
                            "Dependencies are scanned on every build; critical findings block the release.",
                        ),
                        (
                            "Secrets",
                            "Secrets live in the vault, never in code or configuration files.",
                        ),
                    ],
                ),
            ],
            approved_days_ago: Some(145),
            in_progress: Some(("Threat modelling for new services", true)),
        },
        Planned {
            title: "Data classification and handling",
            owner: "Data protection officer",
            audience: everyone(),
            public: false,
            versions: &[(
                "First version",
                &[
                    (
                        "Classes",
                        "Public, internal, confidential and customer-restricted.",
                    ),
                    (
                        "Handling",
                        "Customer-restricted data stays in the production platform; extracts need the data owner's approval.",
                    ),
                ],
            )],
            approved_days_ago: Some(95),
            in_progress: None,
        },
        Planned {
            title: "Remote working",
            owner: "CISO",
            audience: everyone(),
            public: false,
            versions: &[(
                "First version",
                &[
                    (
                        "Equipment",
                        "Work from company devices only, with disk encryption and automatic updates.",
                    ),
                    ("Places", "No customer data on screen in public places."),
                ],
            )],
            approved_days_ago: None,
            in_progress: None,
        },
    ]
}

/// Takes a draft through submission and approval to publication.
pub(super) async fn approve_and_publish(
    store: &Store,
    org: OrgId,
    editor: &User,
    approver: &User,
    policy: PolicyId,
    number: i32,
) -> Result<()> {
    let as_editor = Actor::user(editor.id);
    store
        .step_version(&as_editor, org, policy, number, Action::Submit)
        .await?;
    store
        .decide_version(
            &Actor::user(approver.id),
            org,
            policy,
            number,
            approver,
            Verdict::Approve,
            "Approved for publication.",
            None,
        )
        .await?;
    store
        .step_version(&as_editor, org, policy, number, Action::Publish)
        .await?;
    Ok(())
}

fn fields(
    title: &str,
    kind: PolicyKind,
    parent: Option<PolicyId>,
    owner: &str,
    audience: Audience,
    public: bool,
) -> PolicyFields {
    PolicyFields {
        title: title.into(),
        kind,
        parent_id: parent,
        owner_role: owner.into(),
        review_interval_months: 12,
        audience,
        public,
        approval_rule: ApprovalRule::default(),
    }
}

pub async fn create(store: &Store, org: OrgId) -> Result<usize> {
    let users = store.users(org).await?;
    let editor = login(&users, AccessRole::IsmsManager)?;
    let boss = login(&users, AccessRole::TopManagement)?;
    let manager = login(&users, AccessRole::Manager)?;
    // The top manager decides by the ISMS role they hold (assigned before this runs).
    let held: Vec<_> = store
        .assignments(org, Some(boss.person_id))
        .await?
        .into_iter()
        .map(|a| a.terms.role_id)
        .collect();
    let boss_roles: Vec<_> = store
        .roles(org)
        .await?
        .into_iter()
        .filter(|r| held.contains(&r.id))
        .collect();
    let authority = authority::holds(boss, &boss_roles, Authority::ApproveTopLevelPolicy)
        .context("the demo's top manager holds no ISMS role with the authority")?;
    let as_editor = Actor::user(editor.id);
    let days_ago = |days: i64| now() - Duration::days(days);

    // The top-level policy: version 1 a year and a half ago, version 2 this spring.
    let title = "Information security policy";
    let (top, _) = store
        .create_policy(
            &as_editor,
            org,
            fields(
                title,
                PolicyKind::TopLevel,
                None,
                "CISO",
                Audience {
                    everyone: true,
                    interested_parties: true,
                    ..Audience::default()
                },
                true,
            ),
            Some((editor.id, text(title, TOP_V1), "First version".into())),
        )
        .await?;
    approve_and_publish(store, org, editor, boss, top.id, 1).await?;
    store
        .record_past_dates(
            &Actor::system("demo"),
            org,
            top.id,
            1,
            days_ago(600),
            Some(days_ago(598)),
        )
        .await?;
    store
        .create_draft(
            &as_editor,
            org,
            top.id,
            editor.id,
            &text(title, TOP_V2),
            "Remote work, EU GDPR, KPIs for objectives",
        )
        .await?;
    approve_and_publish(store, org, editor, boss, top.id, 2).await?;
    store
        .record_past_dates(
            &Actor::system("demo"),
            org,
            top.id,
            2,
            days_ago(230),
            Some(days_ago(228)),
        )
        .await?;
    let mut count = 1;

    let mut ids = Vec::new();
    for plan in plans() {
        let (policy, _) = store
            .create_policy(
                &as_editor,
                org,
                fields(
                    plan.title,
                    PolicyKind::Topic,
                    Some(top.id),
                    plan.owner,
                    plan.audience.clone(),
                    plan.public,
                ),
                None,
            )
            .await?;
        for (index, (summary, sections)) in plan.versions.iter().enumerate() {
            let number = index as i32 + 1;
            store
                .create_draft(
                    &as_editor,
                    org,
                    policy.id,
                    editor.id,
                    &text(plan.title, sections),
                    summary,
                )
                .await?;
            if let Some(days) = plan.approved_days_ago {
                approve_and_publish(store, org, editor, boss, policy.id, number).await?;
                // Earlier versions were approved a year before the newest.
                let age = days + 365 * (plan.versions.len() - 1 - index) as i64;
                store
                    .record_past_dates(
                        &Actor::system("demo"),
                        org,
                        policy.id,
                        number,
                        days_ago(age),
                        Some(days_ago(age - 1)),
                    )
                    .await?;
            }
        }
        if let Some((summary, submit)) = plan.in_progress {
            let mut sections = plan
                .versions
                .last()
                .map(|v| v.1.to_vec())
                .unwrap_or_default();
            sections.push(("Changes under discussion", "This section is being drafted."));
            let draft = store
                .create_draft(
                    &as_editor,
                    org,
                    policy.id,
                    editor.id,
                    &text(plan.title, &sections),
                    summary,
                )
                .await?;
            if submit {
                store
                    .step_version(&as_editor, org, policy.id, draft.number, Action::Submit)
                    .await?;
            }
        }
        ids.push((plan.title, policy.id));
        count += 1;
    }
    let id_of = |title: &str| {
        ids.iter()
            .find(|(t, _)| *t == title)
            .map(|(_, id)| *id)
            .context("planned policy")
    };

    // A review that found no change needed restarts the cryptography cycle.
    store
        .review_policy(
            &Actor::user(boss.id),
            org,
            id_of("Cryptography")?,
            boss.id,
            ReviewOutcome::NoChange,
            "Algorithms and key lengths still current.",
        )
        .await?;

    // Exceptions: one open, one awaiting a decision, one expired.
    let today = now().date();
    let open = store
        .request_exception(&Actor::user(manager.id), org, id_of("Access control")?, manager.id, ExceptionRequest {
            clause: "Authentication: multi-factor authentication on every remote access".into(),
            justification: "The Porto warehouse scanners run firmware that cannot do MFA until the vendor's 2027 release.".into(),
            risk: "Stolen scanner credentials could reach the inventory API.".into(),
            compensating_controls: "Scanners sit on an isolated VLAN; their accounts reach one read-only endpoint; logins are alerted on outside shifts.".into(),
            expires_on: today + Duration::days(120),
            waiver: None,
        }, today)
        .await?;
    store
        .decide_exception(
            &Actor::user(boss.id),
            org,
            open.id,
            boss,
            Verdict::Approve,
            "Until the firmware update, no longer.",
        )
        .await?;
    store
        .request_exception(
            &Actor::user(manager.id),
            org,
            id_of("Acceptable use")?,
            manager.id,
            ExceptionRequest {
                clause: "Company equipment: work from company devices".into(),
                justification:
                    "On-call engineers need to acknowledge pages from personal phones at night."
                        .into(),
                risk: "A lost personal phone could expose alert contents.".into(),
                compensating_controls:
                    "Paging app only, with its own PIN; alerts carry no customer data.".into(),
                expires_on: today + Duration::days(180),
                waiver: None,
            },
            today,
        )
        .await?;
    store
        .migrate_exception(
            &Actor::system("demo"),
            org,
            id_of("Cryptography")?,
            manager.id,
            boss.id,
            &authority,
            ExceptionRequest {
                clause: "In transit: TLS 1.2 or later".into(),
                justification: "A retail customer's EDI gateway only spoke TLS 1.0.".into(),
                risk: "Downgrade attacks on order files in transit.".into(),
                compensating_controls: "Files signed and encrypted with PGP before sending.".into(),
                expires_on: today - Duration::days(54),
                waiver: None,
            },
            days_ago(240),
        )
        .await?;

    // The public supplier policy, given to two suppliers.
    for (party, channel, days) in [
        ("Northwind Hosting Ltd", "supplier portal", 200),
        ("Parcelwise Logistics", "contract annex", 90),
    ] {
        store
            .record_distribution(
                &as_editor,
                org,
                id_of("Supplier security")?,
                editor.id,
                party,
                channel,
                today - Duration::days(days),
                "",
            )
            .await?;
    }
    Ok(count)
}

/// Gives the demo's logins their ISMS roles, with realistic gaps: the
/// internal auditor role has no holder, and one holder has not acknowledged.
pub async fn assign_roles(store: &Store, org: OrgId) -> Result<()> {
    let users = store.users(org).await?;
    let roles = store.roles(org).await?;
    let role = |name: &str| {
        roles
            .iter()
            .find(|r| r.fields.name == name)
            .map(|r| r.id)
            .with_context(|| format!("the starter catalogue has no {name}"))
    };
    let boss = login(&users, AccessRole::TopManagement)?;
    let editor = login(&users, AccessRole::IsmsManager)?;
    let started = now().date() - Duration::days(400);
    let plan = [
        (TOP, AccessRole::TopManagement, editor, Some(40), true),
        (
            "ISMS manager",
            AccessRole::IsmsManager,
            boss,
            Some(60),
            true,
        ),
        ("Security officer", AccessRole::Admin, boss, Some(50), true),
        ("Line manager", AccessRole::Manager, boss, None, true),
        ("All personnel", AccessRole::Staff, boss, None, false),
    ];
    for (name, holder_role, assigner, capacity, acknowledged) in plan {
        let holder = login(&users, holder_role)?;
        let assignment = store
            .assign_role(
                &Actor::user(assigner.id),
                org,
                assigner.id,
                mandate_core::roles::AssignmentTerms {
                    role_id: role(name)?,
                    person_id: holder.person_id,
                    starts_on: started,
                    ends_on: None,
                    deputy_id: None,
                    capacity_percent: capacity,
                },
            )
            .await?;
        if acknowledged {
            let text = roles
                .iter()
                .find(|r| r.id == assignment.terms.role_id)
                .map(|r| mandate_core::roles::answer::role_text_sha256(&r.fields))
                .unwrap_or_default();
            store
                .answer_assignment(
                    &Actor::user(holder.id),
                    org,
                    assignment.id,
                    holder.person_id,
                    &text,
                    None,
                )
                .await?;
        }
    }
    // The security officer hands a recurring task to the hosting supplier.
    let officer = login(&users, AccessRole::Admin)?;
    let officer_role = role("Security officer")?;
    if let Some(assignment) = store
        .assignments(org, Some(officer.person_id))
        .await?
        .into_iter()
        .find(|a| a.terms.role_id == officer_role)
    {
        store
            .delegate(
                &Actor::user(boss.id),
                org,
                boss.id,
                mandate_core::roles::DelegationTerms {
                    assignment_id: assignment.id,
                    task: "Monthly review of firewall rules on the hosting platform".into(),
                    delegate_id: None,
                    supplier: Some("Northwind Hosting Ltd".into()),
                    starts_on: started,
                    ends_on: None,
                },
            )
            .await?;
    }
    Ok(())
}

/// The starter catalogue's top-management role.
const TOP: &str = "Top management";
