//! What an evidence pack holds, ready to be laid out: the conformance
//! evaluation and the records behind it as they stood on the day, in plain
//! strings and numbers, so the HTML page, the PDF and the JSON file say the
//! same thing from one value.

use mandate_core::conformance::Evaluation;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Bumped when the JSON's shape changes in a way a reader would notice.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvidencePack {
    pub format_version: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    /// The records are as they stood at the end of this day.
    pub as_of: Date,
    /// The audit period looked at, when one was chosen.
    pub period: Option<Period>,
    pub organisation: OrganisationInfo,
    pub evaluation: Evaluation,
    pub policies: Vec<PolicyEntry>,
    pub roles: Vec<RoleEntry>,
    pub raci: RaciTable,
    pub objectives: Vec<ObjectiveEntry>,
    pub reviews: Vec<ReviewEntry>,
    pub resources: Vec<ResourceEntry>,
    pub communications: Vec<CommunicationEntry>,
    pub audit: AuditChainInfo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub starts_on: Date,
    pub ends_on: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationInfo {
    pub name: String,
    pub slug: String,
    pub purpose: String,
    pub scope: String,
    pub strategic_goals: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalEntry {
    pub approver: String,
    /// The ISMS role that gave the authority, as recorded with the decision.
    pub authority: String,
    pub decided_on: Date,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckEntry {
    /// Owed the version in force on the day.
    pub addressed: usize,
    pub done: usize,
    /// Still owing it past the grace period.
    pub overdue: usize,
}

impl AckEntry {
    /// Whole per cent acknowledged; none addressed is none done.
    pub fn percent(&self) -> usize {
        (self.done * 100).checked_div(self.addressed).unwrap_or(0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyEntry {
    pub title: String,
    /// "Information security policy" or "Topic-specific policy".
    pub kind: String,
    /// The parent policy's title, for a topic-specific one.
    pub parent: Option<String>,
    pub owner_role: String,
    /// The version in force on the day, if any.
    pub version: Option<i32>,
    pub published_on: Option<Date>,
    pub approvals: Vec<ApprovalEntry>,
    /// "review due by …", "review overdue since …", "not yet approved".
    pub review: String,
    pub review_overdue: bool,
    pub acknowledgements: Option<AckEntry>,
    /// A public address, or distributions recorded, for interested parties.
    pub public: bool,
    pub distributions: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderEntry {
    pub name: String,
    pub since: Date,
    pub until: Option<Date>,
    pub deputy: Option<String>,
    /// Share of time, in per cent, if set.
    pub capacity_percent: Option<u8>,
    pub acknowledged_on: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleEntry {
    pub name: String,
    pub purpose: String,
    pub responsibilities: Vec<String>,
    pub authorities: Vec<String>,
    pub reports_to: Option<String>,
    pub top_management: bool,
    pub conformance_owner: bool,
    pub performance_reporter: bool,
    pub critical: bool,
    pub holders: Vec<HolderEntry>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaciTable {
    /// Column headings: the roles that appear in the matrix.
    pub roles: Vec<String>,
    pub rows: Vec<RaciRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaciRow {
    pub activity: String,
    /// One letter (R, A, C, I) or "" per column.
    pub cells: Vec<String>,
    /// What is wrong with the row, if anything.
    pub problems: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiEntry {
    pub name: String,
    pub unit: String,
    pub target: f64,
    /// "higher is better" or "lower is better".
    pub direction: String,
    pub status: String,
    pub latest: Option<(Date, f64)>,
    pub values: usize,
    /// The trend chart as SVG; laid out, never part of the JSON file.
    #[serde(skip)]
    pub chart_svg: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveEntry {
    pub title: String,
    pub strategic_goal: String,
    pub due_on: Date,
    /// "on track", "at risk", "off track".
    pub status: String,
    pub reasons: Vec<String>,
    pub kpis: Vec<KpiEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewEntry {
    pub title: String,
    pub planned_on: Date,
    pub held_on: Option<Date>,
    pub chair: String,
    pub attendees: Vec<String>,
    pub top_management_attended: bool,
    /// Labels of the required inputs it did not cover.
    pub inputs_missing: Vec<String>,
    pub decisions: Vec<String>,
    pub actions: usize,
    /// The SHA-256 of the frozen pack, the same the hold event carries.
    pub pack_sha256: Option<String>,
    pub minutes_approved_on: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetEntry {
    pub category: String,
    pub planned: String,
    pub actual: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceEntry {
    pub fiscal_year: String,
    pub currency: String,
    pub lines: Vec<BudgetEntry>,
    pub planned_total: String,
    pub actual_total: String,
    /// "approved on … by … (authority)" or "not approved".
    pub approval: String,
    pub approved: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunicationEntry {
    pub occurred_on: Date,
    pub channel: String,
    pub audience: String,
    pub topic: String,
    pub sponsor: String,
    /// Sponsored by a member of top management.
    pub leadership: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedPoint {
    pub seq: i64,
    pub hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub signed_at: OffsetDateTime,
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainEvent {
    pub seq: i64,
    pub hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditChainInfo {
    /// The last event recorded by the end of the day the pack is as of: the
    /// records the pack shows are those this event's chain had reached.
    pub as_of_event: Option<ChainEvent>,
    /// The chain's signed head when the pack was made.
    pub head: Option<SignedPoint>,
    /// The last signed checkpoint.
    pub checkpoint: Option<SignedPoint>,
    /// The Ed25519 public key the signatures verify with (hex).
    pub public_key: String,
    /// How to check, offline, that the log behind the pack is untampered.
    pub verify_commands: Vec<String>,
}

impl EvidencePack {
    /// The pack as pretty JSON, for the JSON download and the PDF's layout.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
