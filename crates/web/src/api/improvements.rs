//! `/api/v1/improvements` (5.1 g, 10): nonconformities and opportunities,
//! with their corrective actions (actions of the action register that name
//! the entry), effectiveness checks and closing.

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
use mandate_core::commitment::improvement::{
    EffectivenessCheck, Improvement, ImprovementFields, ImprovementKind, ImprovementSource,
};
use mandate_core::performance::Action;
use mandate_core::timefmt::now;
use mandate_core::{FeedbackId, ImprovementId, PersonId};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImprovementIn {
    /// `nonconformity` or `opportunity`.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// `audit`, `incident`, `review`, `feedback` or `other`.
    pub source: String,
    #[schema(value_type = String, format = Date)]
    pub raised_on: Date,
    pub owner_id: Uuid,
    #[serde(default)]
    pub root_cause: String,
    /// The feedback it came from; that feedback is marked as acted on.
    #[serde(default)]
    pub feedback_id: Option<Uuid>,
    #[serde(default)]
    pub version: Option<i64>,
}

impl ImprovementIn {
    fn fields(&self) -> Result<ImprovementFields, Problem> {
        Ok(ImprovementFields {
            kind: choice(
                "kind",
                &self.kind,
                ImprovementKind::ALL,
                ImprovementKind::as_str,
            )?,
            title: self.title.clone(),
            description: self.description.clone(),
            source: choice(
                "source",
                &self.source,
                ImprovementSource::ALL,
                ImprovementSource::as_str,
            )?,
            raised_on: self.raised_on,
            owner_id: PersonId(self.owner_id),
            root_cause: self.root_cause.clone(),
            feedback_id: self.feedback_id.map(FeedbackId),
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct CheckOut {
    #[schema(value_type = String, format = Date)]
    pub checked_on: Date,
    pub effective: bool,
    pub note: String,
    pub checked_by: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct ImprovementOut {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub source: String,
    #[schema(value_type = String, format = Date)]
    pub raised_on: Date,
    pub owner_id: Uuid,
    pub owner: String,
    pub root_cause: String,
    pub feedback_id: Option<Uuid>,
    /// `needs_root_cause`, `needs_action`, `actions_open`, `awaiting_check`, `resolved` or `closed`.
    pub status: String,
    pub action_ids: Vec<Uuid>,
    /// Open actions past their due date.
    pub overdue_actions: usize,
    pub checks: Vec<CheckOut>,
    #[schema(value_type = Option<String>, format = Date)]
    pub closed_on: Option<Date>,
    pub closing_note: String,
    pub version: i64,
}

pub fn status_name(
    status: mandate_core::commitment::improvement::ImprovementStatus,
) -> &'static str {
    use mandate_core::commitment::improvement::ImprovementStatus::*;
    match status {
        NeedsRootCause => "needs_root_cause",
        NeedsAction => "needs_action",
        ActionsOpen => "actions_open",
        AwaitingCheck => "awaiting_check",
        Resolved => "resolved",
        Closed => "closed",
    }
}

async fn out(
    state: &AppState,
    viewer: &Viewer,
    entries: &[Improvement],
) -> ApiResult<Vec<ImprovementOut>> {
    let org = viewer.user.org_id;
    let actions: Vec<Action> = state.store.actions(org).await?;
    let names = state
        .store
        .person_names(org, entries.iter().map(|i| i.fields.owner_id).collect())
        .await?;
    let today = now().date();
    Ok(entries
        .iter()
        .map(|i| {
            let mine = i.actions(&actions);
            ImprovementOut {
                id: i.id.0,
                kind: i.fields.kind.as_str().into(),
                title: i.fields.title.clone(),
                description: i.fields.description.clone(),
                source: i.fields.source.as_str().into(),
                raised_on: i.fields.raised_on,
                owner_id: i.fields.owner_id.0,
                owner: names.get(&i.fields.owner_id).cloned().unwrap_or_default(),
                root_cause: i.fields.root_cause.clone(),
                feedback_id: i.fields.feedback_id.map(|f| f.0),
                status: status_name(i.status_on(&actions, today)).into(),
                action_ids: mine.iter().map(|a| a.id.0).collect(),
                overdue_actions: mine
                    .iter()
                    .filter(|a| a.overdue_days(today).is_some())
                    .count(),
                checks: i
                    .checks
                    .iter()
                    .map(|c| CheckOut {
                        checked_on: c.checked_on,
                        effective: c.effective,
                        note: c.note.clone(),
                        checked_by: c.checked_by.0,
                    })
                    .collect(),
                closed_on: i.closed_on,
                closing_note: i.closing_note.clone(),
                version: i.version,
            }
        })
        .collect())
}

async fn one(state: &AppState, viewer: &Viewer, entry: Improvement) -> ApiResult<ImprovementOut> {
    out(state, viewer, std::slice::from_ref(&entry))
        .await?
        .pop()
        .ok_or_else(|| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "no entry"))
}

#[utoipa::path(get, operation_id = "improvements_list", path = "/api/v1/improvements",
    params(Paging), tag = "commitment", responses((status = 200, body = Listing<ImprovementOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<ImprovementOut>>> {
    let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
    let mut entries = state.store.improvements(viewer.user.org_id).await?;
    // A line manager reads the entries their area owns.
    entries.retain(|e| area.contains(e.fields.owner_id));
    let all = out(&state, &viewer, &entries).await?;
    Ok(Json(page(all, &paging)?))
}

#[utoipa::path(post, operation_id = "improvements_create", path = "/api/v1/improvements",
    request_body = ImprovementIn, tag = "commitment",
    responses((status = 201, body = ImprovementOut), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ImprovementIn>,
) -> ApiResult<impl IntoResponse> {
    no_version_on_create(input.version, "an entry")?;
    let saved = state
        .store
        .save_improvement(
            &viewer.actor(),
            viewer.user.org_id,
            None,
            None,
            input.fields()?,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(one(&state, &viewer, saved).await?),
    ))
}

#[utoipa::path(put, operation_id = "improvements_update", path = "/api/v1/improvements/{id}",
    params(("id" = Uuid, Path)), request_body = ImprovementIn, tag = "commitment",
    responses((status = 200, body = ImprovementOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ImprovementIn>,
) -> ApiResult<Json<ImprovementOut>> {
    let version = version_of_change(input.version)?;
    let saved = state
        .store
        .save_improvement(
            &viewer.actor(),
            viewer.user.org_id,
            Some(ImprovementId(id)),
            Some(version),
            input.fields()?,
        )
        .await?;
    Ok(Json(one(&state, &viewer, saved).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    #[schema(value_type = String, format = Date)]
    pub checked_on: Date,
    pub effective: bool,
    pub note: String,
    pub version: i64,
}

#[utoipa::path(post, operation_id = "improvements_check", path = "/api/v1/improvements/{id}/checks",
    params(("id" = Uuid, Path)), request_body = CheckIn, tag = "commitment",
    responses((status = 200, body = ImprovementOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn check(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<CheckIn>,
) -> ApiResult<Json<ImprovementOut>> {
    let check = EffectivenessCheck {
        checked_on: input.checked_on,
        effective: input.effective,
        note: input.note,
        checked_by: viewer.user.person_id,
    };
    let saved = state
        .store
        .check_improvement(
            &viewer.actor(),
            viewer.user.org_id,
            ImprovementId(id),
            Some(input.version),
            check,
        )
        .await?;
    Ok(Json(one(&state, &viewer, saved).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseIn {
    /// Why it is closed: effective, adopted, or declined and why.
    pub note: String,
    pub version: i64,
}

#[utoipa::path(post, operation_id = "improvements_close", path = "/api/v1/improvements/{id}/close",
    params(("id" = Uuid, Path)), request_body = CloseIn, tag = "commitment",
    responses((status = 200, body = ImprovementOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<CloseIn>,
) -> ApiResult<Json<ImprovementOut>> {
    let saved = state
        .store
        .close_improvement(
            &viewer.actor(),
            viewer.user.org_id,
            ImprovementId(id),
            Some(input.version),
            input.note,
        )
        .await?;
    Ok(Json(one(&state, &viewer, saved).await?))
}
