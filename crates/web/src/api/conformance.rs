//! `/api/v1/conformance`: every Clause 5 requirement judged from the
//! records, as of today or a past day, in the shape `mandate check
//! --format json` prints.

use super::extract::ApiQuery;
use crate::auth::Viewer;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mandate_core::conformance::{Evaluation, Evidence, RuleResult, Summary, parse_as_of};
use mandate_core::timefmt::now;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOfQuery {
    /// Judge the records as they stood at the end of this day (YYYY-MM-DD, not after today); today by default.
    pub as_of: Option<String>,
}

/// The day asked for, or today; a bad or future day is a 422.
pub fn as_of_day(raw: Option<&str>) -> Result<Date, Problem> {
    let today = now().date();
    match raw.filter(|r| !r.trim().is_empty()) {
        Some(raw) => parse_as_of(raw, today)
            .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, format!("as_of: {e}"))),
        None => Ok(today),
    }
}

#[derive(Serialize, ToSchema)]
pub struct EvidenceOut {
    /// `policy_version`, `role`, `objective`, ...
    pub kind: String,
    pub id: String,
    pub label: String,
    /// A path of the web interface.
    pub link: String,
}

#[derive(Serialize, ToSchema)]
pub struct RuleOut {
    /// Mandate's id of the requirement: `5.1.a` ... `9.3`.
    pub id: String,
    pub title: String,
    /// `met`, `partial`, `not_met` or `not_applicable`.
    pub status: String,
    pub explanation: String,
    pub evidence: Vec<EvidenceOut>,
    /// Empty when met.
    pub next_step: String,
}

#[derive(Serialize, ToSchema)]
pub struct ConformanceSummaryOut {
    pub met: usize,
    pub partial: usize,
    pub not_met: usize,
    pub not_applicable: usize,
}

#[derive(Serialize, ToSchema)]
pub struct ConformanceOut {
    pub organisation: String,
    pub as_of: Date,
    pub rules: Vec<RuleOut>,
    pub summary: ConformanceSummaryOut,
}

fn evidence_out(e: Evidence) -> EvidenceOut {
    EvidenceOut {
        kind: e.kind,
        id: e.id,
        label: e.label,
        link: e.link,
    }
}

fn rule_out(r: RuleResult) -> RuleOut {
    RuleOut {
        id: r.id,
        title: r.title,
        status: r.status.as_str().to_string(),
        explanation: r.explanation,
        evidence: r.evidence.into_iter().map(evidence_out).collect(),
        next_step: r.next_step,
    }
}

fn summary_out(s: Summary) -> ConformanceSummaryOut {
    ConformanceSummaryOut {
        met: s.met,
        partial: s.partial,
        not_met: s.not_met,
        not_applicable: s.not_applicable,
    }
}

impl From<Evaluation> for ConformanceOut {
    fn from(e: Evaluation) -> Self {
        Self {
            organisation: e.organisation,
            as_of: e.as_of,
            rules: e.rules.into_iter().map(rule_out).collect(),
            summary: summary_out(e.summary),
        }
    }
}

#[utoipa::path(get, operation_id = "conformance_show", path = "/api/v1/conformance", params(AsOfQuery), tag = "conformance",
    responses((status = 200, body = ConformanceOut), (status = 422, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<ConformanceOut>> {
    let day = as_of_day(query.as_of.as_deref())?;
    let snapshot = state
        .conformance
        .snapshot(&state.store, viewer.user.org_id, day)
        .await?;
    Ok(Json(mandate_core::conformance::evaluate(&snapshot).into()))
}
