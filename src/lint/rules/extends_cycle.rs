use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports GitLab CI jobs or templates that extend each other in a circle, naming the
    /// circle, and `extends` chains deeper than the 11 levels GitLab allows.
    ///
    /// ## Why is this bad?
    /// GitLab rejects the pipeline (`circular dependency detected in extends`). pipescope
    /// stops following the chain where it closes, so the job lacks what it meant to inherit.
    ///
    /// ## Example
    /// ```yaml
    /// .base:
    ///   extends: .defaults
    /// .defaults:
    ///   extends: .base          # .base → .defaults → .base
    /// test:
    ///   extends: .base
    ///   script: make test
    /// ```
    pub static EXTENDS_CYCLE = {
        code: "PS306",
        name: "extends-cycle",
        severity: Error,
        check: Reader,
    }
}

/// Jobs or templates that extend each other in a circle, `names` from the first back to it.
pub fn cycle(span: Span, names: &[&str]) -> Diagnostic {
    Diagnostic::new(&EXTENDS_CYCLE, span, format!("`extends` cycle: {}", names.join(" → ")))
        .with_help("each extends the next, so GitLab rejects the pipeline; remove one link")
}

/// An `extends` chain deeper than the `max` levels GitLab follows, which does not apply
/// `name`.
pub fn too_deep(span: Span, name: &str, max: usize) -> Diagnostic {
    Diagnostic::new(
        &EXTENDS_CYCLE,
        span,
        format!(
            "`extends` goes deeper than the {max} levels GitLab allows here; `{name}` is not applied"
        ),
    )
}
