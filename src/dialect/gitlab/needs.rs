//! A job's `needs` as written: the jobs of this pipeline it names (all instances of a
//! `parallel` job, one by its instance name, or those a `parallel: matrix:` entry picks), with
//! their spans; needs of other projects or pipelines become notes. `link.rs` links them.

use crate::diagnostic::Diagnostic;
use crate::dialect::ci;
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::model;
use crate::model::Note;
use crate::span::Span;
use crate::yaml::{Node, Value};

use super::findings;
use super::flatten;
use super::parallel::{self, MatrixValue};
use super::vars::SpecInputs;

/// The keys of a `needs` entry written as a mapping.
const NEED_KEYS: &[&str] =
    &["job", "optional", "artifacts", "parallel", "pipeline", "project", "ref"];

/// A `needs` entry that names a job of this pipeline.
pub struct Need {
    pub name: String,
    pub span: Span,
    /// `optional: true`: the job may not be in the pipeline.
    pub optional: bool,
    /// `parallel: matrix:` of the entry: only these instances are needed.
    pub matrix: Option<Vec<Vec<MatrixValue>>>,
}

/// The `needs` of a job as written; needs of other projects or pipelines become `notes`.
pub fn read(
    job: &Node,
    spec: &SpecInputs,
    notes: &mut Vec<Note>,
    out: &mut Vec<Diagnostic>,
) -> Option<Vec<Need>> {
    // A null `needs` (such as a `!reference` that could not be resolved, which is reported)
    // says nothing: the stage order applies.
    let node = job.get("needs").filter(|n| !n.is_null())?;
    let mut items = Vec::new();
    match &node.value {
        Value::Seq(_) => flatten(node, &mut items),
        _ => items.push(node.clone()),
    }
    Some(items.iter().filter_map(|item| entry(item, spec, notes, out)).collect())
}

/// One entry: a job name, or a mapping with `job` (or with `project` or `pipeline`).
fn entry(
    item: &Node,
    spec: &SpecInputs,
    notes: &mut Vec<Note>,
    out: &mut Vec<Diagnostic>,
) -> Option<Need> {
    if let Some(name) = item.as_str() {
        let name = spec.interpolate(name);
        return Some(Need { name, span: item.span, optional: false, matrix: None });
    }
    if item.as_map().is_none() {
        out.push(wrong_type(item, "a `needs` entry", "a job name or a mapping with `job`"));
        return None;
    }
    check_keys(item, NEED_KEYS, "a `needs` entry", out);
    if item.get("project").is_some() || item.get("pipeline").is_some() {
        let text = format!(
            "{}: a job of another pipeline; not simulated",
            model::shorten(&ci::flow(item))
        );
        notes.push(ci::note_text("needs", text, item.span));
        return None;
    }
    let Some(job_node) = item.get("job") else {
        out.push(findings::need_without_job(item.span));
        return None;
    };
    let name = spec.interpolate(fields::text(job_node, "`needs: job`", out)?);
    let optional = item.get("optional").and_then(Node::as_bool).unwrap_or(false);
    let matrix =
        item.get("parallel").and_then(|p| p.get("matrix")).map(|m| parallel::combinations(m, out));
    Some(Need { name, span: job_node.span, optional, matrix })
}
