//! Octopus Deploy deployment processes, lowered into the model (`docs/dialects/octopus.md`).
//!
//! Two spellings of the same process are read into one intermediate form ([`Process`]) and
//! lowered by one function:
//!
//! - the config-as-code file `deployment_process.ocl` (parsed by [`super::ocl`]);
//! - YAML in pipescope's style with Octopus's words, under a `deployment_process:` root
//!   (`start: with-previous`, `roles`, `max_parallelism`).
//!
//! Semantics, from Octopus's documentation ("Run steps in parallel", "Rolling deployments"):
//!
//! - Steps run in order. A step with `StartWithPrevious` joins the block of the step before
//!   it; the next `StartAfterPrevious` step waits for the whole block.
//! - `Octopus.Action.MaxParallelism` (default 10) caps how many steps of a block run at once
//!   (the project-level value: `max_parallelism` on the YAML process) and, set on a step, how
//!   many of its targets it deploys to at once: the rolling window.
//! - A step with target roles runs once per target carrying one of its roles; targets are not
//!   in the file, so their number per role comes from [`Inputs::targets`] (default
//!   [`DEFAULT_TARGETS_PER_ROLE`]). A target runs one step at a time: each target is a
//!   capacity-1 pool resource.
//! - A step with several actions (child steps) runs them one after another on each target,
//!   and the target's whole sequence takes one place of the window.

mod semantics;

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::{Diagnostic, Severity};
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::dialect::ocl::{self, Block, ValueKind};
use crate::duration::{DurationSpec, Millis};
use crate::lint::rules::{
    ignored_setting::IGNORED_SETTING, invalid_value::INVALID_VALUE,
    manual_intervention_in_parallel::MANUAL_INTERVENTION_IN_PARALLEL, missing_field::MISSING_FIELD,
    not_evaluated::NOT_EVALUATED, parallel_output_dependency::PARALLEL_OUTPUT_DEPENDENCY,
    unknown_role::UNKNOWN_ROLE,
};
use crate::model::Inputs;
use crate::model::{
    Condition, Demand, DepKind, Dependency, DurationSource, FailurePolicy, Format, Note,
    ParallelGroup, Pipeline, Resource, ResourceIdx, ResourceKind, Retry, Size, SizeKind, Task,
    TaskIdx, TaskKind,
};
use crate::span::Span;
use crate::yaml::{self, Node, Value as YamlValue};

/// How many targets a role has when the user did not say.
pub const DEFAULT_TARGETS_PER_ROLE: u32 = 2;
/// Octopus's default for `Octopus.Action.MaxParallelism`.
pub const DEFAULT_MAX_PARALLELISM: u32 = 10;
/// The duration of a step or action: real processes carry none.
pub use crate::model::DEFAULT_DURATION;
/// More targets than this for one role are not simulated one by one.
const MAX_TARGETS_PER_ROLE: u32 = 1_000;

/// Whether the text is an OCL deployment process: a `step "name" {` block at the start of a
/// line.
pub fn looks_like_ocl(text: &str) -> bool {
    text.lines().any(|line| {
        let Some(rest) = line.strip_prefix("step") else { return false };
        let rest = rest.trim_start();
        rest.starts_with('"') && line.trim_end().ends_with('{')
    })
}

