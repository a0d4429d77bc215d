use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a duration that cannot be read, or a distribution that is not one. Durations
    /// are `45s`, `4m`, `1h30m`, `1.5m`, `250ms`, or a number of seconds; a duration may also
    /// be a range `3m..5m`, two quantiles `{p50: 4m, p90: 9m}`, or past runs
    /// `{samples: [6m, 7m]}`. A range must not end before it starts, p90 must be at least p50
    /// (and p50 more than zero), and samples must not be empty.
    ///
    /// ## Why is this bad?
    /// The task falls back to the default duration, so every time after it is wrong, and a
    /// forecast draws from the wrong distribution.
    ///
    /// ## Example
    /// ```yaml
    /// - step: {id: smoke, duration: 45 seconds}   # write `45s`
    /// - step: {id: e2e, duration: 9m..4m}         # write `4m..9m`
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
