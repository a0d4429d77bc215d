//! The JSON view of an analysis: what `pipescope simulate --format json` and `pipescope lint
//! --format json` print, and what any other consumer (the web app, scripts) can rely on.
//!
//! The report is a set of plain `Serialize` structs built from an [`Analysis`] by
//! [`analysis_report`]; [`analysis_json`] and [`diagnostic_json`] turn them into
//! `serde_json::Value`s. It is the one place where byte spans become line:column for machine
//! readers, through one [`LineIndex`] per text.
//!
//! The contract:
//! - Times and durations are seconds as numbers (`240.0`), never strings.
//! - Tasks and resources are referred to by their full id / name, never by index.
//! - Every key is always present; a value that does not exist (a display name the task does
//!   not have, the start of a task that never started) is `null`, so that a reader needs one
//!   shape, not two.
//! - Lines and columns are 1-based; columns count characters. `end_line`/`end_column` is the
//!   position just after the span.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::diagnostic::{Diagnostic, Severity};
use crate::duration::Millis;
use crate::model::{DurationSource, Pipeline, TaskIdx};
use crate::sim::{Blocked, Policy, ResourceUsage, UsageSample, WaitReason};
use crate::span::LineIndex;

/// A whole analysis: the pipeline, its simulated timeline and its diagnostics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisReport<'a> {
    pub file: &'a str,
    pub dialect: &'static str,
    pub policy: &'static str,
    /// When the last task ended.
    pub makespan: Millis,
    /// A failure that counts happened in this run (only a `--seed` or `--fail` run has any).
    pub failed: bool,
    pub name: Option<&'a str>,
    /// In document order (a stage before its steps).
    pub tasks: Vec<TaskReport<'a>>,
    /// Full ids, in time order.
    pub critical_path: Vec<&'a str>,
    pub resources: Vec<ResourceReport<'a>>,
    pub diagnostics: Vec<DiagnosticReport<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskReport<'a> {
    /// The full id (`verify/smoke`).
    pub id: &'a str,
    pub name: Option<&'a str>,
    /// `stage`, `step` or `job`.
    pub kind: &'static str,
    /// The full id of the enclosing stage.
    pub parent: Option<&'a str>,
    /// The task's own duration; for a stage with steps (`duration_source: children`), the time
    /// from its start to the end of its last step, or zero if it never ended.
    pub duration: Millis,
    /// `explicit`, `default` or `children`.
    pub duration_source: &'static str,
    pub ready: Option<Millis>,
    pub start: Option<Millis>,
    pub end: Option<Millis>,
    /// `succeeded`, `failed`, `skipped`, `cancelled` or `never_started`.
    pub outcome: &'static str,
    /// How many times it started (more than once after retries).
    pub attempts: u32,
    /// How much later it could have ended without delaying the end of the pipeline; `null`
    /// when it did not run. Zero on the critical path (and on any other chain as long).
    pub slack: Option<Millis>,
    pub waits: Vec<WaitReport<'a>>,
    /// Full ids of the tasks it waits for (resolved dependencies only: an unresolved name is a
    /// diagnostic, and the simulation ignores it).
    pub depends_on: Vec<&'a str>,
    /// The resources it holds while it runs (resolved names only, like `depends_on`).
    pub uses: Vec<UseReport<'a>>,
    /// On the critical path.
    pub critical: bool,
    /// Why it never started; `null` when it started.
    pub blocked: Option<BlockedReport<'a>>,
    /// Where the task is written (the start of its item).
    pub line: u32,
    pub column: u32,
    /// Its settings the timeline shows but does not simulate, in the file's keys (left out
    /// when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<NoteReport>,
}

/// A setting shown beside a task: `{"key": "allow_failure", "text": "true", "line": 4}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteReport {
    pub key: String,
    pub text: String,
    pub line: u32,
}

/// One interval a task spent waiting, tagged by `reason`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "lowercase")]
pub enum WaitReport<'a> {
    /// It waited for the last of its dependencies, `on`, to finish.
    Dependency { from: Millis, to: Millis, on: &'a str },
    /// It was ready but `resource` had too few free units; `holders` (at most
    /// [`crate::sim::MAX_HOLDERS`] of them, `holders_total` in all) held it when the wait began,
    /// and `released_by` gave back the units that ended it (`null` if it never ended).
    Resource {
        from: Millis,
        to: Millis,
        resource: &'a str,
        holders: Vec<&'a str>,
        holders_total: usize,
        released_by: Option<&'a str>,
    },
    /// It could start, and waited for a runner to pick it up (a delay learnt from past runs).
    Pickup { from: Millis, to: Millis },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UseReport<'a> {
    pub resource: &'a str,
    pub amount: u32,
}

