//! An Octopus step's run condition, an action's environment, channel and tenant scopes, its
//! automatic retries and manual interventions, read into the model's typed fields.
//!
//! From Octopus's documentation ("Conditions"): a step runs only if the previous steps
//! succeeded (`Success`, the default), only if one failed (`Failure`), always (`Always`), or when
//! a variable expression is true (`Variable`), which Octopus evaluates whatever happened before.
//! The expression's value is unknown here: the step is assumed to run when the steps before it
//! succeeded, unless the expression is wrapped as the documentation shows,
//! `#{if Octopus.Deployment.Error}...#{/if}` (then only after a failure; `#{unless ...}` is the
//! success case). "Retry a step upon failure" is the
//! action properties `Octopus.Action.AutoRetry.MaximumCount` and `...MinimumBackoff` (seconds).

use crate::diagnostic::Diagnostic;
use crate::duration::Millis;
use crate::lint::rules::invalid_value::INVALID_VALUE;
use crate::model::{Condition, ConditionKind, GateKind, ManualGate, Retry, RunWhen};
use crate::span::Span;

/// A step's run condition: which outcomes let it run, where it is written, and the variable
/// expression of a `Variable` condition.
#[derive(Default)]
pub struct Run {
    pub when: RunWhen,
    pub span: Option<Span>,
    pub variable: Option<Condition>,
}

impl Run {
    /// Reads `condition` (`Success`, `Failure`, `Always`, `Variable`; any case) and the
    /// variable expression that goes with `Variable`.
    pub fn read(condition: &str, expression: Option<&str>, span: Span) -> Run {
        let (when, variable) = match condition.to_ascii_lowercase().as_str() {
            "success" => return Run::default(),
            "failure" => (RunWhen::OnFailure, None),
            "always" => (RunWhen::Always, None),
            _ => {
                let text = expression.unwrap_or(condition);
                let variable =
                    Condition { kind: ConditionKind::OctopusVariable, text: text.into(), span };
                (variable_when(text), Some(variable))
            }
        };
        Run { when, span: Some(span), variable }
    }
}

/// What a variable run condition says about what happened before: the documented wrapper
/// `#{if Octopus.Deployment.Error}` runs only after a failure; anything else is assumed to run
/// after success, the default.
fn variable_when(expression: &str) -> RunWhen {
    let compact: String =
        expression.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    if compact.starts_with("#{ifoctopus.deployment.error}") {
        RunWhen::OnFailure
    } else {
        RunWhen::OnSuccess
    }
}

/// An `environments`, `excluded_environments`, `channels` or `tenant_tags` scope.
pub fn scope(key: &str, values: &[&str], span: Span) -> Condition {
    Condition {
        kind: ConditionKind::OctopusScope,
        text: format!("{key}: {}", values.join(", ")),
        span,
    }
}

/// `Octopus.Action.AutoRetry.MaximumCount` (and the `MinimumBackoff` in seconds, when given):
/// `None` when the count is 0 or cannot be read (reported).
pub fn auto_retry(
    count: (&str, Span),
    backoff: Option<(&str, Span)>,
    out: &mut Vec<Diagnostic>,
) -> Option<Retry> {
    let (text, span) = count;
    let Ok(max) = text.trim().parse::<u32>() else {
        out.push(Diagnostic::new(
            &INVALID_VALUE,
            span,
            format!("`Octopus.Action.AutoRetry.MaximumCount` must be a whole number, not `{text}`; the action is not retried"),
        ));
        return None;
    };
    let interval = match backoff {
        None => Millis::ZERO,
        Some((text, span)) => match text.trim().parse::<u64>() {
            Ok(seconds) => Millis::from_secs(seconds),
            Err(_) => {
                out.push(Diagnostic::new(
                    &INVALID_VALUE,
                    span,
                    format!("`Octopus.Action.AutoRetry.MinimumBackoff` must be a whole number of seconds, not `{text}`; no pause is assumed"),
                ));
                Millis::ZERO
            }
        },
    };
    (max > 0).then_some(Retry { max, when: Vec::new(), interval, span })
}

/// A manual intervention: the deployment waits for a person.
pub fn manual_gate(span: Span) -> ManualGate {
    ManualGate { kind: GateKind::ManualIntervention, blocking: true, conditional: false, span }
}
