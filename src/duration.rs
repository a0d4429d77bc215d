//! Simulated time and how long tasks take.
//!
//! Time is integer milliseconds ([`Millis`]) so that the simulation is exact and deterministic.
//! A task's duration is a [`DurationSpec`], an enum rather than a number so that ranges and
//! distributions (for Monte Carlo percentiles) can join it without touching every reader.

use std::fmt;
use std::ops::{Add, Sub};
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// A point in simulated time or a length of time, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Millis(pub u64);

impl Millis {
    pub const ZERO: Millis = Millis(0);

    pub fn from_secs(secs: u64) -> Millis {
        Millis(secs.saturating_mul(1000))
    }

    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    pub fn saturating_sub(self, other: Millis) -> Millis {
        Millis(self.0.saturating_sub(other.0))
    }
}

impl Add for Millis {
    type Output = Millis;
    fn add(self, other: Millis) -> Millis {
        // Saturating: a silly duration must not wrap the clock around.
        Millis(self.0.saturating_add(other.0))
    }
}

impl Sub for Millis {
    type Output = Millis;
    fn sub(self, other: Millis) -> Millis {
        self.saturating_sub(other)
    }
}

/// Seconds in JSON, as the CLI's contract says.
impl Serialize for Millis {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_secs_f64())
    }
}

/// Written like the user would: `45s`, `3m`, `1h 30m`, `250ms`.
impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms == 0 {
            return f.write_str("0s");
        }
        if ms < 1000 {
            return write!(f, "{ms}ms");
        }
        let (h, m, s, rest) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        let mut parts = Vec::new();
        if h > 0 {
            parts.push(format!("{h}h"));
        }
        if m > 0 {
            parts.push(format!("{m}m"));
        }
        if rest > 0 {
            let frac = format!("{:03}", rest);
            parts.push(format!("{s}.{}s", frac.trim_end_matches('0')));
        } else if s > 0 {
            parts.push(format!("{s}s"));
        }
        f.write_str(&parts.join(" "))
    }
}

/// A clock reading for a timeline: `3:00`, `1:02:05`, `0:45.5`.
pub fn clock(t: Millis) -> String {
    let ms = t.0;
    let (h, m, s, rest) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let secs = if rest == 0 {
        format!("{s:02}")
    } else {
        let frac = format!("{rest:03}");
        format!("{s:02}.{}", frac.trim_end_matches('0'))
    };
    if h > 0 { format!("{h}:{m:02}:{secs}") } else { format!("{m}:{secs}") }
}

/// How long a task takes: one value, or a distribution a forecast samples from.
///
/// A deterministic simulation uses [`DurationSpec::nominal`], the distribution's median, so the
/// timeline shows the usual run and a forecast spreads around it.
#[derive(Debug, Clone, PartialEq)]
pub enum DurationSpec {
    Fixed(Millis),
    /// Uniform between the two (`3m..5m`); `low <= high`.
    Uniform {
        low: Millis,
        high: Millis,
    },
    /// Log-normal through two quantiles (`{p50: 4m, p90: 9m}`); `0 < p50 <= p90`.
    LogNormal {
        p50: Millis,
        p90: Millis,
    },
    /// Resampled from observed durations (`{samples: [6m, 7m]}`); never empty, sorted.
    Samples(Arc<[Millis]>),
}

impl Default for DurationSpec {
    fn default() -> DurationSpec {
        DurationSpec::Fixed(Millis::ZERO)
    }
}

impl DurationSpec {
    /// The single value a deterministic simulation uses: the median.
    pub fn nominal(&self) -> Millis {
        match self {
            DurationSpec::Fixed(ms) => *ms,
            DurationSpec::Uniform { low, high } => Millis(low.0 + (high.0 - low.0) / 2),
            DurationSpec::LogNormal { p50, .. } => *p50,
            DurationSpec::Samples(samples) => median(samples),
        }
    }

    /// Whether a forecast draws a new value each run.
    pub fn varies(&self) -> bool {
        match self {
            DurationSpec::Fixed(_) => false,
            DurationSpec::Uniform { low, high } => low != high,
            DurationSpec::LogNormal { p50, p90 } => p50 != p90,
            DurationSpec::Samples(s) => s.first() != s.last(),
        }
    }

    /// The samples, sorted (so that the median and the display need no copy).
    pub fn samples(mut values: Vec<Millis>) -> Option<DurationSpec> {
        if values.is_empty() {
            return None;
        }
        values.sort_unstable();
        Some(DurationSpec::Samples(values.into()))
    }
}

/// The middle of sorted values (the mean of the two middle ones for an even count).
fn median(sorted: &[Millis]) -> Millis {
    match sorted.len() {
        0 => Millis::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => Millis(sorted[n / 2 - 1].0.saturating_add(sorted[n / 2].0) / 2),
    }
}

