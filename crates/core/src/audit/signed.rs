//! Signed statements about a chain: checkpoints (kept forever) and the head
//! (rewritten by every transaction).
//!
//! A checkpoint says "event `seq` of this organisation's chain has hash `h`";
//! the head says the same of the chain's last event. Both are signed over a
//! fixed text, so an auditor holding only the public key can check them.

use super::chain::{ChainHead, Hash};
use super::key::{PublicKey, SigningKey};
use crate::ids::OrgId;
use crate::timefmt::format_instant;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A checkpoint is written automatically after every this many events.
pub const CHECKPOINT_INTERVAL: i64 = 1_000;

fn statement(kind: &str, org_id: OrgId, seq: i64, hash: &str, at: OffsetDateTime) -> String {
    format!(
        "mandate-{kind}-v1\norg {org_id}\nseq {seq}\nhash {hash}\nat {}\n",
        format_instant(at)
    )
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub org_id: OrgId,
    pub seq: i64,
    pub head_hash: Hash,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub public_key: String,
    pub signature: String,
}

impl Checkpoint {
    pub fn sign(head: &ChainHead, at: OffsetDateTime, key: &SigningKey) -> Self {
        let text = statement("checkpoint", head.org_id, head.seq, &head.hash, at);
        Self {
            org_id: head.org_id,
            seq: head.seq,
            head_hash: head.hash.clone(),
            created_at: at,
            public_key: key.public_key().to_hex(),
            signature: key.sign(text.as_bytes()),
        }
    }

    pub fn verifies_with(&self, key: &PublicKey) -> bool {
        let text = statement(
            "checkpoint",
            self.org_id,
            self.seq,
            &self.head_hash,
            self.created_at,
        );
        key.verifies(text.as_bytes(), &self.signature)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub org_id: OrgId,
    pub seq: i64,
    pub head_hash: Hash,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub public_key: String,
    pub signature: String,
}

impl Head {
    pub fn sign(head: &ChainHead, at: OffsetDateTime, key: &SigningKey) -> Self {
        let text = statement("head", head.org_id, head.seq, &head.hash, at);
        Self {
            org_id: head.org_id,
            seq: head.seq,
            head_hash: head.hash.clone(),
            updated_at: at,
            public_key: key.public_key().to_hex(),
            signature: key.sign(text.as_bytes()),
        }
    }

    pub fn verifies_with(&self, key: &PublicKey) -> bool {
        let text = statement(
            "head",
            self.org_id,
            self.seq,
            &self.head_hash,
            self.updated_at,
        );
        key.verifies(text.as_bytes(), &self.signature)
    }

    pub fn chain_head(&self) -> ChainHead {
        ChainHead {
            org_id: self.org_id,
            seq: self.seq,
            hash: self.head_hash.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timefmt::now;

    #[test]
    fn a_checkpoint_and_a_head_are_not_interchangeable() {
        let key = SigningKey::from_seed([1; 32]);
        let head = ChainHead {
            org_id: OrgId::new(),
            seq: 5,
            hash: "ab".repeat(32),
        };
        let at = now();
        let cp = Checkpoint::sign(&head, at, &key);
        let mut as_head = Head::sign(&head, at, &key);
        assert!(cp.verifies_with(&key.public_key()));
        as_head.signature = cp.signature.clone();
        assert!(!as_head.verifies_with(&key.public_key()));
    }
}
