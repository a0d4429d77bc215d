use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a stage, step group or step that comes from a template (`template:` with a
    /// `templateRef`) or runs another pipeline: its content is not in this file, so it is
    /// simulated as one task of the default duration.
    ///
    /// ## Why is this bad?
    /// The template's steps, parallelism and locks are not seen. Paste the template's stage
    /// into the pipeline, or set the task's duration, to get a faithful timeline.
    ///
    /// ## Example
    /// ```yaml
    /// - stage:
    ///     identifier: build
    ///     template:
    ///       templateRef: build_and_push     # defined elsewhere: one task of 1m
    /// ```
    pub static EXTERNAL_TEMPLATE = {
        code: "PS209",
        name: "external-template",
        severity: Info,
        check: Reader,
    }
}
