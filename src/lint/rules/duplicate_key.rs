use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a key written twice in the same mapping.
    ///
    /// ## Why is this bad?
    /// YAML requires keys to be unique. Most tools silently keep the last value, so the first
    /// one, which you may be looking at, has no effect.
    ///
    /// ## Example
    /// ```yaml
    /// - stage:
    ///     id: build
    ///     duration: 4m
    ///     duration: 2m    # this one wins
    /// ```
    pub static DUPLICATE_KEY = {
        code: "PS002",
        name: "duplicate-key",
        severity: Warning,
        check: Reader,
    }
}
