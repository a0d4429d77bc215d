//! The app's side of a forecast: what the worker sends back ([`ForecastSummary`]: whole
//! milliseconds, per task only what the timeline draws), where it stands ([`ForecastState`]:
//! asked, running, done, cancelled or failed, with request ids so that the latest wins), where
//! the histogram's bars go, and the words a screen reader hears.
//!
//! The runs themselves are [`crate::forecast::Forecaster`]'s, driven in chunks by
//! [`super::worker`].

use std::rc::Rc;

use serde_json::{Value, json};

use crate::duration::{Millis, clock};
use crate::forecast::Forecast;

use super::describe::short;

/// A forecast as the app shows it. Times are whole milliseconds (the CLI's JSON has seconds).
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastSummary {
    pub runs: u32,
    pub seed: u64,
    pub mean_ms: u64,
    pub p50_ms: u64,
    pub p90_ms: u64,
    pub p99_ms: u64,
    pub min_ms: u64,
    pub max_ms: u64,
    pub histogram: Vec<Bin>,
    pub success_probability: f64,
    /// Indexed like the pipeline's tasks.
    pub tasks: Vec<TaskSummary>,
}

/// Runs whose makespan was in `[from, to)` (the last bin includes its end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bin {
    pub from_ms: u64,
    pub to_ms: u64,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskSummary {
    pub id: String,
    /// Its end at P50 and P90 over the runs in which it ran; `None` if it never ran.
    pub end_ms: Option<(u64, u64)>,
    pub criticality: f64,
    pub failure_probability: f64,
    pub run_probability: f64,
}

impl From<&Forecast> for ForecastSummary {
    fn from(f: &Forecast) -> ForecastSummary {
        let m = &f.makespan;
        ForecastSummary {
            runs: f.runs,
            seed: f.seed,
            mean_ms: m.mean.0,
            p50_ms: m.p50.0,
            p90_ms: m.p90.0,
            p99_ms: m.p99.0,
            min_ms: m.min.0,
            max_ms: m.max.0,
            histogram: m
                .histogram
                .iter()
                .map(|b| Bin { from_ms: b.from.0, to_ms: b.to.0, count: b.count })
                .collect(),
            success_probability: f.success_probability,
            tasks: f
                .tasks
                .iter()
                .map(|t| TaskSummary {
                    id: t.id.clone(),
                    end_ms: t.end.map(|e| (e.p50.0, e.p90.0)),
                    criticality: t.criticality,
                    failure_probability: t.failure_probability,
                    run_probability: t.run_probability,
                })
                .collect(),
        }
    }
}

/// The JSON the worker sends. Written and read by hand over `serde_json::Value` (which the
/// bundle has anyway for saved state): derived (de)serialisers for these types cost the wasm
/// bundle tens of kilobytes.
impl ForecastSummary {
    pub fn to_json(&self) -> Value {
        let bins: Vec<Value> =
            self.histogram.iter().map(|b| json!([b.from_ms, b.to_ms, b.count])).collect();
        let tasks: Vec<Value> = self
            .tasks
            .iter()
            .map(|t| {
                json!({
                    "id": t.id,
                    "end_ms": t.end_ms.map(|(a, b)| [a, b]),
                    "criticality": t.criticality,
                    "failure_probability": t.failure_probability,
                    "run_probability": t.run_probability,
                })
            })
            .collect();
        json!({
            "runs": self.runs, "seed": self.seed,
            "mean_ms": self.mean_ms, "p50_ms": self.p50_ms, "p90_ms": self.p90_ms,
            "p99_ms": self.p99_ms, "min_ms": self.min_ms, "max_ms": self.max_ms,
            "histogram": bins,
            "success_probability": self.success_probability,
            "tasks": tasks,
        })
    }

