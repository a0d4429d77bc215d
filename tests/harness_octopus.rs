//! The semantics of the Harness and Octopus dialects, one rule per test, from the systems'
//! documentation, as rendered timelines. `UPDATE_EXPECT=1 cargo test --test harness_octopus`
//! rewrites the expectations; review the diff.

mod common;

use common::timeline::{Show, pipeline, task};
use expect_test::{Expect, expect};
use pipescope::dialect::Dialect;
use pipescope::duration::{DurationSpec, Millis};
use pipescope::model::Inputs;
use pipescope::{AnalyzeOptions, analyze};

/// The timeline of `text` with `inputs`, notes and all, as the shared helper renders it.
fn timeline_with(text: &str, inputs: Inputs) -> String {
    let options = AnalyzeOptions { inputs, ..Default::default() };
    common::timeline::timeline(text, &options, Show::ALL)
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&timeline_with(text, Inputs::default()));
}

fn targets(pairs: &[(&str, u32)]) -> Inputs {
    let mut inputs = Inputs::default();
    for (role, n) in pairs {
        inputs.targets.insert(role.to_string(), *n);
    }
    inputs
}

// ---------------------------------------------------------------------------------------------
// Detection

#[test]
fn dialects_are_detected_from_the_text() {
    let native = "pipeline:\n  stages:\n    - stage: {id: a}\n";
    let harness =
        "pipeline:\n  identifier: p\n  stages:\n    - stage: {identifier: a, type: Custom}\n";
    let fragment = "stages:\n  - stage:\n      identifier: a\n      type: CI\n";
    let template = "template:\n  identifier: t\n  type: Pipeline\n  spec: {}\n";
    let ocl = "step \"a\" {\n  action {}\n}\n";
    let octo_yaml = "deployment_process:\n  steps: []\n";
    assert_eq!(Dialect::detect(native), Dialect::Native);
    assert_eq!(Dialect::detect(harness), Dialect::Harness);
    assert_eq!(Dialect::detect(fragment), Dialect::Harness);
    assert_eq!(Dialect::detect(template), Dialect::Harness);
    assert_eq!(Dialect::detect(ocl), Dialect::Octopus);
    assert_eq!(Dialect::detect(octo_yaml), Dialect::Octopus);
    for d in [Dialect::Harness, Dialect::Octopus] {
        assert_eq!(d.name().parse::<Dialect>(), Ok(d));
    }
}

// ---------------------------------------------------------------------------------------------
// Harness: order, parallel, step groups, ids

