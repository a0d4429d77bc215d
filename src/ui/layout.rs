//! Geometry of the timeline, in pixels, from a schedule: which rows are shown (grouped by stage,
//! with collapsed stages hiding their steps), where each bar and wait segment goes on a time
//! scale, the dependency arrows of a focused task, and the resource lanes.
//!
//! Everything here is plain arithmetic on the core's types, so the browser shell only turns the
//! numbers into SVG elements, and the same geometry feeds the SVG download.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::ops::Range;

use crate::duration::Millis;
use crate::model::{Pipeline, TaskIdx};
use crate::sim::{Outcome, ResourceUsage, Schedule, WaitReason};

/// A linear map from a window of time (milliseconds) to a horizontal range of pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// The time at the left edge, in milliseconds (fractional while zooming).
    pub start: f64,
    /// The time at the right edge.
    pub end: f64,
    /// The pixel of `start`.
    pub x0: f64,
    /// The pixel of `end`.
    pub x1: f64,
}

impl Scale {
    pub fn px_per_ms(&self) -> f64 {
        (self.x1 - self.x0) / (self.end - self.start).max(1e-9)
    }

    pub fn x(&self, t: f64) -> f64 {
        self.x0 + (t - self.start) * self.px_per_ms()
    }

    pub fn time_at(&self, x: f64) -> f64 {
        self.start + (x - self.x0) / self.px_per_ms()
    }

    /// A pixel position kept just outside the visible range, so that a bar far off-screen does
    /// not produce huge coordinates.
    pub fn clamp_x(&self, x: f64) -> f64 {
        x.clamp(self.x0 - 4.0, self.x1 + 4.0)
    }
}

/// One row of the timeline: a task that is not hidden inside a collapsed stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub task: TaskIdx,
    /// 0 for top-level stages, 1 for their steps, ...
    pub depth: u32,
    /// The task has children (a stage with steps), so its row can collapse.
    pub group: bool,
    pub collapsed: bool,
    /// 1-based position among its siblings, and how many siblings there are (for assistive
    /// technology: the rows are a flat list in the page, the tree is in these numbers).
    pub posinset: u32,
    pub setsize: u32,
}

/// The rows in document order (a stage, then its steps), skipping the children of collapsed
/// tasks. `collapsed` holds full task ids, so that it survives edits that renumber tasks.
pub fn rows(pipeline: &Pipeline, collapsed: &BTreeSet<String>) -> Vec<Row> {
    let top: Vec<TaskIdx> =
        pipeline.task_indices().filter(|&t| pipeline.task(t).parent.is_none()).collect();
    let mut out = Vec::with_capacity(pipeline.tasks.len());
    // An explicit stack (children pushed in reverse) keeps deep nesting off the call stack.
    let mut stack: Vec<(TaskIdx, u32, u32, u32)> = Vec::new();
    let push_all = |stack: &mut Vec<(TaskIdx, u32, u32, u32)>, list: &[TaskIdx], depth: u32| {
        let n = list.len() as u32;
        for (i, &t) in list.iter().enumerate().rev() {
            stack.push((t, depth, i as u32 + 1, n));
        }
    };
    push_all(&mut stack, &top, 0);
    let mut guard = 0usize;
    while let Some((task, depth, posinset, setsize)) = stack.pop() {
        guard += 1;
        if guard > pipeline.tasks.len() * 2 + 1 {
            break; // a malformed parent/child cycle; never in practice
        }
        let t = pipeline.task(task);
        let group = t.is_group();
        let is_collapsed = group && collapsed.contains(&t.id);
        out.push(Row { task, depth, group, collapsed: is_collapsed, posinset, setsize });
        if group && !is_collapsed {
            push_all(&mut stack, &t.children, depth + 1);
        }
    }
    out
}

/// For each task, the row that shows it: its own row, or the row of the collapsed stage that
/// hides it. `None` only for tasks not reachable from the top (never in practice).
pub fn row_of_task(pipeline: &Pipeline, rows: &[Row]) -> Vec<Option<usize>> {
    let mut of = vec![None; pipeline.tasks.len()];
    for (i, row) in rows.iter().enumerate() {
        of[row.task.index()] = Some(i);
    }
    // Parents come before their children in `tasks`, so one pass in index order resolves
    // hidden tasks to their nearest shown ancestor.
    for i in 0..pipeline.tasks.len() {
        if of[i].is_none() {
            if let Some(parent) = pipeline.tasks[i].parent.filter(|p| p.index() < i) {
                of[i] = of[parent.index()];
            }
        }
    }
    of
}

