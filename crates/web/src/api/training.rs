//! `/api/v1/courses`, `/api/v1/training-records` and
//! `/api/v1/training-coverage` (5.1 f, 7.2, 7.3): the course catalogue,
//! completions recorded as JSON or a CSV file (all or nothing, problems by
//! line), and who is covered today.

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
use mandate_app::commitment::{CoverageOut, completions_from_csv, coverage_on};
use mandate_core::commitment::training::{
    Completion, Course, CourseFields, CourseKind, TrainingRecord,
};
use mandate_core::timefmt::now;
use mandate_core::{CourseId, PersonId};
use mandate_store::TrainingSummary;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseIn {
    /// For a role-specific course, the name roles use in their required training.
    pub title: String,
    /// `general_awareness` or `role_specific`.
    pub kind: String,
    #[serde(default)]
    pub description: String,
    /// Months a completion stays valid; absent when it does not expire.
    #[serde(default)]
    pub validity_months: Option<u16>,
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CourseOut {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub description: String,
    pub validity_months: Option<u16>,
    pub version: i64,
}

impl From<&Course> for CourseOut {
    fn from(c: &Course) -> Self {
        Self {
            id: c.id.0,
            title: c.fields.title.clone(),
            kind: c.fields.kind.as_str().into(),
            description: c.fields.description.clone(),
            validity_months: c.fields.validity_months,
            version: c.version,
        }
    }
}

#[utoipa::path(get, operation_id = "courses_list", path = "/api/v1/courses", params(Paging), tag = "commitment",
    responses((status = 200, body = Listing<CourseOut>)))]
pub async fn courses(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<CourseOut>>> {
    let all = state.store.courses(viewer.user.org_id).await?;
    Ok(Json(page(
        all.iter().map(CourseOut::from).collect(),
        &paging,
    )?))
}

async fn save_course(
    state: &AppState,
    viewer: &Viewer,
    id: Option<CourseId>,
    input: CourseIn,
) -> ApiResult<CourseOut> {
    let version = match id {
        Some(_) => Some(version_of_change(input.version)?),
        None => {
            no_version_on_create(input.version, "a course")?;
            None
        }
    };
    let fields = CourseFields {
        title: input.title,
        kind: choice("kind", &input.kind, CourseKind::ALL, CourseKind::as_str)?,
        description: input.description,
        validity_months: input.validity_months,
    };
    let saved = state
        .store
        .save_course(&viewer.actor(), viewer.user.org_id, id, version, fields)
        .await?;
    Ok(CourseOut::from(&saved))
}

#[utoipa::path(post, operation_id = "courses_create", path = "/api/v1/courses", request_body = CourseIn,
    tag = "commitment", responses((status = 201, body = CourseOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_course(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<CourseIn>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(save_course(&state, &viewer, None, input).await?),
    ))
}

#[utoipa::path(put, operation_id = "courses_update", path = "/api/v1/courses/{id}", params(("id" = Uuid, Path)),
    request_body = CourseIn, tag = "commitment",
    responses((status = 200, body = CourseOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_course(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<CourseIn>,
) -> ApiResult<Json<CourseOut>> {
    Ok(Json(
        save_course(&state, &viewer, Some(CourseId(id)), input).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionIn {
    pub person_id: Uuid,
    pub course_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub completed_on: Date,
    /// When absent, the course's validity decides.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Date>,
    #[serde(default)]
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct TrainingRecordOut {
    pub person_id: Uuid,
    pub course_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub completed_on: Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Date>,
    pub note: String,
    pub recorded_by: Uuid,
}

impl From<&TrainingRecord> for TrainingRecordOut {
    fn from(r: &TrainingRecord) -> Self {
        let c = &r.completion;
        Self {
            person_id: c.person_id.0,
            course_id: c.course_id.0,
            completed_on: c.completed_on,
            expires_on: c.expires_on,
            note: c.note.clone(),
            recorded_by: r.recorded_by.0,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TrainingSummaryOut {
    pub recorded: usize,
    /// Completions for a person, course and day already recorded, replaced
    /// (the old record is in the audit log).
    pub corrected: usize,
    pub unchanged: usize,
}

impl From<TrainingSummary> for TrainingSummaryOut {
    fn from(s: TrainingSummary) -> Self {
        Self {
            recorded: s.recorded,
            corrected: s.corrected,
            unchanged: s.unchanged,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecordQuery {
    pub person_id: Option<Uuid>,
    pub course_id: Option<Uuid>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[utoipa::path(get, operation_id = "training_records_list", path = "/api/v1/training-records",
    params(RecordQuery), tag = "commitment", responses((status = 200, body = Listing<TrainingRecordOut>)))]
pub async fn records(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<RecordQuery>,
) -> ApiResult<Json<Listing<TrainingRecordOut>>> {
    let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
    let all = state
        .store
        .training_records(viewer.user.org_id, query.person_id.map(PersonId))
        .await?;
    let out: Vec<TrainingRecordOut> = all
        .iter()
        .filter(|r| area.contains(r.completion.person_id))
        .filter(|r| {
            query
                .course_id
                .is_none_or(|c| r.completion.course_id.0 == c)
        })
        .map(TrainingRecordOut::from)
        .collect();
    let paging = Paging {
        limit: query.limit,
        cursor: query.cursor,
    };
    Ok(Json(page(out, &paging)?))
}

#[utoipa::path(post, operation_id = "training_records_record", path = "/api/v1/training-records",
    request_body = Vec<CompletionIn>, tag = "commitment",
    responses((status = 200, body = TrainingSummaryOut), (status = 422, body = Problem)))]
pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<Vec<CompletionIn>>,
) -> ApiResult<Json<TrainingSummaryOut>> {
    let completions = input
        .into_iter()
        .map(|c| Completion {
            person_id: PersonId(c.person_id),
            course_id: CourseId(c.course_id),
            completed_on: c.completed_on,
            expires_on: c.expires_on,
            note: c.note,
        })
        .collect();
    let summary = state
        .store
        .record_training(
            &viewer.actor(),
            viewer.user.org_id,
            viewer.user.id,
            completions,
        )
        .await?;
    Ok(Json(summary.into()))
}

#[utoipa::path(post, operation_id = "training_records_upload_csv", path = "/api/v1/training-records/csv",
    request_body(content = String, content_type = "text/csv",
        description = "A header row `email,course,completed_on` (optionally `expires_on`, `note`); `course` is the course's title or id."),
    tag = "commitment",
    responses((status = 200, body = TrainingSummaryOut),
        (status = 422, body = Problem, description = "Problems by line in `errors`; nothing recorded")))]
pub async fn upload_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    body: String,
) -> ApiResult<Json<TrainingSummaryOut>> {
    let org = viewer.user.org_id;
    let completions = completions_from_csv(&state.store, org, now().date(), &body).await?;
    let summary = state
        .store
        .record_training(&viewer.actor(), org, viewer.user.id, completions)
        .await?;
    Ok(Json(summary.into()))
}

#[utoipa::path(get, operation_id = "training_coverage_show", path = "/api/v1/training-coverage",
    tag = "commitment", responses((status = 200, body = CoverageOut)))]
pub async fn coverage(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<CoverageOut>> {
    let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
    Ok(Json(
        coverage_on(&state.store, viewer.user.org_id, now().date(), &area).await?,
    ))
}
