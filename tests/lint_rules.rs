//! What the fixtures cannot show: the help and related spans of model lint rules, and that the
//! graph rules cope with very large pipelines without overflowing the stack.

use pipescope::diagnostic::{Diagnostic, Severity};
use pipescope::duration::{DurationSpec, Millis};
use pipescope::lint;
use pipescope::model::{DepKind, Dependency, DurationSource, Pipeline, Task, TaskIdx, TaskKind};
use pipescope::span::Span;

fn diagnostics(text: &str, code: &str) -> Vec<Diagnostic> {
    pipescope::analyze(text, &Default::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.code() == code)
        .collect()
}

fn at(text: &str, span: Span) -> &str {
    &text[span.start as usize..span.end as usize]
}

#[test]
fn unknown_dependencies_suggest_the_id_meant() {
    let text = "pipeline:
  stages:
    - stage:
        id: verify
        steps:
          - step: {id: smoke}
          - step: {id: report, depends_on: [smoek]}
    - stage:
        id: publish
        steps:
          - step: {id: upload, depends_on: [smoke, zzz-not-a-task]}
";
    let found = diagnostics(text, "PS102");
    let helps: Vec<&str> = found.iter().map(|d| d.help.as_deref().unwrap_or("")).collect();
    assert_eq!(helps[0], "did you mean `smoke`?");
    assert_eq!(helps[1], "did you mean `verify/smoke`?");
    assert!(helps[2].contains("full id"), "{}", helps[2]);
    assert_eq!(found.len(), 3);
}

#[test]
fn unknown_resources_suggest_a_declared_one() {
    let text = "pipeline:
  resources: {runners: 3}
  stages:
    - stage: {id: build, uses: [runner]}
    - stage: {id: deploy, uses: {gpu-pool: 2}}
";
    let found = diagnostics(text, "PS105");
    assert_eq!(found[0].help.as_deref(), Some("did you mean `runners`?"));
    assert!(found[1].help.as_deref().is_some_and(|h| h.contains("`gpu-pool: 1`")));
}

#[test]
fn a_duplicate_id_points_back_at_the_first() {
    let text = "pipeline:
  stages:
    - stage: {id: deploy}
    - stage: {id: deploy}
";
    let found = diagnostics(text, "PS101");
    assert_eq!(found.len(), 1);
    let first = text.find("deploy").expect("in text");
    assert!(found[0].span.start as usize > first);
    assert_eq!(found[0].related[0].0.start as usize, first);
}

#[test]
fn a_cycle_points_at_every_edge_of_its_circle() {
    let text = "pipeline:
  stages:
    - stage: {id: a, depends_on: [c]}
    - stage: {id: b, depends_on: [a]}
    - stage: {id: c, depends_on: [b]}
";
    let found = diagnostics(text, "PS103");
    assert_eq!(found.len(), 1);
    let d = &found[0];
    assert_eq!(d.message, "dependency cycle: a → c → b → a");
    assert_eq!(at(text, d.span), "c");
    let labels: Vec<(&str, &str)> =
        d.related.iter().map(|(s, l)| (at(text, *s), l.as_str())).collect();
    assert_eq!(labels, [("b", "`c` waits for `b` here"), ("a", "`b` waits for `a` here")]);
    assert!(d.help.as_deref().is_some_and(|h| h.contains("remove one")));
}

#[test]
fn a_cycle_through_a_stage_explains_containment_and_names_the_rest_of_the_tangle() {
    let text = "pipeline:
  stages:
    - stage:
        id: verify
        steps:
          - step: {id: smoke, depends_on: [verify]}
          - step: {id: perf}
";
    let found = diagnostics(text, "PS103");
    assert_eq!(found.len(), 1);
    let d = &found[0];
    assert_eq!(d.message, "dependency cycle: verify/smoke → verify → verify/smoke");
    assert_eq!(d.related.len(), 1);
    assert_eq!(d.related[0].1, "`verify` ends only after its step `verify/smoke` ends");
    let help = d.help.as_deref().unwrap_or("");
    assert!(help.contains("a step cannot wait for its own stage"), "{help}");
    // `perf` follows `smoke`, so it starts after it ends and never does either.
    assert!(help.contains("also caught in it: `verify/perf`"), "{help}");
}

#[test]
fn a_serialized_parallel_group_points_at_each_holder() {
    let text = "pipeline:
  stages:
    - parallel:
        - stage: {id: deploy-eu, infrastructure: prod-eu}
        - stage: {id: deploy-us, infrastructure: prod-eu}
";
    let found = diagnostics(text, "PS107");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(at(text, found[0].span), "parallel");
    assert_eq!(found[0].related.len(), 2);
    assert!(found[0].help.as_deref().is_some_and(|h| h.contains("allow_simultaneous: true")));
}