/// Written as the own format spells it: `3m`, `3m..5m`, `{p50: 4m, p90: 9m}`, `{samples: [...]}`.
impl fmt::Display for DurationSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationSpec::Fixed(ms) => write!(f, "{ms}"),
            DurationSpec::Uniform { low, high } => write!(f, "{low}..{high}"),
            DurationSpec::LogNormal { p50, p90 } => write!(f, "{{p50: {p50}, p90: {p90}}}"),
            DurationSpec::Samples(s) => {
                f.write_str("{samples: [")?;
                for (k, ms) in s.iter().enumerate() {
                    if k > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{ms}")?;
                }
                f.write_str("]}")
            }
        }
    }
}

/// Why a duration spec (a range or quantiles) is not a distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecError {
    Duration(DurationError),
    /// `5m..3m`.
    RangeBackwards {
        low: Millis,
        high: Millis,
    },
    /// `{p50: 9m, p90: 4m}`.
    QuantilesBackwards {
        p50: Millis,
        p90: Millis,
    },
    /// A log-normal needs a positive median.
    ZeroMedian,
}

impl From<DurationError> for SpecError {
    fn from(e: DurationError) -> SpecError {
        SpecError::Duration(e)
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Duration(e) => e.fmt(f),
            SpecError::RangeBackwards { low, high } => {
                write!(f, "the range ends ({high}) before it starts ({low})")
            }
            SpecError::QuantilesBackwards { p50, p90 } => {
                write!(f, "p90 ({p90}) is below p50 ({p50}); p90 must be at least p50")
            }
            SpecError::ZeroMedian => f.write_str("p50 must be more than zero"),
        }
    }
}

/// Reads a duration or a range written as text: `3m`, `3m..5m`.
pub fn parse_spec(text: &str) -> Result<DurationSpec, SpecError> {
    match text.split_once("..") {
        None => Ok(DurationSpec::Fixed(parse(text)?)),
        Some((low, high)) => range(parse(low)?, parse(high)?),
    }
}

/// A uniform range, checked.
pub fn range(low: Millis, high: Millis) -> Result<DurationSpec, SpecError> {
    if high < low {
        return Err(SpecError::RangeBackwards { low, high });
    }
    Ok(DurationSpec::Uniform { low, high })
}

/// A log-normal through its median and 90th percentile, checked.
pub fn quantiles(p50: Millis, p90: Millis) -> Result<DurationSpec, SpecError> {
    if p50 == Millis::ZERO {
        return Err(SpecError::ZeroMedian);
    }
    if p90 < p50 {
        return Err(SpecError::QuantilesBackwards { p50, p90 });
    }
    Ok(DurationSpec::LogNormal { p50, p90 })
}

/// Why a duration could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    Empty,
    Negative,
    BadNumber(String),
    UnknownUnit(String),
    MissingUnit(String),
    TooLarge,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Empty => f.write_str("the duration is empty"),
            DurationError::Negative => f.write_str("a duration cannot be negative"),
            DurationError::BadNumber(n) => write!(f, "`{n}` is not a number"),
            DurationError::UnknownUnit(u) => {
                write!(f, "unknown unit `{u}` (use ms, s, m, h, d or w)")
            }
            DurationError::MissingUnit(n) => {
                write!(f, "`{n}` needs a unit when combined with others, e.g. `1m30s`")
            }
            DurationError::TooLarge => f.write_str("the duration is too large"),
        }
    }
}

/// The longest duration we accept: 10 years. Beyond that it is a typo, and the sum of many
/// such durations must still fit in a `u64`.
const MAX: u64 = 10 * 365 * 24 * 3_600_000;

/// Reads `45s`, `4m`, `1h30m`, `1.5m`, `250ms`, `2d` or a bare number of seconds (`90`, `1.5`).
pub fn parse(text: &str) -> Result<Millis, DurationError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    if text.starts_with('-') {
        return Err(DurationError::Negative);
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Ok(secs) = compact.parse::<f64>() {
        return from_unit(secs, 1000.0, &compact);
    }
    let mut total: u64 = 0;
    let mut rest = compact.as_str();
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (number, after) = rest.split_at(num_len);
        if number.is_empty() {
            let unit: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
            return Err(if unit.is_empty() {
                DurationError::BadNumber(after.to_string())
            } else {
                DurationError::BadNumber(unit)
            });
        }
        let unit_len = after.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        if unit.is_empty() {
            return Err(DurationError::MissingUnit(number.to_string()));
        }
        let scale = match unit.to_ascii_lowercase().as_str() {
            "ms" => 1.0,
            "s" | "sec" | "secs" => 1000.0,
            "m" | "min" | "mins" => 60_000.0,
            "h" | "hr" | "hrs" => 3_600_000.0,
            "d" => 86_400_000.0,
            "w" => 604_800_000.0,
            _ => return Err(DurationError::UnknownUnit(unit.to_string())),
        };
        let value: f64 =
            number.parse().map_err(|_| DurationError::BadNumber(number.to_string()))?;
        total = total.saturating_add(from_unit(value, scale, number)?.0);
        if total > MAX {
            return Err(DurationError::TooLarge);
        }
        rest = next;
    }
    Ok(Millis(total))
}

