//! Forecasts: the same plan run thousands of times with durations and failures drawn at
//! random from a seed, summarised as percentiles, a histogram, the chance of success, and per
//! task its end, how often it is critical, fails, and how many attempts it takes.
//!
//! A [`Forecaster`] advances in chunks of runs (the app's worker reports progress between
//! them); the draws come from one seeded stream, so the chunking never changes the result.
//! Memory does not grow with the number of runs: every distribution is a [`Sketch`].

mod draw;
mod sketch;

use serde::Serialize;

pub use draw::Draws;
pub use sketch::Sketch;

use crate::duration::Millis;
use crate::model::Pipeline;
use crate::sim::{Detail, Outcome, Plan, Policy, RunInput, SimError, Simulator};

/// Runs and seed when none are given.
pub const DEFAULT_RUNS: u32 = 10_000;
pub const DEFAULT_SEED: u64 = 1;
/// Bins of the makespan histogram.
pub const HISTOGRAM_BINS: usize = 50;

/// What a forecast found. Times serialise in seconds, like `simulate --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub runs: u32,
    pub seed: u64,
    pub makespan: Spread,
    /// The share of runs in which no failure that counts happened.
    pub success_probability: f64,
    pub tasks: Vec<TaskForecast>,
}

/// A distribution of times over the runs. A failed run's makespan is its last end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spread {
    pub mean: Millis,
    pub p50: Millis,
    pub p90: Millis,
    pub p99: Millis,
    pub min: Millis,
    pub max: Millis,
    pub histogram: Vec<Bin>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bin {
    pub from: Millis,
    pub to: Millis,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskForecast {
    pub id: String,
    /// When it ends, over the runs in which it ran; `None` if it never did.
    pub end: Option<Ends>,
    /// The share of runs in which it is on the critical path (slack zero).
    pub criticality: f64,
    /// The share of runs in which it failed (after its retries).
    pub failure_probability: f64,
    /// The share of runs in which another task's failure cancelled it.
    pub cancel_probability: f64,
    /// The mean number of attempts over the runs in which it started.
    pub mean_attempts: f64,
    /// The share of runs in which it ran at all (not skipped, cancelled before it started, or
    /// never started).
    pub run_probability: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ends {
    pub p50: Millis,
    pub p90: Millis,
}

/// What is counted per task over the runs.
#[derive(Debug, Clone, Default)]
struct TaskTally {
    end: Sketch,
    critical: u64,
    failed: u64,
    cancelled: u64,
    started: u64,
    attempts: u64,
}

/// Runs a plan again and again with drawn durations and failures, and tallies the outcomes.
pub struct Forecaster<'a, 'p> {
    plan: &'a Plan<'p>,
    sim: Simulator<'a, 'p>,
    draws: Draws,
    seed: u64,
    durations: Vec<Millis>,
    failures: Vec<u32>,
    pickups: Vec<Millis>,
    makespan: Sketch,
    succeeded: u64,
    tasks: Vec<TaskTally>,
}

impl<'a, 'p> Forecaster<'a, 'p> {
    pub fn new(plan: &'a Plan<'p>, seed: u64) -> Forecaster<'a, 'p> {
        let n = plan.len();
        Forecaster {
            plan,
            sim: Simulator::new(plan),
            draws: Draws::new(plan, seed),
            seed,
            durations: plan.nominal_durations().to_vec(),
            failures: vec![0; n],
            pickups: plan.nominal_pickups().to_vec(),
            makespan: Sketch::default(),
            succeeded: 0,
            tasks: vec![TaskTally::default(); n],
        }
    }

    /// How many runs are done.
    pub fn runs(&self) -> u32 {
        self.makespan.count() as u32
    }

    /// Does `runs` more runs.
    pub fn advance(&mut self, runs: u32) {
        for _ in 0..runs {
            self.draws.draw(&mut self.durations, &mut self.failures, &mut self.pickups);
            let input = RunInput {
                durations: Some(&self.durations),
                failures: Some(&self.failures),
                pickups: Some(&self.pickups),
            };
            // The buffers have one entry per task, as `check` wants: this cannot fail.
            let Ok(summary) = self.sim.run_summary(&input, Detail::Timings) else { return };
            self.makespan.record(summary.makespan);
            self.succeeded += u64::from(!summary.failed);
            for &t in self.sim.critical_tasks() {
                self.tasks[t.index()].critical += 1;
            }
            for (tally, (end, outcome, attempts)) in self.tasks.iter_mut().zip(self.sim.task_ends())
            {
                if let Some(end) = end {
                    tally.end.record(end);
                }
                tally.failed += u64::from(outcome == Outcome::Failed);
                tally.cancelled += u64::from(outcome == Outcome::Cancelled);
                if attempts > 0 {
                    tally.started += 1;
                    tally.attempts += u64::from(attempts);
                }
            }
        }
    }

    /// What the runs so far say.
    pub fn report(&self) -> Forecast {
        let runs = self.makespan.count();
        let share = |k: u64| if runs == 0 { 0.0 } else { k as f64 / runs as f64 };
        let m = &self.makespan;
        let pipeline = self.plan.pipeline();
        Forecast {
            runs: runs as u32,
            seed: self.seed,
            makespan: Spread {
                mean: m.mean(),
                p50: m.quantile(0.5),
                p90: m.quantile(0.9),
                p99: m.quantile(0.99),
                min: m.min(),
                max: m.max(),
                histogram: m
                    .histogram(HISTOGRAM_BINS)
                    .into_iter()
                    .map(|(from, to, count)| Bin { from, to, count })
                    .collect(),
            },
            success_probability: share(self.succeeded),
            tasks: self
                .tasks
                .iter()
                .zip(&pipeline.tasks)
                .map(|(t, task)| TaskForecast {
                    id: task.id.clone(),
                    end: (t.end.count() > 0)
                        .then(|| Ends { p50: t.end.quantile(0.5), p90: t.end.quantile(0.9) }),
                    criticality: share(t.critical),
                    failure_probability: share(t.failed),
                    cancel_probability: share(t.cancelled),
                    mean_attempts: if t.started == 0 {
                        0.0
                    } else {
                        t.attempts as f64 / t.started as f64
                    },
                    run_probability: share(t.started),
                })
                .collect(),
        }
    }
}

/// A whole forecast in one call.
pub fn forecast(
    pipeline: &Pipeline,
    policy: Policy,
    runs: u32,
    seed: u64,
) -> Result<Forecast, SimError> {
    let plan = Plan::new(pipeline, policy)?;
    let mut forecaster = Forecaster::new(&plan, seed);
    forecaster.advance(runs);
    Ok(forecaster.report())
}