/// Why a task never started, tagged by `reason`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "lowercase")]
pub enum BlockedReport<'a> {
    /// It waits for `on`, which never finished.
    Dependency { on: &'a str },
    /// Its enclosing stage never started.
    Parent { parent: &'a str },
    /// It needs more of `resource` than will ever be free; `holders` hold it forever.
    Resource { resource: &'a str, holders: Vec<&'a str> },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceReport<'a> {
    pub name: &'a str,
    /// `declared` (under `resources:`) or `infrastructure` (an automatic lock).
    pub kind: &'static str,
    pub capacity: u32,
    pub peak_in_use: u32,
    pub peak_queued: u32,
    /// The share of `capacity × makespan` that was held: 0 to 1 (0 for an empty timeline).
    pub utilisation: f64,
    /// A step function: from `at` on, `in_use` units were held and `queued` tasks waited.
    pub usage: Vec<UsageReport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UsageReport {
    pub at: Millis,
    pub in_use: u32,
    pub queued: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiagnosticReport<'a> {
    pub file: &'a str,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub severity: Severity,
    pub code: &'static str,
    pub name: &'static str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub related: Vec<RelatedReport<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelatedReport<'a> {
    pub line: u32,
    pub column: u32,
    pub message: &'a str,
}

/// The report of an analysis of `text` (the text it was made from, for line numbers), read
/// from `file` (only echoed back). The policy is passed in because the analysis does not keep
/// the options it was made with.
pub fn analysis_report<'a>(
    analysis: &'a Analysis,
    text: &str,
    file: &'a str,
    policy: &Policy,
) -> AnalysisReport<'a> {
    let index = LineIndex::new(text);
    let pipeline = &analysis.pipeline;
    let schedule = &analysis.schedule;
    let id = |t: TaskIdx| task_id(pipeline, t);
    let resource_name =
        |r: crate::model::ResourceIdx| pipeline.resources.get(r.index()).map_or("", |r| &r.name);

    let mut critical = vec![false; pipeline.tasks.len()];
    for t in &schedule.critical_path {
        if let Some(c) = critical.get_mut(t.index()) {
            *c = true;
        }
    }

    let tasks = pipeline
        .tasks
        .iter()
        .enumerate()
        .map(|(i, task)| {
            let timing = schedule.tasks.get(i).cloned().unwrap_or_default();
            let duration = match task.duration_source {
                DurationSource::Children => match (timing.start, timing.end) {
                    (Some(start), Some(end)) => end - start,
                    _ => Millis::ZERO,
                },
                _ => analysis.durations.get(i).copied().unwrap_or_else(|| task.duration.nominal()),
            };
            let waits = timing
                .waits
                .iter()
                .map(|w| match &w.reason {
                    WaitReason::Dependency { on } => {
                        WaitReport::Dependency { from: w.from, to: w.to, on: id(*on) }
                    }
                    WaitReason::Resource { resource, holders, holders_total, released_by } => {
                        WaitReport::Resource {
                            from: w.from,
                            to: w.to,
                            resource: resource_name(*resource),
                            holders: holders.iter().map(|&h| id(h)).collect(),
                            holders_total: *holders_total,
                            released_by: released_by.map(id),
                        }
                    }
                    WaitReason::Pickup => WaitReport::Pickup { from: w.from, to: w.to },
                })
                .collect();
            let mut depends_on: Vec<&str> = Vec::new();
            for target in task.deps.iter().filter_map(|d| d.target) {
                let target = id(target);
                if !depends_on.contains(&target) {
                    depends_on.push(target);
                }
            }
            let uses = task
                .demands
                .iter()
                .filter_map(|d| {
                    Some(UseReport {
                        resource: &pipeline.resources.get(d.resource?.index())?.name,
                        amount: d.amount,
                    })
                })
                .collect();
            let blocked = timing.blocked.as_ref().map(|b| match b {
                Blocked::Dependency { on } => BlockedReport::Dependency { on: id(*on) },
                Blocked::Parent { parent } => BlockedReport::Parent { parent: id(*parent) },
                Blocked::Resource { resource, holders } => BlockedReport::Resource {
                    resource: resource_name(*resource),
                    holders: holders.iter().map(|&h| id(h)).collect(),
                },
            });
            let at = index.line_col(text, task.span.start);
            TaskReport {
                id: &task.id,
                name: task.name.as_deref(),
                kind: task.kind.as_str(),
                parent: task.parent.map(id),
                duration,
                duration_source: task.duration_source.name(),
                ready: timing.ready,
                start: timing.start,
                end: timing.end,
                outcome: timing.outcome.name(),
                attempts: timing.attempts,
                slack: timing.slack,
                waits,
                depends_on,
                uses,
                critical: critical[i],
                blocked,
                line: at.line,
                column: at.column,
                notes: pipeline
                    .task_notes(TaskIdx(i as u32))
                    .into_iter()
                    .map(|n| NoteReport {
                        line: index.line_col(text, n.span.start).line,
                        key: n.key,
                        text: n.text,
                    })
                    .collect(),
            }
        })
        .collect();

    let resources = pipeline
        .resources
        .iter()
        .enumerate()
        .map(|(r, resource)| {
            let usage = schedule.resources.get(r).cloned().unwrap_or_default();
            ResourceReport {
                name: &resource.name,
                kind: resource.kind.name(),
                capacity: resource.capacity,
                peak_in_use: usage.peak_in_use,
                peak_queued: usage.peak_queued,
                utilisation: utilisation(resource.capacity, &usage, schedule.makespan),
                usage: usage
                    .samples
                    .iter()
                    .map(|s| UsageReport { at: s.at, in_use: s.in_use, queued: s.queued })
                    .collect(),
            }
        })
        .collect();

    AnalysisReport {
        file,
        dialect: analysis.dialect.name(),
        policy: policy.name(),
        makespan: schedule.makespan,
        failed: schedule.failed,
        name: pipeline.name.as_deref(),
        tasks,
        critical_path: schedule.critical_path.iter().map(|&t| id(t)).collect(),
        resources,
        diagnostics: analysis
            .diagnostics
            .iter()
            .map(|d| diagnostic_report(d, text, &index, file))
            .collect(),
    }
}

/// One diagnostic, positioned in `text` through `index` (built from the same text).
pub fn diagnostic_report<'a>(
    d: &'a Diagnostic,
    text: &str,
    index: &LineIndex,
    file: &'a str,
) -> DiagnosticReport<'a> {
    let start = index.line_col(text, d.span.start);
    let end = index.line_col(text, d.span.end);
    DiagnosticReport {
        file,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        severity: d.severity,
        code: d.code(),
        name: d.name(),
        message: &d.message,
        help: d.help.as_deref(),
        related: d
            .related
            .iter()
            .map(|(span, message)| {
                let at = index.line_col(text, span.start);
                RelatedReport { line: at.line, column: at.column, message }
            })
            .collect(),
    }
}

