//! Writing to and reading from the audit chains.

use super::batch::insert_rows;
use super::rows::{CheckpointRow, EventRow, HeadRow};
use super::{Db, Repo, dialect};
use crate::error::{Result, StoreError};
use futures_util::TryStreamExt;
use mandate_core::OrgId;
use mandate_core::audit::{
    Actor, AuditEvent, CHECKPOINT_INTERVAL, ChainHead, ChainVerifier, Change, Checkpoint,
    EXPORT_FORMAT, EventDraft, ExportLine, Head, PublicKey, SigningKey, Tamper, VerifyReport,
};
use mandate_core::timefmt::{now, parse_instant};
use sqlx::Transaction;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const EVENT_COLUMNS: &str = "org_id, seq, occurred_at, actor, entity_type, entity_id, action, before_json, after_json, prev_hash, hash";
const HEAD_UPSERT: &str = " ON CONFLICT (org_id) DO UPDATE SET seq = excluded.seq, head_hash = excluded.head_hash, \
     updated_at = excluded.updated_at, public_key = excluded.public_key, signature = excluded.signature";

/// The events of one transaction, sealed into the chain as they are
/// recorded and written by [`Appender::seal`] before the transaction commits.
pub struct Appender<'k> {
    key: &'k SigningKey,
    head: ChainHead,
    actor: Actor,
    at: OffsetDateTime,
    events: Vec<EventRow>,
    checkpoints: Vec<CheckpointRow>,
}

impl<'k> Appender<'k> {
    fn new(key: &'k SigningKey, head: ChainHead, actor: &Actor, at: OffsetDateTime) -> Self {
        Self {
            key,
            head,
            actor: actor.clone(),
            at,
            events: Vec::new(),
            checkpoints: Vec::new(),
        }
    }

    /// The instant every event of this transaction carries.
    pub fn at(&self) -> OffsetDateTime {
        self.at
    }

    pub fn record(&mut self, change: Change) {
        let actor = self.actor.clone();
        self.record_by(&actor, change);
    }

    /// Records a change made by someone other than the transaction's actor:
    /// a batch of answers from many people commits as one transaction.
    pub fn record_by(&mut self, actor: &Actor, change: Change) {
        self.append(actor.as_str(), change, self.at);
    }

    /// Records a change as made at `at`, not at the transaction's instant:
    /// confidential feedback is filed as of the day it arrived. The chain
    /// orders events by sequence alone; their times need not increase.
    pub fn record_at(&mut self, change: Change, at: OffsetDateTime) {
        let actor = self.actor.clone();
        self.append(actor.as_str(), change, at);
    }

    fn append(&mut self, actor: &str, change: Change, at: OffsetDateTime) {
        let event = self.head.append(EventDraft::from_change(change, actor, at));
        if event.seq % CHECKPOINT_INTERVAL == 0 {
            self.checkpoints.push(CheckpointRow::from(&Checkpoint::sign(
                &self.head, self.at, self.key,
            )));
        }
        self.events.push(EventRow::from(&event));
    }

    /// Writes the events, any checkpoints they crossed, and the newly signed head.
    pub async fn seal(self, tx: &mut Transaction<'_, Db>) -> Result<()> {
        insert_rows(tx, &self.events, "", |_| {}).await?;
        insert_rows(tx, &self.checkpoints, "", |_| {}).await?;
        let head = Head::sign(&self.head, self.at, self.key);
        insert_rows(tx, &[HeadRow::from(&head)], HEAD_UPSERT, |_| {}).await?;
        Ok(())
    }
}

