//! Mail waiting to be sent, and what happens to it. A message is claimed
//! before it is handed to the SMTP server and marked sent after; if the
//! process dies in between, nobody can know whether the server took it, so
//! it becomes "uncertain" and is never sent again on its own: no duplicate
//! ever reaches anyone, and an operator sees the few that may not have.

use crate::ids::{OrgId, PersonId};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

crate::named_enum! {
    pub enum MailState {
        Queued = ("queued", "waiting to be sent"),
        Sending = ("sending", "being sent"),
        Sent = ("sent", "sent"),
        /// Claimed, then the process stopped: it may or may not have gone.
        Uncertain = ("uncertain", "may not have been sent"),
        Failed = ("failed", "could not be sent"),
    }
}

/// How long a claim holds before a message counts as in doubt: far longer
/// than sending one message can take.
pub const CLAIM_LEASE: Duration = Duration::minutes(10);

/// Attempts before a message that keeps failing is given up.
pub const MAX_ATTEMPTS: i32 = 8;

/// The wait before attempt `attempts + 1`: one minute, doubling, at most six hours.
pub fn retry_delay(attempts: i32) -> Duration {
    let minutes = 1i64 << attempts.clamp(0, 9);
    Duration::minutes(minutes.min(360))
}

/// A message to queue. Its `dedupe_key` makes queueing idempotent: the
/// scheduler may run twice, the message is queued once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMail {
    pub dedupe_key: String,
    /// `digest`, `test`...
    pub kind: String,
    pub person_id: Option<PersonId>,
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub org_id: OrgId,
    pub id: Uuid,
    #[serde(flatten)]
    pub mail: NewMail,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub send_after: OffsetDateTime,
    pub state: MailState,
    pub attempts: i32,
    #[serde(with = "time::serde::rfc3339::option")]
    pub claimed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    pub last_error: String,
}

impl Mail {
    /// The Message-ID header: stable per message, so any copy is recognisable.
    pub fn message_id(&self, domain: &str) -> String {
        format!("<{}@{domain}>", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_a_minute_to_six_hours() {
        assert_eq!(retry_delay(0), Duration::minutes(1));
        assert_eq!(retry_delay(3), Duration::minutes(8));
        assert_eq!(retry_delay(20), Duration::minutes(360));
    }
}
