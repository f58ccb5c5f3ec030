//! `/api/v1/roles`: the ISMS role catalogue.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use mandate_core::roles::{Decision, Role, RoleFields};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// A role's fields, to create (POST) or change (PUT, with `version`) one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    pub name: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub responsibilities: Vec<String>,
    /// From the vocabulary: approve_policy, approve_exception, accept_risk,
    /// approve_budget, sign_leadership_statement, approve_role_assignment,
    /// approve_management_review.
    #[serde(default)]
    pub authorities: Vec<String>,
    #[serde(default)]
    pub reports_to: Option<Uuid>,
    #[serde(default)]
    pub top_management: bool,
    /// 5.3 a: ensures the ISMS conforms to ISO/IEC 27001.
    #[serde(default)]
    pub conformance_owner: bool,
    /// 5.3 b: reports the ISMS's performance to top management.
    #[serde(default)]
    pub performance_reporter: bool,
    #[serde(default)]
    pub required_training: Vec<String>,
    /// Roles one person must not hold together with this one.
    #[serde(default)]
    pub incompatible_with: Vec<Uuid>,
    /// A critical role needs a deputy.
    #[serde(default)]
    pub critical: bool,
    /// On change: the version as last read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl RoleIn {
    fn fields(&self) -> Result<RoleFields, Problem> {
        let authorities = self
            .authorities
            .iter()
            .map(|a| a.parse::<Decision>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("authorities: {e}"),
                )
            })?;
        Ok(RoleFields {
            name: self.name.clone(),
            purpose: self.purpose.clone(),
            responsibilities: self.responsibilities.clone(),
            authorities,
            reports_to: self.reports_to,
            top_management: self.top_management,
            conformance_owner: self.conformance_owner,
            performance_reporter: self.performance_reporter,
            required_training: self.required_training.clone(),
            incompatible_with: self.incompatible_with.clone(),
            critical: self.critical,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct RoleOut {
    pub id: Uuid,
    pub name: String,
    pub purpose: String,
    pub responsibilities: Vec<String>,
    pub authorities: Vec<String>,
    pub reports_to: Option<Uuid>,
    pub top_management: bool,
    pub conformance_owner: bool,
    pub performance_reporter: bool,
    pub required_training: Vec<String>,
    pub incompatible_with: Vec<Uuid>,
    pub critical: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl From<Role> for RoleOut {
    fn from(r: Role) -> Self {
        let f = r.fields;
        Self {
            id: r.id,
            name: f.name,
            purpose: f.purpose,
            responsibilities: f.responsibilities,
            authorities: f
                .authorities
                .iter()
                .map(|a| a.as_str().to_string())
                .collect(),
            reports_to: f.reports_to,
            top_management: f.top_management,
            conformance_owner: f.conformance_owner,
            performance_reporter: f.performance_reporter,
            required_training: f.required_training,
            incompatible_with: f.incompatible_with,
            critical: f.critical,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

#[utoipa::path(get, operation_id = "roles_list", path = "/api/v1/roles", params(Paging), tag = "roles",
    responses((status = 200, body = Listing<RoleOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<RoleOut>>> {
    let roles = state.store.roles(viewer.user.org_id).await?;
    Ok(Json(page(
        roles.into_iter().map(RoleOut::from).collect(),
        &paging,
    )?))
}

#[utoipa::path(get, operation_id = "roles_show", path = "/api/v1/roles/{id}", params(("id" = Uuid, Path)), tag = "roles",
    responses((status = 200, body = RoleOut), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<RoleOut>> {
    let roles = state.store.roles(viewer.user.org_id).await?;
    roles
        .into_iter()
        .find(|r| r.id == id)
        .map(|r| Json(RoleOut::from(r)))
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no such role"))
}

#[utoipa::path(post, operation_id = "roles_create", path = "/api/v1/roles", request_body = RoleIn, tag = "roles",
    responses((status = 201, body = RoleOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<RoleIn>,
) -> ApiResult<impl IntoResponse> {
    if input.version.is_some() {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "version: only sent when changing a role",
        ));
    }
    let role = state
        .store
        .create_role(
            &viewer.actor(),
            viewer.user.org_id,
            viewer.user.id,
            input.fields()?,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/roles/{}", role.id))],
        Json(RoleOut::from(role)),
    ))
}

#[utoipa::path(put, operation_id = "roles_update", path = "/api/v1/roles/{id}", params(("id" = Uuid, Path)),
    request_body = RoleIn, tag = "roles",
    responses((status = 200, body = RoleOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<RoleIn>,
) -> ApiResult<Json<RoleOut>> {
    let Some(version) = input.version else {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "version: required, as last read",
        ));
    };
    let role = state
        .store
        .update_role(
            &viewer.actor(),
            viewer.user.org_id,
            viewer.user.id,
            id,
            version,
            input.fields()?,
        )
        .await?;
    Ok(Json(RoleOut::from(role)))
}

#[utoipa::path(get, operation_id = "roles_gaps", path = "/api/v1/role-gaps", params(Paging), tag = "roles",
    responses((status = 200, body = Listing<mandate_app::roles::GapOut>)))]
pub async fn gaps(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<mandate_app::roles::GapOut>>> {
    let today = mandate_core::timefmt::now().date();
    Ok(Json(page(
        mandate_app::roles::gaps(
            &state.store,
            viewer.user.org_id,
            today,
            mandate_app::roles::DeclineReasons::for_caller(&viewer.caller()),
        )
        .await?,
        &paging,
    )?))
}
