use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a stage, step group or step that comes from a template (`template:` with a
    /// `templateRef`) or runs another pipeline: its content is not in this file, so it is
    /// simulated as one task of the default duration.
    ///
    /// ## Why is this bad?
    /// The template's steps, parallelism and locks are not seen. Paste the template's stage
    /// into the pipeline, or set the task's duration, to get a faithful timeline.
    ///
    /// ## Example
    /// ```yaml
    /// - stage:
    ///     identifier: build
    ///     template:
    ///       templateRef: build_and_push     # defined elsewhere: one task of 1m
    /// ```
    pub static EXTERNAL_TEMPLATE = {
        code: "PS209",
        name: "external-template",
        severity: Info,
        check: Reader,
    }
}

use crate::model::DEFAULT_DURATION;
use crate::span::Span;

/// The whole pipeline comes from the template `reference`.
pub fn pipeline(span: Span, reference: &str) -> Diagnostic {
    Diagnostic::new(
        &EXTERNAL_TEMPLATE,
        span,
        format!(
            "the pipeline comes from the template `{reference}`, which is not in this file: there is nothing to run"
        ),
    )
}

/// The stage, step group or step `id` comes from the template `reference`.
pub fn item(span: Span, id: &str, reference: &str) -> Diagnostic {
    Diagnostic::new(
        &EXTERNAL_TEMPLATE,
        span,
        format!(
            "`{id}` comes from the template `{reference}`, which is not in this file: it is simulated as one task of {DEFAULT_DURATION}"
        ),
    )
}

/// The stage `id` runs the pipeline `pipeline`.
pub fn pipeline_stage(span: Span, id: &str, pipeline: &str) -> Diagnostic {
    Diagnostic::new(
        &EXTERNAL_TEMPLATE,
        span,
        format!(
            "`{id}` runs the pipeline `{pipeline}`, which is not in this file: it is simulated as one task of {DEFAULT_DURATION}"
        ),
    )
}