#[test]
fn harness_stages_run_in_order_and_parallel_groups_start_together() {
    check(
        r#"
pipeline:
  identifier: p
  stages:
    - stage:
        identifier: build
        type: CI
        spec:
          execution:
            steps:
              - step: {identifier: compile, type: Run, timeout: 10m}
              - parallel:
                  - step: {identifier: unit, type: Run, timeout: 30s}
                  - step: {identifier: lint, type: Run}
              - stepGroup:
                  identifier: package
                  steps:
                    - step: {identifier: image, type: Run}
                    - step: {identifier: push, type: Run}
    - parallel:
        - stage:
            identifier: eu
            type: Custom
            spec: {execution: {steps: [{step: {identifier: go, type: ShellScript}}]}}
        - stage:
            identifier: us
            type: Custom
            spec: {execution: {steps: [{step: {identifier: go, type: ShellScript}}]}}
    - stage:
        identifier: done
        type: Custom
        spec:
          execution:
            steps:
              - step: {identifier: wait, type: Wait, spec: {duration: 90s}}
"#,
        expect![[r#"
            build 0:00–4:00
              build/compile 0:00–1:00~
              build/unit 1:00–1:30~
              build/lint 1:00–2:00~
              build/package 2:00–4:00 (waited 30s for build/lint)
                build/package/image 2:00–3:00~
                build/package/push 3:00–4:00~
            eu 4:00–5:00
              eu/go 4:00–5:00~
            us 4:00–5:00
              us/go 4:00–5:00~
            done 5:00–6:30
              done/wait 5:00–6:30
            makespan 6m 30s · critical build → build/compile → build/lint → build/package → build/package/image → build/package/push → us → us/go → done → done/wait
        "#]],
    );
}

#[test]
fn harness_rollback_steps_are_listed_not_run_and_conditions_are_notes() {
    check(
        r#"
pipeline:
  identifier: p
  stages:
    - stage:
        identifier: deploy
        type: Custom
        when:
          pipelineStatus: Success
          condition: <+pipeline.variables.go> == "yes"
        failureStrategies:
          - onFailure:
              errors: [AllErrors]
              action: {type: StageRollback}
        spec:
          execution:
            steps:
              - step: {identifier: apply, type: ShellScript, when: {stageStatus: Success}}
            rollbackSteps:
              - step: {identifier: undo, type: ShellScript}
"#,
        expect![[r#"
            ! info PS201 `when` (pipelineStatus: Success; condition: <+pipeline.variables.go> == "yes") is not evaluated: its condition is assumed to hold
            ! info PS201 `failureStrategies` (roll back) are not evaluated: every task is assumed to succeed
            deploy 0:00–1:00
              # when: pipelineStatus: Success; condition: <+pipeline.variables.go> == "yes"
              # failureStrategies: roll back
              # rollbackSteps: undo (run only when the stage fails; not simulated)
              deploy/apply 0:00–1:00~
                # when: stageStatus: Success
            makespan 1m · critical deploy → deploy/apply
        "#]],
    );
}

/// `not-evaluated` reports a written setting once: not once per instance of a looped stage,
/// and not again for the steps that inherit the stage's failure strategies.
#[test]
fn harness_settings_of_a_looped_stage_are_reported_once() {
    let text = r#"
pipeline:
  identifier: p
  stages:
    - stage:
        identifier: deploy
        type: Custom
        strategy: {repeat: {items: [a, b, c]}}
        when: {pipelineStatus: Success, condition: <+pipeline.variables.go> == "yes"}
        failureStrategies:
          - onFailure: {errors: [AllErrors], action: {type: Abort}}
        spec:
          execution:
            steps:
              - step: {identifier: apply, type: ShellScript}
"#;
    let analysis = analyze(text, &AnalyzeOptions::default());
    let found: Vec<&str> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code() == "PS201")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        found,
        [
            "`when` (pipelineStatus: Success; condition: <+pipeline.variables.go> == \"yes\") is not evaluated: its condition is assumed to hold",
            "`failureStrategies` (abort) are not evaluated: every task is assumed to succeed",
        ]
    );
    assert_eq!(analysis.pipeline.tasks.len(), 6, "three stages of one step each");
}

/// An unreadable `timeout` is worded by `invalid-duration` itself, as in every other reader.
#[test]
fn harness_invalid_timeout_says_how_to_write_a_duration() {
    let text = "pipeline:\n  identifier: p\n  stages:\n    - stage:\n        identifier: s\n        type: Custom\n        spec:\n          execution:\n            steps:\n              - step: {identifier: a, type: Run, timeout: 5 minutes}\n";
    let analysis = analyze(text, &AnalyzeOptions::default());
    let d = analysis.diagnostics.iter().find(|d| d.code() == "PS005").expect("PS005");
    assert!(d.message.starts_with("invalid duration `5 minutes`"), "{}", d.message);
    assert_eq!(
        d.help.as_deref(),
        Some("write e.g. `45s`, `4m`, `1h30m`, `1.5m` or a number of seconds")
    );
}

#[test]
fn harness_unknown_keys_are_reported_but_known_ignored_keys_are_not() {
    check(
        r#"
pipeline:
  identifier: p
  projectIdentifier: proj
  orgIdentifier: default
  tags: {}
  properties: {ci: {codebase: {build: <+input>}}}
  stages:
    - stage:
        identifier: s
        type: Custom
        description: ""
        tags: {}
        dependson: [x]
        spec:
          execution:
            steps:
              - step:
                  identifier: a
                  type: ShellScript
                  timout: 10m
                  spec: {anything: goes, here: <+input>}
"#,
        expect![[r#"
            ! warning PS003 unknown key `dependson` in a stage; it is ignored
            ! warning PS003 unknown key `timout` in a step; it is ignored
            s 0:00–1:00
              s/a 0:00–1:00~
            makespan 1m · critical s → s/a
        "#]],
    );
}

#[test]
fn harness_durations_are_estimated_bounded_by_the_timeout_and_overridable() {
    let text = r#"
pipeline:
  identifier: p
  stages:
    - stage:
        identifier: s
        type: Custom
        spec:
          execution:
            steps:
              - step: {identifier: quick, type: ShellScript, timeout: 20s}
              - step: {identifier: slow, type: ShellScript, timeout: 1d}
              - step: {identifier: approve, type: HarnessApproval, timeout: <+input>}
"#;
    let mut inputs = Inputs::default();
    inputs.durations.insert("s/slow".into(), DurationSpec::Fixed(Millis::from_secs(600)));
    expect![[r#"
        s 0:00–11:20
          s/quick 0:00–0:20~
          s/slow 0:20–10:20
          s/approve 10:20–11:20~
            # type: approval: waits for a person; the duration is a guess
        makespan 11m 20s · critical s → s/quick → s/slow → s/approve
    "#]]
    .assert_eq(&timeline_with(text, inputs));
}

// ---------------------------------------------------------------------------------------------
// Harness: the deployment lock

const LOCKS: &str = r#"
pipeline:
  identifier: p
  stages:
    - parallel:
        - stage:
            identifier: first
            type: Deployment
            spec:
              service: {serviceRef: api}
              environment: {environmentRef: prod, infrastructureDefinitions: [{identifier: k8s}]}
              execution: {steps: [{step: {identifier: roll, type: K8sRollingDeploy, timeout: 10m}}]}
        - stage:
            identifier: second
            type: Deployment
            spec:
              service: {serviceRef: api}
              environment: {environmentRef: prod, infrastructureDefinitions: [{identifier: k8s}]}
              execution: {steps: [{step: {identifier: roll, type: K8sRollingDeploy}}]}
        - stage:
            identifier: other_infra
            type: Deployment
            spec:
              service: {serviceRef: api}
              environment: {environmentRef: prod, infrastructureDefinitions: [{identifier: vm}]}
              execution: {steps: [{step: {identifier: roll, type: K8sRollingDeploy}}]}
        - stage:
            identifier: v1_simultaneous
            type: Deployment
            spec:
              serviceConfig: {serviceRef: api}
              infrastructure:
                environmentRef: prod
                allowSimultaneousDeployments: true
                infrastructureDefinition: {type: KubernetesDirect, spec: {connectorRef: k8s}}
              execution: {steps: [{step: {identifier: roll, type: K8sRollingDeploy}}]}
        - stage:
            identifier: custom
            type: Custom
            spec:
              execution: {steps: [{step: {identifier: roll, type: ShellScript}}]}
        - stage:
            identifier: runtime
            type: Deployment
            spec:
              service: {serviceRef: api}
              environment: {environmentRef: <+input>, infrastructureDefinitions: <+input>}
              execution: {steps: [{step: {identifier: roll, type: K8sRollingDeploy}}]}
"#;

#[test]
fn harness_deployments_of_one_service_to_one_infrastructure_never_overlap() {
    check(
        LOCKS,
        expect![[r#"
            ! warning PS107 parallel stages `first` and `second` both hold infrastructure api on prod/k8s (capacity 1): they will run one after another, not in parallel
            ! info PS208 the deployment lock of `runtime` (service `api`, environment `<+input>`, infrastructure `<+input>`) is known only when the pipeline runs: it is assumed to share it with no other stage
            first 0:00–1:00 [infrastructure api on prod/k8s/1]
              first/roll 0:00–1:00~
            second 1:00–2:00 [infrastructure api on prod/k8s/1] (waited 1m for infrastructure api on prod/k8s held by first)
              second/roll 1:00–2:00~
            other_infra 0:00–1:00 [infrastructure api on prod/vm/1]
              other_infra/roll 0:00–1:00~
            v1_simultaneous 0:00–1:00
              v1_simultaneous/roll 0:00–1:00~
            custom 0:00–1:00
              custom/roll 0:00–1:00~
            runtime 0:00–1:00
              runtime/roll 0:00–1:00~
            makespan 2m · critical first → first/roll → second → second/roll
        "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// Harness: DAG pipelines

#[test]
fn harness_depends_on_replaces_order_and_parallel() {
    check(
        r#"
pipeline:
  identifier: p
  stages:
    - stage: {identifier: c, type: Custom, dependsOn: [a, b], spec: {execution: {steps: [{step: {identifier: x, type: Wait, spec: {duration: 1m}}}]}}}
    - stage: {identifier: a, type: Custom, dependsOn: [], spec: {execution: {steps: [{step: {identifier: x, type: Wait, spec: {duration: 2m}}}]}}}
    - stage: {identifier: b, type: Custom, dependsOn: [], spec: {execution: {steps: [{step: {identifier: x, type: Wait, spec: {duration: 3m}}}]}}}
    - stage: {identifier: d, type: Custom, dependsOn: [a, nope], spec: {execution: {steps: [{step: {identifier: x, type: Wait, spec: {duration: 1m}}}]}}}
"#,
        expect![[r#"
            ! error PS102 `d` depends on `nope`, which is not the id of any task
            c 3:00–4:00 (waited 1m for b)
              c/x 3:00–4:00
            a 0:00–2:00
              a/x 0:00–2:00
            b 0:00–3:00
              b/x 0:00–3:00
            d 2:00–3:00
              d/x 2:00–3:00
            makespan 4m · critical b → b/x → c → c/x
        "#]],
    );
}

/// The execution waves published with the example in Harness's "DAG pipelines" page: with
/// every stage lasting the same time, wave n starts at (n − 1) minutes. Backup Data, which
/// depends only on Deploy Database, "completes independently" in wave 4: it runs in wave 3's
/// slot and is done when wave 4 starts.
#[test]
fn harness_dag_example_reproduces_the_published_waves() {
    let path = "corpus/harness/docs-dag-pipeline-dependsOn.yaml";
    let Some(path) = common::shared::shared_path(path) else { return };
    let text = std::fs::read_to_string(path).expect("readable");
    let analysis = analyze(&text, &AnalyzeOptions::default());
    assert_eq!(analysis.dialect, Dialect::Harness);
    let start = |id: &str| {
        let t = analysis.pipeline.find_task(id).unwrap_or_else(|| panic!("no task {id}"));
        analysis.schedule.timing(t).start.expect("started").0 / 60_000 + 1
    };
    let waves: &[(u64, &[&str])] = &[
        (1, &["setup_infra", "build_config"]),
        (2, &["deploy_database", "build_frontend", "build_backend"]),
        (3, &["integration_tests", "deploy_frontend"]),
        (4, &["deploy_backend"]),
        (5, &["e2e_tests", "monitor_setup"]),
        (6, &["deploy_production"]),
        (7, &["send_notifications"]),
    ];
    for (wave, stages) in waves {
        for stage in *stages {
            assert_eq!(start(stage), *wave, "{stage} should start in wave {wave}");
        }
    }
    let backup = analysis.pipeline.find_task("backup_data").unwrap();
    assert_eq!(
        analysis.schedule.timing(backup).end,
        Some(Millis(3 * 60_000)),
        "done when wave 4 starts"
    );
    assert_eq!(analysis.schedule.makespan, Millis(7 * 60_000));
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
}

// ---------------------------------------------------------------------------------------------
// Harness: looping strategies

#[test]
fn harness_matrix_expands_with_exclude_and_max_concurrency() {
    check(
        r#"
pipeline:
  identifier: p
  stages:
    - stage:
        identifier: deploy
        name: Deploy
        type: Custom
        strategy:
          matrix:
            env: [dev, prod]
            region: [eu, us]
            exclude:
              - env: dev
                region: us
            maxConcurrency: 2
        spec:
          execution:
            steps:
              - step:
                  identifier: test
                  type: ShellScript
                  strategy:
                    repeat:
                      items: ["18", "20"]
                      maxConcurrency: 1
    - stage:
        identifier: after
        type: Custom
        spec: {execution: {steps: [{step: {identifier: x, type: ShellScript, strategy: {parallelism: 3, maxConcurrency: 2}}}]}}
"#,
        expect![[r#"
            deploy_env-dev_region-eu 0:00–2:00 «Deploy (env: dev, region: eu)» [parallelism limit deploy maxConcurrency/2]
              deploy_env-dev_region-eu/test_18 0:00–1:00~ [parallelism limit deploy_env-dev_region-eu/test maxConcurrency/1]
              deploy_env-dev_region-eu/test_20 1:00–2:00~ [parallelism limit deploy_env-dev_region-eu/test maxConcurrency/1] (waited 1m for parallelism limit deploy_env-dev_region-eu/test maxConcurrency held by deploy_env-dev_region-eu/test_18)
            deploy_env-prod_region-eu 0:00–2:00 «Deploy (env: prod, region: eu)» [parallelism limit deploy maxConcurrency/2]
              deploy_env-prod_region-eu/test_18 0:00–1:00~ [parallelism limit deploy_env-prod_region-eu/test maxConcurrency/1]
              deploy_env-prod_region-eu/test_20 1:00–2:00~ [parallelism limit deploy_env-prod_region-eu/test maxConcurrency/1] (waited 1m for parallelism limit deploy_env-prod_region-eu/test maxConcurrency held by deploy_env-prod_region-eu/test_18)
            deploy_env-prod_region-us 2:00–4:00 «Deploy (env: prod, region: us)» [parallelism limit deploy maxConcurrency/2] (waited 2m for parallelism limit deploy maxConcurrency held by deploy_env-dev_region-eu and deploy_env-prod_region-eu)
              deploy_env-prod_region-us/test_18 2:00–3:00~ [parallelism limit deploy_env-prod_region-us/test maxConcurrency/1]
              deploy_env-prod_region-us/test_20 3:00–4:00~ [parallelism limit deploy_env-prod_region-us/test maxConcurrency/1] (waited 1m for parallelism limit deploy_env-prod_region-us/test maxConcurrency held by deploy_env-prod_region-us/test_18)
            after 4:00–6:00 (waited 2m for deploy_env-prod_region-us)
              after/x_0 4:00–5:00~ [parallelism limit after/x maxConcurrency/2]
              after/x_1 4:00–5:00~ [parallelism limit after/x maxConcurrency/2]
              after/x_2 5:00–6:00~ [parallelism limit after/x maxConcurrency/2] (waited 1m for parallelism limit after/x maxConcurrency held by after/x_0 and after/x_1)
            makespan 6m · critical deploy_env-prod_region-eu → deploy_env-prod_region-eu/test_18 → deploy_env-prod_region-eu/test_20 → deploy_env-prod_region-us → deploy_env-prod_region-us/test_18 → deploy_env-prod_region-us/test_20 → after → after/x_1 → after/x_2
        "#]],
    );
}

#[test]
fn harness_matrix_values_reach_the_deployment_lock() {
    check(
        r#"
pipeline:
  identifier: p
  stages:
    - stage:
        identifier: deploy
        type: Deployment
        strategy:
          matrix:
            infra: [a, a, b]
        spec:
          service: {serviceRef: api}
          environment: {environmentRef: prod, infrastructureDefinitions: [{identifier: <+matrix.infra>}]}
          execution: {steps: [{step: {identifier: roll, type: K8sRollingDeploy}}]}
"#,
        expect![[r#"
            deploy_infra-a 0:00–1:00 [infrastructure api on prod/a/1]
              deploy_infra-a/roll 0:00–1:00~
            deploy_infra-a-2 1:00–2:00 [infrastructure api on prod/a/1] (waited 1m for infrastructure api on prod/a held by deploy_infra-a)
              deploy_infra-a-2/roll 1:00–2:00~
            deploy_infra-b 0:00–1:00 [infrastructure api on prod/b/1]
              deploy_infra-b/roll 0:00–1:00~
            makespan 2m · critical deploy_infra-a → deploy_infra-a/roll → deploy_infra-a-2 → deploy_infra-a-2/roll
        "#]],
    );
}

#[test]
fn harness_loops_over_expressions_run_once_and_say_so() {
    check(
        r#"
pipeline:
  identifier: p
  stages:
    - stage:
        identifier: deploy
        type: Custom
        spec:
          execution:
            steps:
              - stepGroup:
                  identifier: phase
                  strategy:
                    repeat:
                      items: <+stage.output.hosts>
                      maxConcurrency: 1
                  steps:
                    - step: {identifier: copy, type: Command, timeout: 10m}
"#,
        expect![[r#"
            ! info PS207 `repeat.items` is `<+stage.output.hosts>`, known only when the pipeline runs: simulated as one run
            deploy 0:00–1:00
              deploy/phase 0:00–1:00
                deploy/phase/copy 0:00–1:00~
            makespan 1m · critical deploy → deploy/phase → deploy/phase/copy
        "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// Harness: Queue and Barrier steps

#[test]
fn harness_queue_step_with_stage_scope_holds_its_key_to_the_end_of_the_stage() {
    check(
        r#"
pipeline:
  identifier: p
  stages:
    - parallel:
        - stage:
            identifier: a
            type: Custom
            spec:
              execution:
                steps:
                  - step: {identifier: prepare, type: Wait, spec: {duration: 1m}}
                  - step: {identifier: lock, type: Queue, spec: {key: db, scope: Stage}}
                  - step: {identifier: migrate, type: Wait, spec: {duration: 3m}}
                  - step: {identifier: check, type: Wait, spec: {duration: 1m}}
        - stage:
            identifier: b
            type: Custom
            spec:
              execution:
                steps:
                  - step: {identifier: prepare, type: Wait, spec: {duration: 2m}}
                  - step: {identifier: lock, type: Queue, spec: {key: db, scope: Stage}}
                  - step: {identifier: migrate, type: Wait, spec: {duration: 3m}}
"#,
        expect![[r#"
            a 0:00–5:00
              a/prepare 0:00–1:00
              a/lock 1:00–5:00 [concurrency group db/1]
                # Queue: holds key `db` from here to the end of stage a (shown spanning the steps after it)
                a/migrate 1:00–4:00
                a/check 4:00–5:00
            b 0:00–8:00
              b/prepare 0:00–2:00
              b/lock 5:00–8:00 [concurrency group db/1] (waited 3m for concurrency group db held by a/lock)
                # Queue: holds key `db` from here to the end of stage b (shown spanning the steps after it)
                b/migrate 5:00–8:00
            makespan 8m · critical a/prepare → a/lock → a/migrate → a/check → b → b/lock → b/migrate
        "#]],
    );
}

#[test]
fn harness_queue_step_with_pipeline_scope_does_not_wait_within_one_run() {
    check(
        r#"
pipeline:
  identifier: p
  stages:
    - parallel:
        - stage:
            identifier: a
            type: Custom
            spec: {execution: {steps: [{step: {identifier: q, type: Queue, spec: {key: "123", scope: Pipeline}}}, {step: {identifier: s, type: Wait, spec: {duration: 1m}}}]}}
        - stage:
            identifier: b
            type: Custom
            spec: {execution: {steps: [{step: {identifier: q, type: Queue, spec: {key: "123", scope: Pipeline}}}, {step: {identifier: s, type: Wait, spec: {duration: 1m}}}]}}
"#,
        expect![[r#"
            ! info PS210 a Queue step with scope Pipeline makes other executions wait until this one ends; within one execution it acquires its key once, so nothing in this timeline waits for it
            a 0:00–1:00
              a/q 0:00–0:00
                # Queue: holds key `123` until the pipeline ends (other executions queue; this one does not wait)
              a/s 0:00–1:00
            b 0:00–1:00
              b/q 0:00–0:00
                # Queue: holds key `123` until the pipeline ends (other executions queue; this one does not wait)
              b/s 0:00–1:00
            makespan 1m · critical a → a/q → a/s
        "#]],
    );
}

#[test]
fn harness_barriers_make_parallel_branches_wait_for_each_other() {
    check(
        r#"
pipeline:
  identifier: p
  flowControl:
    barriers:
      - {name: sync, identifier: sync}
  stages:
    - parallel:
        - stage:
            identifier: fast
            type: Custom
            spec:
              execution:
                steps:
                  - step: {identifier: deploy, type: Wait, spec: {duration: 1m}}
                  - step: {identifier: meet, type: Barrier, spec: {barrierRef: sync}}
                  - step: {identifier: verify, type: Wait, spec: {duration: 1m}}
        - stage:
            identifier: slow
            type: Custom
            spec:
              execution:
                steps:
                  - step: {identifier: deploy, type: Wait, spec: {duration: 4m}}
                  - step: {identifier: meet, type: Barrier, spec: {barrierRef: sync}}
                  - step: {identifier: verify, type: Wait, spec: {duration: 1m}}
"#,
        expect![[r#"
            fast 0:00–5:00
              fast/deploy 0:00–1:00
              fast/meet 4:00–4:00 (waited 3m for slow/deploy)
                # barrierRef: sync: waits until every branch using this barrier reaches it
              fast/verify 4:00–5:00
            slow 0:00–5:00
              slow/deploy 0:00–4:00
              slow/meet 4:00–4:00 (waited 3m for slow/deploy)
                # barrierRef: sync: waits until every branch using this barrier reaches it
              slow/verify 4:00–5:00
            makespan 5m · critical slow/deploy → fast → fast/meet → fast/verify
        "#]],
    );
}

#[test]
fn harness_barriers_that_cannot_meet_are_a_deadlock() {
    check(
        r#"
pipeline:
  identifier: p
  flowControl:
    barriers:
      - {name: wall, identifier: wall}
  stages:
    - stage:
        identifier: a
        type: Custom
        spec: {execution: {steps: [{step: {identifier: meet, type: Barrier, spec: {barrierRef: wall}}}]}}
    - stage:
        identifier: b
        type: Custom
        spec:
          execution:
            steps: [{step: {identifier: meet, type: Barrier, spec: {barrierRef: wall}}}]
            rollbackSteps: [{step: {identifier: undo, type: Barrier, spec: {barrierRef: other}}}]
"#,
        expect![[r#"
            ! error PS202 the barrier `wall` in `b/meet` can only be reached after `a/meet` has passed the same barrier: they never meet, and Harness hangs until the barrier times out
            ! error PS006 the barrier `other` is not declared in the pipeline's `flowControl.barriers`
            a 0:00–0:00
              a/meet 0:00–0:00
                # barrierRef: wall: waits until every branch using this barrier reaches it
            b 0:00–0:00
              # rollbackSteps: undo (run only when the stage fails; not simulated)
              b/meet 0:00–0:00
                # barrierRef: wall: waits until every branch using this barrier reaches it
            makespan 0s · critical a → a/meet
        "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// Harness: other roots, runtime inputs

#[test]
fn harness_non_pipeline_files_say_what_they_are() {
    check(
        "infrastructureDefinition:\n  identifier: k8s\n  environmentRef: prod\n  allowSimultaneousDeployments: true\n",
        expect![[r#"
            ! warning PS206 this is an infrastructure definition (`k8s`), not a pipeline: there is nothing to run. It allows simultaneous deployments: stages deploying a service to it do not queue
            makespan 0s · critical 
        "#]],
    );
}

#[test]
fn harness_stage_templates_and_runtime_inputs_are_read() {
    check(
        r#"
template:
  name: Deploy template
  identifier: deploy_tpl
  versionLabel: v1
  type: Stage
  spec:
    type: Deployment
    spec:
      service: {serviceRef: <+input>}
      environment: {environmentRef: <+input>}
      execution:
        steps:
          - step: {identifier: roll, type: K8sRollingDeploy, timeout: <+input>}
          - step: {identifier: from_tpl, template: {templateRef: verify, versionLabel: v2}}
"#,
        expect![[r#"
            ! info PS208 the deployment lock of `deploy_tpl` (service `<+input>`, environment `<+input>`, infrastructure `none given`) is not fully named in this file: it is assumed to share it with no other stage
            ! info PS209 `from_tpl` comes from the template `verify`, which is not in this file: it is simulated as one task of 1m
            deploy_tpl 0:00–2:00 «Deploy template»
              deploy_tpl/roll 0:00–1:00~
              deploy_tpl/from_tpl 1:00–2:00~
                # template: from template verify (not in this file)
            makespan 2m · critical deploy_tpl → deploy_tpl/roll → deploy_tpl/from_tpl
        "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// Octopus

#[test]
fn octopus_start_with_previous_forms_a_block_the_next_step_waits_for() {
    check(
        r#"
step "migrate" {
    action {
        action_type = "Octopus.Script"
    }
}

step "warm-cache" {
    start_trigger = "StartWithPrevious"
    action {
        action_type = "Octopus.Script"
    }
}

step "notify" {
    start_trigger = "StartWithPrevious"
    action {
        action_type = "Octopus.Script"
    }
}

step "smoke-test" {
    action {
        action_type = "Octopus.Script"
    }
}
"#,
        expect![[r#"
            migrate 0:00–1:00~
            warm-cache 0:00–1:00~
            notify 0:00–1:00~
            smoke-test 1:00–2:00~
            makespan 2m · critical notify → smoke-test
        "#]],
    );
}

const ROLLING: &str = r#"
step "deploy-web" {
    name = "Deploy web"
    properties = {
        Octopus.Action.MaxParallelism = "2"
        Octopus.Action.TargetRoles = "web"
    }
    action {
        action_type = "Octopus.TentaclePackage"
    }
}

step "configure-web" {
    start_trigger = "StartWithPrevious"
    properties = {
        Octopus.Action.TargetRoles = "web"
    }
    action {
        action_type = "Octopus.Script"
    }
}
"#;

#[test]
fn octopus_roles_fan_out_to_targets_in_a_rolling_window_one_step_per_target() {
    expect![[r#"
        deploy-web 0:00–2:00 «Deploy web»
          deploy-web/web-1 0:00–1:00~ «Deploy web on web-1» [target web-1/1; parallelism limit deploy-web window/2]
          deploy-web/web-2 0:00–1:00~ «Deploy web on web-2» [target web-2/1; parallelism limit deploy-web window/2]
          deploy-web/web-3 1:00–2:00~ «Deploy web on web-3» [target web-3/1; parallelism limit deploy-web window/2] (waited 1m for parallelism limit deploy-web window held by deploy-web/web-1 and deploy-web/web-2)
        configure-web 0:00–2:00
          configure-web/web-1 1:00–2:00~ «configure-web on web-1» [target web-1/1] (waited 1m for target web-1 held by deploy-web/web-1)
          configure-web/web-2 1:00–2:00~ «configure-web on web-2» [target web-2/1] (waited 1m for target web-2 held by deploy-web/web-2)
          configure-web/web-3 0:00–1:00~ «configure-web on web-3» [target web-3/1]
        makespan 2m · critical deploy-web → deploy-web/web-2 → deploy-web/web-3
    "#]]
    .assert_eq(&timeline_with(ROLLING, targets(&[("web", 3)])));
}

#[test]
fn octopus_max_parallelism_caps_the_steps_of_a_block_and_yaml_says_the_same() {
    let yaml = r#"
deployment_process:
  max_parallelism: 2
  steps:
    - step: {id: a, duration: 2m}
    - step: {id: b, duration: 1m, start: with-previous}
    - step: {id: c, duration: 1m, start: with-previous}
    - step: {id: d, duration: 30s}
"#;
    check(
        yaml,
        expect![[r#"
            ! info PS107 only 2 of the 3 parallel members using parallelism limit steps at once (Octopus.Action.MaxParallelism) can run at once (capacity 2)
            a 0:00–2:00 [parallelism limit steps at once (Octopus.Action.MaxParallelism)/2]
            b 0:00–1:00 [parallelism limit steps at once (Octopus.Action.MaxParallelism)/2]
            c 1:00–2:00 [parallelism limit steps at once (Octopus.Action.MaxParallelism)/2] (waited 1m for parallelism limit steps at once (Octopus.Action.MaxParallelism) held by a and b)
            d 2:00–2:30 [parallelism limit steps at once (Octopus.Action.MaxParallelism)/2] (waited 1m for c)
            makespan 2m 30s · critical b → c → d
        "#]],
    );
}

#[test]
fn octopus_yaml_roles_window_and_child_actions() {
    let yaml = r#"
deployment_process:
  steps:
    - step:
        id: release
        roles: [web]
        max_parallelism: 1
        actions:
          - action: {id: drain, duration: 30s}
          - action: {id: deploy, duration: 1m}
"#;
    expect![[r#"
        release 0:00–3:00
          release/web-1 0:00–1:30 «release on web-1» [target web-1/1; parallelism limit release window/1]
            release/web-1/drain 0:00–0:30
            release/web-1/deploy 0:30–1:30
          release/web-2 1:30–3:00 «release on web-2» [target web-2/1; parallelism limit release window/1] (waited 1m 30s for parallelism limit release window held by release/web-1)
            release/web-2/drain 1:30–2:00
            release/web-2/deploy 2:00–3:00
        makespan 3m · critical release → release/web-1 → release/web-1/drain → release/web-1/deploy → release/web-2 → release/web-2/drain → release/web-2/deploy
    "#]]
    .assert_eq(&timeline_with(yaml, targets(&[("web", 2)])));
}

#[test]
fn octopus_lint_parallel_output_manual_intervention_and_unknown_roles() {
    let text = r##"
step "Create Bucket" {
    action {
        action_type = "Octopus.AwsRunCloudFormation"
    }
}

step "upload" {
    start_trigger = "StartWithPrevious"
    properties = {
        Octopus.Action.TargetRoles = "wbe"
    }
    action {
        action_type = "Octopus.AwsUploadS3"
        properties = {
            Bucket = "#{Octopus.Action[Create Bucket].Output.AwsOutputs[Bucket]}"
        }
    }
}

step "approve" {
    start_trigger = "StartWithPrevious"
    action {
        action_type = "Octopus.Manual"
        environments = ["prod"]
    }
}
"##;
    expect![[r#"
        ! warning PS205 no number of targets was given for the role `wbe` (given: web); 2 are assumed
        ! warning PS203 `upload` reads an output variable of `Create-Bucket`, which runs in parallel with it: the output is not there yet
        ! warning PS204 the manual intervention `approve` runs in parallel with `Create-Bucket`, `upload`: they go on while it waits for approval
        ! info PS201 `environments` (prod) is not evaluated: the step is assumed to run in the environment deployed to
        Create-Bucket 0:00–1:00~ «Create Bucket»
        upload 0:00–1:00
          upload/wbe-1 0:00–1:00~ «upload on wbe-1» [target wbe-1/1]
          upload/wbe-2 0:00–1:00~ «upload on wbe-2» [target wbe-2/1]
        approve 0:00–1:00~
          # action_type: Octopus.Manual: waits for a person to approve
          # environments: prod
        makespan 1m · critical Create-Bucket
    "#]]
    .assert_eq(&timeline_with(text, targets(&[("web", 2)])));
    let help =
        analyze(text, &AnalyzeOptions { inputs: targets(&[("web", 2)]), ..Default::default() })
            .diagnostics
            .into_iter()
            .find(|d| d.code() == "PS205")
            .and_then(|d| d.help);
    assert_eq!(help.as_deref(), Some("did you mean `web`?"));
}

// ---------------------------------------------------------------------------------------------
// The gallery's real files

fn example(name: &str) -> pipescope::Analysis {
    let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("example exists");
    analyze(&text, &AnalyzeOptions::default())
}

#[test]
fn the_real_harness_examples_give_non_trivial_timelines() {
    let dag = example("harness-dag-pipeline.yaml");
    assert_eq!(dag.dialect, Dialect::Harness);
    assert_eq!(dag.pipeline.tasks.len(), 26);
    assert_eq!(dag.schedule.makespan, Millis(7 * 60_000));
    let ecs = example("harness-ecs-blue-green.yaml");
    assert_eq!(ecs.dialect, Dialect::Harness);
    let p = &ecs.pipeline;
    let a =
        ecs.schedule.timing(p.find_task("your_stage_id/your_stage_shift_group_weight-50").unwrap());
    let b = ecs
        .schedule
        .timing(p.find_task("your_stage_id/your_stage_shift_group_weight-100").unwrap());
    assert_eq!(a.end, b.start, "maxConcurrency: 1 runs the weights one after another");
    assert!(!b.waits.is_empty());
}

#[test]
fn the_real_octopus_example_runs_a_block_and_fans_out() {
    let a = example("octopus-trident.ocl");
    assert_eq!(a.dialect, Dialect::Octopus);
    let p = &a.pipeline;
    let notify = a.schedule.timing(p.find_task("notify-dbas-of-pending-approval").unwrap());
    let review = a.schedule.timing(p.find_task("dba-review-migration").unwrap());
    assert_eq!(notify.start, review.start, "StartWithPrevious");
    assert!(p.find_task("deploy-trident-website/trident-web-k8s-2").is_some());
    assert!(a.diagnostics.iter().any(|d| d.code() == "PS204"));
    let four = analyze(
        &std::fs::read_to_string(format!(
            "{}/examples/octopus-trident.ocl",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
        &AnalyzeOptions { inputs: targets(&[("trident-web-k8s", 4)]), ..Default::default() },
    );
    assert!(four.pipeline.find_task("deploy-trident-website/trident-web-k8s-4").is_some());
}

#[test]
fn octopus_project_max_parallelism_is_the_window_of_steps_that_set_none() {
    let yaml = "deployment_process:\n  max_parallelism: 1\n  steps:\n    - step: {id: web, roles: [web]}\n";
    expect![[r#"
        web 0:00–2:00
          web/web-1 0:00–1:00~ «web on web-1» [target web-1/1; parallelism limit web window/1]
          web/web-2 1:00–2:00~ «web on web-2» [target web-2/1; parallelism limit web window/1] (waited 1m for parallelism limit web window held by web/web-1)
        makespan 2m · critical web → web/web-1 → web/web-2
    "#]]
    .assert_eq(&timeline_with(yaml, targets(&[("web", 2)])));
}

// ---------------------------------------------------------------------------------------------
// Typed failure, condition and gate settings, as the model holds them.

const HARNESS_FAILURES: &str = r#"
pipeline:
  identifier: p
  stages:
    - stage:
        identifier: deploy
        type: Custom
        failureStrategies:
          - onFailure:
              errors: [AllErrors]
              action:
                type: Retry
                spec:
                  retryCount: 3
                  retryIntervals: [10s, 30s]
                  onRetryFailure: {action: {type: StageRollback}}
        spec:
          execution:
            steps:
              - step: {identifier: apply, type: ShellScript}
              - step:
                  identifier: probe
                  type: ShellScript
                  failureStrategies:
                    - onFailure: {errors: [AllErrors], action: {type: Ignore}}
              - step:
                  identifier: smoke
                  type: ShellScript
                  failureStrategies:
                    - onFailure: {errors: [Timeout], action: {type: Retry, spec: {retryCount: 1}}}
                    - onFailure: {errors: [AllErrors], action: {type: Abort}}
              - step:
                  identifier: verify
                  type: ShellScript
                  failureStrategies:
                    - onFailure: {errors: [AllErrors], action: {type: ManualIntervention}}
              - step:
                  identifier: mark
                  type: ShellScript
                  failureStrategies:
                    - onFailure: {errors: [AllErrors], action: {type: MarkAsSuccess}}
                    - onFailure: {errors: [Timeout], action: {type: PipelineRollback}}
"#;

#[test]
fn harness_failure_strategies_become_a_typed_policy_inherited_by_steps() {
    use pipescope::model::{AllowFailure, FailureAction};
    let p = pipeline(HARNESS_FAILURES);
    let deploy = task(&p, "deploy");
    let retry = deploy.failure.retry.clone().expect("a retry");
    assert_eq!((retry.max, retry.interval, retry.when.len()), (3, Millis(10_000), 0));
    assert_eq!(deploy.failure.action, FailureAction::Rollback);
    assert_eq!(task(&p, "deploy/apply").failure, deploy.failure, "a step inherits its stage's");
    assert_eq!(task(&p, "deploy/probe").failure.allow, AllowFailure::Yes);
    assert!(task(&p, "deploy/probe").failure.retry.is_none());
    let smoke = &task(&p, "deploy/smoke").failure;
    assert_eq!(
        smoke.retry.as_ref().map(|r| (r.max, r.when.clone())),
        Some((1, vec!["Timeout".into()]))
    );
    assert_eq!(smoke.action, FailureAction::Abort);
    assert_eq!(task(&p, "deploy/verify").failure.action, FailureAction::ManualIntervention);
    let mark = task(&p, "deploy/mark");
    assert_eq!(mark.failure.allow, AllowFailure::Yes);
    // What one policy cannot hold stays a note.
    let notes = p.task_notes(p.find_task("deploy/mark").unwrap());
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].text, "ignore the failure; also [Timeout] → PipelineRollback");
    let notes = p.task_notes(p.find_task("deploy").unwrap());
    assert_eq!(notes[0].text, "retry 3 times, 10s apart, then roll back");
    assert!(p.task_notes(p.find_task("deploy/apply").unwrap()).is_empty(), "shown on the stage");
}

#[test]
fn harness_when_is_a_run_condition_and_an_unevaluated_jexl_condition() {
    use pipescope::model::{ConditionKind, RunWhen};
    let p = pipeline(
        r#"
pipeline:
  identifier: p
  stages:
    - stage:
        identifier: notify
        type: Custom
        when: {pipelineStatus: Failure}
        spec: {execution: {steps: [{step: {identifier: tell, type: ShellScript, when: {stageStatus: All}}}]}}
    - stage:
        identifier: prod
        type: Custom
        when:
          pipelineStatus: Success
          condition: <+pipeline.variables.release> == "true"
        spec: {execution: {steps: [{step: {identifier: go, type: ShellScript}}]}}
"#,
    );
    assert_eq!(task(&p, "notify").when, RunWhen::OnFailure);
    assert_eq!(task(&p, "notify/tell").when, RunWhen::Always);
    let prod = task(&p, "prod");
    assert_eq!(prod.when, RunWhen::OnSuccess);
    assert_eq!(prod.conditions.len(), 1);
    assert_eq!(prod.conditions[0].kind, ConditionKind::HarnessWhen);
    assert_eq!(prod.conditions[0].text, r#"<+pipeline.variables.release> == "true""#);
}

#[test]
fn harness_approvals_are_gates_and_loops_are_matrices_without_fail_fast() {
    use pipescope::model::GateKind;
    let p = pipeline(
        r#"
pipeline:
  identifier: p
  stages:
    - stage:
        identifier: ok
        type: Approval
        spec:
          execution:
            steps:
              - step: {identifier: ask, type: HarnessApproval}
              - step: {identifier: jira, type: JiraApproval}
    - stage:
        identifier: deploy
        type: Custom
        strategy: {matrix: {env: [a, b, c]}}
        spec:
          execution:
            steps:
              - step: {identifier: shard, type: ShellScript, strategy: {parallelism: 2}}
"#,
    );
    for id in ["ok", "ok/ask", "ok/jira"] {
        let gate = task(&p, id).gate.clone().unwrap_or_else(|| panic!("{id} has no gate"));
        assert_eq!((gate.kind, gate.blocking), (GateKind::Approval, true));
    }
    assert!(task(&p, "deploy_env-a").gate.is_none());
    // One matrix of 3 stages, and one of 2 steps in each of them.
    let sizes: Vec<usize> = p.matrices.iter().map(|m| m.members.len()).collect();
    assert_eq!(sizes, [2, 2, 2, 3]);
    assert!(p.matrices.iter().all(|m| !m.fail_fast));
}

const OCTOPUS_CONDITIONS: &str = r##"
step "deploy" {
    action {
        action_type = "Octopus.Script"
        environments = ["production", "staging"]
        channels = ["hotfix"]
        properties = {
            Octopus.Action.AutoRetry.MaximumCount = "3"
            Octopus.Action.AutoRetry.MinimumBackoff = "15"
        }
    }
}

step "approve" {
    action {
        action_type = "Octopus.Manual"
    }
}

step "rollback" {
    condition = "Failure"
    action {
        action_type = "Octopus.Script"
    }
}

step "notify" {
    condition = "Always"
    action {
        action_type = "Octopus.Script"
    }
}

step "release-notes" {
    condition = "Variable"
    properties = {
        Octopus.Step.ConditionVariableExpression = "#{unless Octopus.Deployment.Error}#{Publish}#{/unless}"
    }
    action {
        action_type = "Octopus.Script"
    }
}

step "on-error" {
    condition = "Variable"
    properties = {
        Octopus.Step.ConditionVariableExpression = "#{if Octopus.Deployment.Error}#{Page}#{/if}"
    }
    action {
        action_type = "Octopus.Script"
    }
}
"##;

#[test]
fn octopus_run_conditions_scopes_retries_and_manual_interventions_are_typed() {
    use pipescope::model::{ConditionKind, GateKind, RunWhen};
    let p = pipeline(OCTOPUS_CONDITIONS);
    let deploy = task(&p, "deploy");
    assert_eq!(deploy.when, RunWhen::OnSuccess);
    let scopes: Vec<(ConditionKind, &str)> =
        deploy.conditions.iter().map(|c| (c.kind, c.text.as_str())).collect();
    assert_eq!(
        scopes,
        [
            (ConditionKind::OctopusScope, "environments: production, staging"),
            (ConditionKind::OctopusScope, "channels: hotfix"),
        ]
    );
    let retry = deploy.failure.retry.clone().expect("retries");
    assert_eq!((retry.max, retry.interval), (3, Millis(15_000)));
    let gate = task(&p, "approve").gate.clone().expect("a manual intervention");
    assert_eq!((gate.kind, gate.blocking), (GateKind::ManualIntervention, true));
    assert_eq!(task(&p, "rollback").when, RunWhen::OnFailure);
    assert!(task(&p, "rollback").conditions.is_empty());
    assert_eq!(task(&p, "notify").when, RunWhen::Always);
    // A variable's value is unknown: assumed to run after success, unless the expression tests
    // the deployment's error as Octopus documents.
    let notes = task(&p, "release-notes");
    assert_eq!(notes.when, RunWhen::OnSuccess);
    assert_eq!(task(&p, "on-error").when, RunWhen::OnFailure);
    assert_eq!(task(&p, "on-error").conditions[0].kind, ConditionKind::OctopusVariable);
    assert_eq!(notes.conditions[0].kind, ConditionKind::OctopusVariable);
    assert_eq!(notes.conditions[0].text, "#{unless Octopus.Deployment.Error}#{Publish}#{/unless}");
    let shown: Vec<String> = p
        .task_notes(p.find_task("deploy").unwrap())
        .iter()
        .map(|n| format!("{}: {}", n.key, n.text))
        .collect();
    assert_eq!(
        shown,
        [
            "environments: production, staging",
            "channels: hotfix",
            "Octopus.Action.AutoRetry.MaximumCount: 3, at least 15s apart",
        ]
    );
}

#[test]
fn octopus_yaml_conditions_are_typed_too() {
    use pipescope::model::{ConditionKind, RunWhen};
    let p = pipeline(
        r#"
deployment_process:
  steps:
    - step: {id: deploy, environments: [prod]}
    - step: {id: cleanup, condition: always}
    - step: {id: page, condition: failure}
"#,
    );
    assert_eq!(task(&p, "deploy").conditions[0].kind, ConditionKind::OctopusScope);
    assert_eq!(task(&p, "cleanup").when, RunWhen::Always);
    assert_eq!(task(&p, "page").when, RunWhen::OnFailure);
}

#[test]
fn octopus_the_only_action_of_a_step_lends_it_its_run_condition() {
    use pipescope::model::RunWhen;
    let p = pipeline(
        r#"
deployment_process:
  steps:
    - step: {id: build}
    - step:
        id: page
        actions:
          - action: {id: call, condition: failure}
    - step:
        id: tidy
        condition: always
        actions:
          - action: {id: sweep, condition: failure}
"#,
    );
    // The step is the action's task: its condition decides whether it runs.
    assert_eq!(task(&p, "page").when, RunWhen::OnFailure);
    assert!(task(&p, "page").when_span.is_some());
    // The step's own condition comes first.
    assert_eq!(task(&p, "tidy").when, RunWhen::Always);
}

#[test]
fn octopus_a_step_no_target_runs_keeps_what_its_actions_carry() {
    use pipescope::model::{ConditionKind, GateKind};
    let text = r#"
step "gate" {
    properties = { Octopus.Action.TargetRoles = "approvers" }
    action "ask" {
        action_type = "Octopus.Manual"
        environments = ["prod"]
    }
    action "log" {
        channels = ["hotfix"]
        is_disabled = true
    }
}
"#;
    let p = analyze(
        text,
        &AnalyzeOptions { inputs: targets(&[("approvers", 0)]), ..Default::default() },
    )
    .pipeline;
    let step = task(&p, "gate");
    assert!(step.children.is_empty(), "no target, no task per target");
    assert_eq!(step.gate.as_ref().map(|g| g.kind), Some(GateKind::ManualIntervention));
    let kept: Vec<(ConditionKind, &str)> =
        step.conditions.iter().map(|c| (c.kind, c.text.as_str())).collect();
    assert_eq!(
        kept,
        [
            (ConditionKind::OctopusScope, "environments: prod"),
            (ConditionKind::OctopusScope, "channels: hotfix")
        ]
    );
    assert!(step.notes.iter().any(|n| n.key == "is_disabled"));
}

#[test]
fn octopus_settings_repeated_per_target_are_reported_once_and_gates_below_a_step_count() {
    let text = r##"
step "build" {
    action { action_type = "Octopus.Script" }
}
step "deploy" {
    start_trigger = "StartWithPrevious"
    condition = "Always"
    properties = { Octopus.Action.TargetRoles = "web" }
    action "migrate" {
        environments = ["prod"]
        is_disabled = true
    }
    action "confirm" {
        action_type = "Octopus.Manual"
    }
}
"##;
    let analysis =
        analyze(text, &AnalyzeOptions { inputs: targets(&[("web", 3)]), ..Default::default() });
    let lines: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code(), "PS201" | "PS204"))
        .map(|d| format!("{} {}", d.code(), d.message))
        .collect();
    // Three targets run each action, but each setting is one place in the file. The `Always`
    // run condition is applied by the simulation, so it is not among what is not evaluated.
    assert_eq!(
        lines,
        [
            "PS204 the manual intervention `deploy` runs in parallel with `build`: they go on while it waits for approval",
            "PS201 `environments` (prod) is not evaluated: the step is assumed to run in the environment deployed to",
            "PS201 the action is disabled: Octopus skips it; it is shown taking no time",
        ]
    );
    let manual = analysis.diagnostics.iter().find(|d| d.code() == "PS204").expect("PS204");
    let (span, label) = &manual.related[0];
    assert_eq!(&text[span.start as usize..span.end as usize], "\"Octopus.Manual\"");
    assert_eq!(label, "a manual intervention");
}
