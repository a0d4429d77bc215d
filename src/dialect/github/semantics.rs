//! The settings a job and a step share: `if:` and `continue-on-error` as the model's typed
//! condition, run condition and failure policy, and `timeout-minutes` as a bound of the
//! estimated duration.

use crate::diagnostic::Diagnostic;
use crate::dialect::ci;
use crate::dialect::fields::wrong_type;
use crate::duration::Millis;
use crate::model;
use crate::model::{
    AllowFailure, Condition, ConditionKind, FailurePolicy, Note, RunWhen, Task, github_run_when,
};
use crate::yaml::{Node, ScalarKind};

use super::shared_rules;

/// A job's or a step's `if:` and `continue-on-error`, read once and given to every instance.
#[derive(Debug, Clone, Default)]
pub struct Semantics {
    condition: Option<Condition>,
    /// The run condition, when `if:` calls a status-check function (or is false whatever
    /// happened): `always() && github.event_name == 'push'` runs after a failure too.
    when: Option<RunWhen>,
    failure: FailurePolicy,
}

impl Semantics {
    pub fn read(body: &Node, out: &mut Vec<Diagnostic>) -> Semantics {
        let condition = body.get("if").map(|c| Condition {
            kind: ConditionKind::GithubIf,
            text: ci::flow(c),
            span: c.span,
        });
        let when = condition.as_ref().and_then(|c| github_run_when(&c.text));
        let failure = body
            .get("continue-on-error")
            .and_then(|c| Some((c, allow_failure(c, out)?)))
            .map(|(c, allow)| FailurePolicy {
                allow,
                span: Some(c.span),
                ..FailurePolicy::default()
            })
            .unwrap_or_default();
        Semantics { condition, when, failure }
    }

    /// `continue-on-error` of one matrix instance, when its matrix values decide it: GitHub's
    /// own example, `continue-on-error: ${{ matrix.experimental }}`, lets only the experimental
    /// instances fail. `None` when the setting is not such an expression.
    pub fn allow_for(&self, lookup: &dyn Fn(&str) -> Option<String>) -> Option<AllowFailure> {
        let AllowFailure::Expression(text) = &self.failure.allow else { return None };
        match ci::substitute_expressions(text, lookup) {
            (value, true) if value.trim() == "true" => Some(AllowFailure::Yes),
            (value, true) if value.trim() == "false" => Some(AllowFailure::No),
            _ => None,
        }
    }

    pub fn apply(&self, mut task: Task) -> Task {
        if let Some(condition) = &self.condition {
            if let Some(when) = self.when {
                task.when = when;
                task.when_span = Some(condition.span);
            }
            task.conditions.push(condition.clone());
        }
        task.failure = self.failure.clone();
        task
    }
}

/// `continue-on-error`: a boolean or an expression.
fn allow_failure(node: &Node, out: &mut Vec<Diagnostic>) -> Option<AllowFailure> {
    match (node.as_bool(), node.as_str()) {
        (Some(true), _) => Some(AllowFailure::Yes),
        (Some(false), _) => Some(AllowFailure::No),
        (None, Some(text)) if ci::has_expression(text) => {
            Some(AllowFailure::Expression(text.to_string()))
        }
        _ => {
            out.push(wrong_type(node, "`continue-on-error`", "`true`, `false` or an expression"));
            None
        }
    }
}

/// `timeout-minutes`, as an upper bound of a duration; an expression is kept as a note.
pub fn timeout_minutes(
    node: &Node,
    notes: &mut Vec<Note>,
    out: &mut Vec<Diagnostic>,
) -> Option<Millis> {
    let minutes = match node.scalar_kind() {
        Some(ScalarKind::Int(n)) => n as f64,
        Some(ScalarKind::Float(f)) => f,
        _ if node.as_str().is_some_and(ci::has_expression) => {
            notes.push(ci::note_text(
                "timeout-minutes",
                format!("{}: not evaluated", model::shorten(&ci::flow(node))),
                node.span,
            ));
            return None;
        }
        _ => {
            out.push(wrong_type(node, "`timeout-minutes`", "a number of minutes"));
            return None;
        }
    };
    if !(minutes.is_finite() && minutes > 0.0) {
        out.push(shared_rules::timeout_not_positive(node.span));
        return None;
    }
    notes.push(ci::note_text(
        "timeout-minutes",
        format!("{}: an upper bound of the estimated duration", ci::flow(node)),
        node.span,
    ));
    Some(Millis((minutes.min(1e9) * 60_000.0).round() as u64))
}
