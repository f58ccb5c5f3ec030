//! The offline form of an audit chain: JSON lines an auditor can verify with
//! nothing but the deployment's public key.
//!
//! Per organisation: a header, its checkpoints, its signed head, then its
//! events in sequence order.

use super::chain::AuditEvent;
use super::signed::{Checkpoint, Head};
use crate::ids::OrgId;
use serde::{Deserialize, Serialize};

pub const EXPORT_FORMAT: &str = "mandate-audit-export";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ExportLine {
    Header {
        format: String,
        version: u32,
        org_id: OrgId,
        organisation: String,
    },
    Checkpoint(Checkpoint),
    Head(Head),
    Event(AuditEvent),
}
