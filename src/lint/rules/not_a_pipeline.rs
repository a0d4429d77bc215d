use crate::diagnostic::Diagnostic;
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

use crate::span::Span;

/// The file is `what` ("an infrastructure definition"), with its `identifier`; for an
/// infrastructure definition, whether it allows simultaneous deployments.
pub fn entity(
    span: Span,
    what: &str,
    identifier: Option<&str>,
    simultaneous: Option<bool>,
) -> Diagnostic {
    let mut message = format!(
        "this is {what}{}, not a pipeline: there is nothing to run",
        identifier.map(|i| format!(" (`{i}`)")).unwrap_or_default()
    );
    match simultaneous {
        Some(true) => message.push_str(
            ". It allows simultaneous deployments: stages deploying a service to it do not queue",
        ),
        Some(false) => message.push_str(". It does not allow simultaneous deployments: stages deploying the same service to it run one at a time"),
        None => {}
    }
    Diagnostic::new(&NOT_A_PIPELINE, span, message)
}

/// The file is a Harness template of a type that runs nothing by itself.
pub fn template(span: Span, kind: &str) -> Diagnostic {
    Diagnostic::new(
        &NOT_A_PIPELINE,
        span,
        format!(
            "this is a Harness template of type `{kind}`, not a pipeline, stage or step group: there is nothing to run"
        ),
    )
}
