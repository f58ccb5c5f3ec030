//! Who asks a service, as the front end established it. The instant is read
//! once, where the request comes in, so every rule of one request answers
//! as of the same moment.

use mandate_core::conformance::AuditPeriod;
use mandate_core::{OrgId, Permission, User};
use time::{Date, OffsetDateTime};

#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    /// The audit period chosen in the auditor view, if any: reads answer
    /// as of its end.
    pub period: Option<AuditPeriod>,
    /// When the request came in.
    pub now: OffsetDateTime,
}

impl Caller {
    pub fn new(user: User, period: Option<AuditPeriod>, now: OffsetDateTime) -> Self {
        Self { user, period, now }
    }

    pub fn org(&self) -> OrgId {
        self.user.org_id
    }

    pub fn may(&self, permission: Permission) -> bool {
        self.user.access_role.may(permission)
    }

    /// The day reads answer as of: today, or the chosen period's last day.
    pub fn day(&self) -> Date {
        day_of(self.period, self.now)
    }

    /// The instant reads answer as of: now, or the last instant of the
    /// chosen period's last day (never later than now).
    pub fn instant(&self) -> OffsetDateTime {
        instant_of(self.period, self.now)
    }

    pub fn actor(&self) -> mandate_core::audit::Actor {
        mandate_core::audit::Actor::user(self.user.id)
    }
}

/// The day a reader with `period` chosen reads as of, at `now`; for front
/// ends that have not built a [`Caller`] (the page layout, for one).
pub fn day_of(period: Option<AuditPeriod>, now: OffsetDateTime) -> Date {
    let today = now.date();
    period.map_or(today, |p| p.as_of(today))
}

/// The instant a reader with `period` chosen reads as of, at `now`.
pub fn instant_of(period: Option<AuditPeriod>, now: OffsetDateTime) -> OffsetDateTime {
    match period {
        Some(_) => (day_of(period, now).midnight().assume_utc() + time::Duration::days(1)
            - time::Duration::nanoseconds(1))
        .min(now),
        None => now,
    }
}
