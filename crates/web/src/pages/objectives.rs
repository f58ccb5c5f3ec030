//! Objectives and KPIs: the list with each objective's status and KPI
//! sparklines, an objective's page with trend charts, values and its action
//! plan, and the forms behind them.

use super::form_input::{invalid, parse_date};
use super::page_path::PagePath;
use super::performance_view::{ActionForm, HealthCount, KpiView, health_class};
use super::view::Choice;
use super::{Layout, NoticeParams, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::performance::PerformanceRecords;
use mandate_core::performance::{
    ActionSource, Direction, Frequency, KpiFields, MeasurementEntry, ObjectiveFields, ObjectiveLine,
};
use mandate_core::{KpiId, ObjectiveId, Permission, PolicyId};
use serde::Deserialize;

pub struct ObjectiveRow {
    pub id: String,
    pub title: String,
    pub goal: String,
    pub due_on: String,
    pub status: &'static str,
    pub class: &'static str,
    pub reasons: Vec<String>,
    pub kpis: Vec<KpiView>,
}

impl From<&ObjectiveLine> for ObjectiveRow {
    fn from(l: &ObjectiveLine) -> Self {
        Self {
            id: l.id.to_string(),
            title: l.title.clone(),
            goal: l.strategic_goal.clone(),
            due_on: l.due_on.to_string(),
            status: l.health.label(),
            class: health_class(l.health),
            reasons: l.reasons.clone(),
            kpis: l.kpis.iter().map(KpiView::from).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "objectives.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<ObjectiveRow>,
    counts: Vec<HealthCount>,
    can_edit: bool,
    can_measure: bool,
    can_read_reviews: bool,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "Objectives and KPIs", "/objectives")
        .await?
        .with_notice(params.notice.as_deref());
    let today = viewer.day();
    let records = PerformanceRecords::load(&state.store, viewer.user.org_id)
        .await?
        .as_of(today);
    let lines = records.objective_lines(today);
    let counts = records
        .health_counts(today)
        .into_iter()
        .map(HealthCount::from)
        .collect();
    Ok(render(&ListPage {
        layout,
        rows: lines.iter().map(ObjectiveRow::from).collect(),
        counts,
        can_edit: viewer.may(Permission::EditPerformance),
        can_measure: viewer.may(Permission::RecordMeasurements),
        can_read_reviews: viewer.may(Permission::ReadReviews),
    }))
}

pub struct PlanItem {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub due_on: String,
    pub status: &'static str,
    pub overdue_days: Option<i64>,
}

#[derive(Template)]
#[template(path = "objective.html")]
struct ObjectivePage {
    layout: Layout,
    o: ObjectiveRow,
    description: String,
    policy: String,
    policy_id: String,
    owner_role: String,
    plan: Vec<PlanItem>,
    today: String,
    can_edit: bool,
    can_measure: bool,
    directions: Vec<Choice>,
    frequencies: Vec<&'static str>,
}

fn parse_objective(raw: &str) -> Result<ObjectiveId, PageError> {
    raw.parse().map_err(|_| PageError::NotFound("objective"))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ObjectiveId>,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let today = viewer.day();
    let records = PerformanceRecords::load(&state.store, org)
        .await?
        .as_of(today);
    let objective = records
        .objectives
        .iter()
        .find(|o| o.id == id)
        .ok_or(PageError::NotFound("objective"))?;
    let lines = records.objective_lines(today);
    let line = lines
        .iter()
        .find(|l| l.id == id)
        .ok_or(PageError::NotFound("objective"))?;
    let layout = Layout::new(&state, &viewer, &objective.fields.title, "/objectives")
        .await?
        .with_notice(params.notice.as_deref());
    let policy = state
        .store
        .policy(org, objective.fields.policy_id)
        .await?
        .map(|p| p.fields.title)
        .unwrap_or_default();
    let owner_role = state
        .store
        .roles(org)
        .await?
        .into_iter()
        .find(|r| r.id == objective.fields.owner_role_id)
        .map(|r| r.fields.name)
        .unwrap_or_default();
    let mut o = ObjectiveRow::from(line);
    for view in &mut o.kpis {
        if let Some(k) = records.kpis.iter().find(|k| k.id.to_string() == view.id) {
            view.version = k.version;
        }
    }
    Ok(render(&ObjectivePage {
        layout,
        o,
        description: objective.fields.description.clone(),
        policy,
        policy_id: objective.fields.policy_id.to_string(),
        owner_role,
        plan: line
            .plan
            .iter()
            .map(|a| PlanItem {
                id: a.id.to_string(),
                title: a.title.clone(),
                owner: a.owner.clone(),
                due_on: a.due_on.to_string(),
                status: a.status.label(),
                overdue_days: a.overdue_days,
            })
            .collect(),
        today: today.to_string(),
        can_edit: viewer.may(Permission::EditPerformance),
        can_measure: viewer.may(Permission::RecordMeasurements),
        directions: Direction::ALL
            .iter()
            .map(|d| Choice::new(d.as_str(), d.label()))
            .collect(),
        frequencies: Frequency::ALL.iter().map(|f| f.as_str()).collect(),
    }))
}

#[derive(Template)]
#[template(path = "objective_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    f: ObjectiveForm,
    goals: Vec<String>,
    policies: Vec<Choice>,
    roles: Vec<Choice>,
}

#[derive(Deserialize, Default)]
pub struct ObjectiveForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    strategic_goal: String,
    #[serde(default)]
    policy_id: String,
    #[serde(default)]
    owner_role_id: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    version: Option<i64>,
}

