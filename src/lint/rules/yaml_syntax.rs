use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports text that is not valid YAML: a bad indent, an unclosed bracket or quote, a tab
    /// used for indentation, an alias to an anchor that was never defined.
    ///
    /// ## Why is this bad?
    /// Nothing after the error can be read, so the timeline would silently miss part of the
    /// pipeline. pipescope keeps what it read before the error and shows it dimmed.
    ///
    /// ## Example
    /// ```yaml
    /// pipeline:
    ///   stages: [
    ///     - stage: {id: build}
    /// ```
    /// The `[` is never closed.
    pub static YAML_SYNTAX = {
        code: "PS001",
        name: "yaml-syntax",
        severity: Error,
        check: Reader,
    }
}

/// The parser stopped at `span` because of `problem`.
pub fn diagnostic(span: Span, problem: &str) -> Diagnostic {
    Diagnostic::new(&YAML_SYNTAX, span, format!("YAML syntax error: {problem}"))
}

/// Aliases at `span` would expand past the limit that keeps an alias bomb bounded.
pub fn alias_bomb(span: Span) -> Diagnostic {
    Diagnostic::new(
        &YAML_SYNTAX,
        span,
        "aliases expand to more than a million values; reading stopped here",
    )
}
