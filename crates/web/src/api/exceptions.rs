//! Exceptions to policies: `/api/v1/policies/{id}/exceptions` to ask for
//! one, `/api/v1/exceptions` to list and decide them.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::policy_dto::{DecisionIn, ExceptionIn, ExceptionOut, ExtensionIn};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use mandate_app::policies::{self, load_policy};
use mandate_core::policy::{ExceptionRequest, Verdict};
use mandate_core::timefmt::now;
use mandate_core::{ExceptionId, PolicyId};
use uuid::Uuid;

#[utoipa::path(get, operation_id = "exceptions_list", path = "/api/v1/exceptions", params(Paging), tag = "exceptions",
    responses((status = 200, body = Listing<ExceptionOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<ExceptionOut>>> {
    let today = now().date();
    let all = state.store.exceptions(viewer.user.org_id, None).await?;
    Ok(Json(page(
        all.into_iter()
            .filter(|e| policies::may_read_exception(&viewer.caller(), e))
            .map(|e| ExceptionOut::new(e, today))
            .collect(),
        &paging,
    )?))
}

#[utoipa::path(get, operation_id = "policy_exceptions_list", path = "/api/v1/policies/{id}/exceptions",
    params(Paging, ("id" = Uuid, Path)), tag = "exceptions",
    responses((status = 200, body = Listing<ExceptionOut>), (status = 404, body = Problem)))]
pub async fn of_policy(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<ExceptionOut>>> {
    load_policy(&state.store, &viewer.caller(), PolicyId(id)).await?;
    let today = now().date();
    let all = state
        .store
        .exceptions(viewer.user.org_id, Some(PolicyId(id)))
        .await?;
    Ok(Json(page(
        all.into_iter()
            .map(|e| ExceptionOut::new(e, today))
            .collect(),
        &paging,
    )?))
}

#[utoipa::path(post, operation_id = "policy_exceptions_create", path = "/api/v1/policies/{id}/exceptions",
    params(("id" = Uuid, Path)), request_body = ExceptionIn, tag = "exceptions",
    responses((status = 201, body = ExceptionOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ExceptionIn>,
) -> ApiResult<impl IntoResponse> {
    // Only against a policy the requester may read.
    load_policy(&state.store, &viewer.caller(), PolicyId(id)).await?;
    let today = now().date();
    let request = ExceptionRequest {
        clause: input.clause,
        justification: input.justification,
        risk: input.risk,
        compensating_controls: input.compensating_controls,
        expires_on: input.expires_on,
        waiver: input.waiver.map(|w| mandate_core::policy::RoleWaiver {
            person_id: mandate_core::PersonId(w.person_id),
            role_ids: (w.role_ids[0], w.role_ids[1]),
        }),
    };
    let e = state
        .store
        .request_exception(
            &viewer.actor(),
            viewer.user.org_id,
            PolicyId(id),
            viewer.user.id,
            request,
            today,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/exceptions/{}", e.id))],
        Json(ExceptionOut::new(e, today)),
    ))
}

#[utoipa::path(get, operation_id = "exceptions_show", path = "/api/v1/exceptions/{id}", params(("id" = Uuid, Path)),
    tag = "exceptions", responses((status = 200, body = ExceptionOut), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ExceptionOut>> {
    let e = state
        .store
        .exception(viewer.user.org_id, ExceptionId(id))
        .await?
        .filter(|e| policies::may_read_exception(&viewer.caller(), e))
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no such exception"))?;
    Ok(Json(ExceptionOut::new(e, now().date())))
}

#[utoipa::path(post, operation_id = "exceptions_decide", path = "/api/v1/exceptions/{id}/decisions", params(("id" = Uuid, Path)),
    request_body = DecisionIn, tag = "exceptions",
    responses((status = 200, body = ExceptionOut),
        (status = 403, description = "No authority, or the approver asked for the exception", body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<DecisionIn>,
) -> ApiResult<Json<ExceptionOut>> {
    let verdict: Verdict = input
        .verdict
        .parse()
        .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, format!("verdict: {e}")))?;
    let e = policies::decide_exception(
        &state.store,
        &viewer.caller(),
        ExceptionId(id),
        verdict,
        &input.comment,
    )
    .await?;
    Ok(Json(ExceptionOut::new(e, now().date())))
}

#[utoipa::path(post, operation_id = "exceptions_extend", path = "/api/v1/exceptions/{id}/extension", params(("id" = Uuid, Path)),
    request_body = ExtensionIn, tag = "exceptions",
    responses((status = 200, body = ExceptionOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn extend(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ExtensionIn>,
) -> ApiResult<Json<ExceptionOut>> {
    let e = policies::extend_exception(
        &state.store,
        &viewer.caller(),
        ExceptionId(id),
        input.expires_on,
    )
    .await?;
    Ok(Json(ExceptionOut::new(e, now().date())))
}

#[utoipa::path(post, operation_id = "exceptions_close", path = "/api/v1/exceptions/{id}/close", params(("id" = Uuid, Path)),
    tag = "exceptions", responses((status = 200, body = ExceptionOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ExceptionOut>> {
    let e = policies::close_exception(&state.store, &viewer.caller(), ExceptionId(id)).await?;
    Ok(Json(ExceptionOut::new(e, now().date())))
}
