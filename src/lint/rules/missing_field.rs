use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a required field that is missing, such as a stage without an `id`, or a file
    /// without `pipeline.stages`.
    ///
    /// ## Why is this bad?
    /// Without an id, nothing can depend on the task and the timeline cannot name it; pipescope
    /// makes one up (`stage-3`) so that the rest still simulates.
    ///
    /// ## Example
    /// ```yaml
    /// - stage:
    ///     duration: 4m    # which stage is this?
    /// ```
    pub static MISSING_FIELD = {
        code: "PS007",
        name: "missing-field",
        severity: Error,
        check: Reader,
    }
}