impl ObjectiveForm {
    fn fields(&self) -> Result<ObjectiveFields, PageError> {
        Ok(ObjectiveFields {
            title: self.title.clone(),
            description: self.description.clone(),
            strategic_goal: self.strategic_goal.clone(),
            policy_id: self
                .policy_id
                .parse::<PolicyId>()
                .map_err(|_| invalid("policy_id: choose the policy it serves"))?,
            owner_role_id: self
                .owner_role_id
                .parse()
                .map_err(|_| invalid("owner_role_id: choose the role that owns it"))?,
            due_on: parse_date(&self.due_on, "due_on")?,
        })
    }
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    action: String,
    f: ObjectiveForm,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let layout = Layout::new(state, viewer, "Objective", "/objectives").await?;
    let goals = state
        .store
        .organisation(org)
        .await?
        .map(|o| o.strategic_goals)
        .unwrap_or_default();
    let policies = state
        .store
        .policy_summaries(org)
        .await?
        .into_iter()
        .map(|s| Choice::new(s.policy.id.to_string(), s.policy.fields.title))
        .collect();
    let roles = state
        .store
        .roles(org)
        .await?
        .into_iter()
        .map(|r| Choice::new(r.id.to_string(), r.fields.name))
        .collect();
    Ok(render(&FormPage {
        layout,
        action,
        f,
        goals,
        policies,
        roles,
    }))
}

