//! KPI trends as SVG: a full chart for a KPI's page and for reports, and a
//! sparkline for dashboards and tables. Hand-written SVG like the org chart,
//! with inline colours, so the output works standalone in HTML or a PDF.

use std::fmt::Write as _;
use time::{Date, Month};

/// Which way a KPI should move; decides whether a value meets its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrendDirection {
    HigherIsBetter,
    LowerIsBetter,
}

/// One KPI's measurements, as given to [`trend_chart`] and [`sparkline`].
pub struct TrendSeries<'a> {
    pub title: &'a str,
    /// Shown after values ("%", "days"); may be empty.
    pub unit: &'a str,
    /// Dated values in any order; non-finite values are skipped.
    pub points: &'a [(Date, f64)],
    pub target: Option<f64>,
    pub direction: TrendDirection,
}

/// A KPI's line of values, as a series to draw.
pub fn kpi_series(k: &mandate_core::performance::KpiLine) -> TrendSeries<'_> {
    TrendSeries {
        title: &k.name,
        unit: &k.unit,
        points: &k.points,
        target: Some(k.target),
        direction: match k.direction {
            mandate_core::performance::Direction::HigherIsBetter => TrendDirection::HigherIsBetter,
            mandate_core::performance::Direction::LowerIsBetter => TrendDirection::LowerIsBetter,
        },
    }
}

const W: f64 = 640.0;
const H: f64 = 260.0;
// The plot area leaves room for tick labels on the left and below, and for
// half a centred date label on the right.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 608.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 226.0;
// Points are inset from the frame so end circles are not cut in half.
const INSET: f64 = 12.0;

const INK: &str = "#3e4c59";
const MUTED: &str = "#616e7c";
const GRID: &str = "#e4e7eb";
const MEET: &str = "#2f855a";
const MISS: &str = "#c53030";
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Finite values in date order: a NaN or infinity would poison the scales.
fn clean(points: &[(Date, f64)]) -> Vec<(Date, f64)> {
    let mut kept: Vec<_> = points.iter().copied().filter(|p| p.1.is_finite()).collect();
    kept.sort_by_key(|p| p.0);
    kept
}

fn target_of(series: &TrendSeries) -> Option<f64> {
    series.target.filter(|t| t.is_finite())
}

/// A point's CSS class and fill: neutral when there is no target to meet.
fn point_style(value: f64, series: &TrendSeries) -> (&'static str, &'static str) {
    let meets = |t: f64| match series.direction {
        TrendDirection::HigherIsBetter => value >= t,
        TrendDirection::LowerIsBetter => value <= t,
    };
    match target_of(series) {
        None => ("point", INK),
        Some(t) if meets(t) => ("meet", MEET),
        Some(_) => ("miss", MISS),
    }
}

/// The values and target to scale over, widened when flat so a constant
/// series or a single point sits mid-chart rather than dividing by zero.
/// `points` must not be empty.
fn value_range(points: &[(Date, f64)], target: Option<f64>) -> (f64, f64) {
    let values = points.iter().map(|p| p.1).chain(target);
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        let pad = (lo.abs() * 0.1).max(1.0);
        (lo, hi) = (lo - pad, hi + pad);
    }
    (lo, hi)
}

/// 4–6 round ticks covering `lo..=hi` and their step: the smallest step of
/// 1, 2, 2.5 or 5 × 10^n needing at most six ticks. Starting a decade below
/// the span guarantees the first candidate is too fine, and each candidate
/// at most doubles the last, so the chosen one still gives at least four.
fn nice_ticks(lo: f64, hi: f64) -> (Vec<f64>, f64) {
    let span = hi - lo;
    if span.is_finite() && span > 0.0 {
        let mut magnitude = 10f64.powf(span.log10().floor() - 1.0);
        for _ in 0..4 {
            for step in [1.0, 2.0, 2.5, 5.0].map(|m| m * magnitude) {
                let (first, last) = ((lo / step).floor(), (hi / step).ceil());
                if last - first <= 5.0 && last > first {
                    let ticks = (0..=(last - first) as i64).map(|i| (first + i as f64) * step);
                    return (ticks.collect(), step);
                }
            }
            magnitude *= 10.0;
        }
    }
    // Ranges beyond f64's precision: just the ends, still no panic.
    (vec![lo, hi], span)
}

