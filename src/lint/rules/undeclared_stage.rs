use crate::lint::declare_rule;

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
