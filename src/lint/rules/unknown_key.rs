use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a key the format does not define, suggesting the closest known key.
    ///
    /// ## Why is this bad?
    /// A misspelt key is ignored, so the setting you meant never applies: a `depend_on` leaves
    /// the step waiting for the previous one instead of its real dependency.
    ///
    /// ## Example
    /// ```yaml
    /// - step:
    ///     id: report
    ///     depend_on: [smoke]   # did you mean `depends_on`?
    /// ```
    pub static UNKNOWN_KEY = {
        code: "PS003",
        name: "unknown-key",
        severity: Warning,
        check: Reader,
    }
}
