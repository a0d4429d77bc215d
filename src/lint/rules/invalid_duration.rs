use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a duration that cannot be read. Durations are `45s`, `4m`, `1h30m`, `1.5m`,
    /// `250ms`, or a number of seconds.
    ///
    /// ## Why is this bad?
    /// The task falls back to the default duration, so every time after it is wrong.
    ///
    /// ## Example
    /// ```yaml
    /// - step: {id: smoke, duration: 45 secs}   # write `45s`
    /// ```
    pub static INVALID_DURATION = {
        code: "PS005",
        name: "invalid-duration",
        severity: Error,
        check: Reader,
    }
}
