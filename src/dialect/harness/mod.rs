//! Harness pipelines (NG YAML, as Harness exports them), lowered into the model. What is read
//! and how each construct is lowered is documented in `docs/dialects/harness.md`.
//!
//! - `pipeline.stages`: `- stage:` and `- parallel:` items, in order; a parallel group's
//!   members start together. Stage `dependsOn` (DAG pipelines) replaces the order.
//! - In a stage, `spec.execution.steps`: `- step:`, `- parallel:` and `- stepGroup:` (with its
//!   own steps), in order. `rollbackSteps` are listed as a note: they run only on failure.
//! - Ids: the stage `identifier`; steps `stage/step`; step groups `stage/group/step`.
//! - Looping strategies expand into instances ([`strategy`]); the automatic deployment lock is
//!   in [`deploy`]; Queue steps, Barrier steps and `dependsOn` are in [`flow`].
//! - Durations: real files have none. A step takes [`DEFAULT_STEP_DURATION`], or its
//!   `timeout` when shorter, marked estimated; a Wait step takes its `duration`.
//!
//! The file is read in two passes: [`parse`] turns the YAML into a typed intermediate form
//! ([`ir`]) and says everything there is to say about the text, once; [`lower`] expands the
//! loops of that form into tasks, so a looped item is read once whatever its instances.

mod deploy;
mod flow;
mod ids;
mod ir;
mod items;
mod keys;
mod lower;
mod parse;
mod semantics;
pub mod strategy;

use crate::diagnostic::Diagnostic;
use crate::lint::rules::missing_field;
use crate::model::Pipeline;
use crate::span::Span;
use crate::yaml::{self, Node};

use keys::ENTITIES;

/// What a step takes when the file says nothing (bounded by its `timeout`).
pub use crate::model::DEFAULT_DURATION as DEFAULT_STEP_DURATION;
/// How deeply step groups and parallel blocks may nest.
const MAX_DEPTH: u32 = 32;
/// Expansion stops adding instances beyond this many tasks.
pub const MAX_TASKS: usize = 20_000;

/// Whether the text looks like a Harness file: a Harness root key (`pipeline`, `template`, a
/// `stages` fragment, an entity such as `infrastructureDefinition`) and `identifier:` keys,
/// which Harness writes everywhere and the native format never uses (it says `id:`).
pub fn looks_like(text: &str) -> bool {
    let mut root_indent = usize::MAX;
    let mut roots: Vec<(usize, &str)> = Vec::new();
    let mut has_identifier = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let item = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        if item.starts_with("identifier:") {
            has_identifier = true;
        }
        if trimmed.starts_with('-') {
            continue;
        }
        if let Some((key, _)) = trimmed.split_once(':') {
            if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                root_indent = root_indent.min(indent);
                roots.push((indent, key));
            }
        }
    }
    let root_keys = roots.iter().filter(|(i, _)| *i == root_indent).map(|(_, k)| *k);
    let harness_root = |k: &str| {
        matches!(k, "pipeline" | "template" | "stages")
            || ENTITIES.iter().any(|(name, _)| *name == k)
    };
    has_identifier && root_keys.into_iter().any(harness_root)
}

/// Reads a Harness file. Never fails: returns what it could build.
pub fn read(text: &str) -> (Pipeline, Vec<Diagnostic>) {
    let documents = yaml::parse(text);
    let mut diagnostics = documents.diagnostics;
    let document = match documents.docs.iter().find(|d| !d.is_null()) {
        Some(root) => parse::document(root, &mut diagnostics),
        None => {
            if diagnostics.is_empty() {
                diagnostics
                    .push(missing_field::empty_file("a Harness pipeline starts with `pipeline:`"));
            }
            ir::Document::default()
        }
    };
    lower::lower(document, diagnostics)
}

fn join(path: &str, id: &str) -> String {
    if path.is_empty() { id.to_string() } else { format!("{path}/{id}") }
}

fn key_span(map: &Node, key: &str) -> Option<Span> {
    entry(map, key).map(|(k, _)| k.span)
}

fn entry<'n>(map: &'n Node, key: &str) -> Option<(&'n Node, &'n Node)> {
    map.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(k, v)| (k, v))
}
