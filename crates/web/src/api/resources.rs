//! `/api/v1/resource-plans` and `/api/v1/capacity` (5.1 c): a fiscal
//! year's planned and actual amounts by category, approved by a holder of
//! the approve-budget authority other than its proposer; and the capacity
//! that assignments give the ISMS roles.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::performance_dto::{choice, invalid, no_version_on_create, version_of_change};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_app::roles::{RoleCapacityOut, role_capacity};
use mandate_core::ResourcePlanId;
use mandate_core::commitment::fiscal::{fiscal_year_bounds, fiscal_year_label};
use mandate_core::commitment::money::{Currency, parse_amount};
use mandate_core::commitment::resources::{
    BudgetCategory, BudgetLine, ResourcePlan, ResourcePlanFields,
};
use mandate_core::timefmt::now;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// An amount as a decimal string (`"12500"`, `"12,500.50"`) or a number.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum AmountIn {
    Text(String),
    Number(f64),
}

impl AmountIn {
    fn minor(&self, field: &str) -> Result<i64, Problem> {
        let text = match self {
            AmountIn::Text(t) => t.clone(),
            AmountIn::Number(n) => format!("{n}"),
        };
        parse_amount(&text).ok_or_else(|| {
            invalid(format!(
                "{field}: {text:?} is not an amount (digits, at most two decimals, never negative)"
            ))
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetLineIn {
    /// `people`, `consultancy`, `external_audit`, `software`, `training`, `insurance` or `other`.
    pub category: String,
    pub planned: AmountIn,
    #[serde(default)]
    pub actual: Option<AmountIn>,
    #[serde(default)]
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourcePlanIn {
    /// The calendar year the fiscal year starts in.
    pub fiscal_year: i32,
    /// ISO 4217 code, as `EUR`.
    pub currency: String,
    pub lines: Vec<BudgetLineIn>,
    #[serde(default)]
    pub notes: String,
    /// On change: the version as last read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ResourcePlanIn {
    fn fields(&self) -> Result<ResourcePlanFields, Problem> {
        let mut lines = Vec::new();
        for line in &self.lines {
            lines.push(BudgetLine {
                category: choice(
                    "category",
                    &line.category,
                    BudgetCategory::ALL,
                    BudgetCategory::as_str,
                )?,
                planned: line.planned.minor("planned")?,
                actual: match &line.actual {
                    Some(a) => a.minor("actual")?,
                    None => 0,
                },
                note: line.note.clone(),
            });
        }
        Ok(ResourcePlanFields {
            fiscal_year: self.fiscal_year,
            currency: Currency::parse(&self.currency).map_err(invalid)?,
            lines,
            notes: self.notes.clone(),
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct BudgetLineOut {
    pub category: String,
    /// In minor units (cents).
    pub planned_minor: i64,
    pub actual_minor: i64,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct ResourcePlanOut {
    pub id: Uuid,
    pub fiscal_year: i32,
    /// As `FY 2026/27`.
    pub label: String,
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    #[schema(value_type = String, format = Date)]
    pub ends_on: Date,
    pub currency: String,
    pub lines: Vec<BudgetLineOut>,
    pub planned_total_minor: i64,
    pub actual_total_minor: i64,
    pub notes: String,
    /// Who wrote what is (to be) approved.
    pub proposed_by: Uuid,
    pub approved_by: Option<Uuid>,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    pub approved_at: Option<OffsetDateTime>,
    /// The ISMS role that gave the approver the authority.
    pub approval_authority: Option<String>,
    pub version: i64,
}

impl ResourcePlanOut {
    pub fn new(p: &ResourcePlan, fiscal_start_month: u8) -> Self {
        let (starts_on, ends_on) = fiscal_year_bounds(p.fields.fiscal_year, fiscal_start_month);
        Self {
            id: p.id.0,
            fiscal_year: p.fields.fiscal_year,
            label: fiscal_year_label(p.fields.fiscal_year, fiscal_start_month),
            starts_on,
            ends_on,
            currency: p.fields.currency.to_string(),
            lines: p
                .fields
                .lines
                .iter()
                .map(|l| BudgetLineOut {
                    category: l.category.as_str().into(),
                    planned_minor: l.planned,
                    actual_minor: l.actual,
                    note: l.note.clone(),
                })
                .collect(),
            planned_total_minor: p.fields.planned_total(),
            actual_total_minor: p.fields.actual_total(),
            notes: p.fields.notes.clone(),
            proposed_by: p.proposed_by.0,
            approved_by: p.approval.as_ref().map(|a| a.approved_by.0),
            approved_at: p.approval.as_ref().map(|a| a.approved_at),
            approval_authority: p.approval.as_ref().map(|a| a.authority.clone()),
            version: p.version,
        }
    }
}

async fn fiscal_start(state: &AppState, viewer: &Viewer) -> ApiResult<u8> {
    Ok(state
        .store
        .organisation(viewer.user.org_id)
        .await?
        .map_or(1, |o| o.fiscal_year_start_month))
}

#[utoipa::path(get, operation_id = "resource_plans_list", path = "/api/v1/resource-plans",
    params(Paging), tag = "commitment", responses((status = 200, body = Listing<ResourcePlanOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<ResourcePlanOut>>> {
    let start = fiscal_start(&state, &viewer).await?;
    let plans = state.store.resource_plans(viewer.user.org_id).await?;
    let out = plans
        .iter()
        .map(|p| ResourcePlanOut::new(p, start))
        .collect();
    Ok(Json(page(out, &paging)?))
}

#[utoipa::path(post, operation_id = "resource_plans_create", path = "/api/v1/resource-plans",
    request_body = ResourcePlanIn, tag = "commitment",
    responses((status = 201, body = ResourcePlanOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ResourcePlanIn>,
) -> ApiResult<impl IntoResponse> {
    no_version_on_create(input.version, "a plan")?;
    let saved = state
        .store
        .save_resource_plan(
            &viewer.actor(),
            viewer.user.org_id,
            viewer.user.person_id,
            None,
            None,
            input.fields()?,
        )
        .await?;
    let start = fiscal_start(&state, &viewer).await?;
    Ok((
        StatusCode::CREATED,
        Json(ResourcePlanOut::new(&saved, start)),
    ))
}

#[utoipa::path(put, operation_id = "resource_plans_update", path = "/api/v1/resource-plans/{id}",
    params(("id" = Uuid, Path)), request_body = ResourcePlanIn, tag = "commitment",
    responses((status = 200, body = ResourcePlanOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ResourcePlanIn>,
) -> ApiResult<Json<ResourcePlanOut>> {
    let version = version_of_change(input.version)?;
    let saved = state
        .store
        .save_resource_plan(
            &viewer.actor(),
            viewer.user.org_id,
            viewer.user.person_id,
            Some(ResourcePlanId(id)),
            Some(version),
            input.fields()?,
        )
        .await?;
    let start = fiscal_start(&state, &viewer).await?;
    Ok(Json(ResourcePlanOut::new(&saved, start)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveIn {
    /// The version the approver read.
    pub version: i64,
}

#[utoipa::path(post, operation_id = "resource_plans_approve", path = "/api/v1/resource-plans/{id}/approve",
    params(("id" = Uuid, Path)), request_body = ApproveIn, tag = "commitment",
    responses((status = 200, body = ResourcePlanOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn approve(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ApproveIn>,
) -> ApiResult<Json<ResourcePlanOut>> {
    let saved = state
        .store
        .approve_resource_plan(
            &viewer.actor(),
            viewer.user.org_id,
            ResourcePlanId(id),
            &viewer.user,
            Some(input.version),
        )
        .await?;
    let start = fiscal_start(&state, &viewer).await?;
    Ok(Json(ResourcePlanOut::new(&saved, start)))
}

#[utoipa::path(get, operation_id = "capacity_show", path = "/api/v1/capacity", params(Paging), tag = "commitment",
    responses((status = 200, body = Listing<RoleCapacityOut>)))]
pub async fn capacity(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<RoleCapacityOut>>> {
    Ok(Json(page(
        role_capacity(&state.store, viewer.user.org_id, now().date()).await?,
        &paging,
    )?))
}
