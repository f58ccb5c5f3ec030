//! `/api/v1/communications` and `/api/v1/communication-plan` (5.1 d, 7.4):
//! what was communicated, and what is due, with each plan item's status.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::performance_dto::{choice, no_version_on_create, version_of_change};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_core::commitment::communication::{
    Channel, Communication, CommunicationFields, PlanItem, PlanItemFields,
};
use mandate_core::timefmt::now;
use mandate_core::{CommunicationId, PersonId, PlanItemId, PolicyId};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunicationIn {
    #[schema(value_type = String, format = Date)]
    pub occurred_on: Date,
    /// `meeting`, `email`, `intranet`, `newsletter`, `poster` or `training`.
    pub channel: String,
    pub audience: String,
    pub topic: String,
    #[serde(default)]
    pub summary: String,
    pub sponsor_id: Uuid,
    #[serde(default)]
    pub policy_id: Option<Uuid>,
    #[serde(default)]
    pub plan_item_id: Option<Uuid>,
    #[serde(default)]
    pub version: Option<i64>,
}

impl CommunicationIn {
    fn fields(&self) -> Result<CommunicationFields, Problem> {
        Ok(CommunicationFields {
            occurred_on: self.occurred_on,
            channel: choice("channel", &self.channel, Channel::ALL, Channel::as_str)?,
            audience: self.audience.clone(),
            topic: self.topic.clone(),
            summary: self.summary.clone(),
            sponsor_id: PersonId(self.sponsor_id),
            policy_id: self.policy_id.map(PolicyId),
            plan_item_id: self.plan_item_id.map(PlanItemId),
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct CommunicationOut {
    pub id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub occurred_on: Date,
    pub channel: String,
    pub audience: String,
    pub topic: String,
    pub summary: String,
    pub sponsor_id: Uuid,
    pub sponsor: String,
    pub policy_id: Option<Uuid>,
    pub plan_item_id: Option<Uuid>,
    pub version: i64,
}

fn communication_out(c: &Communication, sponsor: String) -> CommunicationOut {
    CommunicationOut {
        id: c.id.0,
        occurred_on: c.fields.occurred_on,
        channel: c.fields.channel.as_str().into(),
        audience: c.fields.audience.clone(),
        topic: c.fields.topic.clone(),
        summary: c.fields.summary.clone(),
        sponsor_id: c.fields.sponsor_id.0,
        sponsor,
        policy_id: c.fields.policy_id.map(|p| p.0),
        plan_item_id: c.fields.plan_item_id.map(|p| p.0),
        version: c.version,
    }
}

async fn with_sponsors(
    state: &AppState,
    viewer: &Viewer,
    list: &[Communication],
) -> ApiResult<Vec<CommunicationOut>> {
    let names = state
        .store
        .person_names(
            viewer.user.org_id,
            list.iter().map(|c| c.fields.sponsor_id).collect(),
        )
        .await?;
    Ok(list
        .iter()
        .map(|c| {
            communication_out(
                c,
                names.get(&c.fields.sponsor_id).cloned().unwrap_or_default(),
            )
        })
        .collect())
}

#[utoipa::path(get, operation_id = "communications_list", path = "/api/v1/communications",
    params(Paging), tag = "commitment", responses((status = 200, body = Listing<CommunicationOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<CommunicationOut>>> {
    let all = state.store.communications(viewer.user.org_id).await?;
    let out = with_sponsors(&state, &viewer, &all).await?;
    Ok(Json(page(out, &paging)?))
}

#[utoipa::path(post, operation_id = "communications_create", path = "/api/v1/communications",
    request_body = CommunicationIn, tag = "commitment",
    responses((status = 201, body = CommunicationOut), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<CommunicationIn>,
) -> ApiResult<impl IntoResponse> {
    no_version_on_create(input.version, "a communication")?;
    let saved = state
        .store
        .save_communication(
            &viewer.actor(),
            viewer.user.org_id,
            None,
            None,
            input.fields()?,
        )
        .await?;
    let mut out = with_sponsors(&state, &viewer, std::slice::from_ref(&saved)).await?;
    Ok((StatusCode::CREATED, Json(out.remove(0))))
}

#[utoipa::path(put, operation_id = "communications_update", path = "/api/v1/communications/{id}",
    params(("id" = Uuid, Path)), request_body = CommunicationIn, tag = "commitment",
    responses((status = 200, body = CommunicationOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<CommunicationIn>,
) -> ApiResult<Json<CommunicationOut>> {
    let version = version_of_change(input.version)?;
    let saved = state
        .store
        .save_communication(
            &viewer.actor(),
            viewer.user.org_id,
            Some(CommunicationId(id)),
            Some(version),
            input.fields()?,
        )
        .await?;
    let mut out = with_sponsors(&state, &viewer, std::slice::from_ref(&saved)).await?;
    Ok(Json(out.remove(0)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanItemIn {
    pub topic: String,
    pub channel: String,
    pub audience: String,
    /// Months between two communications; 0 for a one-off.
    pub interval_months: u8,
    #[schema(value_type = String, format = Date)]
    pub first_due_on: Date,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

impl PlanItemIn {
    fn fields(&self) -> Result<PlanItemFields, Problem> {
        Ok(PlanItemFields {
            topic: self.topic.clone(),
            channel: choice("channel", &self.channel, Channel::ALL, Channel::as_str)?,
            audience: self.audience.clone(),
            interval_months: self.interval_months,
            first_due_on: self.first_due_on,
            active: self.active,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct PlanItemOut {
    pub id: Uuid,
    pub topic: String,
    pub channel: String,
    pub audience: String,
    pub interval_months: u8,
    #[schema(value_type = String, format = Date)]
    pub first_due_on: Date,
    pub active: bool,
    #[schema(value_type = Option<String>, format = Date)]
    pub last_done: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub next_due: Option<Date>,
    pub overdue_days: Option<i64>,
    pub version: i64,
}

/// The plan with each item's status today.
pub fn plan_out(items: &[PlanItem], done: &[Communication], today: Date) -> Vec<PlanItemOut> {
    items
        .iter()
        .map(|i| {
            let status = i.status_on(done, today);
            PlanItemOut {
                id: i.id.0,
                topic: i.fields.topic.clone(),
                channel: i.fields.channel.as_str().into(),
                audience: i.fields.audience.clone(),
                interval_months: i.fields.interval_months,
                first_due_on: i.fields.first_due_on,
                active: i.fields.active,
                last_done: status.last_done,
                next_due: status.next_due,
                overdue_days: status.overdue_days,
                version: i.version,
            }
        })
        .collect()
}

#[utoipa::path(get, operation_id = "communication_plan_list", path = "/api/v1/communication-plan", params(Paging),
    tag = "commitment", responses((status = 200, body = Listing<PlanItemOut>)))]
pub async fn plan(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<PlanItemOut>>> {
    let org = viewer.user.org_id;
    let items = state.store.communication_plan(org).await?;
    let done = state.store.communications(org).await?;
    Ok(Json(page(plan_out(&items, &done, now().date()), &paging)?))
}

async fn save_item(
    state: &AppState,
    viewer: &Viewer,
    id: Option<PlanItemId>,
    input: PlanItemIn,
) -> ApiResult<PlanItemOut> {
    let version = match id {
        Some(_) => Some(version_of_change(input.version)?),
        None => {
            no_version_on_create(input.version, "a plan item")?;
            None
        }
    };
    let org = viewer.user.org_id;
    let saved = state
        .store
        .save_plan_item(&viewer.actor(), org, id, version, input.fields()?)
        .await?;
    let done = state.store.communications(org).await?;
    Ok(plan_out(std::slice::from_ref(&saved), &done, now().date()).remove(0))
}

#[utoipa::path(post, operation_id = "communication_plan_create", path = "/api/v1/communication-plan",
    request_body = PlanItemIn, tag = "commitment",
    responses((status = 201, body = PlanItemOut), (status = 422, body = Problem)))]
pub async fn create_item(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<PlanItemIn>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(save_item(&state, &viewer, None, input).await?),
    ))
}

#[utoipa::path(put, operation_id = "communication_plan_update", path = "/api/v1/communication-plan/{id}",
    params(("id" = Uuid, Path)), request_body = PlanItemIn, tag = "commitment",
    responses((status = 200, body = PlanItemOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_item(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<PlanItemIn>,
) -> ApiResult<Json<PlanItemOut>> {
    Ok(Json(
        save_item(&state, &viewer, Some(PlanItemId(id)), input).await?,
    ))
}
