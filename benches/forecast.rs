//! `cargo bench --bench forecast`: Monte Carlo runs per second, side by side with one
//! deterministic simulation of the same pipeline (measured in the same process).
//!
//! Cases: 30 jobs sharing a pool of 4 runners with uniform duration ranges (the issue's
//! figure: at least 1,000,000 runs per second on one core), the same with failures and
//! retries, and 100 tasks (10,000 runs, the browser's figure measured natively).
//!
//! `cargo bench --bench forecast -- WORD` runs only the cases whose name contains WORD. Each
//! line ends with a digest of the report, so a change that speeds runs up but changes what they
//! find shows (the same seed must give the same digest).

mod common;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::hint::black_box;

use common::median;

use pipescope::duration::{DurationSpec, Millis};
use pipescope::forecast::Forecaster;
use pipescope::model::Pipeline;
use pipescope::sim::{Plan, Policy, SimOptions, simulate};
use pipescope::{AnalyzeOptions, analyze};

/// `jobs` jobs in stages of five, each stage after the last, on a pool of 4 runners; every
/// duration a range of ±50% around 1 to 5 minutes, and, with `failing`, a 5% failure rate
/// with one retry.
pub fn pipeline(jobs: usize, failing: bool) -> Pipeline {
    let mut text = String::from("pipeline:\n  resources: {runners: 4}\n  stages:\n");
    for j in 0..jobs {
        let after = if j >= 5 {
            format!(", depends_on: [j{}, j{}]", j - 5, j - j % 5 - 1)
        } else {
            String::new()
        };
        let retries = if failing { ", retries: 1" } else { "" };
        text.push_str(&format!(
            "    - parallel:\n      - stage: {{id: j{j}, duration: {}m, uses: [runners]{after}{retries}}}\n",
            1 + j % 5
        ));
    }
    let mut p = analyze(&text, &AnalyzeOptions::default()).pipeline;
    for t in &mut p.tasks {
        let m = t.duration.nominal().0;
        t.duration = DurationSpec::Uniform { low: Millis(m / 2), high: Millis(m * 3 / 2) };
        if failing {
            t.failure_rate = 0.05;
        }
    }
    p
}

fn case(filter: Option<&str>, name: &str, p: &Pipeline, runs: u32) {
    if filter.is_some_and(|f| !name.contains(f)) {
        return;
    }
    let plan = Plan::new(p, Policy::Fifo).expect("plan");
    let once = median(51, || {
        black_box(simulate(black_box(p), &SimOptions::default()).expect("simulate"));
    });
    let mut report = None;
    let forecast = median(5, || {
        let mut f = Forecaster::new(&plan, 1);
        f.advance(runs);
        report = Some(black_box(f.report()));
    });
    let mut digest = DefaultHasher::new();
    serde_json::to_string(&report).expect("json").hash(&mut digest);
    let per_run = forecast.as_secs_f64() / f64::from(runs);
    println!(
        "{name:<40} {:>4} tasks  {runs:>7} runs {:>9.1} ms  {:>10.0} runs/s  one full simulation {:>7.1} µs ({:.1}× a forecast run)  digest {:016x}",
        p.tasks.len(),
        forecast.as_secs_f64() * 1e3,
        1.0 / per_run,
        once.as_secs_f64() * 1e6,
        once.as_secs_f64() / per_run,
        digest.finish(),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; the first other argument filters the cases.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let filter = filter.as_deref();
    case(filter, "30 jobs, runner pool, ranges", &pipeline(30, false), 1_000_000);
    case(filter, "30 jobs, pool, ranges, 5% failures", &pipeline(30, true), 1_000_000);
    case(filter, "100 jobs, runner pool, ranges", &pipeline(100, false), 10_000);
}
