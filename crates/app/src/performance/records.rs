//! The performance records loaded together, and what is compiled from them:
//! a management review's pack (with the policy, role and change summaries
//! from their own registers) and a performance report's content.

use crate::AppResult;
use crate::roles::holders_on;
use mandate_core::performance::{
    Action, ChangeSummary, Health, Kpi, ManagementReview, Measurement, Objective, PackSources,
    PolicyLine, ReportContent, ReviewPack, compile_pack, objective_lines,
};
use mandate_core::policy::ReviewStatus;
use mandate_core::{OrgId, PersonId};
use mandate_store::Store;
use std::collections::HashMap;
use time::Date;

/// Objectives, KPIs, values and actions of one organisation, with the names
/// of the people the actions belong to.
pub struct PerformanceRecords {
    pub objectives: Vec<Objective>,
    pub kpis: Vec<Kpi>,
    pub measurements: Vec<Measurement>,
    pub actions: Vec<Action>,
    pub names: HashMap<PersonId, String>,
}

impl PerformanceRecords {
    pub async fn load(store: &Store, org: OrgId) -> AppResult<Self> {
        let actions = store.actions(org).await?;
        let owners = actions.iter().map(|a| a.fields.owner_id).collect();
        Ok(Self {
            objectives: store.objectives(org).await?,
            kpis: store.kpis(org).await?,
            measurements: {
                // Sorted by KPI, so each KPI's values are found by bisection.
                let mut values = store.measurements(org, None).await?;
                values.sort_by_key(|m| (m.kpi_id, m.measured_on));
                values
            },
            names: store.person_names(org, owners).await?,
            actions,
        })
    }

    /// The records as they stood at the end of `day`: objectives and actions
    /// entered by then (values and KPIs are dated already).
    pub fn as_of(mut self, day: Date) -> Self {
        self.objectives.retain(|o| o.created_at.date() <= day);
        self.actions.retain(|a| a.created_at.date() <= day);
        self
    }

    pub fn name(&self, id: PersonId) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "someone no longer in the register".into())
    }

    /// Objectives with their status, KPIs and plan on `day`.
    pub fn objective_lines(&self, day: Date) -> Vec<mandate_core::performance::ObjectiveLine> {
        objective_lines(
            day,
            &self.objectives,
            &self.kpis,
            &self.measurements,
            &self.actions,
            &|id| self.name(id),
            None,
        )
    }

    /// How many objectives stand at each status on `day`.
    pub fn health_counts(&self, day: Date) -> [(Health, usize); 3] {
        let lines = self.objective_lines(day);
        [Health::OnTrack, Health::AtRisk, Health::OffTrack]
            .map(|h| (h, lines.iter().filter(|l| l.health == h).count()))
    }
}

async fn policy_lines(store: &Store, org: OrgId, day: Date) -> AppResult<Vec<PolicyLine>> {
    let exceptions = store.exceptions(org, None).await?;
    let summaries = store.policy_summaries(org).await?;
    Ok(summaries
        .into_iter()
        .map(|s| {
            let status = s.review_status(day);
            let mine = exceptions.iter().filter(|e| e.policy_id == s.policy.id);
            let review = match status {
                ReviewStatus::NeverApproved => "never approved".to_string(),
                ReviewStatus::Overdue { due } => format!("review overdue since {due}"),
                ReviewStatus::DueSoon { due } | ReviewStatus::Current { due } => {
                    format!("review due by {due}")
                }
            };
            PolicyLine {
                id: s.policy.id,
                title: s.policy.fields.title.clone(),
                published_version: s.published.as_ref().map(|v| i64::from(v.number)),
                review,
                review_overdue: matches!(status, ReviewStatus::Overdue { .. }),
                open_exceptions: mine.clone().filter(|e| e.status_on(day).in_force()).count(),
                expired_exceptions: mine
                    .filter(|e| e.status_on(day) == mandate_core::policy::ExceptionStatus::Expired)
                    .count(),
            }
        })
        .collect())
}

/// Compiles `review`'s pack from the live records on `day`.
pub async fn compile_review_pack(
    store: &Store,
    org: OrgId,
    review: &ManagementReview,
    day: Date,
) -> AppResult<ReviewPack> {
    let records = PerformanceRecords::load(store, org).await?;
    let earlier: Vec<ManagementReview> = store
        .management_reviews(org)
        .await?
        .into_iter()
        .filter(|r| r.id != review.id && r.held_on.is_some_and(|d| d <= day))
        .collect();
    let since = earlier.iter().filter_map(|r| r.held_on).max();
    let earlier_ids: Vec<_> = earlier.iter().map(|r| r.id).collect();
    // The review's pack goes to top management, who assign roles.
    let role_gaps = crate::roles::gaps(store, org, day, crate::roles::DeclineReasons::Shown)
        .await?
        .into_iter()
        .map(|g| format!("{}: {}", g.role, g.detail))
        .collect();
    let changes: ChangeSummary = store.changes_since(org, since, day).await?;
    // Everything awaited comes before the borrowed closure below, which is
    // not `Send`.
    let policies = policy_lines(store, org, day).await?;
    Ok(compile_pack(PackSources {
        day,
        objectives: &records.objectives,
        kpis: &records.kpis,
        measurements: &records.measurements,
        actions: &records.actions,
        earlier_reviews: &earlier_ids,
        person_name: &|id| records.name(id),
        policies,
        role_gaps,
        changes,
    }))
}

/// A performance report's content for a period, as the records stood at its end.
pub async fn compile_report(
    store: &Store,
    org: OrgId,
    from: Date,
    to: Date,
) -> AppResult<ReportContent> {
    let records = PerformanceRecords::load(store, org).await?;
    Ok(ReportContent::compile(
        from,
        to,
        &records.objectives,
        &records.kpis,
        &records.measurements,
        &records.actions,
        &|id| records.name(id),
    ))
}

/// The people holding a top-management role on `day`.
pub async fn top_management_on(
    store: &Store,
    org: OrgId,
    day: Date,
) -> AppResult<std::collections::HashSet<PersonId>> {
    let roles = store.roles(org).await?;
    let top: Vec<_> = roles
        .iter()
        .filter(|r| r.fields.top_management)
        .map(|r| r.id)
        .collect();
    Ok(holders_on(store, org, day)
        .await?
        .of_any(&top)
        .into_iter()
        .collect())
}
