//! The OCL spelling (`deployment_process.ocl`, parsed by [`crate::dialect::ocl`]) read into
//! the intermediate form: steps with their trigger, condition, roles and window, actions with
//! their type, scopes, retries and `is_disabled`.

use crate::diagnostic::Diagnostic;
use crate::dialect::ocl::{self, Block, ValueKind};
use crate::lint::rules::{invalid_value::INVALID_VALUE, missing_field::MISSING_FIELD, unknown_key};
use crate::model::Note;
use crate::span::Span;

use super::ir::{Action, Process, Step, positive, slug, split_roles};
use super::semantics;

/// Reads the process of an OCL file, and what was wrong with it.
pub fn read(text: &str) -> (Process, Vec<Diagnostic>) {
    let (body, mut diagnostics) = ocl::parse(text);
    let mut process = Process::default();
    for item in &body.items {
        match item {
            ocl::Item::Block(block) if block.kind == "step" => {
                process.steps.push(ocl_step(block, &mut diagnostics));
            }
            ocl::Item::Block(block) => diagnostics.push(unknown_key::diagnostic(
                block.kind_span,
                &block.kind,
                "the process",
                &["step"],
            )),
            ocl::Item::Attribute(a) => diagnostics.push(unknown_key::diagnostic(
                a.key_span,
                &a.key,
                "the process",
                &["step"],
            )),
        }
    }
    if process.steps.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic::new(
            &MISSING_FIELD,
            Span::default(),
            "no `step \"name\" { ... }` block: the deployment process is empty",
        ));
    }
    (process, diagnostics)
}

const STEP_KEYS: &[&str] = &[
    "name",
    "condition",
    "start_trigger",
    "package_requirement",
    "properties",
    "action",
    "slug",
    "description",
];
const ACTION_KEYS: &[&str] = &[
    "action_type",
    "name",
    "slug",
    "notes",
    "properties",
    "environments",
    "excluded_environments",
    "channels",
    "tenant_tags",
    "is_disabled",
    "is_required",
    "worker_pool",
    "worker_pool_variable",
    "run_on_server",
    "container",
    "packages",
    "git_dependencies",
    "action_template",
    "features",
    "condition",
    "properties",
];

fn ocl_step(block: &Block, out: &mut Vec<Diagnostic>) -> Step {
    let (label, label_span) = match block.labels.first() {
        Some((l, s)) => (l.clone(), *s),
        None => {
            out.push(Diagnostic::new(
                &MISSING_FIELD,
                block.kind_span,
                "this step has no name: write `step \"name\" {`",
            ));
            (String::new(), block.kind_span)
        }
    };
    let body = &block.body;
    let text = |key: &str| body.attribute(key).and_then(|a| a.value.as_text().map(str::to_string));
    let name = text("name").or_else(|| (!label.is_empty()).then(|| label.clone()));
    let mut step = Step {
        id: slug(&label),
        id_span: label_span,
        name,
        span: block.span,
        with_previous: None,
        roles: Vec::new(),
        window: None,
        run: semantics::Run::default(),
        scopes: Vec::new(),
        actions: Vec::new(),
        strings: Vec::new(),
    };
    for item in &body.items {
        match item {
            ocl::Item::Attribute(a) => {
                if !STEP_KEYS.contains(&a.key.as_str()) {
                    out.push(unknown_key::diagnostic(a.key_span, &a.key, "a step", STEP_KEYS));
                }
                step.strings.extend(a.value.strings().into_iter().map(|(_, s)| s));
            }
            ocl::Item::Block(b) if b.kind == "action" => {}
            ocl::Item::Block(b) => {
                out.push(unknown_key::diagnostic(b.kind_span, &b.kind, "a step", STEP_KEYS))
            }
        }
    }
    if let Some(trigger) = body.attribute("start_trigger") {
        match trigger.value.as_text() {
            Some("StartWithPrevious") => step.with_previous = Some(trigger.value.span),
            Some("StartAfterPrevious") => {}
            other => out.push(Diagnostic::new(
                &INVALID_VALUE,
                trigger.value.span,
                format!(
                    "`start_trigger` is `StartWithPrevious` or `StartAfterPrevious`, not `{}`; `StartAfterPrevious` is used",
                    other.unwrap_or("?")
                ),
            )),
        }
    }
    if let Some(condition) = body.attribute("condition") {
        if let Some(c) = condition.value.as_text() {
            let expression = body
                .attribute("properties")
                .and_then(|p| p.value.get("Octopus.Step.ConditionVariableExpression"))
                .and_then(|v| v.as_text());
            let span = condition.key_span.cover(condition.value.span);
            step.run = semantics::Run::read(c, expression, span);
        }
    }
    if let Some(properties) = body.attribute("properties") {
        if let Some(roles) = properties.value.get("Octopus.Action.TargetRoles") {
            step.roles = split_roles(roles.as_text().unwrap_or(""), roles.span);
        }
        if let Some(window) = properties.value.get("Octopus.Action.MaxParallelism") {
            step.window =
                positive(window.as_text(), window.span, "`Octopus.Action.MaxParallelism`", out);
        }
    }
    for (position, action) in body.blocks("action").enumerate() {
        step.actions.push(ocl_action(action, position, out));
        for item in &action.body.items {
            if let ocl::Item::Attribute(a) = item {
                step.strings.extend(a.value.strings().into_iter().map(|(_, s)| s));
            }
        }
    }
    if step.actions.is_empty() {
        out.push(Diagnostic::new(
            &MISSING_FIELD,
            step.id_span,
            "this step has no `action { ... }`: it does nothing",
        ));
    }
    step
}

