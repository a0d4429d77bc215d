//! What the GitLab reader reports under rules it shares with the GitHub reader (unknown and
//! duplicate `needs`, serialised resource groups, settings not simulated, invalid values,
//! missing fields, ignored settings), worded in this one place, and the findings across jobs
//! (serialised groups, manual jobs) detected here too, until they become facts of the model
//! that the rules check. Rules only GitLab has word their own messages in `src/lint/rules/`.
//! It reads plain values only, so every step of the reader may call it.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{
    ignored_setting::IGNORED_SETTING,
    invalid_duration::INVALID_DURATION,
    invalid_value::INVALID_VALUE,
    missing_field::{self, MISSING_FIELD},
    not_simulated::NOT_SIMULATED,
};
use crate::model::ManualGate;
use crate::span::Span;

// The file ----------------------------------------------------------------------------------

pub fn extra_document(span: Span) -> Diagnostic {
    Diagnostic::new(
        &IGNORED_SETTING,
        span,
        "GitLab reads a `spec:` header and one configuration document; this document is ignored",
    )
}

pub fn spec_not_a_header(span: Span) -> Diagnostic {
    Diagnostic::new(
        &IGNORED_SETTING,
        span,
        "`spec:` must be a header document of its own, followed by `---`; it is ignored",
    )
}

pub fn empty_file() -> Diagnostic {
    missing_field::empty_file("a GitLab pipeline has jobs with a `script`")
}

/// A configuration without jobs: they may come from included files, or it has only
/// `templates` hidden ones.
pub fn no_jobs(span: Span, includes: bool, templates: usize) -> Diagnostic {
    let message = if includes {
        "this file has no jobs of its own; they come from included files, which are not read"
            .to_string()
    } else if templates > 0 {
        format!(
            "this file has no jobs, only {templates} hidden template{} (`.name`), which run only \
             in jobs that extend them; GitLab rejects a pipeline without jobs",
            if templates == 1 { "" } else { "s" }
        )
    } else {
        "this file has no jobs; GitLab rejects a pipeline without jobs".to_string()
    };
    Diagnostic::new(&MISSING_FIELD, span, message).with_severity(if includes {
        Severity::Info
    } else {
        Severity::Warning
    })
}

// A job -------------------------------------------------------------------------------------

/// `what` ("the job `x`") has no `script`, `run` or `trigger`.
pub fn nothing_to_run(span: Span, what: &str, includes: bool) -> Diagnostic {
    if includes {
        Diagnostic::new(
            &MISSING_FIELD,
            span,
            format!(
                "{what} has no `script`, `run` or `trigger`: it probably completes a job of the \
                 same name in an included file, which is not read"
            ),
        )
        .with_severity(Severity::Info)
    } else {
        Diagnostic::new(
            &MISSING_FIELD,
            span,
            format!("{what} has no `script`, `run` or `trigger`; GitLab rejects the pipeline"),
        )
        .with_severity(Severity::Warning)
        .with_help("hide a template by starting its name with `.`")
    }
}

pub fn no_start_in(span: Span, job: &str) -> Diagnostic {
    Diagnostic::new(
        &MISSING_FIELD,
        span,
        format!("`{job}` has `when: delayed` but no `start_in`; GitLab rejects the pipeline"),
    )
}

pub fn delay_not_simulated(span: Span, job: &str, delay: &str) -> Diagnostic {
    Diagnostic::new(
        &NOT_SIMULATED,
        span,
        format!(
            "the delay of `{job}` (`start_in: {delay}`) is not simulated; it starts as soon as \
             it may"
        ),
    )
}

pub fn never_runs(span: Span, job: &str) -> Diagnostic {
    Diagnostic::new(
        &NOT_SIMULATED,
        span,
        format!("`{job}` has `when: never`, so GitLab never runs it; it is left out"),
    )
}

pub fn unknown_when(span: Span, when: &str) -> Diagnostic {
    Diagnostic::new(
        &INVALID_VALUE,
        span,
        format!(
            "`when: {when}` is not one of on_success, manual, always, on_failure, delayed, \
             never; it is read as on_success"
        ),
    )
}

pub fn retry_out_of_range(span: Span, retry: i64) -> Diagnostic {
    Diagnostic::new(
        &INVALID_VALUE,
        span,
        format!("`retry: {retry}` must be 0, 1 or 2; GitLab rejects the pipeline; it is ignored"),
    )
    .with_severity(Severity::Warning)
}

/// `parallel: count` is not between 1 and `max`.
pub fn parallel_out_of_range(span: Span, count: i64, max: usize) -> Diagnostic {
    Diagnostic::new(
        &INVALID_VALUE,
        span,
        format!(
            "`parallel: {count}` must be between 1 and {max}; GitLab rejects the pipeline; the \
             job is simulated once"
        ),
    )
}

/// The matrix of `job` makes `count` jobs, more than `max`.
pub fn too_many_instances(span: Span, job: &str, count: usize, max: usize) -> Diagnostic {
    Diagnostic::new(
        &INVALID_VALUE,
        span,
        format!(
            "the matrix of `{job}` makes {count} jobs; GitLab allows at most {max} and rejects \
             the pipeline; the first {max} are simulated"
        ),
    )
}

/// A GitLab duration (`timeout`, `start_in`) that GitLab would not read. GitLab's durations
/// are not the own format's (`3 hours 30 minutes`), so the message shows GitLab's `examples`
/// rather than the generic rule's.
pub fn unreadable_duration(span: Span, key: &str, text: &str, examples: &str) -> Diagnostic {
    Diagnostic::new(
        &INVALID_DURATION,
        span,
        format!("`{key}: {text}` is not a duration GitLab reads; it is ignored"),
    )
    .with_help(format!("write e.g. {examples}"))
}

// `needs` -----------------------------------------------------------------------------------

pub fn need_without_job(span: Span) -> Diagnostic {
    Diagnostic::new(&MISSING_FIELD, span, "this `needs` entry has no `job`")
}

// Across jobs -------------------------------------------------------------------------------

/// The manual jobs (their gates, one per job), once for all: they are simulated as started
/// by hand at once. A gate only some rules set is not counted.
pub fn manual_jobs<'g>(gates: impl Iterator<Item = &'g ManualGate>, out: &mut Vec<Diagnostic>) {
    let gates: Vec<(Span, bool)> =
        gates.filter(|g| !g.conditional).map(|g| (g.span, g.blocking)).collect();
    let Some(&(first, _)) = gates.first() else { return };
    let n = gates.len();
    let blocking = gates.iter().filter(|(_, b)| *b).count();
    out.push(Diagnostic::new(
        &NOT_SIMULATED,
        first,
        format!(
            "{n} manual job{} simulated as started by hand the moment {} may start{}",
            if n == 1 { " is" } else { "s are" },
            if n == 1 { "it" } else { "they" },
            match blocking {
                0 =>
                    "; none blocks later stages (manual jobs allow failure by default)".to_string(),
                b if b == n => "; later stages wait for them (allow_failure: false)".to_string(),
                b => format!("; {b} of them block later stages (allow_failure: false)"),
            }
        ),
    ));
}
