//! Management reviews: `/api/v1/review-programme` (cadence and where the
//! organisation stands), `/api/v1/reviews` to plan, prepare (compile the
//! pack from live records), hold (freeze it with the minutes) and approve.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::performance_dto::{choice, no_version_on_create, version_of_change};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mandate_app::performance::{prepare_review, schedule, top_management_on};
use mandate_core::performance::{
    DecisionKind, ManagementReview, ManualInputs, ReviewDecision, ReviewHeld, ReviewSchedule,
};
use mandate_core::timefmt::now;
use mandate_core::{PersonId, ReviewId};
use mandate_store::ReviewPlan;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct ProgrammeOut {
    /// Reviews are due this many months apart (1 to 12; quarterly by default).
    pub cadence_months: u8,
    #[schema(value_type = Option<String>, format = Date)]
    pub last_held: Option<Date>,
    #[schema(value_type = String, format = Date)]
    pub next_due: Date,
    pub overdue: bool,
    /// Reviews held later than the cadence asked.
    pub late_reviews: usize,
    /// No review held in the last twelve months.
    pub none_within_a_year: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeIn {
    pub cadence_months: u8,
}

impl From<ReviewSchedule> for ProgrammeOut {
    fn from(s: ReviewSchedule) -> Self {
        Self {
            cadence_months: s.cadence_months,
            last_held: s.last_held,
            next_due: s.next_due,
            overdue: s.overdue,
            late_reviews: s.late_reviews,
            none_within_a_year: s.none_within_a_year,
        }
    }
}

#[utoipa::path(get, operation_id = "review_programme_show", path = "/api/v1/review-programme",
    tag = "reviews", responses((status = 200, body = ProgrammeOut)))]
pub async fn programme(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<ProgrammeOut>> {
    Ok(Json(
        schedule(&state.store, viewer.user.org_id, now().date())
            .await?
            .into(),
    ))
}

#[utoipa::path(put, operation_id = "review_programme_update", path = "/api/v1/review-programme",
    request_body = ProgrammeIn, tag = "reviews",
    responses((status = 200, body = ProgrammeOut), (status = 422, body = Problem)))]
