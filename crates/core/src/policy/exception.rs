//! Exceptions: an approved, time-limited deviation from a policy clause.
//! Every exception expires (at most 12 months ahead); extending one needs a
//! new approval; the requester never approves their own.

use super::review::add_months;
use crate::ids::{ExceptionId, OrgId, PersonId, PolicyId, UserId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The longest an exception may run from the day it is requested or extended.
pub const MAX_EXCEPTION_MONTHS: u32 = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionState {
    Requested,
    Approved,
    Rejected,
    /// Closed early by its requester or an editor: the deviation ended.
    Closed,
}

impl ExceptionState {
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionState::Requested => "requested",
            ExceptionState::Approved => "approved",
            ExceptionState::Rejected => "rejected",
            ExceptionState::Closed => "closed",
        }
    }
}

impl std::str::FromStr for ExceptionState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "requested" => Ok(ExceptionState::Requested),
            "approved" => Ok(ExceptionState::Approved),
            "rejected" => Ok(ExceptionState::Rejected),
            "closed" => Ok(ExceptionState::Closed),
            other => Err(format!("{other:?} is not an exception state")),
        }
    }
}

/// An exception that lets one person hold two roles declared incompatible
/// (segregation of duties), for as long as the exception is in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleWaiver {
    pub person_id: PersonId,
    pub role_ids: (Uuid, Uuid),
}

/// What a requester writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionRequest {
    /// The clause deviated from, in the policy's words ("4.2 password rotation").
    pub clause: String,
    pub justification: String,
    pub risk: String,
    pub compensating_controls: String,
    pub expires_on: Date,
    /// For an exception to segregation of duties: whom and which roles it covers.
    #[serde(default)]
    pub waiver: Option<RoleWaiver>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyException {
    pub id: ExceptionId,
    pub org_id: OrgId,
    pub policy_id: PolicyId,
    pub clause: String,
    pub justification: String,
    pub risk: String,
    pub compensating_controls: String,
    pub requested_by: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<RoleWaiver>,
    pub state: ExceptionState,
    /// The expiry in force, once approved.
    pub expires_on: Option<Date>,
    /// The expiry asked for and not yet decided: a new request or an extension.
    pub pending_expires_on: Option<Date>,
    /// Who asked for the pending expiry: they never decide on it.
    pub pending_requested_by: Option<UserId>,
    pub approved_by: Option<UserId>,
    /// By which authority the last decision was taken.
    pub authority: Option<String>,
    pub decision_comment: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// Where an exception stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionStatus {
    AwaitingApproval,
    Open,
    /// Approved, with a longer expiry waiting for approval.
    ExtensionRequested,
    Expired,
    Rejected,
    Closed,
}

impl ExceptionStatus {
    pub fn label(self) -> &'static str {
        match self {
            ExceptionStatus::AwaitingApproval => "awaiting approval",
            ExceptionStatus::Open => "open",
            ExceptionStatus::ExtensionRequested => "extension requested",
            ExceptionStatus::Expired => "expired",
            ExceptionStatus::Rejected => "rejected",
            ExceptionStatus::Closed => "closed",
        }
    }

    /// True while the deviation is allowed.
    pub fn in_force(self) -> bool {
        matches!(
            self,
            ExceptionStatus::Open | ExceptionStatus::ExtensionRequested
        )
    }
}

impl PolicyException {
    pub fn status_on(&self, today: Date) -> ExceptionStatus {
        match self.state {
            ExceptionState::Requested => ExceptionStatus::AwaitingApproval,
            ExceptionState::Rejected => ExceptionStatus::Rejected,
            ExceptionState::Closed => ExceptionStatus::Closed,
            ExceptionState::Approved => match self.expires_on {
                Some(expiry) if expiry >= today => {
                    if self.pending_expires_on.is_some() {
                        ExceptionStatus::ExtensionRequested
                    } else {
                        ExceptionStatus::Open
                    }
                }
                _ => ExceptionStatus::Expired,
            },
        }
    }

    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
    /// The segregation-of-duties waiver this exception grants while in
    /// force on `day`, if it is one.
    pub fn waiver_on(&self, day: Date) -> Option<crate::roles::Waiver> {
        let w = self.waiver.as_ref()?;
        let expires_on = self.expires_on?;
        self.status_on(day)
            .in_force()
            .then_some(crate::roles::Waiver {
                person: w.person_id,
                roles: w.role_ids,
                expires_on,
            })
    }
}

