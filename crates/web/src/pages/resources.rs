//! Resources (5.1 c): each fiscal year's plan with planned against actual
//! by category, its approval, and the capacity allocated to ISMS roles.

use super::form_input::invalid;
use super::page_path::PagePath;
use super::view::Choice;
use super::{Layout, NoticeParams, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::roles::{RoleCapacityOut, role_capacity};
use mandate_core::commitment::fiscal::{fiscal_year_label, fiscal_year_of};
use mandate_core::commitment::money::{Currency, format_amount, parse_amount};
use mandate_core::commitment::resources::{
    BudgetCategory, BudgetLine, ResourcePlan, ResourcePlanFields,
};
use mandate_core::timefmt::now;
use mandate_core::{Permission, ResourcePlanId};
use std::collections::HashMap;

pub struct LineView {
    pub category: &'static str,
    pub planned: String,
    pub actual: String,
    /// Share of the planned amount spent, for the bar (capped at 100).
    pub bar: u32,
    pub over: bool,
    pub note: String,
}

pub struct PlanView {
    pub id: String,
    pub label: String,
    pub current: bool,
    pub currency: String,
    pub lines: Vec<LineView>,
    pub planned_total: String,
    pub actual_total: String,
    pub approval: Option<String>,
    pub proposer: String,
    pub viewer_proposed: bool,
    pub notes: String,
    pub version: i64,
}

fn plan_view(
    p: &ResourcePlan,
    names: &HashMap<mandate_core::PersonId, String>,
    start: u8,
    viewer: &Viewer,
) -> PlanView {
    let name = |id| names.get(&id).cloned().unwrap_or_default();
    PlanView {
        id: p.id.to_string(),
        label: fiscal_year_label(p.fields.fiscal_year, start),
        current: p.fields.fiscal_year == fiscal_year_of(viewer.day(), start),
        currency: p.fields.currency.to_string(),
        lines: p
            .fields
            .lines
            .iter()
            .map(|l| {
                let share = if l.planned > 0 {
                    l.actual * 100 / l.planned
                } else if l.actual > 0 {
                    101
                } else {
                    0
                };
                LineView {
                    category: l.category.label(),
                    planned: format_amount(l.planned),
                    actual: format_amount(l.actual),
                    bar: u32::try_from(share.clamp(0, 100)).unwrap_or(0),
                    over: share > 100,
                    note: l.note.clone(),
                }
            })
            .collect(),
        planned_total: format_amount(p.fields.planned_total()),
        actual_total: format_amount(p.fields.actual_total()),
        approval: p.approval.as_ref().map(|a| {
            format!(
                "approved by {} on {} ({})",
                name(a.approved_by),
                a.approved_at.date(),
                a.authority
            )
        }),
        proposer: name(p.proposed_by),
        viewer_proposed: p.proposed_by == viewer.user.person_id,
        notes: p.fields.notes.clone(),
        version: p.version,
    }
}

#[derive(Template)]
#[template(path = "resources.html")]
struct ResourcesPage {
    layout: Layout,
    plans: Vec<PlanView>,
    capacity: Vec<RoleCapacityOut>,
    /// The budget categories: the key of each one's form fields, and its label.
    categories: Vec<Choice>,
    next_year: i32,
    next_label: String,
    currency: String,
    can_edit: bool,
    can_approve: bool,
}

fn categories() -> Vec<Choice> {
    BudgetCategory::ALL
        .iter()
        .map(|c| Choice::new(c.as_str(), c.label()))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let layout = Layout::new(&state, &viewer, "Resources", "/resources")
        .await?
        .with_notice(params.notice.as_deref());
    let start = state
        .store
        .organisation(org)
        .await?
        .map_or(1, |o| o.fiscal_year_start_month);
    let mut plans = state.store.resource_plans(org).await?;
    plans.retain(|p| p.created_at.date() <= viewer.day());
    let people = plans
        .iter()
        .flat_map(|p| {
            std::iter::once(p.proposed_by).chain(p.approval.as_ref().map(|a| a.approved_by))
        })
        .collect();
    let names = state.store.person_names(org, people).await?;
    let this_year = fiscal_year_of(now().date(), start);
    let next_year = if plans.iter().any(|p| p.fields.fiscal_year == this_year) {
        this_year + 1
    } else {
        this_year
    };
    Ok(render(&ResourcesPage {
        layout,
        currency: plans
            .first()
            .map_or("EUR".into(), |p| p.fields.currency.to_string()),
        plans: plans
            .iter()
            .map(|p| plan_view(p, &names, start, &viewer))
            .collect(),
        capacity: role_capacity(
            &state.store,
            viewer.user.org_id,
            mandate_core::timefmt::now().date(),
        )
        .await?,
        categories: categories(),
        next_year,
        next_label: fiscal_year_label(next_year, start),
        can_edit: viewer.may(Permission::EditCommitment),
        can_approve: viewer.may(Permission::Approve),
    }))
}

/// The plan a form describes: `planned_<category>` and `actual_<category>`
/// for each category (blank: not planned).
fn fields_from(form: &HashMap<String, String>) -> Result<ResourcePlanFields, PageError> {
    let get = |k: &str| form.get(k).map(|v| v.trim()).unwrap_or("");
    let year: i32 = get("fiscal_year")
        .parse()
        .map_err(|_| invalid("fiscal_year: the year the fiscal year starts in"))?;
    let amount = |field: String| -> Result<Option<i64>, PageError> {
        match get(&field) {
            "" => Ok(None),
            raw => parse_amount(raw).map(Some).ok_or_else(|| {
                invalid(format!(
                    "{field}: {raw:?} is not an amount (digits, at most two decimals)"
                ))
            }),
        }
    };
    let mut lines = Vec::new();
    for c in BudgetCategory::ALL {
        let planned = amount(format!("planned_{}", c.as_str()))?;
        let actual = amount(format!("actual_{}", c.as_str()))?;
        if planned.is_some() || actual.is_some() {
            lines.push(BudgetLine {
                category: *c,
                planned: planned.unwrap_or(0),
                actual: actual.unwrap_or(0),
                note: get(&format!("note_{}", c.as_str())).to_string(),
            });
        }
    }
    Ok(ResourcePlanFields {
        fiscal_year: year,
        currency: Currency::parse(get("currency")).map_err(invalid)?,
        lines,
        notes: get("notes").to_string(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let fields = fields_from(&form)?;
    state
        .store
        .save_resource_plan(
            &viewer.actor(),
            viewer.user.org_id,
            viewer.user.person_id,
            None,
            None,
            fields,
        )
        .await?;
    Ok(Redirect::to("/resources?notice=created").into_response())
}

#[derive(Template)]
#[template(path = "resource_form.html")]
struct EditPage {
    layout: Layout,
    plan: PlanView,
    fiscal_year: i32,
    /// One row per category, as typed.
    rows: Vec<CategoryRow>,
    approved: bool,
}

/// A budget category's line of the plan form.
struct CategoryRow {
    /// The category's key, naming its form fields (`planned_{key}`).
    key: &'static str,
    label: &'static str,
    planned: String,
    actual: String,
    note: String,
}

fn plain(minor: i64) -> String {
    format_amount(minor).replace(',', "")
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ResourcePlanId>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let plan = find(&state, org, id).await?;
    let start = state
        .store
        .organisation(org)
        .await?
        .map_or(1, |o| o.fiscal_year_start_month);
    let names = state
        .store
        .person_names(org, vec![plan.proposed_by])
        .await?;
    let view = plan_view(&plan, &names, start, &viewer);
    let layout = Layout::new(
        &state,
        &viewer,
        &format!("Resources {}", view.label),
        "/resources",
    )
    .await?;
    let rows = BudgetCategory::ALL
        .iter()
        .map(|c| {
            let line = plan.fields.lines.iter().find(|l| l.category == *c);
            CategoryRow {
                key: c.as_str(),
                label: c.label(),
                planned: line.map(|l| plain(l.planned)).unwrap_or_default(),
                actual: line.map(|l| plain(l.actual)).unwrap_or_default(),
                note: line.map(|l| l.note.clone()).unwrap_or_default(),
            }
        })
        .collect();
    Ok(render(&EditPage {
        layout,
        fiscal_year: plan.fields.fiscal_year,
        approved: plan.approval.is_some(),
        plan: view,
        rows,
    }))
}

async fn find(
    state: &AppState,
    org: mandate_core::OrgId,
    id: ResourcePlanId,
) -> Result<ResourcePlan, PageError> {
    state
        .store
        .resource_plans(org)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(PageError::NotFound("resource plan"))
}

fn version_of(form: &HashMap<String, String>) -> Result<i64, PageError> {
    form.get("version")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| invalid("version: reload the page and try again"))
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ResourcePlanId>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let plan = find(&state, org, id).await?;
    let fields = fields_from(&form)?;
    state
        .store
        .save_resource_plan(
            &viewer.actor(),
            org,
            viewer.user.person_id,
            Some(plan.id),
            Some(version_of(&form)?),
            fields,
        )
        .await?;
    Ok(Redirect::to("/resources?notice=saved").into_response())
}

pub async fn approve(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ResourcePlanId>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let plan = find(&state, org, id).await?;
    state
        .store
        .approve_resource_plan(
            &viewer.actor(),
            org,
            plan.id,
            &viewer.user,
            Some(version_of(&form)?),
        )
        .await?;
    Ok(Redirect::to("/resources?notice=budget-approved").into_response())
}
