use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

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

/// The key `name` is written again at `second`, after `first`.
pub fn diagnostic(second: Span, name: &str, first: Span) -> Diagnostic {
    Diagnostic::new(
        &DUPLICATE_KEY,
        second,
        format!("the key `{name}` is written twice in this mapping; the last one wins"),
    )
    .with_related(first, "first written here")
}
