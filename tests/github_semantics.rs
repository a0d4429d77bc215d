//! The scheduling rules of GitHub Actions as pipescope simulates them, one rule per test, from
//! GitHub's documentation ("Using jobs in a workflow", "Running variations of jobs in a
//! workflow", "Control the concurrency of workflows and jobs", "Choosing the runner for a
//! job", "Reusing workflows"). Every step is estimated at 1m unless a test says otherwise.
//! `UPDATE_EXPECT=1 cargo test --test github_semantics` rewrites the expectations.

mod common;

use common::timeline::{Show, options, pipeline, task, timeline};
use expect_test::{Expect, expect};
use pipescope::AnalyzeOptions;
use pipescope::model::{GithubPlan, Inputs};

fn check(yaml: &str, expect: Expect) {
    expect.assert_eq(&timeline(
        yaml,
        &AnalyzeOptions::default(),
        Show { notes: false, infos: false },
    ));
}

fn check_with(yaml: &str, options: &AnalyzeOptions, expect: Expect) {
    expect.assert_eq(&timeline(yaml, options, Show { notes: false, infos: true }));
}

fn check_notes(yaml: &str, expect: Expect) {
    expect.assert_eq(&timeline(
        yaml,
        &AnalyzeOptions::default(),
        Show { notes: true, infos: true },
    ));
}

