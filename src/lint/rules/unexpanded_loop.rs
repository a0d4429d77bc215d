use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a looping strategy (Harness `matrix`, `repeat` or `parallelism`) whose instances
    /// cannot be known from the file: its list or count is an expression such as
    /// `<+stage.output.hosts>` or a runtime input `<+input>`. The stage or step is simulated
    /// once.
    ///
    /// ## Why is this bad?
    /// The real run has as many instances as the expression gives, each taking its own time
    /// (one after another when `maxConcurrency` is 1), so it takes longer than the timeline.
    ///
    /// ## Example
    /// ```yaml
    /// strategy:
    ///   repeat:
    ///     items: <+stage.output.hosts>   # how many hosts? simulated as one
    ///     maxConcurrency: 1
    /// ```
    pub static UNEXPANDED_LOOP = {
        code: "PS207",
        name: "unexpanded-loop",
        severity: Info,
        check: Reader,
    }
}
