//! `/api/v1/campaigns`: each published version's acknowledgement campaign,
//! overall, by department and by line manager, and the people behind each
//! figure (also as CSV).

use super::extract::{ApiPath, ApiQuery};
use super::listing::{Listing, Paging, page};
use super::performance_dto::invalid;
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mandate_app::people::manager_of_area;
use mandate_core::acknowledgement::{AckState, CampaignFigures, NO_DEPARTMENT, Tally};
use mandate_core::timefmt::now;
use mandate_core::{OrgId, PersonId, VersionId};
use mandate_store::{CampaignPeopleQuery, PeopleFilter};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema, Clone, Copy, Default, PartialEq, Debug)]
pub struct TallyOut {
    pub addressed: usize,
    pub owed: usize,
    pub overdue: usize,
    /// Accepted or carried over.
    pub done: usize,
    pub declined: usize,
    pub percent_done: f64,
}

impl From<Tally> for TallyOut {
    fn from(t: Tally) -> Self {
        Self {
            addressed: t.addressed,
            owed: t.owed,
            overdue: t.overdue,
            done: t.done,
            declined: t.declined,
            percent_done: (t.percent_done() * 10.0).round() / 10.0,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CampaignOut {
    pub version_id: Uuid,
    pub policy_id: Uuid,
    pub policy: String,
    pub number: i32,
    /// `published` (the campaign running), `superseded` or `retired`.
    pub state: String,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    pub material_change: bool,
    #[serde(flatten)]
    pub figures: TallyOut,
    #[serde(skip)]
    tally: Tally,
}

impl CampaignOut {
    pub fn running(&self) -> bool {
        self.state == "published"
    }
}

/// The running campaigns taken together: requests, not people (someone
/// owing two policies counts twice).
#[derive(Serialize, ToSchema)]
pub struct OverallOut {
    /// Published versions whose campaign runs.
    pub campaigns: usize,
    #[serde(flatten)]
    pub figures: TallyOut,
}

impl OverallOut {
    pub fn of(campaigns: &[CampaignOut]) -> Self {
        let running: Vec<&CampaignOut> = campaigns.iter().filter(|c| c.running()).collect();
        Self {
            campaigns: running.len(),
            figures: Tally::sum(running.iter().map(|c| &c.tally)).into(),
        }
    }
}

/// Every campaign, the running ones first, from the kept totals (no scan
/// of the acknowledgements themselves); for a line manager (`area_of`),
/// counted over their area.
pub async fn campaigns(
    state: &AppState,
    org: OrgId,
    area_of: Option<PersonId>,
) -> ApiResult<Vec<CampaignOut>> {
    let today = now().date();
    let versions = state.store.published_version_index(org).await?;
    let totals = match area_of {
        None => state.store.acknowledgement_totals(org, today).await?,
        Some(manager) => {
            state
                .store
                .area_acknowledgement_totals(org, manager, today)
                .await?
        }
    };
    let titles: HashMap<_, _> = state
        .store
        .policy_summaries(org)
        .await?
        .into_iter()
        .map(|s| (s.policy.id, s.policy.fields.title))
        .collect();
    let mut out: Vec<CampaignOut> = versions
        .into_iter()
        .map(|v| {
            let (counts, overdue) = totals.get(&v.version_id).cloned().unwrap_or_default();
            let n =
                |s: AckState| usize::try_from(counts.get(&s).copied().unwrap_or(0)).unwrap_or(0);
            let tally = Tally {
                owed: n(AckState::Owed),
                done: n(AckState::Accepted) + n(AckState::CarriedOver),
                declined: n(AckState::Declined),
                addressed: n(AckState::Owed)
                    + n(AckState::Accepted)
                    + n(AckState::CarriedOver)
                    + n(AckState::Declined),
                overdue: usize::try_from(overdue).unwrap_or(0),
            };
            CampaignOut {
                version_id: v.version_id.0,
                policy_id: v.policy_id.0,
                policy: titles.get(&v.policy_id).cloned().unwrap_or_default(),
                number: v.number,
                state: v.state.as_str().into(),
                published_at: v.published_at,
                material_change: v.material_change,
                figures: tally.into(),
                tally,
            }
        })
        .collect();
    if area_of.is_some() {
        // A line manager's list holds the campaigns that address their area
        // (others would name policies not published to them).
        out.retain(|c| c.tally.addressed > 0);
    }
    out.sort_by(|a, b| {
        (!a.running())
            .cmp(&!b.running())
            .then(a.policy.cmp(&b.policy))
    });
    Ok(out)
}

#[utoipa::path(get, operation_id = "campaigns_list", path = "/api/v1/campaigns", params(Paging), tag = "acknowledgements",
    responses((status = 200, body = Listing<CampaignOut>)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Listing<CampaignOut>>> {
    Ok(Json(page(
        campaigns(
            &state,
            viewer.user.org_id,
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
        &state,
        viewer.user.org_id,
        manager_of_area(&viewer.caller()),
    )
    .await?;
    Ok(Json(OverallOut::of(&all)))
}

#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    /// The department, or the line manager's name.
    pub name: String,
    /// The line manager's id, for the by-manager groups.
    pub manager_id: Option<Uuid>,
    #[serde(flatten)]
    pub figures: TallyOut,
}

#[derive(Serialize, ToSchema)]
pub struct CampaignDetailOut {
    #[serde(flatten)]
    pub campaign: CampaignOut,
    pub by_department: Vec<GroupOut>,
    pub by_manager: Vec<GroupOut>,
}

/// One campaign with its groups; NotFound for a version never published.
pub async fn campaign(
    state: &AppState,
    org: OrgId,
    version: VersionId,
    area_of: Option<PersonId>,
) -> ApiResult<CampaignDetailOut> {
    let summary = campaigns(state, org, area_of)
        .await?
        .into_iter()
        .find(|c| c.version_id == version.0)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no campaign for this version"))?;
    let groups = state
        .store
        .campaign_groups(org, version, now().date(), area_of)
        .await?;
    let figures = CampaignFigures::from_groups(&groups);
    let managers: Vec<PersonId> = figures.by_manager.keys().flatten().copied().collect();
    let names = state.store.person_names(org, managers).await?;
    Ok(CampaignDetailOut {
        campaign: summary,
        by_department: figures
            .by_department
            .iter()
            .map(|(d, t)| GroupOut {
                name: d.clone(),
                manager_id: None,
                figures: (*t).into(),
            })
            .collect(),
        by_manager: figures
            .by_manager
            .iter()
            .map(|(m, t)| GroupOut {
                name: m
                    .and_then(|m| names.get(&m).cloned())
                    .unwrap_or_else(|| "(no line manager)".into()),
                manager_id: m.map(|m| m.0),
                figures: (*t).into(),
            })
            .collect(),
    })
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
            &state,
            viewer.user.org_id,
            VersionId(version),
            manager_of_area(&viewer.caller()),
        )
        .await?,
    ))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeopleQuery {
    /// `owed`, `overdue`, `done`, `declined` or `released`; everyone addressed by default.
    pub show: Option<String>,
    pub department: Option<String>,
    pub manager_id: Option<Uuid>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Clone, Serialize, ToSchema)]
pub struct PersonLineOut {
    pub person_id: Uuid,
    pub name: String,
    pub email: String,
    pub department: Option<String>,
    pub state: String,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    pub overdue: bool,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    pub reason: String,
}

fn filter_of(show: Option<&str>) -> Result<PeopleFilter, Problem> {
    Ok(match show {
        None | Some("") => PeopleFilter::Addressed,
        Some("owed") => PeopleFilter::Owed,
        Some("overdue") => PeopleFilter::Overdue,
        Some("done") => PeopleFilter::Done,
        Some("declined") => PeopleFilter::Declined,
        Some("released") => PeopleFilter::Released,
        Some(other) => {
            return Err(invalid(format!(
                "show: {other:?} is not one of owed, overdue, done, declined, released"
            )));
        }
    })
}

fn decode_cursor(cursor: &str) -> Result<(String, PersonId), Problem> {
    let text = hex::decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| invalid("cursor: not one this API gave"))?;
    let (name, id) = text
        .rsplit_once('\n')
        .ok_or_else(|| invalid("cursor: not one this API gave"))?;
    let id = id
        .parse()
        .map_err(|_| invalid("cursor: not one this API gave"))?;
    Ok((name.to_string(), id))
}

/// The people behind a figure (`limit` of them after the cursor, or all),
/// and the cursor of the next page.
pub async fn people_of(
    state: &AppState,
    org: OrgId,
    version: VersionId,
    q: &PeopleQuery,
    limit: Option<u32>,
    area_of: Option<PersonId>,
) -> ApiResult<(Vec<PersonLineOut>, Option<String>)> {
    let today = now().date();
    let query = CampaignPeopleQuery {
        filter: filter_of(q.show.as_deref())?,
        department: q
            .department
            .as_ref()
            .map(|d| (d != NO_DEPARTMENT).then(|| d.clone())),
        manager_id: q.manager_id.map(PersonId),
        area_of,
        after: q.cursor.as_deref().map(decode_cursor).transpose()?,
        limit: limit.map(|l| i64::from(l) + 1),
        today,
    };
    let mut found = state.store.campaign_people(org, version, &query).await?;
    let next = match limit {
        Some(l) if found.len() > l as usize => {
            found.truncate(l as usize);
            found
                .last()
                .map(|p| hex::encode(format!("{}\n{}", p.name, p.person_id)))
        }
        _ => None,
    };
    let lines = found
        .into_iter()
        .map(|p| PersonLineOut {
            person_id: p.person_id.0,
            overdue: p.state == AckState::Owed && today > p.due_on,
            name: p.name,
            email: p.email,
            department: p.department,
            state: p.state.as_str().into(),
            due_on: p.due_on,
            answered_at: p.answered_at,
            reason: p.reason,
        })
        .collect();
    Ok((lines, next))
}

#[utoipa::path(get, operation_id = "campaigns_people", path = "/api/v1/campaigns/{version_id}/people",
    params(("version_id" = Uuid, Path), PeopleQuery), tag = "acknowledgements",
    responses((status = 200, body = Listing<PersonLineOut>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn people(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(version): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<Listing<PersonLineOut>>> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(invalid("limit: 1 to 500"));
    }
    let (items, next_cursor) = people_of(
        &state,
        viewer.user.org_id,
        VersionId(version),
        &q,
        Some(limit),
        manager_of_area(&viewer.caller()),
    )
    .await?;
    Ok(Json(Listing { items, next_cursor }))
}

/// The people behind a figure as CSV (everyone matching, not one page).
pub fn people_csv(lines: &[PersonLineOut]) -> String {
    let mut export = mandate_report::csv_export::CsvExport::new(&[
        "name",
        "email",
        "department",
        "state",
        "due_on",
        "overdue",
        "answered_at",
        "reason",
    ]);
    for l in lines {
        let answered = l
            .answered_at
            .map(mandate_core::timefmt::format_instant)
            .unwrap_or_default();
        export.row(&[
            l.name.as_str(),
            l.email.as_str(),
            l.department.as_deref().unwrap_or(""),
            l.state.as_str(),
            &l.due_on.to_string(),
            if l.overdue { "true" } else { "false" },
            &answered,
            l.reason.as_str(),
        ]);
    }
    export.finish()
}

#[utoipa::path(get, operation_id = "campaigns_people_csv", path = "/api/v1/campaigns/{version_id}/people.csv",
    params(("version_id" = Uuid, Path), PeopleQuery), tag = "acknowledgements",
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = Problem)))]
pub async fn people_csv_file(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(version): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> ApiResult<Response> {
    let org = viewer.user.org_id;
    let area = manager_of_area(&viewer.caller());
    let detail = campaign(&state, org, VersionId(version), area).await?;
    let (lines, _) = people_of(&state, org, VersionId(version), &q, None, area).await?;
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

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_with_commas_or_quotes_are_quoted() {
        let line = super::PersonLineOut {
            person_id: uuid::Uuid::nil(),
            name: "Lovelace, Ada".into(),
            email: "ada@example.com".into(),
            department: None,
            state: "declined".into(),
            due_on: time::macros::date!(2026 - 01 - 31),
            overdue: false,
            answered_at: None,
            reason: "say \"no\"".into(),
        };
        let hostile = super::PersonLineOut {
            reason: "=HYPERLINK(\"http://evil.example\",\"open\")".into(),
            ..line.clone()
        };
        let text = super::people_csv(&[hostile]);
        assert!(
            text.contains(",\"'=HYPERLINK("),
            "a decline reason is not run as a formula: {text}"
        );
        let text = super::people_csv(&[line]);
        assert!(
            text.ends_with(
                "\"Lovelace, Ada\",ada@example.com,,declined,2026-01-31,false,,\"say \"\"no\"\"\"\n"
            ),
            "{text}"
        );
    }
}
