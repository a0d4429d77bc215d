//! The reusable engine: one plan run many times, the recording levels, the failure events
//! (finish, fail, retry, cancel) with outcomes and attempts, checked overrides, priorities,
//! slack, and the trace a step-by-step replay reads.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use expect_test::expect;
use pipescope::dialect::Dialect;
use pipescope::duration::{Millis, clock};
use pipescope::model::{FailureAction, MatrixGroup, Pipeline, Retry, RunWhen, TaskIdx};
use pipescope::sim::{
    Detail, Outcome, Plan, Policy, RunInput, Schedule, SimError, Simulator, TraceKind,
};

/// Counts allocations, to show that a warm simulator runs a plan without allocating.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn read(yaml: &str) -> Pipeline {
    let (pipeline, diagnostics) = Dialect::Native.read(yaml, &Default::default());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    pipeline
}

fn idx(p: &Pipeline, id: &str) -> TaskIdx {
    p.find_task(id).unwrap_or_else(|| panic!("no task {id}"))
}

/// Runs with `failures` (task id → failing attempts), everything recorded.
fn run(p: &Pipeline, failures: &[(&str, u32)]) -> Schedule {
    let mut counts = vec![0u32; p.tasks.len()];
    for &(id, n) in failures {
        counts[idx(p, id).index()] = n;
    }
    let plan = Plan::new(p, Policy::Fifo).unwrap();
    let input = RunInput { durations: None, failures: Some(&counts), pickups: None };
    Simulator::new(&plan).run(&input, Detail::Full).unwrap()
}

/// `id outcome start–end ×attempts`, one line per task.
fn outcomes(p: &Pipeline, s: &Schedule) -> String {
    let mut out = String::new();
    for (task, t) in p.tasks.iter().zip(&s.tasks) {
        let span = match (t.start, t.end) {
            (Some(a), Some(b)) => format!(" {}–{}", clock(a), clock(b)),
            _ => String::new(),
        };
        let tries = if t.attempts > 1 { format!(" ×{}", t.attempts) } else { String::new() };
        out.push_str(&format!("{} {}{span}{tries}\n", task.id, t.outcome.name()));
    }
    out.push_str(&format!("makespan {}{}\n", s.makespan, if s.failed { ", failed" } else { "" }));
    out
}

const CHAIN: &str = "pipeline:
  stages:
    - stage: {id: build, duration: 2m}
    - parallel:
        - stage: {id: test, duration: 3m}
        - stage: {id: lint, duration: 1m}
    - stage: {id: deploy, duration: 1m}
    - stage: {id: notify, duration: 10s}
    - stage: {id: rollback, duration: 30s}
";

fn chain() -> Pipeline {
    let mut p = read(CHAIN);
    let notify = idx(&p, "notify").index();
    let rollback = idx(&p, "rollback").index();
    p.tasks[notify].when = RunWhen::Always;
    p.tasks[rollback].when = RunWhen::OnFailure;
    p
}

