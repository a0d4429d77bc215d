//! The one call the shells make: read a text, lint it, simulate it.

use std::collections::BTreeMap;

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::dialect::Dialect;
use crate::duration::{DurationSpec, Millis};
use crate::lint;
use crate::model::{DurationSource, Pipeline};
use crate::sim::{self, Schedule, SimOptions};

#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// `None` detects the dialect from the text.
    pub dialect: Option<Dialect>,
    pub inputs: Inputs,
    pub sim: SimOptions,
}

/// What the user tells pipescope that the file does not say: real CI files carry no durations,
/// nor how many self-hosted runners or deployment targets there are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// Task full id → duration, replacing whatever the file or the defaults gave.
    pub durations: BTreeMap<String, Millis>,
    /// Runner label or tag → how many runners carry it.
    pub runners: BTreeMap<String, u32>,
    /// Deployment target role → how many targets have it.
    pub targets: BTreeMap<String, u32>,
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

/// Sets the durations the user gave by full id; a stage with steps keeps lasting as long as its
/// steps. Returns the ids that matched no task.
fn apply_durations(pipeline: &mut Pipeline, durations: &BTreeMap<String, Millis>) -> Vec<String> {
    let mut unmatched = Vec::new();
    for (id, &duration) in durations {
        let mut found = false;
        for task in pipeline.tasks.iter_mut().filter(|t| &t.id == id) {
            found = true;
            if !task.is_group() {
                task.duration = DurationSpec::Fixed(duration);
                task.duration_source = DurationSource::Override;
            }
        }
        if !found {
            unmatched.push(id.clone());
        }
    }
    unmatched
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
}
