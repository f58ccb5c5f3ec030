//! One textual form for instants, used wherever a time is hashed or exported:
//! RFC 3339 in UTC with exactly six fractional digits. Both databases keep
//! microseconds, so an instant truncated with [`truncate_to_micros`] survives a
//! round trip unchanged and its hash stays verifiable.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Drops sub-microsecond precision, which PostgreSQL would drop on storage.
pub fn truncate_to_micros(t: OffsetDateTime) -> OffsetDateTime {
    let nanos = t.nanosecond();
    t.replace_nanosecond(nanos - nanos % 1_000)
        .unwrap_or(t)
        .to_offset(UtcOffset::UTC)
}

/// The current instant, at the precision the databases keep.
pub fn now() -> OffsetDateTime {
    truncate_to_micros(OffsetDateTime::now_utc())
}

/// `2026-11-23T08:19:47.123456Z`
pub fn format_instant(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Parses any RFC 3339 instant.
pub fn parse_instant(s: &str) -> Result<OffsetDateTime, time::error::Parse> {
    OffsetDateTime::parse(s, &Rfc3339).map(|t| t.to_offset(UtcOffset::UTC))
}

/// Parses an ISO 8601 calendar date (`2025-03-31`).
pub fn parse_date(s: &str) -> Result<time::Date, time::error::Parse> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_round_trip_through_their_text_form() {
        let t = truncate_to_micros(OffsetDateTime::now_utc());
        let text = format_instant(t);
        assert_eq!(parse_instant(&text).ok(), Some(t));
        assert_eq!(text.len(), "2026-11-23T08:19:47.123456Z".len());
    }

    #[test]
    fn dates_must_be_real() {
        assert!(parse_date("2025-03-31").is_ok());
        assert!(parse_date("2025-02-30").is_err());
        assert!(parse_date("31/03/2025").is_err());
    }
}
