use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a required field that is missing, such as a stage without an `id`, or a file
    /// without `pipeline.stages`.
    ///
    /// ## Why is this bad?
    /// Without an id, nothing can depend on the task and the timeline cannot name it; pipescope
    /// makes one up (`stage-3`) so that the rest still simulates.
    ///
    /// ## Example
    /// ```yaml
    /// - stage:
    ///     duration: 4m    # which stage is this?
    /// ```
    pub static MISSING_FIELD = {
        code: "PS007",
        name: "missing-field",
        severity: Error,
        check: Reader,
    }
}

/// The file has nothing in it; `expected` says how a file of its format starts.
pub fn empty_file(expected: &str) -> Diagnostic {
    Diagnostic::new(&MISSING_FIELD, Span::default(), format!("the file is empty; {expected}"))
}

/// `owner` ("the pipeline", "`deployment_process`") has no list of work under `key`.
pub fn nothing_to_run(span: Span, owner: &str, key: &str) -> Diagnostic {
    Diagnostic::new(
        &MISSING_FIELD,
        span,
        format!("{owner} has no `{key}`, so there is nothing to run"),
    )
}

/// This `what` (a stage, a step) has no `key` naming it; it is called `made_up` here.
pub fn no_id(span: Span, what: &str, key: &str, made_up: &str) -> Diagnostic {
    Diagnostic::new(
        &MISSING_FIELD,
        span,
        format!("this {what} has no `{key}`; it is called `{made_up}` here"),
    )
}