/// Whether the text is the YAML spelling: a `deployment_process:` key at the root.
pub fn looks_like_yaml(text: &str) -> bool {
    text.lines().any(|line| {
        line.strip_prefix("deployment_process")
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

/// Reads either spelling: the YAML one when it has its root key, OCL otherwise.
pub fn read(text: &str, inputs: &Inputs) -> (Pipeline, Vec<Diagnostic>) {
    if looks_like_yaml(text) && !looks_like_ocl(text) {
        read_yaml(text, inputs)
    } else {
        read_ocl(text, inputs)
    }
}

/// Reads an OCL deployment process.
pub fn read_ocl(text: &str, inputs: &Inputs) -> (Pipeline, Vec<Diagnostic>) {
    let (body, mut diagnostics) = ocl::parse(text);
    let mut process = Process::default();
    for item in &body.items {
        match item {
            ocl::Item::Block(block) if block.kind == "step" => {
                process.steps.push(ocl_step(block, &mut diagnostics));
            }
            ocl::Item::Block(block) => {
                diagnostics.push(unknown(block.kind_span, &block.kind, "the process", &["step"]))
            }
            ocl::Item::Attribute(a) => {
                diagnostics.push(unknown(a.key_span, &a.key, "the process", &["step"]))
            }
        }
    }
    if process.steps.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic::new(
            &MISSING_FIELD,
            Span::default(),
            "no `step \"name\" { ... }` block: the deployment process is empty",
        ));
    }
    lower(process, inputs, diagnostics, text)
}

/// Reads the YAML spelling (`deployment_process:` root).
pub fn read_yaml(text: &str, inputs: &Inputs) -> (Pipeline, Vec<Diagnostic>) {
    let documents = yaml::parse(text);
    let mut diagnostics = documents.diagnostics;
    let mut process = Process::default();
    match documents.docs.iter().find(|d| !d.is_null()) {
        Some(root) => yaml_process(root, &mut process, &mut diagnostics),
        None if diagnostics.is_empty() => diagnostics.push(Diagnostic::new(
            &MISSING_FIELD,
            Span::default(),
            "the file is empty; a deployment process starts with `deployment_process:`",
        )),
        None => {}
    }
    lower(process, inputs, diagnostics, text)
}

fn unknown(span: Span, key: &str, context: &str, known: &[&str]) -> Diagnostic {
    let d = Diagnostic::new(
        &crate::lint::rules::unknown_key::UNKNOWN_KEY,
        span,
        format!("unknown key `{key}` in {context}; it is ignored"),
    );
    match fields::did_you_mean(key, known) {
        Some(k) => d.with_help(format!("did you mean `{k}`?")),
        None => d.with_help(format!("known keys: {}", known.join(", "))),
    }
}

/// The process as both spellings say it.
#[derive(Default)]
struct Process {
    /// The project-level `Octopus.Action.MaxParallelism`.
    max_parallelism: Option<(u32, Span)>,
    steps: Vec<Step>,
}

struct Step {
    id: String,
    id_span: Span,
    name: Option<String>,
    span: Span,
    /// The `start_trigger = "StartWithPrevious"` (or `start: with-previous`) setting.
    with_previous: Option<Span>,
    roles: Vec<(String, Span)>,
    /// The rolling window: how many targets at once.
    window: Option<(u32, Span)>,
    /// The run condition (`Success`, `Failure`, `Always`, `Variable`).
    run: semantics::Run,
    /// Environment scopes written on the step (YAML).
    scopes: Vec<Condition>,
    actions: Vec<Action>,
    /// Every string in the step, to find the output variables it reads.
    strings: Vec<Span>,
}

struct Action {
    id: String,
    name: Option<String>,
    span: Span,
    id_span: Span,
    duration: Option<Millis>,
    manual: Option<Span>,
    disabled: bool,
    /// A run condition written on the action (YAML).
    run: semantics::Run,
    /// Environment, channel and tenant scopes.
    scopes: Vec<Condition>,
    /// `Octopus.Action.AutoRetry.MaximumCount`.
    retry: Option<Retry>,
    notes: Vec<Note>,
}

// ---------------------------------------------------------------------------------------------
// OCL

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
                    out.push(unknown(a.key_span, &a.key, "a step", STEP_KEYS));
                }
                step.strings.extend(a.value.strings().into_iter().map(|(_, s)| s));
            }
            ocl::Item::Block(b) if b.kind == "action" => {}
            ocl::Item::Block(b) => out.push(unknown(b.kind_span, &b.kind, "a step", STEP_KEYS)),
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
                out.push(unknown(a.key_span, &a.key, "an action", ACTION_KEYS))
            }
            ocl::Item::Block(b) if !ACTION_KEYS.contains(&b.kind.as_str()) => {
                out.push(unknown(b.kind_span, &b.kind, "an action", ACTION_KEYS))
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

// ---------------------------------------------------------------------------------------------
// YAML

const PROCESS_KEYS: &[&str] = &["name", "description", "max_parallelism", "steps"];
const YAML_STEP_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "duration",
    "start",
    "roles",
    "max_parallelism",
    "manual",
    "condition",
    "environments",
    "disabled",
    "actions",
];
const YAML_ACTION_KEYS: &[&str] =
    &["id", "name", "description", "duration", "manual", "condition", "environments", "disabled"];

