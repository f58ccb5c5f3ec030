//! The snapshots the conformance check reads, kept between requests. Every
//! change to the records is an audited transaction that lengthens the
//! organisation's audit chain, so a snapshot gathered when the chain had
//! `n` events still holds while it has `n`: the dashboard and the
//! conformance page then answer from memory, and gather again (in full)
//! after any change.

use super::gather;
use mandate_core::OrgId;
use mandate_core::conformance::Snapshot;
use mandate_store::{Store, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::Date;

/// More snapshots than this (organisations times days looked at) and the
/// cache starts over: it is a convenience, never a store.
const MOST: usize = 64;

#[derive(Default)]
pub struct SnapshotCache {
    kept: Mutex<HashMap<(OrgId, Date), Gathered>>,
}

/// A snapshot and the length of the audit chain when it was gathered.
struct Gathered {
    events: i64,
    snapshot: Arc<Snapshot>,
}

impl SnapshotCache {
    /// The records of `org` as they stood at the end of `day`.
    pub async fn snapshot(
        &self,
        store: &Store,
        org: OrgId,
        day: Date,
    ) -> Result<Arc<Snapshot>, StoreError> {
        // Read before gathering: a change made while gathering leaves the
        // snapshot labelled with the shorter chain, so it is gathered again.
        let events = store.audit_head(org).await?.map_or(0, |h| h.seq);
        if let Some(kept) = self.kept(org, day, events) {
            return Ok(kept);
        }
        let snapshot = Arc::new(gather(store, org, day).await?);
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= MOST {
                kept.clear();
            }
            kept.insert(
                (org, day),
                Gathered {
                    events,
                    snapshot: Arc::clone(&snapshot),
                },
            );
        }
        Ok(snapshot)
    }

    fn kept(&self, org: OrgId, day: Date, events: i64) -> Option<Arc<Snapshot>> {
        let kept = self.kept.lock().ok()?;
        kept.get(&(org, day))
            .filter(|g| g.events == events)
            .map(|g| Arc::clone(&g.snapshot))
    }
}
