//! The words of the app: accessible names of bars, the one-line details shown on hover and
//! focus, the summary figures, and the rows of the table view. Written once here, so that what a
//! screen reader says, what the tooltip shows and what the table lists always agree. Why a task
//! waited, started or never started comes from [`crate::explain`], as it does for the CLI.

use crate::analysis::Analysis;
use crate::duration::{Millis, clock};
use crate::explain::{self, Unfinished, WaitExplanation};
use crate::model::{Pipeline, Resource, ResourceKind, TaskIdx};
use crate::sim::{Outcome, Schedule, Wait};

/// The accessible name of a bar, starting with the full id: "deploy-us, 4:00 to 7:00, waited
/// 3m for prod-cluster held by deploy-eu, on the critical path".
pub fn task_label(
    pipeline: &Pipeline,
    schedule: &Schedule,
    task: TaskIdx,
    critical: bool,
) -> String {
    let t = pipeline.task(task);
    let timing = schedule.timing(task);
    let why = explain::task(pipeline, schedule, task);
    let mut out = t.id.clone();
    match (timing.start, timing.end) {
        (Some(s), Some(e)) => out.push_str(&format!(", {} to {}", clock(s), clock(e))),
        (Some(s), None) => out.push_str(&format!(", from {}", clock(s))),
        _ => {}
    }
    for wait in &why.waits {
        out.push_str(&format!(", {wait}"));
    }
    if let Some(unfinished) = &why.unfinished {
        out.push_str(&format!(", {unfinished}"));
    }
    if t.is_group() {
        let n = t.children.len();
        out.push_str(&format!(
            ", {} of {n} {}",
            t.kind.as_str(),
            if n == 1 { "item" } else { "items" }
        ));
    }
    if critical {
        out.push_str(", on the critical path");
    }
    out
}

/// The one line shown on hover and focus: "deploy-us — waited 3m for prod-cluster held by
/// deploy-eu; ran 4:00–7:00 (3m)". Parts are joined by "; " because a list of holders has
/// commas of its own.
pub fn task_line(pipeline: &Pipeline, schedule: &Schedule, task: TaskIdx) -> String {
    let t = pipeline.task(task);
    let timing = schedule.timing(task);
    let why = explain::task(pipeline, schedule, task);
    let mut parts: Vec<String> = why.waits.iter().map(|w| w.to_string()).collect();
    match (timing.start, timing.end) {
        (Some(s), Some(e)) => parts.push(format!("ran {}–{} ({})", clock(s), clock(e), e - s)),
        (Some(s), None) => parts.push(format!("started {}", clock(s))),
        _ => {}
    }
    parts.extend(why.unfinished.map(|u| u.to_string()));
    format!("{} — {}", t.id, parts.join("; "))
}

/// What let a task start when it did, or why it never started, as a sentence.
pub fn cause_text(pipeline: &Pipeline, schedule: &Schedule, task: TaskIdx) -> String {
    match explain::start(pipeline, schedule, task) {
        Some(start) => sentence(start),
        None => sentence(
            explain::unfinished(pipeline, schedule, task).unwrap_or(Unfinished::Unexplained),
        ),
    }
}

/// The short cause for the table's last column, beside the time waited: the longest wait
/// without its length ("waited for prod-cluster held by deploy-eu"), why it never started, or
/// "—".
pub fn cause_short(pipeline: &Pipeline, schedule: &Schedule, task: TaskIdx) -> String {
    let why = explain::task(pipeline, schedule, task);
    if schedule.timing(task).start.is_none() {
        return why.unfinished.unwrap_or(Unfinished::Unexplained).to_string();
    }
    let longest = why.waits.iter().max_by_key(|w| (w.length(), std::cmp::Reverse(w.from)));
    match longest {
        Some(w) => w.without_length().to_string(),
        None => "—".into(),
    }
}

/// How a task that started ended, when not in success: "Failed after 3 attempts.",
/// "Cancelled by another task's failure.". A task that never started has its reason in
/// [`cause_text`] already.
pub fn outcome_text(pipeline: &Pipeline, schedule: &Schedule, task: TaskIdx) -> Option<String> {
    let timing = schedule.timing(task);
    if timing.start.is_none() || timing.outcome == Outcome::Succeeded {
        return None;
    }
    explain::unfinished(pipeline, schedule, task).map(sentence)
}

