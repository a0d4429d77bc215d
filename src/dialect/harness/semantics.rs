//! A Harness stage's or step's `when` and `failureStrategies`, read into the model's typed
//! fields.
//!
//! - `when: {pipelineStatus | stageStatus: Success | Failure | All, condition: <JEXL>}`: the
//!   status is the run condition, the JEXL `condition` an unevaluated [`Condition`].
//! - `failureStrategies`: a list of `onFailure: {errors, action: {type, spec}}`. The model holds
//!   one policy per task: the strategy for `AllErrors` (else the first) decides the action, and
//!   a `Retry` strategy (that one, else the first) the retries. `Ignore` and `MarkAsSuccess`
//!   allow the failure; `Abort` aborts; `StageRollback`, `StepGroupRollback` and
//!   `PipelineRollback` roll back; `ManualIntervention` waits for a person; `MarkAsFailure`
//!   fails. Strategies the policy cannot hold are kept as a note.

use crate::diagnostic::Diagnostic;
use crate::dialect::fields::check_keys;
use crate::duration::{self, Millis};
use crate::model::{
    AllowFailure, Condition, ConditionKind, FailureAction, FailurePolicy, Note, Retry, RunWhen,
    Task,
};
use crate::span::Span;
use crate::yaml::Node;

use super::entry;
use super::strategy::value_text;

/// `when` and `failureStrategies` of a stage, step group or step, read into the typed
/// settings (which `not-evaluated` reports).
pub fn read(body: &Node, out: &mut Vec<Diagnostic>) -> Settings {
    let mut settings = Settings::default();
    if let Some((k, when_node)) = entry(body, "when") {
        if when_node.as_map().is_some() {
            check_keys(when_node, &["pipelineStatus", "stageStatus", "condition"], "`when`", out);
        }
        let span = k.span.cover(when_node.span);
        let (run_when, condition) = when(when_node, span);
        settings.when = run_when;
        settings.when_span = Some(span);
        settings.conditions.extend(condition);
    }
    if let Some((k, strategies)) = entry(body, "failureStrategies") {
        let written = match strategies.as_seq() {
            Some(list) => !list.is_empty(),
            None => !strategies.is_null(),
        };
        if written {
            let (policy, note) = failure(strategies, k.span.cover(strategies.span));
            settings.failure = policy;
            settings.notes.extend(note);
        }
    }
    settings
}

/// The run condition of `when`, the span of the whole `when`, and its JEXL condition.
pub fn when(node: &Node, span: Span) -> (RunWhen, Option<Condition>) {
    let status = node.get("pipelineStatus").or_else(|| node.get("stageStatus"));
    let when = match status.and_then(Node::as_str) {
        Some("Failure") => RunWhen::OnFailure,
        Some("All") => RunWhen::Always,
        _ => RunWhen::OnSuccess,
    };
    let condition = node.get("condition").map(|c| Condition {
        kind: ConditionKind::HarnessWhen,
        text: value_text(c),
        span,
    });
    (when, condition)
}

/// One `onFailure` entry as written.
struct Strategy {
    errors: Vec<String>,
    action: String,
    spec: Option<Node>,
}

impl Strategy {
    fn read(item: &Node) -> Strategy {
        let on = item.get("onFailure");
        let errors = match on.and_then(|o| o.get("errors")) {
            Some(e) => match e.as_seq() {
                Some(items) => items.iter().map(value_text).collect(),
                None => vec![value_text(e)],
            },
            None => Vec::new(),
        };
        let action = on.and_then(|o| o.get("action"));
        Strategy {
            errors,
            action: action.and_then(|a| a.get("type")).map(value_text).unwrap_or_default(),
            spec: action.and_then(|a| a.get("spec")).cloned(),
        }
    }

    fn all_errors(&self) -> bool {
        self.errors.is_empty() || self.errors.iter().any(|e| e == "AllErrors")
    }

