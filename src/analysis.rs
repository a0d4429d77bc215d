//! The one call the shells make: read a text, lint it, simulate it.

use std::collections::BTreeMap;

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::dialect::Dialect;
use crate::duration::{DurationSpec, Millis};
use crate::lint;
use crate::model::{DurationSource, Inputs, Pipeline, TaskIdx};
use crate::sim::{self, Schedule, SimOptions};

#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// `None` detects the dialect from the text.
    pub dialect: Option<Dialect>,
    pub inputs: Inputs,
    pub sim: SimOptions,
}

/// Everything known about one text: the model, every diagnostic, and the simulated schedule.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub dialect: Dialect,
    pub pipeline: Pipeline,
    /// Reading, lint and simulation findings, in order of position.
    pub diagnostics: Vec<Diagnostic>,
    pub schedule: Schedule,
    /// Ids in `Inputs::durations` that name no task (a typo, or a task since renamed).
    pub unmatched_durations: Vec<String>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

pub fn analyze(text: &str, options: &AnalyzeOptions) -> Analysis {
    let dialect = options.dialect.unwrap_or_else(|| Dialect::detect(text));
    let (mut pipeline, mut diagnostics) = dialect.read(text, &options.inputs);
    let unmatched_durations = apply_durations(&mut pipeline, &options.inputs.durations);
    diagnostics.extend(lint::lint(&pipeline));
    let schedule = sim::simulate(&pipeline, &options.sim);
    diagnostics.extend(lint::rules::never_starts::report(&pipeline, &schedule));
    diagnostic::sort(&mut diagnostics);
    Analysis { dialect, pipeline, diagnostics, schedule, unmatched_durations }
}

/// Sets the durations the user gave by full id. A duration given for a stage or job with steps
/// (people know how long a CI job takes, rarely each of its steps) stretches or shrinks the
/// steps it contains that have no duration of their own from the user, in proportion, so that
/// the stage lasts about that long. Returns the ids that matched no task.
fn apply_durations(pipeline: &mut Pipeline, durations: &BTreeMap<String, Millis>) -> Vec<String> {
    let mut unmatched = Vec::new();
    let mut groups = Vec::new();
    for (id, &duration) in durations {
        let matches: Vec<TaskIdx> =
            pipeline.task_indices().filter(|&t| &pipeline.task(t).id == id).collect();
        if matches.is_empty() {
            unmatched.push(id.clone());
        }
        for t in matches {
            let task = &mut pipeline.tasks[t.index()];
            if task.is_group() {
                groups.push((t, duration));
            } else {
                task.duration = DurationSpec::Fixed(duration);
                task.duration_source = DurationSource::Override;
            }
        }
    }
    if groups.is_empty() {
        return unmatched;
    }
    // The span each group has now, steps' own overrides included, is the baseline to scale.
    let baseline = sim::simulate(pipeline, &SimOptions::default());
    for (group, target) in groups {
        let timing = baseline.timing(group);
        let span = match (timing.start, timing.end) {
            (Some(start), Some(end)) if end > start => end - start,
            _ => continue,
        };
        for leaf in leaves_of(pipeline, group) {
            let task = &mut pipeline.tasks[leaf.index()];
            if task.duration_source == DurationSource::Override {
                continue;
            }
            let scaled =
                u128::from(task.duration.nominal().0) * u128::from(target.0) / u128::from(span.0);
            task.duration = DurationSpec::Fixed(Millis(u64::try_from(scaled).unwrap_or(u64::MAX)));
            task.duration_source = DurationSource::Override;
        }
    }
    unmatched
}

/// The tasks without children inside `group`, at any depth.
fn leaves_of(pipeline: &Pipeline, group: TaskIdx) -> Vec<TaskIdx> {
    let mut out = Vec::new();
    let mut stack = vec![group];
    while let Some(t) = stack.pop() {
        let task = pipeline.task(t);
        if task.is_group() {
            stack.extend(task.children.iter().copied());
        } else if t != group {
            out.push(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_from_the_user_replace_the_files() {
        let text =
            "pipeline:\n  stages:\n    - stage: {id: a, duration: 1m}\n    - stage: {id: b}\n";
        let mut options = AnalyzeOptions::default();
        options.inputs.durations.insert("b".into(), Millis(5_000));
        options.inputs.durations.insert("nope".into(), Millis(1));
        let analysis = analyze(text, &options);
        let b = analysis.pipeline.find_task("b").unwrap();
        assert_eq!(analysis.pipeline.task(b).duration_source, DurationSource::Override);
        assert_eq!(analysis.schedule.makespan, Millis(65_000));
        assert_eq!(analysis.unmatched_durations, ["nope"]);
    }

    #[test]
    fn a_duration_for_a_stage_scales_its_steps() {
        let text = "pipeline:\n  stages:\n    - stage:\n        id: job\n        steps:\n          - step: {id: a, duration: 1m}\n          - step: {id: b, duration: 3m}\n          - step: {id: c, duration: 1m}\n";
        let mut options = AnalyzeOptions::default();
        options.inputs.durations.insert("job".into(), Millis(10 * 60_000));
        options.inputs.durations.insert("job/c".into(), Millis(2 * 60_000));
        let analysis = analyze(text, &options);
        // Baseline span 1+3+2 = 6m; a and b scale by 10/6, c keeps the user's 2m.
        let d = |id: &str| {
            analysis.pipeline.task(analysis.pipeline.find_task(id).unwrap()).duration.nominal()
        };
        assert_eq!(d("job/a"), Millis(100_000));
        assert_eq!(d("job/b"), Millis(300_000));
        assert_eq!(d("job/c"), Millis(120_000));
        assert_eq!(analysis.schedule.makespan, Millis(520_000));
    }
}