#[test]
fn without_failures_everything_succeeds_and_on_failure_tasks_are_skipped() {
    let p = chain();
    expect![[r#"
        build succeeded 0:00–2:00
        test succeeded 2:00–5:00
        lint succeeded 2:00–3:00
        deploy succeeded 5:00–6:00
        notify succeeded 6:00–6:10
        rollback skipped
        makespan 6m 10s
    "#]]
    .assert_eq(&outcomes(&p, &run(&p, &[])));
}

#[test]
fn a_failure_skips_what_waits_for_it_but_not_what_runs_always_or_on_failure() {
    let p = chain();
    // test fails at 5:00; lint, already running, finishes; deploy is skipped; notify runs
    // (always) and rollback runs (on failure) although deploy, between them, was skipped.
    expect![[r#"
        build succeeded 0:00–2:00
        test failed 2:00–5:00
        lint succeeded 2:00–3:00
        deploy skipped
        notify succeeded 5:00–5:10
        rollback succeeded 5:10–5:40
        makespan 5m 40s, failed
    "#]]
    .assert_eq(&outcomes(&p, &run(&p, &[("test", 1)])));
}

#[test]
fn an_allowed_failure_counts_as_a_success() {
    let mut p = chain();
    let test = idx(&p, "test").index();
    p.tasks[test].failure.allow = pipescope::model::AllowFailure::Yes;
    let s = run(&p, &[("test", 1)]);
    assert_eq!(s.timing(idx(&p, "test")).outcome, Outcome::Failed);
    assert_eq!(s.timing(idx(&p, "deploy")).outcome, Outcome::Succeeded);
    assert_eq!(s.timing(idx(&p, "rollback")).outcome, Outcome::Skipped);
    assert!(!s.failed);
}

#[test]
fn a_retry_runs_the_task_again_and_counts_its_attempts() {
    let mut p = chain();
    let test = idx(&p, "test").index();
    p.tasks[test].failure.retry = Some(Retry {
        max: 2,
        when: Vec::new(),
        interval: Millis(30_000),
        span: Default::default(),
    });
    // Two failing attempts (2:00–5:00, 5:30–8:30), a pause of 30s each, then one that succeeds.
    let s = run(&p, &[("test", 2)]);
    expect![[r#"
        build succeeded 0:00–2:00
        test succeeded 2:00–12:00 ×3
        lint succeeded 2:00–3:00
        deploy succeeded 12:00–13:00
        notify succeeded 13:00–13:10
        rollback skipped
        makespan 13m 10s
    "#]]
    .assert_eq(&outcomes(&p, &s));
    let kinds: Vec<&str> =
        s.trace.iter().filter(|e| e.task.index() == test).map(|e| e.kind.name()).collect();
    assert_eq!(
        kinds,
        [
            "ready", "started", "failed", "retried", "started", "failed", "retried", "started",
            "finished"
        ]
    );
    // Retries used up: the third failure is final.
    let s = run(&p, &[("test", 3)]);
    assert_eq!(s.timing(idx(&p, "test")).outcome, Outcome::Failed);
    assert_eq!(s.timing(idx(&p, "test")).attempts, 3);
}

const MATRIX: &str = "pipeline:
  stages:
    - parallel:
        - stage: {id: linux, duration: 5m}
        - stage: {id: mac, duration: 2m}
        - stage: {id: windows, duration: 8m, uses: [runner]}
        - stage: {id: bsd, duration: 1m, uses: [runner]}
    - stage: {id: report, duration: 1m}
  resources: {runner: 1}
";

#[test]
fn fail_fast_cancels_the_running_and_waiting_instances_of_a_matrix() {
    let mut p = read(MATRIX);
    let members = ["linux", "mac", "windows", "bsd"].map(|id| idx(&p, id)).to_vec();
    p.matrices.push(MatrixGroup {
        members,
        fail_fast: true,
        span: Default::default(),
        fail_fast_span: None,
    });
    let s = run(&p, &[("mac", 1)]);
    // mac fails at 2:00: linux and windows are stopped, bsd (queued for the runner) never
    // starts, report is skipped.
    expect![[r#"
        linux cancelled 0:00–2:00
        mac failed 0:00–2:00
        windows cancelled 0:00–2:00
        bsd cancelled
        report skipped
        makespan 2m, failed
    "#]]
    .assert_eq(&outcomes(&p, &s));
    let runner = p.find_resource("runner").unwrap();
    let cancelled_at_two: Vec<&str> = s
        .trace
        .iter()
        .filter(|e| e.kind == TraceKind::Cancel)
        .map(|e| p.tasks[e.task.index()].id.as_str())
        .collect();
    assert_eq!(cancelled_at_two, ["linux", "windows", "bsd"]);
    // The runner windows held is given back when it is cancelled.
    assert!(s.trace.iter().any(|e| e.kind == TraceKind::Released { resource: runner, units: 1 }
        && p.tasks[e.task.index()].id == "windows"
        && e.at == Millis(120_000)));

    // Without fail-fast, the others run on.
    p.matrices[0].fail_fast = false;
    let s = run(&p, &[("mac", 1)]);
    assert_eq!(s.timing(idx(&p, "windows")).outcome, Outcome::Succeeded);
    assert_eq!(s.timing(idx(&p, "bsd")).outcome, Outcome::Succeeded);
    assert_eq!(s.makespan, Millis(9 * 60_000));
}

#[test]
fn an_abort_cancels_everything_still_due() {
    let mut p = read(MATRIX);
    let mac = idx(&p, "mac").index();
    p.tasks[mac].failure.action = FailureAction::Abort;
    let s = run(&p, &[("mac", 1)]);
    let never: Vec<Outcome> = s.tasks.iter().map(|t| t.outcome).collect();
    assert_eq!(
        never,
        [
            Outcome::Cancelled,
            Outcome::Failed,
            Outcome::Cancelled,
            Outcome::Cancelled,
            Outcome::Cancelled
        ]
    );
}

#[test]
fn a_failing_step_fails_its_stage_and_skips_the_later_steps() {
    let p = read(
        "pipeline:
  stages:
    - stage:
        id: ci
        steps:
          - step: {id: compile, duration: 1m}
          - step: {id: unit, duration: 2m}
          - step: {id: package, duration: 1m}
    - stage: {id: ship, duration: 1m}
",
    );
    expect![[r#"
        ci failed 0:00–3:00
        ci/compile succeeded 0:00–1:00
        ci/unit failed 1:00–3:00
        ci/package skipped
        ship skipped
        makespan 3m, failed
    "#]]
    .assert_eq(&outcomes(&p, &run(&p, &[("ci/unit", 1)])));
}

#[test]
fn a_skipped_stage_takes_its_steps_with_it() {
    let p = read(
        "pipeline:
  stages:
    - stage: {id: build, duration: 1m}
    - stage:
        id: deploy
        steps:
          - step: {id: push, duration: 1m}
",
    );
    let s = run(&p, &[("build", 1)]);
    assert_eq!(s.timing(idx(&p, "deploy")).outcome, Outcome::Skipped);
    assert_eq!(s.timing(idx(&p, "deploy/push")).outcome, Outcome::Skipped);
    assert_eq!(s.never_started().count(), 0);
}

const RELEASE: &str = "pipeline:
  stages:
    - stage: {id: build, duration: 4m}
    - parallel:
        - stage: {id: deploy-eu, duration: 2m, uses: [prod]}
        - stage: {id: deploy-us, duration: 3m, uses: [prod]}
    - stage: {id: verify, duration: 1m}
  resources: {prod: 1}
";

#[test]
fn the_trace_has_every_step_a_replay_needs() {
    let p = read(RELEASE);
    let s = run(&p, &[]);
    let lines: Vec<String> = s
        .trace
        .iter()
        .map(|e| {
            let what = match e.kind {
                TraceKind::Queued(r) => format!(" on {}", p.resource(r).name),
                TraceKind::Acquired { resource, units }
                | TraceKind::Released { resource, units } => {
                    format!(" {units} of {}", p.resource(resource).name)
                }
                _ => String::new(),
            };
            format!("{} {} {}{what}", clock(e.at), p.tasks[e.task.index()].id, e.kind.name())
        })
        .collect();
    expect![[r#"
        0:00 build ready
        0:00 build started
        4:00 build finished
        4:00 deploy-eu ready
        4:00 deploy-us ready
        4:00 deploy-eu acquired 1 of prod
        4:00 deploy-eu started
        4:00 deploy-us queued on prod
        6:00 deploy-eu released 1 of prod
        6:00 deploy-eu finished
        6:00 deploy-us acquired 1 of prod
        6:00 deploy-us started
        9:00 deploy-us released 1 of prod
        9:00 deploy-us finished
        9:00 verify ready
        9:00 verify started
        10:00 verify finished"#]]
    .assert_eq(&lines.join("\n"));
}

#[test]
fn slack_is_zero_on_the_critical_path_and_counts_resource_hand_overs() {
    let p = read(
        "pipeline:
  stages:
    - stage: {id: build, duration: 4m}
    - parallel:
        - stage: {id: deploy-eu, duration: 2m, uses: [prod]}
        - stage: {id: deploy-us, duration: 3m, uses: [prod]}
        - stage: {id: docs, duration: 1m}
    - stage: {id: verify, duration: 1m}
  resources: {prod: 1}
",
    );
    let s = run(&p, &[]);
    let slack = |id: &str| s.timing(idx(&p, id)).slack.map(|m| m.0 / 1000);
    // deploy-eu hands prod to deploy-us: a dependency-only longest path would give it 1m.
    assert_eq!(slack("deploy-eu"), Some(0));
    assert_eq!(slack("deploy-us"), Some(0));
    assert_eq!(slack("docs"), Some(4 * 60)); // ends 5:00, verify starts at 9:00
    for &t in &s.critical_path {
        assert!(s.is_critical(t), "{} is on the path but has slack", p.task(t).id);
    }
    // A skipped task has no slack.
    let s = run(&p, &[("build", 1)]);
    assert_eq!(s.timing(idx(&p, "verify")).slack, None);
}

#[test]
fn the_critical_path_and_slack_run_through_a_skipped_task() {
    let mut p = read(
        "pipeline:
  stages:
    - stage: {id: compile, duration: 2m}
    - stage: {id: page, duration: 1m}
    - stage: {id: package, duration: 3m}
    - stage: {id: docs, duration: 1m}
",
    );
    let page = idx(&p, "page").index();
    p.tasks[page].when = RunWhen::OnFailure;
    let s = run(&p, &[]);
    let path: Vec<&str> = s.critical_path.iter().map(|&t| p.task(t).id.as_str()).collect();
    assert_eq!(path, ["compile", "package", "docs"]);
    for id in ["compile", "package", "docs"] {
        assert_eq!(s.timing(idx(&p, id)).slack, Some(Millis::ZERO), "{id}");
    }
}

#[test]
fn overrides_of_the_wrong_length_are_errors() {
    let p = read(RELEASE);
    let plan = Plan::new(&p, Policy::Fifo).unwrap();
    let mut sim = Simulator::new(&plan);
    let short = [Millis(1)];
    let input = RunInput { durations: Some(&short), failures: None, pickups: None };
    assert_eq!(
        sim.makespan(&input).unwrap_err(),
        SimError::DurationsLength { expected: 4, got: 1 }
    );
    let input = RunInput { durations: None, failures: Some(&[0, 0]), pickups: None };
    assert_eq!(sim.makespan(&input).unwrap_err(), SimError::FailuresLength { expected: 4, got: 2 });
    let err = Plan::new(&p, Policy::Priority(vec![1, 2])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 priorities given for a pipeline of 4 tasks; one per task is needed"
    );
}

#[test]
fn a_priority_vector_decides_who_gets_the_resource() {
    let p = read(RELEASE);
    let us_first = Policy::Priority(vec![0, 2, 1, 0]);
    let plan = Plan::new(&p, us_first).unwrap();
    let s = Simulator::new(&plan).run(&RunInput::default(), Detail::Full).unwrap();
    assert_eq!(s.timing(idx(&p, "deploy-us")).start, Some(Millis(4 * 60_000)));
    assert_eq!(s.timing(idx(&p, "deploy-eu")).start, Some(Millis(7 * 60_000)));
}

#[test]
fn one_plan_runs_many_times_without_allocating_and_levels_agree() {
    let text = pipescope::synthetic::pipeline(2_000, 7);
    let (p, _) = Dialect::Native.read(&text, &Default::default());
    let plan = Plan::new(&p, Policy::Fifo).unwrap();
    let mut sim = Simulator::new(&plan);
    let full = sim.run(&RunInput::default(), Detail::Full).unwrap();
    let timings = sim.run(&RunInput::default(), Detail::Timings).unwrap();
    assert_eq!(full.makespan, timings.makespan);
    for (a, b) in full.tasks.iter().zip(&timings.tasks) {
        assert_eq!((a.start, a.end, a.outcome), (b.start, b.end, b.outcome));
        assert!(b.waits.is_empty() && b.slack.is_none());
    }

    // Other durations each run, as a Monte Carlo forecast would draw them.
    let samples: Vec<Vec<Millis>> = (0..20u64)
        .map(|k| plan.nominal_durations().iter().map(|d| Millis(d.0 * (10 + k % 7) / 10)).collect())
        .collect();
    let expected: Vec<Millis> = samples
        .iter()
        .map(|d| {
            let input = RunInput { durations: Some(d), failures: None, pickups: None };
            sim.run(&input, Detail::Full).unwrap().makespan
        })
        .collect();
    // Warm the makespan-only buffers on every sample once (a queue grows to its largest), then
    // count a second pass.
    for d in &samples {
        sim.makespan(&RunInput { durations: Some(d), failures: None, pickups: None }).unwrap();
    }
    let mut got = Vec::with_capacity(samples.len());
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for d in &samples {
        got.push(
            sim.makespan(&RunInput { durations: Some(d), failures: None, pickups: None })
                .unwrap()
                .makespan,
        );
    }
    let allocated = ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert_eq!(got, expected);
    assert_eq!(allocated, 0, "{allocated} allocations in {} runs", samples.len());
}