impl Repo {
    /// Locks `org`'s chain for the rest of `tx` and positions an appender at its head.
    pub(super) async fn lock_chain(
        &self,
        tx: &mut Transaction<'_, Db>,
        org: OrgId,
        actor: &Actor,
    ) -> Result<Appender<'_>> {
        let key = self.key()?;
        let head: Option<(i64, String)> = sqlx::query_as(dialect::LOCK_HEAD)
            .bind(org.0)
            .fetch_optional(&mut **tx)
            .await?;
        let (seq, hash) = head.ok_or_else(|| StoreError::NotFound {
            entity: "organisation",
            id: org.to_string(),
        })?;
        Ok(Appender::new(
            key,
            ChainHead {
                org_id: org,
                seq,
                hash,
            },
            actor,
            now(),
        ))
    }

    /// An appender for the chain of an organisation created in this transaction.
    pub(super) fn new_chain(
        &self,
        org: OrgId,
        actor: &Actor,
        at: OffsetDateTime,
    ) -> Result<Appender<'_>> {
        Ok(Appender::new(self.key()?, ChainHead::empty(org), actor, at))
    }

    /// One organisation's signed head.
    pub async fn audit_head(&self, org: OrgId) -> Result<Option<Head>> {
        let row: Option<HeadRow> = sqlx::query_as(
            "SELECT org_id, seq, head_hash, updated_at, public_key, signature FROM audit_heads WHERE org_id = $1",
        )
        .bind(org.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Head::from))
    }

    /// Every organisation's signed head.
    pub async fn audit_heads(&self) -> Result<Vec<Head>> {
        let rows: Vec<HeadRow> = sqlx::query_as(
            "SELECT org_id, seq, head_hash, updated_at, public_key, signature FROM audit_heads",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Head::from).collect())
    }

    /// Recomputes `org`'s chain from its first event and checks every
    /// checkpoint and the head against `key`. The outer error is a failure to
    /// read; the inner one is the first sign of tampering.
    pub async fn verify_chain(
        &self,
        org: OrgId,
        key: &PublicKey,
    ) -> Result<Result<VerifyReport, Tamper>> {
        let mut tx = self.begin_snapshot().await?;
        let checkpoints = load_checkpoints(&mut tx, org).await?;
        let head = load_head(&mut tx, org).await?;
        let mut verifier = match ChainVerifier::new(*key, org, checkpoints) {
            Ok(v) => v,
            Err(t) => return Ok(Err(t)),
        };
        if let Some(head) = &head
            && let Err(t) = verifier.expect_head(head)
        {
            return Ok(Err(t));
        }
        let pushed = match dialect::EVENT_CHUNKS {
            Some(sql) => push_chunks(&mut tx, org, sql, &mut verifier).await?,
            None => push_rows(&mut tx, org, &mut verifier).await?,
        };
        if let Err(t) = pushed {
            return Ok(Err(t));
        }
        Ok(verifier.finish(head.as_ref()))
    }

    /// Writes `org`'s chain as export lines: header, checkpoints, head, events.
    pub async fn export_chain(
        &self,
        org: OrgId,
        organisation: &str,
        out: &mut (dyn FnMut(&ExportLine) -> std::io::Result<()> + Send),
    ) -> Result<u64> {
        let io = |e| StoreError::Io {
            context: "cannot write the export".into(),
            source: e,
        };
        let mut tx = self.begin_snapshot().await?;
        out(&ExportLine::Header {
            format: EXPORT_FORMAT.into(),
            version: 1,
            org_id: org,
            organisation: organisation.into(),
        })
        .map_err(io)?;
        for cp in load_checkpoints(&mut tx, org).await? {
            out(&ExportLine::Checkpoint(cp)).map_err(io)?;
        }
        if let Some(head) = load_head(&mut tx, org).await? {
            out(&ExportLine::Head(head)).map_err(io)?;
        }
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM audit_events WHERE org_id = $1 ORDER BY seq");
        let mut events = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch(&mut *tx);
        let mut count = 0;
        while let Some(row) = events.try_next().await? {
            out(&ExportLine::Event(AuditEvent::from(row))).map_err(io)?;
            count += 1;
        }
        Ok(count)
    }

    /// Signs a checkpoint at `org`'s current head now, unless the chain is
    /// empty; returns the existing one if the head is already checkpointed.
    pub async fn checkpoint_now(&self, org: OrgId) -> Result<Option<Checkpoint>> {
        let key = self.key()?;
        let mut tx = self.begin_write().await?;
        let head: Option<(i64, String)> = sqlx::query_as(dialect::LOCK_HEAD)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((seq, hash)) = head else {
            return Err(StoreError::NotFound {
                entity: "organisation",
                id: org.to_string(),
            });
        };
        if seq == 0 {
            return Ok(None);
        }
        let existing: Option<CheckpointRow> = sqlx::query_as(
            "SELECT org_id, seq, head_hash, created_at, public_key, signature FROM audit_checkpoints \
             WHERE org_id = $1 AND seq = $2",
        )
        .bind(org.0)
        .bind(seq)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            return Ok(Some(row.into()));
        }
        let checkpoint = Checkpoint::sign(
            &ChainHead {
                org_id: org,
                seq,
                hash,
            },
            now(),
            key,
        );
        insert_rows(&mut tx, &[CheckpointRow::from(&checkpoint)], "", |_| {}).await?;
        tx.commit().await?;
        Ok(Some(checkpoint))
    }

    /// The newest checkpoint of `org`, if any.
    pub async fn last_checkpoint(&self, org: OrgId) -> Result<Option<Checkpoint>> {
        let row: Option<CheckpointRow> = sqlx::query_as(
            "SELECT org_id, seq, head_hash, created_at, public_key, signature FROM audit_checkpoints \
             WHERE org_id = $1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(org.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Checkpoint::from))
    }
}

