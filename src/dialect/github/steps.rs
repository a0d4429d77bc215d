//! A job's `steps`, read once for all its instances.

use crate::diagnostic::Diagnostic;
use crate::dialect::ci;
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::model;
use crate::yaml::Node;

use super::form::Step;
use super::semantics::{Semantics, timeout_minutes};
use super::shared_rules;

const STEP_KEYS: &[&str] = &[
    "id",
    "if",
    "name",
    "uses",
    "run",
    "working-directory",
    "shell",
    "with",
    "env",
    "continue-on-error",
    "timeout-minutes",
];

/// The readable steps of `steps`, in order; what cannot be read is reported and left out.
pub fn read(steps: &Node, out: &mut Vec<Diagnostic>) -> Vec<Step> {
    let items = fields::list(steps, "`steps`", out);
    items
        .iter()
        .enumerate()
        .filter_map(|(position, step)| self::step(step, position, out))
        .collect()
}

fn step(step: &Node, position: usize, out: &mut Vec<Diagnostic>) -> Option<Step> {
    if step.as_map().is_none() {
        out.push(wrong_type(step, "a step", "a mapping with `run` or `uses`"));
        return None;
    }
    check_keys(step, STEP_KEYS, "a step", out);
    let header = header(step);
    if step.get("run").is_none() && step.get("uses").is_none() {
        out.push(shared_rules::step_without_work(header));
    }
    let local_id = match step.get("id").and_then(Node::as_str) {
        Some(id) => ci::safe_id(id),
        None => (position + 1).to_string(),
    };
    let name = step
        .get("name")
        .and_then(Node::as_str)
        .map(model::shorten)
        .or_else(|| step.get("uses").and_then(Node::as_str).map(model::shorten))
        .or_else(|| step.get("run").and_then(Node::as_str).map(ci::first_line));
    let semantics = Semantics::read(step, out);
    let mut notes = Vec::new();
    let mut duration = ci::DEFAULT_DURATION;
    if let Some(bound) =
        step.get("timeout-minutes").and_then(|t| timeout_minutes(t, &mut notes, out))
    {
        duration = duration.min(bound);
    }
    Some(Step {
        local_id,
        id_span: step.get("id").map_or(header, |i| i.span),
        name,
        span: step.span,
        header,
        semantics,
        duration,
        notes,
    })
}

/// The first line of a step, where its `-` is.
fn header(step: &Node) -> crate::span::Span {
    match step.as_map().and_then(|e| e.first()) {
        Some((k, _)) => k.span,
        None => step.span,
    }
}