fn from_unit(value: f64, scale: f64, shown: &str) -> Result<Millis, DurationError> {
    if !value.is_finite() {
        return Err(DurationError::BadNumber(shown.to_string()));
    }
    if value < 0.0 {
        return Err(DurationError::Negative);
    }
    let ms = (value * scale).round();
    if ms > MAX as f64 {
        return Err(DurationError::TooLarge);
    }
    Ok(Millis(ms as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_forms() {
        let cases = [
            ("45s", 45_000),
            ("4m", 240_000),
            ("1h30m", 5_400_000),
            ("1.5m", 90_000),
            ("90", 90_000),
            ("1.5", 1_500),
            ("250ms", 250),
            ("1m 30s", 90_000),
            ("2d", 172_800_000),
            ("0", 0),
        ];
        for (text, ms) in cases {
            assert_eq!(parse(text), Ok(Millis(ms)), "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        assert_eq!(parse(""), Err(DurationError::Empty));
        assert_eq!(parse("-3s"), Err(DurationError::Negative));
        assert_eq!(parse("3 parsecs"), Err(DurationError::UnknownUnit("parsecs".into())));
        assert_eq!(parse("1m30"), Err(DurationError::MissingUnit("30".into())));
        assert_eq!(parse("soon"), Err(DurationError::BadNumber("soon".into())));
        assert_eq!(parse("1..2s"), Err(DurationError::BadNumber("1..2".into())));
        assert_eq!(parse("99999999w"), Err(DurationError::TooLarge));
        assert!(parse("nan").is_err());
        assert!(parse("inf").is_err());
    }

    #[test]
    fn reads_ranges_and_checks_distributions() {
        let m = |n: u64| Millis(n * 60_000);
        assert_eq!(parse_spec("3m..5m"), Ok(DurationSpec::Uniform { low: m(3), high: m(5) }));
        assert_eq!(parse_spec(" 4m "), Ok(DurationSpec::Fixed(m(4))));
        assert_eq!(parse_spec("5m..3m"), Err(SpecError::RangeBackwards { low: m(5), high: m(3) }));
        assert_eq!(parse_spec("-1m..3m"), Err(SpecError::Duration(DurationError::Negative)));
        assert_eq!(
            quantiles(m(9), m(4)),
            Err(SpecError::QuantilesBackwards { p50: m(9), p90: m(4) })
        );
        assert_eq!(quantiles(Millis::ZERO, m(4)), Err(SpecError::ZeroMedian));
    }

    #[test]
    fn the_nominal_duration_is_the_median() {
        let m = |n: u64| Millis(n * 60_000);
        assert_eq!(parse_spec("3m..5m").unwrap().nominal(), m(4));
        assert_eq!(quantiles(m(4), m(9)).unwrap().nominal(), m(4));
        let odd = DurationSpec::samples(vec![m(15), m(6), m(7)]).unwrap();
        assert_eq!(odd.nominal(), m(7));
        assert_eq!(odd.to_string(), "{samples: [6m, 7m, 15m]}");
        let even = DurationSpec::samples(vec![m(6), m(7), m(8), m(15)]).unwrap();
        assert_eq!(even.nominal(), Millis(450_000));
        assert_eq!(DurationSpec::samples(vec![Millis(1), Millis(2)]).unwrap().nominal(), Millis(1));
        assert!(DurationSpec::samples(Vec::new()).is_none());
        assert!(!DurationSpec::Fixed(m(1)).varies() && parse_spec("1m..2m").unwrap().varies());
    }

    #[test]
    fn displays_like_a_person_writes() {
        assert_eq!(Millis(0).to_string(), "0s");
        assert_eq!(Millis(250).to_string(), "250ms");
        assert_eq!(Millis(45_000).to_string(), "45s");
        assert_eq!(Millis(180_000).to_string(), "3m");
        assert_eq!(Millis(5_430_500).to_string(), "1h 30m 30.5s");
        assert_eq!(clock(Millis(180_000)), "3:00");
        assert_eq!(clock(Millis(3_725_000)), "1:02:05");
        assert_eq!(clock(Millis(45_500)), "0:45.5");
    }
}
