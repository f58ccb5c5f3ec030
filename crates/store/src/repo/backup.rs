//! Backups as JSON lines, one row a line, read from one consistent snapshot
//! while the server runs. The format is the same for both backends, so a
//! backup of an SQLite deployment restores into PostgreSQL and back.

use super::batch::{Insertable, insert_rows};
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

#[derive(Serialize, Deserialize)]
#[serde(tag = "table", content = "row")]
enum Line {
    #[serde(rename = "organisations")]
    Organisation(OrgRow),
    #[serde(rename = "people")]
    Person(PersonRow),
    #[serde(rename = "users")]
    User(UserRow),
    #[serde(rename = "api_tokens")]
    Token(TokenRow),
    #[serde(rename = "audit_events")]
    Event(EventRow),
    #[serde(rename = "audit_checkpoints")]
    Checkpoint(CheckpointRow),
    #[serde(rename = "audit_heads")]
    Head(HeadRow),
}

/// Rows waiting to be written by a restore, flushed parents first.
#[derive(Default)]
struct Pending {
    organisations: Vec<OrgRow>,
    people: Vec<PersonRow>,
    users: Vec<UserRow>,
    tokens: Vec<TokenRow>,
    events: Vec<EventRow>,
    checkpoints: Vec<CheckpointRow>,
    heads: Vec<HeadRow>,
    count: usize,
}

impl Pending {
    fn push(&mut self, line: Line) {
        match line {
            Line::Organisation(r) => self.organisations.push(r),
            Line::Person(r) => self.people.push(r),
            Line::User(r) => self.users.push(r),
            Line::Token(r) => self.tokens.push(r),
            Line::Event(r) => self.events.push(r),
            Line::Checkpoint(r) => self.checkpoints.push(r),
            Line::Head(r) => self.heads.push(r),
        }
        self.count += 1;
    }

    async fn flush(&mut self, tx: &mut Transaction<'_, Db>) -> Result<()> {
        flush_one(tx, &mut self.organisations).await?;
        flush_one(tx, &mut self.people).await?;
        flush_one(tx, &mut self.users).await?;
        flush_one(tx, &mut self.tokens).await?;
        flush_one(tx, &mut self.events).await?;
        flush_one(tx, &mut self.checkpoints).await?;
        flush_one(tx, &mut self.heads).await?;
        self.count = 0;
        Ok(())
    }
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
        let organisations = dump(&mut tx, out, Line::Organisation).await?;
        let people = dump(&mut tx, out, Line::Person).await?;
        let users = dump(&mut tx, out, Line::User).await?;
        let tokens = dump(&mut tx, out, Line::Token).await?;
        let audit_events = dump(&mut tx, out, Line::Event).await?;
        let checkpoints = dump(&mut tx, out, Line::Checkpoint).await?;
        let heads = dump(&mut tx, out, Line::Head).await?;
        Ok(BackupSummary {
            rows: organisations + people + users + tokens + audit_events + checkpoints + heads,
            organisations,
            audit_events,
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