#[test]
fn jobs_run_in_parallel_and_steps_in_sequence() {
    check(
        r#"
on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cargo clippy
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: unit
        name: Unit tests
        run: |
          cargo test
          echo done
      - run: cargo test --doc
"#,
        expect![[r#"
            lint 0:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20]
              lint/1 0:00–1:00~ «actions/checkout@v4»
              lint/2 1:00–2:00~ «cargo clippy»
            test 0:00–3:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test/1 0:00–1:00~ «actions/checkout@v4»
              test/unit 1:00–2:00~ «Unit tests»
              test/3 2:00–3:00~ «cargo test --doc»
            makespan 3m · critical test → test/1 → test/unit → test/3
        "#]],
    );
}

#[test]
fn needs_orders_jobs_as_a_name_or_a_list() {
    check(
        r#"
on: push
jobs:
  build: {runs-on: ubuntu-latest, steps: [{run: make}, {run: make dist}]}
  test: {needs: build, runs-on: ubuntu-latest, steps: [{run: make test}]}
  lint: {runs-on: ubuntu-latest, steps: [{run: make lint}]}
  deploy: {needs: [test, lint], runs-on: ubuntu-latest, steps: [{run: make deploy}]}
"#,
        expect![[r#"
            build 0:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20]
              build/1 0:00–1:00~ «make»
              build/2 1:00–2:00~ «make dist»
            test 2:00–3:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test/1 2:00–3:00~ «make test»
            lint 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              lint/1 0:00–1:00~ «make lint»
            deploy 3:00–4:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 2m for test)
              deploy/1 3:00–4:00~ «make deploy»
            makespan 4m · critical build → build/1 → build/2 → test → test/1 → deploy → deploy/1
        "#]],
    );
}

/// "Expanding or adding matrix configurations": the documented example, and `needs` on a
/// matrix job waiting for every instance.
#[test]
fn a_matrix_becomes_named_instances_and_needs_waits_for_all() {
    check_with(
        r#"
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        fruit: [apple, pear]
        animal: [cat, dog]
        include:
          - color: green
          - color: pink
            animal: cat
          - fruit: apple
            shape: circle
          - fruit: banana
          - fruit: banana
            animal: cat
    steps: [{run: "echo ${{ matrix.fruit }}"}]
  report:
    needs: test
    runs-on: ubuntu-latest
    steps: [{run: report}]
"#,
        &options(&[("test (pear, dog, green)/1", "3m")], &[]),
        expect![[r#"
            ! info PS309 GitHub-hosted jobs share the account's concurrency limit: 20 jobs at a time (5 on macOS) on the Free plan, assumed
            test (apple, cat, pink, circle) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (apple, cat, pink, circle)/1 0:00–1:00~ «echo apple»
            test (apple, dog, green, circle) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (apple, dog, green, circle)/1 0:00–1:00~ «echo apple»
            test (pear, cat, pink) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (pear, cat, pink)/1 0:00–1:00~ «echo pear»
            test (pear, dog, green) 0:00–3:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (pear, dog, green)/1 0:00–3:00 «echo pear»
            test (banana) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (banana)/1 0:00–1:00~ «echo banana»
            test (banana, cat) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (banana, cat)/1 0:00–1:00~ «echo banana»
            report 3:00–4:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 2m for test (pear, dog, green))
              report/1 3:00–4:00~ «report»
            makespan 4m · critical test (pear, dog, green) → test (pear, dog, green)/1 → report → report/1
        "#]],
    );
}

#[test]
fn exclude_removes_combinations_and_names_use_matrix_expressions() {
    check(
        r#"
on: push
jobs:
  build:
    name: Build on ${{ matrix.os }}
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest, macos-latest]
        node: [18, 20]
        exclude:
          - os: macos-latest
          - {os: windows-latest, node: 18}
    steps: [{run: npm test}]
"#,
        expect![[r#"
            build (ubuntu-latest, 18) 0:00–1:00 «Build on ubuntu-latest» [runner pool GitHub-hosted runners (Free plan)/20]
              build (ubuntu-latest, 18)/1 0:00–1:00~ «npm test»
            build (ubuntu-latest, 20) 0:00–1:00 «Build on ubuntu-latest» [runner pool GitHub-hosted runners (Free plan)/20]
              build (ubuntu-latest, 20)/1 0:00–1:00~ «npm test»
            build (windows-latest, 20) 0:00–1:00 «Build on windows-latest» [runner pool GitHub-hosted runners (Free plan)/20]
              build (windows-latest, 20)/1 0:00–1:00~ «npm test»
            makespan 1m · critical build (ubuntu-latest, 18) → build (ubuntu-latest, 18)/1
        "#]],
    );
}

/// "Defining the maximum number of concurrent jobs": `max-parallel` caps the instances.
#[test]
fn max_parallel_caps_how_many_instances_run_at_once() {
    check(
        r#"
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      max-parallel: 2
      fail-fast: false
      matrix: {shard: [1, 2, 3, 4, 5]}
    steps: [{run: "test ${{ matrix.shard }}"}]
"#,
        expect![[r#"
            test (1) 0:00–1:00 [parallelism limit test/2; runner pool GitHub-hosted runners (Free plan)/20]
              test (1)/1 0:00–1:00~ «test 1»
            test (2) 0:00–1:00 [parallelism limit test/2; runner pool GitHub-hosted runners (Free plan)/20]
              test (2)/1 0:00–1:00~ «test 2»
            test (3) 1:00–2:00 [parallelism limit test/2; runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for parallelism limit test held by test (1) and test (2))
              test (3)/1 1:00–2:00~ «test 3»
            test (4) 1:00–2:00 [parallelism limit test/2; runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for parallelism limit test held by test (1) and test (2))
              test (4)/1 1:00–2:00~ «test 4»
            test (5) 2:00–3:00 [parallelism limit test/2; runner pool GitHub-hosted runners (Free plan)/20] (waited 2m for parallelism limit test held by test (1) and test (2), then test (4))
              test (5)/1 2:00–3:00~ «test 5»
            makespan 3m · critical test (2) → test (2)/1 → test (4) → test (4)/1 → test (5) → test (5)/1
        "#]],
    );
}

#[test]
fn a_max_parallel_that_is_not_a_positive_integer_is_an_error() {
    check(
        r#"
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy: {max-parallel: 0, matrix: {v: [1, 2]}}
    steps: [{run: t}]
"#,
        expect![[r#"
            ! error PS304 `max-parallel` of `test` is `0`; it must be a whole number of at least 1; the instances are not capped
            test (1) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (1)/1 0:00–1:00~ «t»
            test (2) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (2)/1 0:00–1:00~ «t»
            makespan 1m · critical test (1) → test (1)/1
        "#]],
    );
}

/// "Using concurrency in different scenarios": one job of a group runs at a time; the others
/// queue. Groups with expressions are compared as text.
#[test]
fn a_concurrency_group_lets_one_job_run_at_a_time_and_shows_the_queue() {
    check_notes(
        r#"
on: push
concurrency: ci-${{ github.ref }}
jobs:
  deploy-staging:
    runs-on: ubuntu-latest
    concurrency: deploy
    steps: [{run: deploy staging}, {run: smoke}]
  deploy-prod:
    runs-on: ubuntu-latest
    concurrency: {group: deploy, cancel-in-progress: false}
    steps: [{run: deploy prod}]
  docs:
    runs-on: ubuntu-latest
    concurrency: docs-${{ github.ref }}
    steps: [{run: publish}]
"#,
        expect![[r#"
            ! info PS312 workflow-level `concurrency` (group `ci-${{ github.ref }}`) lets one run of the workflow at a time; one run is simulated, so it changes nothing here
            ! info PS309 GitHub-hosted jobs share the account's concurrency limit: 20 jobs at a time (5 on macOS) on the Free plan, assumed
            ! warning PS305 `deploy-staging`, `deploy-prod` share the concurrency group `deploy` and nothing orders them: they run one at a time
            deploy-staging 0:00–2:00 [concurrency group deploy/1; runner pool GitHub-hosted runners (Free plan)/20]
              # concurrency: group `deploy`
              deploy-staging/1 0:00–1:00~ «deploy staging»
              deploy-staging/2 1:00–2:00~ «smoke»
            deploy-prod 2:00–3:00 [concurrency group deploy/1; runner pool GitHub-hosted runners (Free plan)/20] (waited 2m for concurrency group deploy held by deploy-staging)
              # concurrency: group `deploy`
              # cancel-in-progress: false
              deploy-prod/1 2:00–3:00~ «deploy prod»
            docs 0:00–1:00 [concurrency group docs-${{ github.ref }}/1; runner pool GitHub-hosted runners (Free plan)/20]
              # concurrency: group `docs-${{ github.ref }}`: its expressions are not evaluated; jobs share the group when this text is the same
              docs/1 0:00–1:00~ «publish»
            makespan 3m · critical deploy-staging → deploy-staging/1 → deploy-staging/2 → deploy-prod → deploy-prod/1
        "#]],
    );
}

#[test]
fn a_concurrency_group_per_matrix_value_keeps_instances_apart() {
    check(
        r#"
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    concurrency: deploy-${{ matrix.region }}
    strategy: {matrix: {region: [eu, us], tier: [a, b]}}
    steps: [{run: deploy}]
"#,
        expect![[r#"
            ! warning PS305 `deploy (eu, a)`, `deploy (eu, b)` share the concurrency group `deploy-eu` and nothing orders them: they run one at a time
            ! warning PS305 `deploy (us, a)`, `deploy (us, b)` share the concurrency group `deploy-us` and nothing orders them: they run one at a time
            deploy (eu, a) 0:00–1:00 [concurrency group deploy-eu/1; runner pool GitHub-hosted runners (Free plan)/20]
              deploy (eu, a)/1 0:00–1:00~ «deploy»
            deploy (eu, b) 1:00–2:00 [concurrency group deploy-eu/1; runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for concurrency group deploy-eu held by deploy (eu, a))
              deploy (eu, b)/1 1:00–2:00~ «deploy»
            deploy (us, a) 0:00–1:00 [concurrency group deploy-us/1; runner pool GitHub-hosted runners (Free plan)/20]
              deploy (us, a)/1 0:00–1:00~ «deploy»
            deploy (us, b) 1:00–2:00 [concurrency group deploy-us/1; runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for concurrency group deploy-us held by deploy (us, a))
              deploy (us, b)/1 1:00–2:00~ «deploy»
            makespan 2m · critical deploy (eu, a) → deploy (eu, a)/1 → deploy (eu, b) → deploy (eu, b)/1
        "#]],
    );
}

/// Self-hosted labels share a pool sized by the user (1 runner unless told); GitHub-hosted
/// runners are limited by the account's plan (below).
#[test]
fn self_hosted_labels_are_a_pool_that_the_user_can_size() {
    let yaml = r#"
on: push
jobs:
  a: {runs-on: [self-hosted, linux], steps: [{run: a}]}
  b: {runs-on: [linux, self-hosted], steps: [{run: b}]}
  c: {runs-on: [self-hosted, linux], steps: [{run: c}]}
  d: {runs-on: ubuntu-latest, steps: [{run: d}]}
  e: {runs-on: gpu-box, steps: [{run: e}]}
"#;
    check_with(
        yaml,
        &AnalyzeOptions::default(),
        expect![[r#"
            ! info PS309 runner pool `linux+self-hosted` is assumed to have 1 runner: jobs on it run one at a time
            ! info PS309 GitHub-hosted jobs share the account's concurrency limit: 20 jobs at a time (5 on macOS) on the Free plan, assumed
            ! info PS309 runner pool `gpu-box` is assumed to have 1 runner: jobs on it run one at a time
            a 0:00–1:00 [runner pool linux+self-hosted/1]
              a/1 0:00–1:00~ «a»
            b 1:00–2:00 [runner pool linux+self-hosted/1] (waited 1m for runner pool linux+self-hosted held by a)
              b/1 1:00–2:00~ «b»
            c 2:00–3:00 [runner pool linux+self-hosted/1] (waited 2m for runner pool linux+self-hosted held by a, then b)
              c/1 2:00–3:00~ «c»
            d 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              d/1 0:00–1:00~ «d»
            e 0:00–1:00 [runner pool gpu-box/1]
              e/1 0:00–1:00~ «e»
            makespan 3m · critical a → a/1 → b → b/1 → c → c/1
        "#]],
    );
    check_with(
        yaml,
        &options(&[], &[("self-hosted", 5), ("linux", 2)]),
        expect![[r#"
            ! info PS309 GitHub-hosted jobs share the account's concurrency limit: 20 jobs at a time (5 on macOS) on the Free plan, assumed
            ! info PS309 runner pool `gpu-box` is assumed to have 1 runner: jobs on it run one at a time
            a 0:00–1:00 [runner pool linux+self-hosted/2]
              a/1 0:00–1:00~ «a»
            b 0:00–1:00 [runner pool linux+self-hosted/2]
              b/1 0:00–1:00~ «b»
            c 1:00–2:00 [runner pool linux+self-hosted/2] (waited 1m for runner pool linux+self-hosted held by a and b)
              c/1 1:00–2:00~ «c»
            d 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              d/1 0:00–1:00~ «d»
            e 0:00–1:00 [runner pool gpu-box/1]
              e/1 0:00–1:00~ «e»
            makespan 2m · critical b → b/1 → c → c/1
        "#]],
    );
}

/// The jobs alone, without their steps: a matrix of 30 is long enough as it is.
fn check_jobs(yaml: &str, options: &AnalyzeOptions, expect: Expect) {
    let all = timeline(yaml, options, Show { notes: false, infos: true });
    let jobs: Vec<&str> = all.lines().filter(|l| !l.starts_with(' ')).collect();
    expect.assert_eq(&(jobs.join("\n") + "\n"));
}

/// The plan, and nothing else.
fn plan(plan: GithubPlan) -> AnalyzeOptions {
    let inputs = Inputs { plan: Some(plan), ..Inputs::default() };
    AnalyzeOptions { inputs, ..AnalyzeOptions::default() }
}

const THIRTY_HOSTED_AND_ONE_SELF_HOSTED: &str = r#"
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]
    steps: [{run: "test ${{ matrix.n }}"}]
  bench:
    runs-on: [self-hosted, bench]
    steps: [{run: bench}]
  docs:
    needs: bench
    uses: ./.github/workflows/docs.yml
"#;

/// "Actions limits": the account's plan caps how many jobs run at once on GitHub-hosted
/// standard runners, 20 on the Free plan, which is assumed (said once, as information).
/// A self-hosted job and a reusable workflow's call hold none of them.
#[test]
fn the_free_plan_runs_twenty_hosted_jobs_at_a_time() {
    check_jobs(
        THIRTY_HOSTED_AND_ONE_SELF_HOSTED,
        &AnalyzeOptions::default(),
        expect![[r#"
            ! info PS309 GitHub-hosted jobs share the account's concurrency limit: 20 jobs at a time (5 on macOS) on the Free plan, assumed
            ! info PS309 runner pool `bench+self-hosted` is assumed to have 1 runner: jobs on it run one at a time
            test (1) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (2) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (3) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (4) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (5) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (6) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (7) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (8) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (9) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (10) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (11) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (12) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (13) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (14) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (15) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (16) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (17) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (18) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (19) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (20) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
            test (21) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for runner pool GitHub-hosted runners (Free plan) held by test (1), test (2), test (3) and 17 more, then test (20))
            test (22) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for runner pool GitHub-hosted runners (Free plan) held by test (1), test (2), test (3) and 17 more, then test (20))
            test (23) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for runner pool GitHub-hosted runners (Free plan) held by test (1), test (2), test (3) and 17 more, then test (20))
            test (24) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for runner pool GitHub-hosted runners (Free plan) held by test (1), test (2), test (3) and 17 more, then test (20))
            test (25) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for runner pool GitHub-hosted runners (Free plan) held by test (1), test (2), test (3) and 17 more, then test (20))
            test (26) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for runner pool GitHub-hosted runners (Free plan) held by test (1), test (2), test (3) and 17 more, then test (20))
            test (27) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for runner pool GitHub-hosted runners (Free plan) held by test (1), test (2), test (3) and 17 more, then test (20))
            test (28) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for runner pool GitHub-hosted runners (Free plan) held by test (1), test (2), test (3) and 17 more, then test (20))
            test (29) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for runner pool GitHub-hosted runners (Free plan) held by test (1), test (2), test (3) and 17 more, then test (20))
            test (30) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20] (waited 1m for runner pool GitHub-hosted runners (Free plan) held by test (1), test (2), test (3) and 17 more, then test (20))
            bench 0:00–1:00 [runner pool bench+self-hosted/1]
            docs 1:00–2:00~
            makespan 2m · critical test (20) → test (20)/1 → test (21) → test (21)/1
        "#]],
    );
}

/// On the Team plan, 60 jobs run at once: none of the 30 waits.
#[test]
fn the_team_plan_runs_all_thirty_at_once() {
    check_jobs(
        THIRTY_HOSTED_AND_ONE_SELF_HOSTED,
        &plan(GithubPlan::Team),
        expect![[r#"
            ! info PS309 runner pool `bench+self-hosted` is assumed to have 1 runner: jobs on it run one at a time
            test (1) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (2) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (3) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (4) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (5) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (6) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (7) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (8) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (9) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (10) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (11) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (12) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (13) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (14) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (15) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (16) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (17) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (18) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (19) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (20) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (21) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (22) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (23) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (24) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (25) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (26) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (27) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (28) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (29) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            test (30) 0:00–1:00 [runner pool GitHub-hosted runners (Team plan)/60]
            bench 0:00–1:00 [runner pool bench+self-hosted/1]
            docs 1:00–2:00~
            makespan 2m · critical bench → bench/1 → docs
        "#]],
    );
}

/// macOS jobs also share a smaller limit: 5 at a time on the Free plan (50 on Enterprise),
/// while the other hosted jobs run beside them.
#[test]
fn macos_jobs_run_five_at_a_time() {
    let yaml = r#"
on: push
jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [macos-latest, ubuntu-latest]
        n: [1, 2, 3, 4, 5, 6, 7]
    steps: [{run: "test ${{ matrix.n }}"}]
"#;
    check_jobs(
        yaml,
        &AnalyzeOptions::default(),
        expect![[r#"
        ! info PS309 GitHub-hosted jobs share the account's concurrency limit: 20 jobs at a time (5 on macOS) on the Free plan, assumed
        test (macos-latest, 1) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20; runner pool GitHub-hosted macOS runners (Free plan)/5]
        test (macos-latest, 2) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20; runner pool GitHub-hosted macOS runners (Free plan)/5]
        test (macos-latest, 3) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20; runner pool GitHub-hosted macOS runners (Free plan)/5]
        test (macos-latest, 4) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20; runner pool GitHub-hosted macOS runners (Free plan)/5]
        test (macos-latest, 5) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20; runner pool GitHub-hosted macOS runners (Free plan)/5]
        test (macos-latest, 6) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20; runner pool GitHub-hosted macOS runners (Free plan)/5] (waited 1m for runner pool GitHub-hosted macOS runners (Free plan) held by test (macos-latest, 1), test (macos-latest, 2), test (macos-latest, 3) and 2 more)
        test (macos-latest, 7) 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20; runner pool GitHub-hosted macOS runners (Free plan)/5] (waited 1m for runner pool GitHub-hosted macOS runners (Free plan) held by test (macos-latest, 1), test (macos-latest, 2), test (macos-latest, 3) and 2 more)
        test (ubuntu-latest, 1) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
        test (ubuntu-latest, 2) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
        test (ubuntu-latest, 3) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
        test (ubuntu-latest, 4) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
        test (ubuntu-latest, 5) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
        test (ubuntu-latest, 6) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
        test (ubuntu-latest, 7) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
        makespan 2m · critical test (macos-latest, 5) → test (macos-latest, 5)/1 → test (macos-latest, 6) → test (macos-latest, 6)/1
    "#]],
    );
    check_jobs(
        yaml,
        &plan(GithubPlan::Enterprise),
        expect![[r#"
        test (macos-latest, 1) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500; runner pool GitHub-hosted macOS runners (Enterprise plan)/50]
        test (macos-latest, 2) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500; runner pool GitHub-hosted macOS runners (Enterprise plan)/50]
        test (macos-latest, 3) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500; runner pool GitHub-hosted macOS runners (Enterprise plan)/50]
        test (macos-latest, 4) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500; runner pool GitHub-hosted macOS runners (Enterprise plan)/50]
        test (macos-latest, 5) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500; runner pool GitHub-hosted macOS runners (Enterprise plan)/50]
        test (macos-latest, 6) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500; runner pool GitHub-hosted macOS runners (Enterprise plan)/50]
        test (macos-latest, 7) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500; runner pool GitHub-hosted macOS runners (Enterprise plan)/50]
        test (ubuntu-latest, 1) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500]
        test (ubuntu-latest, 2) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500]
        test (ubuntu-latest, 3) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500]
        test (ubuntu-latest, 4) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500]
        test (ubuntu-latest, 5) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500]
        test (ubuntu-latest, 6) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500]
        test (ubuntu-latest, 7) 0:00–1:00 [runner pool GitHub-hosted runners (Enterprise plan)/500]
        makespan 1m · critical test (macos-latest, 1) → test (macos-latest, 1)/1
    "#]],
    );
}

