use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

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
    /// - step: {id: smoke, duration: 45 seconds}   # write `45s`
    /// ```
    pub static INVALID_DURATION = {
        code: "PS005",
        name: "invalid-duration",
        severity: Error,
        check: Reader,
    }
}

/// `text` could not be read as a duration, for the reason `error`.
pub fn diagnostic(span: Span, text: &str, error: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::new(&INVALID_DURATION, span, format!("invalid duration `{text}`: {error}"))
        .with_help("write e.g. `45s`, `4m`, `1h30m`, `1.5m` or a number of seconds")
}
