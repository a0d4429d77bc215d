//! A GitLab job's run and failure settings, read into the model's typed fields: `when`
//! (`on_success`, `on_failure`, `always`, `manual`, `delayed` with `start_in`, `never`),
//! `allow_failure` (a boolean or `exit_codes`), `retry` (a count or `{max, when, exit_codes}`),
//! and the `rules`, `only` and `except` conditions, kept unevaluated.

use crate::diagnostic::Diagnostic;
use crate::dialect::ci;
use crate::dialect::fields::{check_keys, wrong_type};
use crate::model::{
    AllowFailure, Condition, ConditionKind, FailurePolicy, GateKind, ManualGate, Retry, RunWhen,
    Task,
};
use crate::span::Span;
use crate::yaml::Node;

use super::findings;

/// GitLab retries a job at most this many times.
const MAX_RETRY: i64 = 2;

/// What a job's settings say about when it runs and what its failure means.
pub struct Settings {
    pub when: RunWhen,
    pub when_span: Option<Span>,
    pub gate: Option<ManualGate>,
    pub start_delay: Option<crate::duration::Millis>,
    pub failure: FailurePolicy,
    pub conditions: Vec<Condition>,
    /// Whether jobs of later stages wait for it (not a manual job allowed to fail).
    pub blocking: bool,
    /// `when: never`: GitLab never runs it.
    pub never: bool,
}

impl Settings {
    /// Copies the settings onto a task of the job.
    pub fn apply(&self, task: Task) -> Task {
        Task {
            when: self.when,
            when_span: self.when_span,
            gate: self.gate.clone(),
            start_delay: self.start_delay,
            failure: self.failure.clone(),
            conditions: self.conditions.clone(),
            ..task
        }
    }
}

/// Reads the settings of the job `name`; `when` is the job's `when` with `$[[ inputs ]]`
/// already interpolated.
pub fn read(
    job: &Node,
    name: &str,
    when: Option<&str>,
    key: Span,
    out: &mut Vec<Diagnostic>,
) -> Settings {
    let when_span = job.get("when").map_or(key, |w| w.span);
    let mut settings = Settings {
        when: RunWhen::OnSuccess,
        when_span: None,
        gate: None,
        start_delay: None,
        failure: FailurePolicy::default(),
        conditions: Vec::new(),
        blocking: true,
        never: false,
    };
    let written_allow = job.get("allow_failure").and_then(|a| allow_failure(a, out));
    if let Some((allow, span)) = &written_allow {
        settings.failure.allow = allow.clone();
        settings.failure.span = Some(*span);
    }
    settings.failure.retry = job.get("retry").and_then(|r| retry(r, out));
    match when {
        None => {}
        Some("on_success") => settings.when_span = Some(when_span),
        Some("always") => {
            settings.when = RunWhen::Always;
            settings.when_span = Some(when_span);
        }
        // Later stages wait for it as for any job: in a run without failures it is skipped
        // at once, and after a failure a later `always` job starts once it is done.
        Some("on_failure") => {
            settings.when = RunWhen::OnFailure;
            settings.when_span = Some(when_span);
        }
        Some("manual") => {
            // Manual jobs are allowed to fail unless they say otherwise; those do not block.
            settings.blocking =
                written_allow.as_ref().is_some_and(|(a, _)| *a != AllowFailure::Yes);
            if written_allow.is_none() {
                settings.failure.allow = AllowFailure::Yes;
            }
            settings.gate = Some(ManualGate {
                kind: GateKind::ManualJob,
                blocking: settings.blocking,
                conditional: false,
                span: when_span,
            });
        }
        Some("delayed") => {
            settings.when_span = Some(when_span);
            let delay = job.get("start_in").map(ci::flow).unwrap_or_default();
            match job.get("start_in") {
                None => out.push(findings::no_start_in(when_span, name)),
                Some(start_in) => match ci::parse_human_duration(&delay) {
                    Some(ms) => settings.start_delay = Some(ms),
                    None => out.push(findings::unreadable_duration(
                        start_in.span,
                        "start_in",
                        &delay,
                        "`30 minutes` or `1 day`",
                    )),
                },
            }
            out.push(findings::delay_not_simulated(when_span, name, &delay));
        }
        Some("never") => {
            out.push(findings::never_runs(when_span, name));
            settings.never = true;
        }
        Some(other) => out.push(findings::unknown_when(when_span, other)),
    }
    for (key, kind) in [
        ("rules", ConditionKind::GitlabRules),
        ("only", ConditionKind::GitlabOnly),
        ("except", ConditionKind::GitlabExcept),
    ] {
        if let Some(c) = job.get(key).filter(|c| !c.is_null()) {
            settings.conditions.push(Condition { kind, text: ci::flow(c), span: c.span });
        }
    }
    if settings.gate.is_none() {
        settings.gate = job.get("rules").and_then(rules_gate);
    }
    settings
}

