//! Plain results shared by both backends (types defined inside `repo/` would
//! exist twice, once per backend).

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub rows: u64,
    pub organisations: u64,
    pub audit_events: u64,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub rows: u64,
    pub organisations: u64,
}

/// A signed-in browser session, with the user it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: mandate_core::User,
    pub csrf_token: String,
    pub created_at: time::OffsetDateTime,
    pub last_seen_at: time::OffsetDateTime,
    /// The last working day of the user's person, if they are leaving or left.
    pub person_end_date: Option<time::Date>,
}

/// One page of a people list, with the cursor of the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeoplePage {
    pub items: Vec<mandate_core::Person>,
    pub next_cursor: Option<String>,
}

/// Which people to list: a case-insensitive search in names and emails, and
/// the cursor of a previous page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleQuery {
    pub search: Option<String>,
    pub cursor: Option<String>,
    pub limit: u32,
    /// Only this line manager and those who report to them, directly or
    /// through others.
    pub area_of: Option<mandate_core::PersonId>,
}

/// Which audit events to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub from: Option<time::OffsetDateTime>,
    pub until: Option<time::OffsetDateTime>,
    /// Events before this sequence number (the cursor of the previous page).
    pub before_seq: Option<i64>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub items: Vec<mandate_core::audit::AuditEvent>,
    pub next_cursor: Option<i64>,
}

/// Which outbox messages to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxQuery {
    /// Only messages in this state.
    pub state: Option<mandate_core::outbox::MailState>,
    /// Messages after this one (the cursor of the previous page).
    pub after: Option<uuid::Uuid>,
    pub limit: u32,
}

/// One page of the outbox, with the message the next page starts after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxPage {
    pub items: Vec<mandate_core::outbox::Mail>,
    pub next_after: Option<uuid::Uuid>,
}

/// The editable fields of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationChanges {
    pub name: String,
    pub purpose: String,
    pub scope_statement: String,
    pub strategic_goals: Vec<String>,
    pub fiscal_year_start_month: u8,
}
