use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a setting that is valid but has no effect where it is written, such as a
    /// `duration` on a stage that has steps (the stage lasts as long as its steps).
    ///
    /// ## Why is this bad?
    /// You may expect it to change the timeline, and it will not.
    ///
    /// ## Example
    /// ```yaml
    /// - stage:
    ///     id: verify
    ///     duration: 10m       # ignored: verify lasts until its last step ends
    ///     steps:
    ///       - step: {id: smoke, duration: 45s}
    /// ```
    pub static IGNORED_SETTING = {
        code: "PS008",
        name: "ignored-setting",
        severity: Warning,
        check: Reader,
    }
}
