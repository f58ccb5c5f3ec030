//! Review cycles: when a policy is next due for review, and whether that is
//! soon or past.

use time::{Date, Month};

/// How far ahead a review counts as due soon.
pub const DUE_SOON_DAYS: i64 = 30;

/// `date` plus `months`, on the same day of the month or, where that month
/// is shorter, its last day (31 January + 1 month = 28 or 29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let index = date.year() as i64 * 12 + (u8::from(date.month()) as i64 - 1) + months as i64;
    let year = (index.div_euclid(12)) as i32;
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(Month::December);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

/// Where a policy stands against its review cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewStatus {
    /// No version has been approved yet: there is nothing to review.
    NeverApproved,
    Current {
        due: Date,
    },
    DueSoon {
        due: Date,
    },
    Overdue {
        due: Date,
    },
}

impl ReviewStatus {
    /// The status on `today` for a policy last approved or reviewed on
    /// `last_reviewed`, reviewed every `interval_months`.
    pub fn on(today: Date, last_reviewed: Option<Date>, interval_months: u32) -> Self {
        let Some(last) = last_reviewed else {
            return ReviewStatus::NeverApproved;
        };
        let due = add_months(last, interval_months);
        if due < today {
            ReviewStatus::Overdue { due }
        } else if (due - today).whole_days() <= DUE_SOON_DAYS {
            ReviewStatus::DueSoon { due }
        } else {
            ReviewStatus::Current { due }
        }
    }

    pub fn due(self) -> Option<Date> {
        match self {
            ReviewStatus::NeverApproved => None,
            ReviewStatus::Current { due }
            | ReviewStatus::DueSoon { due }
            | ReviewStatus::Overdue { due } => Some(due),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewStatus::NeverApproved => "not yet approved",
            ReviewStatus::Current { .. } => "current",
            ReviewStatus::DueSoon { .. } => "due soon",
            ReviewStatus::Overdue { .. } => "overdue",
        }
    }
}

/// How a review ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// The policy still fits: recorded, and the cycle starts again.
    NoChange,
    /// The policy needs changes: a new draft was opened.
    NewDraft,
}

impl ReviewOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewOutcome::NoChange => "no_change",
            ReviewOutcome::NewDraft => "new_draft",
        }
    }
}

impl std::str::FromStr for ReviewOutcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "no_change" => Ok(ReviewOutcome::NoChange),
            "new_draft" => Ok(ReviewOutcome::NewDraft),
            other => Err(format!(
                "{other:?} is not an outcome (no_change or new_draft)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_are_added_on_the_calendar() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 11 - 23), 12), date!(2027 - 11 - 23));
        assert_eq!(add_months(date!(2026 - 12 - 15), 1), date!(2027 - 01 - 15));
    }

    #[test]
    fn status_moves_from_current_to_due_soon_to_overdue() {
        let last = Some(date!(2025 - 12 - 01));
        assert_eq!(
            ReviewStatus::on(date!(2026 - 06 - 01), last, 12),
            ReviewStatus::Current {
                due: date!(2026 - 12 - 01)
            }
        );
        assert_eq!(
            ReviewStatus::on(date!(2026 - 11 - 01), last, 12),
            ReviewStatus::DueSoon {
                due: date!(2026 - 12 - 01)
            }
        );
        assert_eq!(
            ReviewStatus::on(date!(2026 - 12 - 01), last, 12).label(),
            "due soon"
        );
        assert_eq!(
            ReviewStatus::on(date!(2026 - 12 - 02), last, 12),
            ReviewStatus::Overdue {
                due: date!(2026 - 12 - 01)
            }
        );
        assert_eq!(
            ReviewStatus::on(date!(2026 - 12 - 02), None, 12),
            ReviewStatus::NeverApproved
        );
    }
}
