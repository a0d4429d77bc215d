//! The configuration document read into its typed parts, in GitLab's order: `include:`
//! (noted, not fetched), `variables:`, `workflow:`, `stages:`, the defaults, then every job
//! with `extends`, `!reference` and `default:` applied (`extends.rs`) and read (`job.rs`).

use crate::diagnostic::Diagnostic;
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::lint::rules::include_not_fetched;
use crate::lint::rules::unknown_extends::UNKNOWN_EXTENDS;
use crate::model::Condition;
use crate::span::Span;
use crate::yaml::Node;

use super::extends::{self, DEFAULT_KEYS, Resolver};
use super::job::{self, Context, Definition, Job};
use super::stages::Stages;
use super::vars::{self, SpecInputs, Variables};
use super::{GLOBAL_KEYS, findings, semantics};

/// What a configuration says, read and checked, before it becomes tasks.
pub struct Config {
    /// `workflow: name`.
    pub name: Option<String>,
    /// `workflow: rules`, unevaluated.
    pub conditions: Vec<Condition>,
    pub stages: Stages,
    /// The file's `variables:`.
    pub variables: Variables,
    pub jobs: Vec<Job>,
    /// Where names this file does not define may come from, when they may (see
    /// [`Resolver::elsewhere`]).
    pub elsewhere: Option<&'static str>,
}

/// Reads the configuration document; `None` when it is not a mapping.
pub fn read(root: &Node, spec: &SpecInputs, out: &mut Vec<Diagnostic>) -> Option<Config> {
    let Some(entries) = root.as_map() else {
        out.push(wrong_type(root, "a GitLab CI file", "a mapping of jobs"));
        return None;
    };
    if let Some(spec) = root.get("spec") {
        out.push(findings::spec_not_a_header(spec.span));
    }
    let mut named: Vec<(&str, &Node)> = Vec::new();
    let mut keys: Vec<&Node> = Vec::new();
    for (key, value) in entries {
        if let Some(name) = fields::text(key, "a job name", out) {
            named.push((name, value));
            keys.push(key);
        }
    }
    let includes = match root.get("include") {
        Some(include) => {
            let count = include.as_seq().map_or(1, <[Node]>::len);
            out.push(include_not_fetched::diagnostic(include.span, count));
            true
        }
        None => false,
    };
    let elsewhere = elsewhere(root, includes);
    let mut resolver = Resolver::new(&named, elsewhere);
    let variables =
        root.get("variables").map(|v| vars::variables(&resolver.references(v))).unwrap_or_default();
    let (name, conditions) = match root.get("workflow") {
        Some(workflow) => self::workflow(workflow, spec, out),
        None => (None, Vec::new()),
    };
    let mut stages = Stages::read(root, &mut resolver, spec, includes, out);
    let defaults = defaults(root, &mut resolver, out);
    let mut cx = Context { spec, stages: &mut stages, includes };
    let mut jobs = Vec::new();
    for (i, &(name, value)) in named.iter().enumerate() {
        if GLOBAL_KEYS.contains(&name) {
            continue;
        }
        if name.starts_with('.') {
            // A template: resolved only to report its `extends` problems.
            if value.as_map().is_some() {
                resolver.extended(i);
            }
            continue;
        }
        if value.as_map().is_none() {
            out.push(wrong_type(
                value,
                &format!("the job `{name}`"),
                "a mapping (hide a template by starting its name with `.`)",
            ));
            continue;
        }
        let extended = resolver.extended(i);
        let resolved = extends::apply_defaults(&resolver.references(&extended), &defaults, out);
        let definition = Definition {
            name,
            key: keys[i],
            raw: value,
            resolved: &resolved,
            extends_failed: extends_failed(&resolver, value),
        };
        jobs.extend(job::read(&definition, &mut cx, out));
    }
    out.append(&mut resolver.diagnostics);
    if jobs.is_empty() {
        let templates = named.iter().filter(|(n, _)| n.starts_with('.')).count();
        out.push(findings::no_jobs(first_key(root), includes, templates));
    }
    Some(Config { name, conditions, stages, variables, jobs, elsewhere })
}

/// Where names this file does not define may come from: an included file, or, for a file
/// without `stages:` (a part made to be included), the configuration that includes it.
fn elsewhere(root: &Node, includes: bool) -> Option<&'static str> {
    if includes {
        Some("an included file, which is not read")
    } else if root.get("stages").is_none() && root.get("types").is_none() {
        Some(
            "the configuration that includes this file (it has no `stages:`, like a part made to be included)",
        )
    } else {
        None
    }
}

/// `workflow:`: the pipeline's name and its `rules`.
fn workflow(
    workflow: &Node,
    spec: &SpecInputs,
    out: &mut Vec<Diagnostic>,
) -> (Option<String>, Vec<Condition>) {
    check_keys(workflow, &["name", "rules", "auto_cancel"], "`workflow`", out);
    let name = workflow.get("name").and_then(Node::as_str).map(|n| spec.interpolate(n));
    (name, semantics::workflow_conditions(workflow))
}

/// What jobs inherit: `default:`, then the old top-level keys it does not set.
fn defaults(
    root: &Node,
    resolver: &mut Resolver,
    out: &mut Vec<Diagnostic>,
) -> Vec<(String, Node)> {
    let mut defaults: Vec<(String, Node)> = Vec::new();
    if let Some(default) = root.get("default") {
        let default = resolver.references(default);
        if default.as_map().is_none() && !default.is_null() {
            out.push(wrong_type(&default, "`default`", "a mapping"));
        }
        check_keys(&default, DEFAULT_KEYS, "`default`", out);
        for key in DEFAULT_KEYS {
            if let Some(v) = default.get(key) {
                defaults.push((key.to_string(), v.clone()));
            }
        }
    }
    for key in extends::GLOBAL_DEFAULT_KEYS {
        if let Some(v) = root.get(key) {
            if !defaults.iter().any(|(k, _)| k == key) {
                defaults.push((key.to_string(), resolver.references(v)));
            }
        }
    }
    defaults
}

/// Whether an `extends` written in the job's own text names nothing: the job then likely
/// lacks the `script` it meant to inherit, which is not reported again.
fn extends_failed(resolver: &Resolver, value: &Node) -> bool {
    resolver.diagnostics.iter().any(|d| {
        d.rule == &UNKNOWN_EXTENDS
            && value.span.start <= d.span.start
            && d.span.end <= value.span.end
    })
}

/// Where a finding about the whole file points: its first key.
fn first_key(root: &Node) -> Span {
    match root.as_map().and_then(|e| e.first()) {
        Some((k, _)) => k.span,
        None => root.span,
    }
}