/// The rows to render for a vertical scroll position: those in view plus `overscan` rows on
/// each side (rows are `row_height` tall, starting at y = 0).
pub fn visible_range(
    count: usize,
    row_height: f64,
    scroll_top: f64,
    viewport_height: f64,
    overscan: usize,
) -> Range<usize> {
    if count == 0 || row_height <= 0.0 {
        return 0..0;
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let shown = (viewport_height.max(0.0) / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(overscan).min(count);
    let end = first.saturating_add(shown).saturating_add(overscan).min(count);
    start..end
}

/// The scroll position that brings row `index` into view with the least movement.
pub fn scroll_to_show(index: usize, row_height: f64, scroll_top: f64, viewport_height: f64) -> f64 {
    let top = index as f64 * row_height;
    let bottom = top + row_height;
    if top < scroll_top {
        top
    } else if bottom > scroll_top + viewport_height {
        (bottom - viewport_height).max(0.0)
    } else {
        scroll_top
    }
}

/// Why a wait segment waited: drawn with different hatching and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitKind {
    Dependency,
    Resource,
    /// For a runner to pick the task up.
    Pickup,
}

impl WaitKind {
    pub fn class(self) -> &'static str {
        match self {
            WaitKind::Dependency => "wait-dep",
            WaitKind::Resource => "wait-res",
            WaitKind::Pickup => "wait-pickup",
        }
    }
}

/// A horizontal extent in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x: f64,
    pub width: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaitSegment {
    pub x: f64,
    pub width: f64,
    pub kind: WaitKind,
}

/// The drawing of one task on its row.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Running time; `None` for a task that never started or is outside the window.
    pub run: Option<Segment>,
    pub waits: Vec<WaitSegment>,
    /// A task that never started although it should have: from when it was ready (or time
    /// zero) to the right edge.
    pub blocked: Option<Segment>,
    /// A task that did not run (skipped, or cancelled before it started): a marker where it
    /// was due (when it was ready, or its stage was), `MARKER_PX` wide.
    pub marker: Option<f64>,
    /// How it ended; anything but success is drawn and named on the bar, not by colour alone.
    pub outcome: Outcome,
    /// The task that never started was ready and queued for a resource (rather than waiting
    /// for something that never ends).
    pub queued: bool,
    pub critical: bool,
    /// A stage with steps: drawn as a summary bracket rather than a solid bar.
    pub group: bool,
}

/// Bars narrower than this are widened so that a zero-length task is still visible.
pub const MIN_BAR_PX: f64 = 3.0;
/// The width of the marker of a task that did not run.
pub const MARKER_PX: f64 = 12.0;

/// The pixels of the interval `from..to` (ms) on `scale`, at least `min` wide; `None` when
/// it lies outside the window.
pub fn segment(scale: &Scale, from: f64, to: f64, min: f64) -> Option<Segment> {
    // A segment that only touches the window's edge is outside it (unless it has no length).
    if to < scale.start || from > scale.end || from < to && (to <= scale.start || from >= scale.end)
    {
        return None;
    }
    let a = scale.clamp_x(scale.x(from));
    let b = scale.clamp_x(scale.x(to));
    let width = (b - a).max(min);
    Some(Segment { x: a, width })
}

