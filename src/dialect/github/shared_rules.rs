//! The diagnostics of the rules the GitHub reader shares with the GitLab reader (unknown and
//! duplicate `needs`, serialised concurrency groups, what is not simulated, invalid values,
//! missing fields), detected and worded here, in one place, until they become facts in the
//! model that the rules check. (`runner-capacity-assumed` is worded by `ci::Pools`.)

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::dialect::ci;
use crate::lint::rules::{
    duplicate_needs,
    invalid_value::INVALID_VALUE,
    missing_field::{self, MISSING_FIELD},
    not_simulated::NOT_SIMULATED,
    unknown_needs,
};
use crate::model;
use crate::model::Format;
use crate::span::Span;
use crate::yaml::Node;

use super::form::Job;
use super::matrix::MAX_COMBINATIONS;

// The workflow ----------------------------------------------------------------------------------

pub fn empty_file() -> Diagnostic {
    missing_field::empty_file("a workflow has `on:` and `jobs:`")
}

pub fn no_on(span: Span) -> Diagnostic {
    Diagnostic::new(&MISSING_FIELD, span, "the workflow has no `on:`, so GitHub never runs it")
        .with_severity(Severity::Warning)
        .with_help("add the events that start it, e.g. `on: [push, pull_request]`")
}

pub fn no_jobs(span: Span) -> Diagnostic {
    missing_field::nothing_to_run(span, "the workflow", "jobs:")
}

pub fn workflow_concurrency(span: Span, group: &str) -> Diagnostic {
    Diagnostic::new(
        &NOT_SIMULATED,
        span,
        format!(
            "workflow-level `concurrency` (group `{group}`) lets one run of the workflow at a \
             time; one run is simulated, so it changes nothing here"
        ),
    )
}

// Jobs and steps --------------------------------------------------------------------------------

pub fn invalid_job_id(span: Span, job: &str) -> Diagnostic {
    Diagnostic::new(
        &INVALID_VALUE,
        span,
        format!(
            "the job id `{job}` must start with a letter or `_` and contain only letters, \
             digits, `-` and `_`; GitHub rejects the workflow"
        ),
    )
    .with_severity(Severity::Warning)
}

pub fn no_runs_on(span: Span, job: &str) -> Diagnostic {
    Diagnostic::new(
        &MISSING_FIELD,
        span,
        format!("the job `{job}` has no `runs-on`; GitHub rejects the workflow"),
    )
}

pub fn neither_steps_nor_uses(span: Span, job: &str) -> Diagnostic {
    Diagnostic::new(
        &MISSING_FIELD,
        span,
        format!(
            "the job `{job}` has neither `steps` nor `uses`; GitHub rejects the workflow; it is \
             simulated as one task"
        ),
    )
}

pub fn step_without_work(span: Span) -> Diagnostic {
    Diagnostic::new(
        &MISSING_FIELD,
        span,
        "this step has neither `run` nor `uses`; GitHub rejects the workflow",
    )
}

pub fn concurrency_without_group(span: Span) -> Diagnostic {
    Diagnostic::new(&MISSING_FIELD, span, "`concurrency` has no `group`")
}

pub fn computed_runner(span: Span, job: &str) -> Diagnostic {
    Diagnostic::new(
        &NOT_SIMULATED,
        span,
        format!(
            "the runner of `{job}` is computed while the workflow runs; it is simulated as a \
             GitHub-hosted runner"
        ),
    )
}

pub fn timeout_not_positive(span: Span) -> Diagnostic {
    Diagnostic::new(
        &INVALID_VALUE,
        span,
        "`timeout-minutes` must be a positive number of minutes; it is ignored",
    )
}

// Matrices --------------------------------------------------------------------------------------

pub fn matrix_computed(node: &Node, job: &str) -> Diagnostic {
    Diagnostic::new(
        &NOT_SIMULATED,
        node.span,
        format!(
            "the matrix of `{job}` is computed while the workflow runs (`{}`); each value \
             computed so is simulated as one value",
            model::shorten(&ci::flow(node))
        ),
    )
}

pub fn matrix_variable_empty(span: Span, variable: &str, job: &str) -> Diagnostic {
    Diagnostic::new(
        &INVALID_VALUE,
        span,
        format!(
            "the matrix variable `{variable}` has no values, so the matrix of `{job}` has no \
             combinations; GitHub rejects it"
        ),
    )
}

/// `count` combinations, at least that many when the expansion stopped early.
pub fn matrix_too_big(span: Span, job: &str, count: usize, stopped: bool) -> Diagnostic {
    Diagnostic::new(
        &INVALID_VALUE,
        span,
        format!(
            "the matrix of `{job}` makes {}{count} jobs; GitHub allows at most \
             {MAX_COMBINATIONS} and rejects the workflow; the first {MAX_COMBINATIONS} are \
             simulated",
            if stopped { "at least " } else { "" },
        ),
    )
}

pub fn matrix_empty(span: Span, job: &str) -> Diagnostic {
    Diagnostic::new(
        &INVALID_VALUE,
        span,
        format!("the matrix of `{job}` has no combinations, so the job does not run"),
    )
}

// Needs and groups ------------------------------------------------------------------------------

/// Resolves every job's `needs` to the jobs named (case-insensitively, the first of that name);
/// a name listed twice is reported and dropped, a name of no job is reported and kept
/// unresolved.
pub fn check_needs(jobs: &mut [Job], out: &mut Vec<Diagnostic>) {
    let by_key: HashMap<String, usize> =
        jobs.iter().enumerate().rev().map(|(i, j)| (j.key.to_lowercase(), i)).collect();
    let known: Vec<String> = jobs.iter().map(|j| j.key.clone()).collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    for job in jobs.iter_mut() {
        let mut kept: Vec<super::form::Need> = Vec::new();
        for mut need in std::mem::take(&mut job.needs) {
            if let Some(first) = kept.iter().find(|n| n.name.eq_ignore_ascii_case(&need.name)) {
                let (format, span) = (Format::GithubActions, need.span);
                out.push(duplicate_needs::diagnostic(
                    format, &job.key, &need.name, span, first.span,
                ));
                continue;
            }
            need.job = by_key.get(&need.name.to_lowercase()).copied();
            if need.job.is_none() {
                let need = (need.name.as_str(), need.span);
                out.push(unknown_needs::diagnostic(
                    Format::GithubActions,
                    &job.key,
                    need,
                    None,
                    &known,
                ));
            }
            kept.push(need);
        }
        job.needs = kept;
    }
}
