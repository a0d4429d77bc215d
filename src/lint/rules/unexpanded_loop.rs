use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a looping strategy (Harness `matrix`, `repeat` or `parallelism`) whose instances
    /// cannot be known from the file: its list or count is an expression such as
    /// `<+stage.output.hosts>` or a runtime input `<+input>`. The stage or step is simulated
    /// once.
    ///
    /// ## Why is this bad?
    /// The real run has as many instances as the expression gives, each taking its own time
    /// (one after another when `maxConcurrency` is 1), so it takes longer than the timeline.
    ///
    /// ## Example
    /// ```yaml
    /// strategy:
    ///   repeat:
    ///     items: <+stage.output.hosts>   # how many hosts? simulated as one
    ///     maxConcurrency: 1
    /// ```
    pub static UNEXPANDED_LOOP = {
        code: "PS207",
        name: "unexpanded-loop",
        severity: Info,
        check: Reader,
    }
}

use crate::span::Span;

/// The whole `strategy` is a runtime input.
pub fn runtime_strategy(span: Span) -> Diagnostic {
    Diagnostic::new(
        &UNEXPANDED_LOOP,
        span,
        "the looping strategy is a runtime input: it is simulated as one run",
    )
}

/// `what` (`` `repeat.items` ``, "the matrix") is the expression `value`.
pub fn runtime(span: Span, what: &str, value: &str) -> Diagnostic {
    Diagnostic::new(
        &UNEXPANDED_LOOP,
        span,
        format!("{what} is `{value}`, known only when the pipeline runs: simulated as one run"),
    )
}

/// A matrix axis is `value`, not a list.
pub fn axis(span: Span, name: &str, value: &str) -> Diagnostic {
    Diagnostic::new(
        &UNEXPANDED_LOOP,
        span,
        format!(
            "the matrix axis `{name}` is `{value}`, not a list known from the file: simulated as one run"
        ),
    )
}

/// `repeat` is not a mapping.
pub fn repeat_shape(span: Span) -> Diagnostic {
    Diagnostic::new(
        &UNEXPANDED_LOOP,
        span,
        "`repeat` is not a mapping with `times` or `items`: simulated as one run",
    )
}

/// `what` (`` `parallelism` ``, `` `repeat.times` ``) gives `n` runs, more than `max`.
pub fn too_many_runs(span: Span, what: &str, n: u64, max: usize) -> Diagnostic {
    warning(
        span,
        format!(
            "{what} gives {n} runs, more than the {max} pipescope simulates one by one; simulated as one"
        ),
    )
}

/// `repeat.items` lists `n` items, more than `max`.
pub fn too_many_items(span: Span, n: usize, max: usize) -> Diagnostic {
    warning(
        span,
        format!(
            "{n} items are more than the {max} pipescope simulates one by one; simulated as one"
        ),
    )
}

/// The matrix has more than `max` combinations.
pub fn too_many_combinations(span: Span, max: usize) -> Diagnostic {
    warning(
        span,
        format!(
            "the matrix has more than {max} combinations, more than pipescope simulates one by one; simulated as one run"
        ),
    )
}

/// All the strategies of the file together expand to more than `max` tasks.
pub fn too_many_tasks(span: Span, max: usize) -> Diagnostic {
    warning(
        span,
        format!(
            "the looping strategies expand to more than {max} tasks: the remaining instances are left out"
        ),
    )
}

/// Too many instances is a warning: the timeline leaves real work out.
fn warning(span: Span, message: String) -> Diagnostic {
    Diagnostic::new(&UNEXPANDED_LOOP, span, message).with_severity(Severity::Warning)
}
