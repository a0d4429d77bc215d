//! Conformance on real files: every workflow of `../shared/corpus/github-actions/` and every
//! pipeline of `../shared/corpus/gitlab-ci/` (see `SOURCES.md` there) is detected, read and
//! simulated: each job of the file is in the timeline, or a diagnostic says why not; a task
//! that never starts is explained (a cycle says so); and no prefix of any file makes a reader
//! panic. The per-file counts are pinned below: a change in them is a change of behaviour to
//! review. Skipped, with a message, when the corpus is not there; failed when that happens in CI.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use common::shared::shared_path;

use expect_test::expect;
use pipescope::diagnostic::Severity;
use pipescope::dialect::{Dialect, ci};
use pipescope::model::{GithubPlan, Inputs};
use pipescope::{AnalyzeOptions, analyze, yaml};

fn corpus(dir: &str) -> Option<Vec<PathBuf>> {
    let path = shared_path(&format!("corpus/{dir}"))?;
    let entries = std::fs::read_dir(&path).expect("a readable corpus folder");
    let mut files: Vec<PathBuf> =
        entries.map(|e| e.expect("directory entry").path()).filter(|p| p.is_file()).collect();
    files.sort();
    Some(files)
}

/// The jobs a file defines, by name, read independently of the dialect readers.
fn defined_jobs(text: &str, dialect: Dialect) -> Vec<String> {
    let docs = yaml::parse(text);
    let docs: Vec<&yaml::Node> = docs.docs.iter().filter(|d| !d.is_null()).collect();
    match dialect {
        Dialect::Github => docs
            .first()
            .and_then(|root| root.get("jobs"))
            .and_then(|jobs| jobs.as_map())
            .map(|jobs| jobs.iter().filter_map(|(k, _)| k.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
        _ => {
            let config = match docs.as_slice() {
                [first, second, ..] if first.get("spec").is_some() => Some(*second),
                [first, ..] => Some(*first),
                [] => None,
            };
            config
                .and_then(|c| c.as_map())
                .map(|entries| {
                    entries
                        .iter()
                        .filter(|(_, v)| v.as_map().is_some())
                        .filter_map(|(k, _)| k.as_str())
                        .filter(|k| {
                            !k.starts_with('.')
                                && !pipescope::dialect::gitlab::GLOBAL_KEYS.contains(k)
                        })
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        }
    }
}

/// Whether a task id is (an instance of) this job.
fn is_job(task_id: &str, job: &str) -> bool {
    let id = ci::safe_id(job);
    task_id == id
        || task_id.strip_prefix(&id).is_some_and(|rest| {
            rest.starts_with(" (") || rest.starts_with(": [") || rest.starts_with(' ')
        })
}

#[derive(Default)]
struct Totals {
    files: usize,
    defined: usize,
    jobs: usize,
    tasks: usize,
    by_severity: BTreeMap<&'static str, usize>,
}

fn conform(dir: &str, dialect: Dialect) -> Option<(String, Totals)> {
    let files = corpus(dir)?;
    let mut table = String::new();
    let mut totals = Totals::default();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(file).expect("a readable corpus file");
        assert_eq!(Dialect::detect(&text), dialect, "{name} is detected as {dialect}");
        let analysis = analyze(&text, &AnalyzeOptions::default());
        let p = &analysis.pipeline;
        assert_eq!(analysis.schedule.tasks.len(), p.tasks.len(), "{name}");

        // Every job of the file is in the timeline, or a diagnostic says why.
        let jobs = defined_jobs(&text, dialect);
        for job in &jobs {
            let present = p.tasks.iter().any(|t| t.parent.is_none() && is_job(&t.id, job));
            let explained = analysis.diagnostics.iter().any(|d| d.message.contains(job.as_str()));
            assert!(
                present || explained,
                "{name}: the job `{job}` is neither simulated nor reported"
            );
        }
        if jobs.is_empty() {
            assert!(
                !analysis.diagnostics.is_empty(),
                "{name}: no jobs and no diagnostic saying so"
            );
        }

        // A task that never starts is explained: a cycle, a resource that never frees.
        let never: Vec<&str> =
            analysis.schedule.never_started().map(|t| p.task(t).id.as_str()).collect();
        if !never.is_empty() {
            assert!(
                analysis
                    .diagnostics
                    .iter()
                    .any(|d| ["PS103", "PS106", "PS111"].contains(&d.code())),
                "{name}: {never:?} never start, and nothing says why"
            );
        }

        let top = p.tasks.iter().filter(|t| t.parent.is_none()).count();
        let count = |s: Severity| analysis.diagnostics.iter().filter(|d| d.severity == s).count();
        let (e, w, i) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
        writeln!(
            table,
            "{name}: {} defined, {top} in the timeline, {} tasks, {} resources, {e}E {w}W {i}I, makespan {}",
            jobs.len(),
            p.tasks.len(),
            p.resources.len(),
            analysis.schedule.makespan
        )
        .unwrap();
        totals.files += 1;
        totals.defined += jobs.len();
        totals.jobs += top;
        totals.tasks += p.tasks.len();
        for (s, n) in [("error", e), ("warning", w), ("info", i)] {
            *totals.by_severity.entry(s).or_default() += n;
        }
    }
    writeln!(
        table,
        "total: {} files, {} jobs defined, {} in the timeline, {} tasks, diagnostics {:?}",
        totals.files, totals.defined, totals.jobs, totals.tasks, totals.by_severity
    )
    .unwrap();
    println!("{dir}\n{table}");
    Some((table, totals))
}

#[test]
fn every_github_workflow_of_the_corpus_is_simulated() {
    let Some((table, totals)) = conform("github-actions", Dialect::Github) else { return };
    assert_eq!(totals.files, 25);
    expect![[r#"
        actionlint-ci.yaml: 4 defined, 15 in the timeline, 176 tasks, 2 resources, 0E 0W 2I, makespan 12m
        actionlint-release.yaml: 3 defined, 3 in the timeline, 21 tasks, 1 resources, 0E 0W 1I, makespan 12m
        containerd-ci.yml: 13 defined, 39 in the timeline, 401 tasks, 2 resources, 0E 0W 5I, makespan 30m
        ingress-nginx-ci.yaml: 9 defined, 21 in the timeline, 73 tasks, 1 resources, 0E 0W 10I, makespan 16m
        miette-ci.yml: 5 defined, 15 in the timeline, 81 tasks, 2 resources, 0E 0W 2I, makespan 6m
        nexosim-ci.yml: 10 defined, 11 in the timeline, 59 tasks, 1 resources, 0E 0W 1I, makespan 18m
        prometheus-ci.yml: 20 defined, 33 in the timeline, 165 tasks, 1 resources, 0E 0W 9I, makespan 15m
        ruff-build-binaries.yml: 9 defined, 18 in the timeline, 176 tasks, 3 resources, 0E 0W 18I, makespan 1h 18m
        ruff-build-docker.yml: 4 defined, 7 in the timeline, 57 tasks, 1 resources, 0E 0W 5I, makespan 29m
        ruff-ci.yaml: 30 defined, 41 in the timeline, 327 tasks, 8 resources, 0E 0W 39I, makespan 50m
        ruff-release.yml: 16 defined, 16 in the timeline, 39 tasks, 2 resources, 0E 0W 11I, makespan 25m
        ruff-sync-typeshed.yaml: 6 defined, 6 in the timeline, 36 tasks, 2 resources, 0E 0W 9I, makespan 30m
        rust-analyzer-ci.yaml: 12 defined, 17 in the timeline, 103 tasks, 2 resources, 0E 0W 11I, makespan 13m
        rust-analyzer-metrics.yaml: 3 defined, 7 in the timeline, 41 tasks, 1 resources, 0E 0W 2I, makespan 14m
        rust-analyzer-release.yaml: 4 defined, 12 in the timeline, 157 tasks, 2 resources, 0E 0W 6I, makespan 27m
        tokio-ci.yml: 45 defined, 78 in the timeline, 475 tasks, 2 resources, 0E 0W 3I, makespan 29m
        tokio-loom.yml: 6 defined, 10 in the timeline, 50 tasks, 1 resources, 0E 0W 8I, makespan 4m
        tokio-stress-test.yml: 1 defined, 1 in the timeline, 7 tasks, 1 resources, 0E 0W 2I, makespan 6m
        uv-ci.yml: 22 defined, 22 in the timeline, 34 tasks, 1 resources, 0E 0W 20I, makespan 13m
        uv-pr-conflicts.yml: 3 defined, 3 in the timeline, 6 tasks, 2 resources, 0E 0W 6I, makespan 4m
        uv-release.yml: 13 defined, 13 in the timeline, 43 tasks, 2 resources, 0E 0W 13I, makespan 32m
        uv-test-system.yml: 27 defined, 34 in the timeline, 248 tasks, 2 resources, 0E 0W 2I, makespan 14m
        yew-benchmark.yml: 1 defined, 1 in the timeline, 20 tasks, 1 resources, 0E 0W 3I, makespan 19m
        yew-clippy.yml: 2 defined, 5 in the timeline, 29 tasks, 1 resources, 0E 0W 1I, makespan 9m
        yew-main-checks.yml: 10 defined, 16 in the timeline, 103 tasks, 1 resources, 0E 0W 2I, makespan 9m
        total: 25 files, 278 jobs defined, 444 in the timeline, 2927 tasks, diagnostics {"error": 0, "info": 191, "warning": 0}
    "#]].assert_eq(&table);
}

#[test]
fn every_gitlab_pipeline_of_the_corpus_is_simulated() {
    let Some((table, totals)) = conform("gitlab-ci", Dialect::Gitlab) else { return };
    assert_eq!(totals.files, 15);
    expect![[r#"
        gitlab-runner-build.gitlab-ci.yml: 12 defined, 16 in the timeline, 16 tasks, 0 resources, 0E 32W 0I, makespan 3m
        gitlab-runner-coverage.gitlab-ci.yml: 1 defined, 1 in the timeline, 1 tasks, 0 resources, 0E 2W 0I, makespan 1m
        gitlab-runner-k8s-integration.gitlab-ci.yml: 6 defined, 6 in the timeline, 6 tasks, 4 resources, 0E 3W 1I, makespan 3m
        gitlab-runner-kubernetes-templates.gitlab-ci.yml: 0 defined, 0 in the timeline, 0 tasks, 0 resources, 0E 1W 0I, makespan 0s
        gitlab-runner-postrelease.gitlab-ci.yml: 8 defined, 8 in the timeline, 8 tasks, 0 resources, 0E 24W 1I, makespan 2m
        gitlab-runner-qa.gitlab-ci.yml: 19 defined, 19 in the timeline, 19 tasks, 0 resources, 0E 57W 2I, makespan 1m
        gitlab-runner-release.gitlab-ci.yml: 8 defined, 23 in the timeline, 23 tasks, 0 resources, 0E 20W 0I, makespan 1m
        gitlab-runner-root.gitlab-ci.yml: 0 defined, 0 in the timeline, 0 tasks, 0 resources, 0E 0W 2I, makespan 0s
        gitlab-shell.gitlab-ci.yml: 17 defined, 22 in the timeline, 22 tasks, 2 resources, 0E 0W 20I, makespan 20m
        glab-cli.gitlab-ci.yml: 20 defined, 20 in the timeline, 20 tasks, 0 resources, 0E 3W 16I, makespan 8m
        omnibus-gitlab-com.gitlab-ci.yml: 41 defined, 46 in the timeline, 46 tasks, 0 resources, 0E 48W 41I, makespan 4m
        omnibus-rat.gitlab-ci.yml: 3 defined, 6 in the timeline, 6 tasks, 0 resources, 0E 5W 3I, makespan 1m
        omnibus.gitlab-ci.yml: 4 defined, 4 in the timeline, 4 tasks, 2 resources, 0E 3W 7I, makespan 3m
        orbit-knowledge-graph.gitlab-ci.yml: 62 defined, 71 in the timeline, 71 tasks, 0 resources, 0E 3W 28I, makespan 6m
        orbit-release-local.gitlab-ci.yml: 10 defined, 10 in the timeline, 10 tasks, 0 resources, 0E 8W 1I, makespan 3m
        total: 15 files, 211 jobs defined, 252 in the timeline, 252 tasks, diagnostics {"error": 0, "info": 122, "warning": 209}
    "#]].assert_eq(&table);
}

/// The largest ruff workflow with its self-hosted pools sized and its plan given: the user's
/// counts reach the resources, and the makespan shrinks to what the dependencies allow.
#[test]
fn runner_counts_from_the_user_size_the_pools() {
    let Some(files) = corpus("github-actions") else { return };
    let file = files.iter().find(|f| f.ends_with("ruff-ci.yaml")).expect("ruff-ci.yaml");
    let text = std::fs::read_to_string(file).unwrap();
    let tight = analyze(&text, &AnalyzeOptions::default());
    let mut runners = BTreeMap::new();
    for size in &tight.pipeline.sizes {
        runners.insert(size.key.clone(), 100);
    }
    assert_eq!(runners.len(), 7);
    let plan = Some(GithubPlan::Enterprise);
    let inputs = Inputs { runners: runners.clone(), plan, ..Inputs::default() };
    let options = AnalyzeOptions { inputs, ..Default::default() };
    let roomy = analyze(&text, &options);
    for r in &roomy.pipeline.resources {
        let expected = if runners.contains_key(&r.name) { 100 } else { 500 };
        assert_eq!(r.capacity, expected, "{}", r.name);
    }
    assert!(roomy.schedule.makespan < tight.schedule.makespan);
    assert!(!roomy.diagnostics.iter().any(|d| d.code() == "PS309"));
}

/// Cutting every corpus file (of every system, not only these two) at many places and reading
/// the pieces with both readers and with detection never panics. Two small files are cut at
/// every line, the others at 12 places.
#[test]
fn no_prefix_of_any_corpus_file_makes_a_reader_panic() {
    let dirs = ["github-actions", "gitlab-ci", "argo", "azure-pipelines", "harness", "octopus"];
    let every_line = ["tokio-stress-test.yml", "gitlab-runner-k8s-integration.gitlab-ci.yml"];
    let inputs = Inputs::default();
    let mut pieces = 0;
    for dir in dirs {
        let Some(files) = corpus(dir) else { return };
        for file in files {
            let text = std::fs::read_to_string(&file).expect("corpus files are UTF-8");
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let cuts: Vec<usize> = if every_line.contains(&name.as_str()) {
                text.match_indices('\n').map(|(i, _)| i).chain([text.len()]).collect()
            } else {
                (0..=12).map(|k| text.len() * k / 12).collect()
            };
            for cut in cuts {
                let mut end = cut;
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                let piece = &text[..end];
                for dialect in [Dialect::Github, Dialect::Gitlab] {
                    let (pipeline, _) = dialect.read(piece, &inputs);
                    let schedule = pipescope::sim::simulate(&pipeline, &Default::default())
                        .expect("no override");
                    assert_eq!(schedule.tasks.len(), pipeline.tasks.len());
                }
                let analysis = analyze(piece, &AnalyzeOptions::default());
                assert_eq!(analysis.schedule.tasks.len(), analysis.pipeline.tasks.len());
                pieces += 1;
            }
        }
    }
    // 13 cuts of most files, one per line of two: a test that read none would pass too.
    assert_eq!(pieces, 1167, "prefixes read");
}
