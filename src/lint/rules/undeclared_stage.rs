use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;
use crate::text::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Reports a GitLab CI job whose `stage` is not listed in `stages:` (or, without
    /// `stages:`, is not one of the default `build`, `test`, `deploy`, `.pre`, `.post`).
    /// pipescope places such stages after the declared ones, in the order they first appear.
    ///
    /// ## Why is this bad?
    /// GitLab rejects the pipeline (`chosen stage does not exist`) unless an included file
    /// declares the stage, and the stage's place in the order decides what the job waits for.
    ///
    /// ## Example
    /// ```yaml
    /// stages: [build, test]
    /// lint:
    ///   stage: check      # not in `stages:`
    ///   script: make lint
    /// ```
    pub static UNDECLARED_STAGE = {
        code: "PS311",
        name: "undeclared-stage",
        severity: Warning,
        check: Reader,
    }
}

/// A job names the stage `name`, which is not among the `declared` ones, and is placed after
/// the stage `after`; `may_be_included` when an included file may declare it.
pub fn diagnostic(
    span: Span,
    name: &str,
    declared: &[&str],
    after: &str,
    may_be_included: bool,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        &UNDECLARED_STAGE,
        span,
        format!(
            "the stage `{name}` is not in `stages:`{}; it is placed after `{after}`",
            if may_be_included { " (an included file may declare it)" } else { "" },
        ),
    );
    match did_you_mean(name, declared) {
        Some(s) => diagnostic.with_help(format!("did you mean `{s}`?")),
        None => diagnostic.with_help(format!("the stages are: {}", declared.join(", "))),
    }
}
