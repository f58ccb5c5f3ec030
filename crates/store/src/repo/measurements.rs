//! KPI values: recorded in batches (a form, an API call or a CSV upload) in
//! one transaction, so a batch is recorded whole or not at all. A value for
//! a day already measured corrects it; the correction is audited with the
//! value it replaced.

use super::Repo;
use super::batch::save_row;
use super::performance_rows::MeasurementRow;
use super::row_type::columns;
use crate::backend::MeasurementSummary;
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::performance::{Measurement, MeasurementEntry};
use mandate_core::{KpiId, OrgId, UserId};
use std::collections::HashSet;

impl Repo {
    /// Records `entries`; the first bad entry refuses the whole batch, naming
    /// its position (1-based) so a caller can point at the line.
    pub async fn record_measurements(
        &self,
        actor: &Actor,
        org: OrgId,
        by: UserId,
        entries: Vec<MeasurementEntry>,
    ) -> Result<MeasurementSummary> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let today = chain.at().date();
        let kpis: HashSet<uuid::Uuid> =
            sqlx::query_as::<_, (uuid::Uuid,)>("SELECT kpi_id FROM kpis WHERE org_id = $1")
                .bind(org.0)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|(id,)| id)
                .collect();
        let mut summary = MeasurementSummary::default();
        let mut seen = HashSet::new();
        let select = format!(
            "SELECT {} FROM kpi_measurements WHERE org_id = $1 AND kpi_id = $2 AND measured_on = $3",
            columns(MeasurementRow::SELECT)
        );
        for (index, entry) in entries.into_iter().enumerate() {
            let at = |e: String| StoreError::Invalid(format!("entry {}: {e}", index + 1));
            let entry = entry.validated(today).map_err(at)?;
            if !kpis.contains(&entry.kpi_id.0) {
                return Err(at(format!("kpi: there is no KPI {} here", entry.kpi_id)));
            }
            if !seen.insert((entry.kpi_id, entry.measured_on)) {
                return Err(at(format!(
                    "a second value for the same KPI on {}",
                    entry.measured_on
                )));
            }
            let before: Option<MeasurementRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(select.as_str()))
                    .bind(org.0)
                    .bind(entry.kpi_id.0)
                    .bind(entry.measured_on)
                    .fetch_optional(&mut *tx)
                    .await?;
            let before = before.map(Measurement::from);
            if before
                .as_ref()
                .is_some_and(|b| b.value == entry.value && b.note == entry.note)
            {
                summary.unchanged += 1;
                continue;
            }
            let m = Measurement {
                kpi_id: entry.kpi_id,
                measured_on: entry.measured_on,
                value: entry.value,
                note: entry.note,
                recorded_by: by,
                recorded_at: chain.at(),
            };
            save_row(&mut tx, &MeasurementRow::new(org, &m), 3).await?;
            let key = format!("{}@{}", m.kpi_id, m.measured_on);
            let after = serde_json::to_value(&m).unwrap_or_default();
            chain.record(match before {
                Some(b) => {
                    summary.corrected += 1;
                    Change::updated(
                        "measurement",
                        key,
                        serde_json::to_value(&b).unwrap_or_default(),
                        after,
                    )
                }
                None => {
                    summary.added += 1;
                    Change::created("measurement", key, after)
                }
            });
        }
        // Values from before a KPI was set up (a history brought in) mean it
        // has been measured since then: its first value is due from there.
        sqlx::query(
            "UPDATE kpis SET starts_on = (SELECT MIN(m.measured_on) FROM kpi_measurements m \
             WHERE m.org_id = kpis.org_id AND m.kpi_id = kpis.kpi_id) \
             WHERE org_id = $1 AND starts_on > (SELECT MIN(m.measured_on) FROM kpi_measurements m \
             WHERE m.org_id = kpis.org_id AND m.kpi_id = kpis.kpi_id)",
        )
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// The values of one KPI, or of all, oldest first.
    pub async fn measurements(&self, org: OrgId, kpi: Option<KpiId>) -> Result<Vec<Measurement>> {
        let filter = if kpi.is_some() {
            " AND kpi_id = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {} FROM kpi_measurements WHERE org_id = $1{filter} ORDER BY kpi_id, measured_on",
            columns(MeasurementRow::SELECT)
        );
        let mut query = sqlx::query_as::<_, MeasurementRow>(sqlx::AssertSqlSafe(sql)).bind(org.0);
        if let Some(kpi) = kpi {
            query = query.bind(kpi.0);
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(Measurement::from).collect())
    }
}
