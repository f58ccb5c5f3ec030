//! 5.1 Leadership and commitment: policy and objectives aligned with the
//! strategy, the RACI, resources, communication, outcomes, awareness,
//! improvement and line managers' part.

use super::{Evidence, RuleResult, Snapshot, Status, count, graded, some_of};
use crate::commitment::fiscal::{fiscal_year_label, fiscal_year_of};
use crate::commitment::resources::capacity_on;
use crate::commitment::statement::StatementState;
use crate::performance::Health;
use crate::roles::check_row;

/// 5.1.a: a published top-level policy; objectives, each serving a
/// strategic goal and measured by a KPI with a target.
pub fn policy_and_objectives(s: &Snapshot) -> RuleResult {
    let day = s.as_of;
    let mut evidence = Vec::new();
    let top = s.top_level().filter(|p| p.current.is_some());
    if let Some(p) = top {
        let v = p.current.as_ref().map_or(0, |v| v.number);
        evidence.push(Evidence::new(
            "policy",
            p.policy.id,
            format!("{} v{v}", p.policy.fields.title),
            format!("/policies/{}", p.policy.id),
        ));
    }
    let objectives: Vec<_> = s
        .objectives
        .iter()
        .filter(|o| o.created_at.date() <= day)
        .collect();
    let mut unaligned = Vec::new();
    for o in &objectives {
        let serves_goal = s
            .organisation
            .strategic_goals
            .contains(&o.fields.strategic_goal);
        let measured = s
            .kpis
            .iter()
            .any(|k| k.fields.objective_id == o.id && k.starts_on <= day);
        evidence.push(Evidence::new(
            "objective",
            o.id,
            o.fields.title.clone(),
            format!("/objectives/{}", o.id),
        ));
        if !serves_goal || !measured {
            unaligned.push(o.fields.title.clone());
        }
    }
    let status = match (top.is_some(), objectives.is_empty(), unaligned.is_empty()) {
        (true, false, true) => Status::Met,
        (false, true, _) => Status::NotMet,
        _ => Status::Partial,
    };
    let explanation = format!(
        "{} {} {}",
        if top.is_some() {
            "The information security policy is published."
        } else {
            "No top-level information security policy is published."
        },
        if objectives.is_empty() {
            "There is no information security objective.".to_string()
        } else {
            format!(
                "{} set.",
                count(objectives.len(), "objective is", "objectives are")
            )
        },
        if unaligned.is_empty() {
            String::new()
        } else {
            format!(
                "Not serving a strategic goal or without a KPI with a target: {}.",
                some_of(&unaligned, 3)
            )
        }
    );
    RuleResult::new(
        "5.1.a",
        "Policy and objectives aligned with the strategic direction",
        status,
        explanation.trim().to_string(),
        evidence,
        "Publish the information security policy and set objectives that each serve a strategic goal, with a KPI and its target.",
    )
}

/// 5.1.b: every ISMS activity has exactly one Accountable and a
/// Responsible role, each held by someone.
pub fn raci(s: &Snapshot) -> RuleResult {
    let held = s.held_roles();
    let failing: Vec<String> = s
        .raci
        .iter()
        .filter(|(_, cells)| !check_row(cells, &held).is_empty())
        .map(|(name, _)| name.clone())
        .collect();
    let total = s.raci.len();
    let status = if total == 0 {
        Status::NotMet
    } else if failing.is_empty() {
        Status::Met
    } else if failing.len() < total {
        Status::Partial
    } else {
        Status::NotMet
    };
    let explanation = if total == 0 {
        "The RACI matrix has no ISMS activity.".to_string()
    } else {
        format!(
            "{} of {} ISMS activities have exactly one Accountable and a Responsible role, each held.{}",
            total - failing.len(),
            total,
            if failing.is_empty() {
                String::new()
            } else {
                format!(" To fix: {}.", some_of(&failing, 4))
            }
        )
    };
    RuleResult::new(
        "5.1.b",
        "ISMS integrated into the organisation's processes (RACI)",
        status,
        explanation,
        vec![Evidence::new("raci", "matrix", "RACI matrix", "/raci")],
        "Give each activity of the RACI matrix one Accountable and at least one Responsible role, and assign those roles.",
    )
}

