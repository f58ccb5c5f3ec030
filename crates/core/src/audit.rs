//! The tamper-evident audit log.
//!
//! Every change to a record becomes an [`AuditEvent`] in its organisation's
//! chain: the event's hash covers its fields and the previous event's hash, so
//! changing, removing, inserting or reordering any event breaks every hash after
//! it. Ed25519-signed [`Checkpoint`]s (every [`CHECKPOINT_INTERVAL`] events, and
//! on demand) and a signed [`Head`] (rewritten with every transaction) pin the
//! chain, so rewriting it wholesale or cutting off its tail needs the signing
//! key, which never lives in the database.

mod actor;
mod canonical;
mod chain;
mod export;
mod key;
mod signed;
mod verify;

pub use actor::Actor;
pub use canonical::canonical_json;
pub use chain::{AuditEvent, ChainHead, Change, EventDraft, Hash, ZERO_HASH};
pub use export::{EXPORT_FORMAT, ExportLine};
pub use key::{InvalidKey, PublicKey, SigningKey};
pub use signed::{CHECKPOINT_INTERVAL, Checkpoint, Head};
pub use verify::{ChainVerifier, Tamper, VerifyReport};