/// Where a task's bar, waits and blocked marker go on the scale.
pub fn bar(
    pipeline: &Pipeline,
    schedule: &Schedule,
    task: TaskIdx,
    scale: &Scale,
    critical: bool,
) -> Bar {
    let timing = schedule.timing(task);
    let run = match (timing.start, timing.end) {
        (Some(s), Some(e)) => segment(scale, s.0 as f64, e.0 as f64, MIN_BAR_PX),
        _ => None,
    };
    let waits = timing
        .waits
        .iter()
        .filter_map(|w| {
            let kind = match w.reason {
                WaitReason::Dependency { .. } => WaitKind::Dependency,
                WaitReason::Resource { .. } => WaitKind::Resource,
                WaitReason::Pickup => WaitKind::Pickup,
            };
            let s = segment(scale, w.from.0 as f64, w.to.0 as f64, 1.0)?;
            Some(WaitSegment { x: s.x, width: s.width, kind })
        })
        .collect();
    let did_not_run =
        timing.start.is_none() && matches!(timing.outcome, Outcome::Skipped | Outcome::Cancelled);
    let blocked = if timing.start.is_none() && !did_not_run {
        let from = timing.ready.map_or(0.0, |r| r.0 as f64);
        segment(scale, from, scale.end, MIN_BAR_PX)
    } else {
        None
    };
    let marker = did_not_run
        .then(|| due(pipeline, schedule, task).0 as f64)
        .filter(|&t| t >= scale.start && t <= scale.end)
        .map(|t| scale.x(t));
    let queued = timing.start.is_none() && timing.ready.is_some();
    Bar {
        run,
        waits,
        blocked,
        marker,
        outcome: timing.outcome,
        queued,
        critical,
        group: pipeline.task(task).is_group(),
    }
}

/// When a task that did not run was due: when it was ready, else when the nearest enclosing
/// stage was (the steps of a skipped stage never become ready), else when it was cancelled.
fn due(pipeline: &Pipeline, schedule: &Schedule, task: TaskIdx) -> Millis {
    let mut at = Some(task);
    let mut depth = 0;
    while let Some(t) = at {
        if let Some(ready) = schedule.timing(t).ready {
            return ready;
        }
        depth += 1;
        at = pipeline.task(t).parent.filter(|_| depth < 64);
    }
    schedule.timing(task).end.unwrap_or(Millis::ZERO)
}

/// The word drawn beside a bar whose task did not succeed: "failed", "skipped", "cancelled";
/// `None` for a success, and for a task that never started (its marker says so itself).
pub fn outcome_word(outcome: Outcome) -> Option<&'static str> {
    match outcome {
        Outcome::Failed => Some("failed"),
        Outcome::Skipped => Some("skipped"),
        Outcome::Cancelled => Some("cancelled"),
        Outcome::Succeeded | Outcome::NeverStarted => None,
    }
}

/// Where the outcome word of a bar goes: after its run or marker, or before it when the
/// plot's right edge is too close. `(x, anchored at the end)`.
pub fn outcome_label(bar: &Bar, scale: &Scale) -> Option<(f64, bool)> {
    outcome_word(bar.outcome)?;
    let (from, to) = match (bar.run, bar.marker) {
        (Some(r), _) => (r.x, r.x + r.width),
        (None, Some(x)) => (x, x + MARKER_PX),
        (None, None) => return None,
    };
    if to + 80.0 <= scale.x1 + 4.0 { Some((to + 6.0, false)) } else { Some((from - 6.0, true)) }
}

/// The whisker of a forecast end: from its P50 to its P90, on the scale (`None` when out of
/// the window).
pub fn whisker(ends: (u64, u64), scale: &Scale) -> Option<Segment> {
    let (p50, p90) = (ends.0 as f64, ends.1.max(ends.0) as f64);
    segment(scale, p50, p90, 0.0)
}

/// Membership of the critical path, by task index.
pub fn critical_set(schedule: &Schedule, tasks: usize) -> Vec<bool> {
    let mut set = vec![false; tasks];
    for t in &schedule.critical_path {
        if let Some(slot) = set.get_mut(t.index()) {
            *slot = true;
        }
    }
    set
}

/// A dependency arrow of the focused task, as an SVG path.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    pub d: String,
    /// From the focused task to a task that waits for it (rather than into the focused task).
    pub outgoing: bool,
    /// Both ends are on the critical path.
    pub critical: bool,
}

/// The most arrows drawn for one task; a fan-in of hundreds would be a solid block anyway.
pub const MAX_ARROWS: usize = 64;

