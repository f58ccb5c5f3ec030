//! Backups as JSON lines, one row a line, read from one consistent snapshot
//! while the server runs. The format is the same for both backends, so a
//! backup of an SQLite deployment restores into PostgreSQL and back.

use super::acknowledgement_rows::{AckRow, AckTotalRow};
use super::assignments::AssignmentRow;
use super::batch::{Insertable, insert_rows};
use super::commitment_rows::{
    AttestationRow, CommunicationRow, CourseRow, FeedbackRow, ImprovementRow, InboxRow,
    PlanItemRow, ResourcePlanRow, SettingsRow, StatementRow, TrainingRow,
};
use super::delegations::DelegationRow;
use super::identity::scim_rows::{ScimGroupMemberRow, ScimGroupRow, ScimTokenRow, ScimUserRow};
use super::identity::sso_settings::SsoSettingsRow;
use super::organisation::login_links::LoginLinkRow;
use super::outbox_rows::{MailRow, MailTemplateRow};
use super::performance_rows::{
    ActionRow, KpiRow, ManagementReviewRow, MeasurementRow, ObjectiveRow, ReportRow,
    ReviewSettingsRow,
};
use super::policy_rows::{
    DecisionRow, DistributionRow, ExceptionRow, PolicyRow, ReviewRow, VersionRow,
};
use super::raci::{ActivityRow, CellRow};
use super::roles::RoleRow;
use super::rows::{CheckpointRow, EventRow, HeadRow, OrgRow, PersonRow, TokenRow, UserRow};
use super::{Db, Repo, dialect};
use crate::backend::{BACKUP_FORMAT, BackupSummary, EPHEMERAL_TABLES, RestoreSummary, TABLES};
use crate::error::{Result, StoreError};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sqlx::Transaction;
use std::io::{BufRead, Write};
use std::path::Path;

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    backend: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: time::OffsetDateTime,
}

