//! `/api/v1/assignments`: who holds which ISMS role, and their answers: an
//! acknowledgement or a decline, each bound to the SHA-256 of the role's
//! text as the holder read it (`role_text_sha256` in every answer).

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use crate::auth::Viewer;
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use mandate_core::Permission;
use mandate_core::PersonId;
use mandate_core::roles::answer::role_text_sha256;
use mandate_core::roles::{Assignment, AssignmentTerms, Role};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentIn {
    pub role_id: Uuid,
    pub person_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<Date>,
    #[serde(default)]
    pub deputy_id: Option<Uuid>,
    /// Share of the holder's time, 1 to 100 per cent.
    #[serde(default)]
    pub capacity_percent: Option<u8>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndIn {
    /// The assignment's last day.
    #[schema(value_type = String, format = Date)]
    pub ends_on: Date,
}

#[derive(Serialize, ToSchema)]
pub struct AssignmentOut {
    pub id: Uuid,
    pub role_id: Uuid,
    pub person_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<Date>,
    pub deputy_id: Option<Uuid>,
    pub capacity_percent: Option<u8>,
    pub assigned_by: Uuid,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub acknowledged_at: Option<OffsetDateTime>,
    /// The SHA-256 of the role's text the holder answered.
    pub acknowledged_sha256: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub declined_at: Option<OffsetDateTime>,
    pub decline_reason: String,
    /// The SHA-256 of the role's text now: what an answer must carry.
    pub role_text_sha256: String,
    pub version: i64,
}

impl AssignmentOut {
    fn new(a: Assignment, roles: &[Role]) -> Self {
        let role_text_sha256 = roles
            .iter()
            .find(|r| r.id == a.terms.role_id)
            .map(|r| role_text_sha256(&r.fields))
            .unwrap_or_default();
        Self {
            role_text_sha256,
            acknowledged_sha256: a.acknowledged_sha256,
            declined_at: a.declined_at,
            decline_reason: a.decline_reason,
            id: a.id,
            role_id: a.terms.role_id,
            person_id: a.terms.person_id.0,
            starts_on: a.terms.starts_on,
            ends_on: a.terms.ends_on,
            deputy_id: a.terms.deputy_id.map(|d| d.0),
            capacity_percent: a.terms.capacity_percent,
            assigned_by: a.assigned_by.0,
            acknowledged_at: a.acknowledged_at,
            version: a.version,
        }
    }
}

#[utoipa::path(get, operation_id = "assignments_list", path = "/api/v1/assignments", params(Paging), tag = "roles",
    responses((status = 200, body = Listing<AssignmentOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<AssignmentOut>>> {
    // Who holds what is for those who review roles; everyone else sees
    // their own assignments.
    let whose = (!viewer.may(Permission::ReviewRoles)).then_some(viewer.user.person_id);
    let all = state.store.assignments(viewer.user.org_id, whose).await?;
    let roles = state.store.roles(viewer.user.org_id).await?;
    let reasons = mandate_app::roles::DeclineReasons::for_caller(&viewer.caller());
    Ok(Json(page(
        all.into_iter()
            .map(|a| {
                let own = a.terms.person_id == viewer.user.person_id;
                let mut out = AssignmentOut::new(a, &roles);
                if !own && reasons == mandate_app::roles::DeclineReasons::Withheld {
                    out.decline_reason = String::new();
                }
                out
            })
            .collect(),
        &paging,
    )?))
}

#[utoipa::path(post, operation_id = "assignments_create", path = "/api/v1/assignments", request_body = AssignmentIn, tag = "roles",
    responses((status = 201, body = AssignmentOut),
        (status = 403, description = "Segregation of duties, or assigning oneself", body = crate::problem::Problem),
        (status = 422, body = crate::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<AssignmentIn>,
) -> ApiResult<impl IntoResponse> {
    let terms = AssignmentTerms {
        role_id: input.role_id,
        person_id: PersonId(input.person_id),
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        deputy_id: input.deputy_id.map(PersonId),
        capacity_percent: input.capacity_percent,
    };
    let a = state
        .store
        .assign_role(&viewer.actor(), viewer.user.org_id, viewer.user.id, terms)
        .await?;
    let roles = state.store.roles(viewer.user.org_id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/assignments/{}", a.id))],
        Json(AssignmentOut::new(a, &roles)),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeIn {
    /// The SHA-256 of the role's text as read (`role_text_sha256`).
    pub text_sha256: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentDeclineIn {
    /// The SHA-256 of the role's text as read (`role_text_sha256`).
    pub text_sha256: String,
    /// Why the holder cannot accept the role.
    pub reason: String,
}

/// Records the holder's answer and returns the assignment as stored.
async fn answer(
    state: &AppState,
    viewer: &Viewer,
    id: Uuid,
    text_sha256: &str,
    decline_reason: Option<&str>,
) -> ApiResult<Json<AssignmentOut>> {
    let org = viewer.user.org_id;
    let a = state
        .store
        .answer_assignment(
            &viewer.actor(),
            org,
            id,
            viewer.user.person_id,
            text_sha256,
            decline_reason,
        )
        .await?;
    let roles = state.store.roles(org).await?;
    Ok(Json(AssignmentOut::new(a, &roles)))
}

#[utoipa::path(post, operation_id = "assignments_acknowledge", path = "/api/v1/assignments/{id}/acknowledge",
    params(("id" = Uuid, Path)), request_body = AcknowledgeIn, tag = "roles",
    responses((status = 200, body = AssignmentOut), (status = 403, description = "Not the holder", body = crate::problem::Problem),
        (status = 404, body = crate::problem::Problem),
        (status = 409, description = "Already acknowledged, or the role changed since it was read", body = crate::problem::Problem)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<AcknowledgeIn>,
) -> ApiResult<Json<AssignmentOut>> {
    answer(&state, &viewer, id, &input.text_sha256, None).await
}

#[utoipa::path(post, operation_id = "assignments_decline", path = "/api/v1/assignments/{id}/decline",
    params(("id" = Uuid, Path)), request_body = AssignmentDeclineIn, tag = "roles",
    responses((status = 200, body = AssignmentOut), (status = 403, description = "Not the holder", body = crate::problem::Problem),
        (status = 404, body = crate::problem::Problem),
        (status = 409, description = "The role changed since it was read", body = crate::problem::Problem),
        (status = 422, description = "No reason given", body = crate::problem::Problem)))]
pub async fn decline(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<AssignmentDeclineIn>,
) -> ApiResult<Json<AssignmentOut>> {
    answer(&state, &viewer, id, &input.text_sha256, Some(&input.reason)).await
}

#[utoipa::path(post, operation_id = "assignments_end", path = "/api/v1/assignments/{id}/end", params(("id" = Uuid, Path)),
    request_body = EndIn, tag = "roles",
    responses((status = 200, body = AssignmentOut), (status = 404, body = crate::problem::Problem),
        (status = 422, body = crate::problem::Problem)))]
pub async fn end(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<EndIn>,
) -> ApiResult<Json<AssignmentOut>> {
    let a = state
        .store
        .end_assignment(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            viewer.user.id,
            input.ends_on,
        )
        .await?;
    let roles = state.store.roles(viewer.user.org_id).await?;
    Ok(Json(AssignmentOut::new(a, &roles)))
}
