use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::declare_rule;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Compares imported past runs (`--history FILE`, or a run file dropped on the app) with
    /// the pipeline: reports each job or step of a run that matches no task of the file, with
    /// the closest name the file has, and each job of the file that got no duration from the
    /// runs (it did not run in them, or under another name). Jobs are matched by the names the
    /// CI systems give them: GitHub's `name:` with the matrix values filled in, or the job id,
    /// plus the matrix suffix (`test (ubuntu-latest, 3.11)`); GitLab's `rspec 1/4` and
    /// `build: [aws, app1]`; GitHub steps by `name:`, `Run actions/checkout@v4` or
    /// `Run <first line of run>`.
    ///
    /// ## Why is this bad?
    /// A job that matches nothing lends its time to nothing, and a job without a duration from
    /// the runs keeps its estimate (1 minute on GitHub and GitLab), so the timeline mixes real
    /// times with guesses. A run of another workflow matches next to nothing.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   test:             # the run calls it `unit-tests`: the job was renamed
    ///     runs-on: ubuntu-latest
    ///     steps: [{run: make test}]
    /// ```
    pub static HISTORY_MISMATCH = {
        code: "PS315",
        name: "history-mismatch",
        severity: Warning,
        check: Reader,
    }
}

/// A job of a run that matches no task; `span` is the closest task's, when one is alike,
/// else the file's start.
pub fn unmatched_job(
    span: Span,
    run: &str,
    what: &str,
    name: &str,
    closest: Option<&str>,
) -> Diagnostic {
    let d = Diagnostic::new(
        &HISTORY_MISMATCH,
        span,
        format!("{run}: {what} `{name}` matches no {what} of this file; its time is not used"),
    );
    match closest {
        Some(near) => d.with_help(format!("the closest name here is `{near}`: was it renamed?")),
        None => d,
    }
}

/// Names the run where something was first seen, and how many others have it: "run 7
/// (GitHub REST)", "run 7 (GitHub REST) and 99 other runs".
pub fn seen_in(run: &str, runs: usize) -> String {
    match runs {
        0 | 1 => run.to_string(),
        2 => format!("{run} and 1 other run"),
        n => format!("{run} and {} other runs", crate::text::count(n - 1)),
    }
}

/// A step of a run's job that matches no step of that job in the file.
pub fn unmatched_step(span: Span, run: &str, job: &str, step: &str) -> Diagnostic {
    Diagnostic::new(
        &HISTORY_MISMATCH,
        span,
        format!(
            "{run}: step `{step}` of `{job}` matches no step of it in this file; its time counts \
             in the step before it"
        ),
    )
}

/// How many more jobs (or steps) of a run match nothing, past those named one by one.
pub fn more_unmatched(run: &str, more: usize, what: &str) -> Diagnostic {
    Diagnostic::new(
        &HISTORY_MISMATCH,
        Span::default(),
        format!(
            "{run}: {} more {what}{} match no {what} of this file; their times are not used",
            crate::text::count(more),
            if more == 1 { "" } else { "s" }
        ),
    )
}

/// A job of the file that got no duration from any imported run.
pub fn no_duration(span: Span, id: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        &HISTORY_MISMATCH,
        span,
        format!("`{id}` got no duration from the imported runs ({why}); it keeps its estimate"),
    )
}

/// Something the imported runs cannot tell, said once.
pub fn limited(text: impl Into<String>) -> Diagnostic {
    Diagnostic::new(&HISTORY_MISMATCH, Span::default(), text).with_severity(Severity::Info)
}
