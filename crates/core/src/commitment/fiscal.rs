//! Fiscal years: an organisation budgets per fiscal year, which starts on
//! the first day of its start month. A fiscal year is named by the calendar
//! year it starts in.

use crate::policy::review::add_months;
use time::{Date, Month};

/// The fiscal year `day` falls in.
pub fn fiscal_year_of(day: Date, start_month: u8) -> i32 {
    if u8::from(day.month()) >= start_month {
        day.year()
    } else {
        day.year() - 1
    }
}

/// The first and last day of fiscal year `year`.
pub fn fiscal_year_bounds(year: i32, start_month: u8) -> (Date, Date) {
    let month = Month::try_from(start_month).unwrap_or(Month::January);
    let first = Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN);
    let next = add_months(first, 12);
    (first, next.previous_day().unwrap_or(next))
}

/// "FY 2026" for a calendar fiscal year, "FY 2026/27" for one that spans two.
pub fn fiscal_year_label(year: i32, start_month: u8) -> String {
    if start_month <= 1 {
        format!("FY {year}")
    } else {
        format!("FY {year}/{:02}", (year + 1).rem_euclid(100))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_fiscal_year_starting_in_april_spans_two_calendar_years() {
        assert_eq!(fiscal_year_of(date!(2026 - 03 - 31), 4), 2025);
        assert_eq!(fiscal_year_of(date!(2026 - 04 - 01), 4), 2026);
        assert_eq!(
            fiscal_year_bounds(2026, 4),
            (date!(2026 - 04 - 01), date!(2027 - 03 - 31))
        );
        assert_eq!(fiscal_year_label(2026, 4), "FY 2026/27");
        assert_eq!(fiscal_year_label(2099, 4), "FY 2099/00");
    }

    #[test]
    fn a_calendar_fiscal_year_is_the_calendar_year() {
        assert_eq!(fiscal_year_of(date!(2026 - 01 - 01), 1), 2026);
        assert_eq!(
            fiscal_year_bounds(2026, 1),
            (date!(2026 - 01 - 01), date!(2026 - 12 - 31))
        );
        assert_eq!(fiscal_year_label(2026, 1), "FY 2026");
    }
}
