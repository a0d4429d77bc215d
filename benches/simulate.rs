//! `cargo bench --bench simulate`: how fast the simulation is, as ratios against a baseline
//! measured in the same process, so the figures mean the same on any machine.
//!
//! The baseline is the critical-path method (a topological pass computing earliest starts,
//! resources ignored): the least work any schedule of the same graph needs. The ratio says what
//! resource-aware discrete-event simulation costs on top of it.
//!
//! Cases: all 600 PSPLIB J120 instances (skipped when `../shared` is absent); synthetic
//! pipelines of 1,000, 10,000 and 20,000 tasks (the doubling shows the growth rate); one plan
//! run many times (what a Monte Carlo forecast does) against building it each time; and
//! 10,000 and 100,000 stages over 1,000 single-unit targets, where a dispatcher that scanned
//! every resource at every instant would grow quadratically.

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use common::median;

use pipescope::dialect::Dialect;
use pipescope::duration::Millis;
use pipescope::model::Pipeline;
use pipescope::sim::{Detail, Plan, Policy, RunInput, SimOptions, Simulator, simulate};
use pipescope::{AnalyzeOptions, analyze, synthetic};

/// Earliest finish of every task with unlimited resources (Kahn's algorithm).
fn critical_path_method(p: &Pipeline) -> u64 {
    let n = p.tasks.len();
    let mut indegree = vec![0u32; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, t) in p.tasks.iter().enumerate() {
        for d in t.deps.iter().filter_map(|d| d.target) {
            out[d.index()].push(i);
            indegree[i] += 1;
        }
        if let Some(parent) = t.parent {
            out[parent.index()].push(i);
            indegree[i] += 1;
        }
    }
    let mut start = vec![0u64; n];
    let mut queue: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut makespan = 0;
    while let Some(i) = queue.pop() {
        let end = start[i] + p.tasks[i].duration.nominal().0;
        makespan = makespan.max(end);
        for &j in &out[i] {
            start[j] = start[j].max(end);
            indegree[j] -= 1;
            if indegree[j] == 0 {
                queue.push(j);
            }
        }
    }
    makespan
}

fn report(name: &str, tasks: usize, baseline: Duration, measured: Duration) {
    println!(
        "{name:<34} {tasks:>7} tasks  {:>9.3} ms  baseline {:>8.3} ms  ratio {:>6.1}×",
        measured.as_secs_f64() * 1e3,
        baseline.as_secs_f64() * 1e3,
        measured.as_secs_f64() / baseline.as_secs_f64().max(1e-9)
    );
}

fn main() {
    let options = SimOptions::default();
    let j120 = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/psplib/j120");
    if j120.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(&j120)
            .expect("j120")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        let instances: Vec<Pipeline> = files
            .iter()
            .map(|f| {
                Dialect::Psplib
                    .read(&std::fs::read_to_string(f).expect("instance"), &Default::default())
                    .0
            })
            .collect();
        let tasks = instances.iter().map(|p| p.tasks.len()).sum();
        let baseline = median(21, || {
            for p in &instances {
                black_box(critical_path_method(black_box(p)));
            }
        });
        let measured = median(21, || {
            for p in &instances {
                let _ = black_box(simulate(black_box(p), &options));
            }
        });
        report("PSPLIB J120 (600 instances)", tasks, baseline, measured);
    } else {
        println!("PSPLIB J120: skipped, ../shared/bench/psplib is absent");
    }

    let mut previous: Option<(usize, Duration)> = None;
    for size in [1_000, 10_000, 20_000] {
        let text = synthetic::pipeline(size, 42);
        let analysis = analyze(&text, &AnalyzeOptions::default());
        let p = &analysis.pipeline;
        let baseline = median(21, || {
            black_box(critical_path_method(black_box(p)));
        });
        let measured = median(21, || {
            let _ = black_box(simulate(black_box(p), &options));
        });
        report(&format!("synthetic {size}: simulate"), p.tasks.len(), baseline, measured);
        let whole = median(11, || {
            black_box(analyze(black_box(&text), &AnalyzeOptions::default()));
        });
        report(&format!("synthetic {size}: read+lint+simulate"), p.tasks.len(), baseline, whole);
        if let Some((before_size, before)) = previous {
            println!(
                "{:<34} simulate time grew {:.1}× for {:.0}× the tasks",
                "",
                measured.as_secs_f64() / before.as_secs_f64(),
                size as f64 / before_size as f64
            );
        }
        previous = Some((size, measured));
    }

    plan_reuse();
    many_resources();
}

/// 100 runs of one plan (other durations each time, makespan only) against 100 times
/// building the plan and simulating in full, on the 10,000-task synthetic pipeline.
fn plan_reuse() {
    const RUNS: u64 = 100;
    let text = synthetic::pipeline(10_000, 42);
    let analysis = analyze(&text, &AnalyzeOptions::default());
    let p = &analysis.pipeline;
    let samples: Vec<Vec<Millis>> = (0..RUNS)
        .map(|k| {
            p.tasks.iter().map(|t| Millis(t.duration.nominal().0 * (8 + k % 5) / 10)).collect()
        })
        .collect();
    let rebuilt = median(5, || {
        for d in &samples {
            let plan = Plan::new(p, Policy::Fifo).expect("plan");
            let input = RunInput { durations: Some(d), failures: None, pickups: None };
            black_box(Simulator::new(&plan).run(&input, Detail::Full).expect("run"));
        }
    });
    let plan = Plan::new(p, Policy::Fifo).expect("plan");
    let mut sim = Simulator::new(&plan);
    let reused = median(5, || {
        for d in &samples {
            let input = RunInput { durations: Some(d), failures: None, pickups: None };
            black_box(sim.makespan(&input).expect("run"));
        }
    });
    report(&format!("{RUNS} runs, plan rebuilt, full"), p.tasks.len(), rebuilt, rebuilt);
    report(&format!("{RUNS} runs of one plan, makespan"), p.tasks.len(), rebuilt, reused);
}

/// The engine alone (building each plan included) on 10,000 and 100,000 stages over 1,000
/// targets; the growth should stay near n log n.
fn many_resources() {
    let mut previous: Option<(usize, Duration, Duration)> = None;
    for size in [10_000, 100_000] {
        let text = synthetic::many_targets(size, 1_000, 9);
        let analysis = analyze(&text, &AnalyzeOptions::default());
        let p = &analysis.pipeline;
        let baseline = median(11, || {
            black_box(critical_path_method(black_box(p)));
        });
        let measured = median(11, || {
            let _ = black_box(simulate(black_box(p), &SimOptions::default()));
        });
        report(&format!("1,000 targets, {size}: simulate"), p.tasks.len(), baseline, measured);
        if let Some((before_size, before, before_baseline)) = previous {
            // The linear baseline's growth shows what the memory hierarchy alone does to the
            // same graph (10,000 tasks fit in a core's cache, 100,000 do not).
            println!(
                "{:<34} simulate time grew {:.1}× for {:.0}× the tasks (at most 12× asked); the \
                 linear baseline grew {:.1}×",
                "",
                measured.as_secs_f64() / before.as_secs_f64(),
                size as f64 / before_size as f64,
                baseline.as_secs_f64() / before_baseline.as_secs_f64(),
            );
        }
        previous = Some((size, measured, baseline));
    }
}
