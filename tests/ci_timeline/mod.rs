//! Renders an analysis of a CI file as text for expect-tests: the diagnostics, then one line
//! per task (`id  start–end  (waits)`, steps indented, display names and resources when they
//! differ from the id), then the makespan and the critical path.

#![allow(dead_code)]

use pipescope::analysis::Inputs;
use pipescope::duration::{self, clock};
use pipescope::sim::WaitReason;
use pipescope::{AnalyzeOptions, analyze};

/// Options with durations (`("build", "5m")`) and runner counts (`("linux", 2)`).
pub fn options(durations: &[(&str, &str)], runners: &[(&str, u32)]) -> AnalyzeOptions {
    let mut inputs = Inputs::default();
    for (id, d) in durations {
        inputs.durations.insert(id.to_string(), duration::parse(d).expect("a duration"));
    }
    for (label, n) in runners {
        inputs.runners.insert(label.to_string(), *n);
    }
    AnalyzeOptions { inputs, ..Default::default() }
}

pub struct Show {
    pub notes: bool,
    pub infos: bool,
}

pub fn timeline(yaml: &str, options: &AnalyzeOptions, show: Show) -> String {
    let analysis = analyze(yaml, options);
    let p = &analysis.pipeline;
    let s = &analysis.schedule;
    let mut out = String::new();
    for d in &analysis.diagnostics {
        if d.severity == pipescope::diagnostic::Severity::Info && !show.infos {
            continue;
        }
        out.push_str(&format!("! {} {} {}\n", d.severity.as_str(), d.code(), d.message));
    }
    for ((idx, task), timing) in p.task_indices().zip(&p.tasks).zip(&s.tasks) {
        let span = match (timing.start, timing.end) {
            (Some(a), Some(b)) => format!("{}–{}", clock(a), clock(b)),
            _ => "never".to_string(),
        };
        let waits: Vec<String> = timing
            .waits
            .iter()
            .map(|w| {
                let why = match &w.reason {
                    WaitReason::Dependency { on } => format!("for {}", p.task(*on).id),
                    WaitReason::Resource { resource, holders, .. } => {
                        let held: Vec<&str> =
                            holders.iter().map(|&h| p.task(h).id.as_str()).collect();
                        format!(
                            "for {} held by {}",
                            p.resource(*resource).describe(),
                            held.join(",")
                        )
                    }
                };
                format!("waited {} {why}", w.to - w.from)
            })
            .collect();
        let indent = if task.parent.is_some() { "  " } else { "" };
        out.push_str(&format!("{indent}{} {span}", task.id));
        if let Some(name) = task.name.as_deref().filter(|n| *n != task.id) {
            out.push_str(&format!(" «{name}»"));
        }
        let uses: Vec<String> = task
            .demands
            .iter()
            .filter_map(|d| d.resource)
            .map(|r| {
                let r = p.resource(r);
                format!("{}/{}", r.describe(), r.capacity)
            })
            .collect();
        if !uses.is_empty() {
            out.push_str(&format!(" [{}]", uses.join("; ")));
        }
        if !waits.is_empty() {
            out.push_str(&format!(" ({})", waits.join("; ")));
        }
        out.push('\n');
        if show.notes {
            for note in &p.task_notes(idx) {
                out.push_str(&format!("{indent}  # {}: {}\n", note.key, note.text));
            }
        }
    }
    let path: Vec<&str> = s.critical_path.iter().map(|&t| p.task(t).id.as_str()).collect();
    out.push_str(&format!("makespan {} · critical {}\n", s.makespan, path.join(" → ")));
    out
}

/// The model a CI file reads into, with the default options.
pub fn pipeline(yaml: &str) -> pipescope::model::Pipeline {
    analyze(yaml, &AnalyzeOptions::default()).pipeline
}

/// The task with this full id.
pub fn task<'p>(p: &'p pipescope::model::Pipeline, id: &str) -> &'p pipescope::model::Task {
    p.task(p.find_task(id).unwrap_or_else(|| panic!("no task {id}")))
}
