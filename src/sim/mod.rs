//! A deterministic discrete-event simulation of a pipeline.
//!
//! A [`Plan`] holds what does not change between runs (built once from a pipeline and a
//! [`Policy`]); a [`Simulator`] holds the run state and reuses its buffers; a run records the
//! [`Detail`] asked for. [`simulate`] does the three for one full run. The dispatch rules are
//! described in `engine.rs`; they reproduce the published PSPLIB makespan sums
//! (`tests/psplib.rs`), which pins them down.

mod critical;
mod engine;
mod plan;
mod policy;
pub mod schedule;
mod slack;

use std::fmt;

use crate::model::Pipeline;
pub use engine::{Detail, RunInput, RunSummary, Simulator};
pub use plan::Plan;
pub use policy::{Policy, UnknownPolicy};
pub use schedule::*;

#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    pub policy: Policy,
}

/// An input that does not fit the plan: an override must give one value per task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimError {
    DurationsLength { expected: usize, got: usize },
    FailuresLength { expected: usize, got: usize },
    PickupsLength { expected: usize, got: usize },
    PriorityLength { expected: usize, got: usize },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, expected, got) = match *self {
            SimError::DurationsLength { expected, got } => ("durations", expected, got),
            SimError::FailuresLength { expected, got } => ("failure counts", expected, got),
            SimError::PickupsLength { expected, got } => ("pickup delays", expected, got),
            SimError::PriorityLength { expected, got } => ("priorities", expected, got),
        };
        write!(f, "{got} {what} given for a pipeline of {expected} tasks; one per task is needed")
    }
}

impl std::error::Error for SimError {}

/// Simulates the pipeline once, recording everything. Unresolved and self dependencies are
/// ignored (lint reports them); tasks that can never start (cycles, impossible demands) are
/// left unstarted with the reason.
pub fn simulate(pipeline: &Pipeline, options: &SimOptions) -> Result<Schedule, SimError> {
    let plan = Plan::new(pipeline, options.policy.clone())?;
    Ok(Simulator::new(&plan).run_as_planned(Detail::Full))
}
