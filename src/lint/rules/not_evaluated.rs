use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Points at a condition or failure setting that the file carries but the simulation does
    /// not evaluate: Harness `when` and `failureStrategies`, Octopus step `condition`s and the
    /// environments, channels or tenants a step is scoped to, GitHub Actions `if:` on jobs
    /// (and, once per file, on steps), GitLab CI `rules`, `only`, `except` and
    /// `workflow: rules`. The setting is kept on the task as a typed, unevaluated condition or
    /// failure policy (the model's `conditions`, `when` and `failure`), shown beside it in the
    /// timeline, and reported here once.
    ///
    /// ## Why is this bad?
    /// It is not bad in itself: the timeline assumes that every task runs and succeeds. When a
    /// condition would skip a stage, or a failure strategy would retry or roll back, the real
    /// run differs from the one shown. Conditions depend on the event, the branch, changed
    /// files and earlier results, which a file alone does not say.
    ///
    /// ## Example
    /// ```yaml
    /// - stage:
    ///     identifier: deploy_prod
    ///     when:
    ///       pipelineStatus: Success
    ///       condition: <+pipeline.variables.release> == "true"   # not evaluated: assumed true
    /// ```
    pub static NOT_EVALUATED = {
        code: "PS201",
        name: "not-evaluated",
        severity: Info,
        check: None,
    }
}
