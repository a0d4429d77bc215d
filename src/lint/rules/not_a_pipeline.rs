use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file of a known system that is not a pipeline or deployment process: a
    /// Harness infrastructure definition, service, environment, connector or input set.
    ///
    /// ## Why is this bad?
    /// There is nothing to run, so there is no timeline. Such files still matter to a
    /// pipeline (an infrastructure definition's `allowSimultaneousDeployments` decides whether
    /// stages deploying to it queue), which the message says when it applies.
    ///
    /// ## Example
    /// ```yaml
    /// infrastructureDefinition:      # not a pipeline: nothing to simulate
    ///   identifier: k8s_prod
    ///   allowSimultaneousDeployments: false
    /// ```
    pub static NOT_A_PIPELINE = {
        code: "PS206",
        name: "not-a-pipeline",
        severity: Warning,
        check: Reader,
    }
}