pub async fn set_programme(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ProgrammeIn>,
) -> ApiResult<Json<ProgrammeOut>> {
    state
        .store
        .set_review_cadence(&viewer.actor(), viewer.user.org_id, input.cadence_months)
        .await?;
    Ok(Json(
        schedule(&state.store, viewer.user.org_id, now().date())
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct AttendeeOut {
    pub id: Uuid,
    pub name: String,
    /// Held a top-management role on the day of the review.
    pub top_management: bool,
}

#[derive(Serialize, ToSchema)]
pub struct InputOut {
    /// `earlier_actions`, `context_changes`, `objective_performance`,
    /// `nonconformities`, `audit_results`, `risk_results`,
    /// `interested_party_feedback` or `improvement`.
    pub input: String,
    pub label: String,
    pub covered: bool,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct DecisionOut {
    /// `improvement`, `change_to_isms`, `resources` or `other`.
    pub kind: String,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    pub id: Uuid,
    pub title: String,
    #[schema(value_type = String, format = Date)]
    pub planned_on: Date,
    /// `planned`, `prepared`, `held` or `approved`.
    pub state: String,
    pub chair_id: Uuid,
    pub attendees: Vec<AttendeeOut>,
    pub context_changes: String,
    pub audit_results: String,
    pub risk_results: String,
    pub interested_party_feedback: String,
    pub opportunities: String,
    /// Whether each required input is covered.
    pub inputs: Vec<InputOut>,
    /// The compiled inputs; frozen once the review is held.
    #[schema(value_type = Option<Object>)]
    pub pack: Option<serde_json::Value>,
    /// SHA-256 of the pack as stored; the hold event in the audit log carries it.
    pub pack_sha256: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub held_on: Option<Date>,
    pub minutes: String,
    pub decisions: Vec<DecisionOut>,
    pub approved_by: Option<Uuid>,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    pub approved_at: Option<time::OffsetDateTime>,
    pub version: i64,
}

async fn review_out(
    state: &AppState,
    viewer: &Viewer,
    r: ManagementReview,
) -> ApiResult<ReviewOut> {
    let org = viewer.user.org_id;
    let day = r.held_on.unwrap_or(r.planned_on);
    let top = top_management_on(&state.store, org, day).await?;
    let names = state.store.person_names(org, r.attendees.clone()).await?;
    let state_name = serde_json::to_value(r.state())
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    Ok(ReviewOut {
        id: r.id.0,
        title: r.title.clone(),
        planned_on: r.planned_on,
        state: state_name,
        chair_id: r.chair_id.0,
        attendees: r
            .attendees
            .iter()
            .map(|p| AttendeeOut {
                id: p.0,
                name: names.get(p).cloned().unwrap_or_default(),
                top_management: top.contains(p),
            })
            .collect(),
        inputs: r
            .coverage()
            .into_iter()
            .map(|(input, covered)| InputOut {
                input: serde_json::to_value(input)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                label: input.label().into(),
                covered,
            })
            .collect(),
        context_changes: r.manual.context_changes,
        audit_results: r.manual.audit_results,
        risk_results: r.manual.risk_results,
        interested_party_feedback: r.manual.interested_party_feedback,
        opportunities: r.manual.opportunities,
        pack: r.pack.as_ref().and_then(|p| serde_json::to_value(p).ok()),
        pack_sha256: r.pack.as_ref().map(|p| p.digest()),
        held_on: r.held_on,
        minutes: r.minutes,
        decisions: r
            .decisions
            .into_iter()
            .map(|d| DecisionOut {
                kind: d.kind.as_str().into(),
                text: d.text,
            })
            .collect(),
        approved_by: r.approved_by.map(|u| u.0),
        approved_at: r.approved_at,
        version: r.version,
    })
}

#[utoipa::path(get, operation_id = "reviews_list", path = "/api/v1/reviews", params(Paging), tag = "reviews",
    responses((status = 200, body = Listing<ReviewOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<ReviewOut>>> {
    let mut out = Vec::new();
    for r in state.store.management_reviews(viewer.user.org_id).await? {
        out.push(review_out(&state, &viewer, r).await?);
    }
    Ok(Json(page(out, &paging)?))
}

#[utoipa::path(get, operation_id = "reviews_show", path = "/api/v1/reviews/{id}",
    params(("id" = Uuid, Path)), tag = "reviews",
    responses((status = 200, body = ReviewOut), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ReviewOut>> {
    let r = state
        .store
        .management_review(viewer.user.org_id, ReviewId(id))
        .await?;
    Ok(Json(review_out(&state, &viewer, r).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewPlanIn {
    pub title: String,
    #[schema(value_type = String, format = Date)]
    pub planned_on: Date,
    /// Chairs the review and approves its minutes.
    pub chair_id: Uuid,
    #[serde(default)]
    pub attendees: Vec<Uuid>,
    #[serde(default)]
    pub context_changes: String,
    #[serde(default)]
    pub audit_results: String,
    #[serde(default)]
    pub risk_results: String,
    #[serde(default)]
    pub interested_party_feedback: String,
    #[serde(default)]
    pub opportunities: String,
    /// On change: the version as last read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ReviewPlanIn {
    fn plan(self) -> ReviewPlan {
        ReviewPlan {
            title: self.title,
            planned_on: self.planned_on,
            chair_id: PersonId(self.chair_id),
            attendees: self.attendees.into_iter().map(PersonId).collect(),
            manual: ManualInputs {
                context_changes: self.context_changes,
                audit_results: self.audit_results,
                risk_results: self.risk_results,
                interested_party_feedback: self.interested_party_feedback,
                opportunities: self.opportunities,
            },
        }
    }
}

#[utoipa::path(post, operation_id = "reviews_create", path = "/api/v1/reviews",
    request_body = ReviewPlanIn, tag = "reviews",
    responses((status = 201, body = ReviewOut), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ReviewPlanIn>,
) -> ApiResult<impl IntoResponse> {
    no_version_on_create(input.version, "a review")?;
    let r = state
        .store
        .save_review_plan(
            &viewer.actor(),
            viewer.user.org_id,
            None,
            None,
            input.plan(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(review_out(&state, &viewer, r).await?),
    ))
}

#[utoipa::path(put, operation_id = "reviews_update", path = "/api/v1/reviews/{id}",
    params(("id" = Uuid, Path)), request_body = ReviewPlanIn, tag = "reviews",
    responses((status = 200, body = ReviewOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ReviewPlanIn>,
) -> ApiResult<Json<ReviewOut>> {
    let version = version_of_change(input.version)?;
    let r = state
        .store
        .save_review_plan(
            &viewer.actor(),
            viewer.user.org_id,
            Some(ReviewId(id)),
            Some(version),
            input.plan(),
        )
        .await?;
    Ok(Json(review_out(&state, &viewer, r).await?))
}

#[utoipa::path(post, operation_id = "reviews_prepare", path = "/api/v1/reviews/{id}/prepare",
    params(("id" = Uuid, Path)), tag = "reviews",
    responses((status = 200, body = ReviewOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn prepare(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ReviewOut>> {
    let r = prepare_review(&state.store, &viewer.caller(), ReviewId(id)).await?;
    Ok(Json(review_out(&state, &viewer, r).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldIn {
    #[schema(value_type = String, format = Date)]
    pub held_on: Date,
    pub attendees: Vec<Uuid>,
    pub minutes: String,
    #[serde(default)]
    pub decisions: Vec<DecisionOut>,
    /// The version as last read: holding freezes the pack that was read.
    pub version: i64,
}

impl HoldIn {
    pub fn held(self) -> Result<ReviewHeld, Problem> {
        let mut decisions = Vec::new();
        for d in self.decisions {
            decisions.push(ReviewDecision {
                kind: choice(
                    "decisions.kind",
                    &d.kind,
                    &DecisionKind::ALL,
                    DecisionKind::as_str,
                )?,
                text: d.text,
            });
        }
        Ok(ReviewHeld {
            held_on: self.held_on,
            attendees: self.attendees.into_iter().map(PersonId).collect(),
            minutes: self.minutes,
            decisions,
        })
    }
}

#[utoipa::path(post, operation_id = "reviews_hold", path = "/api/v1/reviews/{id}/hold",
    params(("id" = Uuid, Path)), request_body = HoldIn, tag = "reviews",
    responses((status = 200, body = ReviewOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn hold(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<HoldIn>,
) -> ApiResult<Json<ReviewOut>> {
    let version = Some(input.version);
    let r = state
        .store
        .hold_review(
            &viewer.actor(),
            viewer.user.org_id,
            ReviewId(id),
            version,
            input.held()?,
        )
        .await?;
    Ok(Json(review_out(&state, &viewer, r).await?))
}

#[utoipa::path(post, operation_id = "reviews_approve", path = "/api/v1/reviews/{id}/approve",
    params(("id" = Uuid, Path)), tag = "reviews",
    responses((status = 200, body = ReviewOut), (status = 403, body = Problem, description = "Not the chair"),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn approve(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ReviewOut>> {
    let r = state
        .store
        .approve_review(
            &viewer.actor(),
            viewer.user.org_id,
            ReviewId(id),
            &viewer.user,
        )
        .await?;
    Ok(Json(review_out(&state, &viewer, r).await?))
}