#[test]
fn runs_on_from_the_matrix_picks_the_runner_of_each_instance() {
    check(
        r#"
on: push
jobs:
  build:
    runs-on: ${{ matrix.runner }}
    strategy:
      matrix:
        runner: [ubuntu-latest, [self-hosted, arm64], [self-hosted, arm64]]
    steps: [{run: make}]
"#,
        expect![[r#"
            build (ubuntu-latest) 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              build (ubuntu-latest)/1 0:00–1:00~ «make»
            build ([self-hosted, arm64]) 0:00–1:00 [runner pool arm64+self-hosted/1]
              build ([self-hosted, arm64])/1 0:00–1:00~ «make»
            build ([self-hosted, arm64]) #2 1:00–2:00 «build ([self-hosted, arm64])» [runner pool arm64+self-hosted/1] (waited 1m for runner pool arm64+self-hosted held by build ([self-hosted, arm64]))
              build ([self-hosted, arm64]) #2/1 1:00–2:00~ «make»
            makespan 2m · critical build ([self-hosted, arm64]) → build ([self-hosted, arm64])/1 → build ([self-hosted, arm64]) #2 → build ([self-hosted, arm64]) #2/1
        "#]],
    );
}

/// `timeout-minutes` is an upper bound: estimated steps are shortened to fit in it.
#[test]
fn timeout_minutes_bounds_the_estimated_duration() {
    check(
        r#"
on: push
jobs:
  quick:
    runs-on: ubuntu-latest
    timeout-minutes: 2
    steps: [{run: a}, {run: b}, {run: c}, {run: d}]
  step-bound:
    runs-on: ubuntu-latest
    steps: [{run: a, timeout-minutes: 0.5}, {run: b}]
"#,
        expect![[r#"
            quick 0:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20]
              quick/1 0:00–0:30~ «a»
              quick/2 0:30–1:00~ «b»
              quick/3 1:00–1:30~ «c»
              quick/4 1:30–2:00~ «d»
            step-bound 0:00–1:30 [runner pool GitHub-hosted runners (Free plan)/20]
              step-bound/1 0:00–0:30~ «a»
              step-bound/2 0:30–1:30~ «b»
            makespan 2m · critical quick → quick/1 → quick/2 → quick/3 → quick/4
        "#]],
    );
}

/// "Calling a reusable workflow": the called workflow's jobs are not read; the call is one
/// task. Conditions are shown and reported, not evaluated.
#[test]
fn reusable_workflows_are_one_task_and_conditions_are_notes() {
    check_notes(
        r#"
on: push
jobs:
  call:
    uses: ./.github/workflows/build.yml
    with: {target: linux}
  deploy:
    needs: call
    if: github.ref == 'refs/heads/main'
    continue-on-error: true
    environment: production
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy
        if: success()
"#,
        expect![[r#"
            ! info PS201 the condition of `deploy` is not evaluated; the job is assumed to run
            ! info PS309 GitHub-hosted jobs share the account's concurrency limit: 20 jobs at a time (5 on macOS) on the Free plan, assumed
            call 0:00–1:00~
              # uses: ./.github/workflows/build.yml: a reusable workflow, simulated as one task (its jobs are not read)
            deploy 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20]
              # if: github.ref == 'refs/heads/main'
              # continue-on-error: true
              # environment: production: protection rules (required reviewers, wait timers) are not simulated
              deploy/1 1:00–2:00~ «./deploy»
                # if: success()
            makespan 2m · critical call → deploy → deploy/1
        "#]],
    );
}

#[test]
fn needs_mistakes_and_cycles_are_named() {
    check(
        r#"
on: push
jobs:
  a: {needs: [c], runs-on: ubuntu-latest, steps: [{run: a}]}
  b: {needs: [a, a, biuld], runs-on: ubuntu-latest, steps: [{run: b}]}
  c: {needs: b, runs-on: ubuntu-latest, steps: [{run: c}]}
"#,
        expect![[r#"
            ! error PS103 dependency cycle: a → c → b → a
            ! warning PS302 `b` lists `a` twice in `needs`
            ! error PS301 `b` needs `biuld`, which is not a job of this workflow
            a never [runner pool GitHub-hosted runners (Free plan)/20] (never starts: waits for c, which never finishes)
              a/1 never~ «a» (never starts: its stage a never starts)
            b never [runner pool GitHub-hosted runners (Free plan)/20] (never starts: waits for a, which never finishes)
              b/1 never~ «b» (never starts: its stage b never starts)
            c never [runner pool GitHub-hosted runners (Free plan)/20] (never starts: waits for b, which never finishes)
              c/1 never~ «c» (never starts: its stage c never starts)
            makespan 0s · critical 
        "#]],
    );
}

#[test]
fn a_dynamic_matrix_is_one_instance_with_a_note() {
    check_notes(
        r#"
on: push
jobs:
  plan: {runs-on: ubuntu-latest, steps: [{run: plan}]}
  run:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}
    steps: [{run: go}]
"#,
        expect![[r#"
            ! info PS309 GitHub-hosted jobs share the account's concurrency limit: 20 jobs at a time (5 on macOS) on the Free plan, assumed
            ! info PS312 the matrix of `run` is computed while the workflow runs (`${{ fromJSON(needs.plan.outputs.matrix) }}`); each value computed so is simulated as one value
            plan 0:00–1:00 [runner pool GitHub-hosted runners (Free plan)/20]
              plan/1 0:00–1:00~ «plan»
            run 1:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20]
              # strategy.matrix: computed while the workflow runs; simulated as 1 instance: ${{ fromJSON(needs.plan.outputs.matrix) }}
              run/1 1:00–2:00~ «go»
            makespan 2m · critical plan → plan/1 → run → run/1
        "#]],
    );
}

/// A job in the workflow's own concurrency group would wait for its own run: GitHub cancels it.
#[test]
fn a_job_in_the_workflows_concurrency_group_is_a_deadlock() {
    check(
        r#"
on: push
concurrency: ci-${{ github.ref }}
jobs:
  deploy:
    concurrency: ci-${{ github.ref }}
    runs-on: ubuntu-latest
    steps: [{run: ./deploy}]
"#,
        expect![[r#"
            ! error PS314 `deploy` uses the workflow's own concurrency group `ci-${{ github.ref }}`: it would wait for its own run, so GitHub cancels it
            deploy 0:00–1:00 [concurrency group ci-${{ github.ref }}/1; runner pool GitHub-hosted runners (Free plan)/20]
              deploy/1 0:00–1:00~ «./deploy»
            makespan 1m · critical deploy → deploy/1
        "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// Typed failure and condition settings, as the model holds them.

#[test]
fn continue_on_error_allows_failure_as_a_bool_or_an_expression() {
    use pipescope::model::AllowFailure;
    let p = pipeline(
        r#"
on: push
jobs:
  lint: {runs-on: ubuntu-latest, continue-on-error: true, steps: [{run: lint}]}
  test:
    runs-on: ubuntu-latest
    continue-on-error: ${{ matrix.experimental }}
    strategy: {matrix: {experimental: [false, true]}}
    steps:
      - {id: flaky, run: flaky, continue-on-error: true}
      - {id: strict, run: strict, continue-on-error: false}
  nightly:
    runs-on: ubuntu-latest
    continue-on-error: ${{ github.event_name == 'schedule' }}
    strategy: {matrix: {v: [1]}}
    steps: [{run: n}]
"#,
    );
    assert_eq!(task(&p, "lint").failure.allow, AllowFailure::Yes);
    // Matrix values are known per instance: each instance's setting is decided.
    assert_eq!(task(&p, "test (false)").failure.allow, AllowFailure::No);
    assert_eq!(task(&p, "test (true)").failure.allow, AllowFailure::Yes);
    assert!(task(&p, "test (true)").failure.span.is_some());
    assert_eq!(
        task(&p, "nightly (1)").failure.allow,
        AllowFailure::Expression("${{ github.event_name == 'schedule' }}".into())
    );
    assert_eq!(task(&p, "test (false)/flaky").failure.allow, AllowFailure::Yes);
    let strict = task(&p, "test (false)/strict");
    assert_eq!(strict.failure.allow, AllowFailure::No);
    assert!(strict.failure.span.is_some(), "written, though it is the default");
    assert_eq!(task(&p, "lint/1").failure.allow, AllowFailure::No, "a job's setting is its own");
}

#[test]
fn a_matrix_is_one_fail_fast_group_on_by_default() {
    let p = pipeline(
        r#"
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy: {matrix: {os: [a, b, c]}}
    steps: [{run: test}]
  build:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix: {os: [a, b]}
    steps: [{run: build}]
  single: {runs-on: ubuntu-latest, steps: [{run: one}]}
"#,
    );
    assert_eq!(p.matrices.len(), 2);
    let ids = |m: &pipescope::model::MatrixGroup| -> Vec<String> {
        m.members.iter().map(|&t| p.task(t).id.clone()).collect()
    };
    assert_eq!(ids(&p.matrices[0]), ["test (a)", "test (b)", "test (c)"]);
    assert!(p.matrices[0].fail_fast);
    assert!(p.matrices[0].fail_fast_span.is_none());
    assert_eq!(ids(&p.matrices[1]), ["build (a)", "build (b)"]);
    assert!(!p.matrices[1].fail_fast);
    let notes = p.task_notes(p.find_task("build (a)").unwrap());
    assert!(notes.iter().any(|n| n.key == "fail-fast" && n.text == "false"), "{notes:?}");
}

#[test]
fn if_is_an_unevaluated_condition_and_a_status_check_sets_when() {
    use pipescope::model::{ConditionKind, RunWhen};
    let p = pipeline(
        r#"
on: push
jobs:
  build: {runs-on: ubuntu-latest, steps: [{run: build}]}
  deploy:
    needs: build
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    steps:
      - {id: notify, if: failure(), run: notify}
      - {id: upload, if: '${{ always() }}', run: upload}
      - {id: tidy, if: '!cancelled()', run: tidy}
      - {id: gated, if: always() && github.event_name == 'push', run: gated}
  report: {needs: deploy, if: cancelled(), runs-on: ubuntu-latest, steps: [{run: r}]}
"#,
    );
    let deploy = task(&p, "deploy");
    assert_eq!(deploy.conditions.len(), 1);
    assert_eq!(deploy.conditions[0].kind, ConditionKind::GithubIf);
    assert_eq!(deploy.conditions[0].text, "github.ref == 'refs/heads/main'");
    assert_eq!(deploy.when, RunWhen::OnSuccess);
    assert_eq!(task(&p, "deploy/notify").when, RunWhen::OnFailure);
    assert_eq!(task(&p, "deploy/upload").when, RunWhen::Always);
    assert_eq!(task(&p, "deploy/upload").conditions[0].text, "${{ always() }}");
    assert_eq!(task(&p, "deploy/tidy").when, RunWhen::Always);
    // A status check inside a larger expression still decides what happened before may be;
    // the rest is kept as a condition, assumed to hold.
    assert_eq!(task(&p, "deploy/gated").when, RunWhen::Always);
    // True only when someone cancels the run, which no simulated run is.
    assert_eq!(task(&p, "report").when, RunWhen::Never);
    assert_eq!(task(&p, "report").conditions[0].text, "cancelled()");
    let notes = p.task_notes(p.find_task("deploy/notify").unwrap());
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!((notes[0].key.as_str(), notes[0].text.as_str()), ("if", "failure()"));
}

/// What is wrong in a job's text is said once, however many instances its matrix makes.
#[test]
fn a_matrix_job_reports_each_mistake_once() {
    check_with(
        r#"
on: push
jobs:
  test:
    runs-on: ${{ inputs.runner }}
    concurrency:
      group: t-${{ matrix.v }}
      cancel: true
    strategy: {matrix: {v: [1, 2, 3]}}
    steps: [{run: t, shell: bash, wat: 1}]
  lint:
    strategy: {matrix: {v: [1, 2]}}
    steps: [{run: l}]
"#,
        &AnalyzeOptions::default(),
        expect![[r#"
            ! info PS309 GitHub-hosted jobs share the account's concurrency limit: 20 jobs at a time (5 on macOS) on the Free plan, assumed
            ! info PS312 the runner of `test` is computed while the workflow runs; it is simulated as a GitHub-hosted runner
            ! warning PS003 unknown key `cancel` in `concurrency`; it is ignored
            ! warning PS003 unknown key `wat` in a step; it is ignored
            ! error PS007 the job `lint` has no `runs-on`; GitHub rejects the workflow
            test (1) 0:00–1:00 [concurrency group t-1/1; runner pool GitHub-hosted runners (Free plan)/20]
              test (1)/1 0:00–1:00~ «t»
            test (2) 0:00–1:00 [concurrency group t-2/1; runner pool GitHub-hosted runners (Free plan)/20]
              test (2)/1 0:00–1:00~ «t»
            test (3) 0:00–1:00 [concurrency group t-3/1; runner pool GitHub-hosted runners (Free plan)/20]
              test (3)/1 0:00–1:00~ «t»
            lint (1) 0:00–1:00
              lint (1)/1 0:00–1:00~ «l»
            lint (2) 0:00–1:00
              lint (2)/1 0:00–1:00~ «l»
            makespan 1m · critical test (1) → test (1)/1
        "#]],
    );
}

/// `if:` is said once per job and once for all steps, however many instances a matrix makes;
/// the job is named by its id, not by an instance.
#[test]
fn conditions_of_a_matrix_job_are_reported_once() {
    check_with(
        r#"
on: push
jobs:
  test:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    strategy: {matrix: {os: [linux, mac], v: [1, 2]}}
    steps:
      - {run: a, if: always()}
      - {run: b, if: failure()}
      - {run: c, if: "matrix.os == 'linux'"}
  lint:
    runs-on: ubuntu-latest
    steps: [{run: l, if: success()}, {run: m, if: github.ref == 'refs/heads/main'}]
"#,
        &AnalyzeOptions::default(),
        expect![[r#"
            ! info PS201 the condition of `test` is not evaluated; the job is assumed to run
            ! info PS309 GitHub-hosted jobs share the account's concurrency limit: 20 jobs at a time (5 on macOS) on the Free plan, assumed
            ! info PS201 2 step conditions (`if:`) are not evaluated; every step is assumed to run
            test (linux, 1) 0:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (linux, 1)/1 0:00–1:00~ «a»
              test (linux, 1)/2 never~ «b» (skipped: it runs only when something before it fails)
              test (linux, 1)/3 1:00–2:00~ «c»
            test (linux, 2) 0:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (linux, 2)/1 0:00–1:00~ «a»
              test (linux, 2)/2 never~ «b» (skipped: it runs only when something before it fails)
              test (linux, 2)/3 1:00–2:00~ «c»
            test (mac, 1) 0:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (mac, 1)/1 0:00–1:00~ «a»
              test (mac, 1)/2 never~ «b» (skipped: it runs only when something before it fails)
              test (mac, 1)/3 1:00–2:00~ «c»
            test (mac, 2) 0:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20]
              test (mac, 2)/1 0:00–1:00~ «a»
              test (mac, 2)/2 never~ «b» (skipped: it runs only when something before it fails)
              test (mac, 2)/3 1:00–2:00~ «c»
            lint 0:00–2:00 [runner pool GitHub-hosted runners (Free plan)/20]
              lint/1 0:00–1:00~ «l»
              lint/2 1:00–2:00~ «m»
            makespan 2m · critical test (linux, 1) → test (linux, 1)/1 → test (linux, 1)/3
        "#]],
    );
}

/// GitHub skips a job whose `needs` was skipped, unless its `if:` says otherwise; a failure
/// handler skipped in a run without failures therefore takes the jobs after it along.
#[test]
fn a_job_that_needs_a_skipped_job_is_skipped_unless_it_runs_always() {
    use pipescope::sim::Outcome;
    let yaml = r#"
on: push
jobs:
  build: {runs-on: ubuntu-latest, steps: [{run: make}]}
  notify: {needs: build, if: failure(), runs-on: ubuntu-latest, steps: [{run: page}]}
  after: {needs: notify, runs-on: ubuntu-latest, steps: [{run: x}]}
  report: {needs: notify, if: always(), runs-on: ubuntu-latest, steps: [{run: y}]}
"#;
    let analysis = pipescope::analyze(yaml, &AnalyzeOptions::default());
    let outcome =
        |id: &str| analysis.schedule.timing(analysis.pipeline.find_task(id).expect(id)).outcome;
    assert_eq!(outcome("notify"), Outcome::Skipped);
    assert_eq!(outcome("notify/1"), Outcome::Skipped);
    assert_eq!(outcome("after"), Outcome::Skipped);
    assert_eq!(outcome("report"), Outcome::Succeeded);
}
