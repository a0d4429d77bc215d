//! Stages, step groups and steps → the intermediate form: what each one has, its duration,
//! the template it may come from, and the Barrier, Queue and rollback parts read here.

use crate::diagnostic::Diagnostic;
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::duration::{self, Millis};
use crate::lint::rules::{
    external_template, invalid_duration,
    invalid_value::INVALID_VALUE,
    missing_field::{self, MISSING_FIELD},
};
use crate::model;
use crate::model::{DurationSource, Note};
use crate::span::Span;
use crate::yaml::Node;

use super::ir::{Identity, Item, Queue, QueueScope, Rollback, Stage, Step, StepGroup};
use super::keys::{EXECUTION_KEYS, STAGE_KEYS, STAGE_SPEC_KEYS, STEP_GROUP_KEYS, STEP_KEYS};
use super::parse::{List, Parser};
use super::{DEFAULT_STEP_DURATION, MAX_DEPTH, deploy, ids, key_span, semantics, strategy};

impl Parser<'_> {
    /// What every stage, step group and step has; `kind` is `stage`, `step group` or `step`.
    fn item(&mut self, key: Span, body: &Node, identity: Option<Identity>, kind: &str) -> Item {
        let identity = match identity {
            Some(i) => i,
            None => self.identity(key, body, kind),
        };
        let stage_type =
            if kind == "stage" { body.get("type").and_then(Node::as_str) } else { None };
        let external = self.external(body, stage_type.unwrap_or(""), &identity);
        let settings = semantics::read(body, self.out);
        let strategy = body.get("strategy");
        Item {
            key,
            span: Span::new(key.start as usize, body.span.end as usize),
            identity,
            settings,
            external,
            expansion: strategy::expand(strategy, self.out),
            strategy: strategy.map(|s| s.span),
        }
    }

    pub(super) fn stage(
        &mut self,
        key: Span,
        body: &Node,
        identity: Option<Identity>,
    ) -> Option<Stage> {
        if body.as_map().is_none() {
            self.report(wrong_type(body, "a `stage`", "a mapping with an `identifier`"));
            return None;
        }
        check_keys(body, STAGE_KEYS, "a stage", self.out);
        let kind = body.get("type").and_then(Node::as_str).unwrap_or("").to_string();
        let spec = body.get("spec");
        let typed_spec = spec.filter(|_| {
            matches!(kind.as_str(), "Deployment" | "CI" | "Custom" | "Approval" | "Pipeline")
        });
        if let Some(spec) = typed_spec {
            check_keys(spec, STAGE_SPEC_KEYS, &format!("the spec of a {kind} stage"), self.out);
            if let Some(execution) = spec.get("execution") {
                check_keys(execution, EXECUTION_KEYS, "`execution`", self.out);
            }
        }
        let item = self.item(key, body, identity, "stage");
        let depends_on = body.get("dependsOn").map(|d| {
            fields::list(d, "`dependsOn`", self.out)
                .iter()
                .filter_map(|n| n.as_str().map(|s| (s.to_string(), n.span)))
                .collect::<Vec<_>>()
        });
        let execution = spec.and_then(|s| s.get("execution"));
        let steps = execution.and_then(|e| e.get("steps")).map(|steps| {
            let items = fields::list(steps, "`steps`", self.out);
            self.steps(items, 0, List::Sequence)
        });
        if item.external.is_none() && steps.is_none() && kind != "Pipeline" {
            let span = key_span(body, "spec").unwrap_or(item.identity.span);
            self.report(Diagnostic::new(
                &MISSING_FIELD,
                span,
                format!("the stage `{}` has no `spec.execution.steps`: it is simulated as one task of {}", item.identity.id, DEFAULT_STEP_DURATION),
            ));
        }
        Some(Stage {
            deployment: spec.filter(|_| kind == "Deployment").map(deploy::parse),
            rollback: execution.and_then(|e| e.get("rollbackSteps")).map(rollback),
            approval: (kind == "Approval").then(|| type_span(body)),
            item,
            depends_on,
            steps,
        })
    }

    pub(super) fn step_group(
        &mut self,
        key: Span,
        body: &Node,
        identity: Option<Identity>,
        depth: u32,
    ) -> Option<StepGroup> {
        if body.as_map().is_none() {
            self.report(wrong_type(
                body,
                "a `stepGroup`",
                "a mapping with an `identifier` and `steps`",
            ));
            return None;
        }
        if depth > MAX_DEPTH {
            self.report(Diagnostic::new(
                &INVALID_VALUE,
                key,
                format!("step groups nest more than {MAX_DEPTH} deep; this one is left out"),
            ));
            return None;
        }
        check_keys(body, STEP_GROUP_KEYS, "a step group", self.out);
        let item = self.item(key, body, identity, "step group");
        let steps = body.get("steps").map(|steps| {
            let items = fields::list(steps, "`steps`", self.out);
            self.steps(items, depth, List::Sequence)
        });
        if steps.is_none() && body.get("template").is_none() {
            self.report(Diagnostic::new(
                &MISSING_FIELD,
                item.identity.span,
                "this step group has no `steps`",
            ));
        }
        Some(StepGroup { item, steps, rollback: body.get("rollbackSteps").map(rollback) })
    }

    pub(super) fn step(
        &mut self,
        key: Span,
        body: &Node,
        identity: Option<Identity>,
    ) -> Option<Step> {
        if body.as_map().is_none() {
            self.report(wrong_type(body, "a `step`", "a mapping with an `identifier`"));
            return None;
        }
        check_keys(body, STEP_KEYS, "a step", self.out);
        let item = self.item(key, body, identity, "step");
        let kind = body.get("type").and_then(Node::as_str).unwrap_or("").to_string();
        let (duration, source, background) = self.step_duration(body, &kind);
        let notes = background
            .map(|span| Note {
                key: "type".into(),
                text: "Background: keeps running until the stage ends".into(),
                span,
            })
            .into_iter()
            .collect();
        Some(Step {
            barrier: if kind == "Barrier" { self.barrier(body) } else { None },
            queue: if kind == "Queue" { queue(body) } else { None },
            approval: kind.contains("Approval").then(|| type_span(body)),
            item,
            kind,
            duration,
            source,
            notes,
            background,
        })
    }

    /// A stage or step from a template, or a stage that runs another pipeline: a note, and an
    /// information diagnostic.
    fn external(&mut self, body: &Node, stage_type: &str, identity: &Identity) -> Option<Note> {
        if let Some(template) = body.get("template") {
            let reference = template.get("templateRef").and_then(Node::as_str).unwrap_or("?");
            let span = key_span(body, "template").unwrap_or(template.span);
            self.report(external_template::item(span, &identity.id, reference));
            return Some(Note {
                key: "template".into(),
                text: format!("from template {reference} (not in this file)"),
                span,
            });
        }
        if stage_type == "Pipeline" {
            let spec = body.get("spec");
            let pipeline =
                spec.and_then(|s| s.get("pipeline")).and_then(Node::as_str).unwrap_or("?");
            let span = key_span(body, "type").unwrap_or(identity.span);
            self.report(external_template::pipeline_stage(span, &identity.id, pipeline));
            return Some(Note {
                key: "type".into(),
                text: format!("Pipeline: runs pipeline {pipeline} (not in this file)"),
                span,
            });
        }
        None
    }

    /// How long a step takes: a Wait step its `duration`; Barrier, Queue and Background steps
    /// no time of their own; anything else the default, bounded by its `timeout`. A Background
    /// step also gives where its type is.
    fn step_duration(
        &mut self,
        body: &Node,
        step_type: &str,
    ) -> (Millis, DurationSource, Option<Span>) {
        let spec = body.get("spec");
        match step_type {
            "Wait" => {
                if let Some(d) = spec.and_then(|s| s.get("duration")) {
                    if let Some(ms) = d
                        .as_str()
                        .filter(|t| !t.contains("<+"))
                        .and_then(|t| self.parse_duration(t, d.span))
                    {
                        return (ms, DurationSource::Explicit, None);
                    }
                }
            }
            "Barrier" | "Queue" => return (Millis::ZERO, DurationSource::Default, None),
            "Background" => {
                return (Millis::ZERO, DurationSource::Default, Some(type_span(body)));
            }
            _ => {}
        }
        let timeout = body.get("timeout").and_then(|t| {
            let text = t.as_str()?;
            if text.contains("<+") { None } else { self.parse_duration(text, t.span) }
        });
        let duration = model::estimated_duration(timeout);
        (duration, DurationSource::Estimated, None)
    }

    fn parse_duration(&mut self, text: &str, span: Span) -> Option<Millis> {
        match duration::parse(text) {
            Ok(ms) => Some(ms),
            Err(e) => {
                self.report(invalid_duration::diagnostic(span, text, e));
                None
            }
        }
    }

    /// A Barrier step's `barrierRef` as written.
    fn barrier(&mut self, body: &Node) -> Option<(String, Span)> {
        let Some(reference) = body.get("spec").and_then(|s| s.get("barrierRef")) else {
            self.report(Diagnostic::new(
                &MISSING_FIELD,
                type_span(body),
                "this Barrier step has no `spec.barrierRef`: it synchronises nothing",
            ));
            return None;
        };
        reference.as_str().map(|text| (text.to_string(), reference.span))
    }

    fn identity(&mut self, key: Span, body: &Node, what: &str) -> Identity {
        let name = body.get("name").and_then(Node::as_str).map(str::to_string);
        let identifier =
            body.get("identifier").map(|n| (fields::text(n, "`identifier`", self.out), n.span));
        match identifier {
            Some((Some(id), span)) if !id.is_empty() => {
                Identity { id: ids::identifier(id), span, name }
            }
            _ => {
                let made_up = name
                    .as_deref()
                    .map(ids::value_part)
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| what.replace(' ', "-"));
                self.report(missing_field::no_id(key, what, "identifier", &made_up).with_help(
                    "Harness requires an `identifier` on every stage, step and step group",
                ));
                Identity { id: made_up, span: key, name }
            }
        }
    }
}

