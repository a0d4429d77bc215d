//! GitHub Actions workflows, lowered into the model (`docs/dialects/github.md`).
//!
//! Jobs run in parallel unless `needs` orders them; a job is a group task whose steps run one
//! after another. A matrix becomes one job per combination, named as GitHub names them; a
//! `needs` on a matrix job waits for all of them. `max-parallel`, job-level `concurrency`,
//! self-hosted runner labels and the plan's limits on GitHub-hosted runners become resources;
//! `if:`, `continue-on-error` and `fail-fast` become the model's typed settings, other runtime
//! settings notes.
//!
//! Reading and building are two passes: the text is read into a typed intermediate form
//! (`form.rs`: the workflow, its jobs with their expanded matrix instances, steps and
//! settings), which raises every diagnostic about the text once; then `lower.rs` builds the
//! model from it.
//!
//! | file | what it reads or does |
//! |---|---|
//! | `workflow.rs` | the workflow's keys, its own `concurrency`, the jobs, `needs` resolved |
//! | `job.rs` | a job: its id, `strategy`, settings, and per instance its name, group, runner |
//! | `matrix.rs` | `strategy.matrix` expanded as GitHub documents it |
//! | `resources.rs` | `runs-on` (a runner pool or GitHub-hosted), `concurrency`, `max-parallel` |
//! | `steps.rs` | `steps` |
//! | `semantics.rs` | `if:`, `continue-on-error`, `timeout-minutes` |
//! | `shared_rules.rs` | the diagnostics of the rules shared with the GitLab reader |
//! | `lower.rs` | the intermediate form into tasks, dependencies and resources |

mod form;
mod job;
mod lower;
mod matrix;
mod resources;
mod semantics;
mod shared_rules;
mod steps;
mod workflow;

use crate::diagnostic::Diagnostic;
use crate::model::{Format, Inputs, Pipeline};
use crate::yaml::{self, Node};

pub use matrix::{Combination, MAX_COMBINATIONS};

/// Whether a YAML document is a GitHub Actions workflow: a `jobs:` mapping, with `on:` or
/// with jobs that have `runs-on`, `steps` or `uses`.
pub fn looks_like(root: &Node) -> bool {
    let Some(jobs) = root.get("jobs").and_then(Node::as_map) else { return false };
    root.get("on").is_some()
        || jobs
            .iter()
            .any(|(_, job)| ["runs-on", "steps", "uses"].iter().any(|k| job.get(k).is_some()))
}

/// Whether a label names a GitHub-hosted runner, whose jobs share the limits of the account's
/// plan (`model::GithubPlan`) rather than a runner pool.
pub fn is_github_hosted(label: &str) -> bool {
    let label = label.to_ascii_lowercase();
    ["ubuntu-", "windows-", "macos-"].iter().any(|p| label.starts_with(p))
}

/// Reads a workflow. Never fails: returns what it could build.
pub fn read(text: &str, inputs: &Inputs) -> (Pipeline, Vec<Diagnostic>) {
    let documents = yaml::parse(text);
    let mut diagnostics = documents.diagnostics;
    let mut pipeline = Pipeline { format: Format::GithubActions, ..Pipeline::default() };
    let workflow = match documents.docs.iter().find(|d| !d.is_null()) {
        Some(root) => workflow::read(root, &mut diagnostics),
        None => {
            if diagnostics.is_empty() {
                diagnostics.push(shared_rules::empty_file());
            }
            return (pipeline, diagnostics);
        }
    };
    lower::lower(&workflow, inputs, &mut pipeline, &mut diagnostics);
    (pipeline, diagnostics)
}