/// [`analysis_report`] as a JSON value.
pub fn analysis_json(
    analysis: &Analysis,
    text: &str,
    file: &str,
    policy: &Policy,
) -> serde_json::Value {
    to_value(&analysis_report(analysis, text, file, policy))
}

/// [`diagnostic_report`] as a JSON value.
pub fn diagnostic_json(
    d: &Diagnostic,
    text: &str,
    index: &LineIndex,
    file: &str,
) -> serde_json::Value {
    to_value(&diagnostic_report(d, text, index, file))
}

/// Serialising the report types cannot fail: they are structs with string keys, strings and
/// numbers (a non-finite float becomes `null` rather than an error). The fallback only keeps
/// this function total.
fn to_value<T: Serialize>(report: &T) -> serde_json::Value {
    serde_json::to_value(report).unwrap_or(serde_json::Value::Null)
}

/// The share of `capacity × makespan` that was held, from 0 to 1 (0 for an empty timeline).
pub fn utilisation(capacity: u32, usage: &ResourceUsage, makespan: Millis) -> f64 {
    let area = u128::from(capacity) * u128::from(makespan.0);
    if area == 0 {
        return 0.0;
    }
    held_unit_millis(&usage.samples, makespan) as f64 / area as f64
}

/// The area under the usage step function up to `end`, in unit-milliseconds.
///
/// This recomputes `ResourceUsage::busy` from the samples rather than trusting it: the
/// simulation adds the interval since the last *recorded* sample each time a resource is
/// touched, so when a touch leaves the use unchanged (one task hands a unit to the next at the
/// same instant) the interval before it is counted twice.
fn held_unit_millis(samples: &[UsageSample], end: Millis) -> u128 {
    samples
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let until = samples.get(k + 1).map_or(end, |next| next.at).max(s.at);
            u128::from(s.in_use) * u128::from((until - s.at).0)
        })
        .sum()
}

