//! GitLab CI pipelines (`docs/dialects/gitlab.md`), read in three steps, as GitLab does:
//!
//! 1. templates resolved: `extends`, `!reference` and `default:` (`extends.rs`);
//! 2. the configuration read into typed parts (`config.rs`): the stages (`stages.rs`), and each
//!    job (`job.rs`) with its settings (`semantics.rs`: `when`, `allow_failure`, `retry`,
//!    conditions), its `needs` (`needs.rs`) and its instances (`parallel.rs`); every finding
//!    about the text is reported here;
//! 3. lowered into the model (`lower.rs`): tasks, matrix groups, `resource_group` and runner
//!    pools as resources, then `needs` and the stage order as dependencies (`link.rs`).
//!
//! A job without `needs` waits for every job of all earlier stages (so an empty stage lets
//! nothing start early); `needs` replaces that wait (`needs: []` starts at once). Findings
//! under rules the GitHub reader reports too are worded in one place (`findings.rs`).

mod config;
mod extends;
mod findings;
mod job;
mod link;
mod lower;
mod needs;
mod parallel;
mod semantics;
mod stages;
mod vars;

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::model::{Format, Inputs, Pipeline};
use crate::yaml::{self, Node};

pub use extends::{DEFAULT_KEYS, MAX_EXTENDS_DEPTH, MAX_REFERENCE_DEPTH};
pub use parallel::{Instance, MAX_INSTANCES};
pub use stages::{DEFAULT_STAGE, DEFAULT_STAGES};

/// Top-level keys that are not jobs.
pub const GLOBAL_KEYS: &[&str] = &[
    "default",
    "include",
    "stages",
    "types",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

/// Whether the documents of a YAML stream are a GitLab CI configuration.
pub fn looks_like(docs: &[&Node]) -> bool {
    let Some(root) = docs.first() else { return false };
    let Some(entries) = root.as_map() else { return false };
    if is_header(root) && docs.len() >= 2 {
        return true;
    }
    if let Some(stages) = root.get("stages").and_then(Node::as_seq) {
        if stages.iter().all(|s| s.as_str().is_some()) {
            return true;
        }
    }
    if ["include", "default", "workflow"].iter().any(|k| root.get(k).is_some()) {
        return true;
    }
    entries.iter().any(|(k, v)| {
        k.as_str().is_some_and(|k| k.starts_with('.')) && v.as_map().is_some()
            || ["script", "stage", "extends", "trigger"].iter().any(|key| v.get(key).is_some())
    })
}

/// Whether a document is a `spec:` header: a mapping with `spec` as its only key.
fn is_header(doc: &Node) -> bool {
    doc.as_map().is_some_and(|m| m.len() == 1) && doc.get("spec").is_some()
}

/// Whether a runner tag names a GitLab-hosted runner, which is taken as unlimited.
pub fn is_gitlab_hosted(tag: &str) -> bool {
    tag.to_ascii_lowercase().starts_with("saas-")
}

/// Reads a GitLab CI file. Never fails: returns what it could build.
pub fn read(text: &str, inputs: &Inputs) -> (Pipeline, Vec<Diagnostic>) {
    let documents = yaml::parse(text);
    let mut out = documents.diagnostics;
    let mut pipeline = Pipeline { format: Format::GitlabCi, ..Pipeline::default() };
    let docs: Vec<&Node> = documents.docs.iter().filter(|d| !d.is_null()).collect();
    let (header, config, extra) = match docs.as_slice() {
        [first, second, rest @ ..] if first.get("spec").is_some() => {
            (Some(*first), Some(*second), rest)
        }
        [first] if is_header(first) => (Some(*first), None, &[][..]),
        [first, rest @ ..] => (None, Some(*first), rest),
        [] => (None, None, &[][..]),
    };
    out.extend(extra.iter().map(|doc| findings::extra_document(doc.span)));
    let spec = header.map(|h| vars::SpecInputs::read(h, &mut out)).unwrap_or_default();
    match config {
        Some(root) => {
            if let Some(config) = config::read(root, &spec, &mut out) {
                lower::lower(config, inputs, &mut pipeline, &mut out);
            }
        }
        None if header.is_none() && out.is_empty() => out.push(findings::empty_file()),
        None => {}
    }
    dedup(&mut out);
    (pipeline, out)
}

/// GitLab merges a template's text into every job that extends it (and `default:` into every
/// job) before reading the job, so a finding about that text comes once per job that inherits
/// it: it is one finding, reported once.
fn dedup(diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: HashSet<(&'static str, u32, u32, String)> = HashSet::new();
    diagnostics.retain(|d| seen.insert((d.code(), d.span.start, d.span.end, d.message.clone())));
}

/// The items of a list, with nested lists (from `!reference`) spliced in.
fn flatten(node: &Node, out: &mut Vec<Node>) {
    match node.as_seq() {
        Some(items) => {
            for item in items {
                if item.as_seq().is_some() {
                    flatten(item, out);
                } else {
                    out.push(item.clone());
                }
            }
        }
        None if node.is_null() => {}
        None => out.push(node.clone()),
    }
}
