//! Failures, read and simulated: the own format's failure keys (`allow_failure`, `retries`,
//! `when`, `failure_rate`) read into the model's typed settings, with the diagnostics a wrong
//! value gets (at its position) and the notes derived from them; then each dialect's failure
//! rules, as its documentation states them, one test per rule, by runs in which chosen tasks
//! fail; then one real file per dialect.
//! `UPDATE_EXPECT=1 cargo test --test failure_semantics` rewrites the expectations.

mod common;

use std::collections::BTreeMap;

use common::read_at;
use common::timeline::options;
use expect_test::{Expect, expect};
use pipescope::AnalyzeOptions;
use pipescope::diagnostic::Severity;
use pipescope::dialect::native;
use pipescope::duration::clock;
use pipescope::model::{AllowFailure, Pipeline, RunWhen, TaskIdx};
use pipescope::sim::{Detail, Plan, RunInput, Simulator};

fn read(text: &str) -> (Pipeline, Vec<String>) {
    let (pipeline, diagnostics) = native::read(text);
    (pipeline, diagnostics.iter().map(|d| format!("{} {}", d.code(), d.message)).collect())
}

fn idx(p: &Pipeline, id: &str) -> TaskIdx {
    p.find_task(id).unwrap_or_else(|| panic!("no task {id}"))
}

#[test]
fn allow_failure_on_stages_and_steps() {
    let (p, diagnostics) = read(
        "pipeline:
  stages:
    - stage: {id: lint, allow_failure: true}
    - stage:
        id: deploy
        allow_failure: false
        steps:
          - step: {id: probe, allow_failure: true}
",
    );
    assert_eq!(diagnostics, Vec::<String>::new());
    let lint = p.task(idx(&p, "lint"));
    assert_eq!(lint.failure.allow, AllowFailure::Yes);
    assert!(lint.failure.span.is_some());
    assert_eq!(p.task(idx(&p, "deploy")).failure.allow, AllowFailure::No);
    assert_eq!(p.task(idx(&p, "deploy/probe")).failure.allow, AllowFailure::Yes);
    let notes = p.task_notes(idx(&p, "lint"));
    assert_eq!((notes[0].key.as_str(), notes[0].text.as_str()), ("allow_failure", "true"));
}

#[test]
fn retries_count_attempts_after_the_first() {
    let (p, diagnostics) = read(
        "pipeline:
  stages:
    - stage: {id: upload, retries: 2}
    - stage: {id: never, retries: 0}
",
    );
    assert_eq!(diagnostics, Vec::<String>::new());
    let retry = p.task(idx(&p, "upload")).failure.retry.clone().expect("a retry");
    assert_eq!(retry.max, 2);
    assert!(retry.when.is_empty());
    assert_eq!(p.task(idx(&p, "never")).failure.retry.as_ref().map(|r| r.max), Some(0));
    let notes = p.task_notes(idx(&p, "upload"));
    assert_eq!((notes[0].key.as_str(), notes[0].text.as_str()), ("retries", "2"));
}

#[test]
fn when_says_which_outcomes_let_a_task_run() {
    let (p, diagnostics) = read(
        "pipeline:
  stages:
    - stage: {id: test, when: on_success}
    - stage: {id: report, when: on_failure}
    - stage: {id: cleanup, when: always}
    - stage: {id: plain}
",
    );
    assert_eq!(diagnostics, Vec::<String>::new());
    let when = |id: &str| p.task(idx(&p, id)).when;
    assert_eq!(when("test"), RunWhen::OnSuccess);
    assert_eq!(when("report"), RunWhen::OnFailure);
    assert_eq!(when("cleanup"), RunWhen::Always);
    assert_eq!(when("plain"), RunWhen::OnSuccess);
    assert!(p.task(idx(&p, "plain")).when_span.is_none());
    let notes = p.task_notes(idx(&p, "report"));
    assert_eq!(notes[0].key, "when");
    assert_eq!(notes[0].text, "on_failure: runs only when something before it failed");
}

#[test]
fn wrong_values_are_reported_and_the_default_is_used() {
    let (p, diagnostics) = read(
        "pipeline:
  stages:
    - stage: {id: a, allow_failure: yes please, retries: -1, when: on_fail}
    - stage: {id: b, retries: many}
",
    );
    assert_eq!(
        diagnostics,
        [
            "PS006 `when` is one of on_success, on_failure, always, not `on_fail`; `on_success` is used",
            "PS004 `allow_failure` must be `true` or `false`, not a string",
            "PS006 `retries` is -1; it must be a whole number of at least 0, so it is ignored",
            "PS004 `retries` must be a whole number of retries, such as `2`, not a string",
        ]
    );
    let a = p.task(idx(&p, "a"));
    assert!(a.failure.is_default());
    assert_eq!(a.when, RunWhen::OnSuccess);
    assert!(p.task(idx(&p, "b")).failure.retry.is_none());
}

