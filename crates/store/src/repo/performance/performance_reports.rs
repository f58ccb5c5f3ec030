//! Performance reports to top management (5.3 b): produced by the holder of
//! the performance-reporter duty, then recorded as presented to named
//! top-management members on a date. The content is compiled by the caller
//! from live records and kept as it was produced.

use super::super::Repo;
use super::super::batch::save_row;
use super::super::decision_authority::holds_flagged_role;
use super::super::objectives::must_exist;
use super::super::performance_rows::ReportRow;
use super::super::row_type::columns;
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::performance::{PerformanceReport, ReportContent, check_period};
use mandate_core::{OrgId, PersonId, ReportId};
use time::Date;

impl Repo {
    /// Records a report produced by `producer`, who must hold the
    /// performance-reporter duty today.
    pub async fn produce_report(
        &self,
        actor: &Actor,
        org: OrgId,
        producer: PersonId,
        title: String,
        period: (Date, Date),
        content: ReportContent,
    ) -> Result<PerformanceReport> {
        let title = title.trim().to_string();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "title: name the report, in at most 200 characters".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let today = chain.at().date();
        check_period(period.0, period.1, today).map_err(StoreError::Invalid)?;
        if !holds_flagged_role(&mut tx, org, producer, today, "performance_reporter").await? {
            return Err(StoreError::Refused(
                "performance reports are produced by the holder of the performance-reporter duty (5.3 b); you hold no role with it today".into(),
            ));
        }
        let report = PerformanceReport {
            id: ReportId::new(),
            org_id: org,
            title,
            period_from: period.0,
            period_to: period.1,
            produced_by: producer,
            content,
            presented_on: None,
            presented_to: Vec::new(),
            created_at: chain.at(),
            version: 1,
        };
        save_row(&mut tx, &ReportRow::from(&report), 2).await?;
        chain.record(Change::created(
            "performance_report",
            report.id,
            serde_json::to_value(&report).unwrap_or_default(),
        ));
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Records that a report was presented, on `on`, to `audience`: each a
    /// holder of a top-management role that day.
    pub async fn present_report(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ReportId,
        on: Date,
        mut audience: Vec<PersonId>,
    ) -> Result<PerformanceReport> {
        audience.sort();
        audience.dedup();
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let sql = format!(
            "SELECT {} FROM performance_reports WHERE org_id = $1 AND report_id = $2",
            columns(ReportRow::SELECT)
        );
        let row: Option<ReportRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        let before: PerformanceReport = row
            .ok_or_else(|| StoreError::NotFound {
                entity: "performance report",
                id: id.to_string(),
            })?
            .try_into()?;
        if before.presented_on.is_some() {
            return Err(StoreError::Conflict(
                "this report's presentation is recorded already".into(),
            ));
        }
        if on < before.created_at.date() || on > chain.at().date() {
            return Err(StoreError::Invalid(format!(
                "presented_on: between the day the report was produced ({}) and today",
                before.created_at.date()
            )));
        }
        if audience.is_empty() {
            return Err(StoreError::Invalid(
                "presented_to: name the top-management members it was presented to".into(),
            ));
        }
        for person in &audience {
            must_exist(
                &mut tx,
                "people",
                "person_id",
                org,
                person.0,
                "presented_to",
            )
            .await?;
            if !holds_flagged_role(&mut tx, org, *person, on, "top_management").await? {
                return Err(StoreError::Invalid(format!(
                    "presented_to: {person} held no top-management role on {on}"
                )));
            }
        }
        let after = PerformanceReport {
            presented_on: Some(on),
            presented_to: audience,
            version: before.version + 1,
            ..before.clone()
        };
        save_row(&mut tx, &ReportRow::from(&after), 2).await?;
        chain.record(Change {
            action: "present",
            ..Change::updated(
                "performance_report",
                id,
                serde_json::to_value(&before).unwrap_or_default(),
                serde_json::to_value(&after).unwrap_or_default(),
            )
        });
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Every report, latest period first.
    pub async fn performance_reports(&self, org: OrgId) -> Result<Vec<PerformanceReport>> {
        let sql = format!(
            "SELECT {} FROM performance_reports WHERE org_id = $1 ORDER BY period_to DESC, report_id",
            columns(ReportRow::SELECT)
        );
        let rows: Vec<ReportRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(PerformanceReport::try_from).collect()
    }
}
