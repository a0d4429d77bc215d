//! The gallery's examples teach something each; these tests hold them to what their header
//! comments promise.

use std::collections::BTreeSet;

use pipescope::diagnostic::Severity;
use pipescope::duration::Millis;
use pipescope::{Analysis, AnalyzeOptions, analyze};

fn example(name: &str) -> Analysis {
    let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("example exists");
    analyze(&text, &AnalyzeOptions::default())
}

fn codes(analysis: &Analysis) -> BTreeSet<&'static str> {
    analysis.diagnostics.iter().map(|d| d.code()).collect()
}

#[test]
fn every_example_but_the_mistakes_is_free_of_errors() {
    let dir = format!("{}/examples", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(dir).expect("examples/") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        if name == "mistakes.yaml" {
            continue;
        }
        let analysis = example(&name);
        let errors: Vec<_> =
            analysis.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert!(analysis.schedule.makespan > Millis::ZERO, "{name} has an empty timeline");
    }
}

#[test]
fn one_infrastructure_serialises_and_two_overlap() {
    let same = example("same-infrastructure.yaml");
    let two = example("two-infrastructures.yaml");
    assert!(codes(&same).contains("PS107"));
    assert!(!codes(&two).contains("PS107"));
    assert_eq!(same.schedule.makespan.0 - two.schedule.makespan.0, 4 * 60_000);
}

#[test]
fn the_block_waits_for_its_slowest_member() {
    let a = example("start-with-previous.yaml");
    let p = &a.pipeline;
    let smoke = a.schedule.timing(p.find_task("deploy/smoke-test").unwrap());
    let worker = a.schedule.timing(p.find_task("deploy/worker").unwrap());
    assert_eq!(smoke.start, worker.end);
}

#[test]
fn the_pool_runs_three_shards_at_once() {
    let a = example("runner-pool.yaml");
    let runners = a.pipeline.find_resource("runners").unwrap();
    let usage = &a.schedule.resources[runners.index()];
    assert_eq!(usage.peak_in_use, 3);
    assert_eq!(usage.peak_queued, 5);
}

#[test]
fn in_the_diamond_e2e_is_critical_and_unit_is_not() {
    let a = example("diamond.yaml");
    let critical: Vec<&str> =
        a.schedule.critical_path.iter().map(|&t| a.pipeline.task(t).id.as_str()).collect();
    assert_eq!(critical, ["build", "e2e", "publish"]);
}

#[test]
fn the_mistakes_show_the_lint() {
    let a = example("mistakes.yaml");
    let found = codes(&a);
    for code in ["PS003", "PS005", "PS102", "PS103", "PS105", "PS106", "PS107", "PS110"] {
        assert!(found.contains(code), "mistakes.yaml lacks {code}: {found:?}");
    }
}

#[test]
fn assumed_counts_are_listed_for_the_shells_to_offer() {
    use pipescope::model::SizeKind;
    let octopus = example("octopus-trident.ocl");
    let roles: Vec<_> =
        octopus.pipeline.sizes.iter().filter(|s| s.kind == SizeKind::Targets).collect();
    assert!(!roles.is_empty() && roles.iter().all(|s| s.assumed && s.count == 2), "{roles:?}");

    let path = format!("{}/examples/gitlab-gitlab-shell.yml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("example");
    let mut options = AnalyzeOptions::default();
    options.inputs.runners.insert("gitlab-org".into(), 5);
    let gitlab = analyze(&text, &options);
    let pool =
        gitlab.pipeline.sizes.iter().find(|s| s.key == "gitlab-org").expect("the gitlab-org pool");
    assert_eq!((pool.kind, pool.count, pool.assumed), (SizeKind::Runners, 5, false));
}
