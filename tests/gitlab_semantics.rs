//! The scheduling rules of GitLab CI as pipescope simulates them, one rule per test, from
//! GitLab's CI/CD YAML reference (`stages`, `needs`, `extends`, `!reference`, `default`,
//! `parallel`, `resource_group`, `when: manual`, `trigger`). Every job is estimated at 1m
//! unless a test gives it a duration. `UPDATE_EXPECT=1 cargo test --test gitlab_semantics`
//! rewrites the expectations.

mod common;

use common::timeline::{Show, options, pipeline, task, timeline};
use expect_test::{Expect, expect};
use pipescope::AnalyzeOptions;

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

/// Without `stages:`, the stages are `.pre`, build, test, deploy, `.post`; a job without
/// `stage` is in test.
#[test]
fn default_stages_run_in_order_with_pre_and_post() {
    check(
        r#"
cleanup: {stage: .post, script: clean}
deploy: {stage: deploy, script: deploy}
unit: {script: test}
compile: {stage: build, script: make}
setup: {stage: .pre, script: setup}
"#,
        expect![[r#"
            cleanup 4:00–5:00~
            deploy 3:00–4:00~
            unit 2:00–3:00~
            compile 1:00–2:00~
            setup 0:00–1:00~
            makespan 5m · critical setup → compile → unit → deploy → cleanup
        "#]],
    );
}

/// A job without `needs` waits for every job of all earlier stages, not only the previous
/// stage: a short `needs: []` job in stage 2 does not let stage 3 start before stage 1 ends.
#[test]
fn a_job_waits_for_all_earlier_stages_not_only_the_previous_one() {
    check_with(
        r#"
stages: [build, test, deploy]
slow-build: {stage: build, script: make}
quick-test: {stage: test, needs: [], script: lint}
deploy: {stage: deploy, script: ship}
"#,
        &options(&[("slow-build", "5m")], &[]),
        expect![[r#"
            slow-build 0:00–5:00
            quick-test 0:00–1:00~
            deploy 5:00–6:00~ (waited 4m for slow-build)
            makespan 6m · critical slow-build → deploy
        "#]],
    );
}

/// An empty stage does not let later jobs start early.
#[test]
fn an_empty_stage_does_not_let_later_jobs_start_early() {
    check(
        r#"
stages: [build, test, deploy]
compile: {stage: build, script: make}
ship: {stage: deploy, script: ship}
"#,
        expect![[r#"
            compile 0:00–1:00~
            ship 1:00–2:00~
            makespan 2m · critical compile → ship
        "#]],
    );
}

/// `needs` replaces the stage wait: `needs: []` starts at once; an optional need on a job that
/// is not in the pipeline is ignored; a missing required one is an error.
#[test]
fn needs_replaces_the_stage_order() {
    check_notes(
        r#"
stages: [build, test, deploy]
build-a: {stage: build, script: a}
build-b: {stage: build, script: b}
test-a:
  stage: test
  needs: [build-a]
  script: t
lint:
  stage: deploy
  needs: []
  script: l
deploy:
  stage: deploy
  needs:
    - test-a
    - job: docs
      optional: true
    - job: packaging
"#,
        expect![[r#"
            ! warning PS007 the job `deploy` has no `script`, `run` or `trigger`; GitLab rejects the pipeline
            ! error PS301 `deploy` needs `packaging`, which is not a job of this pipeline
            build-a 0:00–1:00~
            build-b 0:00–1:00~
            test-a 1:00–2:00~
            lint 0:00–1:00~
            deploy 2:00–3:00~
              # needs: `docs` (optional) is not in this pipeline; ignored
            makespan 3m · critical build-a → test-a → deploy
        "#]],
    );
}

#[test]
fn needs_on_a_later_stage_and_cycles_are_errors() {
    check(
        r#"
stages: [build, test]
compile:
  stage: build
  needs: [check]
  script: make
check:
  stage: test
  needs: [compile]
  script: check
"#,
        expect![[r#"
            ! error PS103 dependency cycle: compile → check → compile
            ! error PS303 `compile` (stage `build`) needs `check`, which is in the later stage `test`; GitLab rejects the pipeline
            compile never~ (never starts: waits for check, which never finishes)
            check never~ (never starts: waits for compile, which never finishes)
            makespan 0s · critical 
        "#]],
    );
}

/// `extends`: several levels, several parents (the last wins), hashes merged deeply, lists
/// replaced; hidden `.jobs` are templates, not jobs.
#[test]
fn extends_merges_templates_as_gitlab_does() {
    check_notes(
        r#"
stages: [build, test]
.base:
  stage: build
  tags: [docker]
  variables: {A: "1", REGION: eu}
.deploy-template:
  extends: .base
  resource_group: deploy-$REGION
  tags: [deployer]
.late:
  stage: test
deploy:
  extends: [.deploy-template, .late]
  variables: {REGION: us}
  script: ./deploy
"#,
        expect![[r#"
            ! info PS309 runner pool `deployer` is assumed to have 1 runner: jobs on it run one at a time
            deploy 0:00–1:00~ [concurrency group deploy-us/1; runner pool deployer/1]
              # resource_group: `deploy-us`: one job of the group runs at a time
              # tags: runner pool `deployer`
            makespan 1m · critical deploy
        "#]],
    );
}

#[test]
fn extends_cycles_and_unknown_templates_are_reported() {
    check(
        r#"
stages: [test]
.a: {extends: .b, stage: test}
.b: {extends: .a}
job:
  extends: [.a, .tempalte]
  script: t
.template: {tags: [x]}
"#,
        expect![[r#"
            ! error PS306 `extends` cycle: .a → .b → .a
            ! error PS307 `extends: .tempalte` names no job or template of this file
            job 0:00–1:00~
            makespan 1m · critical job
        "#]],
    );
}

/// `!reference` tags are resolved after `extends`, and a list they give is spliced into the
/// list they stand in.
#[test]
fn references_are_resolved_and_spliced() {
    check_notes(
        r#"
stages: [build, test]
.rules: {rules: [{if: $CI_COMMIT_TAG}]}
.runner: {tags: [big]}
build:
  stage: build
  script: make
test:
  stage: test
  needs:
    - !reference [.needs-list]
  tags:
    - !reference [.runner, tags]
  rules: !reference [.rules, rules]
  script: test
.needs-list: [build]
"#,
        expect![[r#"
            ! info PS309 runner pool `big` is assumed to have 1 runner: jobs on it run one at a time
            ! info PS201 `rules` is not evaluated; the jobs that use it are assumed to run
            build 0:00–1:00~
            test 1:00–2:00~ [runner pool big/1]
              # rules: [{if: $CI_COMMIT_TAG}]
              # tags: runner pool `big`
            makespan 2m · critical build → test
        "#]],
    );
}

/// `default:` keys apply to jobs that do not set them, unless `inherit: default:` says no.
#[test]
fn default_keys_are_inherited_unless_inherit_says_otherwise() {
    check_with(
        r#"
default:
  tags: [shared]
  timeout: 30s
a: {script: a}
b: {script: b, inherit: {default: false}}
c: {script: c, inherit: {default: [timeout]}}
d: {script: d, tags: [own]}
"#,
        &options(&[], &[("shared", 1), ("own", 4)]),
        expect![[r#"
            a 0:00–0:30~ [runner pool shared/1]
            b 0:00–1:00~
            c 0:00–0:30~
            d 0:00–0:30~ [runner pool own/4]
            makespan 1m · critical b
        "#]],
    );
}

/// `parallel: N` makes N jobs; `needs` on the job waits for all of them.
#[test]
fn parallel_count_makes_numbered_jobs() {
    check_with(
        r#"
rspec:
  stage: test
  parallel: 3
  script: rspec
report:
  stage: deploy
  needs: [rspec]
  script: report
"#,
        &options(&[("rspec 2 of 3", "4m")], &[]),
        expect![[r#"
            rspec 1 of 3 0:00–1:00~ «rspec 1/3»
            rspec 2 of 3 0:00–4:00 «rspec 2/3»
            rspec 3 of 3 0:00–1:00~ «rspec 3/3»
            report 4:00–5:00~ (waited 3m for rspec 2 of 3)
            makespan 5m · critical rspec 2 of 3 → report
        "#]],
    );
}

/// `parallel: matrix:` makes one job per combination, named as GitLab names them; `needs`
/// with `parallel: matrix` picks some of them, and matrix variables reach `tags`.
#[test]
fn parallel_matrix_makes_named_jobs_and_needs_can_pick_some() {
    check_with(
        r#"
stages: [build, deploy]
build:
  stage: build
  script: make
  tags: [$ARCH]
  parallel:
    matrix:
      - PROVIDER: [aws, gcp]
        ARCH: [amd64, arm64]
deploy-aws:
  stage: deploy
  needs:
    - job: build
      parallel:
        matrix:
          - PROVIDER: aws
            ARCH: [amd64, arm64]
  script: deploy
"#,
        &options(&[("build: [gcp, arm64]", "5m")], &[("amd64", 4), ("arm64", 4)]),
        expect![[r#"
            build: [aws, amd64] 0:00–1:00~ [runner pool amd64/4]
            build: [aws, arm64] 0:00–1:00~ [runner pool arm64/4]
            build: [gcp, amd64] 0:00–1:00~ [runner pool amd64/4]
            build: [gcp, arm64] 0:00–5:00 [runner pool arm64/4]
            deploy-aws 1:00–2:00~
            makespan 5m · critical build: [gcp, arm64]
        "#]],
    );
}

/// `resource_group`: jobs of one group never overlap; lint says when the file makes them
/// parallel.
#[test]
fn a_resource_group_serialises_its_jobs() {
    check(
        r#"
stages: [deploy]
deploy-eu: {stage: deploy, resource_group: production, script: eu}
deploy-us: {stage: deploy, resource_group: production, script: us}
deploy-ap: {stage: deploy, resource_group: production, needs: [deploy-us], script: ap}
"#,
        expect![[r#"
            ! warning PS305 `deploy-eu`, `deploy-us`, `deploy-ap` are in the stage `deploy`, share `resource_group: production` and neither needs the other: they run one at a time
            deploy-eu 0:00–1:00~ [concurrency group production/1]
            deploy-us 1:00–2:00~ [concurrency group production/1] (waited 1m for concurrency group production held by deploy-eu)
            deploy-ap 2:00–3:00~ [concurrency group production/1]
            makespan 3m · critical deploy-eu → deploy-us → deploy-ap
        "#]],
    );
}

/// `when: manual` jobs are allowed to fail by default and then do not block later stages;
/// with `allow_failure: false` they do. Either runs as soon as it may (no human delay).
#[test]
fn manual_jobs_block_later_stages_only_when_they_may_not_fail() {
    check_with(
        r#"
stages: [build, review, deploy]
compile: {stage: build, script: make}
optional-review: {stage: review, when: manual, script: review}
ship: {stage: deploy, script: ship}
"#,
        &options(&[("optional-review", "10m")], &[]),
        expect![[r#"
            ! info PS312 1 manual job is simulated as started by hand the moment it may start; none blocks later stages (manual jobs allow failure by default)
            compile 0:00–1:00~
            optional-review 1:00–11:00
            ship 1:00–2:00~
            makespan 11m · critical compile → optional-review
        "#]],
    );
    check_with(
        r#"
stages: [build, review, deploy]
compile: {stage: build, script: make}
approval: {stage: review, when: manual, allow_failure: false, script: approve}
ship: {stage: deploy, script: ship}
"#,
        &options(&[("approval", "10m")], &[]),
        expect![[r#"
            ! info PS312 1 manual job is simulated as started by hand the moment it may start; later stages wait for them (allow_failure: false)
            compile 0:00–1:00~
            approval 1:00–11:00
            ship 11:00–12:00~
            makespan 12m · critical compile → approval → ship
        "#]],
    );
}

/// A trigger job is one task; conditions are shown and reported once per place written.
#[test]
fn trigger_jobs_are_one_task_and_rules_are_notes() {
    check_notes(
        r#"
stages: [test, downstream]
.only-main: {rules: [{if: $CI_COMMIT_BRANCH == "main"}]}
unit: {stage: test, script: t, extends: .only-main}
integration: {stage: test, script: i, extends: .only-main}
legacy: {stage: test, script: l, only: [tags], except: [schedules]}
bridge:
  stage: downstream
  trigger: {project: group/app, strategy: depend}
"#,
        expect![[r#"
            ! info PS201 `rules` is not evaluated; the jobs that use it are assumed to run
            ! info PS201 `only` is not evaluated; the jobs that use it are assumed to run
            ! info PS201 `except` is not evaluated; the jobs that use it are assumed to run
            unit 0:00–1:00~
              # rules: [{if: $CI_COMMIT_BRANCH == "main"}]
            integration 0:00–1:00~
              # rules: [{if: $CI_COMMIT_BRANCH == "main"}]
            legacy 0:00–1:00~
              # only: [tags]
              # except: [schedules]
            bridge 1:00–2:00~
              # trigger: group/app: starts a downstream pipeline, which is not read; the job waits for it (strategy: depend), simulated as this job's duration
            makespan 2m · critical legacy → bridge
        "#]],
    );
}

/// A `spec:` header and `---` parse; `include:` is reported, not fetched; undeclared stages
/// are reported and placed last.
#[test]
fn headers_includes_and_undeclared_stages() {
    check_with(
        r#"spec:
  inputs:
    stage: {default: test}
---
include:
  - local: /ci/more.yml
stages: [build, test]
compile: {stage: build, script: make}
check:
  stage: $[[ inputs.stage ]]
  script: check
publish: {stage: release, script: publish, needs: [helper]}
"#,
        &AnalyzeOptions::default(),
        expect![[r#"
            ! info PS310 `include:` names 1 file; they are not fetched, so only the jobs of this file are simulated
            ! warning PS311 the stage `release` is not in `stages:` (an included file may declare it); it is placed after `test`
            ! warning PS301 `publish` needs `helper`, which is not a job of this file; it may come from an included file, which is not read
            compile 0:00–1:00~
            check 1:00–2:00~
            publish 0:00–1:00~
            makespan 2m · critical compile → check
        "#]],
    );
}

/// A timeout is an upper bound of the estimated duration.
#[test]
fn a_timeout_bounds_the_estimated_duration() {
    check_notes(
        r#"
quick: {script: q, timeout: 20 seconds}
long: {script: l, timeout: 3h 30m}
"#,
        expect![[r#"
            quick 0:00–0:20~
              # timeout: 20 seconds: an upper bound of the estimated duration
            long 0:00–1:00~
              # timeout: 3h 30m: an upper bound of the estimated duration
            makespan 1m · critical long
        "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// Typed failure and condition settings, as the model holds them.

#[test]
fn allow_failure_is_a_bool_or_exit_codes() {
    use pipescope::model::AllowFailure;
    let p = pipeline(
        r#"
lint: {script: lint, allow_failure: true}
test: {script: test, allow_failure: {exit_codes: [137, 255]}}
one: {script: one, allow_failure: {exit_codes: 1}}
build: {script: build, allow_failure: false}
plain: {script: plain}
"#,
    );
    assert_eq!(task(&p, "lint").failure.allow, AllowFailure::Yes);
    assert_eq!(task(&p, "test").failure.allow, AllowFailure::ExitCodes(vec![137, 255]));
    assert_eq!(task(&p, "one").failure.allow, AllowFailure::ExitCodes(vec![1]));
    assert_eq!(task(&p, "build").failure.allow, AllowFailure::No);
    assert!(task(&p, "build").failure.span.is_some());
    assert!(task(&p, "plain").failure.is_default());
}

#[test]
fn when_sets_the_run_condition_a_manual_gate_or_a_delay() {
    use pipescope::model::{AllowFailure, GateKind, RunWhen};
    let p = pipeline(
        r#"
build: {stage: build, script: b}
report: {stage: test, script: r, when: on_failure}
cleanup: {stage: test, script: c, when: always}
deploy: {stage: deploy, script: d, when: manual}
release: {stage: deploy, script: r, when: manual, allow_failure: false}
later: {stage: deploy, script: l, when: delayed, start_in: 30 minutes}
"#,
    );
    assert_eq!(task(&p, "build").when, RunWhen::OnSuccess);
    assert_eq!(task(&p, "report").when, RunWhen::OnFailure);
    assert_eq!(task(&p, "cleanup").when, RunWhen::Always);
    let deploy = task(&p, "deploy");
    let gate = deploy.gate.as_ref().expect("a manual gate");
    assert_eq!((gate.kind, gate.blocking, gate.conditional), (GateKind::ManualJob, false, false));
    assert_eq!(deploy.failure.allow, AllowFailure::Yes, "manual jobs allow failure by default");
    let release = task(&p, "release");
    assert!(release.gate.as_ref().is_some_and(|g| g.blocking));
    assert_eq!(release.failure.allow, AllowFailure::No);
    let later = task(&p, "later");
    assert_eq!(later.start_delay, Some(pipescope::duration::Millis(1_800_000)));
    assert!(later.gate.is_none());
}

#[test]
fn a_rule_that_makes_a_job_manual_is_a_conditional_gate() {
    let p = pipeline(
        r#"
deploy:
  script: d
  rules:
    - if: $CI_COMMIT_TAG
      when: manual
    - when: on_success
canary:
  script: c
  rules:
    - {if: $CI_COMMIT_TAG, when: manual, allow_failure: true}
"#,
    );
    let gate = task(&p, "deploy").gate.clone().expect("a gate");
    assert!(gate.conditional);
    assert!(gate.blocking, "in rules, a manual job does not allow failure unless it says so");
    assert!(!task(&p, "canary").gate.as_ref().expect("a gate").blocking);
}

#[test]
fn retry_is_a_count_or_max_and_when() {
    let p = pipeline(
        r#"
a: {script: a, retry: 2}
b: {script: b, retry: {max: 1, when: [runner_system_failure, stuck_or_timeout_failure]}}
c: {script: c, retry: {max: 2, exit_codes: 137}}
d: {script: d, retry: {when: script_failure}}
e: {script: e, retry: 5}
"#,
    );
    let retry = |id: &str| task(&p, id).failure.retry.clone();
    assert_eq!(retry("a").map(|r| (r.max, r.when.len())), Some((2, 0)));
    let b = retry("b").expect("b retries");
    assert_eq!(
        (b.max, b.when),
        (1, vec!["runner_system_failure".into(), "stuck_or_timeout_failure".into()])
    );
    assert_eq!(retry("c").map(|r| r.when), Some(vec!["exit code 137".to_string()]));
    assert_eq!(retry("d").map(|r| r.max), Some(0), "without max, GitLab retries nothing");
    assert_eq!(retry("e"), None, "GitLab rejects more than 2");
}

#[test]
fn rules_only_except_and_workflow_rules_are_unevaluated_conditions() {
    use pipescope::model::ConditionKind;
    let p = pipeline(
        r#"
workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "push"
deploy:
  script: d
  rules: [{if: $CI_COMMIT_BRANCH == "main"}]
tags: {script: t, only: [tags], except: [schedules]}
"#,
    );
    assert_eq!(p.conditions.len(), 1);
    assert_eq!(p.conditions[0].kind, ConditionKind::GitlabRules);
    assert_eq!(p.conditions[0].text, r#"[{if: $CI_PIPELINE_SOURCE == "push"}]"#);
    let deploy = task(&p, "deploy");
    assert_eq!(deploy.conditions[0].kind, ConditionKind::GitlabRules);
    let kinds: Vec<ConditionKind> = task(&p, "tags").conditions.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ConditionKind::GitlabOnly, ConditionKind::GitlabExcept]);
}

#[test]
fn parallel_instances_are_a_matrix_without_fail_fast() {
    let p = pipeline(
        r#"
test: {script: t, parallel: 3}
build:
  script: b
  parallel:
    matrix:
      - {OS: [linux, mac]}
single: {script: s}
"#,
    );
    assert_eq!(p.matrices.len(), 2);
    assert_eq!(p.matrices[0].members.len(), 3);
    assert_eq!(p.matrices[1].members.len(), 2);
    assert!(p.matrices.iter().all(|m| !m.fail_fast));
}

#[test]
fn notes_derived_from_typed_settings_keep_the_words_of_the_file() {
    check_notes(
        r#"
build: {stage: build, script: b, allow_failure: {exit_codes: 137}, retry: 1}
deploy: {stage: deploy, script: d, when: manual}
release: {stage: deploy, script: r, when: manual, allow_failure: false}
report: {stage: deploy, script: r, when: on_failure}
later: {stage: deploy, script: l, when: delayed, start_in: 30 minutes}
"#,
        expect![[r#"
            ! info PS312 2 manual jobs are simulated as started by hand the moment they may start; 1 of them block later stages (allow_failure: false)
            ! info PS312 the delay of `later` (`start_in: 30 minutes`) is not simulated; it starts as soon as it may
            build 0:00–1:00~
              # allow_failure: exit_codes: 137
              # retry: 1
            deploy 1:00–2:00~
              # when: manual: runs only when someone starts it; simulated as started as soon as it may; later stages do not wait for it (allow_failure: true)
            release 1:00–2:00~
              # when: manual, blocking (allow_failure: false): the pipeline waits here until someone starts it; simulated as started as soon as it may
              # allow_failure: false
            report never~ (skipped: it runs only when something before it fails)
              # when: on_failure: runs only when a job before it (an earlier stage, or its needs) fails
            later 1:00–2:00~
              # when: delayed by 30m: the delay is not simulated
            makespan 2m · critical build → deploy
        "#]],
    );
}

/// The reader records `rules`, `only`, `except` and `workflow: rules` as typed conditions and
/// reports none of them; the not-evaluated rule reports each once per place it is written, so
/// the `rules` of a template that three jobs share (two of them instances of one `parallel`
/// job) are reported once.
#[test]
fn unevaluated_conditions_are_reported_by_their_rule_once_per_place() {
    let yaml = r#"
workflow:
  rules: [{if: $CI_COMMIT_BRANCH}]
.only-main:
  rules: [{if: $CI_COMMIT_BRANCH == "main"}]
a: {extends: .only-main, script: a}
b: {extends: .only-main, script: b, parallel: 2}
c: {script: c, except: [tags]}
"#;
    let (pipeline, read) =
        pipescope::dialect::gitlab::read(yaml, &pipescope::model::Inputs::default());
    assert!(!read.iter().any(|d| d.code() == "PS201"), "{read:?}");
    assert_eq!(pipeline.tasks.iter().filter(|t| !t.conditions.is_empty()).count(), 4);
    let reported: Vec<String> = pipescope::lint::lint(&pipeline, None)
        .iter()
        .filter(|d| d.code() == "PS201")
        .map(|d| format!("{} {}", &yaml[d.span.start as usize..d.span.end as usize], d.message))
        .collect();
    expect![[r#"
        [
            "[{if: $CI_COMMIT_BRANCH}] `workflow: rules` are not evaluated; the pipeline is assumed to run",
            "[{if: $CI_COMMIT_BRANCH == \"main\"}] `rules` is not evaluated; the jobs that use it are assumed to run",
            "[tags] `except` is not evaluated; the jobs that use it are assumed to run",
        ]
    "#]]
    .assert_debug_eq(&reported);
}

/// Runner `tags` that hold a variable the running pipeline sets are no pool of one runner:
/// which runners carry them is unknown, so the jobs run at once, said once for the file. A
/// variable the file sets is expanded and is a pool as usual.
#[test]
fn tags_with_unexpanded_variables_are_an_unknown_runner_said_once() {
    check_with(
        r#"
variables: {ARCH: arm64}
a: {tags: [$RUNNER_TAG], script: a}
b: {tags: ["${RUNNER_TAG}", docker], script: b}
c: {tags: [$RUNNER_TAG], script: c}
d: {tags: [$ARCH], script: d}
e: {tags: [$ARCH], script: e}
"#,
        &AnalyzeOptions::default(),
        expect![[r#"
            ! info PS208 runner tags `$RUNNER_TAG` (and those of 2 other jobs) hold variables only the running pipeline sets: which runners carry them is unknown, so these jobs are taken to get a runner at once
            ! info PS309 runner pool `arm64` is assumed to have 1 runner: jobs on it run one at a time
            a 0:00–1:00~
            b 0:00–1:00~
            c 0:00–1:00~
            d 0:00–1:00~ [runner pool arm64/1]
            e 1:00–2:00~ [runner pool arm64/1] (waited 1m for runner pool arm64 held by d)
            makespan 2m · critical d → e
        "#]],
    );
}
