//! `/api/v1/people`: the people register.

use super::dto::{EndEmployment, PeoplePage, PersonIn, PersonOut, PersonUpdate};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::page_size;
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use mandate_app::people::{self, PersonInput, new_person};
use mandate_core::PersonId;
use mandate_store::PeopleQuery;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Part of a name or email, any case.
    pub search: Option<String>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1 to 500; 50 by default.
    pub limit: Option<u32>,
}

#[utoipa::path(get, operation_id = "people_list", path = "/api/v1/people", params(ListParams), tag = "people",
    responses((status = 200, body = PeoplePage), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(params): ApiQuery<ListParams>,
) -> ApiResult<Json<PeoplePage>> {
    let query = PeopleQuery {
        search: params.search,
        cursor: params.cursor,
        limit: page_size(params.limit)?,
        area_of: mandate_app::people::manager_of_area(&viewer.caller()),
    };
    let page = state
        .store
        .people_page(viewer.user.org_id, &query)
        .await
        .map_err(|e| match e {
            mandate_store::StoreError::Invalid(m) => Problem::new(StatusCode::BAD_REQUEST, m),
            other => other.into(),
        })?;
    Ok(Json(PeoplePage {
        items: page.items.into_iter().map(PersonOut::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(post, operation_id = "people_create", path = "/api/v1/people", request_body = PersonIn, tag = "people",
    responses((status = 201, body = PersonOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<PersonIn>,
) -> ApiResult<impl IntoResponse> {
    let new = new_person(PersonInput {
        name: &input.name,
        email: &input.email,
        department: input.department.as_deref(),
        manager_id: input.manager_id,
        kind: input.kind.as_deref(),
        start_date: input.start_date,
        end_date: input.end_date,
    })?;
    let person = state
        .store
        .create_person(&viewer.actor(), viewer.user.org_id, &new)
        .await?;
    let location = format!("/api/v1/people/{}", person.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(PersonOut::from(person)),
    ))
}

#[utoipa::path(get, operation_id = "people_show", path = "/api/v1/people/{id}", params(("id" = Uuid, Path)), tag = "people",
    responses((status = 200, body = PersonOut), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PersonOut>> {
    let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
    let person = state.store.person(viewer.user.org_id, PersonId(id)).await?;
    person
        .filter(|p| area.contains(p.id))
        .map(|p| Json(PersonOut::from(p)))
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no such person"))
}

#[utoipa::path(put, operation_id = "people_update", path = "/api/v1/people/{id}", params(("id" = Uuid, Path)), request_body = PersonUpdate,
    tag = "people",
    responses((status = 200, body = PersonOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<PersonUpdate>,
) -> ApiResult<Json<PersonOut>> {
    let changes = new_person(PersonInput {
        name: &input.name,
        email: &input.email,
        department: input.department.as_deref(),
        manager_id: input.manager_id,
        kind: input.kind.as_deref(),
        start_date: input.start_date,
        end_date: input.end_date,
    })?;
    let person = mandate_app::people::update_person(
        &state.store,
        &viewer.caller(),
        PersonId(id),
        input.version,
        &changes,
    )
    .await?;
    Ok(Json(PersonOut::from(person)))
}

#[utoipa::path(post, operation_id = "people_end_employment", path = "/api/v1/people/{id}/end-employment", params(("id" = Uuid, Path)),
    request_body = EndEmployment, tag = "people",
    responses((status = 200, body = PersonOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn end_employment(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<EndEmployment>,
) -> ApiResult<Json<PersonOut>> {
    let person = people::end_employment(
        &state.store,
        &viewer.caller(),
        PersonId(id),
        input.version,
        input.end_date,
    )
    .await?;
    Ok(Json(PersonOut::from(person)))
}