/// 5.1.c: the fiscal year's resources approved by a holder of the
/// approve-budget authority; capacity for every mandatory ISMS role.
pub fn resources(s: &Snapshot) -> RuleResult {
    let start = s.organisation.fiscal_year_start_month;
    let year = fiscal_year_of(s.as_of, start);
    let label = fiscal_year_label(year, start);
    let plan = s
        .resource_plans
        .iter()
        .find(|p| p.fields.fiscal_year == year && p.created_at.date() <= s.as_of);
    let approved = plan.is_some_and(|p| p.approved_on(s.as_of));
    let lacking: Vec<String> = capacity_on(&s.roles, &s.assignments, s.as_of)
        .into_iter()
        .filter(|c| c.mandatory && !c.allocated())
        .map(|c| c.role)
        .collect();
    let mut evidence = Vec::new();
    if let Some(p) = plan {
        evidence.push(Evidence::new(
            "resource_plan",
            p.id,
            format!("Resources {label}"),
            "/resources",
        ));
    }
    let status = match (plan.is_some(), approved, lacking.is_empty()) {
        (true, true, true) => Status::Met,
        (false, _, _) => Status::NotMet,
        _ => Status::Partial,
    };
    let approval = match plan.and_then(|p| p.approval.as_ref()).filter(|_| approved) {
        Some(a) => format!(
            "approved on {} by {} ({})",
            a.approved_at.date(),
            s.name(a.approved_by),
            a.authority
        ),
        None => "not approved".into(),
    };
    let explanation = match plan {
        None => format!("There is no resource plan for {label}."),
        Some(_) => format!(
            "The resource plan for {label} is {approval}. {}",
            if lacking.is_empty() {
                "Every mandatory ISMS role has capacity allocated.".to_string()
            } else {
                format!(
                    "Mandatory roles without capacity: {}.",
                    some_of(&lacking, 4)
                )
            }
        ),
    };
    RuleResult::new(
        "5.1.c",
        "Resources for the ISMS available",
        status,
        explanation,
        evidence,
        "Plan this fiscal year's ISMS budget and have it approved by top management; set a share of time on the assignments of the mandatory roles.",
    )
}

/// 5.1.d: a leadership statement signed by top management and published;
/// a leadership communication within the last months (6 by default).
pub fn communication(s: &Snapshot) -> RuleResult {
    let at = s.last_instant();
    let statement = s.statements.iter().find(|st| {
        st.state_at(at) == StatementState::Published && !st.valid_signatures(at).is_empty()
    });
    let since = crate::commitment::months_before(
        s.as_of,
        u32::from(s.settings.leadership_communication_months),
    );
    let leadership: Vec<_> = s
        .communications
        .iter()
        .filter(|c| c.fields.occurred_on > since && c.fields.occurred_on <= s.as_of)
        .filter(|c| s.top_manager_on(c.fields.sponsor_id, c.fields.occurred_on))
        .collect();
    let mut evidence = Vec::new();
    if let Some(st) = statement {
        evidence.push(Evidence::new(
            "leadership_statement",
            st.id,
            st.fields.title.clone(),
            format!("/statements/{}", st.id),
        ));
    }
    if let Some(c) = leadership.iter().max_by_key(|c| c.fields.occurred_on) {
        evidence.push(Evidence::new(
            "communication",
            c.id,
            format!("{} ({})", c.fields.topic, c.fields.occurred_on),
            "/communications",
        ));
    }
    let explanation = format!(
        "{} {}",
        match statement {
            Some(st) => format!(
                "The leadership statement \u{201c}{}\u{201d} is published, signed by {}.",
                st.fields.title,
                some_of(
                    &st.valid_signatures(at)
                        .iter()
                        .map(|g| s.name(g.person_id))
                        .collect::<Vec<_>>(),
                    3
                )
            ),
            None => "No leadership statement signed by top management is published.".into(),
        },
        match leadership.len() {
            0 => format!(
                "Top management sponsored no communication in the last {} months.",
                s.settings.leadership_communication_months
            ),
            n => format!(
                "Top management sponsored {} in the last {} months.",
                count(n, "communication", "communications"),
                s.settings.leadership_communication_months
            ),
        }
    );
    RuleResult::new(
        "5.1.d",
        "Importance of information security communicated",
        graded(&[statement.is_some(), !leadership.is_empty()]),
        explanation,
        evidence,
        "Have top management sign and publish the leadership statement, and communicate on security at least every few months.",
    )
}

