//! Rows of acknowledgements and their totals.

use super::super::row_type::row_type;
use crate::error::{Result, StoreError};
use mandate_core::acknowledgement::{AckRequest, AckState};
use mandate_core::{OrgId, PersonId, PolicyId, VersionId};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

row_type!(AckRow in "acknowledgements" {
    org_id: Uuid,
    version_id: Uuid,
    person_id: Uuid,
    policy_id: Uuid,
    owed_since: OffsetDateTime,
    due_on: Date,
    state: String,
    text_sha256: Option<String>,
    answered_at: Option<OffsetDateTime>,
    reason: String,
    department: Option<String>,
    manager_id: Option<Uuid>,
    version: i64,
    released_at: Option<OffsetDateTime>,
});

impl From<&AckRequest> for AckRow {
    fn from(a: &AckRequest) -> Self {
        Self {
            org_id: a.org_id.0,
            version_id: a.version_id.0,
            person_id: a.person_id.0,
            policy_id: a.policy_id.0,
            owed_since: a.owed_since,
            due_on: a.due_on,
            state: a.state.as_str().into(),
            text_sha256: a.text_sha256.clone(),
            answered_at: a.answered_at,
            reason: a.reason.clone(),
            released_at: a.released_at,
            department: a.department.clone(),
            manager_id: a.manager_id.map(|m| m.0),
            version: a.version,
        }
    }
}

impl TryFrom<AckRow> for AckRequest {
    type Error = StoreError;
    fn try_from(r: AckRow) -> Result<Self> {
        Ok(AckRequest {
            org_id: OrgId(r.org_id),
            version_id: VersionId(r.version_id),
            policy_id: PolicyId(r.policy_id),
            person_id: PersonId(r.person_id),
            owed_since: r.owed_since,
            due_on: r.due_on,
            state: AckState::parse(&r.state).ok_or_else(|| {
                StoreError::corrupt(format!("acknowledgement state {:?}", r.state))
            })?,
            text_sha256: r.text_sha256,
            answered_at: r.answered_at,
            reason: r.reason,
            released_at: r.released_at,
            department: r.department,
            manager_id: r.manager_id.map(PersonId),
            version: r.version,
        })
    }
}

row_type!(AckTotalRow in "acknowledgement_totals" {
    org_id: Uuid,
    version_id: Uuid,
    state: String,
    count: i64,
});
