//! Time-axis ticks a person reads at a glance: `0`, `30s`, `1m`, `1m30s`, `2h`, at "nice" steps
//! (1, 2, 5, 10, 15, 30 of a unit) so that labels never crowd, whatever the zoom.

use crate::duration::Millis;

use super::layout::Scale;

/// One tick of the time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub at: Millis,
    /// Horizontal position in pixels, from the scale.
    pub x: f64,
    pub label: String,
}

const SECOND: u64 = 1000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// The steps a tick may take, smallest first. Clock-like multiples (15s, 30m, 6h) rather than
/// decimal ones (20s, 50m), because people count time that way.
const STEPS: &[u64] = &[
    1,
    2,
    5,
    10,
    20,
    50,
    100,
    200,
    500,
    SECOND,
    2 * SECOND,
    5 * SECOND,
    10 * SECOND,
    15 * SECOND,
    30 * SECOND,
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
    14 * DAY,
    28 * DAY,
];

/// The smallest nice step that keeps ticks at least `min_px` pixels apart at `px_per_ms`.
pub fn nice_step(px_per_ms: f64, min_px: f64) -> u64 {
    if !(px_per_ms.is_finite() && px_per_ms > 0.0) {
        return *STEPS.last().unwrap_or(&DAY);
    }
    let min_ms = min_px / px_per_ms;
    if let Some(&step) = STEPS.iter().find(|&&s| s as f64 >= min_ms) {
        return step;
    }
    // Beyond four weeks: multiples of 28 days at 1, 2, 5 × 10^k.
    let mut base = 28 * DAY;
    loop {
        for m in [1, 2, 5] {
            let step = base.saturating_mul(m);
            if step as f64 >= min_ms || step == u64::MAX {
                return step;
            }
        }
        base = base.saturating_mul(10);
    }
}

/// Ticks covering the scale's visible time window, at least `min_px` apart.
pub fn ticks(scale: &Scale, min_px: f64) -> Vec<Tick> {
    let step = nice_step(scale.px_per_ms(), min_px);
    let start = scale.start.max(0.0);
    let first = (start / step as f64).ceil() as u64 * step;
    let mut out = Vec::new();
    let mut at = first;
    while (at as f64) <= scale.end + 0.5 && out.len() < 1000 {
        out.push(Tick { at: Millis(at), x: scale.x(at as f64), label: label(Millis(at)) });
        at = match at.checked_add(step) {
            Some(next) => next,
            None => break,
        };
    }
    out
}

/// A compact label: `0`, `250ms`, `1.5s`, `45s`, `1m30s`, `2h`, `1h15m`, `3d`.
pub fn label(at: Millis) -> String {
    let ms = at.0;
    if ms == 0 {
        return "0".into();
    }
    let (d, h, m, s, rest) =
        (ms / DAY, ms / HOUR % 24, ms / MINUTE % 60, ms / SECOND % 60, ms % SECOND);
    let mut out = String::new();
    if d > 0 {
        out.push_str(&format!("{d}d"));
    }
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if rest > 0 {
        if ms < SECOND {
            out.push_str(&format!("{rest}ms"));
        } else {
            let frac = format!("{rest:03}");
            out.push_str(&format!("{s}.{}s", frac.trim_end_matches('0')));
        }
    } else if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(start: f64, end: f64, width: f64) -> Scale {
        Scale { start, end, x0: 0.0, x1: width }
    }

    fn labels(scale: &Scale) -> Vec<String> {
        ticks(scale, 70.0).into_iter().map(|t| t.label).collect()
    }

    #[test]
    fn labels_read_like_durations() {
        let cases = [
            (0, "0"),
            (250, "250ms"),
            (1_500, "1.5s"),
            (45_000, "45s"),
            (90_000, "1m30s"),
            (2 * HOUR, "2h"),
            (HOUR + 15 * MINUTE, "1h15m"),
            (3 * DAY, "3d"),
            (61_250, "1m1.25s"),
        ];
        for (ms, want) in cases {
            assert_eq!(label(Millis(ms)), want, "{ms}");
        }
    }

    #[test]
    fn steps_are_nice_for_any_zoom() {
        // Nine minutes over 900 px: one tick a minute (100 px apart).
        assert_eq!(
            labels(&scale(0.0, 540_000.0, 900.0)),
            ["0", "1m", "2m", "3m", "4m", "5m", "6m", "7m", "8m", "9m"]
        );
        // The same nine minutes on a phone: every two minutes.
        assert_eq!(labels(&scale(0.0, 540_000.0, 350.0)), ["0", "2m", "4m", "6m", "8m"]);
        // Zoomed into 40 seconds that start mid-way: ticks on round seconds inside the window.
        assert_eq!(
            labels(&scale(61_000.0, 101_000.0, 600.0)),
            ["1m5s", "1m10s", "1m15s", "1m20s", "1m25s", "1m30s", "1m35s", "1m40s"]
        );
        // Half a second.
        assert_eq!(
            labels(&scale(0.0, 500.0, 800.0)),
            [
                "0", "50ms", "100ms", "150ms", "200ms", "250ms", "300ms", "350ms", "400ms",
                "450ms", "500ms"
            ]
        );
        // Two days.
        assert_eq!(
            labels(&scale(0.0, 2.0 * DAY as f64, 800.0)),
            ["0", "6h", "12h", "18h", "1d", "1d6h", "1d12h", "1d18h", "2d"]
        );
    }

    #[test]
    fn ticks_are_spaced_and_positioned_on_the_scale() {
        let s = Scale { start: 0.0, end: 600_000.0, x0: 100.0, x1: 700.0 };
        let t = ticks(&s, 60.0);
        assert_eq!(t[0].x, 100.0);
        assert_eq!(t.last().unwrap().x, 700.0);
        for pair in t.windows(2) {
            assert!(pair[1].x - pair[0].x >= 60.0);
        }
    }

    #[test]
    fn degenerate_scales_give_few_ticks_not_a_hang() {
        assert!(ticks(&scale(0.0, 0.0, 800.0), 70.0).len() <= 1);
        assert!(ticks(&scale(0.0, 1e18, 800.0), 70.0).len() < 50);
        assert!(nice_step(0.0, 70.0) > 0);
        assert!(nice_step(f64::NAN, 70.0) > 0);
    }
}
