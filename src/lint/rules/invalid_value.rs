use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a value of the right kind that is still not allowed: a capacity of zero, an id
    /// containing `/`, a `start` that is neither `with-previous` nor `after-previous`.
    ///
    /// ## Why is this bad?
    /// pipescope has to guess what you meant, and says which guess it made.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   runners: 0    # a capacity is a whole number of at least 1
    /// ```
    pub static INVALID_VALUE = {
        code: "PS006",
        name: "invalid-value",
        severity: Error,
        check: Reader,
    }
}