    fn shown(&self) -> String {
        format!("[{}] → {}", self.errors.join(", "), self.action)
    }
}

/// The failure policy `failureStrategies` sets (its span is `span`), and a note for the
/// strategies it cannot hold.
pub fn failure(strategies: &Node, span: Span) -> (FailurePolicy, Option<Note>) {
    let list: Vec<Strategy> =
        strategies.as_seq().unwrap_or(&[]).iter().map(Strategy::read).collect();
    let mut policy = FailurePolicy { span: Some(span), ..FailurePolicy::default() };
    let Some(primary) =
        list.iter().position(Strategy::all_errors).or((!list.is_empty()).then_some(0))
    else {
        return (policy, None);
    };
    let retrying = if list[primary].action == "Retry" {
        Some(primary)
    } else {
        list.iter().position(|s| s.action == "Retry")
    };
    let final_action = match retrying {
        Some(r) if r == primary => list[r]
            .spec
            .as_ref()
            .and_then(|s| s.get("onRetryFailure"))
            .and_then(|o| o.get("action"))
            .and_then(|a| a.get("type"))
            .map(value_text)
            .unwrap_or_else(|| "MarkAsFailure".into()),
        _ => list[primary].action.clone(),
    };
    match final_action.as_str() {
        "Ignore" | "MarkAsSuccess" => policy.allow = AllowFailure::Yes,
        "Abort" => policy.action = FailureAction::Abort,
        "StageRollback" | "StepGroupRollback" | "PipelineRollback" => {
            policy.action = FailureAction::Rollback
        }
        "ManualIntervention" => policy.action = FailureAction::ManualIntervention,
        _ => {}
    }
    if let Some(r) = retrying {
        let strategy = &list[r];
        let spec = strategy.spec.as_ref();
        let max = spec
            .and_then(|s| s.get("retryCount"))
            .and_then(|c| c.as_i64().or_else(|| c.as_str()?.trim().parse().ok()))
            .map_or(1, |n| u32::try_from(n.max(0)).unwrap_or(u32::MAX));
        let interval = spec
            .and_then(|s| s.get("retryIntervals"))
            .and_then(|i| i.as_seq().and_then(|items| items.first()).or(Some(i)))
            .and_then(Node::as_str)
            .and_then(|t| duration::parse(t).ok())
            .unwrap_or(Millis::ZERO);
        let when = if strategy.all_errors() { Vec::new() } else { strategy.errors.clone() };
        policy.retry = Some(Retry { max, when, interval, span });
    }
    let others: Vec<String> = list
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != primary && Some(i) != retrying)
        .map(|(_, s)| s.shown())
        .collect();
    let unknown = !matches!(
        final_action.as_str(),
        "Ignore"
            | "MarkAsSuccess"
            | "Abort"
            | "StageRollback"
            | "StepGroupRollback"
            | "PipelineRollback"
            | "ManualIntervention"
            | "MarkAsFailure"
    );
    let mut kept = others;
    if unknown {
        kept.insert(0, format!("{final_action} (read as a failure)"));
    }
    let note = (!kept.is_empty()).then(|| Note {
        key: "failureStrategies".into(),
        text: format!("also {}", kept.join("; ")),
        span,
    });
    (policy, note)
}

/// What a stage's, step group's or step's `when` and `failureStrategies` set, for each of its
/// instances.
#[derive(Default)]
pub struct Settings {
    pub when: RunWhen,
    pub when_span: Option<Span>,
    pub conditions: Vec<Condition>,
    pub failure: FailurePolicy,
    /// The strategies the typed policy cannot hold.
    pub notes: Vec<Note>,
}

impl Settings {
    pub fn apply(&self, task: Task) -> Task {
        Task {
            when: self.when,
            when_span: self.when_span,
            conditions: self.conditions.clone(),
            failure: self.failure.clone(),
            ..task
        }
    }
}
