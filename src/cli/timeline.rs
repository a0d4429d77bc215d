//! The terminal timeline of `pipescope simulate`: a header, one bar per task over a fixed
//! width scaled to the makespan, why each task waited, the resources, and the diagnostics.

use std::fmt::Write;

use pipescope::duration::{Millis, clock};
use pipescope::model::{DurationSource, Pipeline, ResourceKind, TaskIdx};
use pipescope::sim::{Outcome, TaskTiming, WaitReason};
use pipescope::span::LineIndex;
use pipescope::{Analysis, AnalyzeOptions};
use pipescope::{explain, report};

use super::diagnostics::{self, Counts, plural};
use super::style::{Style, fit, sanitize};

/// Columns of the bar area; the makespan spans all of them.
pub const BAR_WIDTH: usize = 60;
/// Longest task label shown before it is cut with `…`.
const MAX_LABEL: usize = 32;

const RUNNING: char = '█';
const GROUP: char = '━';
const RESOURCE_WAIT: char = '░';
const DEPENDENCY_WAIT: char = '·';
/// Waiting for a runner to pick the task up (a delay learnt from past runs).
const PICKUP_WAIT: char = '┄';
const INSTANT: char = '|';

/// The whole `simulate` text output for one analysis.
pub fn render(
    analysis: &Analysis,
    options: &AnalyzeOptions,
    text: &str,
    file: &str,
    style: Style,
) -> String {
    let policy = &options.sim.policy;
    let pipeline = &analysis.pipeline;
    let schedule = &analysis.schedule;
    let mut out = String::new();

    // Header: what this is, how long it takes, and what decides that.
    let title = pipeline.name.as_deref().unwrap_or(file);
    let unstarted = schedule.never_started().count();
    let mut tasks = plural(pipeline.tasks.len(), "task");
    if unstarted > 0 {
        let verb = if unstarted == 1 { "starts" } else { "start" };
        tasks.push_str(&format!(", {unstarted} never {verb}"));
    }
    let skipped = schedule.tasks.iter().filter(|t| t.outcome == Outcome::Skipped).count();
    if skipped > 0 {
        tasks.push_str(&format!(", {skipped} skipped"));
    }
    let _ = writeln!(
        out,
        "{}: makespan {}, {tasks} {}",
        style.bold(&sanitize(title)),
        style.bold(&schedule.makespan.to_string()),
        style.dim(&format!("({} dialect, {} policy)", analysis.dialect, policy.name())),
    );
    if let Some(run) = which_run(analysis, options) {
        let _ = writeln!(out, "{run}");
    }
    if !schedule.critical_path.is_empty() {
        let path: Vec<String> =
            schedule.critical_path.iter().map(|&t| sanitize(&pipeline.task(t).id)).collect();
        let _ = writeln!(out, "critical path: {}", path.join(" → "));
    }
    out.push('\n');

    if pipeline.tasks.is_empty() {
        out.push_str("no tasks\n");
    } else {
        render_rows(&mut out, analysis, style);
    }
    render_resources(&mut out, analysis, style);

    if !analysis.diagnostics.is_empty() {
        out.push('\n');
        let index = LineIndex::new(text);
        for d in &analysis.diagnostics {
            diagnostics::render(&mut out, d, text, &index, file, style);
        }
        let mut counts = Counts::default();
        counts.add(&analysis.diagnostics);
        let _ = writeln!(out, "{}", counts.describe());
    }
    out
}

/// Which run this is, when it is not the usual one (median durations, nothing fails), and
/// whether the pipeline failed in it.
fn which_run(analysis: &Analysis, options: &AnalyzeOptions) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(seed) = options.seed {
        parts.push(format!("a run drawn from seed {seed}"));
    }
    if !options.failing.is_empty() {
        let ids: Vec<String> =
            options.failing.iter().map(|id| format!("`{}`", sanitize(id))).collect();
        parts.push(format!("{} failing at every attempt", ids.join(", ")));
    }
    if parts.is_empty() && !analysis.schedule.failed {
        return None;
    }
    let ending =
        if analysis.schedule.failed { "the pipeline fails" } else { "the pipeline succeeds" };
    let mut run = parts.join(", with ");
    if run.is_empty() {
        run = "this run".to_string();
    }
    Some(format!("{run}: {ending}"))
}

/// One row of the timeline, before it is laid out.
struct Row {
    task: TaskIdx,
    label: String,
    critical: bool,
    bar: String,
    times: String,
    took: String,
    note: String,
}

