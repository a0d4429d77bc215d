use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::declare_rule;
use crate::span::Span;
use crate::text::did_you_mean;

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

// Only the reader knows every role the user gave (`Inputs::targets`, used in the file or not),
// which the message lists; the model keeps the roles the file uses (`Pipeline::sizes`).

/// The user gave 0 targets for `role`.
pub fn no_targets(span: Span, role: &str) -> Diagnostic {
    Diagnostic::new(
        &UNKNOWN_ROLE,
        span,
        format!(
            "no target has the role `{role}` (0 given): Octopus fails the deployment at its steps, which are simulated as taking no time"
        ),
    )
}

/// No number of targets was given for `role`, so `assumed` are: a warning naming the roles
/// that were `given` (a typo is likely), information when none was.
pub fn not_given(span: Span, role: &str, given: &[&str], assumed: u32) -> Diagnostic {
    if given.is_empty() {
        return Diagnostic::new(
            &UNKNOWN_ROLE,
            span,
            format!("how many targets have the role `{role}` is not in the process; {assumed} are assumed"),
        )
        .with_severity(Severity::Info)
        .with_help(format!("give the number of targets per role, e.g. `--targets {role}=4`"));
    }
    let diagnostic = Diagnostic::new(
        &UNKNOWN_ROLE,
        span,
        format!(
            "no number of targets was given for the role `{role}` (given: {}); {assumed} are assumed",
            given.join(", ")
        ),
    );
    match did_you_mean(role, given) {
        Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
        None => diagnostic,
    }
}
