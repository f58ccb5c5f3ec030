//! Commitment (5.1 c, d, f, g, h): the records that show top management's
//! commitment is real rather than symbolic: resources for the ISMS, the
//! leadership statement, communication, awareness and training, the
//! improvement register with staff feedback, and line managers'
//! attestations. Each is dated, so it can be judged as of any day.

pub mod attestation;
pub mod communication;
pub mod feedback;
pub mod fiscal;
pub mod improvement;
pub mod money;
pub mod resources;
pub mod statement;
pub mod training;

/// Trims a text field and checks its length; the message names the field.
pub(crate) fn tidy_text(
    field: &str,
    value: &mut String,
    max: usize,
    required: bool,
) -> Result<(), String> {
    *value = value.trim().to_string();
    if required && value.is_empty() {
        return Err(format!("{field}: required"));
    }
    if value.chars().count() > max {
        return Err(format!("{field}: at most {max} characters"));
    }
    Ok(())
}

/// `date` less `months`, on the same day of the month or, where that month
/// is shorter, its last day.
pub fn months_before(date: time::Date, months: u32) -> time::Date {
    let index =
        i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 - i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).unwrap_or(date.year());
    let month = time::Month::try_from(u8::try_from(index.rem_euclid(12) + 1).unwrap_or(12))
        .unwrap_or(time::Month::December);
    let last = time::util::days_in_month(month, year);
    time::Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    #[test]
    fn months_before_keeps_the_day_or_takes_the_months_last() {
        assert_eq!(
            super::months_before(date!(2026 - 03 - 31), 1),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            super::months_before(date!(2026 - 01 - 15), 12),
            date!(2025 - 01 - 15)
        );
        assert_eq!(
            super::months_before(date!(2024 - 02 - 29), 12),
            date!(2023 - 02 - 28)
        );
    }
}
