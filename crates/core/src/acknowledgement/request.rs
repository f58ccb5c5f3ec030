//! One person's acknowledgement of one version: owed from a moment, due a
//! grace period later, then accepted, declined with a reason, carried over
//! from the version before, or released (they left the audience, or the
//! version was superseded before they answered).

use crate::ids::{OrgId, PersonId, PolicyId, VersionId};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use time::{Date, Duration, OffsetDateTime};

crate::named_enum! {
    pub enum AckState {
        Owed = ("owed", "owed"),
        Accepted = ("accepted", "accepted"),
        Declined = ("declined", "declined"),
        /// A non-material change: the acknowledgement of the version before counts.
        CarriedOver = ("carried_over", "carried over"),
        /// Left the audience, or the version was superseded, before answering.
        Released = ("released", "released"),
    }
}

impl AckState {
    /// Answered by the person, or counted as answered.
    pub fn is_done(self) -> bool {
        matches!(self, AckState::Accepted | AckState::CarriedOver)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckRequest {
    pub org_id: OrgId,
    pub version_id: VersionId,
    pub policy_id: PolicyId,
    pub person_id: PersonId,
    #[serde(with = "time::serde::rfc3339")]
    pub owed_since: OffsetDateTime,
    pub due_on: Date,
    pub state: AckState,
    /// The SHA-256 of the text the person was shown when they answered.
    pub text_sha256: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    /// Why they declined.
    pub reason: String,
    /// When it stopped being owed (they left the audience, or the version
    /// was superseded or retired before they answered).
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub released_at: Option<OffsetDateTime>,
    /// Their department and line manager when they came to owe it.
    pub department: Option<String>,
    pub manager_id: Option<PersonId>,
    pub version: i64,
}

impl AckRequest {
    /// A new request owed from `since`, due `grace_days` later.
    pub fn owed(
        org_id: OrgId,
        policy_id: PolicyId,
        version_id: VersionId,
        person: &crate::Person,
        since: OffsetDateTime,
        grace_days: u16,
    ) -> Self {
        Self {
            org_id,
            version_id,
            policy_id,
            person_id: person.id,
            owed_since: since,
            due_on: since.date() + Duration::days(i64::from(grace_days)),
            state: AckState::Owed,
            text_sha256: None,
            answered_at: None,
            reason: String::new(),
            released_at: None,
            department: person.department.clone(),
            manager_id: person.manager_id,
            version: 1,
        }
    }

    /// Owed and past its due date on `day`.
    pub fn overdue_on(&self, day: Date) -> bool {
        self.state == AckState::Owed && day > self.due_on
    }

    /// The request answered with `answer`, who was shown the text whose
    /// digest is `shown_sha256` (the version's own, checked by the caller).
    pub fn answered(&self, answer: &AckAnswer, at: OffsetDateTime) -> Result<Self, String> {
        if self.state != AckState::Owed {
            return Err(format!(
                "this acknowledgement is {} already",
                self.state.label()
            ));
        }
        let (state, reason) = match answer {
            AckAnswer::Accept => (AckState::Accepted, String::new()),
            AckAnswer::Decline { reason } => {
                let reason = reason.trim().to_string();
                if reason.is_empty() || reason.chars().count() > 2000 {
                    return Err("reason: say why you decline (at most 2,000 characters)".into());
                }
                (AckState::Declined, reason)
            }
        };
        Ok(Self {
            state,
            reason,
            answered_at: Some(at),
            version: self.version + 1,
            ..self.clone()
        })
    }

    /// Released at `at`: no longer owed.
    pub fn released(&self, at: OffsetDateTime) -> Self {
        Self {
            state: AckState::Released,
            released_at: Some(at),
            version: self.version + 1,
            ..self.clone()
        }
    }
}

/// What a person answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum AckAnswer {
    Accept,
    Decline { reason: String },
}

/// The requests of a newly published version: everyone in `audience` owes
/// it from `at`; for a non-material change, whoever had accepted the
/// previous version (or had it carried over) has it carried over, and who
/// still owed the previous one keeps their original date.
pub fn carried_requests(
    new: &[AckRequest],
    previous: &[AckRequest],
    material: bool,
) -> Vec<AckRequest> {
    if material {
        return new.to_vec();
    }
    let before: HashMap<PersonId, &AckRequest> =
        previous.iter().map(|r| (r.person_id, r)).collect();
    new.iter()
        .map(|r| match before.get(&r.person_id) {
            Some(b) if b.state.is_done() => AckRequest {
                state: AckState::CarriedOver,
                text_sha256: b.text_sha256.clone(),
                answered_at: b.answered_at,
                ..r.clone()
            },
            Some(b) if b.state == AckState::Owed => AckRequest {
                owed_since: b.owed_since,
                due_on: b.due_on,
                ..r.clone()
            },
            _ => r.clone(),
        })
        .collect()
}

/// What a reconciliation of one version's requests with its audience today
/// changes: who newly owes it (joiners, people moved into the audience,
/// released people back in it) and whose owed request is released.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reconciliation {
    pub owe: Vec<PersonId>,
    pub release: Vec<PersonId>,
}

impl Reconciliation {
    pub fn is_empty(&self) -> bool {
        self.owe.is_empty() && self.release.is_empty()
    }
}

pub fn reconcile(requests: &[AckRequest], audience: &HashSet<PersonId>) -> Reconciliation {
    let mut out = Reconciliation::default();
    let mut known = HashSet::new();
    for r in requests {
        known.insert(r.person_id);
        let addressed = audience.contains(&r.person_id);
        match r.state {
            AckState::Owed if !addressed => out.release.push(r.person_id),
            AckState::Released if addressed => out.owe.push(r.person_id),
            _ => {}
        }
    }
    out.owe
        .extend(audience.iter().filter(|p| !known.contains(p)).copied());
    out.owe.sort();
    out.release.sort();
    out
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
