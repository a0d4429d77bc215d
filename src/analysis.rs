//! The one call the shells make: read a text, lint it, simulate it.

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::dialect::Dialect;
use crate::lint;
use crate::model::Pipeline;
use crate::sim::{self, Schedule, SimOptions};

#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// `None` detects the dialect from the text.
    pub dialect: Option<Dialect>,
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
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

pub fn analyze(text: &str, options: &AnalyzeOptions) -> Analysis {
    let dialect = options.dialect.unwrap_or_else(|| Dialect::detect(text));
    let (pipeline, mut diagnostics) = dialect.read(text);
    diagnostics.extend(lint::lint(&pipeline));
    let schedule = sim::simulate(&pipeline, &options.sim);
    diagnostics.extend(lint::rules::never_starts::report(&pipeline, &schedule));
    diagnostic::sort(&mut diagnostics);
    Analysis { dialect, pipeline, diagnostics, schedule }
}
