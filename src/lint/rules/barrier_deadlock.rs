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
