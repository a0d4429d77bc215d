use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a value that decides the timeline but is only known when the pipeline runs: a
    /// runtime input `<+input>` (or an expression) in the service, environment or
    /// infrastructure of a Harness deployment stage (the key of its automatic lock), in a
    /// `maxConcurrency`, or in a Queue step's key; GitLab runner `tags` that hold a variable
    /// the running pipeline sets (`$RUNNER_TAG`), said once for the file (those jobs are taken
    /// to get a runner at once, not to share a pool of one). The message says what pipescope
    /// assumes.
    ///
    /// ## Why is this bad?
    /// Two stages whose lock keys come out equal at run time never overlap; pipescope cannot
    /// know that and assumes they do not share the lock, so the real run may be slower.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   environment:
    ///     environmentRef: <+input>     # the lock of this stage is unknown until run time
    /// ```
    pub static RUNTIME_VALUE = {
        code: "PS208",
        name: "runtime-value",
        severity: Info,
        check: Reader,
    }
}