/// The word for an outcome in the table: "succeeded", "failed", "skipped", "cancelled",
/// "never starts".
pub fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::NeverStarted => "never starts",
        other => other.name(),
    }
}

/// Whether anything in the run did not succeed (the table then has an Outcome column).
pub fn has_outcomes(schedule: &Schedule) -> bool {
    schedule.tasks.iter().any(|t| t.outcome != Outcome::Succeeded)
}

/// What a what-if failure did, for the banner above the timeline: "What if build fails: 1
/// failed, 7 skipped, 2 still run. The run ends at 4m 20s (usually 13m 40s)."
pub fn failure_text(usual: &Analysis, run: &Analysis, id: &str) -> String {
    let mut counts = [0usize; 5];
    for t in &run.schedule.tasks {
        let slot = match t.outcome {
            Outcome::Failed => 0,
            Outcome::Skipped => 1,
            Outcome::Cancelled => 2,
            Outcome::Succeeded => 3,
            Outcome::NeverStarted => 4,
        };
        counts[slot] += 1;
    }
    let mut parts: Vec<String> = Vec::new();
    for (n, word) in counts.iter().zip(["failed", "skipped", "cancelled", "", "never start"]) {
        if *n > 0 && !word.is_empty() {
            parts.push(format!("{} {word}", count(*n)));
        }
    }
    parts.push(format!(
        "{} still {}",
        count(counts[3]),
        if counts[3] == 1 { "runs" } else { "run" }
    ));
    format!(
        "What if {id} fails: {}. The run ends at {} (usually {}).",
        parts.join(", "),
        short(run.schedule.makespan),
        short(usual.schedule.makespan)
    )
}

/// An explanation as a sentence of its own: capitalised, with a full stop.
fn sentence(clause: impl std::fmt::Display) -> String {
    let clause = clause.to_string();
    let mut chars = clause.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// One row of the table view.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub task: TaskIdx,
    pub id: String,
    pub depth: u32,
    pub ready: String,
    pub start: String,
    pub end: String,
    pub waited: String,
    pub cause: String,
    pub critical: bool,
    pub outcome: &'static str,
}

/// The schedule as table rows, in document order.
pub fn table_rows(analysis: &Analysis) -> Vec<TableRow> {
    let critical = super::layout::critical_set(&analysis.schedule, analysis.pipeline.tasks.len());
    analysis.pipeline.task_indices().map(|idx| table_row(analysis, &critical, idx)).collect()
}

/// One row of the table view; `critical` is [`super::layout::critical_set`] of the schedule.
pub fn table_row(analysis: &Analysis, critical: &[bool], idx: TaskIdx) -> TableRow {
    let (p, s) = (&analysis.pipeline, &analysis.schedule);
    let show = |t: Option<Millis>| t.map_or_else(|| "—".to_string(), clock);
    let t = p.task(idx);
    let timing = s.timing(idx);
    let mut depth = 0;
    let mut up = t.parent;
    while let Some(parent) = up {
        depth += 1;
        up = p.task(parent).parent;
        if depth > 64 {
            break;
        }
    }
    let waited = timing.waited();
    TableRow {
        task: idx,
        id: t.id.clone(),
        depth,
        ready: show(timing.ready),
        start: show(timing.start),
        end: show(timing.end),
        waited: if waited == Millis::ZERO { "—".into() } else { waited.to_string() },
        cause: cause_short(p, s, idx),
        critical: critical.get(idx.index()).copied().unwrap_or(false),
        outcome: outcome_name(timing.outcome),
    }
}

/// The figures of the summary panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub makespan: Millis,
    pub tasks: usize,
    /// Tasks on the critical path, and the time from its first start to its last end.
    pub critical_tasks: usize,
    pub critical_length: Millis,
    /// The critical path's ids joined with arrows, shortened in the middle when long.
    pub critical_ids: String,
    /// "deploy-us waited 3m for prod-cluster held by deploy-eu", or `None` if nothing waited.
    pub longest_wait: Option<String>,
    pub resources: Vec<ResourcePeak>,
    /// The sum of the running times of tasks that do the work (stages with steps excluded).
    pub total_work: Millis,
    /// Total work ÷ makespan: how many things ran at once on average.
    pub parallelism: f64,
    /// Tasks that never start.
    pub never_started: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePeak {
    pub name: String,
    pub described: String,
    pub capacity: u32,
    pub peak_in_use: u32,
    pub peak_queued: u32,
}