fn task_id(pipeline: &Pipeline, t: TaskIdx) -> &str {
    pipeline.tasks.get(t.index()).map_or("", |t| &t.id)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::AnalyzeOptions;
    use crate::sim::UsageSample;

    const RELEASE: &str = "\
pipeline:
  name: release
  resources:
    prod-cluster: 1
    runners: 3
  defaults:
    duration: 1m
  stages:
    - stage: {id: build, duration: 4m, uses: [runners]}
    - parallel:
        - stage: {id: deploy-eu, duration: 3m, infrastructure: prod-eu}
        - stage: {id: deploy-us, duration: 3m, uses: {prod-cluster: 1, runners: 1}}
    - stage:
        id: verify
        steps:
          - step: {id: smoke, duration: 45s}
          - step: {id: perf, duration: 2m, start: with-previous}
          - step: {id: report, duration: 10s, depends_on: [smoke]}
";

    fn json_of(text: &str) -> Value {
        let analysis = crate::analyze(text, &AnalyzeOptions::default());
        analysis_json(&analysis, text, "pipeline.yaml", &Policy::Fifo)
    }

    fn task<'v>(report: &'v Value, id: &str) -> &'v Value {
        report["tasks"]
            .as_array()
            .and_then(|tasks| tasks.iter().find(|t| t["id"] == id))
            .unwrap_or_else(|| panic!("no task {id} in {report:#}"))
    }

    #[test]
    fn a_task_reports_its_timing_structure_and_position() {
        let report = json_of(RELEASE);
        assert_eq!(report["file"], "pipeline.yaml");
        assert_eq!(report["dialect"], "native");
        assert_eq!(report["policy"], "fifo");
        assert_eq!(report["name"], "release");
        // verify starts at 7:00 and ends with perf at 9:00 (smoke then report end at 7:55).
        assert_eq!(report["makespan"], 540.0);
        assert_eq!(report["critical_path"], json!(["build", "deploy-us", "verify", "verify/perf"]));
        assert_eq!(report["diagnostics"], json!([]));

        assert_eq!(
            *task(&report, "build"),
            json!({
                "id": "build", "name": null, "kind": "stage", "parent": null,
                "duration": 240.0, "duration_source": "explicit",
                "ready": 0.0, "start": 0.0, "end": 240.0, "outcome": "succeeded",
                "attempts": 1, "slack": 0.0, "waits": [],
                "depends_on": [], "uses": [{"resource": "runners", "amount": 1}],
                "critical": true, "blocked": null, "line": 9, "column": 7,
            })
        );
        let verify = task(&report, "verify");
        assert_eq!(verify["duration_source"], "children");
        assert_eq!(verify["duration"], 120.0);
        assert_eq!(verify["depends_on"], json!(["deploy-eu", "deploy-us"]));
        let report_step = task(&report, "verify/report");
        assert_eq!(report_step["kind"], "step");
        assert_eq!(report_step["parent"], "verify");
        assert_eq!(report_step["depends_on"], json!(["verify/smoke"]));
        assert_eq!((&report_step["start"], &report_step["end"]), (&json!(465.0), &json!(475.0)));
        assert_eq!(report_step["critical"], false);
        // perf ends verify at 9:00; report could end that late too.
        assert_eq!(report_step["slack"], 540.0 - 475.0);
        assert_eq!(
            task(&report, "deploy-eu")["uses"],
            json!([{"resource": "prod-eu", "amount": 1}])
        );
    }

    #[test]
    fn resources_report_peaks_usage_and_utilisation() {
        let report = json_of(RELEASE);
        let runners = &report["resources"][1];
        assert_eq!(runners["name"], "runners");
        assert_eq!(runners["kind"], "declared");
        assert_eq!((&runners["capacity"], &runners["peak_in_use"]), (&json!(3), &json!(1)));
        // build holds one runner 0:00-4:00, deploy-us one 4:00-7:00: 7m of 3 × 9m.
        assert_eq!(runners["utilisation"], 420.0 / (3.0 * 540.0));
        assert_eq!(
            runners["usage"],
            json!([{"at": 0.0, "in_use": 1, "queued": 0}, {"at": 420.0, "in_use": 0, "queued": 0}])
        );
        assert_eq!(report["resources"][2]["kind"], "infrastructure");
        assert_eq!(report["resources"][2]["name"], "prod-eu");
    }

    #[test]
    fn waits_name_their_reason() {
        let report = json_of(
            "pipeline:
  stages:
    - stage: {id: build, duration: 2m}
    - parallel:
        - stage: {id: deploy-a, duration: 3m, infrastructure: prod-eu}
        - stage: {id: deploy-b, duration: 3m, infrastructure: prod-eu}
    - stage: {id: done, duration: 30s}
",
        );
        assert_eq!(
            task(&report, "deploy-b")["waits"],
            json!([{
                "reason": "resource", "from": 120.0, "to": 300.0, "resource": "prod-eu",
                "holders": ["deploy-a"], "holders_total": 1, "released_by": "deploy-a",
            }])
        );
        assert_eq!(
            task(&report, "done")["waits"],
            json!([{"reason": "dependency", "from": 300.0, "to": 480.0, "on": "deploy-b"}])
        );
        assert_eq!(report["resources"][0]["peak_queued"], 1);
    }

    #[test]
    fn a_task_that_never_starts_says_why() {
        let report = json_of(
            "pipeline:
  resources: {db: 1}
  stages:
    - stage:
        id: migrate
        uses: [db]
        steps:
          - step: {id: apply, uses: [db]}
",
        );
        let apply = task(&report, "migrate/apply");
        assert_eq!((&apply["start"], &apply["end"]), (&Value::Null, &Value::Null));
        assert_eq!(
            apply["blocked"],
            json!({"reason": "resource", "resource": "db", "holders": ["migrate"]})
        );
        // A stage whose steps never finish has run for no measurable time.
        assert_eq!(task(&report, "migrate")["duration"], 0.0);
        assert_eq!(report["diagnostics"][0]["code"], "PS111");
    }

    #[test]
    fn a_diagnostic_has_its_span_help_and_related_places() {
        let text =
            "pipeline:\n  name: a\n  name: b\n  stages:\n    - stage: {id: x, duraton: 1m}\n";
        let report = json_of(text);
        assert_eq!(
            report["diagnostics"],
            json!([
                {
                    "file": "pipeline.yaml", "line": 3, "column": 3, "end_line": 3,
                    "end_column": 7, "severity": "warning", "code": "PS002",
                    "name": "duplicate-key",
                    "message": "the key `name` is written twice in this mapping; the last one wins",
                    "help": null,
                    "related": [{"line": 2, "column": 3, "message": "first written here"}],
                },
                {
                    "file": "pipeline.yaml", "line": 5, "column": 22, "end_line": 5,
                    "end_column": 29, "severity": "warning", "code": "PS003",
                    "name": "unknown-key",
                    "message": "unknown key `duraton` in a stage; it is ignored",
                    "help": "did you mean `duration`?", "related": [],
                },
            ])
        );
        let analysis = crate::analyze(text, &AnalyzeOptions::default());
        let index = LineIndex::new(text);
        assert_eq!(
            diagnostic_json(&analysis.diagnostics[1], text, &index, "other.yaml")["file"],
            "other.yaml"
        );
    }

    #[test]
    fn utilisation_is_the_area_under_the_samples() {
        let sample =
            |s: u64, in_use: u32| UsageSample { at: Millis::from_secs(s), in_use, queued: 0 };
        // `busy` is deliberately wrong: the report must not depend on it (see held_unit_millis).
        let usage = ResourceUsage {
            samples: vec![sample(0, 2), sample(10, 1), sample(30, 0)],
            peak_in_use: 2,
            peak_queued: 0,
            busy: 0,
        };
        // 2 units × 10 s + 1 unit × 20 s = 40 unit-seconds of 4 units × 40 s.
        assert_eq!(utilisation(4, &usage, Millis::from_secs(40)), 0.25);
        assert_eq!(utilisation(4, &usage, Millis::ZERO), 0.0);
        assert_eq!(utilisation(1, &ResourceUsage::default(), Millis::from_secs(5)), 0.0);
    }

    #[test]
    fn a_task_reports_its_settings_as_notes_in_the_files_keys() {
        let text = "pipeline:
  stages:
    - stage: {id: lint, duration: 1m, allow_failure: true, retries: 2}
    - stage: {id: build, duration: 1m}
";
        let report = json_of(text);
        assert_eq!(
            task(&report, "lint")["notes"],
            json!([
                {"key": "allow_failure", "text": "true", "line": 3},
                {"key": "retries", "text": "2", "line": 3},
            ])
        );
        assert!(task(&report, "build").get("notes").is_none(), "left out when there are none");
    }

    #[test]
    fn an_empty_text_gives_a_complete_empty_report() {
        let report = json_of("");
        assert_eq!(report["makespan"], 0.0);
        assert_eq!(report["tasks"], json!([]));
        assert_eq!(report["critical_path"], json!([]));
        assert_eq!(report["diagnostics"][0]["line"], 1);
    }
}
