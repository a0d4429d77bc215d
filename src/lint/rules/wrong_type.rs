use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a value of the wrong kind: a list where a mapping belongs, text where a number
    /// belongs.
    ///
    /// ## Why is this bad?
    /// The value cannot be used, so the task falls back to defaults and the timeline is not the
    /// one you wrote.
    ///
    /// ## Example
    /// ```yaml
    /// pipeline:
    ///   stages:
    ///     stage: {id: build}    # `stages` must be a list: `- stage: ...`
    /// ```
    pub static WRONG_TYPE = {
        code: "PS004",
        name: "wrong-type",
        severity: Error,
        check: Reader,
    }
}

/// `what` ("`timeout`") must be `expected` ("a duration"), and is `found` ("a list").
pub fn diagnostic(span: Span, what: &str, expected: &str, found: &str) -> Diagnostic {
    Diagnostic::new(&WRONG_TYPE, span, format!("{what} must be {expected}, not {found}"))
}
