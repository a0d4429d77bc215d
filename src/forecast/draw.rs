//! One run's random draws: a duration for every task whose duration varies, how many of its
//! attempts fail for every task that can fail, and a pickup delay for every task whose delay
//! varies.
//!
//! The draws come from one seeded stream in task order, so a seed names one sequence of runs on
//! any machine, however the runs are split into chunks.

use std::sync::Arc;

use crate::duration::{DurationSpec, Millis};
use crate::sim::Plan;

/// The 90th percentile of the standard normal distribution.
const Z90: f64 = 1.281_551_565_544_600_4;

/// How one task's duration is drawn.
#[derive(Debug, Clone)]
enum Duration {
    /// `low + k · step` for a whole `k` up to `steps` (divided once here, not in every draw:
    /// a division costs as much as the rest of a draw).
    Uniform {
        low: u64,
        steps: u64,
        step: u64,
    },
    /// `exp(mu + sigma * z)` in milliseconds, rounded to a multiple of `step`.
    LogNormal {
        mu: f64,
        sigma: f64,
        step: u64,
    },
    Samples(Arc<[Millis]>),
}

/// Draws runs of one pipeline.
#[derive(Debug, Clone)]
pub struct Draws {
    random: Random,
    /// Tasks whose duration varies, with how.
    durations: Vec<(usize, Duration)>,
    /// Tasks that can fail: the chance one attempt fails and how many attempts there are.
    failures: Vec<(usize, f64, u32)>,
    /// Tasks whose wait for a runner varies, with how.
    pickups: Vec<(usize, Duration)>,
}

impl Draws {
    pub fn new(plan: &Plan, seed: u64) -> Draws {
        let mut durations = Vec::new();
        let mut failures = Vec::new();
        let mut pickups = Vec::new();
        for (i, task) in plan.pipeline().tasks.iter().enumerate() {
            // A stage's time and failures come from its steps.
            if task.is_group() {
                continue;
            }
            if task.duration.varies() {
                durations.push((i, Duration::of(&task.duration)));
            }
            if task.failure_rate > 0.0 {
                failures.push((i, task.failure_rate.min(1.0), plan.max_attempts(i)));
            }
            if task.pickup.varies() {
                pickups.push((i, Duration::of(&task.pickup)));
            }
        }
        let random = Random { rng: fastrand::Rng::with_seed(seed), spare: None };
        Draws { random, durations, failures, pickups }
    }

    /// Whether every run is the same (nothing varies, nothing can fail).
    pub fn is_fixed(&self) -> bool {
        self.durations.is_empty() && self.failures.is_empty() && self.pickups.is_empty()
    }

    /// Draws the next run into `durations` (which starts as the nominal ones and keeps the
    /// fixed ones), `failures` (failing attempts per task; all of them: the task fails) and
    /// `pickups` (like `durations`, the nominal ones to begin with).
    pub fn draw(&mut self, durations: &mut [Millis], failures: &mut [u32], pickups: &mut [Millis]) {
        for (i, how) in &self.durations {
            durations[*i] = self.random.duration(how);
        }
        for &(i, rate, attempts) in &self.failures {
            let mut failed = 0;
            while failed < attempts && self.random.rng.f64() < rate {
                failed += 1;
            }
            failures[i] = failed;
        }
        // Last, so that a pipeline without varying pickups draws what it always drew.
        for (i, how) in &self.pickups {
            pickups[*i] = self.random.duration(how);
        }
    }
}

/// The seeded stream the draws come from.
#[derive(Debug, Clone)]
struct Random {
    rng: fastrand::Rng,
    /// A second normal value left from the last pair the polar method made.
    spare: Option<f64>,
}

impl Random {
    /// One duration drawn as `how` says.
    fn duration(&mut self, how: &Duration) -> Millis {
        match *how {
            Duration::Uniform { low, steps, step } => Millis(low + step * self.rng.u64(0..=steps)),
            Duration::LogNormal { mu, sigma, step } => {
                let z = self.normal();
                let steps = ((mu + sigma * z).exp() / step as f64).round();
                // Ten years: what a duration may be at most.
                Millis((steps * step as f64).clamp(0.0, 315_360_000_000.0) as u64)
            }
            Duration::Samples(ref s) => s[self.rng.usize(0..s.len())],
        }
    }

    /// A standard normal value (Marsaglia's polar method: no trigonometry, two per round).
    fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.rng.f64() - 1.0;
            let v = 2.0 * self.rng.f64() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let factor = (-2.0 * s.ln() / s).sqrt();
                self.spare = Some(v * factor);
                return u * factor;
            }
        }
    }
}

impl Duration {
    fn of(spec: &DurationSpec) -> Duration {
        // Durations written in whole seconds are drawn in whole seconds: a timeline of `3m..5m`
        // reads 4:12, not 4:11.873.
        let step =
            |values: &[Millis]| if values.iter().all(|v| v.0 % 1000 == 0) { 1000 } else { 1 };
        match spec {
            DurationSpec::Fixed(ms) => Duration::Uniform { low: ms.0, steps: 0, step: 1 },
            DurationSpec::Uniform { low, high } => {
                let step = step(&[*low, *high]);
                Duration::Uniform { low: low.0, steps: high.0.saturating_sub(low.0) / step, step }
            }
            DurationSpec::LogNormal { p50, p90 } => {
                let mu = (p50.0.max(1) as f64).ln();
                let sigma = ((p90.0.max(1) as f64).ln() - mu).max(0.0) / Z90;
                Duration::LogNormal { mu, sigma, step: step(&[*p50, *p90]) }
            }
            DurationSpec::Samples(s) => Duration::Samples(s.clone()),
        }
    }
}