#[test]
fn failure_rate_is_a_fraction_or_a_percentage() {
    let (p, diagnostics) = read(
        "pipeline:
  stages:
    - stage: {id: percent, failure_rate: 10%}
    - stage: {id: fraction, failure_rate: 0.25}
    - stage: {id: never, failure_rate: 0}
    - stage: {id: always, failure_rate: 1}
    - stage: {id: all, failure_rate: 100%}
    - stage: {id: spaced, failure_rate: '2.5 %'}
    - stage: {id: quoted, failure_rate: '0.5'}
    - stage: {id: unset}
    - stage:
        id: deploy
        steps:
          - step: {id: upload, failure_rate: 5%, retries: 2}
",
    );
    assert_eq!(diagnostics, Vec::<String>::new());
    let rate = |id: &str| p.task(idx(&p, id)).failure_rate;
    assert_eq!(rate("percent"), 0.1);
    assert_eq!(rate("fraction"), 0.25);
    assert_eq!(rate("never"), 0.0);
    assert_eq!(rate("always"), 1.0);
    assert_eq!(rate("all"), 1.0);
    assert_eq!(rate("spaced"), 0.025);
    assert_eq!(rate("quoted"), 0.5);
    assert_eq!(rate("unset"), 0.0);
    assert_eq!(rate("deploy/upload"), 0.05);
    assert_eq!(p.task(idx(&p, "deploy/upload")).failure.retry.as_ref().map(|r| r.max), Some(2));
}

#[test]
fn a_bad_failure_rate_or_retry_count_is_reported_where_it_is_written() {
    let (p, diagnostics) = read_at(
        "pipeline:
  stages:
    - stage: {id: over, failure_rate: 150%}
    - stage: {id: whole, failure_rate: 10}
    - stage: {id: negative, failure_rate: -0.1}
    - stage: {id: below, failure_rate: -5%}
    - stage: {id: word, failure_rate: often}
    - stage: {id: flag, failure_rate: true}
    - stage: {id: back, retries: -1}
    - stage:
        id: group
        failure_rate: 20%
        steps:
          - step: {id: s, failure_rate: 0.5}
",
    );
    assert_eq!(
        diagnostics,
        [
            "3:39 PS006 `failure_rate` is 150%; a rate is from 0% to 100%, so it is ignored",
            "4:40 PS006 `failure_rate` is 10; a rate is from 0 to 1, so it is ignored",
            "5:43 PS006 `failure_rate` is -0.1; a rate is from 0 to 1, so it is ignored",
            "6:40 PS006 `failure_rate` is -5%; a rate is from 0% to 100%, so it is ignored",
            "7:39 PS004 `failure_rate` must be a number from 0 to 1 or a percentage such as \
             `10%`, not a string",
            "8:39 PS004 `failure_rate` must be a number from 0 to 1 or a percentage such as \
             `10%`, not a boolean",
            "9:34 PS006 `retries` is -1; it must be a whole number of at least 0, so it is ignored",
            "12:23 PS008 `failure_rate` has no effect on `group`: a stage with steps fails only \
             through its steps",
        ]
    );
    for id in ["over", "whole", "negative", "below", "word", "flag", "group"] {
        assert_eq!(p.task(idx(&p, id)).failure_rate, 0.0, "{id}");
    }
    assert!(p.task(idx(&p, "back")).failure.retry.is_none());
    assert_eq!(p.task(idx(&p, "group/s")).failure_rate, 0.5);
    let (_, found) = native::read("pipeline:\n  stages:\n    - stage: {id: a, failure_rate: 10}\n");
    assert_eq!(found[0].help.as_deref(), Some("did you mean `10%`?"));
    let (_, found) = read("pipeline:\n  stages:\n    - stage: {id: a, failure_rate: .nan}\n");
    assert_eq!(found, ["PS006 `failure_rate` is .nan; a rate is from 0 to 1, so it is ignored"]);
}

// ---------------------------------------------------------------------------------------------
// Each dialect's failure rules, from its documentation: a run in which every attempt of the
// named tasks fails (`RunInput::failures`, `u32::MAX`), with every task's outcome.

/// Reads `text` (any dialect), makes every attempt of `failing` fail, and writes one line per
/// task: `id outcome start–end`, steps indented under their job or stage.
fn simulate(text: &str, options: &AnalyzeOptions, failing: &[&str]) -> String {
    let analysis = pipescope::analyze(text, options);
    let errors: Vec<&str> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.as_str())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let p = &analysis.pipeline;
    let mut failures = vec![0u32; p.tasks.len()];
    for id in failing {
        failures[idx(p, id).index()] = u32::MAX;
    }
    let plan = Plan::first_ready(p);
    let input = RunInput { failures: Some(&failures), ..RunInput::default() };
    let s = Simulator::new(&plan).run(&input, Detail::Full).expect("one failure count per task");
    let mut out = String::new();
    for (task, t) in p.tasks.iter().zip(&s.tasks) {
        let mut depth = 0;
        let mut up = task.parent;
        while let Some(parent) = up {
            depth += 1;
            up = p.task(parent).parent;
        }
        let span = match (t.start, t.end) {
            (Some(a), Some(b)) => format!(" {}–{}", clock(a), clock(b)),
            _ => String::new(),
        };
        let tries = if t.attempts > 1 { format!(" ×{}", t.attempts) } else { String::new() };
        let indent = "  ".repeat(depth);
        out.push_str(&format!("{indent}{} {}{span}{tries}\n", task.id, t.outcome.name()));
    }
    out.push_str(&format!("makespan {}{}\n", s.makespan, if s.failed { ", failed" } else { "" }));
    out
}