    /// `None` when something is missing or of the wrong type.
    pub fn from_json(v: &Value) -> Option<ForecastSummary> {
        let int = |key: &str| v.get(key)?.as_u64();
        let histogram = v
            .get("histogram")?
            .as_array()?
            .iter()
            .map(|b| {
                let n = |i: usize| b.get(i)?.as_u64();
                Some(Bin { from_ms: n(0)?, to_ms: n(1)?, count: n(2)? })
            })
            .collect::<Option<Vec<Bin>>>()?;
        let tasks = v
            .get("tasks")?
            .as_array()?
            .iter()
            .map(|t| {
                let share = |key: &str| t.get(key)?.as_f64();
                let end_ms = match t.get("end_ms")? {
                    Value::Null => None,
                    pair => Some((pair.get(0)?.as_u64()?, pair.get(1)?.as_u64()?)),
                };
                Some(TaskSummary {
                    id: t.get("id")?.as_str()?.to_string(),
                    end_ms,
                    criticality: share("criticality")?,
                    failure_probability: share("failure_probability")?,
                    run_probability: share("run_probability")?,
                })
            })
            .collect::<Option<Vec<TaskSummary>>>()?;
        Some(ForecastSummary {
            runs: u32::try_from(int("runs")?).ok()?,
            seed: int("seed")?,
            mean_ms: int("mean_ms")?,
            p50_ms: int("p50_ms")?,
            p90_ms: int("p90_ms")?,
            p99_ms: int("p99_ms")?,
            min_ms: int("min_ms")?,
            max_ms: int("max_ms")?,
            histogram,
            success_probability: v.get("success_probability")?.as_f64()?,
            tasks,
        })
    }

    /// Every run took the same time and none failed: nothing in the pipeline varies.
    pub fn is_fixed(&self) -> bool {
        self.min_ms == self.max_ms && self.success_probability >= 1.0
    }
}

/// What a forecast is of: a version of the analysed inputs (`rev`), and how it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForecastKey {
    pub rev: u64,
    pub runs: u32,
    pub seed: u64,
}

/// The request the worker is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Running {
    pub id: u64,
    pub key: ForecastKey,
}

/// The worker's last progress message. The shell keeps it outside the app's state: it comes
/// ten times a second, and a new state would re-render the timeline each time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub id: u64,
    pub done: u32,
    pub total: u32,
}

/// The last forecast that finished.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    pub key: ForecastKey,
    pub summary: Rc<ForecastSummary>,
    /// From the request to the result, in the worker.
    pub elapsed_ms: f64,
}

/// Why no forecast is running although the inputs have none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Halt {
    Cancelled,
    Failed(String),
}

/// Where the forecast stands. Replies carry the id of their request; only the running
/// request's replies count, so a newer request always wins over an older one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForecastState {
    /// The inputs last asked for: they are not asked for again until they change (or the
    /// person asks to run again).
    pub asked: Option<ForecastKey>,
    pub running: Option<Running>,
    pub result: Option<Finished>,
    pub halted: Option<Halt>,
}

impl ForecastState {
    /// Whether a forecast of `key` should be asked for.
    pub fn is_due(&self, key: ForecastKey) -> bool {
        self.asked != Some(key)
    }

    /// A request for `key` went out as `id`; it supersedes any running one.
    pub fn sent(&mut self, id: u64, key: ForecastKey) {
        self.asked = Some(key);
        self.running = Some(Running { id, key });
        self.halted = None;
    }

    /// How far the running request is, `(done, total)`, given the last progress message
    /// (which may be of an older request); `None` when nothing runs.
    pub fn progress(&self, last: Option<Progress>) -> Option<(u32, u32)> {
        let r = self.running?;
        match last {
            Some(p) if p.id == r.id => Some((p.done, p.total)),
            _ => Some((0, r.key.runs)),
        }
    }

    pub fn finished(&mut self, id: u64, summary: ForecastSummary, elapsed_ms: f64) {
        if let Some(r) = self.running.filter(|r| r.id == id) {
            self.running = None;
            self.result = Some(Finished { key: r.key, summary: Rc::new(summary), elapsed_ms });
        }
    }

    /// The worker stopped a request before its end (a newer one or a cancel superseded it).
    pub fn stopped(&mut self, id: u64) {
        if self.running.is_some_and(|r| r.id == id) {
            self.running = None;
        }
    }

    /// A request failed; `None` when the worker could not say which.
    pub fn failed(&mut self, id: Option<u64>, message: String) {
        if self.running.is_some_and(|r| id.is_none_or(|id| r.id == id)) {
            self.running = None;
            self.halted = Some(Halt::Failed(message));
        }
    }

    /// The person cancelled, with the inputs at `key`: nothing runs until they change or the
    /// person asks again (a request for `key` that was about to go out does not).
    pub fn cancel(&mut self, key: ForecastKey) {
        self.running = None;
        self.asked = Some(key);
        self.halted = Some(Halt::Cancelled);
    }

    /// Ask again for the same inputs.
    pub fn retry(&mut self) {
        self.asked = None;
        self.halted = None;
    }

