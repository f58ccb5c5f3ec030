//! Inputs and results of the acknowledgement store shared by both backends.

use mandate_core::acknowledgement::AckAnswer;
use mandate_core::audit::Actor;
use mandate_core::{PersonId, VersionId};

/// One person's answer to one version, as handed to `answer_acknowledgements`.
#[derive(Clone, Debug)]
pub struct AnswerIn {
    /// Who answers, as the audit log records them.
    pub actor: Actor,
    pub person_id: PersonId,
    pub version_id: VersionId,
    pub answer: AckAnswer,
    /// The SHA-256 of the text the person was shown.
    pub shown_sha256: String,
}

/// What a reconciliation changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReconcileSummary {
    pub versions: usize,
    pub owed: usize,
    pub released: usize,
}

/// A version that was published, without its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedVersion {
    pub version_id: VersionId,
    pub policy_id: mandate_core::PolicyId,
    pub number: i32,
    pub state: mandate_core::policy::VersionState,
    pub published_at: time::OffsetDateTime,
    pub material_change: bool,
}

/// Whom a campaign's people list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeopleFilter {
    /// Everyone addressed (released excluded).
    Addressed,
    Owed,
    Overdue,
    Done,
    Declined,
    Released,
}

/// A page of a campaign's people: filters, and where the last page ended.
#[derive(Clone, Debug)]
pub struct CampaignPeopleQuery {
    pub filter: PeopleFilter,
    /// `Some(None)` for those with no department.
    pub department: Option<Option<String>>,
    pub manager_id: Option<PersonId>,
    /// Only this line manager's area (them and everyone below them).
    pub area_of: Option<PersonId>,
    /// The (name, id) of the last person of the previous page.
    pub after: Option<(String, PersonId)>,
    /// None: everyone (for a CSV file).
    pub limit: Option<i64>,
    pub today: time::Date,
}

/// One person of a campaign, with their name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignPerson {
    pub person_id: PersonId,
    pub name: String,
    pub email: String,
    pub department: Option<String>,
    pub state: mandate_core::acknowledgement::AckState,
    pub due_on: time::Date,
    pub answered_at: Option<time::OffsetDateTime>,
    pub reason: String,
}