fn ocl_action(block: &Block, position: usize, out: &mut Vec<Diagnostic>) -> Action {
    let body = &block.body;
    for item in &body.items {
        match item {
            ocl::Item::Attribute(a) if !ACTION_KEYS.contains(&a.key.as_str()) => {
                out.push(unknown_key::diagnostic(a.key_span, &a.key, "an action", ACTION_KEYS))
            }
            ocl::Item::Block(b) if !ACTION_KEYS.contains(&b.kind.as_str()) => {
                out.push(unknown_key::diagnostic(b.kind_span, &b.kind, "an action", ACTION_KEYS))
            }
            _ => {}
        }
    }
    let text = |key: &str| body.attribute(key).and_then(|a| a.value.as_text().map(str::to_string));
    let (label, label_span) = match block.labels.first() {
        Some((l, s)) => (l.clone(), *s),
        None => (String::new(), block.kind_span),
    };
    let name = text("name").or_else(|| (!label.is_empty()).then(|| label.clone()));
    let id = if label.is_empty() {
        name.as_deref().map(slug).unwrap_or_else(|| format!("action-{}", position + 1))
    } else {
        slug(&label)
    };
    let manual = body
        .attribute("action_type")
        .filter(|a| a.value.as_text() == Some("Octopus.Manual"))
        .map(|a| a.value.span);
    let disabled = body.attribute("is_disabled").is_some_and(|a| a.value.as_text() == Some("true"));
    let mut notes = Vec::new();
    let mut scopes = Vec::new();
    for key in ["environments", "excluded_environments", "channels", "tenant_tags"] {
        if let Some(a) = body.attribute(key) {
            let values: Vec<&str> = match &a.value.kind {
                ValueKind::List(items) => items.iter().filter_map(|v| v.as_text()).collect(),
                _ => a.value.as_text().into_iter().collect(),
            };
            if !values.is_empty() {
                scopes.push(semantics::scope(key, &values, a.key_span.cover(a.value.span)));
            }
        }
    }
    let properties = body.attribute("properties").map(|p| &p.value);
    let property = |key: &str| {
        let value = properties?.get(key)?;
        Some((value.as_text()?, value.span))
    };
    let retry = property("Octopus.Action.AutoRetry.MaximumCount").and_then(|count| {
        semantics::auto_retry(count, property("Octopus.Action.AutoRetry.MinimumBackoff"), out)
    });
    if disabled {
        notes.push(Note {
            key: "is_disabled".into(),
            text: "true: Octopus skips this action".into(),
            span: body.attribute("is_disabled").map_or(block.kind_span, |a| a.key_span),
        });
    }
    Action {
        id,
        name,
        span: block.span,
        id_span: label_span,
        duration: None,
        manual,
        disabled,
        run: semantics::Run::default(),
        scopes,
        retry,
        notes,
    }
}
