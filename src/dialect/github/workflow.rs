//! The workflow read into the intermediate form: its keys, its own concurrency group, and its
//! jobs with their `needs` resolved.

use crate::diagnostic::Diagnostic;
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::span::Span;
use crate::yaml::Node;

use super::form::{Group, Workflow};
use super::resources::Concurrency;
use super::{job, shared_rules};

const WORKFLOW_KEYS: &[&str] =
    &["name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"];

/// Reads the workflow document `root`; what cannot be read is reported and left out.
pub fn read(root: &Node, out: &mut Vec<Diagnostic>) -> Workflow {
    let mut workflow = Workflow::default();
    if root.as_map().is_none() {
        out.push(wrong_type(root, "a workflow", "a mapping with `on:` and `jobs:`"));
        return workflow;
    }
    check_keys(root, WORKFLOW_KEYS, "a workflow", out);
    if let Some(name) = root.get("name") {
        workflow.name = fields::text(name, "`name`", out).map(str::to_string);
    }
    if root.get("on").is_none() {
        out.push(shared_rules::no_on(first_key(root)));
    }
    let group = root.get("concurrency").and_then(|node| workflow_group(node, out));
    let Some(jobs) = root.get("jobs") else {
        out.push(shared_rules::no_jobs(first_key(root)));
        return workflow;
    };
    let Some(entries) = jobs.as_map() else {
        out.push(wrong_type(jobs, "`jobs`", "a mapping of job ids to jobs"));
        return workflow;
    };
    workflow.jobs = entries
        .iter()
        .filter_map(|(key, body)| job::read(key, body, group.as_ref(), out))
        .collect();
    shared_rules::check_needs(&mut workflow.jobs, out);
    workflow
}

/// The workflow-level `concurrency` group: one run of the workflow at a time, which one
/// simulated run does not show.
fn workflow_group(node: &Node, out: &mut Vec<Diagnostic>) -> Option<Group> {
    let group = Concurrency::read(node, out)?.group(&|_| None);
    out.push(shared_rules::workflow_concurrency(node.span, &group.name));
    Some(group)
}

fn first_key(root: &Node) -> Span {
    match root.as_map().and_then(|e| e.first()) {
        Some((k, _)) => k.span,
        None => root.span,
    }
}