pub async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    form_page(
        &state,
        &viewer,
        "/objectives".into(),
        ObjectiveForm::default(),
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ObjectiveId>,
) -> Result<Response, PageError> {
    let o = state
        .store
        .objectives(viewer.user.org_id)
        .await?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or(PageError::NotFound("objective"))?;
    let f = ObjectiveForm {
        title: o.fields.title,
        description: o.fields.description,
        strategic_goal: o.fields.strategic_goal,
        policy_id: o.fields.policy_id.to_string(),
        owner_role_id: o.fields.owner_role_id.to_string(),
        due_on: o.fields.due_on.to_string(),
        version: Some(o.version),
    };
    form_page(&state, &viewer, format!("/objectives/{id}"), f).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<ObjectiveForm>,
) -> Result<Response, PageError> {
    let saved = state
        .store
        .save_objective(&viewer.actor(), viewer.user.org_id, None, None, f.fields()?)
        .await?;
    Ok(Redirect::to(&format!("/objectives/{}?notice=created", saved.id)).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ObjectiveId>,
    Form(f): Form<ObjectiveForm>,
) -> Result<Response, PageError> {
    state
        .store
        .save_objective(
            &viewer.actor(),
            viewer.user.org_id,
            Some(id),
            f.version,
            f.fields()?,
        )
        .await?;
    Ok(Redirect::to(&format!("/objectives/{id}?notice=saved")).into_response())
}

#[derive(Deserialize)]
pub struct KpiForm {
    name: String,
    #[serde(default)]
    unit: String,
    target: String,
    direction: String,
    frequency: String,
    /// When changing a KPI: its version as read, and its objective.
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    objective_id: String,
}

impl KpiForm {
    fn fields(self, objective_id: ObjectiveId) -> Result<KpiFields, PageError> {
        Ok(KpiFields {
            objective_id,
            name: self.name,
            unit: self.unit,
            target: mandate_core::performance::parse_number(&self.target)
                .ok_or_else(|| invalid("target: a number, such as 95 or 1,200"))?,
            direction: Direction::parse(&self.direction)
                .ok_or_else(|| invalid("direction: choose one"))?,
            frequency: Frequency::parse(&self.frequency)
                .ok_or_else(|| invalid("frequency: choose one"))?,
        })
    }
}

pub async fn add_kpi(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ObjectiveId>,
    Form(f): Form<KpiForm>,
) -> Result<Response, PageError> {
    state
        .store
        .save_kpi(
            &viewer.actor(),
            viewer.user.org_id,
            None,
            None,
            f.fields(id)?,
        )
        .await?;
    Ok(Redirect::to(&format!("/objectives/{id}?notice=saved")).into_response())
}

/// Changes a KPI's metric, unit, target, direction or frequency.
pub async fn edit_kpi(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(kpi): PagePath<KpiId>,
    Form(f): Form<KpiForm>,
) -> Result<Response, PageError> {
    let objective = parse_objective(&f.objective_id)?;
    let version = f.version;
    state
        .store
        .save_kpi(
            &viewer.actor(),
            viewer.user.org_id,
            Some(kpi),
            version.or(Some(0)),
            f.fields(objective)?,
        )
        .await?;
    Ok(Redirect::to(&format!("/objectives/{objective}?notice=saved")).into_response())
}

#[derive(Deserialize)]
pub struct ValueForm {
    measured_on: String,
    value: String,
    #[serde(default)]
    note: String,
    /// Where to go back to.
    #[serde(default)]
    objective_id: String,
}

pub async fn add_value(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(kpi): PagePath<KpiId>,
    Form(f): Form<ValueForm>,
) -> Result<Response, PageError> {
    let entry = MeasurementEntry {
        kpi_id: kpi,
        measured_on: parse_date(&f.measured_on, "measured_on")?,
        value: mandate_core::performance::parse_number(&f.value)
            .ok_or_else(|| invalid("value: a number, such as 4.5 or 1,200"))?,
        note: f.note,
    };
    // The store decides whether this login may record it (a line manager:
    // only for a KPI they are asked for, never over someone else's value).
    crate::api::measurements::record_batch(&state.store, &viewer, vec![entry], None).await?;
    let back = match f.objective_id.parse::<ObjectiveId>() {
        Ok(o) => format!("/objectives/{o}?notice=measured"),
        Err(_) => "/objectives?notice=measured".into(),
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Deserialize)]
pub struct CsvForm {
    csv: String,
}

/// Values pasted as CSV; every problem is listed with its line and nothing
/// is recorded unless the whole file is good. Values the viewer may not
/// record are refused (403) by line, naming their KPI, and nothing is recorded.
pub async fn upload_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<CsvForm>,
) -> Result<Response, PageError> {
    use crate::api::measurements::record_batch;
    use mandate_app::commitment::entries_from_csv;
    let org = viewer.user.org_id;
    let file = entries_from_csv(
        &state.store,
        org,
        mandate_core::timefmt::now().date(),
        &f.csv,
    )
    .await
    .map_err(super::form_input::file_problems)?;
    record_batch(&state.store, &viewer, file.entries, Some(&file.lines)).await?;
    Ok(Redirect::to("/objectives?notice=measured").into_response())
}

pub async fn add_plan_item(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ObjectiveId>,
    Form(f): Form<ActionForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let fields = f
        .fields(&state, org, ActionSource::Objective, Some(id), None)
        .await?;
    state
        .store
        .save_action(&viewer.actor(), org, None, None, fields)
        .await?;
    Ok(Redirect::to(&format!("/objectives/{id}?notice=saved")).into_response())
}
