//! Acknowledgement campaigns: every published version's figures, and one
//! campaign by department and line manager with the people behind each
//! figure (downloadable as CSV).

use super::page_path::PagePath;
use super::{Layout, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mandate_app::acknowledgements::{
    CampaignDetailOut, CampaignOut, OverallOut, PeopleSelection, PersonLineOut, campaign,
    campaigns, people_of,
};
use mandate_core::VersionId;
use mandate_core::timefmt::now;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "campaigns.html")]
struct CampaignsPage {
    layout: Layout,
    campaigns: Vec<CampaignOut>,
    overall: OverallOut,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "Acknowledgement campaigns", "/campaigns")
        .await?
        .live();
    let campaigns = campaigns(
        &state.store,
        viewer.user.org_id,
        now().date(),
        mandate_app::people::manager_of_area(&viewer.caller()),
    )
    .await?;
    Ok(render(&CampaignsPage {
        layout,
        overall: OverallOut::of(&campaigns),
        campaigns,
    }))
}

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignPage {
    layout: Layout,
    c: CampaignDetailOut,
    people: Vec<PersonLineOut>,
    more: bool,
    filter: String,
    query: String,
}

const SHOWN: u32 = 200;

/// The filters of a campaign's people, as the page's links carry them.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PeopleFilter {
    show: Option<String>,
    department: Option<String>,
    manager_id: Option<Uuid>,
    cursor: Option<String>,
    /// Accepted from links written for the API and ignored: the page shows
    /// its own number of people.
    #[serde(rename = "limit")]
    _limit: Option<u32>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(version): PagePath<VersionId>,
    Query(q): Query<PeopleFilter>,
) -> Result<Response, PageError> {
    let (org, today) = (viewer.user.org_id, now().date());
    let area = mandate_app::people::manager_of_area(&viewer.caller());
    let c = campaign(&state.store, org, today, version, area).await?;
    let selection = PeopleSelection {
        show: q.show.clone(),
        department: q.department.clone(),
        manager_id: q.manager_id,
        cursor: q.cursor.clone(),
    };
    let (people, next) = people_of(
        &state.store,
        org,
        today,
        version,
        &selection,
        Some(SHOWN),
        area,
    )
    .await?;
    let more = next.is_some();
    let mut filter = Vec::new();
    let mut query = Vec::new();
    if let Some(s) = q.show.as_deref().filter(|s| !s.is_empty()) {
        filter.push(s.to_string());
        query.push(format!("show={}", super::url_encode(s)));
    }
    if let Some(d) = &q.department {
        filter.push(format!("department {d}"));
        query.push(format!("department={}", super::url_encode(d)));
    }
    if let Some(m) = q.manager_id {
        let name = c
            .by_manager
            .iter()
            .find(|g| g.manager_id == Some(m))
            .map(|g| g.name.clone())
            .unwrap_or_default();
        filter.push(format!("reporting to {name}"));
        query.push(format!("manager_id={m}"));
    }
    let layout = Layout::new(&state, &viewer, &c.campaign.policy, "/campaigns")
        .await?
        .live();
    Ok(render(&CampaignPage {
        layout,
        c,
        people,
        more,
        filter: filter.join(", "),
        query: query.join("&"),
    }))
}
