//! `/api/v1/delegations`: tasks of a role handed to a person or a supplier.

use super::extract::{ApiJson, ApiQuery};
use super::listing::{Listing, Paging, page};
use crate::auth::Viewer;
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_core::PersonId;
use mandate_core::roles::{Delegation, DelegationTerms};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DelegationIn {
    /// The holder's assignment the task comes from; the holder stays accountable.
    pub assignment_id: Uuid,
    pub task: String,
    /// A person of the register, or...
    #[serde(default)]
    pub delegate_id: Option<Uuid>,
    /// ...a supplier by name.
    #[serde(default)]
    pub supplier: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<Date>,
}

#[derive(Serialize, ToSchema)]
pub struct DelegationOut {
    pub id: Uuid,
    pub assignment_id: Uuid,
    pub task: String,
    pub delegate_id: Option<Uuid>,
    pub supplier: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<Date>,
}

impl From<Delegation> for DelegationOut {
    fn from(d: Delegation) -> Self {
        Self {
            id: d.id,
            assignment_id: d.terms.assignment_id,
            task: d.terms.task,
            delegate_id: d.terms.delegate_id.map(|p| p.0),
            supplier: d.terms.supplier,
            starts_on: d.terms.starts_on,
            ends_on: d.terms.ends_on,
        }
    }
}

#[utoipa::path(get, operation_id = "delegations_list", path = "/api/v1/delegations", params(Paging), tag = "roles",
    responses((status = 200, body = Listing<DelegationOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<DelegationOut>>> {
    let all = state.store.delegations(viewer.user.org_id).await?;
    Ok(Json(page(
        all.into_iter().map(DelegationOut::from).collect(),
        &paging,
    )?))
}

#[utoipa::path(post, operation_id = "delegations_create", path = "/api/v1/delegations", request_body = DelegationIn, tag = "roles",
    responses((status = 201, body = DelegationOut), (status = 422, body = crate::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<DelegationIn>,
) -> ApiResult<impl IntoResponse> {
    let terms = DelegationTerms {
        assignment_id: input.assignment_id,
        task: input.task,
        delegate_id: input.delegate_id.map(PersonId),
        supplier: input.supplier,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
    };
    let d = state
        .store
        .delegate(&viewer.actor(), viewer.user.org_id, viewer.user.id, terms)
        .await?;
    Ok((StatusCode::CREATED, Json(DelegationOut::from(d))))
}
