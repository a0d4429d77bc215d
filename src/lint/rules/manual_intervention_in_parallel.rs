use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an Octopus manual intervention (`Octopus.Manual`) that runs in parallel with other
    /// steps: it starts with the previous step, or the next step starts with it.
    ///
    /// ## Why is this bad?
    /// A manual intervention is meant to stop the deployment until a person approves it. In a
    /// parallel block the other steps run while the approval is pending, so the person approves
    /// (or rejects) something that is already under way.
    ///
    /// ## Example
    /// ```hcl
    /// step "deploy-database" { ... }
    /// step "dba-review" {
    ///     start_trigger = "StartWithPrevious"   # the database deploys while the DBA reviews
    ///     action {
    ///         action_type = "Octopus.Manual"
    ///     }
    /// }
    /// ```
    pub static MANUAL_INTERVENTION_IN_PARALLEL = {
        code: "PS204",
        name: "manual-intervention-in-parallel",
        severity: Warning,
        check: Reader,
    }
}