/// 5.1.e: no KPI value overdue; objectives on track (80 % by default);
/// outcomes looked at in the last management review.
pub fn outcomes(s: &Snapshot) -> RuleResult {
    let day = s.as_of;
    let objectives: Vec<_> = s
        .objectives
        .iter()
        .filter(|o| o.created_at.date() <= day)
        .collect();
    if objectives.is_empty() {
        return RuleResult::new(
            "5.1.e",
            "The ISMS achieves its intended outcomes",
            Status::NotMet,
            "There is no objective whose outcome could be measured.".into(),
            Vec::new(),
            "Set information security objectives with KPIs and record their values.",
        );
    }
    let kpis: Vec<_> = s.kpis.iter().filter(|k| k.starts_on <= day).collect();
    let overdue: Vec<String> = kpis
        .iter()
        .filter(|k| k.measurement_overdue(day, &s.measurements))
        .map(|k| k.fields.name.clone())
        .collect();
    let on_track = objectives
        .iter()
        .filter(|o| o.assess(day, &s.kpis, &s.measurements, &s.actions).health == Health::OnTrack)
        .count();
    let share = on_track * 100 / objectives.len();
    let threshold = usize::from(s.settings.objectives_on_track_percent);
    let last_review = s.last_held_review();
    let reviewed =
        last_review.is_some_and(|r| r.pack.as_ref().is_some_and(|p| !p.objectives.is_empty()));
    let mut evidence: Vec<Evidence> = objectives
        .iter()
        .map(|o| {
            Evidence::new(
                "objective",
                o.id,
                o.fields.title.clone(),
                format!("/objectives/{}", o.id),
            )
        })
        .collect();
    evidence.extend(last_review.map(Evidence::review));
    let explanation = format!(
        "{on_track} of {} objectives on track ({share} %, {threshold} % needed). {} {}",
        objectives.len(),
        if overdue.is_empty() {
            "No KPI value is overdue.".to_string()
        } else {
            format!("KPI values overdue: {}.", some_of(&overdue, 3))
        },
        if reviewed {
            "The last management review looked at objective and KPI performance."
        } else {
            "No held management review looked at objective and KPI performance."
        }
    );
    RuleResult::new(
        "5.1.e",
        "The ISMS achieves its intended outcomes",
        graded(&[overdue.is_empty(), share >= threshold, reviewed]),
        explanation,
        evidence,
        "Record the KPI values that are due, act on objectives at risk, and review performance in the next management review.",
    )
}

/// 5.1.f: general awareness completed in the last 12 months by 90 % of
/// personnel (by default); role-specific training current for every holder.
pub fn awareness(s: &Snapshot) -> RuleResult {
    let t = &s.training;
    let percent = t.awareness.percent();
    let threshold = f64::from(s.settings.awareness_percent);
    let gaps: Vec<String> = t
        .role_training
        .iter()
        .filter(|l| !l.status.is_current())
        .map(|l| format!("{} ({})", s.name(l.person_id), l.training))
        .collect();
    let aware = t.awareness_course && percent >= threshold;
    let explanation = format!(
        "{} {}",
        if t.awareness_course {
            format!(
                "{} of {} personnel completed general awareness in the last 12 months ({percent:.1} %, {threshold} % needed).",
                t.awareness.trained, t.awareness.personnel
            )
        } else {
            "There is no general awareness course.".into()
        },
        if gaps.is_empty() {
            "Every role holder's required training is current.".to_string()
        } else {
            format!("Role training missing or expired: {}.", some_of(&gaps, 3))
        }
    );
    RuleResult::new(
        "5.1.f",
        "Persons directed and supported (awareness and training)",
        if !t.awareness_course {
            Status::NotMet
        } else {
            graded(&[aware, gaps.is_empty()])
        },
        explanation,
        vec![Evidence::new(
            "training",
            "coverage",
            "Training coverage",
            "/training",
        )],
        "Have everyone complete general awareness each year, and the holders of ISMS roles the training their roles require.",
    )
}

