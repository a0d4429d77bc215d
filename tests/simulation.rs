//! The scheduling semantics of the own format, one rule per test, as rendered timelines.
//! Expectations are data: `UPDATE_EXPECT=1 cargo test --test simulation` rewrites them, and a
//! person reviews the diff.

mod common;

use common::timeline::Show;
use expect_test::{Expect, expect};
use pipescope::duration::Millis;
use pipescope::sim::{Detail, Plan, Policy, RunInput, SimOptions, Simulator, StartCause};
use pipescope::{AnalyzeOptions, analyze};

/// The timeline of `yaml` under `policy`, as the shared helper renders it.
fn timeline(yaml: &str, policy: Policy) -> String {
    let options = AnalyzeOptions { sim: SimOptions { policy }, ..Default::default() };
    common::timeline::timeline(yaml, &options, Show { notes: false, infos: true })
}

fn check(yaml: &str, expect: Expect) {
    expect.assert_eq(&timeline(yaml, Policy::Fifo));
}

const RELEASE: &str = r#"
pipeline:
  name: release
  resources:
    prod-cluster: 1
    runners: 3
  defaults:
    duration: 1m
  stages:
    - stage:
        id: build
        duration: 4m
        uses: [runners]
    - parallel:
        - stage:
            id: deploy-eu
            duration: 3m
            infrastructure: prod-eu
        - stage:
            id: deploy-us
            duration: 3m
            uses: {prod-cluster: 1, runners: 1}
    - stage:
        id: verify
        steps:
          - step: {id: smoke, duration: 45s}
          - step: {id: perf, duration: 2m, start: with-previous}
          - step: {id: report, duration: 10s, depends_on: [smoke]}
"#;

