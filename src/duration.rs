//! Simulated time and how long tasks take.
//!
//! Time is integer milliseconds ([`Millis`]) so that the simulation is exact and deterministic.
//! A task's duration is a [`DurationSpec`], an enum rather than a number so that ranges and
//! distributions (for Monte Carlo percentiles) can join it without touching every reader.

use std::fmt;
use std::ops::{Add, Sub};

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

/// How long a task takes. Only fixed durations exist today; ranges come later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationSpec {
    Fixed(Millis),
}

impl Default for DurationSpec {
    fn default() -> DurationSpec {
        DurationSpec::Fixed(Millis::ZERO)
    }
}

impl DurationSpec {
    /// The single value a deterministic simulation uses.
    pub fn nominal(self) -> Millis {
        match self {
            DurationSpec::Fixed(ms) => ms,
        }
    }
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