fn render_rows(out: &mut String, analysis: &Analysis, style: Style) {
    let pipeline = &analysis.pipeline;
    let schedule = &analysis.schedule;
    let scale = Scale { makespan: schedule.makespan };
    let mut critical = vec![false; pipeline.tasks.len()];
    for &t in &schedule.critical_path {
        if let Some(c) = critical.get_mut(t.index()) {
            *c = true;
        }
    }

    let rows: Vec<Row> = display_order(pipeline)
        .into_iter()
        .map(|(task, depth)| {
            let t = pipeline.task(task);
            let timing = schedule.timing(task);
            let shown = t.name.as_deref().unwrap_or(&t.local_id);
            let label = format!("{}{}", "  ".repeat(depth), sanitize(shown));
            // A guessed duration (real CI files carry none) is marked, so nobody reads it as data.
            let guess = if t.duration_source == DurationSource::Estimated { "~" } else { "" };
            let (times, took) = match (timing.start, timing.end) {
                (Some(start), Some(end)) => {
                    (format!("{}–{}", clock(start), clock(end)), format!("{guess}{}", end - start))
                }
                (Some(start), None) => (format!("{}–…", clock(start)), String::new()),
                _ => ("—".to_string(), String::new()),
            };
            Row {
                task,
                label,
                critical: critical[task.index()],
                bar: scale.bar(timing, t.is_group()),
                times,
                took,
                // Task ids and resource names come from the file: nothing in them may drive the
                // terminal.
                note: sanitize(&explain::task(pipeline, schedule, task).to_string()),
            }
        })
        .collect();

    let label_width =
        rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(0).min(MAX_LABEL);
    let times_width = rows.iter().map(|r| r.times.chars().count()).max().unwrap_or(0);
    let took_width = rows.iter().map(|r| r.took.chars().count()).max().unwrap_or(0);

    // The axis: zero under the start of the bars, the makespan under their end.
    let end = clock(schedule.makespan);
    let axis = format!("{}{end}", fit("0:00", BAR_WIDTH.saturating_sub(end.chars().count())));
    let _ = writeln!(out, "  {}  {}", " ".repeat(label_width), style.dim(&axis));

    for row in &rows {
        let marker = if row.critical { style.magenta("*") } else { " ".to_string() };
        let label = fit(&row.label, label_width);
        let label = if row.critical { style.bold(&label) } else { label };
        let bar = paint_bar(&row.bar, row.critical, style);
        let times = fit(&row.times, times_width);
        let took = fit(&row.took, took_width);
        let mut line = format!("{marker} {label}  {bar}  {times}  {took}");
        if !row.note.is_empty() {
            let note = match analysis.schedule.timing(row.task).outcome {
                Outcome::NeverStarted | Outcome::Failed => style.red(&row.note),
                Outcome::Skipped | Outcome::Cancelled => style.dim(&row.note),
                Outcome::Succeeded => style.yellow(&row.note),
            };
            line.push_str("  ");
            line.push_str(&note);
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    // The pickup wait is in the legend only when some task has one (runs were imported).
    let pickup = schedule.tasks.iter().any(|t| t.pickup > Millis::ZERO);
    let pickup = if pickup {
        format!("  {PICKUP_WAIT} waiting for a runner to pick it up")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "  {RUNNING} running  {GROUP} stage with steps  {RESOURCE_WAIT} waiting for a resource  {DEPENDENCY_WAIT} waiting for a dependency{pickup}  * critical path  ~ estimated duration"
        ))
    );
}

/// Tasks depth-first: each stage followed by its steps, whatever order the model has them in.
fn display_order(pipeline: &Pipeline) -> Vec<(TaskIdx, usize)> {
    let mut order = Vec::with_capacity(pipeline.tasks.len());
    let mut seen = vec![false; pipeline.tasks.len()];
    let mut stack: Vec<(TaskIdx, usize)> = pipeline
        .task_indices()
        .filter(|&t| pipeline.task(t).parent.is_none())
        .map(|t| (t, 0))
        .collect();
    stack.reverse();
    while let Some((task, depth)) = stack.pop() {
        // A malformed parent link must not loop or repeat a row.
        if std::mem::replace(&mut seen[task.index()], true) {
            continue;
        }
        order.push((task, depth));
        for &child in pipeline.task(task).children.iter().rev() {
            if child.index() < seen.len() {
                stack.push((child, depth + 1));
            }
        }
    }
    // Anything unreachable from a root (a parent cycle) still gets a row.
    for task in pipeline.task_indices() {
        if !seen[task.index()] {
            order.push((task, 0));
        }
    }
    order
}

/// Maps simulated time onto the bar's columns.
struct Scale {
    makespan: Millis,
}

