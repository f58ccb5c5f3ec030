//! Performance reports to top management (5.3 b): the list, producing one
//! for a period, and recording to whom it was presented.

use super::form_input::{parse_date, people_by_emails};
use super::page_path::PagePath;
use super::performance_view::{KpiView, health_class};
use super::{Layout, NoticeParams, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::performance::produce_report;
use mandate_core::performance::PerformanceReport;
use mandate_core::timefmt::now;
use mandate_core::{Permission, ReportId};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    layout: Layout,
    reports: Vec<PerformanceReport>,
    quarter_from: String,
    quarter_to: String,
    can_edit: bool,
}

/// The first day of the quarter `day` falls in.
fn quarter_start(day: time::Date) -> time::Date {
    let month = (u8::from(day.month()) - 1) / 3 * 3 + 1;
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(day.year(), month, 1).unwrap_or(day)
}

/// The last full quarter before today, as a sensible default period.
fn last_quarter(today: time::Date) -> (time::Date, time::Date) {
    let end = quarter_start(today).previous_day().unwrap_or(today);
    (quarter_start(end), end)
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "Performance reports", "/reports")
        .await?
        .with_notice(params.notice.as_deref());
    let (from, to) = last_quarter(now().date());
    Ok(render(&ReportsPage {
        layout,
        reports: {
            let mut reports = state.store.performance_reports(viewer.user.org_id).await?;
            reports.retain(|r| r.created_at.date() <= viewer.day());
            reports
        },
        quarter_from: from.to_string(),
        quarter_to: to.to_string(),
        can_edit: viewer.may(Permission::EditPerformance),
    }))
}

#[derive(Deserialize)]
pub struct ProduceForm {
    title: String,
    period_from: String,
    period_to: String,
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<ProduceForm>,
) -> Result<Response, PageError> {
    let period = (
        parse_date(&f.period_from, "period_from")?,
        parse_date(&f.period_to, "period_to")?,
    );
    let report = produce_report(&state.store, &viewer.caller(), f.title, period).await?;
    Ok(Redirect::to(&format!("/reports/{}?notice=created", report.id)).into_response())
}

pub struct ReportObjective {
    pub title: String,
    pub status: &'static str,
    pub class: &'static str,
    pub reasons: String,
    pub kpis: Vec<KpiView>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    r: PerformanceReport,
    producer: String,
    audience: Vec<String>,
    objectives: Vec<ReportObjective>,
    overdue: usize,
    today: String,
    can_edit: bool,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ReportId>,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let r = state
        .store
        .performance_reports(org)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(PageError::NotFound("report"))?;
    let layout = Layout::new(&state, &viewer, &r.title, "/reports")
        .await?
        .with_notice(params.notice.as_deref());
    let mut ids = r.presented_to.clone();
    ids.push(r.produced_by);
    let names = state.store.person_names(org, ids).await?;
    Ok(render(&ReportPage {
        layout,
        producer: names.get(&r.produced_by).cloned().unwrap_or_default(),
        audience: r
            .presented_to
            .iter()
            .filter_map(|p| names.get(p).cloned())
            .collect(),
        objectives: r
            .content
            .objectives
            .iter()
            .map(|o| ReportObjective {
                title: o.title.clone(),
                status: o.health.label(),
                class: health_class(o.health),
                reasons: o.reasons.join("; "),
                kpis: o.kpis.iter().map(KpiView::from).collect(),
            })
            .collect(),
        overdue: r
            .content
            .open_actions
            .iter()
            .filter(|a| a.overdue_days.is_some())
            .count(),
        today: now().date().to_string(),
        can_edit: viewer.may(Permission::EditPerformance),
        r,
    }))
}

#[derive(Deserialize)]
pub struct PresentForm {
    presented_on: String,
    audience_emails: String,
}

pub async fn present(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<ReportId>,
    Form(f): Form<PresentForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let audience = people_by_emails(&state, org, &f.audience_emails, "audience_emails").await?;
    state
        .store
        .present_report(
            &viewer.actor(),
            org,
            id,
            parse_date(&f.presented_on, "presented_on")?,
            audience,
        )
        .await?;
    Ok(Redirect::to(&format!("/reports/{id}?notice=saved")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_default_period_is_the_last_full_quarter() {
        assert_eq!(
            last_quarter(date!(2026 - 11 - 23)),
            (date!(2026 - 07 - 01), date!(2026 - 09 - 30))
        );
        assert_eq!(
            last_quarter(date!(2026 - 02 - 10)),
            (date!(2025 - 10 - 01), date!(2025 - 12 - 31))
        );
    }
}