pub(super) fn is_queue(body: &Node) -> bool {
    body.get("type").and_then(Node::as_str) == Some("Queue")
}

/// A Queue step's `spec`, when it has one.
fn queue(body: &Node) -> Option<Queue> {
    let spec = body.get("spec")?;
    let scope = match spec.get("scope").and_then(Node::as_str) {
        Some("Pipeline") | None => QueueScope::Pipeline,
        Some("Stage") => QueueScope::Stage,
        Some(_) => QueueScope::Other,
    };
    Some(Queue {
        key: spec.get("key").and_then(Node::as_str).unwrap_or("").to_string(),
        key_span: key_span(spec, "key").unwrap_or(spec.span),
        scope,
    })
}

/// The identity a stage, step or step group template gives the item it defines.
pub(super) fn template_identity(template: &Node) -> Identity {
    let id = template.get("identifier").and_then(Node::as_str).unwrap_or("template");
    Identity {
        id: ids::identifier(id),
        span: template.get("identifier").map_or(template.span, |n| n.span),
        name: template.get("name").and_then(Node::as_str).map(str::to_string),
    }
}

/// `rollbackSteps`: the identifiers of the steps and step groups in it, and its Barrier steps.
fn rollback(node: &Node) -> Rollback {
    let mut rollback = Rollback { span: node.span, ids: Vec::new(), barriers: Vec::new() };
    let mut stack: Vec<&Node> = node.as_seq().map(|s| s.iter().collect()).unwrap_or_default();
    let mut seen = 0;
    while let Some(item) = stack.pop() {
        seen += 1;
        if seen > 10_000 {
            break;
        }
        for kind in ["step", "stepGroup"] {
            if let Some(body) = item.get(kind) {
                if let Some(id) = body.get("identifier").and_then(Node::as_str) {
                    rollback.ids.push(id.to_string());
                }
                if body.get("type").and_then(Node::as_str) == Some("Barrier") {
                    if let Some(r) = body.get("spec").and_then(|s| s.get("barrierRef")) {
                        if let Some(text) = r.as_str() {
                            rollback.barriers.push((text.to_string(), r.span));
                        }
                    }
                }
                if let Some(steps) = body.get("steps").and_then(Node::as_seq) {
                    stack.extend(steps.iter().rev());
                }
            }
        }
        if let Some(members) = item.get("parallel").and_then(Node::as_seq) {
            stack.extend(members.iter().rev());
        }
    }
    rollback
}

/// Where an item's `type` is written (its body when it has none).
fn type_span(body: &Node) -> Span {
    key_span(body, "type").unwrap_or(body.span)
}