/// 5.1.g: the improvement register in use, nothing overdue beyond 30 days
/// (by default), and the last management review decided on improvements.
pub fn improvement(s: &Snapshot) -> RuleResult {
    let day = s.as_of;
    let entries: Vec<_> = s
        .improvements
        .iter()
        .filter(|i| i.created_at.date() <= day)
        .collect();
    let improvement_actions: Vec<_> = s
        .actions
        .iter()
        .filter(|a| {
            a.created_at.date() <= day
                && (a.fields.source.is_improvement() || a.fields.improvement_id.is_some())
        })
        .collect();
    let in_use = !entries.is_empty() || !improvement_actions.is_empty();
    let limit = i64::from(s.settings.action_overdue_days);
    let late: Vec<String> = s
        .actions
        .iter()
        .filter(|a| a.overdue_days(day).is_some_and(|d| d > limit))
        .map(|a| a.fields.title.clone())
        .collect();
    let last_review = s.last_held_review();
    let decided = last_review.is_some_and(|r| {
        r.decisions
            .iter()
            .any(|d| d.kind == crate::performance::DecisionKind::Improvement)
    });
    let mut evidence: Vec<Evidence> = entries
        .iter()
        .take(10)
        .map(|i| {
            Evidence::new(
                "improvement",
                i.id,
                i.fields.title.clone(),
                format!("/improvements/{}", i.id),
            )
        })
        .collect();
    evidence.extend(last_review.map(Evidence::review));
    let explanation = format!(
        "{} {} {}",
        if in_use {
            format!(
                "The improvement register holds {} and {}.",
                count(entries.len(), "entry", "entries"),
                count(
                    improvement_actions.len(),
                    "improvement action",
                    "improvement actions"
                )
            )
        } else {
            "The improvement register is empty.".into()
        },
        if late.is_empty() {
            format!("No action is overdue by more than {limit} days.")
        } else {
            format!("Overdue by more than {limit} days: {}.", some_of(&late, 3))
        },
        if decided {
            "The last management review decided on improvements."
        } else {
            "The last management review recorded no decision on improvement."
        }
    );
    RuleResult::new(
        "5.1.g",
        "Continual improvement promoted",
        if in_use {
            graded(&[late.is_empty(), decided])
        } else {
            Status::NotMet
        },
        explanation,
        evidence,
        "Record nonconformities and opportunities with owned, dated actions; close late actions; decide on improvements in the management review.",
    )
}

/// 5.1.h: every line manager holds security responsibilities (an ISMS
/// role) and attested for the last period.
pub fn line_managers(s: &Snapshot) -> RuleResult {
    let managers = &s.line_managers;
    if managers.is_empty() {
        return RuleResult::new(
            "5.1.h",
            "Other managers supported in their areas",
            Status::NotApplicable,
            "Nobody in the people register manages anybody.".into(),
            Vec::new(),
            "",
        );
    }
    let without: Vec<String> = managers
        .iter()
        .filter(|m| s.roles_of(**m, s.as_of).is_empty())
        .map(|m| s.name(*m))
        .collect();
    let status_of = s.attestation.as_ref();
    let attested_all = status_of.is_some_and(|a| a.outstanding.is_empty() && a.managers > 0);
    let attested_any = status_of.is_some_and(|a| a.attested > 0);
    let explanation = format!(
        "{} of {} line managers hold an ISMS role. {}",
        managers.len() - without.len(),
        managers.len(),
        match status_of {
            Some(a) => format!(
                "{} of {} attested for {}{}.",
                a.attested,
                a.managers,
                a.period.label(),
                if a.outstanding.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; outstanding: {}",
                        some_of(
                            &a.outstanding.iter().map(|p| s.name(*p)).collect::<Vec<_>>(),
                            3
                        )
                    )
                }
            ),
            None => "No attestation period has ended yet.".into(),
        }
    );
    let status = match (
        without.is_empty(),
        attested_all,
        attested_any || without.len() < managers.len(),
    ) {
        (true, true, _) => Status::Met,
        (_, _, true) => Status::Partial,
        _ => Status::NotMet,
    };
    RuleResult::new(
        "5.1.h",
        "Other managers supported in their areas",
        status,
        explanation,
        vec![Evidence::new(
            "attestation",
            "period",
            "Manager attestations",
            "/attestations",
        )],
        "Assign every line manager the Line manager role and have each attest for their team every period.",
    )
}