/// Feeds `org`'s events to `verifier` row by row.
async fn push_rows(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    verifier: &mut ChainVerifier,
) -> Result<Result<(), Tamper>> {
    let sql = format!("SELECT {EVENT_COLUMNS} FROM audit_events WHERE org_id = $1 ORDER BY seq");
    let mut events = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .fetch(&mut **tx);
    let mut last = 0;
    loop {
        match events.try_next().await {
            Ok(Some(row)) => {
                last = row.seq;
                if let Err(t) = verifier.push(&AuditEvent::from(row)) {
                    return Ok(Err(t));
                }
            }
            Ok(None) => return Ok(Ok(())),
            // A field altered into something its column cannot hold.
            Err(sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_)) => {
                return Ok(Err(Tamper::Altered { seq: last + 1 }));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// One event as a JSON array of its stored fields (see `dialect::EVENT_CHUNKS`).
#[derive(serde::Deserialize)]
struct ChunkEvent(
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

/// Feeds `org`'s events to `verifier` a chunk at a time.
async fn push_chunks(
    tx: &mut Transaction<'_, Db>,
    org: OrgId,
    sql: &'static str,
    verifier: &mut ChainVerifier,
) -> Result<Result<(), Tamper>> {
    let mut last = 0;
    loop {
        let chunk: std::result::Result<(Option<String>, Option<i64>), sqlx::Error> =
            sqlx::query_as(sql)
                .bind(org.0)
                .bind(last)
                .fetch_one(&mut **tx)
                .await;
        let (json, max) = match chunk {
            Ok((Some(json), Some(max))) => (json, max),
            Ok(_) => return Ok(Ok(())),
            // SQLite could not render a field as JSON: it holds what its column
            // never would (a blob, say). Other database errors are read errors.
            Err(sqlx::Error::Database(e)) if e.message().contains("JSON") => {
                return Ok(Err(Tamper::Altered { seq: last + 1 }));
            }
            Err(sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_)) => {
                return Ok(Err(Tamper::Altered { seq: last + 1 }));
            }
            Err(e) => return Err(e.into()),
        };
        let Ok(events) = serde_json::from_str::<Vec<ChunkEvent>>(&json) else {
            return Ok(Err(Tamper::Altered { seq: last + 1 }));
        };
        for ChunkEvent(
            seq,
            at,
            actor,
            entity_type,
            entity_id,
            action,
            before,
            after,
            prev_hash,
            hash,
        ) in events
        {
            // The text must be exactly what was written, not merely the same instant.
            let Some(occurred_at) = parse_instant(&at)
                .ok()
                .filter(|t| t.format(&Rfc3339).ok().as_deref() == Some(&at))
            else {
                return Ok(Err(Tamper::Altered { seq }));
            };
            let event = AuditEvent {
                org_id: org,
                seq,
                occurred_at,
                actor,
                entity_type,
                entity_id,
                action,
                before,
                after,
                prev_hash,
                hash,
            };
            if let Err(t) = verifier.push(&event) {
                return Ok(Err(t));
            }
        }
        last = max;
    }
}

async fn load_checkpoints(tx: &mut Transaction<'_, Db>, org: OrgId) -> Result<Vec<Checkpoint>> {
    let rows: Vec<CheckpointRow> = sqlx::query_as(
        "SELECT org_id, seq, head_hash, created_at, public_key, signature FROM audit_checkpoints \
         WHERE org_id = $1 ORDER BY seq",
    )
    .bind(org.0)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(Checkpoint::from).collect())
}

async fn load_head(tx: &mut Transaction<'_, Db>, org: OrgId) -> Result<Option<Head>> {
    let row: Option<HeadRow> =
        sqlx::query_as("SELECT org_id, seq, head_hash, updated_at, public_key, signature FROM audit_heads WHERE org_id = $1")
            .bind(org.0)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(Head::from))
}

impl Repo {
    /// Audit events of `org`, newest first, filtered.
    pub async fn audit_events(
        &self,
        org: OrgId,
        query: &crate::backend::AuditQuery,
    ) -> Result<crate::backend::AuditPage> {
        let limit = query.limit.clamp(1, 500);
        // Only the filters given become conditions (see `people_page` for why).
        let mut sql = format!("SELECT {EVENT_COLUMNS} FROM audit_events WHERE org_id = $1");
        let mut n = 1;
        let mut condition = |sql: &mut String, template: &str| {
            n += 1;
            sql.push_str(" AND ");
            sql.push_str(&template.replace('?', &format!("${n}")));
        };
        let texts = [
            ("entity_type = ?", &query.entity_type),
            ("entity_id = ?", &query.entity_id),
            ("actor = ?", &query.actor),
        ];
        for (template, value) in &texts {
            if value.is_some() {
                condition(&mut sql, template);
            }
        }
        if query.from.is_some() {
            condition(&mut sql, dialect::OCCURRED_FROM);
        }
        if query.until.is_some() {
            condition(&mut sql, dialect::OCCURRED_BEFORE);
        }
        if query.before_seq.is_some() {
            condition(&mut sql, "seq < ?");
        }
        sql.push_str(&format!(" ORDER BY seq DESC LIMIT ${}", n + 1));
        let mut statement = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql)).bind(org.0);
        for (_, value) in texts {
            if let Some(v) = value {
                statement = statement.bind(v.as_str());
            }
        }
        if let Some(from) = query.from {
            statement = statement.bind(from);
        }
        if let Some(until) = query.until {
            statement = statement.bind(until);
        }
        if let Some(seq) = query.before_seq {
            statement = statement.bind(seq);
        }
        let rows = statement
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        let mut items: Vec<AuditEvent> = rows.into_iter().map(AuditEvent::from).collect();
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|e| e.seq)
        } else {
            None
        };
        Ok(crate::backend::AuditPage { items, next_cursor })
    }
}
