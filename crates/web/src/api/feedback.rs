//! `/api/v1/feedback` (5.1 g, A.6.8): staff give feedback, named or
//! through the confidential channel; the ISMS manager reads and handles it.
//! A confidential submission is kept without its author, whoever sends it,
//! and reaches the records with the next day's batch (see the store's
//! `file_confidential_feedback`); the answer is the record it will be.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::performance_dto::choice;
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_app::commitment::submit_feedback;
use mandate_core::commitment::feedback::{
    Feedback, FeedbackKind, FeedbackStatus, FeedbackSubmission, Handling,
};
use mandate_core::{FeedbackId, ImprovementId};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackIn {
    /// `suggestion` or `concern`.
    pub kind: String,
    pub subject: String,
    pub text: String,
    /// Through the confidential channel: nothing kept names you, and it
    /// reaches the ISMS team with the next day's batch.
    #[serde(default)]
    pub confidential: bool,
}

impl FeedbackIn {
    pub fn submission(&self) -> Result<FeedbackSubmission, Problem> {
        FeedbackSubmission {
            kind: choice("kind", &self.kind, FeedbackKind::ALL, FeedbackKind::as_str)?,
            subject: self.subject.clone(),
            text: self.text.clone(),
        }
        .validated()
        .map_err(super::performance_dto::invalid)
    }
}

#[derive(Serialize, ToSchema)]
pub struct FeedbackOut {
    pub id: Uuid,
    pub kind: String,
    pub subject: String,
    pub text: String,
    pub confidential: bool,
    /// Absent for the confidential channel.
    pub author_id: Option<Uuid>,
    #[schema(value_type = String, format = Date)]
    pub received_on: Date,
    /// `new`, `acknowledged`, `acted_on` or `closed`.
    pub status: String,
    pub response: String,
    pub improvement_id: Option<Uuid>,
    pub version: i64,
}

impl From<&Feedback> for FeedbackOut {
    fn from(f: &Feedback) -> Self {
        Self {
            id: f.id.0,
            kind: f.submission.kind.as_str().into(),
            subject: f.submission.subject.clone(),
            text: f.submission.text.clone(),
            confidential: f.confidential,
            author_id: f.author_id.map(|a| a.0),
            received_on: f.received_on,
            status: f.status.as_str().into(),
            response: f.response.clone(),
            improvement_id: f.improvement_id.map(|i| i.0),
            version: f.version,
        }
    }
}

#[utoipa::path(post, operation_id = "feedback_submit", path = "/api/v1/feedback", request_body = FeedbackIn,
    tag = "commitment", responses((status = 201, body = FeedbackOut), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<FeedbackIn>,
) -> ApiResult<impl IntoResponse> {
    let kept = submit_feedback(
        &state.store,
        &viewer.caller(),
        input.submission()?,
        input.confidential,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(FeedbackOut::from(&kept))))
}

#[utoipa::path(get, operation_id = "feedback_list", path = "/api/v1/feedback", params(Paging),
    tag = "commitment", responses((status = 200, body = Listing<FeedbackOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<FeedbackOut>>> {
    let all = state.store.feedback(viewer.user.org_id).await?;
    let out = all.iter().map(FeedbackOut::from).collect();
    Ok(Json(page(out, &paging)?))
}

#[utoipa::path(get, operation_id = "feedback_mine", path = "/api/v1/me/feedback", params(Paging), tag = "commitment",
    responses((status = 200, body = Listing<FeedbackOut>)))]
pub async fn mine(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<FeedbackOut>>> {
    let all = state.store.feedback(viewer.user.org_id).await?;
    Ok(Json(page(
        all.iter()
            .filter(|f| f.author_id == Some(viewer.user.person_id))
            .map(FeedbackOut::from)
            .collect(),
        &paging,
    )?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandleIn {
    /// `acknowledged`, `acted_on` or `closed`.
    pub status: String,
    #[serde(default)]
    pub response: String,
    /// For `acted_on`: the improvement it became.
    #[serde(default)]
    pub improvement_id: Option<Uuid>,
    pub version: i64,
}

#[utoipa::path(put, operation_id = "feedback_handle", path = "/api/v1/feedback/{id}", params(("id" = Uuid, Path)),
    request_body = HandleIn, tag = "commitment",
    responses((status = 200, body = FeedbackOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn handle(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<HandleIn>,
) -> ApiResult<Json<FeedbackOut>> {
    let status = choice(
        "status",
        &input.status,
        FeedbackStatus::ALL,
        FeedbackStatus::as_str,
    )?;
    let saved = state
        .store
        .handle_feedback(
            &viewer.actor(),
            viewer.user.org_id,
            FeedbackId(id),
            Some(input.version),
            Handling {
                status,
                response: input.response,
                improvement_id: input.improvement_id.map(ImprovementId),
            },
        )
        .await?;
    Ok(Json(FeedbackOut::from(&saved)))
}
