use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports Harness Barrier steps that share a `barrierRef` but can never be reached at the
    /// same time: in stages or step groups that run one after another, in the same sequence of
    /// steps, or with one of them among the `rollbackSteps` (which run only when something
    /// failed).
    ///
    /// ## Why is this bad?
    /// A barrier lets its branches go on only once every position with the same reference has
    /// been reached. A position that can only be reached after another has passed the barrier
    /// never arrives: the pipeline hangs until the barrier's timeout and fails. Harness calls
    /// this "Barrier Deadlock Detected". The timeline leaves such a barrier out.
    ///
    /// ## Example
    /// ```yaml
    /// stages:
    ///   - stage:
    ///       identifier: deploy_a
    ///       spec: {execution: {steps: [{step: {identifier: sync, type: Barrier, spec: {barrierRef: wall}}}]}}
    ///   - stage:            # runs after deploy_a: its barrier can never meet deploy_a's
    ///       identifier: deploy_b
    ///       spec: {execution: {steps: [{step: {identifier: sync, type: Barrier, spec: {barrierRef: wall}}}]}}
    /// ```
    /// Put the two stages in one `- parallel:` block, or give the barriers different references.
    pub static BARRIER_DEADLOCK = {
        code: "PS202",
        name: "barrier-deadlock",
        severity: Error,
        check: Reader,
    }
}

use crate::span::Span;

/// The barrier `reference` is used in rollback steps (the first at `rollback`) and in normal
/// steps (`normal`: where, and the task waiting there).
pub fn in_rollback(reference: &str, rollback: Span, normal: &[(Span, &str)]) -> Diagnostic {
    let mut d = Diagnostic::new(
        &BARRIER_DEADLOCK,
        rollback,
        format!("the barrier `{reference}` is used both in normal steps and in rollback steps, which run only after a failure: the normal positions wait for it forever"),
    )
    .with_help(format!("give the rollback barrier its own reference, e.g. `{reference}_rollback`"));
    for (span, task) in normal {
        d = d.with_related(*span, format!("`{task}` waits here"));
    }
    d
}

/// The barrier `reference` in the task `later` (at its span) can only be reached after the task
/// `first` has passed it.
pub fn never_meet(reference: &str, first: (Span, &str), later: (Span, &str)) -> Diagnostic {
    let ((first_span, first), (later_span, later)) = (first, later);
    Diagnostic::new(
        &BARRIER_DEADLOCK,
        later_span,
        format!("the barrier `{reference}` in `{later}` can only be reached after `{first}` has passed the same barrier: they never meet, and Harness hangs until the barrier times out"),
    )
    .with_related(first_span, format!("`{first}` reaches `{reference}` first"))
    .with_help("barriers synchronise branches that run in parallel: put the stages or step groups in one `- parallel:` block, or use different barrier references")
}
