use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a GitLab CI job whose `needs` names a job of a later stage. `needs` may name
    /// jobs of earlier stages and, since GitLab 14.2, of the same stage, never of a later one.
    ///
    /// ## Why is this bad?
    /// GitLab rejects the pipeline. pipescope still simulates the dependency as written, so
    /// the job runs after a job that the stage order puts after it.
    ///
    /// ## Example
    /// ```yaml
    /// stages: [build, deploy]
    /// build:
    ///   stage: build
    ///   needs: [publish]     # `publish` is in the later stage `deploy`
    ///   script: make
    /// publish:
    ///   stage: deploy
    ///   script: make publish
    /// ```
    pub static NEEDS_LATER_STAGE = {
        code: "PS303",
        name: "needs-later-stage",
        severity: Error,
        check: Reader,
    }
}

/// A job needs `target`, a job of a later stage than its own; both are (name, stage).
/// `defined` is where the target is defined.
pub fn diagnostic(
    span: Span,
    (job, stage): (&str, &str),
    (target, target_stage): (&str, &str),
    defined: Span,
) -> Diagnostic {
    Diagnostic::new(
        &NEEDS_LATER_STAGE,
        span,
        format!(
            "`{job}` (stage `{stage}`) needs `{target}`, which is in the later stage \
             `{target_stage}`; GitLab rejects the pipeline"
        ),
    )
    .with_related(defined, format!("`{target}` is defined here"))
    .with_help("move one of the two jobs to another stage, or remove this `needs` entry")
}
