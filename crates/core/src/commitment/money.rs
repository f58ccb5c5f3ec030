//! Amounts of money: whole minor units (cents), never floating point, so a
//! budget adds up to the cent; and the ISO 4217 currency they are in.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest amount accepted, in minor units: ten thousand billion.
const MAX_MINOR: i64 = 1_000_000_000_000_000;

/// Reads an amount as people type it: `12500`, `12,500.50`, `12 500`.
/// A comma only separates thousands; at most two decimals; never negative.
pub fn parse_amount(raw: &str) -> Option<i64> {
    let raw: String = raw.trim().chars().filter(|c| *c != ' ').collect();
    if raw.is_empty() || raw.starts_with('-') {
        return None;
    }
    let (whole, fraction) = raw.split_once('.').unwrap_or((&raw, ""));
    if fraction.len() > 2 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let value = crate::performance::parse_number(whole)?;
    if value < 0.0 || value.fract() != 0.0 || !whole.chars().all(|c| c.is_ascii_digit() || c == ',')
    {
        return None;
    }
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    let whole = whole.replace(',', "").parse::<i64>().ok()?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents))
        .filter(|m| *m <= MAX_MINOR)
}

/// `12,500` for whole amounts, `12,500.50` otherwise.
pub fn format_amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let minor = minor.unsigned_abs();
    let whole = (minor / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match minor % 100 {
        0 => format!("{sign}{grouped}"),
        cents => format!("{sign}{grouped}.{cents:02}"),
    }
}

/// An ISO 4217 currency code: three capital letters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(format!(
                "currency: {raw:?} is not a currency code (three letters, as EUR, GBP, USD)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> Self {
        c.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_type_them() {
        assert_eq!(parse_amount("12500"), Some(1_250_000));
        assert_eq!(parse_amount("12,500.5"), Some(1_250_050));
        assert_eq!(parse_amount("12 500.05"), Some(1_250_005));
        assert_eq!(parse_amount("0"), Some(0));
        for bad in [
            "",
            "-5",
            "1,5",
            "12.345",
            "ten",
            "1e5",
            "12,50.00",
            "99999999999999999",
        ] {
            assert_eq!(parse_amount(bad), None, "{bad}");
        }
    }

    #[test]
    fn amounts_are_shown_with_thousands_and_cents_only_when_there_are_some() {
        assert_eq!(format_amount(1_250_000), "12,500");
        assert_eq!(format_amount(1_250_050), "12,500.50");
        assert_eq!(format_amount(99), "0.99");
        assert_eq!(format_amount(-100_000_000), "-1,000,000");
        for minor in [0, 5, 100, 123_456_789] {
            assert_eq!(parse_amount(&format_amount(minor)), Some(minor));
        }
    }

    #[test]
    fn currencies_are_three_letter_codes() {
        assert_eq!(
            Currency::parse("eur").map(|c| c.to_string()),
            Ok("EUR".into())
        );
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("€").is_err());
    }
}