/// Decimals that show multiples of `step` exactly (2.5 → 1, 500 → 0), so
/// labels read 0, 2.5, 5 rather than 0.0000.
fn decimals_for(step: f64) -> usize {
    (0..6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6)
}

/// `v` with up to `decimals` places, trailing zeros dropped (0, 2.5, 5),
/// and thousands separators; never "-0".
fn format_number(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let mut out = String::new();
    if v < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    let frac = frac.trim_end_matches('0');
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A measured value: two decimals (more for small values, so 0.0042 does
/// not read as 0), trailing zeros dropped, then the unit.
fn with_unit(v: f64, unit: &str) -> String {
    // Computed in f64, as log10(0) is -inf.
    let decimals = (2.0 - v.abs().log10().floor()).clamp(2.0, 6.0) as usize;
    let number = format_number(v, decimals);
    if unit.is_empty() {
        number
    } else {
        format!("{number} {unit}")
    }
}

fn month_year(d: Date) -> String {
    format!("{} {}", MONTHS[d.month() as usize - 1], d.year())
}

/// "latest 4.2 % against target 5 %", shared by the chart and sparkline.
fn latest_text(series: &TrendSeries, latest: f64) -> String {
    let mut text = format!("latest {}", with_unit(latest, series.unit));
    if let Some(t) = target_of(series) {
        let _ = write!(text, " against target {}", with_unit(t, series.unit));
    }
    text
}

/// The text alternative: what, how many, over which months, and where the
/// latest value stands, so the chart is usable without seeing it.
fn describe(series: &TrendSeries, points: &[(Date, f64)]) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return format!("{}: no measurements yet", series.title);
    };
    let (n, plural) = (points.len(), if points.len() == 1 { "" } else { "s" });
    let (from, to) = (month_year(first.0), month_year(last.0));
    let period = if from == to {
        format!("in {from}")
    } else {
        format!("from {from} to {to}")
    };
    let latest = latest_text(series, last.1);
    format!("{}: {n} value{plural} {period}; {latest}", series.title)
}

/// Maps dates to x by elapsed days, so irregular measurements are not drawn
/// evenly spaced; a single date sits in the middle.
fn date_scale(first: Date, last: Date, x0: f64, x1: f64) -> impl Fn(Date) -> f64 {
    let days = (last - first).whole_days() as f64;
    move |d| {
        if days > 0.0 {
            x0 + (x1 - x0) * (d - first).whole_days() as f64 / days
        } else {
            (x0 + x1) / 2.0
        }
    }
}

fn value_scale(lo: f64, hi: f64, top: f64, bottom: f64) -> impl Fn(f64) -> f64 {
    move |v| bottom - (bottom - top) * (v - lo) / (hi - lo)
}

/// Month starts to label: every 1, 2, 3, 4, 6, 12… months, aligned to the
/// calendar (quarters start in Jan, Apr, Jul, Oct), the finest step giving
/// at most six labels: at most ~7 steps span the plot, so labels stay
/// ≥ 70 px apart, wider than "Sep 2025". A range inside one month gets none.
/// The last step (5,000 years) covers every date `time` can hold.
fn month_ticks(first: Date, last: Date) -> Vec<Date> {
    let index = |d: Date| i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1;
    let (start, end) = (index(first) + i64::from(first.day() != 1), index(last));
    let steps = [1, 2, 3, 4, 6, 12, 24, 60, 120, 240, 600, 1200, 6000, 60000];
    for step in steps {
        let from = start.div_euclid(step) + i64::from(start.rem_euclid(step) != 0);
        let to = end.div_euclid(step);
        if to - from < 6 {
            let month_start = |m: i64| {
                let month = Month::try_from((m.rem_euclid(12) + 1) as u8).ok()?;
                Date::from_calendar_date(m.div_euclid(12) as i32, month, 1).ok()
            };
            return (from..=to).filter_map(|k| month_start(k * step)).collect();
        }
    }
    Vec::new()
}

fn polyline(points: &[(Date, f64)], x: &impl Fn(Date) -> f64, y: &impl Fn(f64) -> f64) -> String {
    if points.len() < 2 {
        return String::new(); // a lone point is just its circle
    }
    let mut coords = String::new();
    for &(d, v) in points {
        let _ = write!(coords, "{:.1},{:.1} ", x(d), y(v));
    }
    let coords = coords.trim_end();
    format!(
        r#"<polyline points="{coords}" fill="none" stroke="{INK}" stroke-width="1.5" stroke-linejoin="round"/>"#
    )
}