fn yaml_process(root: &Node, process: &mut Process, out: &mut Vec<Diagnostic>) {
    let Some(body) = root.get("deployment_process") else {
        out.push(Diagnostic::new(
            &MISSING_FIELD,
            root.span,
            "no `deployment_process:` key; an Octopus process in YAML starts with it",
        ));
        return;
    };
    check_keys(root, &["deployment_process"], "the file", out);
    if body.as_map().is_none() {
        out.push(wrong_type(body, "`deployment_process`", "a mapping"));
        return;
    }
    check_keys(body, PROCESS_KEYS, "`deployment_process`", out);
    if let Some(p) = body.get("max_parallelism") {
        process.max_parallelism = positive(p.as_str(), p.span, "`max_parallelism`", out);
    }
    let Some(steps) = body.get("steps") else {
        out.push(Diagnostic::new(
            &MISSING_FIELD,
            body.span,
            "`deployment_process` has no `steps:`, so there is nothing to run",
        ));
        return;
    };
    for (position, item) in fields::list(steps, "`steps`", out).iter().enumerate() {
        let Some((key, step)) = single_entry(item, "step", out) else { continue };
        process.steps.push(yaml_step(key, step, position, out));
    }
}

/// The `- step: {...}` wrapper.
fn single_entry<'n>(
    item: &'n Node,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<(&'n Node, &'n Node)> {
    let Some(entries) = item.as_map() else {
        out.push(wrong_type(
            item,
            &format!("an item of `{what}s`"),
            &format!("a mapping with `{what}`"),
        ));
        return None;
    };
    let found = entries.iter().find(|(k, _)| k.as_str() == Some(what));
    match found {
        Some((k, v)) => {
            for (other, _) in entries.iter().filter(|(k2, _)| !std::ptr::eq(k2, k)) {
                out.push(unknown(
                    other.span,
                    other.as_str().unwrap_or("?"),
                    &format!("an item of `{what}s`"),
                    &[what],
                ));
            }
            Some((k, v))
        }
        None => {
            let span = entries.first().map_or(item.span, |(k, _)| k.span);
            out.push(Diagnostic::new(
                &MISSING_FIELD,
                span,
                format!("this item has no `{what}` key"),
            ));
            None
        }
    }
}

fn yaml_id(
    key: &Node,
    body: &Node,
    what: &str,
    position: usize,
    out: &mut Vec<Diagnostic>,
) -> (String, Span) {
    match body.get("id").and_then(|n| fields::text(n, "`id`", out).map(|t| (t, n.span))) {
        Some((id, span)) => (slug(id), span),
        None => {
            let made_up = format!("{what}-{}", position + 1);
            out.push(Diagnostic::new(
                &MISSING_FIELD,
                key.span,
                format!("this {what} has no `id`; it is called `{made_up}` here"),
            ));
            (made_up, key.span)
        }
    }
}

/// The YAML `condition` of a step or action: `success`, `failure`, `always`, or a variable
/// expression.
fn yaml_run(body: &Node) -> semantics::Run {
    match body.as_map().and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some("condition"))) {
        Some((k, v)) => {
            let text = v.as_str().unwrap_or("");
            let is_status =
                ["success", "failure", "always"].iter().any(|s| text.eq_ignore_ascii_case(s));
            let expression = (!is_status).then_some(text);
            semantics::Run::read(
                if is_status { text } else { "Variable" },
                expression,
                k.span.cover(v.span),
            )
        }
        None => semantics::Run::default(),
    }
}

/// The YAML `environments` of a step or action.
fn yaml_scopes(body: &Node) -> Vec<Condition> {
    let Some((k, v)) =
        body.as_map().and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some("environments")))
    else {
        return Vec::new();
    };
    let values: Vec<&str> = match v.as_seq() {
        Some(items) => items.iter().filter_map(Node::as_str).collect(),
        None => v.as_str().into_iter().collect(),
    };
    if values.is_empty() {
        return Vec::new();
    }
    vec![semantics::scope("environments", &values, k.span.cover(v.span))]
}

