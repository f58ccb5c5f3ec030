//! The evidence pack's sections on commitment: objectives with their KPI
//! charts, management reviews, resources and communications, each as the
//! records stood on the snapshot's day.

use mandate_core::PersonId;
use mandate_core::commitment::fiscal::fiscal_year_label;
use mandate_core::commitment::money::format_amount;
use mandate_core::conformance::Snapshot;
use mandate_core::performance::objective_lines;
use mandate_report::evidence::{
    BudgetEntry, CommunicationEntry, KpiEntry, ObjectiveEntry, ResourceEntry, ReviewEntry,
};
use mandate_report::{kpi_series, trend_chart};

pub struct Sections {
    pub objectives: Vec<ObjectiveEntry>,
    pub reviews: Vec<ReviewEntry>,
    pub resources: Vec<ResourceEntry>,
    pub communications: Vec<CommunicationEntry>,
}

impl Sections {
    pub fn of(s: &Snapshot, name: &dyn Fn(PersonId) -> String) -> Self {
        Self {
            objectives: objectives(s, name),
            reviews: reviews(s, name),
            resources: resources(s, name),
            communications: communications(s, name),
        }
    }
}

fn objectives(s: &Snapshot, name: &dyn Fn(PersonId) -> String) -> Vec<ObjectiveEntry> {
    let day = s.as_of;
    let known: Vec<_> = s
        .objectives
        .iter()
        .filter(|o| o.created_at.date() <= day)
        .cloned()
        .collect();
    objective_lines(
        day,
        &known,
        &s.kpis,
        &s.measurements,
        &s.actions,
        name,
        None,
    )
    .into_iter()
    .map(|o| ObjectiveEntry {
        title: o.title,
        strategic_goal: o.strategic_goal,
        due_on: o.due_on,
        status: o.health.label().to_string(),
        reasons: o.reasons,
        kpis: o
            .kpis
            .into_iter()
            .map(|k| KpiEntry {
                chart_svg: trend_chart(&kpi_series(&k)),
                latest: k.points.last().copied(),
                values: k.points.len(),
                name: k.name,
                unit: k.unit,
                target: k.target,
                direction: k.direction.label().to_string(),
                status: k.health.label().to_string(),
            })
            .collect(),
    })
    .collect()
}

/// Reviews planned by the day, newest first; held ones as held.
fn reviews(s: &Snapshot, name: &dyn Fn(PersonId) -> String) -> Vec<ReviewEntry> {
    let day = s.as_of;
    let end = s.last_instant();
    let mut known: Vec<_> = s
        .reviews
        .iter()
        .filter(|r| r.created_at.date() <= day)
        .collect();
    known.sort_by_key(|r| std::cmp::Reverse(r.held_on.unwrap_or(r.planned_on)));
    known
        .into_iter()
        .map(|r| {
            let held = r.held_on.filter(|h| *h <= day);
            ReviewEntry {
                title: r.title.clone(),
                planned_on: r.planned_on,
                held_on: held,
                chair: name(r.chair_id),
                attendees: r.attendees.iter().map(|p| name(*p)).collect(),
                top_management_attended: held
                    .is_some_and(|h| r.attendees.iter().any(|p| s.top_manager_on(*p, h))),
                inputs_missing: if held.is_some() {
                    r.missing_inputs()
                        .iter()
                        .map(|i| i.label().to_string())
                        .collect()
                } else {
                    Vec::new()
                },
                decisions: if held.is_some() {
                    r.decisions
                        .iter()
                        .map(|d| format!("{}: {}", d.kind.label(), d.text))
                        .collect()
                } else {
                    Vec::new()
                },
                actions: s
                    .actions
                    .iter()
                    .filter(|a| a.fields.review_id == Some(r.id) && a.created_at <= end)
                    .count(),
                pack_sha256: held.and(r.pack.as_ref()).map(|p| p.digest()),
                minutes_approved_on: r.approved_at.filter(|t| *t <= end).map(|t| t.date()),
            }
        })
        .collect()
}

/// Resource plans entered by the day, newest fiscal year first.
fn resources(s: &Snapshot, name: &dyn Fn(PersonId) -> String) -> Vec<ResourceEntry> {
    let start = s.organisation.fiscal_year_start_month;
    let end = s.last_instant();
    let mut plans: Vec<_> = s
        .resource_plans
        .iter()
        .filter(|p| p.created_at <= end)
        .collect();
    plans.sort_by_key(|p| std::cmp::Reverse(p.fields.fiscal_year));
    plans
        .into_iter()
        .map(|p| {
            let approval = p.approval.as_ref().filter(|_| p.approved_on(s.as_of));
            ResourceEntry {
                fiscal_year: fiscal_year_label(p.fields.fiscal_year, start),
                currency: p.fields.currency.to_string(),
                lines: p
                    .fields
                    .lines
                    .iter()
                    .map(|l| BudgetEntry {
                        category: l.category.label().to_string(),
                        planned: format_amount(l.planned),
                        actual: format_amount(l.actual),
                    })
                    .collect(),
                planned_total: format_amount(p.fields.planned_total()),
                actual_total: format_amount(p.fields.actual_total()),
                approval: match approval {
                    Some(a) => format!(
                        "approved on {} by {} ({})",
                        a.approved_at.date(),
                        name(a.approved_by),
                        a.authority
                    ),
                    None => "not approved".into(),
                },
                approved: approval.is_some(),
            }
        })
        .collect()
}

/// What was communicated in the twelve months to the day, newest first.
fn communications(s: &Snapshot, name: &dyn Fn(PersonId) -> String) -> Vec<CommunicationEntry> {
    let since = mandate_core::commitment::months_before(s.as_of, 12);
    let mut out: Vec<_> = s
        .communications
        .iter()
        .filter(|c| c.fields.occurred_on > since && c.fields.occurred_on <= s.as_of)
        .map(|c| CommunicationEntry {
            occurred_on: c.fields.occurred_on,
            channel: c.fields.channel.label().to_string(),
            audience: c.fields.audience.clone(),
            topic: c.fields.topic.clone(),
            sponsor: name(c.fields.sponsor_id),
            leadership: s.top_manager_on(c.fields.sponsor_id, c.fields.occurred_on),
        })
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.occurred_on));
    out
}