/// Checks a requested expiry: required, after today, at most 12 months ahead.
pub fn check_expiry(today: Date, expires_on: Date) -> Result<(), String> {
    let latest = add_months(today, MAX_EXCEPTION_MONTHS);
    if expires_on <= today {
        return Err(format!(
            "expires_on: {expires_on} is not after today ({today})"
        ));
    }
    if expires_on > latest {
        return Err(format!(
            "expires_on: at most {MAX_EXCEPTION_MONTHS} months ahead (no later than {latest})"
        ));
    }
    Ok(())
}

impl ExceptionRequest {
    /// Trims and checks the request on `today`; the message names the field.
    pub fn validated(mut self, today: Date) -> Result<Self, String> {
        for (name, value) in [
            ("clause", &mut self.clause),
            ("justification", &mut self.justification),
            ("risk", &mut self.risk),
            ("compensating_controls", &mut self.compensating_controls),
        ] {
            *value = value.trim().to_string();
            if value.is_empty() {
                return Err(format!("{name}: required"));
            }
            if value.chars().count() > 5_000 {
                return Err(format!("{name}: at most 5,000 characters"));
            }
        }
        check_expiry(today, self.expires_on)?;
        if let Some(w) = &self.waiver
            && w.role_ids.0 == w.role_ids.1
        {
            return Err("waiver: name two different roles".into());
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn request(expires_on: Date) -> ExceptionRequest {
        ExceptionRequest {
            clause: " 4.2 ".into(),
            justification: "legacy system".into(),
            risk: "medium".into(),
            compensating_controls: "network isolation".into(),
            expires_on,
            waiver: None,
        }
    }

    #[test]
    fn expiry_is_required_in_the_future_and_within_twelve_months() {
        let today = date!(2026 - 11 - 23);
        assert!(request(date!(2027 - 11 - 23)).validated(today).is_ok());
        assert!(
            request(date!(2027 - 11 - 24))
                .validated(today)
                .expect_err("refused")
                .starts_with("expires_on")
        );
        assert!(request(today).validated(today).is_err());
        let mut blank = request(date!(2027 - 01 - 01));
        blank.risk = " ".into();
        assert_eq!(
            blank.validated(today).expect_err("refused"),
            "risk: required"
        );
        assert_eq!(
            request(date!(2027 - 01 - 01))
                .validated(today)
                .expect("ok")
                .clause,
            "4.2"
        );
    }

    #[test]
    fn an_approved_exception_expires_after_its_date() {
        let now = crate::timefmt::now();
        let mut e = PolicyException {
            id: ExceptionId::new(),
            org_id: OrgId::new(),
            policy_id: PolicyId::new(),
            clause: "4.2".into(),
            justification: "j".into(),
            risk: "r".into(),
            compensating_controls: "c".into(),
            requested_by: UserId::new(),
            waiver: None,
            state: ExceptionState::Requested,
            expires_on: None,
            pending_expires_on: Some(date!(2027 - 01 - 31)),
            pending_requested_by: None,
            approved_by: None,
            authority: None,
            decision_comment: None,
            decided_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let day = date!(2027 - 01 - 31);
        assert_eq!(e.status_on(day), ExceptionStatus::AwaitingApproval);
        e.state = ExceptionState::Approved;
        e.expires_on = e.pending_expires_on.take();
        assert_eq!(e.status_on(day), ExceptionStatus::Open);
        assert!(e.status_on(day).in_force());
        assert_eq!(e.status_on(date!(2027 - 02 - 01)), ExceptionStatus::Expired);
        e.pending_expires_on = Some(date!(2027 - 06 - 01));
        assert_eq!(e.status_on(day), ExceptionStatus::ExtensionRequested);
    }
}
