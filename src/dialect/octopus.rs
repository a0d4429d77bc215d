//! Octopus Deploy deployment processes, lowered into the model (`docs/dialects/octopus.md`).
//!
//! Two spellings of the same process are read into one intermediate form (`ir.rs`) and
//! lowered by one function (`lower.rs`):
//!
//! - the config-as-code file `deployment_process.ocl` (parsed by [`super::ocl`], read by
//!   `ocl_form.rs`);
//! - YAML in pipescope's style with Octopus's words, under a `deployment_process:` root
//!   (`start: with-previous`, `roles`, `max_parallelism`; read by `yaml_form.rs`).
//!
//! Run conditions, scopes, retries and manual interventions are read by `semantics.rs` into
//! the model's typed fields. The reader records them; the rules word what follows from them.
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

mod ir;
mod lower;
mod ocl_form;
mod semantics;
mod yaml_form;

use crate::diagnostic::Diagnostic;
use crate::model::{Inputs, Pipeline};

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
    let (process, diagnostics) = ocl_form::read(text);
    lower::lower(process, inputs, diagnostics, text)
}

/// Reads the YAML spelling (`deployment_process:` root).
pub fn read_yaml(text: &str, inputs: &Inputs) -> (Pipeline, Vec<Diagnostic>) {
    let (process, diagnostics) = yaml_form::read(text);
    lower::lower(process, inputs, diagnostics, text)
}