pub fn summary(analysis: &Analysis) -> Summary {
    let (p, s) = (&analysis.pipeline, &analysis.schedule);
    let span = |t: TaskIdx| {
        let timing = s.timing(t);
        match (timing.start, timing.end) {
            (Some(a), Some(b)) => b - a,
            _ => Millis::ZERO,
        }
    };
    let total_work = p
        .task_indices()
        .filter(|&t| !p.task(t).is_group())
        .map(span)
        .fold(Millis::ZERO, |a, b| a + b);
    let critical_start = s.critical_path.iter().filter_map(|&t| s.timing(t).start).min();
    let critical_end = s.critical_path.iter().filter_map(|&t| s.timing(t).end).max();
    let critical_length = match (critical_start, critical_end) {
        (Some(a), Some(b)) => b - a,
        _ => Millis::ZERO,
    };
    let ids: Vec<&str> = s.critical_path.iter().map(|&t| p.task(t).id.as_str()).collect();
    let critical_ids = if ids.len() > 8 {
        format!(
            "{} → … {} more … → {}",
            ids[..3].join(" → "),
            ids.len() - 6,
            ids[ids.len() - 3..].join(" → ")
        )
    } else {
        ids.join(" → ")
    };
    let mut longest: Option<(Millis, TaskIdx, &Wait)> = None;
    for t in p.task_indices() {
        for w in &s.timing(t).waits {
            let len = w.to - w.from;
            if longest.is_none_or(|(l, _, _)| len > l) {
                longest = Some((len, t, w));
            }
        }
    }
    let longest_wait =
        longest.map(|(_, t, w)| format!("{} {}", p.task(t).id, WaitExplanation::new(p, w)));
    let resources = p
        .resources
        .iter()
        .zip(&s.resources)
        .map(|(r, u)| ResourcePeak {
            name: r.name.clone(),
            described: r.describe(),
            capacity: r.capacity,
            peak_in_use: u.peak_in_use,
            peak_queued: u.peak_queued,
        })
        .collect();
    let parallelism =
        if s.makespan == Millis::ZERO { 0.0 } else { total_work.0 as f64 / s.makespan.0 as f64 };
    Summary {
        makespan: s.makespan,
        tasks: p.tasks.len(),
        critical_tasks: s.critical_path.len(),
        critical_length,
        critical_ids,
        longest_wait,
        resources,
        total_work,
        parallelism,
        never_started: s.never_started().count(),
    }
}

/// A duration to read at a glance: its two largest units, rounded ("12h 10m" for 12h 9m 49s);
/// exact below a minute ("45.5s"). The exact value belongs in a tooltip next to it.
pub fn short(t: Millis) -> String {
    const S: u64 = 1000;
    let grain = match t.0 {
        ms if ms >= 86_400 * S => 3600 * S,
        ms if ms >= 3600 * S => 60 * S,
        ms if ms >= 60 * S => S,
        _ => 1,
    };
    Millis((t.0 + grain / 2) / grain * grain).to_string()
}

pub use crate::text::count;

/// How long the run would take if no resource ever made a task wait: dependencies alone.
/// The difference to the makespan is what the resources cost.
pub fn unconstrained_makespan(analysis: &Analysis) -> Millis {
    let mut pipeline = analysis.pipeline.clone();
    for task in &mut pipeline.tasks {
        task.demands.clear();
    }
    crate::sim::simulate(&pipeline, &crate::sim::SimOptions::default())
        .map_or(Millis::ZERO, |s| s.makespan)
}

/// "2.3×", "1×", "12×".
pub fn parallelism_text(p: f64) -> String {
    if !p.is_finite() || p <= 0.0 {
        return "—".into();
    }
    let rounded = (p * 10.0).round() / 10.0;
    if rounded >= 10.0 || rounded.fract() == 0.0 {
        format!("{}×", rounded.round() as u64)
    } else {
        format!("{rounded:.1}×")
    }
}