/// The conditions of `workflow: rules`: whether the pipeline runs at all.
pub fn workflow_conditions(workflow: &Node) -> Vec<Condition> {
    workflow
        .get("rules")
        .filter(|r| !r.is_null())
        .map(|r| Condition { kind: ConditionKind::GitlabRules, text: ci::flow(r), span: r.span })
        .into_iter()
        .collect()
}

/// The gate of a job that a rule may make manual: blocking unless every such rule allows
/// failure (in `rules`, a manual job does not allow failure unless it says so).
fn rules_gate(rules: &Node) -> Option<ManualGate> {
    let manual: Vec<&Node> = rules
        .as_seq()?
        .iter()
        .filter(|r| r.get("when").and_then(Node::as_str) == Some("manual"))
        .collect();
    if manual.is_empty() {
        return None;
    }
    let blocking =
        manual.iter().any(|r| r.get("allow_failure").and_then(Node::as_bool) != Some(true));
    Some(ManualGate { kind: GateKind::ManualJob, blocking, conditional: true, span: rules.span })
}

/// `allow_failure: true | false` or `allow_failure: {exit_codes: 137 | [137, 255]}`.
fn allow_failure(node: &Node, out: &mut Vec<Diagnostic>) -> Option<(AllowFailure, Span)> {
    if let Some(b) = node.as_bool() {
        return Some((if b { AllowFailure::Yes } else { AllowFailure::No }, node.span));
    }
    if node.as_map().is_some() {
        check_keys(node, &["exit_codes"], "`allow_failure`", out);
        if let Some(codes) = node.get("exit_codes").and_then(|c| exit_codes(c, out)) {
            return Some((AllowFailure::ExitCodes(codes), node.span));
        }
        return None;
    }
    out.push(wrong_type(node, "`allow_failure`", "`true`, `false` or a mapping with `exit_codes`"));
    None
}

/// One exit code or a list of them.
fn exit_codes(node: &Node, out: &mut Vec<Diagnostic>) -> Option<Vec<i64>> {
    let items: &[Node] = node.as_seq().unwrap_or(std::slice::from_ref(node));
    let mut codes = Vec::new();
    for item in items {
        match item.as_i64() {
            Some(code) => codes.push(code),
            None => out.push(wrong_type(item, "an exit code", "a whole number")),
        }
    }
    (!codes.is_empty()).then_some(codes)
}

/// `retry: 2` or `retry: {max: 2, when: [runner_system_failure], exit_codes: [137]}`.
fn retry(node: &Node, out: &mut Vec<Diagnostic>) -> Option<Retry> {
    let (max_node, mut when) = match node.as_map() {
        Some(_) => {
            check_keys(node, &["max", "when", "exit_codes"], "`retry`", out);
            let mut when: Vec<String> = match node.get("when") {
                Some(w) => match w.as_seq() {
                    Some(items) => items.iter().map(ci::flow).collect(),
                    None => vec![ci::flow(w)],
                },
                None => Vec::new(),
            };
            if let Some(codes) = node.get("exit_codes").and_then(|c| exit_codes(c, out)) {
                when.extend(codes.iter().map(|c| format!("exit code {c}")));
            }
            (node.get("max"), when)
        }
        None => (Some(node), Vec::new()),
    };
    // `retry: {when: ...}` without `max` retries nothing: GitLab's `max` defaults to 0
    // (gitlab-org/gitlab#535395).
    let max = match max_node {
        None => 0,
        Some(m) => match m.as_i64() {
            Some(n) if (0..=MAX_RETRY).contains(&n) => n,
            Some(n) => {
                out.push(findings::retry_out_of_range(m.span, n));
                return None;
            }
            None => {
                out.push(wrong_type(m, "`retry`", "0, 1, 2 or a mapping with `max`"));
                return None;
            }
        },
    };
    when.retain(|w| !w.is_empty());
    Some(Retry { max: max as u32, when, interval: crate::duration::Millis::ZERO, span: node.span })
}
