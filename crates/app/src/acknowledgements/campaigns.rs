//! Acknowledgement campaigns: each published version's figures, from the
//! kept totals, overall, by department and by line manager, and the people
//! behind each figure. A line manager's figures are counted over their area.

use crate::{AppError, AppResult};
use mandate_core::acknowledgement::{AckState, CampaignFigures, NO_DEPARTMENT, Tally};
use mandate_core::{OrgId, PersonId, VersionId};
use mandate_store::{CampaignPeopleQuery, PeopleFilter, Store};
use serde::Serialize;
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Which of a campaign's people to list: the filters of the people list.
#[derive(Clone, Debug, Default)]
pub struct PeopleSelection {
    /// `owed`, `overdue`, `done`, `declined` or `released`; everyone addressed if absent.
    pub show: Option<String>,
    pub department: Option<String>,
    pub manager_id: Option<Uuid>,
    /// Where the previous page ended, as this service gave it.
    pub cursor: Option<String>,
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::Invalid(message.into())
}

#[derive(Serialize, Clone, Copy, Default, PartialEq, Debug)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignOut {
    pub version_id: Uuid,
    pub policy_id: Uuid,
    pub policy: String,
    pub number: i32,
    /// `published` (the campaign running), `superseded` or `retired`.
    pub state: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    pub material_change: bool,
    #[serde(flatten)]
    pub figures: TallyOut,
    #[serde(skip)]
    pub(crate) tally: Tally,
}

impl CampaignOut {
    pub fn running(&self) -> bool {
        self.state == "published"
    }
}

/// The running campaigns taken together: requests, not people (someone
/// owing two policies counts twice).
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupOut {
    /// The department, or the line manager's name.
    pub name: String,
    /// The line manager's id, for the by-manager groups.
    pub manager_id: Option<Uuid>,
    #[serde(flatten)]
    pub figures: TallyOut,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignDetailOut {
    #[serde(flatten)]
    pub campaign: CampaignOut,
    pub by_department: Vec<GroupOut>,
    pub by_manager: Vec<GroupOut>,
}

#[derive(Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonLineOut {
    pub person_id: Uuid,
    pub name: String,
    pub email: String,
    pub department: Option<String>,
    pub state: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due_on: Date,
    pub overdue: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[serde(with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    pub reason: String,
}

fn filter_of(show: Option<&str>) -> AppResult<PeopleFilter> {
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

fn decode_cursor(cursor: &str) -> AppResult<(String, PersonId)> {
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

/// Every campaign, the running ones first, from the kept totals (no scan
/// of the acknowledgements themselves); for a line manager (`area_of`),
/// counted over their area.
pub async fn campaigns(
    store: &Store,
    org: OrgId,
    today: Date,
    area_of: Option<PersonId>,
) -> AppResult<Vec<CampaignOut>> {
    let versions = store.published_version_index(org).await?;
    let totals = match area_of {
        None => store.acknowledgement_totals(org, today).await?,
        Some(manager) => {
            store
                .area_acknowledgement_totals(org, manager, today)
                .await?
        }
    };
    let titles: HashMap<_, _> = store
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

/// One campaign with its groups; NotFound for a version never published.
pub async fn campaign(
    store: &Store,
    org: OrgId,
    today: Date,
    version: VersionId,
    area_of: Option<PersonId>,
) -> AppResult<CampaignDetailOut> {
    let summary = campaigns(store, org, today, area_of)
        .await?
        .into_iter()
        .find(|c| c.version_id == version.0)
        .ok_or_else(|| AppError::NotFound("no campaign for this version".into()))?;
    let groups = store.campaign_groups(org, version, today, area_of).await?;
    let figures = CampaignFigures::from_groups(&groups);
    let managers: Vec<PersonId> = figures.by_manager.keys().flatten().copied().collect();
    let names = store.person_names(org, managers).await?;
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

/// The people behind a figure (`limit` of them after the cursor, or all),
/// and the cursor of the next page.
pub async fn people_of(
    store: &Store,
    org: OrgId,
    today: Date,
    version: VersionId,
    q: &PeopleSelection,
    limit: Option<u32>,
    area_of: Option<PersonId>,
) -> AppResult<(Vec<PersonLineOut>, Option<String>)> {
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
    let mut found = store.campaign_people(org, version, &query).await?;
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