/// Arrows from each dependency of `focused` into it, and from it to each task that depends on
/// it, when both ends are inside the scale's window. Rows hidden in a collapsed stage are reached at that stage's row; rows are
/// `row_height` tall from y = 0.
pub fn arrows(
    pipeline: &Pipeline,
    schedule: &Schedule,
    row_of: &[Option<usize>],
    focused: TaskIdx,
    scale: &Scale,
    row_height: f64,
) -> Vec<Arrow> {
    let critical = critical_set(schedule, pipeline.tasks.len());
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut add = |from: TaskIdx, to: TaskIdx, outgoing: bool, out: &mut Vec<Arrow>| {
        if out.len() >= MAX_ARROWS || from == to || !seen.insert((from, to)) {
            return;
        }
        let (Some(Some(r1)), Some(Some(r2))) = (row_of.get(from.index()), row_of.get(to.index()))
        else {
            return;
        };
        if r1 == r2 {
            return;
        }
        let (Some(end), Some(start)) =
            (schedule.timing(from).end, schedule.timing(to).start.or(schedule.timing(to).ready))
        else {
            return;
        };
        // Only arrows whose both ends are in view: one pointing off-screen explains nothing.
        let (end, start) = (end.0 as f64, start.0 as f64);
        if end < scale.start || end > scale.end || start < scale.start || start > scale.end {
            return;
        }
        let (x1, x2) = (scale.x(end), scale.x(start));
        let y1 = (*r1 as f64 + 0.5) * row_height;
        let y2 = (*r2 as f64 + 0.5) * row_height;
        out.push(Arrow {
            d: elbow(x1, y1, x2, y2, row_height),
            outgoing,
            critical: critical[from.index()] && critical[to.index()],
        });
    };
    for dep in &pipeline.task(focused).deps {
        if let Some(target) = dep.target.filter(|t| t.index() < pipeline.tasks.len()) {
            add(target, focused, false, &mut out);
        }
    }
    for (i, task) in pipeline.tasks.iter().enumerate() {
        if task.deps.iter().any(|d| d.target == Some(focused)) {
            add(focused, TaskIdx(i as u32), true, &mut out);
        }
    }
    out
}

/// An orthogonal connector from the end of one bar to the start of another: right, down (or
/// up), right. When the target starts left of where the source ends (clamped at a window edge),
/// it detours between the rows.
fn elbow(x1: f64, y1: f64, x2: f64, y2: f64, row_height: f64) -> String {
    const STUB: f64 = 6.0;
    if x2 - x1 >= 2.0 * STUB {
        let xm = x2 - STUB;
        format!("M{x1:.1} {y1:.1}H{xm:.1}V{y2:.1}H{x2:.1}")
    } else {
        let ymid = if y2 > y1 { y2 - row_height / 2.0 } else { y2 + row_height / 2.0 };
        format!("M{x1:.1} {y1:.1}H{:.1}V{ymid:.1}H{:.1}V{y2:.1}H{x2:.1}", x1 + STUB, x2 - STUB)
    }
}

/// One resource lane: units in use against the capacity, with the tasks waiting for the
/// resource stacked above, as step-shaped areas.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// SVG path of the units in use.
    pub in_use: String,
    /// SVG path of the queue, stacked on top of the units in use.
    pub queued: String,
    /// y of the capacity line.
    pub capacity_y: f64,
    /// The value at the top of the lane (capacity plus the longest queue).
    pub top: u32,
}

