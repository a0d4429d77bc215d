use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::declare_rule;
use crate::span::Span;
use crate::text::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Reports a GitLab CI `!reference [name, key, ...]` tag that names no top-level key of
    /// the file, or a key path that does not exist in it, or references that refer to each
    /// other in a circle or nest deeper than the 10 levels GitLab allows. When the file has
    /// an `include:`, the name may come from an included file, and the finding is a warning.
    ///
    /// ## Why is this bad?
    /// GitLab rejects the pipeline. pipescope reads the tag as an empty value, so the job
    /// lacks what the reference would have put there (its `rules`, `tags` or `needs`).
    ///
    /// ## Example
    /// ```yaml
    /// .setup:
    ///   script: [make deps]
    /// test:
    ///   script:
    ///     - !reference [.setup, scripts]   # `.setup` has no `scripts`
    ///     - make test
    /// ```
    pub static UNKNOWN_REFERENCE = {
        code: "PS313",
        name: "unknown-reference",
        severity: Error,
        check: Reader,
    }
}

/// A `!reference` that is not a list of names.
pub fn not_a_list(span: Span) -> Diagnostic {
    Diagnostic::new(
        &UNKNOWN_REFERENCE,
        span,
        "a `!reference` is a list: the name of a top-level key, then keys inside it",
    )
}

/// The reference `shown` nests deeper than the `max` levels GitLab follows.
pub fn too_deep(span: Span, shown: &str, max: usize) -> Diagnostic {
    Diagnostic::new(
        &UNKNOWN_REFERENCE,
        span,
        format!(
            "`{shown}` nests references deeper than the {max} levels GitLab allows, or \
             references refer to each other in a circle"
        ),
    )
}

/// The reference `shown` names `name`, none of the `known` top-level keys; it may come from
/// `elsewhere` (an included file), and is then a warning.
pub fn unknown_name(
    span: Span,
    shown: &str,
    name: &str,
    elsewhere: Option<&str>,
    known: &[&str],
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        &UNKNOWN_REFERENCE,
        span,
        format!("`{shown}` names `{name}`, which is not a top-level key of this file"),
    );
    if let Some(place) = elsewhere {
        return diagnostic
            .with_severity(Severity::Warning)
            .with_help(format!("it may come from {place}; the value is left empty"));
    }
    match did_you_mean(name, known) {
        Some(s) => diagnostic.with_help(format!("did you mean `{s}`?")),
        None => diagnostic,
    }
}

/// The reference `shown` goes through `path` (`a.b`), which has no `key`.
pub fn missing_key(span: Span, shown: &str, path: &str, key: &str) -> Diagnostic {
    Diagnostic::new(&UNKNOWN_REFERENCE, span, format!("`{shown}`: `{path}` has no key `{key}`"))
}