    /// The worker crashed (and was restarted): what it was running is lost. Returns whether
    /// a request was.
    pub fn crashed(&mut self) -> bool {
        let lost = self.running.take().is_some();
        if lost {
            self.halted = Some(Halt::Failed(
                "The forecast stopped: its worker crashed and was restarted.".into(),
            ));
        }
        lost
    }

    /// The last result, if it is of this version of the inputs.
    pub fn result_for(&self, rev: u64) -> Option<&Finished> {
        self.result.as_ref().filter(|f| f.key.rev == rev)
    }
}

pub use crate::text::percent;

/// A forecast time on the timeline's clock, to the second (the quantiles are estimates: their
/// milliseconds mean nothing).
pub fn clock_s(ms: u64) -> String {
    clock(Millis((ms + 500) / 1000 * 1000))
}

/// What a bar's accessible name gains from the forecast: "ends P50 4:00, P90 4:48; critical
/// in 62% of runs", then how often it fails or runs at all when that is not never or always.
pub fn task_words(t: &TaskSummary) -> String {
    let mut out = match t.end_ms {
        Some((p50, p90)) => format!("ends P50 {}, P90 {}", clock_s(p50), clock_s(p90)),
        None => "runs in none of the forecast's runs".into(),
    };
    out.push_str(&format!("; critical in {} of runs", percent(t.criticality)));
    if t.failure_probability > 0.0 {
        out.push_str(&format!("; fails in {} of runs", percent(t.failure_probability)));
    }
    if t.end_ms.is_some() && t.run_probability < 1.0 {
        out.push_str(&format!("; runs in {} of runs", percent(t.run_probability)));
    }
    out
}

/// How strongly a bar is shaded for how often its task is critical: faint when never, solid
/// when always (an opacity, so the outline and the hatching keep their meaning).
pub fn shade(criticality: f64) -> f64 {
    let c = if criticality.is_finite() { criticality.clamp(0.0, 1.0) } else { 0.0 };
    ((0.3 + 0.7 * c) * 100.0).round() / 100.0
}

/// One bar of the histogram, in the SVG's units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistogramBar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub bin: Bin,
}

/// A vertical line at a percentile, with its label when there is room for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub name: &'static str,
    pub x: f64,
    pub label: Option<String>,
}

/// The histogram's drawing: bars, percentile markers, and the two ends of the time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub bars: Vec<HistogramBar>,
    pub markers: Vec<Marker>,
    /// The bottom of the bars (the axis line).
    pub base: f64,
    pub min_label: String,
    pub max_label: String,
}

/// Space around the plot: room for the percentile labels above and the axis labels below.
const TOP: f64 = 16.0;
const BOTTOM: f64 = 18.0;
const SIDE: f64 = 4.0;

/// Lays the makespan histogram out in a `width` × `height` box. When every run took the same
/// time there is one bin, drawn as one bar in the middle.
pub fn histogram(s: &ForecastSummary, width: f64, height: f64) -> Histogram {
    let base = height - BOTTOM;
    let plot = (base - TOP).max(1.0);
    let (x0, x1) = (SIDE, (width - SIDE).max(SIDE + 1.0));
    let (min, max) = (s.min_ms as f64, s.max_ms as f64);
    let span = max - min;
    let x = |t: f64| if span > 0.0 { x0 + (t - min) / span * (x1 - x0) } else { (x0 + x1) / 2.0 };
    let tallest = s.histogram.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let bars = s
        .histogram
        .iter()
        .map(|&bin| {
            let (a, b) = if span > 0.0 {
                (x(bin.from_ms as f64), x(bin.to_ms as f64))
            } else {
                let w = (x1 - x0) / 8.0;
                ((x0 + x1 - w) / 2.0, (x0 + x1 + w) / 2.0)
            };
            // A thin gap between bars, and a visible sliver for a bin with a few runs.
            let h = if bin.count == 0 { 0.0 } else { (bin.count as f64 / tallest * plot).max(1.0) };
            HistogramBar { x: a + 0.5, y: base - h, width: (b - a - 1.0).max(0.5), height: h, bin }
        })
        .collect();
    // Labels that would overlap the one before are left out (the figures are listed anyway).
    let mut markers: Vec<Marker> = Vec::new();
    let mut last_label: Option<f64> = None;
    for (name, at) in [("P50", s.p50_ms), ("P90", s.p90_ms), ("P99", s.p99_ms)] {
        let mx = x(at as f64);
        let room = last_label.is_none_or(|l| mx - l >= 30.0);
        if room {
            last_label = Some(mx);
        }
        markers.push(Marker { name, x: mx, label: room.then(|| name.to_string()) });
    }
    Histogram {
        bars,
        markers,
        base,
        min_label: short(Millis(s.min_ms)),
        max_label: short(Millis(s.max_ms)),
    }
}

