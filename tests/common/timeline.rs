//! An analysis as text, the form the semantics tests pin with expect-test: the diagnostics
//! (`! severity CODE message`), then one line per task in document order as
//! [`pipescope::explain::timeline_line`] writes it (times, resources, why it waited or never
//! started), each with its notes under it when asked (`# key: text`), then the makespan and the
//! critical path.

// Each test file uses only some of these.
#![allow(dead_code)]

use pipescope::diagnostic::Severity;
use pipescope::model::Inputs;
use pipescope::{Analysis, AnalyzeOptions, analyze, duration, explain};

/// What to show besides the schedule.
#[derive(Debug, Clone, Copy)]
pub struct Show {
    /// The notes a reader left on each task.
    pub notes: bool,
    /// Diagnostics of severity info (errors and warnings always show).
    pub infos: bool,
}

impl Show {
    pub const ALL: Show = Show { notes: true, infos: true };
}

/// Analyses `text` and renders it.
pub fn timeline(text: &str, options: &AnalyzeOptions, show: Show) -> String {
    render(&analyze(text, options), show)
}

pub fn render(analysis: &Analysis, show: Show) -> String {
    let (p, s) = (&analysis.pipeline, &analysis.schedule);
    let mut out = String::new();
    for d in &analysis.diagnostics {
        if d.severity == Severity::Info && !show.infos {
            continue;
        }
        out.push_str(&format!("! {} {} {}\n", d.severity.as_str(), d.code(), d.message));
    }
    for task in p.task_indices() {
        let line = explain::timeline_line(p, s, task);
        out.push_str(&line);
        out.push('\n');
        if show.notes {
            let indent = &line[..line.len() - line.trim_start().len()];
            for note in p.task_notes(task) {
                out.push_str(&format!("{indent}  # {}: {}\n", note.key, note.text));
            }
        }
    }
    out.push_str(&explain::timeline_summary(p, s));
    out
}

/// Options with durations (`("build", "5m")`) and runner counts (`("linux", 2)`).
pub fn options(durations: &[(&str, &str)], runners: &[(&str, u32)]) -> AnalyzeOptions {
    let mut inputs = Inputs::default();
    for (id, d) in durations {
        inputs.durations.insert(id.to_string(), duration::parse_spec(d).expect("a duration"));
    }
    for (label, n) in runners {
        inputs.runners.insert(label.to_string(), *n);
    }
    AnalyzeOptions { inputs, ..Default::default() }
}

/// The pipeline read from `yaml` with the default options.
pub fn pipeline(yaml: &str) -> pipescope::model::Pipeline {
    pipescope::analyze(yaml, &AnalyzeOptions::default()).pipeline
}

/// The task with this full id.
pub fn task<'p>(p: &'p pipescope::model::Pipeline, id: &str) -> &'p pipescope::model::Task {
    p.task(p.find_task(id).unwrap_or_else(|| panic!("no task {id}")))
}
