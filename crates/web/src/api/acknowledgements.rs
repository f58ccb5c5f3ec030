//! `/api/v1/acknowledgements` and `/api/v1/me/acknowledgements`: a person
//! accepts or declines (with a reason) the published version addressed to
//! them, naming the SHA-256 of the text they were shown.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use mandate_core::VersionId;
use mandate_core::acknowledgement::{AckAnswer, AckRequest};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct AcknowledgementOut {
    pub version_id: Uuid,
    pub policy_id: Uuid,
    pub person_id: Uuid,
    /// `owed`, `accepted`, `declined`, `carried_over` or `released`.
    pub state: String,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    pub owed_since: OffsetDateTime,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    pub overdue: bool,
    /// The SHA-256 of the text shown when it was answered.
    pub text_sha256: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    pub reason: String,
}

impl AcknowledgementOut {
    pub fn new(r: &AckRequest, today: Date) -> Self {
        Self {
            version_id: r.version_id.0,
            policy_id: r.policy_id.0,
            person_id: r.person_id.0,
            state: r.state.as_str().into(),
            owed_since: r.owed_since,
            due_on: r.due_on,
            overdue: r.overdue_on(today),
            text_sha256: r.text_sha256.clone(),
            answered_at: r.answered_at,
            reason: r.reason.clone(),
        }
    }
}

#[utoipa::path(get, operation_id = "me_acknowledgements", path = "/api/v1/me/acknowledgements", params(Paging),
    tag = "acknowledgements", responses((status = 200, body = Listing<AcknowledgementOut>)))]
pub async fn mine(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<AcknowledgementOut>>> {
    let today = mandate_core::timefmt::now().date();
    let all = state
        .store
        .acknowledgements_of_person(viewer.user.org_id, viewer.user.person_id)
        .await?;
    Ok(Json(page(
        all.iter()
            .map(|r| AcknowledgementOut::new(r, today))
            .collect(),
        &paging,
    )?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptIn {
    /// The SHA-256 of the text you were shown (the version's `text_sha256`).
    pub text_sha256: String,
}

#[utoipa::path(post, operation_id = "acknowledgements_accept", path = "/api/v1/acknowledgements/{version_id}/accept",
    params(("version_id" = Uuid, Path)), request_body = AcceptIn, tag = "acknowledgements",
    responses((status = 200, body = AcknowledgementOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn accept(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(version): ApiPath<Uuid>,
    ApiJson(input): ApiJson<AcceptIn>,
) -> ApiResult<Json<AcknowledgementOut>> {
    let kept = state
        .acknowledgements
        .answer_as(
            &viewer.caller(),
            VersionId(version),
            AckAnswer::Accept,
            input.text_sha256,
        )
        .await?;
    Ok(Json(AcknowledgementOut::new(
        &kept,
        mandate_core::timefmt::now().date(),
    )))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgementDeclineIn {
    pub text_sha256: String,
    /// Why: the ISMS manager reads it.
    pub reason: String,
}

#[utoipa::path(post, operation_id = "acknowledgements_decline", path = "/api/v1/acknowledgements/{version_id}/decline",
    params(("version_id" = Uuid, Path)), request_body = AcknowledgementDeclineIn, tag = "acknowledgements",
    responses((status = 200, body = AcknowledgementOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn decline(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(version): ApiPath<Uuid>,
    ApiJson(input): ApiJson<AcknowledgementDeclineIn>,
) -> ApiResult<Json<AcknowledgementOut>> {
    let kept = state
        .acknowledgements
        .answer_as(
            &viewer.caller(),
            VersionId(version),
            AckAnswer::Decline {
                reason: input.reason,
            },
            input.text_sha256,
        )
        .await?;
    Ok(Json(AcknowledgementOut::new(
        &kept,
        mandate_core::timefmt::now().date(),
    )))
}
