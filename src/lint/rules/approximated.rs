use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Says where a construct is simulated approximately, and how: a Harness Queue step whose
    /// lock outlives the stage it is in, a Background step that keeps running beside the
    /// following steps, a deployment stage with several environments or infrastructures, an
    /// Octopus step with several child actions.
    ///
    /// ## Why is this bad?
    /// It is not: it tells you which parts of the timeline are a model rather than the system's
    /// exact behaviour, so that you can judge them.
    ///
    /// ## Example
    /// ```yaml
    /// - step:
    ///     type: Queue
    ///     spec: {key: prod-db, scope: Pipeline}   # other executions queue; this one does not
    /// ```
    pub static APPROXIMATED = {
        code: "PS210",
        name: "approximated",
        severity: Info,
        check: Reader,
    }
}
