//! The YAML spelling (`deployment_process:` root, pipescope's style with Octopus's words) read
//! into the intermediate form: `start: with-previous`, `roles`, `max_parallelism`, `actions`.

use crate::diagnostic::Diagnostic;
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::lint::rules::{
    ignored_setting::IGNORED_SETTING,
    invalid_value::INVALID_VALUE,
    missing_field::{self, MISSING_FIELD},
    unknown_key,
};
use crate::model::Condition;
use crate::span::Span;
use crate::yaml::{self, Node, Value as YamlValue};

use super::ir::{Action, Process, Step, positive, slug, split_roles};
use super::semantics;

/// Reads the process of a YAML file, and what was wrong with it.
pub fn read(text: &str) -> (Process, Vec<Diagnostic>) {
    let documents = yaml::parse(text);
    let mut diagnostics = documents.diagnostics;
    let mut process = Process::default();
    match documents.docs.iter().find(|d| !d.is_null()) {
        Some(root) => yaml_process(root, &mut process, &mut diagnostics),
        None if diagnostics.is_empty() => diagnostics.push(missing_field::empty_file(
            "a deployment process starts with `deployment_process:`",
        )),
        None => {}
    }
    (process, diagnostics)
}

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
        out.push(missing_field::nothing_to_run(body.span, "`deployment_process`", "steps:"));
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
                out.push(unknown_key::diagnostic(
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
            out.push(missing_field::no_id(key.span, what, "id", &made_up));
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
