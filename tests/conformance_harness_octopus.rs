//! Every real Harness pipeline and Octopus process of the shared corpus
//! (`../shared/corpus/{harness,octopus}/`, described in `SOURCES.md`) must give a timeline or
//! clear diagnostics, never a panic; and no prefix of them may panic the readers. Skipped
//! cleanly when the corpus is not beside the repository, failed when that happens in CI.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::shared::shared_path;

use pipescope::diagnostic::Severity;
use pipescope::dialect::Dialect;
use pipescope::model::Inputs;
use pipescope::{AnalyzeOptions, analyze};

fn corpus(system: &str) -> Option<Vec<PathBuf>> {
    let dir = shared_path(&format!("corpus/{system}"))?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("a readable corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Some(files)
}

#[derive(Default, Debug)]
struct Counts {
    files: usize,
    with_timeline: usize,
    tasks: usize,
    started: usize,
    by_severity: BTreeMap<&'static str, usize>,
    by_code: BTreeMap<&'static str, usize>,
}

fn run(system: &str, dialect: Dialect) -> Option<Counts> {
    let files = corpus(system)?;
    let mut counts = Counts::default();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("corpus files are UTF-8");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(Dialect::detect(&text), dialect, "{name} is detected as {dialect}");
        let analysis = analyze(&text, &AnalyzeOptions::default());
        let started = analysis.schedule.tasks.iter().filter(|t| t.start.is_some()).count();
        counts.files += 1;
        counts.tasks += analysis.pipeline.tasks.len();
        counts.started += started;
        for d in &analysis.diagnostics {
            *counts.by_severity.entry(d.severity.as_str()).or_default() += 1;
            *counts.by_code.entry(d.code()).or_default() += 1;
        }
        let errors: Vec<String> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{} {}", d.code(), d.message))
            .collect();
        if started > 0 {
            counts.with_timeline += 1;
        } else {
            // No timeline: a diagnostic must say why, and it must be a clear one.
            let why = analysis.diagnostics.iter().find(|d| {
                matches!(d.code(), "PS206" | "PS209" | "PS007" | "PS001" | "PS009")
                    && d.severity != Severity::Info
            });
            assert!(why.is_some(), "{name}: no timeline and no diagnostic saying why");
        }
        println!(
            "{name}: {} tasks, {started} started, makespan {}, {} diagnostics{}",
            analysis.pipeline.tasks.len(),
            analysis.schedule.makespan,
            analysis.diagnostics.len(),
            if errors.is_empty() {
                String::new()
            } else {
                format!(", errors: {}", errors.join(" | "))
            }
        );
    }
    Some(counts)
}

#[test]
fn every_harness_corpus_file_gives_a_timeline_or_says_why() {
    let Some(c) = run("harness", Dialect::Harness) else { return };
    println!("harness: {c:?}");
    assert_eq!(c.files, 21);
    // 20 pipelines, one infrastructure definition (PS206, nothing to run).
    assert_eq!(c.with_timeline, 20);
    assert_eq!(c.by_code.get("PS206"), Some(&1));
    assert!(c.tasks >= 200, "{} tasks", c.tasks);
    assert_eq!(c.tasks, c.started, "every task of the corpus runs");
}

#[test]
fn every_octopus_corpus_file_gives_a_timeline() {
    let Some(c) = run("octopus", Dialect::Octopus) else { return };
    println!("octopus: {c:?}");
    assert_eq!(c.files, 5);
    assert_eq!(c.with_timeline, 5);
    assert_eq!(c.by_severity.get("error"), None, "real processes parse cleanly");
    assert_eq!(
        c.by_code.get("PS204"),
        Some(&2),
        "both Trident processes run a manual intervention in parallel"
    );
    assert_eq!(c.tasks, c.started);
}

/// Truncated files are what an editor holds while someone types: the readers must cope.
#[test]
fn prefixes_of_corpus_files_never_panic() {
    let mut fed = 0;
    for (system, dialect) in [("harness", Dialect::Harness), ("octopus", Dialect::Octopus)] {
        let Some(files) = corpus(system) else { return };
        for path in files {
            let text = std::fs::read_to_string(&path).expect("UTF-8");
            let step = (text.len() / 120).max(1);
            let mut cut = 0;
            while cut <= text.len() {
                let mut end = cut;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let prefix = &text[..end];
                let _ = dialect.read(prefix, &Inputs::default());
                let _ = analyze(
                    prefix,
                    &AnalyzeOptions { dialect: Some(dialect), ..Default::default() },
                );
                fed += 1;
                cut += step;
            }
        }
    }
    // About 120 prefixes of each of the 26 files: a test that read none would pass too.
    assert_eq!(fed, 3176, "prefixes fed to the readers");
}

/// Mangled text of the other dialect, and bytes that are not pipelines at all.
#[test]
fn the_readers_take_any_text() {
    let samples = [
        "",
        "\n\n",
        "step",
        "step \"",
        "step \"a\" { action { properties = { x = [[[[ } } }",
        "step \"a\" {\n x = <<EOT\n",
        "pipeline:\n  stages:\n    - parallel:\n        - parallel:\n            - parallel: []\n",
        "pipeline: [1, 2]",
        "template: {type: Stage, spec: {type: Deployment, spec: {execution: {steps: 3}}}}",
        "pipeline:\n  stages:\n    - stage: {identifier: a, strategy: {matrix: {x: [1, 2], exclude: 5}}}\n",
        "pipeline:\n  stages:\n    - stage: {identifier: a, strategy: {parallelism: 99999999999}}\n",
        "deployment_process:\n  steps:\n    - step: {roles: 5, start: sideways}\n",
        "\u{feff}{]",
    ];
    for text in samples {
        for dialect in [Dialect::Harness, Dialect::Octopus] {
            let _ = analyze(text, &AnalyzeOptions { dialect: Some(dialect), ..Default::default() });
        }
    }
    let deep_groups = format!(
        "pipeline:\n  stages:\n    - stage:\n        identifier: s\n        spec:\n          execution:\n            steps:\n{}",
        (0..60)
            .map(|i| format!(
                "{}- stepGroup:\n{}    identifier: g{i}\n{}    steps:\n",
                "  ".repeat(6 + 2 * i),
                "  ".repeat(6 + 2 * i),
                "  ".repeat(6 + 2 * i)
            ))
            .collect::<String>()
    );
    let analysis = analyze(
        &deep_groups,
        &AnalyzeOptions { dialect: Some(Dialect::Harness), ..Default::default() },
    );
    assert!(analysis.diagnostics.iter().any(|d| d.message.contains("nest")));
}
