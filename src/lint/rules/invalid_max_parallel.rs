use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::shorten;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a GitHub Actions `strategy.max-parallel` that is not a whole number of at least
    /// 1 (`0`, `-2`, `1.5`, `"two"`). An expression (`${{ ... }}`) is accepted and not
    /// evaluated.
    ///
    /// ## Why is this bad?
    /// GitHub rejects the workflow. pipescope simulates the matrix without a cap, so every
    /// instance may run at once.
    ///
    /// ## Example
    /// ```yaml
    /// test:
    ///   runs-on: ubuntu-latest
    ///   strategy:
    ///     max-parallel: 0        # at least 1
    ///     matrix: {python: ["3.11", "3.12"]}
    ///   steps: [{run: pytest}]
    /// ```
    pub static INVALID_MAX_PARALLEL = {
        code: "PS304",
        name: "invalid-max-parallel",
        severity: Error,
        check: Reader,
    }
}

/// The `max-parallel` of `job` is `value` (as written), which is not a whole number of at
/// least 1.
pub fn diagnostic(span: Span, job: &str, value: &str) -> Diagnostic {
    Diagnostic::new(
        &INVALID_MAX_PARALLEL,
        span,
        format!(
            "`max-parallel` of `{job}` is `{}`; it must be a whole number of at least 1; the \
             instances are not capped",
            shorten(value)
        ),
    )
    .with_help("write how many instances may run at once, e.g. `max-parallel: 2`")
}
