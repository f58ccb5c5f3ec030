//! Audit events and the hash that links each to the one before.

use super::canonical::canonical_json;
use crate::ids::OrgId;
use crate::timefmt::format_instant;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// A SHA-256 digest, kept as lower-case hex as it is stored and exported.
pub type Hash = String;

/// The `prev_hash` of the first event of every chain.
pub const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change to one record, before it is placed in a chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub entity_type: &'static str,
    pub entity_id: String,
    pub action: &'static str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Change {
    pub fn created(
        entity_type: &'static str,
        entity_id: impl ToString,
        after: serde_json::Value,
    ) -> Self {
        Self {
            entity_type,
            entity_id: entity_id.to_string(),
            action: "create",
            before: None,
            after: Some(after),
        }
    }

    pub fn updated(
        entity_type: &'static str,
        entity_id: impl ToString,
        before: serde_json::Value,
        after: serde_json::Value,
    ) -> Self {
        Self {
            entity_type,
            entity_id: entity_id.to_string(),
            action: "update",
            before: Some(before),
            after: Some(after),
        }
    }
}

/// The fields of an event that a writer supplies; sequence and hashes come
/// from the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventDraft {
    pub occurred_at: OffsetDateTime,
    pub actor: String,
    pub entity_type: String,
    pub entity_id: String,
    pub action: String,
    /// Canonical JSON of the record before the change; `None` for a creation.
    pub before: Option<String>,
    /// Canonical JSON of the record after the change; `None` for a removal.
    pub after: Option<String>,
}

impl EventDraft {
    pub fn from_change(change: Change, actor: &str, occurred_at: OffsetDateTime) -> Self {
        Self {
            occurred_at,
            actor: actor.to_string(),
            entity_type: change.entity_type.to_string(),
            entity_id: change.entity_id,
            action: change.action.to_string(),
            before: change.before.as_ref().map(canonical_json),
            after: change.after.as_ref().map(canonical_json),
        }
    }
}

/// An event as stored: every field is covered by `hash`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub org_id: OrgId,
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    pub actor: String,
    pub entity_type: String,
    pub entity_id: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: Hash,
    pub hash: Hash,
}

impl AuditEvent {
    /// SHA-256 over the canonical encoding of every field but `hash` itself.
    ///
    /// Each field is written as `<byte length>:<bytes>\n` (an absent before or
    /// after image as `-\n`), so no two different events share an encoding:
    /// moving bytes from one field to the next changes a length.
    pub fn compute_hash(&self) -> Hash {
        let mut h = Sha256::new();
        let mut field = |bytes: Option<&[u8]>| match bytes {
            Some(b) => {
                h.update(b.len().to_string().as_bytes());
                h.update(b":");
                h.update(b);
                h.update(b"\n");
            }
            None => h.update(b"-\n"),
        };
        field(Some(b"mandate-audit-event-v1"));
        field(Some(self.prev_hash.as_bytes()));
        field(Some(self.org_id.to_string().as_bytes()));
        field(Some(self.seq.to_string().as_bytes()));
        field(Some(format_instant(self.occurred_at).as_bytes()));
        field(Some(self.actor.as_bytes()));
        field(Some(self.entity_type.as_bytes()));
        field(Some(self.entity_id.as_bytes()));
        field(Some(self.action.as_bytes()));
        field(self.before.as_deref().map(str::as_bytes));
        field(self.after.as_deref().map(str::as_bytes));
        hex::encode(h.finalize())
    }
}

/// Where a chain ends: the next event gets `seq + 1` and links to `hash`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainHead {
    pub org_id: OrgId,
    pub seq: i64,
    pub hash: Hash,
}

impl ChainHead {
    pub fn empty(org_id: OrgId) -> Self {
        Self {
            org_id,
            seq: 0,
            hash: ZERO_HASH.to_string(),
        }
    }

    /// Seals `draft` as the next event and advances the head past it.
    pub fn append(&mut self, draft: EventDraft) -> AuditEvent {
        let mut event = AuditEvent {
            org_id: self.org_id,
            seq: self.seq + 1,
            occurred_at: draft.occurred_at,
            actor: draft.actor,
            entity_type: draft.entity_type,
            entity_id: draft.entity_id,
            action: draft.action,
            before: draft.before,
            after: draft.after,
            prev_hash: self.hash.clone(),
            hash: String::new(),
        };
        event.hash = event.compute_hash();
        self.seq = event.seq;
        self.hash = event.hash.clone();
        event
    }
}
