use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::{Format, Pipeline, TaskIdx};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Points at a condition or failure setting that the file carries but the simulation does
    /// not evaluate: Harness `when` and `failureStrategies`, Octopus step `condition`s and the
    /// environments, channels or tenants a step is scoped to, GitHub Actions `if:` on jobs
    /// (and, once per file, on steps), GitLab CI `rules`, `only`, `except` and
    /// `workflow: rules`. The setting is kept on the task as a typed, unevaluated condition or
    /// failure policy (the model's `conditions`, `when` and `failure`), shown beside it in the
    /// timeline, and reported here once.
    ///
    /// ## Why is this bad?
    /// It is not bad in itself: the timeline assumes that every task runs and succeeds. When a
    /// condition would skip a stage, or a failure strategy would retry or roll back, the real
    /// run differs from the one shown. Conditions depend on the event, the branch, changed
    /// files and earlier results, which a file alone does not say.
    ///
    /// ## Example
    /// ```yaml
    /// - stage:
    ///     identifier: deploy_prod
    ///     when:
    ///       pipelineStatus: Success
    ///       condition: <+pipeline.variables.release> == "true"   # not evaluated: assumed true
    /// ```
    pub static NOT_EVALUATED = {
        code: "PS201",
        name: "not-evaluated",
        severity: Info,
        check: Model(check),
    }
}

/// Readers record the settings as typed facts (`Task::conditions`, `when`, `failure`,
/// `Pipeline::conditions`); each format's wording of what is not evaluated lives below.
fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    match pipeline.format {
        Format::Harness => harness(pipeline, out),
        Format::Octopus => octopus(pipeline, out),
        Format::GithubActions => github(pipeline, out),
        Format::GitlabCi => gitlab(pipeline, out),
        Format::Own | Format::Psplib => {}
    }
}

// Harness ---------------------------------------------------------------------------------------

/// Harness `when` (the run condition and its JEXL condition) and `failureStrategies` (the
/// failure policy): one finding per written setting, worded as the timeline's note for it. The
/// instances of a looped item share their setting's span, and so do the steps that inherit
/// their stage's or step group's strategies (parents come first, so the owner is met first).
fn harness(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    let mut seen: HashSet<Span> = HashSet::new();
    for (i, task) in pipeline.tasks.iter().enumerate() {
        let when = task.when_span.filter(|&span| seen.insert(span));
        let failure = task.failure.span.filter(|&span| seen.insert(span));
        if when.is_none() && failure.is_none() {
            continue;
        }
        let notes = pipeline.task_notes(TaskIdx(i as u32));
        let shown = |key: &str, span: Span| {
            notes.iter().find(|n| n.key == key && n.span == span).map(|n| one_line(&n.text))
        };
        if let Some(span) = when {
            let text = shown("when", span).unwrap_or_else(|| task.when.name().to_string());
            out.push(Diagnostic::new(
                &NOT_EVALUATED,
                span,
                format!("`when` ({text}) is not evaluated: it is assumed to run"),
            ));
        }
        if let Some(span) = failure {
            let text = shown("failureStrategies", span).unwrap_or_default();
            out.push(Diagnostic::new(
                &NOT_EVALUATED,
                span,
                format!(
                    "`failureStrategies` ({text}) are not evaluated: every task is assumed to succeed"
                ),
            ));
        }
    }
}

/// A setting as one line of at most 120 characters.
fn one_line(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 120 {
        let cut: String = one_line.chars().take(117).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}

// Octopus ---------------------------------------------------------------------------------------

/// Octopus run conditions and scopes (still reported by the reader until it records them only
/// as facts).
fn octopus(_pipeline: &Pipeline, _out: &mut Vec<Diagnostic>) {}

// GitHub Actions --------------------------------------------------------------------------------

/// GitHub `if:` on jobs and steps (still reported by the reader until it records them only as
/// facts).
fn github(_pipeline: &Pipeline, _out: &mut Vec<Diagnostic>) {}

// GitLab CI -------------------------------------------------------------------------------------

/// GitLab `rules`, `only`, `except` and `workflow: rules` (still reported by the reader until
/// it records them only as facts).
fn gitlab(_pipeline: &Pipeline, _out: &mut Vec<Diagnostic>) {}
