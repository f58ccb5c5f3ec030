//! `/api/v1/objectives` and `/api/v1/kpis`: information security objectives
//! with their status, and the KPIs that measure them.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::performance_dto::{
    KpiIn, KpiRecordOut, ObjectiveIn, ObjectiveOut, no_version_on_create, version_of_change,
};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_app::performance::PerformanceRecords;
use mandate_core::timefmt::now;
use mandate_core::{KpiId, ObjectiveId};
use uuid::Uuid;

/// Every objective with its status as of today.
async fn objectives_out(state: &AppState, viewer: &Viewer) -> Result<Vec<ObjectiveOut>, Problem> {
    let records = PerformanceRecords::load(&state.store, viewer.user.org_id).await?;
    let lines = records.objective_lines(now().date());
    Ok(records
        .objectives
        .iter()
        .filter_map(|o| {
            let line = lines.iter().find(|l| l.id == o.id)?;
            Some(ObjectiveOut::new(o, line))
        })
        .collect())
}

#[utoipa::path(get, operation_id = "objectives_list", path = "/api/v1/objectives", params(Paging), tag = "performance",
    responses((status = 200, body = Listing<ObjectiveOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<ObjectiveOut>>> {
    Ok(Json(page(objectives_out(&state, &viewer).await?, &paging)?))
}

#[utoipa::path(get, operation_id = "objectives_show", path = "/api/v1/objectives/{id}",
    params(("id" = Uuid, Path)), tag = "performance",
    responses((status = 200, body = ObjectiveOut), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ObjectiveOut>> {
    objectives_out(&state, &viewer)
        .await?
        .into_iter()
        .find(|o| o.id == id)
        .map(Json)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no such objective"))
}

async fn one(state: &AppState, viewer: &Viewer, id: ObjectiveId) -> ApiResult<Json<ObjectiveOut>> {
    objectives_out(state, viewer)
        .await?
        .into_iter()
        .find(|o| o.id == id.0)
        .map(Json)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no such objective"))
}

#[utoipa::path(post, operation_id = "objectives_create", path = "/api/v1/objectives",
    request_body = ObjectiveIn, tag = "performance",
    responses((status = 201, body = ObjectiveOut), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ObjectiveIn>,
) -> ApiResult<impl IntoResponse> {
    no_version_on_create(input.version, "an objective")?;
    let saved = state
        .store
        .save_objective(
            &viewer.actor(),
            viewer.user.org_id,
            None,
            None,
            input.fields(),
        )
        .await?;
    Ok((StatusCode::CREATED, one(&state, &viewer, saved.id).await?))
}

#[utoipa::path(put, operation_id = "objectives_update", path = "/api/v1/objectives/{id}",
    params(("id" = Uuid, Path)), request_body = ObjectiveIn, tag = "performance",
    responses((status = 200, body = ObjectiveOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ObjectiveIn>,
) -> ApiResult<Json<ObjectiveOut>> {
    let version = version_of_change(input.version)?;
    let saved = state
        .store
        .save_objective(
            &viewer.actor(),
            viewer.user.org_id,
            Some(ObjectiveId(id)),
            Some(version),
            input.fields(),
        )
        .await?;
    one(&state, &viewer, saved.id).await
}

#[utoipa::path(get, operation_id = "kpis_list", path = "/api/v1/kpis", params(Paging), tag = "performance",
    responses((status = 200, body = Listing<KpiRecordOut>)))]
pub async fn kpis(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<KpiRecordOut>>> {
    let all = state.store.kpis(viewer.user.org_id).await?;
    Ok(Json(page(
        all.into_iter().map(KpiRecordOut::from).collect(),
        &paging,
    )?))
}

#[utoipa::path(post, operation_id = "kpis_create", path = "/api/v1/kpis",
    request_body = KpiIn, tag = "performance",
    responses((status = 201, body = KpiRecordOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_kpi(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<KpiIn>,
) -> ApiResult<impl IntoResponse> {
    no_version_on_create(input.version, "a KPI")?;
    let kpi = state
        .store
        .save_kpi(
            &viewer.actor(),
            viewer.user.org_id,
            None,
            None,
            input.fields()?,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(KpiRecordOut::from(kpi))))
}

#[utoipa::path(put, operation_id = "kpis_update", path = "/api/v1/kpis/{id}",
    params(("id" = Uuid, Path)), request_body = KpiIn, tag = "performance",
    responses((status = 200, body = KpiRecordOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_kpi(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<KpiIn>,
) -> ApiResult<Json<KpiRecordOut>> {
    let version = version_of_change(input.version)?;
    let kpi = state
        .store
        .save_kpi(
            &viewer.actor(),
            viewer.user.org_id,
            Some(KpiId(id)),
            Some(version),
            input.fields()?,
        )
        .await?;
    Ok(Json(KpiRecordOut::from(kpi)))
}
