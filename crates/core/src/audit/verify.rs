//! Verification of one organisation's chain, streaming: events are pushed in
//! sequence order and only the running head is kept, so a chain of any length
//! verifies in constant memory.

use super::chain::{AuditEvent, ChainHead};
use super::key::PublicKey;
use super::signed::{CHECKPOINT_INTERVAL, Checkpoint, Head};
use crate::ids::OrgId;
use std::collections::{BTreeMap, BTreeSet};

/// The first thing found wrong, with the sequence number it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Tamper {
    #[error("event {seq}: its stored fields do not match its hash (the event was altered)")]
    Altered { seq: i64 },
    #[error("event {seq}: its previous-hash does not match event {}'s hash (an event before it was altered, removed or inserted)", seq - 1)]
    BrokenLink { seq: i64 },
    #[error("event {seq} is missing (the next stored event is {found}): events were deleted")]
    Missing { seq: i64, found: i64 },
    #[error("event {seq} is out of order or duplicated (expected event {expected})")]
    OutOfOrder { seq: i64, expected: i64 },
    #[error("event {seq} belongs to organisation {found}, not {expected}")]
    WrongOrganisation {
        seq: i64,
        expected: OrgId,
        found: OrgId,
    },
    #[error(
        "checkpoint at event {seq}: the signature does not verify with public key {key} (forged or signed by another key)"
    )]
    BadCheckpointSignature { seq: i64, key: String },
    #[error(
        "checkpoint at event {seq}: it vouches for hash {expected} but event {seq} has hash {found}"
    )]
    CheckpointMismatch {
        seq: i64,
        expected: String,
        found: String,
    },
    #[error(
        "checkpoint at event {seq} is missing: one is written every {CHECKPOINT_INTERVAL} events"
    )]
    CheckpointMissing { seq: i64 },
    #[error(
        "event {seq} is missing: the chain ends at event {last} but a signed {by} vouches for event {vouched} (the tail was cut off)"
    )]
    TailCut {
        seq: i64,
        last: i64,
        vouched: i64,
        by: &'static str,
    },
    #[error(
        "the chain's head (event {seq}): the signature does not verify with public key {key} (forged or signed by another key)"
    )]
    BadHeadSignature { seq: i64, key: String },
    #[error(
        "event {seq}: the signed head vouches for hash {expected} but the event has hash {found}"
    )]
    HeadMismatch {
        seq: i64,
        expected: String,
        found: String,
    },
    #[error(
        "event {seq}: the chain goes on past the signed head (event {head}); events were appended without the signing key"
    )]
    BeyondHead { seq: i64, head: i64 },
    #[error("the chain has no signed head; the record of where it ends was removed")]
    NoHead,
}

