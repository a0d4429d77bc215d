use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a GitHub Actions job whose `concurrency` group is the same text as the
    /// workflow's own `concurrency` group.
    ///
    /// ## Why is this bad?
    /// The workflow run holds the group while it runs, so the job would wait for its own run
    /// to end. GitHub detects the deadlock and cancels the job ("Canceling since a deadlock
    /// for concurrency group ... was detected between 'top level workflow' and the job"), and
    /// the jobs that need it are skipped. pipescope still shows the job in the timeline, with
    /// this error.
    ///
    /// ## Example
    /// ```yaml
    /// concurrency: ci-${{ github.ref }}
    /// jobs:
    ///   deploy:
    ///     concurrency: ci-${{ github.ref }}   # the workflow's group: cancelled
    ///     runs-on: ubuntu-latest
    ///     steps: [{run: ./deploy}]
    /// ```
    pub static CONCURRENCY_DEADLOCK = {
        code: "PS314",
        name: "concurrency-deadlock",
        severity: Error,
        check: Reader,
    }
}

/// The job `job` uses `group`, which is also the workflow's own group (written at
/// `workflow`).
pub fn diagnostic(span: Span, job: &str, group: &str, workflow: Span) -> Diagnostic {
    Diagnostic::new(
        &CONCURRENCY_DEADLOCK,
        span,
        format!(
            "`{job}` uses the workflow's own concurrency group `{group}`: it would wait for its \
             own run, so GitHub cancels it"
        ),
    )
    .with_related(workflow, "the workflow's group")
    .with_help("give the job a group of its own, e.g. add `-${{ github.job }}`")
}
