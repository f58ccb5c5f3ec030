//! Manager attestations (5.1 h): a line manager sees their team's facts
//! (who is trained, who holds roles) and attests for the period; the ISMS
//! function sees who has attested and who has not.

use super::form_input::{invalid, parse_date};
use super::{Layout, NoticeParams, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::commitment::{PeriodStatusOut, period_settings, period_status};
use mandate_core::Permission;
use mandate_core::commitment::attestation::{AttestationFields, Period, team_on};
use mandate_core::commitment::training::{awareness_coverage, role_training_on};
use serde::Deserialize;

pub struct TeamMember {
    pub id: String,
    pub name: String,
    pub department: String,
    pub awareness: &'static str,
    pub awareness_class: &'static str,
    /// Role training that is missing or expired.
    pub role_gaps: Vec<String>,
}

pub struct Due {
    pub period: Period,
    pub label: String,
    pub attested: Option<String>,
}

#[derive(Template)]
#[template(path = "attestations.html")]
struct AttestationsPage {
    layout: Layout,
    team: Vec<TeamMember>,
    due: Vec<Due>,
    trained: usize,
    overview: Vec<PeriodStatusOut>,
    can_attest: bool,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let layout = Layout::new(&state, &viewer, "Manager attestations", "/attestations")
        .await?
        .with_notice(params.notice.as_deref());
    let today = viewer.day();
    let (months, start) = period_settings(&state.store, org).await?;
    let current = Period::containing(today, months, start);
    let last = current.previous(months);
    let people = state.store.people_all(org).await?;
    let team: Vec<_> = team_on(&people, viewer.user.person_id, today)
        .into_iter()
        .cloned()
        .collect();
    let mut members = Vec::new();
    let mut due = Vec::new();
    if !team.is_empty() {
        let courses = state.store.courses(org).await?;
        let records = state.store.training_records(org, None).await?;
        let (settings, _) = state.store.org_settings(org).await?;
        let coverage = awareness_coverage(
            &team,
            &courses,
            &records,
            today,
            i64::from(settings.joiner_grace_days),
        );
        let roles = state.store.roles(org).await?;
        let assignments: Vec<_> = state
            .store
            .assignments(org, None)
            .await?
            .into_iter()
            .filter(|a| team.iter().any(|p| p.id == a.terms.person_id))
            .collect();
        let lines = role_training_on(&roles, &assignments, &courses, &records, today);
        members = team
            .iter()
            .map(|p| {
                let trained = !coverage.untrained.contains(&p.id);
                let new = trained
                    && p.start_date.is_some_and(|s| {
                        (today - s).whole_days() < i64::from(settings.joiner_grace_days)
                    });
                TeamMember {
                    id: p.id.to_string(),
                    name: p.name.clone(),
                    department: p.department.clone().unwrap_or_default(),
                    awareness: if !trained {
                        "not trained"
                    } else if new {
                        "new joiner"
                    } else {
                        "trained"
                    },
                    awareness_class: if trained { "good" } else { "bad" },
                    role_gaps: lines
                        .iter()
                        .filter(|l| l.person_id == p.id && !l.status.is_current())
                        .map(|l| format!("{} ({})", l.training, l.role))
                        .collect(),
                }
            })
            .collect();
        let mine: Vec<_> = state
            .store
            .attestations(org)
            .await?
            .into_iter()
            .filter(|a| a.manager_id == viewer.user.person_id)
            .collect();
        for period in [last, current] {
            due.push(Due {
                period,
                label: period.label(),
                attested: mine
                    .iter()
                    .find(|a| a.period == period)
                    .map(|a| a.attested_at.date().to_string()),
            });
        }
    }
    let overview = if viewer.may(Permission::ReadCommitment) {
        let now = mandate_core::timefmt::now().date();
        let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
        vec![
            // Who has attested is counted as of now, as the API counts it:
            // the table below lists every attestation of the period.
            period_status(&state.store, org, last.starts_on, now, &area).await?,
            period_status(&state.store, org, current.starts_on, now, &area).await?,
        ]
    } else {
        Vec::new()
    };
    Ok(render(&AttestationsPage {
        layout,
        trained: members
            .iter()
            .filter(|m| m.awareness_class == "good")
            .count(),
        team: members,
        due,
        overview,
        can_attest: viewer.may(Permission::Attest),
    }))
}

#[derive(Deserialize)]
pub struct AttestForm {
    period_start: String,
    #[serde(default)]
    team_trained: Option<String>,
    #[serde(default)]
    policies_acknowledged: Option<String>,
    #[serde(default)]
    access_reviewed: Option<String>,
    #[serde(default)]
    comments: String,
}

pub async fn attest(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<AttestForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let (months, start) = period_settings(&state.store, org).await?;
    let day = parse_date(&f.period_start, "period_start")?;
    let period = Period::containing(day, months, start);
    if period.starts_on != day {
        return Err(invalid(
            "period_start: reload the page and attest for one of the periods shown",
        ));
    }
    let fields = AttestationFields {
        team_trained: f.team_trained.is_some(),
        policies_acknowledged: f.policies_acknowledged.is_some(),
        access_reviewed: f.access_reviewed.is_some(),
        comments: f.comments,
    };
    state
        .store
        .attest(&viewer.actor(), org, &viewer.user, period, fields)
        .await?;
    Ok(Redirect::to("/attestations?notice=attested").into_response())
}