/// The full chart: y grid with nice ticks, month labels, the dashed target
/// line, and the values with a tooltip per point and misses in red. Label
/// offsets use `dx`/`dy` so the SVG stays readable without arithmetic.
pub fn trend_chart(series: &TrendSeries) -> String {
    let points = clean(series.points);
    let label = escape(&describe(series, &points));
    let (plot_w, plot_h) = (RIGHT - LEFT, BOTTOM - TOP);
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{label}" font-family="system-ui, sans-serif" font-size="11"><title>{label}</title><rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="{GRID}"/>"#
    );
    let (Some(&(first, _)), Some(&(last, _))) = (points.first(), points.last()) else {
        let (cx, cy) = ((LEFT + RIGHT) / 2.0, (TOP + BOTTOM) / 2.0);
        let _ = write!(
            out,
            r#"<text x="{cx}" y="{cy}" text-anchor="middle" fill="{MUTED}">No measurements yet</text></svg>"#
        );
        return out;
    };
    let target = target_of(series);
    let (lo, hi) = value_range(&points, target);
    let (ticks, step) = nice_ticks(lo, hi);
    let (y_min, y_max) = (ticks.first().copied(), ticks.last().copied());
    let y = value_scale(y_min.unwrap_or(lo), y_max.unwrap_or(hi), TOP, BOTTOM);
    let x = date_scale(first, last, LEFT + INSET, RIGHT - INSET);
    let decimals = decimals_for(step);
    for &tick in &ticks {
        let (ty, text) = (y(tick), format_number(tick, decimals));
        let _ = write!(
            out,
            r#"<line x1="{LEFT}" y1="{ty:.1}" x2="{RIGHT}" y2="{ty:.1}" stroke="{GRID}"/><text x="{LEFT}" dx="-6" y="{ty:.1}" dy="4" text-anchor="end" fill="{MUTED}">{text}</text>"#
        );
    }
    let mut dates = month_ticks(first, last);
    if dates.is_empty() {
        dates.push(first); // all within one month: label it at the data
    }
    for d in dates {
        let (dx, text) = (x(d), month_year(d));
        let _ = write!(
            out,
            r#"<text class="date" x="{dx:.1}" y="{BOTTOM}" dy="16" text-anchor="middle" fill="{MUTED}">{text}</text>"#
        );
    }
    if let Some(t) = target {
        let (ty, text) = (y(t), escape(&with_unit(t, series.unit)));
        let _ = write!(
            out,
            r#"<line class="target" x1="{LEFT}" y1="{ty:.1}" x2="{RIGHT}" y2="{ty:.1}" stroke="{MUTED}" stroke-dasharray="5 4"/><text x="{RIGHT}" dx="-4" y="{ty:.1}" dy="-4" text-anchor="end" fill="{MUTED}">target {text}</text>"#
        );
    }
    out.push_str(&polyline(&points, &x, &y));
    for &(d, v) in &points {
        let ((class, fill), cx, cy) = (point_style(v, series), x(d), y(v));
        let text = escape(&with_unit(v, series.unit));
        let _ = write!(
            out,
            r#"<circle class="{class}" cx="{cx:.1}" cy="{cy:.1}" r="3.5" fill="{fill}"><title>{d}: {text}</title></circle>"#
        );
    }
    out.push_str("</svg>");
    out
}