fn check(text: &str, failing: &[&str], expect: Expect) {
    expect.assert_eq(&simulate(text, &AnalyzeOptions::default(), failing));
}

// GitHub Actions ------------------------------------------------------------------------------

/// "If a job fails or is skipped, all jobs that need it are skipped unless the jobs use a
/// conditional expression that causes the job to continue": `success()` is the default,
/// `failure()` is true when an ancestor failed, `always()` and `!cancelled()` run whatever
/// happened, `cancelled()` only when the run is cancelled (which no failure does).
#[test]
fn github_a_job_after_a_failure_runs_only_when_its_if_says_so() {
    check(
        r#"
on: push
jobs:
  build: {runs-on: ubuntu-latest, steps: [{run: make}]}
  lint: {runs-on: ubuntu-latest, steps: [{run: lint}]}
  test: {needs: build, runs-on: ubuntu-latest, steps: [{run: test}]}
  deploy: {needs: test, runs-on: ubuntu-latest, steps: [{run: deploy}]}
  gate: {needs: build, if: success(), runs-on: ubuntu-latest, steps: [{run: gate}]}
  notify: {needs: build, if: failure(), runs-on: ubuntu-latest, steps: [{run: page}]}
  late-notify: {needs: test, if: failure(), runs-on: ubuntu-latest, steps: [{run: page}]}
  report: {needs: test, if: always(), runs-on: ubuntu-latest, steps: [{run: report}]}
  tidy: {needs: build, if: '${{ !cancelled() }}', runs-on: ubuntu-latest, steps: [{run: tidy}]}
  on-cancel: {needs: build, if: cancelled(), runs-on: ubuntu-latest, steps: [{run: undo}]}
  push-only: {needs: build, if: "always() && github.event_name == 'push'", runs-on: ubuntu-latest, steps: [{run: x}]}
"#,
        &["build/1"],
        expect![[r#"
            build failed 0:00–1:00
              build/1 failed 0:00–1:00
            lint succeeded 0:00–1:00
              lint/1 succeeded 0:00–1:00
            test skipped
              test/1 skipped
            deploy skipped
              deploy/1 skipped
            gate skipped
              gate/1 skipped
            notify succeeded 1:00–2:00
              notify/1 succeeded 1:00–2:00
            late-notify succeeded 1:00–2:00
              late-notify/1 succeeded 1:00–2:00
            report succeeded 1:00–2:00
              report/1 succeeded 1:00–2:00
            tidy succeeded 1:00–2:00
              tidy/1 succeeded 1:00–2:00
            on-cancel skipped
              on-cancel/1 skipped
            push-only succeeded 1:00–2:00
              push-only/1 succeeded 1:00–2:00
            makespan 2m, failed
        "#]],
    );
}

/// In a run without failures, a job that runs only on failure (or on cancel) is skipped, and
/// so is every job that needs it, unless its `if:` runs it whatever happened.
#[test]
fn github_a_skipped_job_skips_the_jobs_that_need_it() {
    check(
        r#"
on: push
jobs:
  build: {runs-on: ubuntu-latest, steps: [{run: make}]}
  notify: {needs: build, if: failure(), runs-on: ubuntu-latest, steps: [{run: page}]}
  undo: {needs: build, if: cancelled(), runs-on: ubuntu-latest, steps: [{run: undo}]}
  off: {needs: build, if: false, runs-on: ubuntu-latest, steps: [{run: off}]}
  after-notify: {needs: notify, runs-on: ubuntu-latest, steps: [{run: x}]}
  after-off: {needs: off, if: success(), runs-on: ubuntu-latest, steps: [{run: x}]}
  summary: {needs: [notify, undo], if: always(), runs-on: ubuntu-latest, steps: [{run: y}]}
  tidy: {needs: undo, if: '${{ !cancelled() }}', runs-on: ubuntu-latest, steps: [{run: z}]}
"#,
        &[],
        expect![[r#"
            build succeeded 0:00–1:00
              build/1 succeeded 0:00–1:00
            notify skipped
              notify/1 skipped
            undo skipped
              undo/1 skipped
            off skipped
              off/1 skipped
            after-notify skipped
              after-notify/1 skipped
            after-off skipped
              after-off/1 skipped
            summary succeeded 1:00–2:00
              summary/1 succeeded 1:00–2:00
            tidy succeeded 1:00–2:00
              tidy/1 succeeded 1:00–2:00
            makespan 2m
        "#]],
    );
}

/// `strategy.fail-fast` (on by default): the failure of one instance cancels the instances of
/// its matrix that are running or queued; other jobs go on; what needs the matrix is skipped.
#[test]
fn github_fail_fast_cancels_the_rest_of_the_matrix() {
    let yaml = r#"
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      max-parallel: 2
      matrix: {os: [a, b, c]}
    steps: [{run: test}]
  lint: {runs-on: ubuntu-latest, steps: [{run: lint}, {run: more}]}
  deploy: {needs: test, runs-on: ubuntu-latest, steps: [{run: deploy}]}
  report: {needs: test, if: always(), runs-on: ubuntu-latest, steps: [{run: report}]}
"#;
    let options = options(&[("test (a)/1", "1m"), ("test (b)/1", "3m"), ("test (c)/1", "3m")], &[]);
    expect![[r#"
        test (a) failed 0:00–1:00
          test (a)/1 failed 0:00–1:00
        test (b) cancelled 0:00–1:00
          test (b)/1 cancelled 0:00–1:00
        test (c) cancelled
          test (c)/1 cancelled
        lint succeeded 0:00–2:00
          lint/1 succeeded 0:00–1:00
          lint/2 succeeded 1:00–2:00
        deploy skipped
          deploy/1 skipped
        report succeeded 1:00–2:00
          report/1 succeeded 1:00–2:00
        makespan 2m, failed
    "#]]
    .assert_eq(&simulate(yaml, &options, &["test (a)/1"]));
}

/// `fail-fast: false`, or `continue-on-error: true` on the failing instance, lets the other
/// instances finish; an instance allowed to fail does not fail what needs it either.
#[test]
fn github_fail_fast_spares_the_matrix_when_off_or_when_the_job_may_fail() {
    let yaml = r#"
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix: {os: [a, b]}
    steps: [{run: test}]
  build:
    runs-on: ubuntu-latest
    continue-on-error: ${{ matrix.experimental }}
    strategy:
      matrix:
        version: [1, 2]
        experimental: [false]
        include: [{version: 3, experimental: true}]
    steps: [{run: build}]
  package: {needs: build, runs-on: ubuntu-latest, steps: [{run: package}]}
"#;
    let options =
        options(&[("test (a)/1", "1m"), ("test (b)/1", "3m"), ("build (3, true)/1", "1m")], &[]);
    expect![[r#"
        test (a) failed 0:00–1:00
          test (a)/1 failed 0:00–1:00
        test (b) succeeded 0:00–3:00
          test (b)/1 succeeded 0:00–3:00
        build (1, false) succeeded 0:00–1:00
          build (1, false)/1 succeeded 0:00–1:00
        build (2, false) succeeded 0:00–1:00
          build (2, false)/1 succeeded 0:00–1:00
        build (3, true) failed 0:00–1:00
          build (3, true)/1 failed 0:00–1:00
        package succeeded 1:00–2:00
          package/1 succeeded 1:00–2:00
        makespan 3m, failed
    "#]]
    .assert_eq(&simulate(yaml, &options, &["test (a)/1", "build (3, true)/1"]));
}

/// "A failed step skips the later steps of the job unless they have `if: always()` or
/// `failure()`"; `continue-on-error` on a step lets the job go on and succeed.
#[test]
fn github_a_failed_step_skips_the_later_steps_unless_they_say_otherwise() {
    check(
        r#"
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - {id: compile, run: make}
      - {id: test, run: make test}
      - {id: logs, if: failure(), run: upload logs}
      - {id: clean, if: always(), run: make clean}
      - {id: quiet, if: success(), run: echo ok}
  docs:
    runs-on: ubuntu-latest
    steps:
      - {id: spell, run: spell, continue-on-error: true}
      - {id: render, run: render}
      - {id: on-failure, if: failure(), run: page}
  publish: {needs: docs, runs-on: ubuntu-latest, steps: [{run: publish}]}
"#,
        &["build/compile", "docs/spell"],
        expect![[r#"
            build failed 0:00–3:00
              build/compile failed 0:00–1:00
              build/test skipped
              build/logs succeeded 1:00–2:00
              build/clean succeeded 2:00–3:00
              build/quiet skipped
            docs succeeded 0:00–2:00
              docs/spell failed 0:00–1:00
              docs/render succeeded 1:00–2:00
              docs/on-failure skipped
            publish succeeded 2:00–3:00
              publish/1 succeeded 2:00–3:00
            makespan 3m, failed
        "#]],
    );
}

// GitLab CI ----------------------------------------------------------------------------------

/// `allow_failure: true`: the job fails, yet later stages run as after a success and the
/// pipeline passes (with warnings).
#[test]
fn gitlab_a_job_allowed_to_fail_counts_as_a_success_for_later_stages() {
    check(
        r#"
stages: [build, test, deploy]
compile: {stage: build, script: make}
lint: {stage: test, script: lint, allow_failure: true}
unit: {stage: test, script: test}
ship: {stage: deploy, script: ship}
smoke: {stage: deploy, needs: [lint], script: smoke}
"#,
        &["lint"],
        expect![[r#"
            compile succeeded 0:00–1:00
            lint failed 1:00–2:00
            unit succeeded 1:00–2:00
            ship succeeded 2:00–3:00
            smoke succeeded 2:00–3:00
            makespan 3m
        "#]],
    );
}

/// `when: on_failure` runs only when a job of an earlier stage (or a job it needs) failed:
/// skipped in a run without failures; `when: always` always runs; `on_success` jobs after the
/// failure are skipped; a later stage waits for an `on_failure` job that runs.
#[test]
fn gitlab_on_failure_jobs_run_only_after_a_failure_and_always_jobs_always() {
    let yaml = r#"
stages: [build, test, cleanup, report]
compile: {stage: build, script: make}
docs: {stage: build, script: docs}
unit: {stage: test, script: test}
after-docs: {stage: test, needs: [docs], when: on_failure, script: x}
after-compile: {stage: test, needs: [compile], when: on_failure, script: y}
rollback: {stage: cleanup, when: on_failure, script: rollback}
clean: {stage: cleanup, when: always, script: clean}
summary: {stage: report, when: always, script: summary}
publish: {stage: report, script: publish}
"#;
    let options = options(&[("rollback", "5m")], &[]);
    let mut both = String::from("without failures:\n");
    both.push_str(&simulate(yaml, &options, &[]));
    both.push_str("compile fails:\n");
    both.push_str(&simulate(yaml, &options, &["compile"]));
    expect![[r#"
        without failures:
        compile succeeded 0:00–1:00
        docs succeeded 0:00–1:00
        unit succeeded 1:00–2:00
        after-docs skipped
        after-compile skipped
        rollback skipped
        clean succeeded 2:00–3:00
        summary succeeded 3:00–4:00
        publish succeeded 3:00–4:00
        makespan 4m
        compile fails:
        compile failed 0:00–1:00
        docs succeeded 0:00–1:00
        unit skipped
        after-docs skipped
        after-compile succeeded 1:00–2:00
        rollback succeeded 2:00–7:00
        clean succeeded 2:00–3:00
        summary succeeded 7:00–8:00
        publish skipped
        makespan 8m, failed
    "#]]
    .assert_eq(&both);
}

/// `allow_failure: {exit_codes: [...]}`: which exit code a simulated failure has is unknown, so
/// it is not one of those: the failure is not allowed.
#[test]
fn gitlab_a_failure_is_not_allowed_by_exit_codes() {
    check(
        r#"
stages: [test, deploy]
flaky: {stage: test, script: flaky, allow_failure: {exit_codes: [137]}}
ship: {stage: deploy, script: ship}
"#,
        &["flaky"],
        expect![[r#"
            flaky failed 0:00–1:00
            ship skipped
            makespan 1m, failed
        "#]],
    );
}

// Harness ------------------------------------------------------------------------------------

/// A build stage, then `scan` (two steps, with the failure strategy `STRATEGY`) beside the
/// longer `docs`, then stages that run on success, on failure (`pipelineStatus: Failure`) and
/// always (`All`).
const HARNESS: &str = r#"
pipeline:
  identifier: release
  name: release
  stages:
    - stage:
        identifier: build
        type: CI
        spec: {execution: {steps: [{step: {identifier: compile, type: Run}}]}}
    - parallel:
        - stage:
            identifier: scan
            type: Custom
            failureStrategies: STRATEGY
            spec:
              execution:
                steps:
                  - step: {identifier: sast, type: ShellScript}
                  - step: {identifier: upload, type: ShellScript}
        - stage:
            identifier: docs
            type: Custom
            spec: {execution: {steps: [{step: {identifier: site, type: ShellScript}}]}}
    - stage:
        identifier: deploy
        type: Custom
        spec: {execution: {steps: [{step: {identifier: apply, type: ShellScript}}]}}
    - stage:
        identifier: page
        type: Custom
        when: {pipelineStatus: Failure}
        spec: {execution: {steps: [{step: {identifier: call, type: ShellScript}}]}}
    - stage:
        identifier: report
        type: Custom
        when: {pipelineStatus: All}
        spec: {execution: {steps: [{step: {identifier: send, type: ShellScript}}]}}
"#;

/// `HARNESS` with `scan`'s strategy for all errors (none when empty), `docs/site` taking 4m,
/// and every attempt of `scan/sast` failing.
fn harness(action: &str) -> String {
    let strategy = match action {
        "" => "[]".to_string(),
        action => format!("[{{onFailure: {{errors: [AllErrors], action: {action}}}}}]"),
    };
    let text = HARNESS.replace("STRATEGY", &strategy);
    simulate(&text, &options(&[("docs/site", "4m")], &[]), &["scan/sast"])
}

/// `Ignore` and `MarkAsSuccess`: the failed step is passed over and the pipeline goes on.
#[test]
fn harness_ignore_and_mark_as_success_continue() {
    let ignore = harness("{type: Ignore}");
    expect![[r#"
        build succeeded 0:00–1:00
          build/compile succeeded 0:00–1:00
        scan succeeded 1:00–3:00
          scan/sast failed 1:00–2:00
          scan/upload succeeded 2:00–3:00
        docs succeeded 1:00–5:00
          docs/site succeeded 1:00–5:00
        deploy succeeded 5:00–6:00
          deploy/apply succeeded 5:00–6:00
        page skipped
          page/call skipped
        report succeeded 6:00–7:00
          report/send succeeded 6:00–7:00
        makespan 7m
    "#]]
    .assert_eq(&ignore);
    assert_eq!(harness("{type: MarkAsSuccess}"), ignore);
}

/// No strategy (the default marks the stage failed): the rest of the stage and the stages
/// after it are skipped while the parallel stage finishes; a stage that runs on failure runs,
/// and so does one that runs always.
#[test]
fn harness_the_default_stops_the_stages_after_the_failure() {
    let default = harness("");
    expect![[r#"
        build succeeded 0:00–1:00
          build/compile succeeded 0:00–1:00
        scan failed 1:00–2:00
          scan/sast failed 1:00–2:00
          scan/upload skipped
        docs succeeded 1:00–5:00
          docs/site succeeded 1:00–5:00
        deploy skipped
          deploy/apply skipped
        page succeeded 5:00–6:00
          page/call succeeded 5:00–6:00
        report succeeded 6:00–7:00
          report/send succeeded 6:00–7:00
        makespan 7m, failed
    "#]]
    .assert_eq(&default);
    assert_eq!(harness("{type: MarkAsFailure}"), default);
}

/// `Abort`: the execution stops: what is running is cancelled and nothing else starts, not
/// even the stages that run on failure or always.
#[test]
fn harness_abort_cancels_everything_still_due() {
    expect![[r#"
        build succeeded 0:00–1:00
          build/compile succeeded 0:00–1:00
        scan failed 1:00–2:00
          scan/sast failed 1:00–2:00
          scan/upload cancelled
        docs cancelled 1:00–2:00
          docs/site cancelled 1:00–2:00
        deploy cancelled
          deploy/apply cancelled
        page cancelled
          page/call cancelled
        report cancelled
          report/send cancelled
        makespan 2m, failed
    "#]]
    .assert_eq(&harness("{type: Abort}"));
}

/// `StageRollback` and `PipelineRollback`: the stage rolls back and the stages after it do not
/// run. "It is rolled back and so it is not considered a failure": a stage that runs on
/// failure does not run either; one that runs always does.
#[test]
fn harness_a_rollback_stops_the_stages_after_it() {
    let stage = harness("{type: StageRollback}");
    expect![[r#"
        build succeeded 0:00–1:00
          build/compile succeeded 0:00–1:00
        scan failed 1:00–2:00
          scan/sast failed 1:00–2:00
          scan/upload skipped
        docs succeeded 1:00–5:00
          docs/site succeeded 1:00–5:00
        deploy skipped
          deploy/apply skipped
        page skipped
          page/call skipped
        report succeeded 5:00–6:00
          report/send succeeded 5:00–6:00
        makespan 6m, failed
    "#]]
    .assert_eq(&stage);
    assert_eq!(harness("{type: PipelineRollback}"), stage);
}

/// `Retry`: the step is tried `retryCount` more times, `retryIntervals` apart, then
/// `onRetryFailure` decides.
#[test]
fn harness_retry_then_the_action_after_the_retries() {
    let retry = "{type: Retry, spec: {retryCount: 2, retryIntervals: [30s], \
                 onRetryFailure: {action: {type: Ignore}}}}";
    expect![[r#"
        build succeeded 0:00–1:00
          build/compile succeeded 0:00–1:00
        scan succeeded 1:00–6:00
          scan/sast failed 1:00–5:00 ×3
          scan/upload succeeded 5:00–6:00
        docs succeeded 1:00–5:00
          docs/site succeeded 1:00–5:00
        deploy succeeded 6:00–7:00
          deploy/apply succeeded 6:00–7:00
        page skipped
          page/call skipped
        report succeeded 7:00–8:00
          report/send succeeded 7:00–8:00
        makespan 8m
    "#]]
    .assert_eq(&harness(retry));
}

// Octopus --------------------------------------------------------------------------------------

const OCTOPUS: &str = r##"
deployment_process:
  steps:
    - step: {id: migrate}
    - step: {id: deploy}
    - step: {id: warm-up, start: with-previous}
    - step: {id: rollback, condition: failure}
    - step: {id: notify, condition: always}
    - step: {id: release-notes, condition: "#{Publish}"}
    - step: {id: page, condition: "#{if Octopus.Deployment.Error}#{PageOnCall}#{/if}"}
"##;

/// Run conditions: `Success` (the default) runs only when the steps before succeeded,
/// `Failure` only when one failed, `Always` whatever happened. A `Variable` condition's value
/// is unknown: assumed to run after success (or after a failure, when it tests
/// `Octopus.Deployment.Error` as the documentation shows).
#[test]
fn octopus_run_conditions_decide_what_runs_after_a_failure() {
    let mut both = String::from("without failures:\n");
    both.push_str(&simulate(OCTOPUS, &AnalyzeOptions::default(), &[]));
    both.push_str("migrate fails:\n");
    both.push_str(&simulate(OCTOPUS, &AnalyzeOptions::default(), &["migrate"]));
    expect![[r#"
        without failures:
        migrate succeeded 0:00–1:00
        deploy succeeded 1:00–2:00
        warm-up succeeded 1:00–2:00
        rollback skipped
        notify succeeded 2:00–3:00
        release-notes succeeded 3:00–4:00
        page skipped
        makespan 4m
        migrate fails:
        migrate failed 0:00–1:00
        deploy skipped
        warm-up skipped
        rollback succeeded 1:00–2:00
        notify succeeded 2:00–3:00
        release-notes skipped
        page succeeded 3:00–4:00
        makespan 4m, failed
    "#]]
    .assert_eq(&both);
}

/// The unknown variable is said, with what is assumed.
#[test]
fn octopus_a_variable_condition_is_reported_as_not_evaluated() {
    let analysis = pipescope::analyze(OCTOPUS, &AnalyzeOptions::default());
    let said: Vec<&str> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code() == "PS201")
        .map(|d| d.message.as_str())
        .collect();
    expect![[r#"
        [
            "`condition` (Variable: #{Publish}) is not evaluated: the step is assumed to run when the steps before it succeeded",
            "`condition` (Variable: #{if Octopus.Deployment.Error}#{PageOnCall}#{/if}) is not evaluated: the step is assumed to run when a step before it failed",
        ]
    "#]].assert_debug_eq(&said);
}

// Real files ---------------------------------------------------------------------------------

/// A file of the shared corpus (`../shared/corpus/<file>`) run with every attempt of `failing`
/// failing, checked against its run without failures by the rules every dialect shares:
///
/// - the failing task fails, and so does every stage, job or group it is part of;
/// - a task after it (depending on it, directly or not, or on a stage it is part of) that runs
///   only on success does not succeed;
/// - a task tied to it in no way (not after it, not part of it or of what follows, not in a
///   matrix with it) ends as it did without the failure, unless the failure aborts the run.
///
/// Returns the outcomes counted, for the test to pin, and each task's outcome by id; `None`
/// when the corpus is absent.
fn corpus_failure(file: &str, failing: &str) -> Option<(String, BTreeMap<String, &'static str>)> {
    use pipescope::model::{FailureAction, TaskIdx};
    use pipescope::sim::{Outcome, Schedule};

    let path = common::shared::shared_path(&format!("corpus/{file}"))?;
    let text = std::fs::read_to_string(path).expect("a readable corpus file");
    let analysis = pipescope::analyze(&text, &AnalyzeOptions::default());
    let p = &analysis.pipeline;
    let plan = Plan::first_ready(p);
    let mut sim = Simulator::new(&plan);
    let baseline = sim.run_as_planned(Detail::Timings);
    let failed = idx(p, failing);
    let mut failures = vec![0u32; p.tasks.len()];
    failures[failed.index()] = u32::MAX;
    let input = RunInput { failures: Some(&failures), ..RunInput::default() };
    let run: Schedule = sim.run(&input, Detail::Timings).expect("one failure count per task");
    let outcome = |t: TaskIdx| run.timing(t).outcome;

    // The failing task and what it is part of.
    let mut failing_chain = vec![failed];
    while let Some(parent) = p.task(*failing_chain.last().unwrap()).parent {
        failing_chain.push(parent);
    }
    for &t in &failing_chain {
        assert!(!p.task(t).failure.allows(), "{} may fail: pick another task", p.task(t).id);
        assert_eq!(outcome(t), Outcome::Failed, "{}", p.task(t).id);
    }
    let dependents = |t: TaskIdx| {
        p.task_indices().filter(move |&d| p.task(d).deps.iter().any(|dep| dep.target == Some(t)))
    };
    // After it: what depends on the failing chain, directly or not.
    let mut after: Vec<bool> = vec![false; p.tasks.len()];
    let mut stack: Vec<TaskIdx> = failing_chain.iter().flat_map(|&t| dependents(t)).collect();
    while let Some(t) = stack.pop() {
        if !std::mem::replace(&mut after[t.index()], true) {
            stack.extend(dependents(t));
        }
    }
    for t in p.task_indices().filter(|t| after[t.index()]) {
        let task = p.task(t);
        if task.when == pipescope::model::RunWhen::OnSuccess {
            assert!(
                matches!(outcome(t), Outcome::Skipped | Outcome::Cancelled),
                "{} runs only on success, after the failure of {failing}, yet {}",
                task.id,
                outcome(t).name()
            );
        }
    }
    // Tied to it: the failing chain and what is after it, their steps, their matrices.
    let aborts = failing_chain.iter().any(|&t| p.task(t).failure.action == FailureAction::Abort);
    let mut tied: Vec<bool> = after.clone();
    let mut stack: Vec<TaskIdx> = p.task_indices().filter(|t| after[t.index()]).collect();
    stack.extend(&failing_chain);
    for m in &p.matrices {
        if failing_chain.iter().any(|t| m.members.contains(t)) {
            stack.extend(&m.members);
        }
    }
    while let Some(t) = stack.pop() {
        tied[t.index()] = true;
        stack.extend(p.task(t).children.iter().filter(|c| !tied[c.index()]));
        stack.extend(dependents(t).filter(|d| !tied[d.index()]));
    }
    if !aborts {
        for t in p.task_indices().filter(|t| !tied[t.index()]) {
            assert_eq!(
                outcome(t),
                baseline.timing(t).outcome,
                "{} has nothing to do with {failing}",
                p.task(t).id
            );
        }
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for t in p.task_indices() {
        *counts.entry(outcome(t).name()).or_default() += 1;
    }
    let after_count = after.iter().filter(|&&a| a).count();
    let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let summary = format!("{} tasks after the failure; {}", after_count, counts.join(", "));
    Some((summary, p.task_indices().map(|t| (p.task(t).id.clone(), outcome(t).name())).collect()))
}

/// containerd's CI: a step of one `integration-linux` instance fails (its matrix says
/// `fail-fast: false`). Its `if: always()` and `if: failure()` steps still run, the other
/// instances finish, the `results` job (`if: ${{ always() }}`) runs; nothing else changes.
#[test]
fn github_corpus_a_failing_integration_test() {
    let job = "integration-linux (io.containerd.runc.v2, runc, ubuntu-22.04, cgroupfs)";
    let failing = format!("{job}/5");
    let Some((counts, outcome)) = corpus_failure("github-actions/containerd-ci.yml", &failing)
    else {
        return;
    };
    expect!["21 tasks after the failure; 2 failed, 16 skipped, 383 succeeded"].assert_eq(&counts);
    let of = |id: &str| outcome[id];
    assert_eq!([of(&format!("{job}/6")), of(&format!("{job}/12"))], ["skipped", "succeeded"]);
    assert_eq!(of(&format!("{job}/24")), "succeeded", "the `if: failure()` step");
    let sibling = "integration-linux (io.containerd.runc.v2, runc, ubuntu-22.04, systemd)";
    assert_eq!(of(sibling), "succeeded", "no fail-fast");
    assert_eq!(of("results"), "succeeded");
}

/// glab's pipeline: the unit tests fail; the jobs of the later stages are skipped.
#[test]
fn gitlab_corpus_failing_unit_tests() {
    let file = "gitlab-ci/glab-cli.gitlab-ci.yml";
    let Some((counts, _)) = corpus_failure(file, "tests:unit") else { return };
    expect!["11 tasks after the failure; 1 failed, 11 skipped, 8 succeeded"].assert_eq(&counts);
}

/// A Google Cloud Run deployment whose stages roll back on failure (`StageRollback`): the
/// deploy step fails, the rest of its stage and the next stage are skipped.
#[test]
fn harness_corpus_a_failing_deployment_rolls_back() {
    let stage = "google_cloud_run_service/Google_Cloud_Run_Step_Group";
    let failing = format!("{stage}/Google_Cloud_Run_Deploy");
    let file = "harness/google-cloud-run-stepgroups.yaml";
    let Some((counts, outcome)) = corpus_failure(file, &failing) else { return };
    expect!["2 tasks after the failure; 3 failed, 4 skipped, 2 succeeded"].assert_eq(&counts);
    assert_eq!(outcome[&format!("{stage}/GoogleCloudRunTrafficShift_1")], "skipped");
    assert_eq!(outcome["google_cloud_run_job"], "skipped");
}

/// Trident's deployment: the database changes fail; the website steps (whose variable
/// conditions test `Octopus.Deployment.Error`) are skipped and the `Always` notification runs.
#[test]
fn octopus_corpus_failing_database_changes() {
    let file = "octopus/trident-ai.deployment_process.ocl";
    let Some((counts, outcome)) = corpus_failure(file, "deploy-database-changes") else {
        return;
    };
    expect!["5 tasks after the failure; 1 failed, 8 skipped, 6 succeeded"].assert_eq(&counts);
    assert_eq!(outcome["deploy-trident-website"], "skipped");
    assert_eq!(outcome["notify-team-of-deployment-status"], "succeeded");
}