#[test]
fn nested_parallel_groups_report_the_same_members_once() {
    let text = "pipeline:
  stages:
    - parallel:
        - parallel:
            - stage: {id: deploy-eu, infrastructure: prod-eu}
            - stage: {id: deploy-us, infrastructure: prod-eu}
        - stage: {id: notify}
";
    assert_eq!(diagnostics(text, "PS107").len(), 1);
}

#[test]
fn a_redundant_dependency_points_at_the_path_that_implies_it() {
    let text = "pipeline:
  stages:
    - stage: {id: a}
    - stage: {id: b}
    - stage: {id: c, depends_on: [b, a]}
";
    let found = diagnostics(text, "PS108");
    assert_eq!(found.len(), 1);
    assert_eq!(at(text, found[0].span), "a");
    assert_eq!(at(text, found[0].related[0].0), "b");
    assert!(found[0].help.as_deref().is_some_and(|h| h.starts_with("remove `a`")));
}

fn task(id: &str, parent: Option<TaskIdx>, deps: &[u32]) -> Task {
    Task {
        id: id.to_string(),
        local_id: id.rsplit('/').next().unwrap_or(id).to_string(),
        name: None,
        kind: if parent.is_some() { TaskKind::Step } else { TaskKind::Stage },
        parent,
        children: Vec::new(),
        duration: DurationSpec::Fixed(Millis(1000)),
        duration_source: DurationSource::Explicit,
        deps: deps
            .iter()
            .map(|&d| Dependency {
                target: Some(TaskIdx(d)),
                name: format!("t{d}"),
                kind: DepKind::Explicit,
                span: Span::default(),
            })
            .collect(),
        demands: Vec::new(),
        span: Span::default(),
        id_span: Span::default(),
        notes: Vec::new(),
        ..Task::default()
    }
}

/// A chain of `chain` stages, a stage with `fan` steps that all wait for the chain's first
/// stage, and a join that waits for every step and, redundantly, for the first stage.
fn chain_and_fan_out(chain: u32, fan: u32) -> Pipeline {
    let mut p = Pipeline::default();
    for i in 0..chain {
        let deps: &[u32] = if i == 0 { &[] } else { &[i - 1] };
        p.add_task(task(&format!("t{i}"), None, deps));
    }
    let fan_stage = p.add_task(task("fan", None, &[]));
    let steps: Vec<u32> =
        (0..fan).map(|i| p.add_task(task(&format!("fan/s{i}"), Some(fan_stage), &[0])).0).collect();
    let mut join_deps = steps;
    join_deps.push(0);
    p.add_task(task("join", None, &join_deps));
    p
}

#[test]
fn ten_thousand_tasks_in_a_chain_and_a_fan_out_lint_without_overflowing() {
    let p = chain_and_fan_out(10_000, 2_000);
    let found = lint::lint(&p, None);
    let codes: Vec<&str> = found.iter().map(|d| d.code()).collect();
    assert_eq!(codes, ["PS108"], "{found:#?}");
    assert_eq!(found[0].message, "`join` already waits for `t0` through `fan/s0`");
}

#[test]
fn a_ten_thousand_task_cycle_is_one_finding() {
    let mut p = chain_and_fan_out(10_000, 100);
    p.tasks[0].deps = vec![Dependency {
        target: Some(TaskIdx(9_999)),
        name: "t9999".into(),
        kind: DepKind::Explicit,
        span: Span::default(),
    }];
    let found = lint::lint(&p, None);
    let codes: Vec<&str> = found.iter().map(|d| d.code()).collect();
    assert_eq!(codes, ["PS103"]);
    assert_eq!(
        found[0].message,
        "dependency cycle: t0 → t9999 → t9998 → t9997 → t9996 → t9995 → … 9990 more … \
         → t4 → t3 → t2 → t1 → t0"
    );
    assert_eq!(found[0].related.len(), 9_999);
}

#[test]
fn redundancy_is_not_checked_beyond_its_size_limit() {
    let p = chain_and_fan_out(20_001, 0);
    let found: Vec<Diagnostic> =
        lint::lint(&p, None).into_iter().filter(|d| d.code() == "PS108").collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Info);
    assert!(found[0].span.is_empty());
    assert!(found[0].message.contains("20003 tasks"), "{}", found[0].message);
}
