//! Validates the simulation against PSPLIB, the standard resource-constrained project
//! scheduling benchmark: the sums of makespans over each set of `../shared/bench/psplib` under
//! both dispatch policies, and that every schedule respects precedence and capacities. A dozen
//! instances are vendored in `tests/fixtures/psplib/` with this engine's makespans, so that the
//! dispatch semantics are pinned on any clone.

mod common;

use std::path::{Path, PathBuf};

use common::shared::{present_or_skip, shared_path};
use pipescope::dialect::Dialect;
use pipescope::model::Pipeline;
use pipescope::sim::{Policy, Schedule, SimOptions, simulate};

/// This engine's makespans (seconds) under FIFO and document order, not the optima: three
/// instances of each set, one where resources never bind (FIFO reaches the critical-path
/// bound), one middling and the one furthest from that bound, each with the two policies apart
/// except where resources never bind.
const VENDORED: &[(&str, u64, u64)] = &[
    ("j3012_1.sm", 47, 47),
    ("j3026_10.sm", 59, 57),
    ("j3013_8.sm", 117, 119),
    ("j6011_1.sm", 71, 71),
    ("j6010_9.sm", 87, 85),
    ("j6029_6.sm", 177, 179),
    ("j9012_1.sm", 71, 71),
    ("j9042_6.sm", 103, 101),
    ("j9013_8.sm", 138, 130),
    ("j12025_2.sm", 108, 116),
    ("j1208_9.sm", 115, 109),
    ("j12056_8.sm", 374, 343),
];

fn instances(dir: &Path, set: &str) -> Vec<(String, Pipeline)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(set))
        .expect("set folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sm"))
        .collect();
    files.sort();
    files.iter().map(|path| (file_name(path), read(path))).collect()
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// An instance, which must read without a diagnostic.
fn read(path: &Path) -> Pipeline {
    let text = std::fs::read_to_string(path).expect("readable instance");
    let (pipeline, diagnostics) = Dialect::Psplib.read(&text, &Default::default());
    assert!(diagnostics.is_empty(), "{}: {diagnostics:?}", path.display());
    pipeline
}

/// Every task ran, after all its predecessors, and no resource was ever over capacity.
fn assert_feasible(name: &str, pipeline: &Pipeline, schedule: &Schedule) {
    let mut changes: Vec<(u64, i64, usize)> = Vec::new();
    for (task, timing) in pipeline.tasks.iter().zip(&schedule.tasks) {
        let (start, end) = (timing.start.expect("started"), timing.end.expect("ended"));
        assert_eq!(end.0 - start.0, task.duration.nominal().0, "{name}: task {} duration", task.id);
        for dep in &task.deps {
            let before = schedule.timing(dep.target.unwrap()).end.unwrap();
            assert!(before <= start, "{name}: task {} starts before {} ends", task.id, dep.name);
        }
        for demand in &task.demands {
            let r = demand.resource.unwrap().index();
            changes.push((start.0, i64::from(demand.amount), r));
            changes.push((end.0, -i64::from(demand.amount), r));
        }
    }
    // Releases before acquisitions at the same instant.
    changes.sort();
    let mut in_use = vec![0i64; pipeline.resources.len()];
    for (at, delta, r) in changes {
        in_use[r] += delta;
        assert!(
            in_use[r] <= i64::from(pipeline.resources[r].capacity),
            "{name}: {} over capacity at {at}",
            pipeline.resources[r].name
        );
    }
}

/// The makespan in seconds, after checking that the schedule is feasible.
fn makespan(name: &str, pipeline: &Pipeline, policy: Policy) -> u64 {
    let schedule = simulate(pipeline, &SimOptions { policy }).expect("no override");
    assert_feasible(name, pipeline, &schedule);
    schedule.makespan.0 / 1000
}

fn makespan_sum(set: &[(String, Pipeline)], policy: Policy) -> u64 {
    set.iter().map(|(name, pipeline)| makespan(name, pipeline, policy.clone())).sum()
}

#[test]
fn vendored_instances_keep_their_makespans() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/psplib");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/psplib")
        .map(|e| file_name(&e.expect("entry").path()))
        .filter(|name| name.ends_with(".sm"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = VENDORED.iter().map(|(name, ..)| name.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed, "every vendored instance has its makespans, and only those");
    let mut actual = Vec::new();
    for &(name, ..) in VENDORED {
        let pipeline = read(&dir.join(name));
        let fifo = makespan(name, &pipeline, Policy::Fifo);
        let order = makespan(name, &pipeline, Policy::DocumentOrder);
        actual.push((name, fifo, order));
    }
    assert_eq!(actual, VENDORED);
}

/// The vendored copies are the benchmark's files, byte for byte.
#[test]
fn vendored_instances_are_the_benchmarks() {
    let Some(bench) = shared_path("bench/psplib") else { return };
    let vendored = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/psplib");
    for &(name, ..) in VENDORED {
        let original = ["j30", "j60", "j90", "j120"]
            .into_iter()
            .find_map(|set| std::fs::read(bench.join(set).join(name)).ok())
            .unwrap_or_else(|| panic!("{name} is in no set of the benchmark"));
        assert_eq!(std::fs::read(vendored.join(name)).unwrap(), original, "{name}");
    }
}

#[test]
fn makespan_sums_match_the_published_checksums() {
    let Some(dir) = shared_path("bench/psplib") else { return };
    let expected = [
        ("j30", 480, 30579, 30442),
        ("j60", 480, 42105, 41735),
        ("j90", 480, 50342, 49689),
        ("j120", 600, 88088, 86008),
    ];
    for (set, count, fifo, order) in expected {
        let instances = instances(&dir, set);
        assert_eq!(instances.len(), count, "{set} instance count");
        assert_eq!(makespan_sum(&instances, Policy::Fifo), fifo, "{set} fifo");
        assert_eq!(makespan_sum(&instances, Policy::DocumentOrder), order, "{set} document order");
    }
}

/// Without `../shared`, a clone skips the benchmark tests; CI fails them.
#[test]
fn a_missing_shared_folder_skips_except_in_ci() {
    let missing = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/no-such-folder");
    assert_eq!(present_or_skip(&missing, false), None);
    assert!(std::panic::catch_unwind(|| present_or_skip(&missing, true)).is_err());
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/psplib");
    assert_eq!(present_or_skip(&here, true), Some(here));
}
