use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::{ConditionKind, Format, Pipeline, TaskIdx, TaskKind, github_status_check};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Points at a condition or failure setting that the file carries but the simulation does
    /// not evaluate: the condition of a Harness `when` and `failureStrategies`, Octopus
    /// variable conditions and the environments, channels or tenants a step is scoped to,
    /// GitHub Actions `if:` expressions on jobs (and, once per file, on steps), GitLab CI
    /// `rules`, `only`, `except` and `workflow: rules`. The setting is kept on the task as a
    /// typed, unevaluated condition or failure policy (the model's `conditions` and `failure`),
    /// shown beside it in the timeline, and reported here once. Run conditions on what happened
    /// before (`if: failure()`, `when: always`, Harness `pipelineStatus`, Octopus `Failure`)
    /// are not reported: the simulation applies them.
    ///
    /// ## Why is this bad?
    /// It is not bad in itself: the timeline is a run in which every condition holds and every
    /// task succeeds. When a condition would skip a stage, or a failure strategy would retry or
    /// roll back, the real run differs from the one shown. Conditions depend on the event, the
    /// branch, changed files and earlier results, which a file alone does not say.
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
        // The status part of `when` is a run condition the simulation applies (`Task::when`);
        // only a JEXL condition is left unevaluated.
        let has_condition = task.conditions.iter().any(|c| c.kind == ConditionKind::HarnessWhen);
        let when = task.when_span.filter(|&span| has_condition && seen.insert(span));
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
                format!("`when` ({text}) is not evaluated: its condition is assumed to hold"),
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

/// Octopus run conditions (`Task::when` and its variable `Condition`), environment, channel
/// and tenant scopes, and disabled actions (their `is_disabled` note). A step's or action's
/// setting sits on every task that stands for it (one per target), so each place is reported
/// once.
fn octopus(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    use crate::model::ConditionKind;
    use crate::span::Span;
    use std::collections::BTreeSet;

    let mut reported: BTreeSet<(Span, String)> = BTreeSet::new();
    let mut report = |span: Span, message: String| {
        if reported.insert((span, message.clone())) {
            out.push(Diagnostic::new(&NOT_EVALUATED, span, message));
        }
    };
    for task in &pipeline.tasks {
        for condition in &task.conditions {
            match condition.kind {
                ConditionKind::OctopusVariable => {
                    report(condition.span, octopus_condition(&one_line(&condition.text), task.when))
                }
                ConditionKind::OctopusScope => {
                    let (key, values) =
                        condition.text.split_once(": ").unwrap_or(("scope", &condition.text));
                    report(
                        condition.span,
                        format!(
                            "`{key}` ({values}) is not evaluated: the step is assumed to run in the environment deployed to"
                        ),
                    );
                }
                _ => {}
            }
        }
        // `Failure` and `Always` are run conditions the simulation applies (`Task::when`); only
        // a variable's value is unknown, and it is reported above.
        for note in task.notes.iter().filter(|n| n.key == "is_disabled") {
            report(
                note.span,
                "the action is disabled: Octopus skips it; it is shown taking no time".into(),
            );
        }
    }
}

/// A variable run condition's value is unknown: the step is assumed to run as its run
/// condition says (after success, unless the expression tests `Octopus.Deployment.Error`).
fn octopus_condition(expression: &str, when: crate::model::RunWhen) -> String {
    let after = match when {
        crate::model::RunWhen::OnFailure => "when a step before it failed",
        _ => "when the steps before it succeeded",
    };
    format!(
        "`condition` (Variable: {expression}) is not evaluated: the step is assumed to run {after}"
    )
}

// GitHub Actions --------------------------------------------------------------------------------

/// GitHub `if:`: once per job, and once per file for all the steps. The instances of a matrix
/// repeat their job's conditions and steps, so only the first instance of each is counted.
fn github(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    let repeated: HashSet<TaskIdx> =
        pipeline.matrices.iter().flat_map(|m| m.members.iter().skip(1)).copied().collect();
    let mut steps: Vec<Span> = Vec::new();
    for idx in pipeline.task_indices() {
        let task = pipeline.task(idx);
        let job = if task.kind == TaskKind::Job { Some(idx) } else { task.parent };
        if job.is_some_and(|j| repeated.contains(&j)) {
            continue;
        }
        // An `if:` that is only a status check (`always()`, `failure()`) is applied through
        // `Task::when`: only other expressions are left unevaluated.
        let unevaluated = |c: &&crate::model::Condition| {
            c.kind == ConditionKind::GithubIf && github_status_check(&c.text).is_none()
        };
        for condition in task.conditions.iter().filter(unevaluated) {
            if task.kind != TaskKind::Job {
                steps.push(condition.span);
                continue;
            }
            out.push(Diagnostic::new(
                &NOT_EVALUATED,
                condition.span,
                format!(
                    "the condition of `{}` is not evaluated; the job is assumed to run",
                    github_job(pipeline, idx)
                ),
            ));
        }
    }
    if let Some(&first) = steps.first() {
        let n = steps.len();
        out.push(Diagnostic::new(
            &NOT_EVALUATED,
            first,
            format!(
                "{n} step condition{} (`if:`) {} not evaluated; every step is assumed to run",
                if n == 1 { "" } else { "s" },
                if n == 1 { "is" } else { "are" }
            ),
        ));
    }
}

/// The job a GitHub job task is (an instance of): its id, without the matrix values GitHub
/// adds in brackets (`test (ubuntu-latest, 3.12)`), which a valid job id cannot contain.
fn github_job(pipeline: &Pipeline, job: TaskIdx) -> &str {
    let id = &pipeline.task(job).id;
    let instance = pipeline.matrices.iter().any(|m| m.members.contains(&job));
    match id.split_once(" (") {
        Some((key, _)) if instance => key,
        _ => id,
    }
}

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