/// The tables a backup holds, in the order a restore fills them (parents
/// first). One list drives the line format, the restore buffers and the dump.
macro_rules! backed_up {
    ($($variant:ident($row:ty) = $table:literal, $field:ident;)*) => {
        #[derive(Serialize, Deserialize)]
        #[serde(tag = "table", content = "row")]
        enum Line {
            $( #[serde(rename = $table)] $variant($row), )*
        }

        /// Rows waiting to be written by a restore, flushed parents first.
        #[derive(Default)]
        struct Pending {
            $( $field: Vec<$row>, )*
            count: usize,
        }

        impl Pending {
            fn push(&mut self, line: Line) {
                match line {
                    $( Line::$variant(r) => self.$field.push(r), )*
                }
                self.count += 1;
            }

            async fn flush(&mut self, tx: &mut Transaction<'_, Db>) -> Result<()> {
                $( flush_one(tx, &mut self.$field).await?; )*
                self.count = 0;
                Ok(())
            }
        }

        /// Writes every table; returns the rows written per table.
        async fn dump_all<W: Write>(
            tx: &mut Transaction<'_, Db>,
            out: &mut W,
        ) -> Result<Vec<(&'static str, u64)>> {
            let mut counts = Vec::new();
            $( counts.push(($table, dump(tx, out, Line::$variant).await?)); )*
            Ok(counts)
        }

        /// The tables of the backup, in restore order.
        #[cfg(test)]
        const BACKED_UP: &[&str] = &[$($table),*];
    };
}

backed_up! {
    Organisation(OrgRow) = "organisations", organisations;
    Person(PersonRow) = "people", people;
    User(UserRow) = "users", users;
    Token(TokenRow) = "api_tokens", tokens;
    LoginLink(LoginLinkRow) = "login_links", login_links;
    ScimToken(ScimTokenRow) = "scim_tokens", scim_tokens;
    ScimUser(ScimUserRow) = "scim_users", scim_users;
    ScimGroup(ScimGroupRow) = "scim_groups", scim_groups;
    ScimGroupMember(ScimGroupMemberRow) = "scim_group_members", scim_group_members;
    SsoSettings(SsoSettingsRow) = "sso_settings", sso_settings;
    Role(RoleRow) = "roles", roles;
    Assignment(AssignmentRow) = "role_assignments", assignments;
    Activity(ActivityRow) = "raci_activities", activities;
    Cell(CellRow) = "raci_cells", cells;
    Delegation(DelegationRow) = "delegations", delegations;
    Policy(PolicyRow) = "policies", policies;
    Version(VersionRow) = "policy_versions", versions;
    Decision(DecisionRow) = "policy_decisions", decisions;
    Review(ReviewRow) = "policy_reviews", reviews;
    Exception(ExceptionRow) = "policy_exceptions", exceptions;
    Distribution(DistributionRow) = "policy_distributions", distributions;
    Objective(ObjectiveRow) = "objectives", objectives;
    Kpi(KpiRow) = "kpis", kpis;
    Measurement(MeasurementRow) = "kpi_measurements", measurements;
    ManagementReview(ManagementReviewRow) = "management_reviews", management_reviews;
    Action(ActionRow) = "actions", actions;
    PerformanceReport(ReportRow) = "performance_reports", performance_reports;
    ReviewSettings(ReviewSettingsRow) = "review_settings", review_settings;
    Settings(SettingsRow) = "org_settings", org_settings;
    ResourcePlan(ResourcePlanRow) = "resource_plans", resource_plans;
    Statement(StatementRow) = "leadership_statements", statements;
    PlanItem(PlanItemRow) = "communication_plan", plan_items;
    Communication(CommunicationRow) = "communications", communications;
    Course(CourseRow) = "courses", courses;
    Training(TrainingRow) = "training_records", training;
    Feedback(FeedbackRow) = "feedback", feedback;
    FeedbackInbox(InboxRow) = "feedback_inbox", feedback_inbox;
    Improvement(ImprovementRow) = "improvements", improvements;
    Attestation(AttestationRow) = "attestations", attestations;
    Acknowledgement(AckRow) = "acknowledgements", acknowledgements;
    AcknowledgementTotal(AckTotalRow) = "acknowledgement_totals", acknowledgement_totals;
    Outbox(MailRow) = "outbox", outbox;
    MailTemplate(MailTemplateRow) = "mail_templates", mail_templates;
    Event(EventRow) = "audit_events", events;
    Checkpoint(CheckpointRow) = "audit_checkpoints", checkpoints;
    Head(HeadRow) = "audit_heads", heads;
}

async fn flush_one<T: Insertable>(tx: &mut Transaction<'_, Db>, rows: &mut Vec<T>) -> Result<()> {
    if !rows.is_empty() {
        insert_rows(tx, rows, "", |_| {}).await?;
        rows.clear();
    }
    Ok(())
}

async fn dump<T, W>(tx: &mut Transaction<'_, Db>, out: &mut W, wrap: fn(T) -> Line) -> Result<u64>
where
    T: Insertable + for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
    W: Write,
{
    let columns = T::COLUMNS.join(", ");
    // Primary keys lead with their first columns, so this order is stable.
    let sql = format!(
        "SELECT {columns} FROM {} ORDER BY {}, {}",
        T::TABLE,
        T::COLUMNS[0],
        T::COLUMNS[1]
    );
    let mut rows = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql)).fetch(&mut **tx);
    let mut count = 0;
    while let Some(row) = rows.try_next().await? {
        serde_json::to_writer(&mut *out, &wrap(row)).map_err(|e| StoreError::Io {
            context: "cannot write the backup".into(),
            source: e.into(),
        })?;
        out.write_all(b"\n")
            .map_err(StoreError::io("cannot write the backup"))?;
        count += 1;
    }
    Ok(count)
}