fn yaml_strings(node: &Node) -> Vec<Span> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.value {
            YamlValue::Scalar(_) => out.push(n.span),
            YamlValue::Seq(items) => stack.extend(items.iter()),
            YamlValue::Map(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
        }
    }
    out
}

fn yaml_step(key: &Node, body: &Node, position: usize, out: &mut Vec<Diagnostic>) -> Step {
    if body.as_map().is_none() {
        out.push(wrong_type(body, "a `step`", "a mapping with at least an `id`"));
    }
    check_keys(body, YAML_STEP_KEYS, "a step", out);
    let (id, id_span) = yaml_id(key, body, "step", position, out);
    let name = body.get("name").and_then(|n| fields::text(n, "`name`", out)).map(str::to_string);
    let with_previous = match body.get("start") {
        None => None,
        Some(s) => {
            match s.as_str() {
                Some("with-previous") => Some(s.span),
                Some("after-previous") => None,
                _ => {
                    out.push(Diagnostic::new(&INVALID_VALUE, s.span, "`start` must be `with-previous` or `after-previous`; `after-previous` is used"));
                    None
                }
            }
        }
    };
    let roles = match body.get("roles") {
        None => Vec::new(),
        Some(r) => match r.as_seq() {
            Some(items) => items
                .iter()
                .filter_map(|i| {
                    fields::text(i, "a role", out).map(|t| (t.trim().to_string(), i.span))
                })
                .filter(|(t, _)| !t.is_empty())
                .collect(),
            None => split_roles(r.as_str().unwrap_or(""), r.span),
        },
    };
    let window = body
        .get("max_parallelism")
        .and_then(|w| positive(w.as_str(), w.span, "`max_parallelism`", out));
    let own_action = Action {
        id: id.clone(),
        name: None,
        span: key.span.cover(body.span),
        id_span,
        duration: body.get("duration").and_then(|d| fields::duration(d, out)),
        manual: body.get("manual").filter(|m| m.as_bool() == Some(true)).map(|m| m.span),
        disabled: body.get("disabled").is_some_and(|d| d.as_bool() == Some(true)),
        run: semantics::Run::default(),
        scopes: Vec::new(),
        retry: None,
        notes: Vec::new(),
    };
    let mut actions = Vec::new();
    if let Some(list) = body.get("actions") {
        for (i, item) in fields::list(list, "`actions`", out).iter().enumerate() {
            let Some((k, a)) = single_entry(item, "action", out) else { continue };
            check_keys(a, YAML_ACTION_KEYS, "an action", out);
            let (aid, aid_span) = yaml_id(k, a, "action", i, out);
            actions.push(Action {
                id: aid,
                name: a.get("name").and_then(|n| n.as_str()).map(str::to_string),
                span: k.span.cover(a.span),
                id_span: aid_span,
                duration: a.get("duration").and_then(|d| fields::duration(d, out)),
                manual: a.get("manual").filter(|m| m.as_bool() == Some(true)).map(|m| m.span),
                disabled: a.get("disabled").is_some_and(|d| d.as_bool() == Some(true)),
                run: yaml_run(a),
                scopes: yaml_scopes(a),
                retry: None,
                notes: Vec::new(),
            });
        }
        if let Some(d) = body.get("duration") {
            out.push(Diagnostic::new(
                &IGNORED_SETTING,
                d.span,
                "`duration` is ignored on a step with `actions`: it lasts as long as its actions",
            ));
        }
    }
    if actions.is_empty() {
        actions.push(own_action);
    }
    Step {
        id,
        id_span,
        name,
        span: key.span.cover(body.span),
        with_previous,
        roles,
        window,
        run: yaml_run(body),
        scopes: yaml_scopes(body),
        actions,
        strings: yaml_strings(body),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// An id from a step's label: Octopus slugs are already ids; older files use display names.
fn slug(label: &str) -> String {
    let s: String =
        label.trim().chars().map(|c| if c == '/' || c.is_whitespace() { '-' } else { c }).collect();
    if s.is_empty() { "step".into() } else { s }
}

fn split_roles(text: &str, span: Span) -> Vec<(String, Span)> {
    text.split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| (r.to_string(), span))
        .collect()
}

fn positive(
    text: Option<&str>,
    span: Span,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<(u32, Span)> {
    let text = text?.trim();
    match text.parse::<u64>() {
        Ok(n) if n >= 1 => Some((u32::try_from(n).unwrap_or(u32::MAX), span)),
        _ if text.starts_with("#{") => {
            out.push(Diagnostic::new(&crate::lint::rules::runtime_value::RUNTIME_VALUE, span, format!("{what} is the variable `{text}`, known only when deploying; the default {DEFAULT_MAX_PARALLELISM} is used")));
            None
        }
        _ => {
            out.push(Diagnostic::new(&INVALID_VALUE, span, format!("{what} must be a whole number of at least 1, not `{text}`; the default {DEFAULT_MAX_PARALLELISM} is used")));
            None
        }
    }
}

fn short(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 120 {
        let cut: String = one_line.chars().take(117).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}

// ---------------------------------------------------------------------------------------------
// Lowering

struct Lowering<'i> {
    text: &'i str,
    pipeline: Pipeline,
    diagnostics: Vec<Diagnostic>,
    inputs: &'i Inputs,
    /// Target resources per role, created on first use.
    targets: HashMap<String, Vec<ResourceIdx>>,
}

fn lower(
    process: Process,
    inputs: &Inputs,
    diagnostics: Vec<Diagnostic>,
    text: &str,
) -> (Pipeline, Vec<Diagnostic>) {
    let mut l = Lowering {
        text,
        pipeline: Pipeline { format: Format::Octopus, ..Pipeline::default() },
        diagnostics,
        inputs,
        targets: HashMap::new(),
    };
    let blocks = l.blocks(&process);
    let steps_cap = process.max_parallelism.map_or(DEFAULT_MAX_PARALLELISM, |(n, _)| n);
    let largest = blocks.iter().map(Vec::len).max().unwrap_or(0);
    let steps_limit = (largest as u64 > u64::from(steps_cap)).then(|| {
        l.pipeline.add_resource(Resource {
            name: "steps at once (Octopus.Action.MaxParallelism)".into(),
            capacity: steps_cap,
            kind: ResourceKind::Parallelism,
            span: process.max_parallelism.map_or(Span::default(), |(_, s)| s),
        })
    });
    l.report_roles(&process);
    let mut previous: Vec<TaskIdx> = Vec::new();
    for block in &blocks {
        let mut members = Vec::new();
        for &s in block {
            members.push(l.step(&process.steps[s], &previous, steps_limit, steps_cap));
        }
        if members.len() > 1 {
            let span = process.steps[block[1]].with_previous.unwrap_or_default();
            l.pipeline.parallel_groups.push(ParallelGroup { members: members.clone(), span });
            l.lint_block(&process, block);
        }
        previous = members;
    }
    (l.pipeline, l.diagnostics)
}

impl Lowering<'_> {
    /// Groups the steps into blocks: a step and the `StartWithPrevious` steps after it.
    fn blocks(&mut self, process: &Process) -> Vec<Vec<usize>> {
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        for (i, step) in process.steps.iter().enumerate() {
            match (step.with_previous, blocks.last_mut()) {
                (Some(_), Some(block)) => block.push(i),
                (Some(span), None) => {
                    self.diagnostics.push(Diagnostic::new(
                        &IGNORED_SETTING,
                        span,
                        "the first step has no previous step to start with; it starts first anyway",
                    ));
                    blocks.push(vec![i]);
                }
                (None, _) => blocks.push(vec![i]),
            }
        }
        blocks
    }

    /// How many targets a role has, and the diagnostics about roles nobody described.
    fn role_count(&self, role: &str) -> u32 {
        self.inputs
            .targets
            .get(role)
            .copied()
            .unwrap_or(DEFAULT_TARGETS_PER_ROLE)
            .min(MAX_TARGETS_PER_ROLE)
    }

    fn report_roles(&mut self, process: &Process) {
        let mut first_use: BTreeMap<&str, Vec<Span>> = BTreeMap::new();
        for step in &process.steps {
            for (role, span) in &step.roles {
                first_use.entry(role.as_str()).or_default().push(*span);
            }
        }
        let given: Vec<&str> = self.inputs.targets.keys().map(String::as_str).collect();
        for (role, spans) in first_use {
            match self.inputs.targets.get(role) {
                Some(0) => self.diagnostics.push(Diagnostic::new(&UNKNOWN_ROLE, spans[0], format!("no target has the role `{role}` (0 given): Octopus fails the deployment at its steps, which are simulated as taking no time"))),
                Some(n) if *n > MAX_TARGETS_PER_ROLE => self.diagnostics.push(Diagnostic::new(&INVALID_VALUE, spans[0], format!("{n} targets with the role `{role}` are more than pipescope simulates; {MAX_TARGETS_PER_ROLE} are used"))),
                Some(_) => {}
                None if given.is_empty() => self.diagnostics.push(
                    Diagnostic::new(&UNKNOWN_ROLE, spans[0], format!("how many targets have the role `{role}` is not in the process; {DEFAULT_TARGETS_PER_ROLE} are assumed"))
                        .with_severity(Severity::Info)
                        .with_help(format!("give the number of targets per role, e.g. `--targets {role}=4`")),
                ),
                None => {
                    let mut d = Diagnostic::new(&UNKNOWN_ROLE, spans[0], format!("no number of targets was given for the role `{role}` (given: {}); {DEFAULT_TARGETS_PER_ROLE} are assumed", given.join(", ")));
                    if let Some(close) = fields::did_you_mean(role, &given) {
                        d = d.with_help(format!("did you mean `{close}`?"));
                    }
                    self.diagnostics.push(d);
                }
            }
        }
    }

    fn target_resources(&mut self, role: &str, span: Span) -> Vec<ResourceIdx> {
        if let Some(r) = self.targets.get(role) {
            return r.clone();
        }
        let count = self.role_count(role);
        self.pipeline.sizes.push(Size {
            kind: SizeKind::Targets,
            key: role.to_string(),
            count,
            assumed: !self.inputs.targets.contains_key(role),
        });
        let resources: Vec<ResourceIdx> = (1..=count)
            .map(|n| {
                self.pipeline.add_resource(Resource {
                    name: format!("{role}-{n}"),
                    capacity: 1,
                    kind: ResourceKind::Target,
                    span,
                })
            })
            .collect();
        self.targets.insert(role.to_string(), resources.clone());
        resources
    }

    fn add(&mut self, task: Task) -> TaskIdx {
        self.pipeline.add_task(task)
    }

    fn deps(&self, on: &[TaskIdx], span: Span) -> Vec<Dependency> {
        on.iter()
            .map(|&t| Dependency {
                target: Some(t),
                name: self.pipeline.task(t).id.clone(),
                kind: DepKind::Sequence,
                span,
            })
            .collect()
    }

    /// A step: one task, or a group of one task per target (and per child action).
    /// `project_window` is the project-level MaxParallelism, the window of steps that set none.
    fn step(
        &mut self,
        step: &Step,
        previous: &[TaskIdx],
        steps_limit: Option<ResourceIdx>,
        project_window: u32,
    ) -> TaskIdx {
        let mut demands = Vec::new();
        if let Some(r) = steps_limit {
            demands.push(Demand {
                resource: Some(r),
                name: self.pipeline.resource(r).name.clone(),
                amount: 1,
                span: step.id_span,
            });
        }
        self.report_not_evaluated(step);
        // A step of one action carries the action's settings; one of several actions leaves
        // them to the actions' own tasks.
        let only = (step.actions.len() == 1).then(|| &step.actions[0]);
        let mut conditions: Vec<Condition> = step.run.variable.iter().cloned().collect();
        conditions.extend(step.scopes.iter().cloned());
        if let Some(action) = only {
            conditions.extend(action.run.variable.iter().cloned());
            conditions.extend(action.scopes.iter().cloned());
        }
        let single_leaf = step.roles.is_empty() && only.is_some();
        let (duration, source) = if single_leaf {
            action_duration(&step.actions[0])
        } else {
            (Millis::ZERO, DurationSource::Children)
        };
        let leaf_action = only.filter(|_| single_leaf);
        // The one action's run condition is the step's when the step sets none: the task
        // stands for both.
        let run = match only {
            Some(action) if step.run.span.is_none() && action.run.span.is_some() => &action.run,
            _ => &step.run,
        };
        let idx = self.add(Task {
            name: step.name.clone(),
            duration: DurationSpec::Fixed(duration),
            duration_source: source,
            deps: self.deps(previous, step.id_span),
            demands,
            span: step.span,
            id_span: step.id_span,
            when: run.when,
            when_span: run.span,
            conditions,
            gate: leaf_action.and_then(|a| a.manual).map(semantics::manual_gate),
            failure: leaf_action.map(retry_policy).unwrap_or_default(),
            notes: only.map(|a| a.notes.clone()).unwrap_or_default(),
            ..Task::new(step.id.clone(), step.id.clone(), TaskKind::Step)
        });
        if single_leaf {
            return idx;
        }
        if step.roles.is_empty() {
            // Child actions on the server or a worker: one after another.
            self.actions(step, idx, &step.id);
            return idx;
        }
        // One run per target of each role; the window caps how many at once.
        let mut targets: Vec<(String, ResourceIdx)> = Vec::new();
        for (role, span) in &step.roles {
            for (n, r) in self.target_resources(role, *span).into_iter().enumerate() {
                targets.push((format!("{role}-{}", n + 1), r));
            }
        }
        if targets.is_empty() {
            // No target runs the step, so no task stands for its actions: the step keeps what
            // they carry (a manual intervention, conditions, a disabled action) for the rules
            // and the notes.
            let gate = step.actions.iter().find_map(|a| a.manual).map(semantics::manual_gate);
            let task = &mut self.pipeline.tasks[idx.index()];
            task.duration_source = DurationSource::Default;
            task.gate = gate;
            if only.is_none() {
                for action in &step.actions {
                    task.conditions.extend(action.run.variable.iter().cloned());
                    task.conditions.extend(action.scopes.iter().cloned());
                    task.notes.extend(action.notes.iter().cloned());
                }
            }
            return idx;
        }
        let window_size = step.window.map_or(project_window, |(n, _)| n);
        let window = (targets.len() as u64 > u64::from(window_size)).then(|| {
            self.pipeline.add_resource(Resource {
                name: format!("{} window", step.id),
                capacity: window_size,
                kind: ResourceKind::Parallelism,
                span: step.window.map_or(step.id_span, |(_, s)| s),
            })
        });
        for (target, resource) in targets {
            let mut demands = vec![Demand {
                resource: Some(resource),
                name: self.pipeline.resource(resource).name.clone(),
                amount: 1,
                span: step.id_span,
            }];
            if let Some(w) = window {
                demands.push(Demand {
                    resource: Some(w),
                    name: self.pipeline.resource(w).name.clone(),
                    amount: 1,
                    span: step.window.map_or(step.id_span, |(_, s)| s),
                });
            }
            let path = format!("{}/{target}", step.id);
            let (duration, source, leaf) = if step.actions.len() == 1 {
                let (d, s) = action_duration(&step.actions[0]);
                (d, s, true)
            } else {
                (Millis::ZERO, DurationSource::Children, false)
            };
            let leaf_action = step.actions.first().filter(|_| leaf);
            let t = self.add(Task {
                name: Some(format!("{} on {target}", step.name.as_deref().unwrap_or(&step.id))),
                parent: Some(idx),
                duration: DurationSpec::Fixed(duration),
                duration_source: source,
                demands,
                span: step.span,
                id_span: step.id_span,
                gate: leaf_action.and_then(|a| a.manual).map(semantics::manual_gate),
                failure: leaf_action.map(retry_policy).unwrap_or_default(),
                ..Task::new(path.clone(), target.clone(), TaskKind::Step)
            });
            if !leaf {
                self.actions(step, t, &path);
            }
        }
        idx
    }

    /// The child actions of a step, one after another under `parent`.
    fn actions(&mut self, step: &Step, parent: TaskIdx, path: &str) {
        let mut previous: Vec<TaskIdx> = Vec::new();
        for action in &step.actions {
            let (duration, source) = action_duration(action);
            let mut conditions: Vec<Condition> = action.run.variable.iter().cloned().collect();
            conditions.extend(action.scopes.iter().cloned());
            let t = self.add(Task {
                name: action.name.clone(),
                parent: Some(parent),
                duration: DurationSpec::Fixed(duration),
                duration_source: source,
                deps: self.deps(&previous, action.id_span),
                span: action.span,
                id_span: action.id_span,
                when: action.run.when,
                when_span: action.run.span,
                conditions,
                gate: action.manual.map(semantics::manual_gate),
                failure: retry_policy(action),
                notes: action.notes.clone(),
                ..Task::new(format!("{path}/{}", action.id), action.id.clone(), TaskKind::Step)
            });
            previous = vec![t];
        }
    }

    /// The information that a step's conditions and scopes are not evaluated, and that a
    /// disabled action is skipped.
    fn report_not_evaluated(&mut self, step: &Step) {
        step.run.report(&mut self.diagnostics);
        for scope in &step.scopes {
            semantics::report_scope(scope, &mut self.diagnostics);
        }
        for action in &step.actions {
            action.run.report(&mut self.diagnostics);
            for scope in &action.scopes {
                semantics::report_scope(scope, &mut self.diagnostics);
            }
            if let Some(note) = action.notes.iter().find(|n| n.key == "is_disabled") {
                let span = note.span;
                self.diagnostics.push(Diagnostic::new(
                    &NOT_EVALUATED,
                    span,
                    "the action is disabled: Octopus skips it; it is shown taking no time",
                ));
            }
        }
    }

    /// The lint of a parallel block: output variables read across it, manual interventions.
    fn lint_block(&mut self, process: &Process, block: &[usize]) {
        for &s in block {
            let step = &process.steps[s];
            if let Some(span) = step.actions.iter().find_map(|a| a.manual) {
                let others: Vec<&str> = block
                    .iter()
                    .filter(|&&o| o != s)
                    .map(|&o| process.steps[o].id.as_str())
                    .collect();
                self.diagnostics.push(
                    Diagnostic::new(&MANUAL_INTERVENTION_IN_PARALLEL, step.id_span, format!("the manual intervention `{}` runs in parallel with `{}`: they go on while it waits for approval", step.id, others.join("`, `")))
                        .with_related(span, "a manual intervention")
                        .with_help("let the manual intervention start after the previous step (`StartAfterPrevious`), and the next step after it"),
                );
            }
            for &o in block.iter().filter(|&&o| o != s) {
                let other = &process.steps[o];
                let mut names: Vec<&str> = vec![other.id.as_str()];
                names.extend(other.name.as_deref());
                names.extend(other.actions.iter().filter_map(|a| a.name.as_deref()));
                names.extend(other.actions.iter().map(|a| a.id.as_str()));
                if let Some(span) = find_output_reference(self.text, &step.strings, &names) {
                    self.diagnostics.push(
                        Diagnostic::new(&PARALLEL_OUTPUT_DEPENDENCY, span, format!("`{}` reads an output variable of `{}`, which runs in parallel with it: the output is not there yet", step.id, other.id))
                            .with_related(other.id_span, format!("`{}` starts at the same time", other.id))
                            .with_help(format!("let `{}` start after `{}` (`StartAfterPrevious`)", step.id, other.id)),
                    );
                }
            }
        }
    }
}

/// The failure policy of an action: its automatic retries.
fn retry_policy(action: &Action) -> FailurePolicy {
    FailurePolicy { retry: action.retry.clone(), ..FailurePolicy::default() }
}

fn action_duration(action: &Action) -> (Millis, DurationSource) {
    if action.disabled {
        return (Millis::ZERO, DurationSource::Default);
    }
    match action.duration {
        Some(d) => (d, DurationSource::Explicit),
        None => (DEFAULT_DURATION, DurationSource::Estimated),
    }
}

/// The span of the first `Octopus.Action[NAME].Output` among the strings, for one of the names
/// (compared without regard to case, as Octopus does).
fn find_output_reference(text: &str, strings: &[Span], names: &[&str]) -> Option<Span> {
    const PREFIX: &str = "Octopus.Action[";
    for span in strings {
        let Some(raw) = text.get(span.start as usize..span.end as usize) else { continue };
        let mut from = 0;
        while let Some(found) = raw[from..].find(PREFIX) {
            let start = from + found;
            let name_start = start + PREFIX.len();
            let Some(close) = raw[name_start..].find(']') else { break };
            let name = raw[name_start..name_start + close].trim();
            let after = &raw[name_start + close + 1..];
            if after.starts_with(".Output") && names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                let at = span.start as usize + start;
                return Some(Span::new(at, at + PREFIX.len() + close + 1));
            }
            from = name_start;
        }
    }
    None
}
