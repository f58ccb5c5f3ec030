//! `/api/v1/me/tasks`: what the viewer must do, oldest first.

use super::extract::ApiQuery;
use super::listing::{Listing, Paging, page};
use crate::auth::Viewer;
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use mandate_app::tasks::my_tasks;
use mandate_core::timefmt::now;
use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct TaskOut {
    /// `acknowledge`, `approve`, `sign`, `attest`, `measure` or `act`.
    pub kind: String,
    pub title: String,
    pub detail: String,
    /// Where it is done in the web interface.
    pub link: String,
    #[schema(value_type = String, format = Date)]
    pub since: Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Date>,
    pub overdue: bool,
}

#[utoipa::path(get, operation_id = "me_tasks", path = "/api/v1/me/tasks", params(Paging), tag = "tasks",
    responses((status = 200, body = Listing<TaskOut>)))]
pub async fn mine(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<TaskOut>>> {
    let today = now().date();
    Ok(Json(page(
        my_tasks(&state.store, &viewer.caller())
            .await?
            .into_iter()
            .map(|t| TaskOut {
                kind: t.kind.as_str().into(),
                overdue: t.overdue_on(today),
                title: t.title,
                detail: t.detail,
                link: t.link,
                since: t.since,
                due_on: t.due_on,
            })
            .collect(),
        &paging,
    )?))
}
