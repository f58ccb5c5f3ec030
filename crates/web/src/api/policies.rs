//! `/api/v1/policies`: policies, their reviews, distributions and diffs.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::policy_dto::{
    DiffLineOut, DiffOut, DistributionIn, DistributionOut, PolicyIn, PolicyOut, ReviewIn,
    ReviewRecordOut, VersionOut,
};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use mandate_app::policies::{load_policy, visible_policies};
use mandate_core::PolicyId;
use mandate_core::policy::ReviewOutcome;
use mandate_core::timefmt::now;
use mandate_report::diff::LineKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn invalid(message: String) -> Problem {
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

async fn summary_of(
    state: &AppState,
    viewer: &Viewer,
    id: PolicyId,
) -> Result<mandate_store::PolicySummary, Problem> {
    visible_policies(&state.store, &viewer.caller())
        .await?
        .into_iter()
        .find(|s| s.policy.id == id)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no such policy"))
}

#[utoipa::path(get, operation_id = "policies_list", path = "/api/v1/policies", params(Paging), tag = "policies",
    responses((status = 200, body = Listing<PolicyOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<PolicyOut>>> {
    let today = now().date();
    let items = visible_policies(&state.store, &viewer.caller())
        .await?
        .into_iter()
        .map(|s| PolicyOut::from_summary(s, today))
        .collect();
    Ok(Json(page(items, &paging)?))
}

#[derive(Serialize, ToSchema)]
pub struct PolicyCreated {
    pub policy: PolicyOut,
    pub draft: Option<VersionOut>,
}

#[utoipa::path(post, operation_id = "policies_create", path = "/api/v1/policies", request_body = PolicyIn, tag = "policies",
    responses((status = 201, body = PolicyCreated), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<PolicyIn>,
) -> ApiResult<impl IntoResponse> {
    if input.version.is_some() {
        return Err(invalid("version: only sent when changing a policy".into()));
    }
    let fields = input.fields().map_err(invalid)?;
    let first = match (input.body, input.change_summary) {
        (Some(body), summary) => Some((
            viewer.user.id,
            body,
            summary.unwrap_or_else(|| "First version".into()),
        )),
        (None, Some(_)) => return Err(invalid("change_summary: only with a body".into())),
        (None, None) => None,
    };
    let (policy, draft) = state
        .store
        .create_policy(&viewer.actor(), viewer.user.org_id, fields, first)
        .await?;
    let top = policy.fields.kind == mandate_core::policy::PolicyKind::TopLevel;
    let summary = summary_of(&state, &viewer, policy.id).await?;
    let (settings, _) = state.store.org_settings(viewer.user.org_id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/policies/{}", policy.id))],
        Json(PolicyCreated {
            policy: PolicyOut::from_summary(summary, now().date()),
            draft: draft.map(|d| VersionOut::new(d, top, &settings.image_hosts)),
        }),
    ))
}

#[utoipa::path(get, operation_id = "policies_show", path = "/api/v1/policies/{id}", params(("id" = Uuid, Path)), tag = "policies",
    responses((status = 200, body = PolicyOut), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PolicyOut>> {
    let summary = summary_of(&state, &viewer, PolicyId(id)).await?;
    Ok(Json(PolicyOut::from_summary(summary, now().date())))
}

#[utoipa::path(put, operation_id = "policies_update", path = "/api/v1/policies/{id}", params(("id" = Uuid, Path)),
    request_body = PolicyIn, tag = "policies",
    responses((status = 200, body = PolicyOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<PolicyIn>,
) -> ApiResult<Json<PolicyOut>> {
    let Some(version) = input.version else {
        return Err(invalid("version: required, as last read".into()));
    };
    if input.body.is_some() || input.change_summary.is_some() {
        return Err(invalid(
            "body: the text changes through a draft version (POST /api/v1/policies/{id}/versions)"
                .into(),
        ));
    }
    let fields = input.fields().map_err(invalid)?;
    state
        .store
        .update_policy(
            &viewer.actor(),
            viewer.user.org_id,
            PolicyId(id),
            version,
            fields,
        )
        .await?;
    let summary = summary_of(&state, &viewer, PolicyId(id)).await?;
    Ok(Json(PolicyOut::from_summary(summary, now().date())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiffParams {
    /// The older version's number.
    pub from: i32,
    /// The newer version's number.
    pub to: i32,
}

#[utoipa::path(get, operation_id = "policies_diff", path = "/api/v1/policies/{id}/diff", params(("id" = Uuid, Path), DiffParams),
    tag = "policies", responses((status = 200, body = DiffOut), (status = 404, body = Problem)))]
pub async fn diff_versions(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(params): ApiQuery<DiffParams>,
) -> ApiResult<Json<DiffOut>> {
    let (_, _, d) = mandate_app::policies::version_diff(
        &state.store,
        &viewer.caller(),
        PolicyId(id),
        params.from,
        params.to,
    )
    .await?;
    let lines = d
        .lines
        .into_iter()
        .map(|l| DiffLineOut {
            kind: match l.kind {
                LineKind::Same => "same",
                LineKind::Added => "added",
                LineKind::Removed => "removed",
                LineKind::Fold => "fold",
            }
            .into(),
            old_line: l.old_line,
            new_line: l.new_line,
            text: l.segments.into_iter().map(|(_, s)| s).collect(),
        })
        .collect();
    Ok(Json(DiffOut {
        from: params.from,
        to: params.to,
        added: d.added,
        removed: d.removed,
        lines,
    }))
}

#[utoipa::path(get, operation_id = "policies_reviews", path = "/api/v1/policies/{id}/reviews", params(Paging, ("id" = Uuid, Path)),
    tag = "policies", responses((status = 200, body = Listing<ReviewRecordOut>), (status = 404, body = Problem)))]
pub async fn reviews(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<ReviewRecordOut>>> {
    load_policy(&state.store, &viewer.caller(), PolicyId(id)).await?;
    let reviews = state
        .store
        .policy_reviews(viewer.user.org_id, PolicyId(id))
        .await?;
    Ok(Json(page(
        reviews
            .into_iter()
            .map(|r| ReviewRecordOut::new(r, None))
            .collect(),
        &paging,
    )?))
}

#[utoipa::path(post, operation_id = "policies_review", path = "/api/v1/policies/{id}/reviews", params(("id" = Uuid, Path)),
    request_body = ReviewIn, tag = "policies",
    responses((status = 201, body = ReviewRecordOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ReviewIn>,
) -> ApiResult<impl IntoResponse> {
    let outcome: ReviewOutcome = input
        .outcome
        .parse()
        .map_err(|e| invalid(format!("outcome: {e}")))?;
    let (review, draft) = state
        .store
        .review_policy(
            &viewer.actor(),
            viewer.user.org_id,
            PolicyId(id),
            viewer.user.id,
            outcome,
            &input.note,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ReviewRecordOut::new(review, draft.map(|d| d.number))),
    ))
}

#[utoipa::path(get, operation_id = "policies_distributions", path = "/api/v1/policies/{id}/distributions",
    params(Paging, ("id" = Uuid, Path)), tag = "policies",
    responses((status = 200, body = Listing<DistributionOut>), (status = 404, body = Problem)))]
pub async fn distributions(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<DistributionOut>>> {
    load_policy(&state.store, &viewer.caller(), PolicyId(id)).await?;
    let list = state
        .store
        .distributions(viewer.user.org_id, PolicyId(id))
        .await?;
    Ok(Json(page(
        list.into_iter().map(DistributionOut::from).collect(),
        &paging,
    )?))
}

#[utoipa::path(post, operation_id = "policies_distribute", path = "/api/v1/policies/{id}/distributions",
    params(("id" = Uuid, Path)), request_body = DistributionIn, tag = "policies",
    responses((status = 201, body = DistributionOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn distribute(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<DistributionIn>,
) -> ApiResult<impl IntoResponse> {
    let d = state
        .store
        .record_distribution(
            &viewer.actor(),
            viewer.user.org_id,
            PolicyId(id),
            viewer.user.id,
            &input.party,
            &input.channel,
            input.distributed_on,
            &input.note,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(DistributionOut::from(d))))
}
