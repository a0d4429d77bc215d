//! Validates the simulation against PSPLIB, the standard resource-constrained project
//! scheduling benchmark (`../shared/bench/psplib`): the sums of makespans over each set under
//! both dispatch policies, and that every schedule respects precedence and capacities.

use std::path::{Path, PathBuf};

use pipescope::dialect::Dialect;
use pipescope::model::Pipeline;
use pipescope::sim::{Policy, Schedule, SimOptions, simulate};

fn psplib_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/psplib");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent", dir.display());
        None
    }
}

fn instances(dir: &Path, set: &str) -> Vec<(String, Pipeline)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(set))
        .expect("set folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sm"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable instance");
            let (pipeline, diagnostics) = Dialect::Psplib.read(&text, &Default::default());
            assert!(diagnostics.is_empty(), "{}: {diagnostics:?}", path.display());
            (path.file_name().unwrap().to_string_lossy().into_owned(), pipeline)
        })
        .collect()
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

fn makespan_sum(set: &[(String, Pipeline)], policy: Policy) -> u64 {
    let options = SimOptions { policy };
    set.iter()
        .map(|(name, pipeline)| {
            let schedule = simulate(pipeline, &options).expect("no override");
            assert_feasible(name, pipeline, &schedule);
            schedule.makespan.0 / 1000
        })
        .sum()
}

#[test]
fn makespan_sums_match_the_published_checksums() {
    let Some(dir) = psplib_dir() else { return };
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