/// The lane of a resource of `capacity` units, drawn between `y` and `y + height`.
pub fn lane(usage: &ResourceUsage, capacity: u32, scale: &Scale, y: f64, height: f64) -> Lane {
    let top = capacity.max(usage.peak_in_use).saturating_add(usage.peak_queued).max(1);
    let base = y + height;
    let y_of = |v: u32| base - height * f64::from(v) / f64::from(top);

    // Pixel buckets: (x from, x to, in use, in use + queued). Steps narrower than a pixel
    // merge into one bucket with the largest values, so a lane costs at most its width.
    let mut buckets: Vec<(f64, f64, u32, u32)> = Vec::new();
    let samples = &usage.samples;
    for (i, s) in samples.iter().enumerate() {
        let from = s.at.0 as f64;
        let to = samples.get(i + 1).map_or(scale.end, |n| n.at.0 as f64);
        if to <= scale.start || from >= scale.end || to <= from {
            continue;
        }
        let xa = scale.x(from.max(scale.start));
        let xb = scale.x(to.min(scale.end));
        let total = s.in_use.saturating_add(s.queued);
        match buckets.last_mut() {
            Some(last) if xb - last.0 < 1.0 || xa - last.0 < 1.0 && last.1 - last.0 < 1.0 => {
                last.1 = xb;
                last.2 = last.2.max(s.in_use);
                last.3 = last.3.max(total);
            }
            _ => buckets.push((xa, xb, s.in_use, total)),
        }
    }

    let mut in_use = String::new();
    let mut queued = String::new();
    if let (Some(first), Some(last)) = (buckets.first(), buckets.last()) {
        let _ = write!(in_use, "M{:.1} {base:.1}", first.0);
        for b in &buckets {
            let yy = y_of(b.2);
            let _ = write!(in_use, "L{:.1} {yy:.1}L{:.1} {yy:.1}", b.0, b.1);
        }
        let _ = write!(in_use, "L{:.1} {base:.1}Z", last.1);

        if buckets.iter().any(|b| b.3 > b.2) {
            let _ = write!(queued, "M{:.1} {:.1}", first.0, y_of(first.2));
            for b in &buckets {
                let yy = y_of(b.3);
                let _ = write!(queued, "L{:.1} {yy:.1}L{:.1} {yy:.1}", b.0, b.1);
            }
            for b in buckets.iter().rev() {
                let yy = y_of(b.2);
                let _ = write!(queued, "L{:.1} {yy:.1}L{:.1} {yy:.1}", b.1, b.0);
            }
            queued.push('Z');
        }
    }
    Lane { in_use, queued, capacity_y: y_of(capacity), top }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AnalyzeOptions, analyze};

    const RELEASE: &str = include_str!("../../examples/release.yaml");

    fn ids(pipeline: &Pipeline, rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| {
                let t = pipeline.task(r.task);
                let mark = if r.collapsed {
                    "+"
                } else if r.group {
                    "-"
                } else {
                    " "
                };
                format!(
                    "{}{mark}{} {}/{}",
                    "  ".repeat(r.depth as usize),
                    t.local_id,
                    r.posinset,
                    r.setsize
                )
            })
            .collect()
    }

    #[test]
    fn rows_group_steps_under_their_stage_and_collapse() {
        let a = analyze(RELEASE, &AnalyzeOptions::default());
        let p = &a.pipeline;
        let all = rows(p, &BTreeSet::new());
        assert_eq!(
            ids(p, &all),
            [
                " build 1/4",
                " deploy-eu 2/4",
                " deploy-us 3/4",
                "-verify 4/4",
                "   smoke 1/3",
                "   perf 2/3",
                "   report 3/3",
            ]
        );
        let collapsed = BTreeSet::from(["verify".to_string()]);
        let few = rows(p, &collapsed);
        assert_eq!(ids(p, &few), [" build 1/4", " deploy-eu 2/4", " deploy-us 3/4", "+verify 4/4"]);
        // Hidden steps are reached through their stage's row.
        let of = row_of_task(p, &few);
        assert_eq!(of[p.find_task("verify/perf").unwrap().index()], Some(3));
        assert_eq!(of[p.find_task("build").unwrap().index()], Some(0));
    }

    #[test]
    fn bars_follow_the_scale_and_show_waits_by_reason() {
        let text = "pipeline:\n  resources: {lock: 1}\n  stages:\n    - stage: {id: a, duration: 1m}\n    - parallel:\n      - stage: {id: b, duration: 2m, uses: [lock]}\n      - stage: {id: c, duration: 2m, uses: [lock]}\n    - stage: {id: d, duration: 1m}\n";
        let a = analyze(text, &AnalyzeOptions::default());
        let (p, s) = (&a.pipeline, &a.schedule);
        // Six minutes over 600 px, from x = 100.
        let scale = Scale { start: 0.0, end: 360_000.0, x0: 100.0, x1: 700.0 };
        let c = bar(p, s, p.find_task("c").unwrap(), &scale, true);
        assert_eq!(c.run, Some(Segment { x: 400.0, width: 200.0 }));
        assert_eq!(c.waits, [WaitSegment { x: 200.0, width: 200.0, kind: WaitKind::Resource }]);
        assert!(c.critical && !c.group && c.blocked.is_none());
        let d = bar(p, s, p.find_task("d").unwrap(), &scale, true);
        assert_eq!(d.run, Some(Segment { x: 600.0, width: 100.0 }));
        // d waited for c after b was done.
        assert_eq!(d.waits, [WaitSegment { x: 400.0, width: 200.0, kind: WaitKind::Dependency }]);

        // Zoomed into 3:00-4:00: b (1:00-3:00) is out of view, c is clamped to the edges.
        let zoom = Scale { start: 180_000.0, end: 240_000.0, x0: 0.0, x1: 600.0 };
        assert_eq!(bar(p, s, p.find_task("b").unwrap(), &zoom, false).run, None);
        let c = bar(p, s, p.find_task("c").unwrap(), &zoom, false);
        assert_eq!(c.run, Some(Segment { x: 0.0, width: 604.0 }));
        assert!(c.waits.is_empty() || c.waits[0].x <= 0.0);
    }

    #[test]
    fn a_task_that_never_starts_is_drawn_blocked_to_the_edge() {
        let text = "pipeline:\n  resources: {lock: 1}\n  stages:\n    - stage: {id: a, duration: 1m, uses: {lock: 2}}\n";
        let a = analyze(text, &AnalyzeOptions::default());
        let scale = Scale { start: 0.0, end: 60_000.0, x0: 0.0, x1: 600.0 };
        let b = bar(&a.pipeline, &a.schedule, TaskIdx(0), &scale, false);
        assert_eq!(b.run, None);
        assert_eq!(b.blocked, Some(Segment { x: 0.0, width: 600.0 }));
        assert!(b.queued, "ready, and queued for the lock");
    }

    #[test]
    fn tasks_that_did_not_run_get_a_marker_and_a_word() {
        let text = include_str!("../../examples/flaky-tests.yaml");
        let options = AnalyzeOptions { failing: vec!["build".into()], ..Default::default() };
        let a = analyze(text, &options);
        let (p, s) = (&a.pipeline, &a.schedule);
        // build fails at 4:00; on 10 minutes over 600 px, its dependents are due at x = 240.
        let scale = Scale { start: 0.0, end: 600_000.0, x0: 0.0, x1: 600.0 };
        let task = |id| p.find_task(id).unwrap();
        let build = bar(p, s, task("build"), &scale, true);
        assert_eq!(build.outcome, Outcome::Failed);
        assert_eq!(build.run, Some(Segment { x: 0.0, width: 240.0 }));
        assert_eq!(outcome_label(&build, &scale), Some((246.0, false)));
        let e2e = bar(p, s, task("e2e"), &scale, false);
        assert_eq!((e2e.run, e2e.blocked, e2e.marker), (None, None, Some(240.0)));
        assert_eq!(outcome_word(e2e.outcome), Some("skipped"));
        // The steps of a skipped stage were never ready: they are marked where it was due.
        let staging = bar(p, s, task("deploy/staging"), &scale, false);
        assert_eq!(staging.marker, Some(240.0));
        // Near the right edge the word goes before the marker.
        let narrow = Scale { start: 0.0, end: 260_000.0, x0: 0.0, x1: 260.0 };
        let e2e = bar(p, s, task("e2e"), &narrow, false);
        assert_eq!(outcome_label(&e2e, &narrow), Some((234.0, true)));
        // A success has no word; the usual run's on_failure task is skipped, not blocked.
        assert_eq!(outcome_word(bar(p, s, task("notify"), &scale, false).outcome), None);
        let usual = analyze(text, &AnalyzeOptions::default());
        let all = Scale { start: 0.0, end: 1_200_000.0, x0: 0.0, x1: 600.0 };
        let oncall = bar(&usual.pipeline, &usual.schedule, task("page-oncall"), &all, false);
        assert_eq!(oncall.blocked, None);
        assert!(oncall.marker.is_some());
    }

    #[test]
    fn cancelled_matrix_siblings_are_marked() {
        let text = "on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      max-parallel: 1
      matrix:
        os: [a, b, c]
    steps:
      - run: make test
";
        let a = analyze(text, &AnalyzeOptions::default());
        let first = a.pipeline.tasks[0].id.clone();
        let options = AnalyzeOptions { failing: vec![first.clone()], ..Default::default() };
        let a = analyze(text, &options);
        let (p, s) = (&a.pipeline, &a.schedule);
        let scale = Scale { start: 0.0, end: 600_000.0, x0: 0.0, x1: 600.0 };
        let outcomes: Vec<Outcome> =
            p.task_indices().map(|t| bar(p, s, t, &scale, false).outcome).collect();
        assert!(outcomes.contains(&Outcome::Failed), "{outcomes:?}");
        assert!(outcomes.contains(&Outcome::Cancelled), "fail-fast cancels siblings: {outcomes:?}");
        for t in p.task_indices() {
            let b = bar(p, s, t, &scale, false);
            if b.outcome == Outcome::Cancelled {
                assert!(b.run.is_some() || b.marker.is_some(), "{} is drawn", p.task(t).id);
                assert!(outcome_label(&b, &scale).is_some());
            }
        }
    }

    #[test]
    fn whiskers_span_p50_to_p90() {
        let scale = Scale { start: 0.0, end: 600_000.0, x0: 100.0, x1: 700.0 };
        assert_eq!(whisker((60_000, 120_000), &scale), Some(Segment { x: 160.0, width: 60.0 }));
        assert_eq!(whisker((60_000, 60_000), &scale), Some(Segment { x: 160.0, width: 0.0 }));
        assert_eq!(whisker((700_000, 800_000), &scale), None, "out of the window");
    }

    #[test]
    fn virtual_rows_cover_the_viewport_with_overscan() {
        assert_eq!(visible_range(1000, 30.0, 0.0, 300.0, 5), 0..16);
        assert_eq!(visible_range(1000, 30.0, 3000.0, 300.0, 5), 95..116);
        assert_eq!(visible_range(1000, 30.0, 1e9, 300.0, 5), 1000..1000);
        assert_eq!(visible_range(10, 30.0, 0.0, 3000.0, 5), 0..10);
        assert_eq!(visible_range(0, 30.0, 0.0, 300.0, 5), 0..0);
        assert_eq!(scroll_to_show(50, 30.0, 0.0, 300.0), 1230.0);
        assert_eq!(scroll_to_show(2, 30.0, 300.0, 300.0), 60.0);
        assert_eq!(scroll_to_show(12, 30.0, 300.0, 300.0), 300.0);
    }

    #[test]
    fn arrows_join_dependencies_to_the_focused_task() {
        let text = include_str!("../../examples/diamond.yaml");
        let a = analyze(text, &AnalyzeOptions::default());
        let (p, s) = (&a.pipeline, &a.schedule);
        let rows = rows(p, &BTreeSet::new());
        let of = row_of_task(p, &rows);
        let scale = Scale { start: 0.0, end: 600_000.0, x0: 0.0, x1: 600.0 };
        let publish = p.find_task("publish").unwrap();
        let into = arrows(p, s, &of, publish, &scale, 20.0);
        // From unit (row 1, ends 5:00) and e2e (row 2, ends 9:00) into publish (row 4).
        assert_eq!(into.len(), 2);
        assert_eq!(into[0].d, "M300.0 30.0H534.0V90.0H540.0");
        assert!(!into[0].critical && into[1].critical && !into[1].outgoing);
        assert_eq!(into[1].d, "M540.0 50.0H546.0V80.0H534.0V90.0H540.0");
        let build = p.find_task("build").unwrap();
        let out = arrows(p, s, &of, build, &scale, 20.0);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|a| a.outgoing));
    }

    #[test]
    fn lanes_stack_the_queue_on_the_units_in_use() {
        let text = include_str!("../../examples/runner-pool.yaml");
        let a = analyze(text, &AnalyzeOptions::default());
        let usage = &a.schedule.resources[0];
        let scale = Scale { start: 0.0, end: a.schedule.makespan.0 as f64, x0: 0.0, x1: 800.0 };
        let lane = lane(usage, 3, &scale, 0.0, 40.0);
        assert_eq!(lane.top, 3 + usage.peak_queued);
        assert!(lane.in_use.starts_with("M0.0 40.0"));
        assert!(lane.in_use.ends_with('Z'));
        assert!(!lane.queued.is_empty());
        // Capacity sits at 3 / top of the height.
        assert!((lane.capacity_y - (40.0 - 40.0 * 3.0 / lane.top as f64)).abs() < 1e-9);

        // Many samples within a pixel merge: a lane costs at most about its width.
        let wide = Scale { start: 0.0, end: a.schedule.makespan.0 as f64, x0: 0.0, x1: 2.0 };
        let tiny = super::lane(usage, 3, &wide, 0.0, 40.0);
        assert!(tiny.in_use.matches('L').count() <= 8, "{}", tiny.in_use);
    }
}
