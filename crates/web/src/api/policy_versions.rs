//! `/api/v1/policies/{id}/versions`: drafts, their edits and the workflow
//! steps (submit, withdraw, decide, publish, retire).

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::policy_dto::{
    DecisionIn, DecisionResult, DraftIn, DraftUpdate, SubmitIn, VersionDecisionOut,
    VersionListItem, VersionOut,
};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use mandate_app::policies::{self, load_policy, load_version, may_see};
use mandate_core::PolicyId;
use mandate_core::policy::{Action, PolicyKind, PolicyVersion, Verdict};
use uuid::Uuid;

async fn shown(state: &AppState, viewer: &Viewer, v: PolicyVersion) -> Result<VersionOut, Problem> {
    let policy = load_policy(&state.store, &viewer.caller(), v.policy_id).await?;
    let (settings, _) = state.store.org_settings(viewer.user.org_id).await?;
    Ok(VersionOut::new(
        v,
        policy.fields.kind == PolicyKind::TopLevel,
        &settings.image_hosts,
    ))
}

#[utoipa::path(get, operation_id = "policy_versions_list", path = "/api/v1/policies/{id}/versions", params(Paging, ("id" = Uuid, Path)),
    tag = "policies", responses((status = 200, body = Listing<VersionListItem>), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<VersionListItem>>> {
    load_policy(&state.store, &viewer.caller(), PolicyId(id)).await?;
    let versions = state
        .store
        .policy_versions(viewer.user.org_id, PolicyId(id))
        .await?;
    Ok(Json(page(
        versions
            .iter()
            .filter(|v| may_see(&viewer.caller(), v))
            .map(VersionListItem::from)
            .collect(),
        &paging,
    )?))
}

#[utoipa::path(post, operation_id = "policy_versions_create", path = "/api/v1/policies/{id}/versions", params(("id" = Uuid, Path)),
    request_body = DraftIn, tag = "policies",
    responses((status = 201, body = VersionOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<DraftIn>,
) -> ApiResult<impl IntoResponse> {
    let draft = state
        .store
        .create_draft(
            &viewer.actor(),
            viewer.user.org_id,
            PolicyId(id),
            viewer.user.id,
            &input.body,
            &input.change_summary,
        )
        .await?;
    let location = format!("/api/v1/policies/{id}/versions/{}", draft.number);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(shown(&state, &viewer, draft).await?),
    ))
}

#[utoipa::path(get, operation_id = "policy_versions_show", path = "/api/v1/policies/{id}/versions/{number}",
    params(("id" = Uuid, Path), ("number" = i32, Path)), tag = "policies",
    responses((status = 200, body = VersionOut), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, number)): ApiPath<(Uuid, i32)>,
) -> ApiResult<Json<VersionOut>> {
    let v = load_version(&state.store, &viewer.caller(), PolicyId(id), number).await?;
    Ok(Json(shown(&state, &viewer, v).await?))
}

#[utoipa::path(put, operation_id = "policy_versions_update", path = "/api/v1/policies/{id}/versions/{number}",
    params(("id" = Uuid, Path), ("number" = i32, Path)), request_body = DraftUpdate, tag = "policies",
    responses((status = 200, body = VersionOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, number)): ApiPath<(Uuid, i32)>,
    ApiJson(input): ApiJson<DraftUpdate>,
) -> ApiResult<Json<VersionOut>> {
    let v = state
        .store
        .edit_draft(
            &viewer.actor(),
            viewer.user.org_id,
            PolicyId(id),
            number,
            viewer.user.id,
            input.version,
            &input.body,
            &input.change_summary,
            input.material_change,
        )
        .await?;
    Ok(Json(shown(&state, &viewer, v).await?))
}

#[utoipa::path(post, operation_id = "policy_versions_submit", path = "/api/v1/policies/{id}/versions/{number}/submit",
    params(("id" = Uuid, Path), ("number" = i32, Path)), request_body = SubmitIn, tag = "policies",
    responses((status = 200, body = VersionOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, description = "A top-level version lacks a 5.2 element and was not confirmed", body = Problem)))]
pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, number)): ApiPath<(Uuid, i32)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<VersionOut>> {
    // The body is optional: an empty one means no confirmation.
    let input: SubmitIn = if body.iter().all(u8::is_ascii_whitespace) {
        SubmitIn::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                format!("the JSON body is not valid: {e}"),
            )
        })?
    };
    let confirm = input.confirm_missing_elements;
    let v = policies::submit(
        &state.store,
        &viewer.caller(),
        PolicyId(id),
        number,
        confirm,
    )
    .await?;
    Ok(Json(shown(&state, &viewer, v).await?))
}

async fn step(
    state: AppState,
    viewer: Viewer,
    id: Uuid,
    number: i32,
    action: Action,
) -> ApiResult<Json<VersionOut>> {
    let v = state
        .store
        .step_version(
            &viewer.actor(),
            viewer.user.org_id,
            PolicyId(id),
            number,
            action,
        )
        .await?;
    Ok(Json(shown(&state, &viewer, v).await?))
}

#[utoipa::path(post, operation_id = "policy_versions_withdraw", path = "/api/v1/policies/{id}/versions/{number}/withdraw",
    params(("id" = Uuid, Path), ("number" = i32, Path)), tag = "policies",
    responses((status = 200, body = VersionOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, number)): ApiPath<(Uuid, i32)>,
) -> ApiResult<Json<VersionOut>> {
    step(state, viewer, id, number, Action::Withdraw).await
}

#[utoipa::path(post, operation_id = "policy_versions_publish", path = "/api/v1/policies/{id}/versions/{number}/publish",
    params(("id" = Uuid, Path), ("number" = i32, Path)), tag = "policies",
    responses((status = 200, body = VersionOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, number)): ApiPath<(Uuid, i32)>,
) -> ApiResult<Json<VersionOut>> {
    step(state, viewer, id, number, Action::Publish).await
}

#[utoipa::path(post, operation_id = "policy_versions_retire", path = "/api/v1/policies/{id}/versions/{number}/retire",
    params(("id" = Uuid, Path), ("number" = i32, Path)), tag = "policies",
    responses((status = 200, body = VersionOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn retire(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, number)): ApiPath<(Uuid, i32)>,
) -> ApiResult<Json<VersionOut>> {
    step(state, viewer, id, number, Action::Retire).await
}

#[utoipa::path(get, operation_id = "policy_versions_decisions", path = "/api/v1/policies/{id}/versions/{number}/decisions",
    params(Paging, ("id" = Uuid, Path), ("number" = i32, Path)), tag = "policies",
    responses((status = 200, body = Listing<VersionDecisionOut>), (status = 404, body = Problem)))]
pub async fn decisions(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, number)): ApiPath<(Uuid, i32)>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<VersionDecisionOut>>> {
    let v = load_version(&state.store, &viewer.caller(), PolicyId(id), number).await?;
    let list = state
        .store
        .version_decisions(viewer.user.org_id, v.id)
        .await?;
    Ok(Json(page(
        list.into_iter().map(VersionDecisionOut::from).collect(),
        &paging,
    )?))
}

#[utoipa::path(post, operation_id = "policy_versions_decide", path = "/api/v1/policies/{id}/versions/{number}/decisions",
    params(("id" = Uuid, Path), ("number" = i32, Path)), request_body = DecisionIn, tag = "policies",
    responses((status = 200, body = DecisionResult),
        (status = 403, description = "No authority, or the approver wrote the version", body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, number)): ApiPath<(Uuid, i32)>,
    ApiJson(input): ApiJson<DecisionIn>,
) -> ApiResult<Json<DecisionResult>> {
    let verdict: Verdict = input
        .verdict
        .parse()
        .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, format!("verdict: {e}")))?;
    let (v, status) = policies::decide(
        &state.store,
        &viewer.caller(),
        PolicyId(id),
        number,
        verdict,
        &input.comment,
        input.version,
    )
    .await?;
    Ok(Json(DecisionResult::new(
        shown(&state, &viewer, v).await?,
        status,
    )))
}