/// "4,000 of 10,000 runs".
pub fn progress_text(done: u32, total: u32) -> String {
    use super::describe::count;
    format!("{} of {} runs", count(done as usize), count(total as usize))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::forecast;
    use crate::sim::Policy;
    use crate::{AnalyzeOptions, analyze};

    const FLAKY: &str = "pipeline:
  stages:
    - stage: {id: build, duration: 2m..4m}
    - stage: {id: test, duration: 1m, failure_rate: 50%}
    - stage: {id: notify, duration: 10s, when: always}
";

    fn summary(text: &str, runs: u32) -> ForecastSummary {
        let a = analyze(text, &AnalyzeOptions::default());
        ForecastSummary::from(&forecast(&a.pipeline, Policy::Fifo, runs, 1).unwrap())
    }

    #[test]
    fn the_summary_keeps_the_figures_in_milliseconds() {
        let s = summary(FLAKY, 2000);
        assert_eq!(s.runs, 2000);
        assert_eq!(s.tasks.len(), 3);
        assert_eq!(s.tasks[0].id, "build");
        // build ends between 2 and 4 minutes; its median near 3.
        let (p50, p90) = s.tasks[0].end_ms.unwrap();
        assert!((170_000..=190_000).contains(&p50), "{p50}");
        assert!(p90 > p50 && p90 <= 240_000, "{p90}");
        assert!((s.success_probability - 0.5).abs() < 0.05, "{}", s.success_probability);
        assert_eq!(s.histogram.iter().map(|b| b.count).sum::<u64>(), 2000);
        assert!(s.min_ms <= s.p50_ms && s.p50_ms <= s.p90_ms && s.p99_ms <= s.max_ms);
        assert!(!s.is_fixed());
        let json = s.to_json().to_string();
        let back = ForecastSummary::from_json(&serde_json::from_str(&json).unwrap());
        assert_eq!(back.as_ref(), Some(&s));
        assert_eq!(ForecastSummary::from_json(&json!({"runs": 1})), None);
        // A pipeline where nothing varies.
        let fixed = summary(include_str!("../../examples/release.yaml"), 100);
        assert!(fixed.is_fixed());
        assert_eq!(fixed.p99_ms, 540_000);
    }

    #[test]
    fn words_for_the_bars() {
        let s = summary(FLAKY, 2000);
        let words: Vec<String> = s.tasks.iter().map(task_words).collect();
        assert!(words[0].starts_with("ends P50 3:0") || words[0].starts_with("ends P50 2:5"));
        assert!(words[0].ends_with("; critical in 100% of runs"), "{}", words[0]);
        assert!(words[1].contains("; fails in 5"), "{}", words[1]);
        let t = TaskSummary {
            id: "x".into(),
            end_ms: Some((240_400, 288_600)),
            criticality: 0.62,
            failure_probability: 0.0,
            run_probability: 0.011,
        };
        assert_eq!(
            task_words(&t),
            "ends P50 4:00, P90 4:49; critical in 62% of runs; runs in 1.1% of runs"
        );
        let never = TaskSummary { end_ms: None, criticality: 0.0, run_probability: 0.0, ..t };
        assert_eq!(
            task_words(&never),
            "runs in none of the forecast's runs; critical in 0% of runs"
        );
    }

    #[test]
    fn percentages_keep_rare_events() {
        let cases = [
            (0.0, "0%"),
            (1.0, "100%"),
            (0.62, "62%"),
            (0.003, "0.3%"),
            (0.0004, "under 0.1%"),
            (0.9886, "98.9%"),
            (0.9999, "over 99.9%"),
            (0.5, "50%"),
            (0.05, "5%"),
            (0.053, "5.3%"),
            (f64::NAN, "0%"),
        ];
        for (p, want) in cases {
            assert_eq!(percent(p), want, "{p}");
        }
        assert_eq!(shade(0.0), 0.3);
        assert_eq!(shade(1.0), 1.0);
        assert_eq!(shade(7.0), 1.0);
    }

    #[test]
    fn the_histogram_fills_its_box() {
        let s = summary(FLAKY, 2000);
        let h = histogram(&s, 400.0, 120.0);
        assert_eq!(h.bars.len(), s.histogram.len());
        let tallest = h.bars.iter().map(|b| b.height).fold(0.0, f64::max);
        assert_eq!(tallest, 120.0 - BOTTOM - TOP, "the fullest bin reaches the top");
        assert!(h.bars.iter().all(|b| b.x >= 0.0 && b.x + b.width <= 400.0));
        assert!(h.bars.iter().all(|b| (b.y + b.height - h.base).abs() < 1e-9));
        assert!(h.bars.windows(2).all(|w| w[0].x < w[1].x), "bars in time order");
        let names: Vec<&str> = h.markers.iter().map(|m| m.name).collect();
        assert_eq!(names, ["P50", "P90", "P99"]);
        assert!(h.markers.windows(2).all(|w| w[0].x <= w[1].x));
        assert_eq!(h.min_label, short(Millis(s.min_ms)));
        // One bin when nothing varies: a bar in the middle, every marker on it.
        let fixed = summary(include_str!("../../examples/release.yaml"), 100);
        let h = histogram(&fixed, 400.0, 120.0);
        assert_eq!(h.bars.len(), 1);
        assert!((h.bars[0].x + h.bars[0].width / 2.0 - 200.0).abs() < 1.0);
        assert!(h.markers.iter().all(|m| m.x == 200.0));
        assert_eq!(h.markers.iter().filter(|m| m.label.is_some()).count(), 1, "no overlap");
    }

    fn key(rev: u64) -> ForecastKey {
        ForecastKey { rev, runs: 100, seed: 1 }
    }

    #[test]
    fn only_the_running_request_counts() {
        let s = summary(FLAKY, 100);
        let mut f = ForecastState::default();
        assert!(f.is_due(key(1)));
        f.sent(1, key(1));
        assert!(!f.is_due(key(1)));
        // A newer request supersedes it: replies to the old one are ignored.
        f.sent(2, key(2));
        let old = Progress { id: 1, done: 50, total: 100 };
        assert_eq!(f.progress(Some(old)), Some((0, 100)), "the old request's progress");
        f.finished(1, s.clone(), 1.0);
        assert!(f.result.is_none());
        assert_eq!(f.progress(Some(Progress { id: 2, done: 40, total: 100 })), Some((40, 100)));
        f.finished(2, s.clone(), 12.5);
        assert_eq!(f.progress(Some(Progress { id: 2, done: 40, total: 100 })), None, "done");
        assert!(f.running.is_none());
        assert_eq!(f.result_for(2).unwrap().elapsed_ms, 12.5);
        assert!(f.result_for(1).is_none());
        assert!(!f.is_due(key(2)));
        assert!(f.is_due(ForecastKey { seed: 2, ..key(2) }), "another seed is another forecast");
    }

    #[test]
    fn cancel_holds_until_the_inputs_change_or_a_retry() {
        let mut f = ForecastState::default();
        f.sent(1, key(1));
        f.cancel(key(1));
        assert_eq!(f.halted, Some(Halt::Cancelled));
        assert!(f.running.is_none());
        assert!(!f.is_due(key(1)), "cancelled stays cancelled");
        // Cancelled while newer inputs wait to be asked for: those are not asked for either.
        let mut g = ForecastState::default();
        g.sent(1, key(1));
        assert!(g.is_due(key(2)));
        g.cancel(key(2));
        assert!(!g.is_due(key(2)) && g.running.is_none());
        f.stopped(1);
        assert_eq!(f.halted, Some(Halt::Cancelled));
        assert!(f.is_due(key(2)));
        f.retry();
        assert!(f.is_due(key(1)));
        f.sent(3, key(1));
        assert_eq!(f.halted, None);
        // A crash loses the running request and says so; a superseded one just ends.
        assert!(f.crashed());
        assert!(matches!(f.halted, Some(Halt::Failed(_))));
        assert!(!f.crashed(), "nothing was running");
        f.sent(4, key(1));
        f.stopped(4);
        assert_eq!((f.running, &f.halted), (None, &None));
        f.sent(5, key(1));
        f.failed(Some(4), "old".into());
        assert!(f.running.is_some());
        f.failed(None, "bad request".into());
        assert_eq!(f.halted, Some(Halt::Failed("bad request".into())));
    }
}
