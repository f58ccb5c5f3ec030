//! KPIs: a metric with a target, a direction and a measuring frequency, and
//! the dated values recorded against it.

use super::health::{Assessment, Health};
use crate::ids::{KpiId, ObjectiveId, OrgId, UserId};
use crate::policy::review::add_months;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

/// A value within this share of the target (of its size) is "at risk" rather
/// than "off track": close enough that a push may still make it.
pub const AT_RISK_BAND: f64 = 0.10;

/// Days allowed after a period ends to enter its value before it is overdue.
pub const MEASUREMENT_GRACE_DAYS: i64 = 14;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::HigherIsBetter, Direction::LowerIsBetter];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher_is_better",
            Direction::LowerIsBetter => "lower_is_better",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher is better",
            Direction::LowerIsBetter => "lower is better",
        }
    }

    /// Whether `value` meets `target` in this direction.
    pub fn meets(self, value: f64, target: f64) -> bool {
        match self {
            Direction::HigherIsBetter => value >= target,
            Direction::LowerIsBetter => value <= target,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

impl Frequency {
    pub const ALL: [Frequency; 4] = [
        Frequency::Monthly,
        Frequency::Quarterly,
        Frequency::HalfYearly,
        Frequency::Yearly,
    ];

    pub fn months(self) -> u32 {
        match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::HalfYearly => 6,
            Frequency::Yearly => 12,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::HalfYearly => "half_yearly",
            Frequency::Yearly => "yearly",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == raw)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiFields {
    pub objective_id: ObjectiveId,
    /// What is measured ("Phishing simulation click rate").
    pub name: String,
    /// "%", "days", "incidents"... may be empty.
    pub unit: String,
    pub target: f64,
    pub direction: Direction,
    pub frequency: Frequency,
}

impl KpiFields {
    pub fn validated(mut self) -> Result<Self, String> {
        self.name = self.name.trim().to_string();
        self.unit = self.unit.trim().to_string();
        if self.name.is_empty() || self.name.chars().count() > 200 {
            return Err("name: say what is measured, in at most 200 characters".into());
        }
        if self.unit.chars().count() > 20 {
            return Err("unit: at most 20 characters".into());
        }
        if !self.target.is_finite() {
            return Err("target: a number".into());
        }
        Ok(self)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    pub id: KpiId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub fields: KpiFields,
    /// The first value is due one period after this day.
    pub starts_on: Date,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// One dated value of a KPI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub kpi_id: KpiId,
    pub measured_on: Date,
    pub value: f64,
    pub note: String,
    pub recorded_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

/// The values of one KPI among many: a sub-slice when they are sorted by
/// KPI (as the store returns them), so that assessing a hundred KPIs over
/// years of values does not scan every value for each one.
pub fn values_of(values: &[Measurement], kpi: KpiId) -> std::borrow::Cow<'_, [Measurement]> {
    if values.is_sorted_by_key(|m| m.kpi_id) {
        let start = values.partition_point(|m| m.kpi_id < kpi);
        let end = start + values[start..].partition_point(|m| m.kpi_id == kpi);
        std::borrow::Cow::Borrowed(&values[start..end])
    } else {
        std::borrow::Cow::Owned(values.iter().filter(|m| m.kpi_id == kpi).cloned().collect())
    }
}

/// No record of an ISMS is dated before this day.
pub const EARLIEST_DAY: Date = time::macros::date!(1970 - 01 - 01);

/// Reads a value as people type it: `1234.5`, `-2`, `1,234.5`. A comma is
/// only a thousands separator (groups of three), never a decimal mark, so
/// "1,5" is refused rather than read as 15.
pub fn parse_number(raw: &str) -> Option<f64> {
    let raw = raw.trim();
    let digits = if raw.contains(',') {
        let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
        let whole = whole.strip_prefix('-').unwrap_or(whole);
        let mut groups = whole.split(',');
        let first = groups.next()?;
        let grouped = (1..=3).contains(&first.len())
            && groups.all(|g| g.len() == 3)
            && whole.chars().all(|c| c.is_ascii_digit() || c == ',')
            && fraction.chars().all(|c| c.is_ascii_digit());
        if !grouped {
            return None;
        }
        raw.replace(',', "")
    } else {
        raw.to_string()
    };
    digits.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A value as entered (by hand, API or upload), before it is recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasurementEntry {
    pub kpi_id: KpiId,
    pub measured_on: Date,
    pub value: f64,
    pub note: String,
}

impl MeasurementEntry {
    pub fn validated(mut self, today: Date) -> Result<Self, String> {
        self.note = self.note.trim().to_string();
        if !self.value.is_finite() {
            return Err("value: a number".into());
        }
        if self.measured_on < EARLIEST_DAY {
            return Err(format!(
                "measured_on: {} is before {EARLIEST_DAY}; check the year",
                self.measured_on
            ));
        }
        if self.measured_on > today {
            return Err(format!(
                "measured_on: {} is in the future; record values once measured",
                self.measured_on
            ));
        }
        if self.note.chars().count() > 500 {
            return Err("note: at most 500 characters".into());
        }
        Ok(self)
    }
}

impl Kpi {
    /// The latest value measured on or before `day`.
    pub fn latest<'a>(&self, day: Date, values: &'a [Measurement]) -> Option<&'a Measurement> {
        values
            .iter()
            .filter(|m| m.kpi_id == self.id && m.measured_on <= day)
            .max_by_key(|m| m.measured_on)
    }

    /// The day by which the next value is expected, as of `day`.
    pub fn next_due(&self, day: Date, values: &[Measurement]) -> Date {
        let from = self
            .latest(day, values)
            .map_or(self.starts_on, |m| m.measured_on);
        add_months(from, self.fields.frequency.months())
    }

    /// Whether a value is owed and the grace period after it fell due has run out.
    pub fn measurement_overdue(&self, day: Date, values: &[Measurement]) -> bool {
        day > self.next_due(day, values) + Duration::days(MEASUREMENT_GRACE_DAYS)
    }

    /// Whether `value` meets the target.
    pub fn meets(&self, value: f64) -> bool {
        self.fields.direction.meets(value, self.fields.target)
    }

    fn within_band(&self, value: f64) -> bool {
        let band = self.fields.target.abs() * AT_RISK_BAND;
        let shortfall = match self.fields.direction {
            Direction::HigherIsBetter => self.fields.target - value,
            Direction::LowerIsBetter => value - self.fields.target,
        };
        shortfall <= band
    }

    /// The KPI's status on `day`, from the values measured by then.
    pub fn assess(&self, day: Date, values: &[Measurement]) -> Assessment {
        let name = &self.fields.name;
        let unit = &self.fields.unit;
        let target = self.fields.target;
        let mut assessment = match self.latest(day, values) {
            None => Assessment {
                health: Health::AtRisk,
                reasons: vec![format!("{name}: no value recorded yet")],
            },
            Some(m) if self.meets(m.value) => Assessment::on_track(format!(
                "{name}: {} {unit} on {} meets the target of {target} {unit}",
                m.value, m.measured_on
            )),
            Some(m) => {
                let health = if self.within_band(m.value) {
                    Health::AtRisk
                } else {
                    Health::OffTrack
                };
                Assessment {
                    health,
                    reasons: vec![format!(
                        "{name}: {} {unit} on {} misses the target of {target} {unit} ({})",
                        m.value,
                        m.measured_on,
                        self.fields.direction.label()
                    )],
                }
            }
        };
        if self.measurement_overdue(day, values) {
            assessment.worsen(
                Health::AtRisk,
                format!(
                    "{name}: the value due by {} has not been recorded",
                    self.next_due(day, values)
                ),
            );
        }
        assessment
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::{date, datetime};

    pub fn kpi(target: f64, direction: Direction) -> Kpi {
        Kpi {
            id: KpiId::new(),
            org_id: OrgId::new(),
            fields: KpiFields {
                objective_id: ObjectiveId::new(),
                name: "Click rate".into(),
                unit: "%".into(),
                target,
                direction,
                frequency: Frequency::Monthly,
            },
            starts_on: date!(2026 - 01 - 01),
            created_at: datetime!(2026-01-01 0:00 UTC),
            updated_at: datetime!(2026-01-01 0:00 UTC),
            version: 1,
        }
    }

    pub fn value(kpi: &Kpi, measured_on: Date, value: f64) -> Measurement {
        Measurement {
            kpi_id: kpi.id,
            measured_on,
            value,
            note: String::new(),
            recorded_by: UserId::new(),
            recorded_at: datetime!(2026-01-01 0:00 UTC),
        }
    }

    #[test]
    fn status_follows_the_latest_value_against_the_target_in_its_direction() {
        let lower = kpi(5.0, Direction::LowerIsBetter);
        let values = [
            value(&lower, date!(2026 - 01 - 31), 9.0),
            value(&lower, date!(2026 - 02 - 28), 5.4),
            value(&lower, date!(2026 - 03 - 31), 4.0),
        ];
        let health = |day| lower.assess(day, &values).health;
        assert_eq!(health(date!(2026 - 02 - 10)), Health::OffTrack);
        assert_eq!(health(date!(2026 - 03 - 10)), Health::AtRisk, "within 10%");
        assert_eq!(health(date!(2026 - 04 - 10)), Health::OnTrack);

        let higher = kpi(95.0, Direction::HigherIsBetter);
        let values = [value(&higher, date!(2026 - 01 - 31), 96.0)];
        assert_eq!(
            higher.assess(date!(2026 - 02 - 01), &values).health,
            Health::OnTrack
        );
    }

    #[test]
    fn a_value_not_entered_within_the_grace_period_is_overdue() {
        let k = kpi(5.0, Direction::LowerIsBetter);
        let values = [value(&k, date!(2026 - 01 - 31), 1.0)];
        // Next due 2026-02-28; overdue once the fortnight after it has passed.
        assert_eq!(
            k.next_due(date!(2026 - 02 - 01), &values),
            date!(2026 - 02 - 28)
        );
        assert!(!k.measurement_overdue(date!(2026 - 03 - 14), &values));
        assert!(k.measurement_overdue(date!(2026 - 03 - 15), &values));
        let late = k.assess(date!(2026 - 03 - 15), &values);
        assert_eq!(late.health, Health::AtRisk);
        assert!(late.reasons[0].contains("due by 2026-02-28"), "{late:?}");
        // A KPI never measured is due one period after it started.
        assert!(k.measurement_overdue(date!(2026 - 02 - 16), &[]));
    }

    #[test]
    fn one_kpis_values_are_found_sorted_or_not() {
        let a = kpi(5.0, Direction::LowerIsBetter);
        let b = kpi(5.0, Direction::LowerIsBetter);
        let mut values = vec![
            value(&b, date!(2026 - 01 - 31), 1.0),
            value(&a, date!(2026 - 01 - 31), 2.0),
            value(&b, date!(2026 - 02 - 28), 3.0),
        ];
        let of_b = |values: &[Measurement]| {
            values_of(values, b.id)
                .iter()
                .map(|m| m.value)
                .collect::<Vec<_>>()
        };
        assert_eq!(of_b(&values), vec![1.0, 3.0]);
        values.sort_by_key(|m| (m.kpi_id, m.measured_on));
        assert_eq!(of_b(&values), vec![1.0, 3.0]);
        assert!(values_of(&values, KpiId::new()).is_empty());
    }

    #[test]
    fn numbers_are_read_as_typed_and_a_decimal_comma_is_refused() {
        assert_eq!(parse_number(" 4.5 "), Some(4.5));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("-12,000"), Some(-12000.0));
        assert_eq!(parse_number("1,5"), None);
        assert_eq!(parse_number("12,34,567"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn values_after_the_day_do_not_count() {
        let k = kpi(5.0, Direction::LowerIsBetter);
        let values = [value(&k, date!(2026 - 06 - 30), 1.0)];
        assert_eq!(k.latest(date!(2026 - 06 - 29), &values), None);
        assert_eq!(
            k.assess(date!(2026 - 01 - 15), &values).health,
            Health::AtRisk
        );
    }
}
