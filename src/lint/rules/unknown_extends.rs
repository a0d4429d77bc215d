use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::declare_rule;
use crate::span::Span;
use crate::text::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Reports a GitLab CI `extends` entry that names no job or template of the file,
    /// suggesting the closest name. When the file has an `include:`, the template may come
    /// from an included file that pipescope cannot fetch, and the finding is a warning.
    ///
    /// ## Why is this bad?
    /// GitLab rejects the pipeline (`unknown key in extends`). pipescope reads the job
    /// without what it meant to inherit: its `stage`, `needs`, `tags` or `resource_group`
    /// may then differ from the real ones.
    ///
    /// ## Example
    /// ```yaml
    /// .test-template:
    ///   stage: test
    /// unit:
    ///   extends: .tests-template    # did you mean `.test-template`?
    ///   script: make test
    /// ```
    pub static UNKNOWN_EXTENDS = {
        code: "PS307",
        name: "unknown-extends",
        severity: Error,
        check: Reader,
    }
}

/// `extends: name` names none of the `known` jobs and templates; it may come from
/// `elsewhere` (an included file), and is then a warning.
pub fn diagnostic(span: Span, name: &str, elsewhere: Option<&str>, known: &[&str]) -> Diagnostic {
    let diagnostic = match elsewhere {
        Some(place) => Diagnostic::new(
            &UNKNOWN_EXTENDS,
            span,
            format!(
                "`extends: {name}` names no job or template of this file; it may come from {place}"
            ),
        )
        .with_severity(Severity::Warning),
        None => Diagnostic::new(
            &UNKNOWN_EXTENDS,
            span,
            format!("`extends: {name}` names no job or template of this file"),
        ),
    };
    match did_you_mean(name, known) {
        Some(s) => diagnostic.with_help(format!("did you mean `{s}`?")),
        None => diagnostic,
    }
}
