use crate::lint::declare_rule;

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