impl Tamper {
    /// The first sequence number found bad (0 when the head record itself is missing).
    pub fn seq(&self) -> i64 {
        match self {
            Tamper::Altered { seq }
            | Tamper::BrokenLink { seq }
            | Tamper::Missing { seq, .. }
            | Tamper::OutOfOrder { seq, .. }
            | Tamper::WrongOrganisation { seq, .. }
            | Tamper::BadCheckpointSignature { seq, .. }
            | Tamper::CheckpointMismatch { seq, .. }
            | Tamper::CheckpointMissing { seq }
            | Tamper::TailCut { seq, .. }
            | Tamper::BadHeadSignature { seq, .. }
            | Tamper::HeadMismatch { seq, .. }
            | Tamper::BeyondHead { seq, .. } => *seq,
            Tamper::NoHead => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub org_id: OrgId,
    pub events: i64,
    pub checkpoints: usize,
    pub head: ChainHead,
}

pub struct ChainVerifier {
    key: PublicKey,
    head: ChainHead,
    pending_checkpoints: BTreeMap<i64, Checkpoint>,
    checkpoint_seqs: BTreeSet<i64>,
    signed_head_seq: Option<i64>,
}

impl ChainVerifier {
    /// Starts a verification of `org_id`'s chain. Checkpoint signatures are
    /// checked here, before any event, so a forged one is named first.
    pub fn new(
        key: PublicKey,
        org_id: OrgId,
        checkpoints: Vec<Checkpoint>,
    ) -> Result<Self, Tamper> {
        let mut pending = BTreeMap::new();
        for cp in checkpoints {
            if cp.org_id != org_id || !cp.verifies_with(&key) {
                return Err(Tamper::BadCheckpointSignature {
                    seq: cp.seq,
                    key: key.to_hex(),
                });
            }
            pending.insert(cp.seq, cp);
        }
        let checkpoint_seqs = pending.keys().copied().collect();
        Ok(Self {
            key,
            head: ChainHead::empty(org_id),
            pending_checkpoints: pending,
            checkpoint_seqs,
            signed_head_seq: None,
        })
    }

    /// Gives the verifier the chain's signed head; with it, events past the
    /// head are refused as they arrive.
    pub fn expect_head(&mut self, head: &Head) -> Result<(), Tamper> {
        if head.org_id != self.head.org_id || !head.verifies_with(&self.key) {
            return Err(Tamper::BadHeadSignature {
                seq: head.seq,
                key: self.key.to_hex(),
            });
        }
        self.signed_head_seq = Some(head.seq);
        Ok(())
    }

    pub fn push(&mut self, event: &AuditEvent) -> Result<(), Tamper> {
        let expected = self.head.seq + 1;
        if event.seq > expected {
            return Err(Tamper::Missing {
                seq: expected,
                found: event.seq,
            });
        }
        if event.seq < expected {
            return Err(Tamper::OutOfOrder {
                seq: event.seq,
                expected,
            });
        }
        if event.org_id != self.head.org_id {
            return Err(Tamper::WrongOrganisation {
                seq: event.seq,
                expected: self.head.org_id,
                found: event.org_id,
            });
        }
        if let Some(head_seq) = self.signed_head_seq
            && event.seq > head_seq
        {
            return Err(Tamper::BeyondHead {
                seq: event.seq,
                head: head_seq,
            });
        }
        // A changed field of this event shows as a hash mismatch here; a changed
        // earlier event whose hash was recomputed shows as a broken link.
        if event.compute_hash() != event.hash {
            return Err(Tamper::Altered { seq: event.seq });
        }
        if event.prev_hash != self.head.hash {
            return Err(Tamper::BrokenLink { seq: event.seq });
        }
        if let Some(cp) = self.pending_checkpoints.remove(&event.seq)
            && cp.head_hash != event.hash
        {
            return Err(Tamper::CheckpointMismatch {
                seq: event.seq,
                expected: cp.head_hash,
                found: event.hash.clone(),
            });
        }
        if event.seq % CHECKPOINT_INTERVAL == 0 && !self.checkpoint_seqs.contains(&event.seq) {
            return Err(Tamper::CheckpointMissing { seq: event.seq });
        }
        self.head.seq = event.seq;
        self.head.hash.clone_from(&event.hash);
        Ok(())
    }

    /// Ends the verification: the signed head and every checkpoint must point
    /// inside the chain, at the hashes found there.
    pub fn finish(self, head: Option<&Head>) -> Result<VerifyReport, Tamper> {
        let last = self.head.seq;
        if let Some((&seq, _)) = self.pending_checkpoints.iter().next() {
            return Err(Tamper::TailCut {
                seq: last + 1,
                last,
                vouched: seq,
                by: "checkpoint",
            });
        }
        let Some(head) = head else {
            return Err(Tamper::NoHead);
        };
        if head.org_id != self.head.org_id || !head.verifies_with(&self.key) {
            return Err(Tamper::BadHeadSignature {
                seq: head.seq,
                key: self.key.to_hex(),
            });
        }
        if head.seq > last {
            return Err(Tamper::TailCut {
                seq: last + 1,
                last,
                vouched: head.seq,
                by: "head",
            });
        }
        if head.seq < last {
            return Err(Tamper::BeyondHead {
                seq: head.seq + 1,
                head: head.seq,
            });
        }
        if head.head_hash != self.head.hash {
            return Err(Tamper::HeadMismatch {
                seq: last,
                expected: head.head_hash.clone(),
                found: self.head.hash,
            });
        }
        Ok(VerifyReport {
            org_id: self.head.org_id,
            events: last,
            checkpoints: self.checkpoint_seqs.len(),
            head: self.head,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::chain::EventDraft;
    use crate::audit::key::SigningKey;
    use crate::timefmt::now;
    use proptest::prelude::*;

    struct Chain {
        key: SigningKey,
        org: OrgId,
        events: Vec<AuditEvent>,
        checkpoints: Vec<Checkpoint>,
        head: Head,
    }

    fn chain(len: usize) -> Chain {
        let key = SigningKey::from_seed([3; 32]);
        let org = OrgId::new();
        let at = now();
        let mut head = ChainHead::empty(org);
        let mut events = Vec::new();
        let mut checkpoints = Vec::new();
        for i in 0..len {
            let draft = EventDraft {
                occurred_at: at,
                actor: format!("user:{i}"),
                entity_type: "person".into(),
                entity_id: format!("p{i}"),
                action: "update".into(),
                before: Some(format!("{{\"n\":{i}}}")),
                after: (i % 3 != 0).then(|| format!("{{\"n\":{}}}", i + 1)),
            };
            events.push(head.append(draft));
            if head.seq % CHECKPOINT_INTERVAL == 0 {
                checkpoints.push(Checkpoint::sign(&head, at, &key));
            }
        }
        let signed = Head::sign(&head, at, &key);
        Chain {
            key,
            org,
            events,
            checkpoints,
            head: signed,
        }
    }

    fn verify(c: &Chain) -> Result<VerifyReport, Tamper> {
        let mut v = ChainVerifier::new(c.key.public_key(), c.org, c.checkpoints.clone())?;
        v.expect_head(&c.head)?;
        for e in &c.events {
            v.push(e)?;
        }
        v.finish(Some(&c.head))
    }

    #[test]
    fn an_untouched_chain_verifies_with_its_checkpoints() {
        let c = chain(2_345);
        let report = verify(&c).expect("untampered");
        assert_eq!((report.events, report.checkpoints), (2_345, 2));
    }

    #[test]
    fn an_empty_chain_verifies_against_its_head() {
        let c = chain(0);
        assert_eq!(verify(&c).map(|r| r.events), Ok(0));
    }

    proptest! {
        #[test]
        fn any_changed_byte_of_any_field_is_caught_at_that_event(
            len in 1usize..40,
            pick in any::<prop::sample::Index>(),
            field in 0usize..8,
            byte in any::<prop::sample::Index>(),
        ) {
            let mut c = chain(len);
            let i = pick.index(len);
            let e = &mut c.events[i];
            let target: &mut String = match field {
                0 => &mut e.actor,
                1 => &mut e.entity_type,
                2 => &mut e.entity_id,
                3 => &mut e.action,
                4 => e.before.get_or_insert_with(String::new),
                5 => e.after.get_or_insert_with(String::new),
                6 => &mut e.prev_hash,
                _ => &mut e.hash,
            };
            if target.is_empty() {
                target.push('x');
            } else {
                let at = byte.index(target.len());
                let mut bytes = std::mem::take(target).into_bytes();
                bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
                *target = String::from_utf8_lossy(&bytes).into_owned();
            }
            let seq = c.events[i].seq;
            prop_assert_eq!(verify(&c).map_err(|t| t.seq()), Err(seq));
        }

        #[test]
        fn any_removed_or_swapped_event_is_caught(len in 2usize..40, pick in any::<prop::sample::Index>(), swap in any::<bool>()) {
            let mut c = chain(len);
            let i = pick.index(len - 1);
            if swap {
                c.events.swap(i, i + 1);
            } else {
                c.events.remove(i);
            }
            let first_bad = c.events[i].seq.min(i as i64 + 1);
            prop_assert_eq!(verify(&c).map_err(|t| t.seq()), Err(first_bad));
        }

        #[test]
        fn any_cut_tail_is_caught(len in 1usize..40, keep in any::<prop::sample::Index>()) {
            let mut c = chain(len);
            let kept = keep.index(len);
            c.events.truncate(kept);
            let outcome = verify(&c);
            prop_assert!(matches!(outcome, Err(Tamper::TailCut { .. })), "{:?}", outcome);
        }
    }
}