/// What a resource is, in a few words: "3 units", "infrastructure lock".
pub fn capacity_text(resource: &Resource) -> String {
    let units = |n: u32| format!("{n} {}", if n == 1 { "unit" } else { "units" });
    match resource.kind {
        ResourceKind::Infrastructure if resource.capacity == 1 => "infrastructure lock".into(),
        ResourceKind::Concurrency if resource.capacity == 1 => "one at a time".into(),
        ResourceKind::Pool => format!("{} runners", resource.capacity),
        _ => units(resource.capacity),
    }
}

/// A line of a resource peak: "3 of 3 in use at peak, up to 5 waiting".
pub fn peak_text(peak: &ResourcePeak) -> String {
    let mut out = format!("{} of {} in use at peak", peak.peak_in_use, peak.capacity);
    if peak.peak_queued > 0 {
        out.push_str(&format!(", up to {} waiting", peak.peak_queued));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AnalyzeOptions, analyze};

    const CONTENDED: &str = "pipeline:
  resources:
    prod-cluster: 1
  stages:
    - stage: {id: build, duration: 1m}
    - parallel:
        - stage: {id: deploy-eu, duration: 3m, uses: [prod-cluster]}
        - stage: {id: deploy-us, duration: 3m, uses: [prod-cluster]}
    - stage:
        id: verify
        steps:
          - step: {id: smoke, duration: 30s}
";

    fn labels(text: &str) -> Vec<String> {
        let a = analyze(text, &AnalyzeOptions::default());
        let critical = crate::ui::layout::critical_set(&a.schedule, a.pipeline.tasks.len());
        a.pipeline
            .task_indices()
            .map(|t| task_label(&a.pipeline, &a.schedule, t, critical[t.index()]))
            .collect()
    }

    #[test]
    fn bar_names_start_with_the_id_then_times_and_wait_cause() {
        assert_eq!(
            labels(CONTENDED),
            [
                "build, 0:00 to 1:00, on the critical path",
                "deploy-eu, 1:00 to 4:00, on the critical path",
                "deploy-us, 4:00 to 7:00, waited 3m for prod-cluster held by deploy-eu, on the critical path",
                "verify, 7:00 to 7:30, waited 3m for deploy-us, stage of 1 item, on the critical path",
                "verify/smoke, 7:00 to 7:30, on the critical path",
            ]
        );
    }

    #[test]
    fn the_hover_line_and_the_cause_say_the_same_thing() {
        let a = analyze(CONTENDED, &AnalyzeOptions::default());
        let us = a.pipeline.find_task("deploy-us").unwrap();
        assert_eq!(
            task_line(&a.pipeline, &a.schedule, us),
            "deploy-us — waited 3m for prod-cluster held by deploy-eu; ran 4:00–7:00 (3m)"
        );
        assert_eq!(
            cause_text(&a.pipeline, &a.schedule, us),
            "Started when deploy-eu released prod-cluster."
        );
        assert_eq!(
            cause_short(&a.pipeline, &a.schedule, us),
            "waited for prod-cluster held by deploy-eu"
        );
        let smoke = a.pipeline.find_task("verify/smoke").unwrap();
        assert_eq!(
            cause_text(&a.pipeline, &a.schedule, smoke),
            "Started as soon as its stage verify started."
        );
    }

    #[test]
    fn dependency_waits_and_never_started_tasks() {
        let text = include_str!("../../examples/diamond.yaml");
        let l = labels(text);
        assert_eq!(l[4], "publish, 9:00 to 10:00, waited 4m for e2e, on the critical path");
        let stuck = "pipeline:\n  resources: {lock: 1}\n  stages:\n    - stage: {id: a, uses: {lock: 2}}\n    - stage: {id: b}\n";
        assert_eq!(
            labels(stuck),
            [
                "a, never starts: needs more of lock than its capacity of 1",
                "b, never starts: waits for a, which never finishes",
            ]
        );
    }

    #[test]
    fn summary_figures() {
        let a = analyze(CONTENDED, &AnalyzeOptions::default());
        let s = summary(&a);
        assert_eq!(s.makespan, Millis(450_000));
        assert_eq!(s.tasks, 5);
        assert_eq!((s.critical_tasks, s.critical_length), (5, Millis(450_000)));
        assert_eq!(s.critical_ids, "build → deploy-eu → deploy-us → verify → verify/smoke");
        assert_eq!(
            s.longest_wait.as_deref(),
            Some("deploy-us waited 3m for prod-cluster held by deploy-eu")
        );
        assert_eq!(s.total_work, Millis(60_000 + 180_000 * 2 + 30_000));
        assert_eq!(parallelism_text(s.parallelism), "1×");
        assert_eq!(peak_text(&s.resources[0]), "1 of 1 in use at peak, up to 1 waiting");

        let pool =
            analyze(include_str!("../../examples/runner-pool.yaml"), &AnalyzeOptions::default());
        let s = summary(&pool);
        assert_eq!(parallelism_text(s.parallelism), "2.1×");
    }

    #[test]
    fn short_durations_keep_two_units() {
        let cases = [
            (43_789_000, "12h 10m"),
            (570_000, "9m 30s"),
            (45_500, "45.5s"),
            (3_599_600, "1h"),
            (90_061_000, "25h"),
            (0, "0s"),
        ];
        for (ms, want) in cases {
            assert_eq!(short(Millis(ms)), want, "{ms}");
        }
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn resources_cost_the_difference_to_dependencies_alone() {
        let a = analyze(CONTENDED, &AnalyzeOptions::default());
        assert_eq!(unconstrained_makespan(&a), Millis(270_000));
        assert_eq!(a.schedule.makespan, Millis(450_000));
    }

    #[test]
    fn number_formats() {
        assert_eq!(parallelism_text(2.345), "2.3×");
        assert_eq!(parallelism_text(0.0), "—");
        assert_eq!(parallelism_text(12.4), "12×");
        assert_eq!(parallelism_text(1.96), "2×");
    }

    #[test]
    fn table_rows_list_the_schedule() {
        let a = analyze(CONTENDED, &AnalyzeOptions::default());
        let rows = table_rows(&a);
        let us = &rows[2];
        assert_eq!(
            (
                us.id.as_str(),
                us.ready.as_str(),
                us.start.as_str(),
                us.end.as_str(),
                us.waited.as_str()
            ),
            ("deploy-us", "1:00", "4:00", "7:00", "3m")
        );
        assert_eq!(rows[4].depth, 1);
        assert_eq!(rows[0].cause, "—");
        assert!(rows.iter().all(|r| r.outcome == "succeeded"));
        assert!(!has_outcomes(&a.schedule));
    }

    #[test]
    fn a_what_if_failure_is_counted_and_explained() {
        let text = include_str!("../../examples/flaky-tests.yaml");
        let usual = analyze(text, &AnalyzeOptions::default());
        let options = AnalyzeOptions { failing: vec!["build".into()], ..Default::default() };
        let run = analyze(text, &options);
        assert_eq!(
            failure_text(&usual, &run, "build"),
            "What if build fails: 1 failed, 7 skipped, 2 still run. The run ends at 4m 20s \
             (usually 17m 40s)."
        );
        assert!(has_outcomes(&run.schedule));
        let rows = table_rows(&run);
        let row = |id: &str| rows.iter().find(|r| r.id == id).unwrap();
        assert_eq!(row("build").outcome, "failed");
        assert_eq!(row("deploy/smoke").outcome, "skipped");
        assert_eq!(row("deploy/smoke").cause, "skipped: deploy, which it is part of, was skipped");
        assert_eq!(row("notify").outcome, "succeeded");
        let (p, s) = (&run.pipeline, &run.schedule);
        let build = p.find_task("build").unwrap();
        assert_eq!(outcome_text(p, s, build).as_deref(), Some("Failed."));
        assert_eq!(outcome_text(p, s, p.find_task("notify").unwrap()), None);
        assert_eq!(outcome_text(p, s, p.find_task("e2e").unwrap()), None, "said by the cause");
        assert_eq!(
            cause_text(p, s, p.find_task("e2e").unwrap()),
            "Skipped: build, which it waits for, failed."
        );
        let labels: Vec<String> = p.task_indices().map(|t| task_label(p, s, t, false)).collect();
        assert_eq!(labels[0], "build, 0:00 to 4:00, failed");
        assert_eq!(labels[2], "e2e, skipped: build, which it waits for, failed");
    }
}
