//! The management review cadence: reviews are planned every N months (the
//! organisation's setting, quarterly by default) and never more than twelve
//! months apart.

use crate::policy::review::add_months;
use serde::{Deserialize, Serialize};
use time::Date;

pub const DEFAULT_CADENCE_MONTHS: u8 = 3;
/// Reviews are never planned further apart than this.
pub const MAX_GAP_MONTHS: u32 = 12;

pub fn check_cadence(months: u8) -> Result<u8, String> {
    if (1..=MAX_GAP_MONTHS as u8).contains(&months) {
        Ok(months)
    } else {
        Err("review_cadence_months: between 1 and 12 months".into())
    }
}

/// Refuses a planned date more than twelve months after the review before it.
pub fn check_planned_date(planned_on: Date, previous: Option<Date>) -> Result<Date, String> {
    match previous {
        Some(before) if planned_on > add_months(before, MAX_GAP_MONTHS) => Err(format!(
            "planned_on: reviews are never more than 12 months apart; the one before is on {before}, so plan this one by {}",
            add_months(before, MAX_GAP_MONTHS)
        )),
        _ => Ok(planned_on),
    }
}

/// Where the organisation stands against its cadence on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSchedule {
    pub cadence_months: u8,
    pub last_held: Option<Date>,
    /// The next review is due by this day.
    pub next_due: Date,
    pub overdue: bool,
    /// Held reviews (up to the day) that came later than the cadence asked.
    pub late_reviews: usize,
    /// No review held in the twelve months up to the day.
    pub none_within_a_year: bool,
}

impl ReviewSchedule {
    /// `held` are the days reviews were held; `since` is when the ISMS
    /// started in Mandate (the first review is due a cadence after it).
    pub fn on(day: Date, cadence_months: u8, held: &[Date], since: Date) -> Self {
        let mut held: Vec<Date> = held.iter().copied().filter(|d| *d <= day).collect();
        held.sort();
        let cadence = u32::from(cadence_months);
        let last_held = held.last().copied();
        let next_due = add_months(last_held.unwrap_or(since), cadence);
        let late_reviews = held
            .windows(2)
            .filter(|pair| pair[1] > add_months(pair[0], cadence))
            .count();
        Self {
            cadence_months,
            last_held,
            next_due,
            overdue: day > next_due,
            late_reviews,
            none_within_a_year: last_held.is_none_or(|d| add_months(d, MAX_GAP_MONTHS) < day),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_next_review_falls_due_a_cadence_after_the_last_one_held() {
        let held = [
            date!(2025 - 03 - 15),
            date!(2025 - 09 - 30),
            date!(2025 - 12 - 10),
        ];
        let s = ReviewSchedule::on(date!(2026 - 02 - 01), 3, &held, date!(2025 - 01 - 01));
        assert_eq!(s.last_held, Some(date!(2025 - 12 - 10)));
        assert_eq!(s.next_due, date!(2026 - 03 - 10));
        assert!(!s.overdue);
        assert_eq!(s.late_reviews, 1, "March to September missed a quarter");
        let later = ReviewSchedule::on(date!(2026 - 03 - 11), 3, &held, date!(2025 - 01 - 01));
        assert!(later.overdue && !later.none_within_a_year);
        // As of a day before the last review, that review does not count.
        let before = ReviewSchedule::on(date!(2025 - 12 - 01), 3, &held, date!(2025 - 01 - 01));
        assert_eq!(before.last_held, Some(date!(2025 - 09 - 30)));
    }

    #[test]
    fn a_year_without_a_review_is_flagged_and_never_planned() {
        let s = ReviewSchedule::on(
            date!(2026 - 06 - 01),
            12,
            &[date!(2025 - 05 - 31)],
            date!(2024 - 01 - 01),
        );
        assert!(s.none_within_a_year && s.overdue);
        let fresh = ReviewSchedule::on(date!(2026 - 02 - 01), 3, &[], date!(2026 - 01 - 01));
        assert_eq!(fresh.next_due, date!(2026 - 04 - 01));
        assert!(fresh.none_within_a_year);
        assert!(check_planned_date(date!(2026 - 06 - 01), Some(date!(2025 - 05 - 31))).is_err());
        assert!(check_planned_date(date!(2026 - 05 - 31), Some(date!(2025 - 05 - 31))).is_ok());
        assert!(check_cadence(0).is_err() && check_cadence(13).is_err());
        assert_eq!(check_cadence(12), Ok(12));
    }
}