impl Repo {
    /// Writes every row to `path`, through a temporary file renamed into
    /// place at the end, so a failed backup never leaves a partial file.
    pub async fn backup(&self, path: &Path) -> Result<BackupSummary> {
        let partial = path.with_extension("partial");
        let file = std::fs::File::create(&partial).map_err(StoreError::io(format!(
            "cannot create {}",
            partial.display()
        )))?;
        let mut out = std::io::BufWriter::new(file);
        let result = self.write_backup(&mut out).await;
        let finished = result.and_then(|summary| {
            let file = out.into_inner().map_err(|e| StoreError::Io {
                context: "cannot write the backup".into(),
                source: e.into_error(),
            })?;
            file.sync_all()
                .map_err(StoreError::io("cannot write the backup"))?;
            std::fs::rename(&partial, path)
                .map_err(StoreError::io(format!("cannot create {}", path.display())))?;
            Ok(summary)
        });
        if finished.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        finished
    }

    async fn write_backup<W: Write>(&self, out: &mut W) -> Result<BackupSummary> {
        let mut tx = self.begin_snapshot().await?;
        let header = Header {
            format: BACKUP_FORMAT.into(),
            version: 1,
            backend: dialect::BACKEND.into(),
            created_at: mandate_core::timefmt::now(),
        };
        serde_json::to_writer(&mut *out, &header).map_err(|e| StoreError::Io {
            context: "cannot write the backup".into(),
            source: e.into(),
        })?;
        out.write_all(b"\n")
            .map_err(StoreError::io("cannot write the backup"))?;
        let counts = dump_all(&mut tx, out).await?;
        let count_of = |table: &str| {
            counts
                .iter()
                .find(|(t, _)| *t == table)
                .map_or(0, |(_, n)| *n)
        };
        Ok(BackupSummary {
            rows: counts.iter().map(|(_, n)| n).sum(),
            organisations: count_of("organisations"),
            audit_events: count_of("audit_events"),
        })
    }

    /// Restores a backup in one transaction. Refuses a database that holds
    /// any organisation unless `force`, in which case its rows are replaced.
    pub async fn restore(&self, path: &Path, force: bool) -> Result<RestoreSummary> {
        let file = std::fs::File::open(path)
            .map_err(StoreError::io(format!("cannot open {}", path.display())))?;
        let mut lines = std::io::BufReader::new(file).lines();
        let bad = |line: usize, why: String| {
            StoreError::Invalid(format!("{} line {line}: {why}", path.display()))
        };
        let first = lines
            .next()
            .transpose()
            .map_err(StoreError::io(format!("cannot read {}", path.display())))?
            .ok_or_else(|| bad(1, "the file is empty".into()))?;
        let header: Header = serde_json::from_str(&first)
            .map_err(|_| bad(1, "this is not a Mandate backup".into()))?;
        if header.format != BACKUP_FORMAT || header.version != 1 {
            return Err(bad(
                1,
                format!(
                    "unsupported backup format {} version {}",
                    header.format, header.version
                ),
            ));
        }

        let mut tx = self.begin_write().await?;
        let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organisations")
            .fetch_one(&mut *tx)
            .await?;
        if existing > 0 {
            if !force {
                return Err(StoreError::Conflict(format!(
                    "the database already holds {existing} organisation(s); pass --force to replace them"
                )));
            }
            for table in EPHEMERAL_TABLES.iter().chain(TABLES.iter().rev()) {
                sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let mut pending = Pending::default();
        let mut summary = RestoreSummary::default();
        for (index, line) in lines.enumerate() {
            let number = index + 2;
            let line = line.map_err(StoreError::io(format!("cannot read {}", path.display())))?;
            if line.trim().is_empty() {
                continue;
            }
            let parsed: Line =
                serde_json::from_str(&line).map_err(|e| bad(number, e.to_string()))?;
            if matches!(parsed, Line::Organisation(_)) {
                summary.organisations += 1;
            }
            pending.push(parsed);
            summary.rows += 1;
            if pending.count >= 5_000 {
                pending.flush(&mut tx).await?;
            }
        }
        pending.flush(&mut tx).await?;
        tx.commit().await?;
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backups_fill_tables_in_the_order_restores_need() {
        assert_eq!(super::BACKED_UP, crate::backend::TABLES);
    }
}
