use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an Octopus target role for which no number of deployment targets was given.
    /// Targets live on the Octopus server, not in the process, so pipescope asks how many
    /// targets carry each role (`--targets web=4,db=1`, or the app's targets field) and assumes
    /// 2 for a role it was not told about. It is a warning when other roles were given (a typo
    /// is likely) and information when none were.
    ///
    /// ## Why is this bad?
    /// A step deploys to every target with its role, one target at a time per step window: the
    /// number of targets decides how long the step takes. A role with no targets at all makes
    /// Octopus fail the deployment (or skip the step).
    ///
    /// ## Example
    /// ```hcl
    /// step "deploy-web" {
    ///     properties = {
    ///         Octopus.Action.TargetRoles = "web-server"   # given: --targets web=4
    ///     }
    /// }
    /// ```
    pub static UNKNOWN_ROLE = {
        code: "PS205",
        name: "unknown-role",
        severity: Warning,
        check: Reader,
    }
}
