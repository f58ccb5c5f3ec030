//! Communications (5.1 d, 7.4): the register of what was communicated
//! (leadership communications marked: their sponsor held a top-management
//! role that day) and the plan of what is due.

use super::form_input::{invalid, parse_date, person_by_email};
use super::view::{Choice, Link};
use super::{Layout, NoticeParams, PageError, render};
use crate::api::communications::{PlanItemOut, plan_out};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_core::commitment::communication::{Channel, CommunicationFields, PlanItemFields};
use mandate_core::{Permission, PlanItemId, PolicyId};
use serde::Deserialize;

pub struct CommunicationView {
    pub occurred_on: String,
    pub channel: &'static str,
    pub topic: String,
    pub audience: String,
    pub sponsor: String,
    pub leadership: bool,
    pub policy: Option<Link>,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "communications.html")]
struct CommunicationsPage {
    layout: Layout,
    communications: Vec<CommunicationView>,
    plan: Vec<PlanItemOut>,
    channels: Vec<Choice>,
    policies: Vec<Choice>,
    today: String,
    can_edit: bool,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let layout = Layout::new(&state, &viewer, "Communications", "/communications")
        .await?
        .with_notice(params.notice.as_deref());
    let today = viewer.day();
    let mut all = state.store.communications(org).await?;
    all.retain(|c| c.fields.occurred_on <= today);
    let items = state.store.communication_plan(org).await?;
    let roles = state.store.roles(org).await?;
    let assignments = state.store.assignments(org, None).await?;
    let policies: Vec<Choice> = state
        .store
        .policy_summaries(org)
        .await?
        .into_iter()
        .map(|p| Choice::new(p.policy.id.to_string(), p.policy.fields.title))
        .collect();
    let names = state
        .store
        .person_names(org, all.iter().map(|c| c.fields.sponsor_id).collect())
        .await?;
    let top: Vec<_> = roles
        .iter()
        .filter(|r| r.fields.top_management)
        .map(|r| r.id)
        .collect();
    let communications = all
        .iter()
        .map(|c| {
            let f = &c.fields;
            CommunicationView {
                occurred_on: f.occurred_on.to_string(),
                channel: f.channel.label(),
                topic: f.topic.clone(),
                audience: f.audience.clone(),
                sponsor: names.get(&f.sponsor_id).cloned().unwrap_or_default(),
                leadership: assignments.iter().any(|a| {
                    a.terms.person_id == f.sponsor_id
                        && top.contains(&a.terms.role_id)
                        && a.current_on(f.occurred_on)
                }),
                policy: f.policy_id.and_then(|p| {
                    policies
                        .iter()
                        .find(|c| c.value == p.to_string())
                        .map(|c| Link::new(&c.value, &c.label))
                }),
                summary: f.summary.clone(),
            }
        })
        .collect();
    Ok(render(&CommunicationsPage {
        layout,
        communications,
        plan: plan_out(&items, &all, today),
        channels: Channel::ALL
            .iter()
            .map(|c| Choice::new(c.as_str(), c.label()))
            .collect(),
        policies,
        today: today.to_string(),
        can_edit: viewer.may(Permission::EditCommitment),
    }))
}

#[derive(Deserialize)]
pub struct CommunicationForm {
    occurred_on: String,
    channel: String,
    audience: String,
    topic: String,
    #[serde(default)]
    summary: String,
    sponsor_email: String,
    #[serde(default)]
    policy_id: String,
    #[serde(default)]
    plan_item_id: String,
}

fn optional_id<T: std::str::FromStr>(raw: &str, field: &str) -> Result<Option<T>, PageError> {
    match raw.trim() {
        "" => Ok(None),
        id => id
            .parse()
            .map(Some)
            .map_err(|_| invalid(format!("{field}: choose one"))),
    }
}

fn channel(raw: &str) -> Result<Channel, PageError> {
    Channel::parse(raw).ok_or_else(|| invalid("channel: choose one"))
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<CommunicationForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let fields = CommunicationFields {
        occurred_on: parse_date(&f.occurred_on, "occurred_on")?,
        channel: channel(&f.channel)?,
        audience: f.audience,
        topic: f.topic,
        summary: f.summary,
        sponsor_id: person_by_email(&state, org, &f.sponsor_email, "sponsor").await?,
        policy_id: optional_id::<PolicyId>(&f.policy_id, "policy_id")?,
        plan_item_id: optional_id::<PlanItemId>(&f.plan_item_id, "plan_item_id")?,
    };
    state
        .store
        .save_communication(&viewer.actor(), org, None, None, fields)
        .await?;
    Ok(Redirect::to("/communications?notice=created").into_response())
}

#[derive(Deserialize)]
pub struct PlanForm {
    topic: String,
    channel: String,
    audience: String,
    interval_months: String,
    first_due_on: String,
}

pub async fn create_item(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<PlanForm>,
) -> Result<Response, PageError> {
    let fields = PlanItemFields {
        topic: f.topic,
        channel: channel(&f.channel)?,
        audience: f.audience,
        interval_months: f.interval_months.trim().parse().map_err(|_| {
            invalid("interval_months: 0 for a one-off, else the months between two")
        })?,
        first_due_on: parse_date(&f.first_due_on, "first_due_on")?,
        active: true,
    };
    state
        .store
        .save_plan_item(&viewer.actor(), viewer.user.org_id, None, None, fields)
        .await?;
    Ok(Redirect::to("/communications?notice=created#plan").into_response())
}