impl Scale {
    /// The column where time `t` falls, rounding to the nearest edge.
    fn column(&self, t: Millis) -> usize {
        if self.makespan.0 == 0 {
            return 0;
        }
        let t = t.min(self.makespan).0 as u128;
        let scaled =
            (t * BAR_WIDTH as u128 * 2 + self.makespan.0 as u128) / (self.makespan.0 as u128 * 2);
        scaled as usize
    }

    /// The cells `from..to` covers: at least one when the interval is not empty, so that a
    /// short task or wait is still visible.
    fn cells(&self, from: Millis, to: Millis) -> std::ops::Range<usize> {
        let mut a = self.column(from);
        let mut b = self.column(to);
        if b <= a && to > from {
            b = a + 1;
        }
        if b > BAR_WIDTH {
            b = BAR_WIDTH;
            a = a.min(b - 1);
        }
        a..b
    }

    /// The task's bar: waits first, then running time on top (rounding can make them touch).
    fn bar(&self, timing: &TaskTiming, group: bool) -> String {
        let mut cells = [' '; BAR_WIDTH];
        for wait in &timing.waits {
            let c = match wait.reason {
                WaitReason::Dependency { .. } => DEPENDENCY_WAIT,
                WaitReason::Resource { .. } => RESOURCE_WAIT,
                WaitReason::Pickup => PICKUP_WAIT,
            };
            for cell in &mut cells[self.cells(wait.from, wait.to)] {
                *cell = c;
            }
        }
        if let Some(start) = timing.start {
            let end = timing.end.unwrap_or(self.makespan).max(start);
            let range = self.cells(start, end);
            if range.is_empty() {
                cells[self.column(start).min(BAR_WIDTH - 1)] = INSTANT;
            }
            for cell in &mut cells[range] {
                *cell = if group { GROUP } else { RUNNING };
            }
        }
        cells.iter().collect()
    }
}

/// Colours each run of the same cell: running in the row's colour, waits in theirs.
fn paint_bar(bar: &str, critical: bool, style: Style) -> String {
    if !style.color {
        return bar.to_string();
    }
    let mut out = String::new();
    let chars: Vec<char> = bar.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run_end = chars[i..].iter().position(|&x| x != c).map_or(chars.len(), |n| i + n);
        let run: String = chars[i..run_end].iter().collect();
        out.push_str(&match c {
            RUNNING | GROUP | INSTANT if critical => style.magenta(&run),
            RUNNING | GROUP | INSTANT => style.cyan(&run),
            RESOURCE_WAIT => style.yellow(&run),
            DEPENDENCY_WAIT | PICKUP_WAIT => style.dim(&run),
            _ => run,
        });
        i = run_end;
    }
    out
}

fn render_resources(out: &mut String, analysis: &Analysis, style: Style) {
    let pipeline = &analysis.pipeline;
    if pipeline.resources.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", style.bold("resources"));
    let names: Vec<String> = pipeline.resources.iter().map(|r| sanitize(&r.name)).collect();
    let name_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0).min(MAX_LABEL);
    let peaks: Vec<String> = pipeline
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let peak = analysis.schedule.resources.get(i).map_or(0, |u| u.peak_in_use);
            format!("{peak}/{}", r.capacity)
        })
        .collect();
    let peak_width = peaks.iter().map(|p| p.len()).max().unwrap_or(0);
    for (i, resource) in pipeline.resources.iter().enumerate() {
        let usage = analysis.schedule.resources.get(i).cloned().unwrap_or_default();
        let used = report::utilisation(resource.capacity, &usage, analysis.schedule.makespan);
        let mut line = format!(
            "  {}  peak {:<peak_width$}  {:>3.0}% utilised",
            fit(&names[i], name_width),
            peaks[i],
            used * 100.0
        );
        if usage.peak_queued > 0 {
            line.push_str(&format!(", up to {} waiting", usage.peak_queued));
        }
        if resource.kind == ResourceKind::Infrastructure {
            line.push_str(&style.dim("  (infrastructure lock)"));
        }
        let _ = writeln!(out, "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_rounds_to_the_nearest_column_and_keeps_short_intervals_visible() {
        let scale = Scale { makespan: Millis::from_secs(600) };
        assert_eq!(scale.column(Millis::ZERO), 0);
        assert_eq!(scale.column(Millis::from_secs(240)), 24);
        assert_eq!(scale.column(Millis::from_secs(600)), BAR_WIDTH);
        assert_eq!(scale.cells(Millis::from_secs(240), Millis::from_secs(420)), 24..42);
        // One second of ten minutes is less than a column, but still drawn.
        assert_eq!(scale.cells(Millis::from_secs(599), Millis::from_secs(600)), 59..60);
        let empty = Scale { makespan: Millis::ZERO };
        assert_eq!(empty.cells(Millis::ZERO, Millis::ZERO), 0..0);
    }
}
