use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;
use crate::text::did_you_mean;

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

/// `name`, a key of `context` ("a stage"), is not one of `known`: the help suggests the
/// closest known key, or lists them.
pub fn diagnostic(span: Span, name: &str, context: &str, known: &[&str]) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        &UNKNOWN_KEY,
        span,
        format!("unknown key `{name}` in {context}; it is ignored"),
    );
    match did_you_mean(name, known) {
        Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
        None => diagnostic.with_help(format!("known keys: {}", known.join(", "))),
    }
}
