//! The audit period an auditor looks at: pages answer as the records stood
//! at its end (or today, while it runs), and the audit log shows the events
//! within it.

use std::fmt;
use time::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuditPeriod {
    pub starts_on: Date,
    pub ends_on: Date,
}

impl AuditPeriod {
    /// A period from two days, first not after last.
    pub fn new(starts_on: Date, ends_on: Date) -> Result<Self, String> {
        if starts_on > ends_on {
            return Err(format!(
                "the period starts ({starts_on}) after it ends ({ends_on})"
            ));
        }
        Ok(Self { starts_on, ends_on })
    }

    /// Reads `YYYY-MM-DD..YYYY-MM-DD`, as written by `Display`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let (from, to) = raw
            .split_once("..")
            .ok_or_else(|| format!("{raw:?} is not a period (FROM..TO)"))?;
        let day = |s: &str| {
            crate::timefmt::parse_date(s.trim())
                .map_err(|_| format!("{s:?} is not a date (expected YYYY-MM-DD)"))
        };
        Self::new(day(from)?, day(to)?)
    }

    /// The day pages answer as of: the period's end, or today while it runs.
    pub fn as_of(&self, today: Date) -> Date {
        self.ends_on.min(today)
    }
}

impl fmt::Display for AuditPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.starts_on, self.ends_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_period_round_trips_and_answers_as_of_its_end_or_today() {
        let p = AuditPeriod::parse("2025-01-01..2025-12-31").expect("period");
        assert_eq!(p.to_string(), "2025-01-01..2025-12-31");
        assert_eq!(AuditPeriod::parse(&p.to_string()), Ok(p));
        assert_eq!(p.as_of(date!(2026 - 03 - 01)), date!(2025 - 12 - 31));
        assert_eq!(p.as_of(date!(2025 - 06 - 30)), date!(2025 - 06 - 30));
    }

    #[test]
    fn backwards_or_malformed_periods_are_refused() {
        assert!(AuditPeriod::parse("2025-12-31..2025-01-01").is_err());
        assert!(AuditPeriod::parse("2025-01-01").is_err());
        assert!(AuditPeriod::parse("2025-01-01..soon").is_err());
    }
}
