//! KPI values: recorded in batches (a form, an API call or a CSV upload) in
//! one transaction, so a batch is recorded whole or not at all. A value for
//! a day already measured corrects it; the correction is audited with the
//! value it replaced.
//!
//! Who may record what is decided here, in that transaction, from the
//! recording login: those who may edit performance records (admin, ISMS
//! manager, top management) record any value; anyone else (a line manager)
//! only values of the KPIs they are asked for, never replacing a value
//! someone else entered. See [`refuse_unasked`].

use super::super::batch::save_row;
use super::super::performance_rows::MeasurementRow;
use super::super::row_type::columns;
use super::super::{Db, Repo};
use crate::backend::MeasurementSummary;
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::performance::{Measurement, MeasurementEntry};
use mandate_core::{AccessRole, KpiId, OrgId, Permission, UserId};
use sqlx::Transaction;
use std::collections::{HashMap, HashSet};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The first line of a refusal by [`refuse_unasked`]; each refused entry
/// follows on a line of its own, as `entry N: ...` (N 1-based), so a caller
/// can point at the line of a file it came from.
const REFUSED_HEADLINE: &str = "you may record values only for the KPIs you are asked for \
     (those whose objective is owned by an ISMS role you hold today), and may not replace \
     a value someone else entered; nothing was recorded";

impl Repo {
    /// Records `entries` as entered by the login `by`; the first bad entry
    /// refuses the whole batch, naming its position (1-based) so a caller can
    /// point at the line. A batch with an entry `by` may not record is
    /// refused whole too, every such entry named (see [`refuse_unasked`]).
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
        let mut checked = Vec::with_capacity(entries.len());
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
            checked.push((entry, before.map(Measurement::from)));
        }
        refuse_unasked(&mut tx, org, by, today, &checked).await?;
        for (entry, before) in checked {
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

/// Refuses the batch unless the login `by` may record every value of it
/// (each entry with the value it would replace, if any).
///
/// CLAUSE5.md: a line manager records "KPI values they are asked for". A KPI
/// names no person; what it offers is its objective's owner role, an ISMS
/// role. So a login that may not edit performance records (a line manager)
/// is asked for a KPI when the person behind it holds that role on `today`
/// (an assignment in force, as for authorities), and may correct a value
/// only if it was entered by that same login: a value someone else entered
/// stays theirs to correct (or the ISMS manager's). Every refused entry is
/// named, with its KPI, so a file is fixed in one pass.
async fn refuse_unasked(
    tx: &mut Transaction<'static, Db>,
    org: OrgId,
    by: UserId,
    today: Date,
    checked: &[(MeasurementEntry, Option<Measurement>)],
) -> Result<()> {
    let login: Option<(Uuid, String, Option<OffsetDateTime>)> = sqlx::query_as(
        "SELECT person_id, access_role, disabled_at FROM users WHERE org_id = $1 AND user_id = $2",
    )
    .bind(org.0)
    .bind(by.0)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((person, role, disabled_at)) = login else {
        return Err(StoreError::NotFound {
            entity: "user",
            id: by.to_string(),
        });
    };
    let role: AccessRole = role.parse().map_err(StoreError::corrupt)?;
    if disabled_at.is_some() || !role.may(Permission::RecordMeasurements) {
        return Err(StoreError::Refused(format!(
            "recording KPI values takes an access role that records them; yours is {role}"
        )));
    }
    if role.may(Permission::EditPerformance) {
        return Ok(());
    }
    // Each KPI with its objective, the objective's owner role, and whether
    // the person holds that role today.
    let kpis: Vec<(Uuid, String, String, String, i64)> = sqlx::query_as(
        "SELECT k.kpi_id, k.name, o.title, r.name, \
         (SELECT COUNT(*) FROM role_assignments a WHERE a.org_id = o.org_id AND a.role_id = o.owner_role_id \
          AND a.person_id = $2 AND a.starts_on <= $3 AND (a.ends_on IS NULL OR a.ends_on >= $3)) \
         FROM kpis k JOIN objectives o ON o.org_id = k.org_id AND o.objective_id = k.objective_id \
         JOIN roles r ON r.org_id = o.org_id AND r.role_id = o.owner_role_id \
         WHERE k.org_id = $1",
    )
    .bind(org.0)
    .bind(person)
    .bind(today)
    .fetch_all(&mut **tx)
    .await?;
    let kpis: HashMap<Uuid, (String, String, String, bool)> = kpis
        .into_iter()
        .map(|(id, kpi, objective, owner, held)| (id, (kpi, objective, owner, held > 0)))
        .collect();
    let mut refused = Vec::new();
    for (index, (entry, before)) in checked.iter().enumerate() {
        let n = index + 1;
        let Some((kpi, objective, owner, held)) = kpis.get(&entry.kpi_id.0) else {
            refused.push(format!(
                "entry {n}: KPI {} is not one you are asked for",
                entry.kpi_id
            ));
            continue;
        };
        if !held {
            refused.push(format!(
                "entry {n}: KPI {kpi:?} is not one you are asked for: its objective {objective:?} \
                 is owned by the ISMS role {owner:?}, which you do not hold today"
            ));
            continue;
        }
        let replaces = before
            .as_ref()
            .filter(|b| b.recorded_by != by && (b.value != entry.value || b.note != entry.note));
        if let Some(b) = replaces {
            refused.push(format!(
                "entry {n}: KPI {kpi:?} on {}: the value {} was entered by someone else; \
                 they or the ISMS manager may correct it",
                entry.measured_on, b.value
            ));
        }
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Refused(format!(
            "{REFUSED_HEADLINE}\n{}",
            refused.join("\n")
        )))
    }
}
