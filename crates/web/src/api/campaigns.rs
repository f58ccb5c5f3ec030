//! `/api/v1/campaigns`: each published version's acknowledgement campaign,
//! overall, by department and by line manager, and the people behind each
//! figure (also as CSV). The figures come from `mandate_app::acknowledgements`.

use super::extract::{ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page, page_size};
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mandate_app::acknowledgements::{
    CampaignDetailOut, CampaignOut, OverallOut, PeopleSelection, PersonLineOut, campaign,
    campaigns, people_csv, people_of,
};
use mandate_app::people::manager_of_area;
use mandate_core::VersionId;
use mandate_core::timefmt::now;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

#[utoipa::path(get, operation_id = "campaigns_list", path = "/api/v1/campaigns", params(Paging), tag = "acknowledgements",
    responses((status = 200, body = Listing<CampaignOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<CampaignOut>>> {
    Ok(Json(page(
        campaigns(
            &state.store,
            viewer.user.org_id,
            now().date(),
            manager_of_area(&viewer.caller()),
        )
        .await?,
        &paging,
    )?))
}

#[utoipa::path(get, operation_id = "campaigns_overall", path = "/api/v1/campaigns/overall", tag = "acknowledgements",
    responses((status = 200, body = OverallOut)))]
pub async fn overall(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<OverallOut>> {
    let all = campaigns(
        &state.store,
        viewer.user.org_id,
        now().date(),
        manager_of_area(&viewer.caller()),
    )
    .await?;
    Ok(Json(OverallOut::of(&all)))
}

#[utoipa::path(get, operation_id = "campaigns_show", path = "/api/v1/campaigns/{version_id}",
    params(("version_id" = Uuid, Path)), tag = "acknowledgements",
    responses((status = 200, body = CampaignDetailOut), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(version): ApiPath<Uuid>,
) -> ApiResult<Json<CampaignDetailOut>> {
    Ok(Json(
        campaign(
            &state.store,
            viewer.user.org_id,
            now().date(),
            VersionId(version),
            manager_of_area(&viewer.caller()),
        )
        .await?,
    ))
}

/// Which of a campaign's people to list.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeopleFilterQuery {
    /// `owed`, `overdue`, `done`, `declined` or `released`; everyone addressed by default.
    pub show: Option<String>,
    pub department: Option<String>,
    pub manager_id: Option<Uuid>,
}

/// One page of a campaign's people.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeopleQuery {
    /// `owed`, `overdue`, `done`, `declined` or `released`; everyone addressed by default.
    pub show: Option<String>,
    pub department: Option<String>,
    pub manager_id: Option<Uuid>,
    /// 1 to 500; 50 by default.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

impl PeopleQuery {
    pub fn selection(&self) -> PeopleSelection {
        PeopleSelection {
            show: self.show.clone(),
            department: self.department.clone(),
            manager_id: self.manager_id,
            cursor: self.cursor.clone(),
        }
    }
}

#[utoipa::path(get, operation_id = "campaigns_people", path = "/api/v1/campaigns/{version_id}/people",
    params(("version_id" = Uuid, Path), PeopleQuery), tag = "acknowledgements",
    responses((status = 200, body = Listing<PersonLineOut>), (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn people(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(version): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<Listing<PersonLineOut>>> {
    let limit = page_size(q.limit)?;
    let (items, next_cursor) = people_of(
        &state.store,
        viewer.user.org_id,
        now().date(),
        VersionId(version),
        &q.selection(),
        Some(limit),
        manager_of_area(&viewer.caller()),
    )
    .await?;
    Ok(Json(Listing { items, next_cursor }))
}

#[utoipa::path(get, operation_id = "campaigns_people_csv", path = "/api/v1/campaigns/{version_id}/people.csv",
    params(("version_id" = Uuid, Path), PeopleFilterQuery), tag = "acknowledgements",
    description = "Everyone matching the filters, as one file (no paging).",
    responses((status = 200, content_type = "text/csv", body = String),
        (status = 400, body = Problem, description = "A parameter this file does not take (`limit`, `cursor`)"),
        (status = 404, body = Problem), (status = 422, body = Problem, description = "A `show` that is not one of the choices")))]
pub async fn people_csv_file(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(version): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PeopleFilterQuery>,
) -> ApiResult<Response> {
    let org = viewer.user.org_id;
    let (day, version) = (now().date(), VersionId(version));
    let area = manager_of_area(&viewer.caller());
    let detail = campaign(&state.store, org, day, version, area).await?;
    let selection = PeopleSelection {
        show: q.show,
        department: q.department,
        manager_id: q.manager_id,
        cursor: None,
    };
    let (lines, _) = people_of(&state.store, org, day, version, &selection, None, area).await?;
    let name = format!(
        "attachment; filename=\"acknowledgements-{}-v{}.csv\"",
        detail
            .campaign
            .policy
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>(),
        detail.campaign.number
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        people_csv(&lines),
    )
        .into_response())
}
