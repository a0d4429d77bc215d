use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::{Format, Pipeline};
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

/// Harness `when` and `failureStrategies` (still reported by the reader until it records them
/// only as facts).
fn harness(_pipeline: &Pipeline, _out: &mut Vec<Diagnostic>) {}

// Octopus ---------------------------------------------------------------------------------------

/// Octopus run conditions and scopes (still reported by the reader until it records them only
/// as facts).
fn octopus(_pipeline: &Pipeline, _out: &mut Vec<Diagnostic>) {}

// GitHub Actions --------------------------------------------------------------------------------

/// GitHub `if:` on jobs and steps (still reported by the reader until it records them only as
/// facts).
fn github(_pipeline: &Pipeline, _out: &mut Vec<Diagnostic>) {}

// GitLab CI -------------------------------------------------------------------------------------

/// GitLab `workflow: rules` (the pipeline's conditions) and the `rules`, `only` and `except`
/// of jobs, once per place written: a template's conditions, shared by every job that extends
/// it, keep the template's span, so they are reported once.
fn gitlab(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    let mut reported: HashSet<(u32, u32)> = HashSet::new();
    let mut once = |span: Span| reported.insert((span.start, span.end));
    for condition in &pipeline.conditions {
        if once(condition.span) {
            out.push(Diagnostic::new(
                &NOT_EVALUATED,
                condition.span,
                "`workflow: rules` are not evaluated; the pipeline is assumed to run",
            ));
        }
    }
    for condition in pipeline.tasks.iter().flat_map(|t| &t.conditions) {
        if once(condition.span) {
            out.push(Diagnostic::new(
                &NOT_EVALUATED,
                condition.span,
                format!(
                    "`{}` is not evaluated; the jobs that use it are assumed to run",
                    condition.kind.key()
                ),
            ));
        }
    }
}