#[test]
fn the_release_example_from_the_format_docs() {
    check(
        RELEASE,
        expect![[r#"
            build 0:00–4:00 [runners/3]
            deploy-eu 4:00–7:00 [infrastructure prod-eu/1]
            deploy-us 4:00–7:00 [prod-cluster/1; runners/3]
            verify 7:00–9:00
              verify/smoke 7:00–7:45
              verify/perf 7:00–9:00
              verify/report 7:45–7:55
            makespan 9m · critical build → deploy-us → verify → verify/perf
        "#]],
    );
}

#[test]
fn items_of_a_list_run_one_after_another() {
    check(
        "pipeline:\n  stages:\n    - stage: {id: a, duration: 1m}\n    - stage: {id: b, duration: 2m}\n    - stage: {id: c}\n",
        expect![[r#"
            a 0:00–1:00
            b 1:00–3:00
            c 3:00–4:00
            makespan 4m · critical a → b → c
        "#]],
    );
}

#[test]
fn parallel_stages_on_one_infrastructure_run_one_after_another() {
    check(
        r#"
pipeline:
  stages:
    - parallel:
        - stage: {id: deploy-eu, duration: 3m, infrastructure: prod}
        - stage: {id: deploy-us, duration: 3m, infrastructure: prod}
"#,
        expect![[r#"
            ! warning PS107 parallel stages `deploy-eu` and `deploy-us` both hold infrastructure prod (capacity 1): they will run one after another, not in parallel
            deploy-eu 0:00–3:00 [infrastructure prod/1]
            deploy-us 3:00–6:00 [infrastructure prod/1] (waited 3m for infrastructure prod held by deploy-eu)
            makespan 6m · critical deploy-eu → deploy-us
        "#]],
    );
}

#[test]
fn different_infrastructures_or_allow_simultaneous_overlap() {
    check(
        r#"
pipeline:
  stages:
    - parallel:
        - stage: {id: eu, duration: 3m, infrastructure: prod-eu}
        - stage: {id: us, duration: 3m, infrastructure: prod-us}
        - stage: {id: eu-again, duration: 3m, infrastructure: prod-eu, allow_simultaneous: true}
"#,
        expect![[r#"
            eu 0:00–3:00 [infrastructure prod-eu/1]
            us 0:00–3:00 [infrastructure prod-us/1]
            eu-again 0:00–3:00
            makespan 3m · critical eu
        "#]],
    );
}

#[test]
fn with_previous_forms_a_block_the_next_item_waits_for() {
    check(
        r#"
pipeline:
  stages:
    - stage:
        id: s
        steps:
          - step: {id: a, duration: 1m}
          - step: {id: b, duration: 2m}
          - step: {id: c, duration: 1m, start: with-previous}
          - step: {id: d, duration: 3m, start: with-previous}
          - step: {id: e, duration: 1m}
"#,
        expect![[r#"
            s 0:00–5:00
              s/a 0:00–1:00
              s/b 1:00–3:00
              s/c 1:00–2:00
              s/d 1:00–4:00
              s/e 4:00–5:00 (waited 2m for s/d)
            makespan 5m · critical s → s/a → s/d → s/e
        "#]],
    );
}

#[test]
fn depends_on_replaces_the_implicit_wait_and_empty_means_at_stage_start() {
    check(
        r#"
pipeline:
  stages:
    - stage: {id: build, duration: 2m}
    - stage:
        id: test
        steps:
          - step: {id: unit, duration: 3m}
          - step: {id: lint, duration: 1m, depends_on: []}
          - step: {id: e2e, duration: 1m, depends_on: [build]}
          - step: {id: report, duration: 1m, depends_on: [unit, lint]}
"#,
        expect![[r#"
            ! warning PS108 `test/e2e` already waits for `build` through its stage `test`
            build 0:00–2:00
            test 2:00–6:00
              test/unit 2:00–5:00
              test/lint 2:00–3:00
              test/e2e 2:00–3:00
              test/report 5:00–6:00 (waited 2m for test/unit)
            makespan 6m · critical build → test → test/unit → test/report
        "#]],
    );
}

#[test]
fn a_diamond_of_dependencies() {
    check(
        r#"
pipeline:
  stages:
    - stage: {id: a, duration: 1m}
    - stage: {id: b, duration: 2m, depends_on: [a]}
    - stage: {id: c, duration: 5m, depends_on: [a]}
    - stage: {id: d, duration: 1m, depends_on: [b, c]}
"#,
        expect![[r#"
            a 0:00–1:00
            b 1:00–3:00
            c 1:00–6:00
            d 6:00–7:00 (waited 3m for c)
            makespan 7m · critical a → c → d
        "#]],
    );
}

#[test]
fn a_pool_smaller_than_the_fan_out_queues_in_ready_order() {
    check(
        r#"
pipeline:
  resources: {runners: 2}
  stages:
    - parallel:
        - stage: {id: t1, duration: 2m, uses: [runners]}
        - stage: {id: t2, duration: 3m, uses: [runners]}
        - stage: {id: t3, duration: 1m, uses: [runners]}
        - stage: {id: t4, duration: 1m, uses: [runners]}
"#,
        expect![[r#"
            ! info PS107 only 2 of the 4 parallel members using runners can run at once (capacity 2)
            t1 0:00–2:00 [runners/2]
            t2 0:00–3:00 [runners/2]
            t3 2:00–3:00 [runners/2] (waited 2m for runners held by t1 and t2)
            t4 3:00–4:00 [runners/2] (waited 3m for runners held by t1 and t2, then t3)
            makespan 4m · critical t1 → t3 → t4
        "#]],
    );
}

#[test]
fn a_task_that_does_not_fit_does_not_block_one_that_does() {
    // `big` needs both units and waits; `small`, later in the file, takes the free one.
    check(
        r#"
pipeline:
  resources: {runners: 2}
  stages:
    - stage: {id: first, duration: 2m, uses: [runners]}
    - parallel:
        - stage: {id: hold, duration: 4m, uses: [runners]}
        - stage: {id: big, duration: 1m, uses: {runners: 2}}
        - stage: {id: small, duration: 1m, uses: [runners]}
"#,
        expect![[r#"
            ! info PS107 only 2 of the 3 parallel members using runners can run at once (capacity 2)
            first 0:00–2:00 [runners/2]
            hold 2:00–6:00 [runners/2]
            big 6:00–7:00 [runners/2] (waited 4m for runners held by hold)
            small 2:00–3:00 [runners/2]
            makespan 7m · critical first → hold → big
        "#]],
    );
}

#[test]
fn policies_differ_when_an_earlier_ready_task_comes_later_in_the_file() {
    let yaml = r#"
pipeline:
  resources: {lock: 1}
  stages:
    - parallel:
        - stage: {id: holder, duration: 5m, uses: [lock]}
        - stage: {id: slow, duration: 2m}
        - stage: {id: early, duration: 1m}
    - parallel:
        - stage: {id: late, duration: 1m, uses: [lock], depends_on: [slow]}
        - stage: {id: first-ready, duration: 1m, uses: [lock], depends_on: [early]}
"#;
    // FIFO: first-ready was ready at 1:00, late at 2:00; first-ready goes first.
    expect![[r#"
        ! warning PS107 parallel stages `late` and `first-ready` both hold lock (capacity 1): they will run one after another, not in parallel
        holder 0:00–5:00 [lock/1]
        slow 0:00–2:00
        early 0:00–1:00
        late 6:00–7:00 [lock/1] (waited 4m for lock held by holder, then first-ready)
        first-ready 5:00–6:00 [lock/1] (waited 4m for lock held by holder)
        makespan 7m · critical holder → first-ready → late
    "#]]
    .assert_eq(&timeline(yaml, Policy::Fifo));
    // Document order: late comes first in the file.
    expect![[r#"
        ! warning PS107 parallel stages `late` and `first-ready` both hold lock (capacity 1): they will run one after another, not in parallel
        holder 0:00–5:00 [lock/1]
        slow 0:00–2:00
        early 0:00–1:00
        late 5:00–6:00 [lock/1] (waited 3m for lock held by holder)
        first-ready 6:00–7:00 [lock/1] (waited 5m for lock held by holder, then late)
        makespan 7m · critical holder → late → first-ready
    "#]]
    .assert_eq(&timeline(yaml, Policy::DocumentOrder));
}

#[test]
fn a_stage_holds_its_resource_for_its_whole_span() {
    check(
        r#"
pipeline:
  resources: {env: 1}
  stages:
    - parallel:
        - stage:
            id: a
            uses: [env]
            steps:
              - step: {id: one, duration: 1m}
              - step: {id: two, duration: 1m}
        - stage: {id: b, duration: 1m, uses: [env]}
"#,
        expect![[r#"
            ! warning PS107 parallel stages `a` and `b` both hold env (capacity 1): they will run one after another, not in parallel
            a 0:00–2:00 [env/1]
              a/one 0:00–1:00
              a/two 1:00–2:00
            b 2:00–3:00 [env/1] (waited 2m for env held by a)
            makespan 3m · critical a → a/one → a/two → b
        "#]],
    );
}

#[test]
fn a_step_needing_what_its_stage_holds_never_starts() {
    check(
        r#"
pipeline:
  resources: {db: 1}
  stages:
    - stage:
        id: migrate
        uses: [db]
        steps:
          - step: {id: apply, uses: [db]}
"#,
        expect![[r#"
            ! error PS111 `migrate/apply` never starts: it waits for db held by `migrate`, which cannot finish before it
            migrate 0:00–… [db/1] (never ends: some of its steps never start)
              migrate/apply never [db/1] (never starts: waits for db held by migrate, which never finishes)
            makespan 0s · critical 
        "#]],
    );
}

#[test]
fn a_cycle_leaves_its_tasks_unstarted_and_the_rest_runs() {
    check(
        r#"
pipeline:
  stages:
    - stage: {id: ok, duration: 1m, depends_on: []}
    - stage: {id: a, depends_on: [b]}
    - stage: {id: b, depends_on: [a]}
    - stage: {id: after, depends_on: [b]}
"#,
        expect![[r#"
            ! error PS103 dependency cycle: a → b → a
            ok 0:00–1:00
            a never (never starts: waits for b, which never finishes)
            b never (never starts: waits for a, which never finishes)
            after never (never starts: waits for b, which never finishes)
            makespan 1m · critical ok
        "#]],
    );
}

#[test]
fn the_critical_path_follows_a_resource_wait() {
    let analysis = analyze(
        "pipeline:\n  resources: {r: 1}\n  stages:\n    - parallel:\n        - stage: {id: x, duration: 2m, uses: [r]}\n        - stage: {id: y, duration: 1m, uses: [r]}\n",
        &AnalyzeOptions::default(),
    );
    let y = analysis.pipeline.find_task("y").unwrap();
    let x = analysis.pipeline.find_task("x").unwrap();
    assert!(matches!(
        analysis.schedule.timing(y).cause,
        Some(StartCause::Resource { released_by, .. }) if released_by == x
    ));
    assert_eq!(analysis.schedule.critical_path, vec![x, y]);
    assert_eq!(analysis.schedule.makespan, Millis(180_000));
}

#[test]
fn resource_usage_is_a_step_function_with_queue_lengths() {
    let analysis = analyze(
        "pipeline:\n  resources: {r: 1}\n  stages:\n    - parallel:\n        - stage: {id: x, duration: 2m, uses: [r]}\n        - stage: {id: y, duration: 1m, uses: [r]}\n",
        &AnalyzeOptions::default(),
    );
    let usage = &analysis.schedule.resources[0];
    let samples: Vec<(u64, u32, u32)> =
        usage.samples.iter().map(|s| (s.at.0 / 1000, s.in_use, s.queued)).collect();
    assert_eq!(samples, [(0, 1, 1), (120, 1, 0), (180, 0, 0)]);
    assert_eq!(usage.peak_in_use, 1);
    assert_eq!(usage.peak_queued, 1);
    assert_eq!(usage.busy, 180_000);
}

#[test]
fn busy_time_counts_each_interval_once_across_hand_overs() {
    // runners: build holds one unit 0–4m, deploy-us takes one at 4m as build gives it back.
    let analysis = analyze(RELEASE, &AnalyzeOptions::default());
    let runners = analysis.pipeline.find_resource("runners").unwrap();
    assert_eq!(analysis.schedule.resources[runners.index()].busy, 420_000);
}

#[test]
fn the_same_input_gives_the_same_trace() {
    let a = analyze(RELEASE, &AnalyzeOptions::default());
    let b = analyze(RELEASE, &AnalyzeOptions::default());
    assert_eq!(a.schedule, b.schedule);
    assert!(!a.schedule.trace.is_empty());
}

#[test]
fn what_if_durations_override_the_model() {
    let base = analyze(RELEASE, &AnalyzeOptions::default());
    let mut durations: Vec<Millis> =
        base.pipeline.tasks.iter().map(|t| t.duration.nominal()).collect();
    durations[0] = Millis(60_000); // build: 4m → 1m
    let plan = Plan::new(&base.pipeline, Policy::Fifo).unwrap();
    let input = RunInput { durations: Some(&durations), failures: None, pickups: None };
    let faster = Simulator::new(&plan).run(&input, Detail::Full).unwrap();
    assert_eq!(base.schedule.makespan.0 - faster.makespan.0, 180_000);
}