/// A 120×28 sparkline: the values, a dashed target, and the latest value as
/// a dot coloured by whether it meets the target. No axes or labels.
pub fn sparkline(series: &TrendSeries) -> String {
    const SW: f64 = 120.0;
    const SH: f64 = 28.0;
    const PAD: f64 = 3.0; // keeps the end dot inside the box
    let points = clean(series.points);
    let label = escape(&match points.last() {
        Some(&(_, v)) => format!("{}: {}", series.title, latest_text(series, v)),
        None => format!("{}: no measurements yet", series.title),
    });
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SW} {SH}" width="{SW}" height="{SH}" role="img" aria-label="{label}"><title>{label}</title>"#
    );
    if let (Some(&(first, _)), Some(&(last, latest))) = (points.first(), points.last()) {
        let target = target_of(series);
        let (lo, hi) = value_range(&points, target);
        let x = date_scale(first, last, PAD, SW - PAD);
        let y = value_scale(lo, hi, PAD, SH - PAD);
        if let Some(ty) = target.map(&y) {
            let _ = write!(
                out,
                r#"<line class="target" x1="0" y1="{ty:.1}" x2="{SW}" y2="{ty:.1}" stroke="{MUTED}" stroke-dasharray="3 2"/>"#
            );
        }
        out.push_str(&polyline(&points, &x, &y));
        let ((class, fill), cx, cy) = (point_style(latest, series), x(last), y(latest));
        let _ = write!(
            out,
            r#"<circle class="{class}" cx="{cx:.1}" cy="{cy:.1}" r="2.5" fill="{fill}"/>"#
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::well_known::Iso8601;

    fn day(text: &str) -> Date {
        Date::parse(text, &Iso8601::DATE).expect("test date")
    }

    fn pts(list: &[(&str, f64)]) -> Vec<(Date, f64)> {
        list.iter().map(|&(d, v)| (day(d), v)).collect()
    }

    fn series<'a>(points: &'a [(Date, f64)], target: Option<f64>) -> TrendSeries<'a> {
        TrendSeries {
            title: "Phishing click rate",
            unit: "%",
            points,
            target,
            direction: TrendDirection::LowerIsBetter,
        }
    }

    /// Every opened element is closed in order, and no text holds a raw `<`.
    fn assert_well_formed(svg: &str) {
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        let mut open = Vec::new();
        for tag in svg.split('<').skip(1) {
            let (inside, _) = tag.split_once('>').expect("tag closes");
            let name = inside
                .split([' ', '/'])
                .find(|s| !s.is_empty())
                .unwrap_or("");
            if inside.starts_with('/') {
                assert_eq!(open.pop(), Some(name), "{svg}");
            } else if !inside.ends_with('/') {
                open.push(name);
            }
        }
        assert!(open.is_empty(), "{svg}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }

    /// The values of every `name="…"` attribute (or `name="…` prefix).
    fn attr<T: std::str::FromStr>(svg: &str, name: &str) -> Vec<T> {
        let key = format!("{name}=\"");
        let values = svg.split(key.as_str()).skip(1);
        values
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .collect()
    }

    #[test]
    fn x_positions_follow_the_dates_not_the_index() {
        let points = pts(&[
            ("2025-01-01", 1.0),
            ("2025-02-01", 2.0),
            ("2026-01-01", 3.0),
        ]);
        let out = trend_chart(&series(&points, None));
        assert_well_formed(&out);
        let cx = attr::<f64>(&out, "cx");
        let (near, far) = (cx[1] - cx[0], cx[2] - cx[1]);
        assert!((far / near - 334.0 / 31.0).abs() < 0.1, "{cx:?}");
        assert!(out.contains(">Jan 2025<") && out.contains(">Jan 2026<"));
    }

    #[test]
    fn date_labels_are_few_and_far_apart() {
        let start = day("2016-03-15");
        for days in [20, 70, 200, 400, 800, 3650] {
            let points = [(start, 1.0), (start + time::Duration::days(days), 2.0)];
            let out = trend_chart(&series(&points, None));
            let xs: Vec<f64> = attr(&out, r#"class="date" x"#);
            assert!((1..=6).contains(&xs.len()), "{days}: {xs:?}");
            assert!(xs.windows(2).all(|w| w[1] - w[0] > 60.0), "{days}: {xs:?}");
        }
    }

    #[test]
    fn target_line_and_meet_or_miss_per_direction() {
        let points = pts(&[
            ("2025-01-31", 3.0),
            ("2025-02-28", 6.0),
            ("2025-03-31", 5.0),
        ]);
        let mut s = series(&points, Some(5.0));
        let lower = trend_chart(&s);
        assert_well_formed(&lower);
        assert!(lower.contains(r#"class="target""#) && lower.contains(">target 5 %<"));
        assert!(lower.contains("<title>2025-03-31: 5 %</title>"));
        let classes = |out: &str| attr::<String>(out, "circle class");
        assert_eq!(classes(&lower), ["meet", "miss", "meet"]);
        s.direction = TrendDirection::HigherIsBetter;
        assert_eq!(classes(&trend_chart(&s)), ["miss", "meet", "meet"]);
        assert!(sparkline(&s).contains(r#"class="meet""#));
        s.target = None;
        assert_eq!(classes(&trend_chart(&s)), ["point"; 3]);
        assert!(!trend_chart(&s).contains("target"));
    }

    #[test]
    fn text_is_escaped_and_described() {
        let points = pts(&[("2025-01-31", 4.0), ("2026-12-31", 4.2)]);
        let s = TrendSeries {
            title: r#"A <&> "B""#,
            ..series(&points, Some(5.0))
        };
        for out in [trend_chart(&s), sparkline(&s)] {
            assert_well_formed(&out);
            assert!(out.contains("A &lt;&amp;&gt; &quot;B&quot;") && !out.contains("<&>"));
        }
        let latest = "latest 4.2 % against target 5 %";
        let chart = format!(": 2 values from Jan 2025 to Dec 2026; {latest}");
        assert!(trend_chart(&s).contains(&chart));
        assert!(sparkline(&s).contains(&format!(r#"&quot;B&quot;: {latest}""#)));
    }

    #[test]
    fn empty_single_and_non_finite_series_stay_sensible() {
        let empty = trend_chart(&series(&[], Some(5.0)));
        assert_well_formed(&empty);
        assert!(empty.contains("No measurements yet") && !empty.contains("<circle"));
        assert_well_formed(&sparkline(&series(&[], None)));
        let one = pts(&[
            ("2025-03-31", 4.2),
            ("2025-04-30", f64::NAN),
            ("2025-05-31", f64::INFINITY),
        ]);
        let out = trend_chart(&series(&one, None));
        assert_well_formed(&out);
        assert_eq!(attr::<f64>(&out, "cx"), [(LEFT + RIGHT) / 2.0]);
        assert!(out.contains("1 value in Mar 2025") && out.contains(">Mar 2025<"));
        let cy = attr::<f64>(&out, "cy")[0];
        assert!(cy > TOP && cy < BOTTOM, "a constant series is padded: {cy}");
        assert_well_formed(&sparkline(&series(&one, Some(4.2))));
    }

    #[test]
    fn nice_ticks_are_round_and_cover_the_range() {
        assert_eq!(nice_ticks(0.0, 7.3).0, [0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(93.0, 99.5).0, [92.0, 94.0, 96.0, 98.0, 100.0]);
        assert_eq!(nice_ticks(0.0, 11.0).0, [0.0, 2.5, 5.0, 7.5, 10.0, 12.5]);
        assert_eq!(nice_ticks(120.0, 4900.0).0, [0.0, 1e3, 2e3, 3e3, 4e3, 5e3]);
        // Many ranges, from a fixed LCG: always 4–6 ticks that cover.
        let mut seed = 7u64;
        for _ in 0..2000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let lo = (seed >> 40) as f64 / 1e3 - 5e3;
            let hi = lo + ((seed >> 20) & 0xfffff) as f64 / 1e4 + 1e-3;
            let (t, _) = nice_ticks(lo, hi);
            let ok = (4..=6).contains(&t.len()) && t[0] <= lo && t[t.len() - 1] >= hi;
            assert!(ok, "{lo}..{hi}: {t:?}");
        }
    }

    #[test]
    fn labels_have_no_noisy_decimals() {
        let labels = |lo, hi| {
            let (ticks, step) = nice_ticks(lo, hi);
            let text = |&t: &f64| format_number(t, decimals_for(step));
            ticks.iter().map(text).collect::<Vec<_>>()
        };
        assert_eq!(labels(0.0, 11.0), ["0", "2.5", "5", "7.5", "10", "12.5"]);
        assert_eq!(labels(0.0, 1.0), ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
        assert_eq!(labels(-900.0, 4200.0)[1], "0");
        assert_eq!(labels(0.0, 4900.0)[1], "1,000");
        assert_eq!(with_unit(4.2, "%"), "4.2 %");
        assert_eq!(with_unit(1234567.0, ""), "1,234,567");
        assert_eq!(with_unit(0.0042, "days"), "0.0042 days");
        assert_eq!(with_unit(-0.0000001, ""), "0");
    }
}
