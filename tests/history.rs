//! Past runs (`--history`): each export format read by content, the CI systems' names matched
//! to the pipeline's tasks, durations learnt from one run and from several, and bad files.
//! The fixtures in `tests/data/history/` follow the API documentation's example responses.

use std::path::Path;

use pipescope::analysis::{Analysis, AnalyzeOptions, analyze};
use pipescope::diagnostic::Severity;
use pipescope::duration::{DurationSpec, Millis};
use pipescope::history::{self, History, JobOutcome, Source};
use pipescope::model::DurationSource;

fn data(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/history").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn history_of(files: &[&str]) -> History {
    let mut history = History::default();
    for f in files {
        history.add(history::read(&data(f)).unwrap_or_else(|e| panic!("{f}: {e}")));
    }
    history
}

fn analyze_with(pipeline: &str, files: &[&str]) -> Analysis {
    let options = AnalyzeOptions { history: history_of(files).into(), ..Default::default() };
    analyze(&data(pipeline), &options)
}

/// (start, end) in whole seconds of the task with this id.
fn times(a: &Analysis, id: &str) -> (f64, f64) {
    let t =
        a.pipeline.tasks.iter().position(|t| t.id == id).unwrap_or_else(|| panic!("no task {id}"));
    let timing = a.schedule.timing(pipescope::model::TaskIdx(t as u32));
    (timing.start.expect("started").as_secs_f64(), timing.end.expect("ended").as_secs_f64())
}

fn messages(a: &Analysis) -> Vec<String> {
    a.diagnostics.iter().filter(|d| d.code() == "PS315").map(|d| d.message.clone()).collect()
}

#[test]
fn github_rest_jobs_and_steps_are_read_with_their_times() {
    let runs = history::read(&data("github-rest.json")).expect("read");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!((run.source, run.key.as_deref()), (Source::GithubRest, Some("555 attempt 1")));
    assert_eq!(run.jobs.len(), 7);
    let build = &run.jobs[0];
    assert_eq!(build.name, "Build ubuntu-latest");
    assert_eq!(build.duration, Some(Millis(180_000)));
    assert_eq!(build.started.zip(build.created).map(|(s, c)| s - c), Some(6_000));
    assert_eq!(build.labels, ["ubuntu-latest"]);
    assert_eq!(build.steps.len(), 6);
    assert_eq!(build.steps[3].duration(), Some(Millis(106_000)));
    assert_eq!(run.jobs[3].outcome, JobOutcome::Failed);
    // A skipped job is recorded as skipped, not as a job of zero seconds that ran.
    assert_eq!(run.jobs[5].outcome, JobOutcome::Skipped);
}

#[test]
fn step_times_go_to_the_steps_and_the_runners_own_steps_to_the_first_and_last() {
    let a = analyze_with("ci.yml", &["github-rest.json"]);
    let job = "build (ubuntu-latest, 3.11)";
    // It waited 6 s for a runner (created 10:00:00, started 10:00:06). Set up job (3s) joins
    // checkout (5s); Post checkout (4s) and Complete job (2s) join pytest.
    assert_eq!(times(&a, &format!("{job}/1")), (6.0, 14.0));
    assert_eq!(times(&a, &format!("{job}/2")), (14.0, 74.0));
    assert_eq!(times(&a, &format!("{job}/3")), (74.0, 186.0));
    assert_eq!(times(&a, job), (6.0, 186.0), "the job lasts what it lasted");
    let step = a.pipeline.tasks.iter().find(|t| t.id == format!("{job}/2")).expect("step");
    assert_eq!(step.duration_source, DurationSource::History);
}

#[test]
fn github_names_matrix_jobs_by_resolved_name_in_order_and_by_id_with_values() {
    let a = analyze_with("ci.yml", &["github-rest.json"]);
    // `name: Build ${{ matrix.os }}` gives two jobs one name: paired in file order.
    // Each after its own wait for a runner (5, 8 and 9 s).
    assert_eq!(times(&a, "build (ubuntu-latest, 3.12)"), (5.0, 125.0));
    assert_eq!(times(&a, "build (windows-latest, 3.11)"), (8.0, 308.0));
    // A failed job's time is real time.
    assert_eq!(times(&a, "build (windows-latest, 3.12)"), (9.0, 249.0));
    // No `name:`: the job id and the matrix values.
    let test18 = times(&a, "test (18)");
    assert_eq!(test18.1 - test18.0, 60.0);
    let found = messages(&a);
    assert!(
        found.iter().any(|m| m.contains("job `deploy docs` matches no job of this file")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|m| m.contains("`test (20)` got no duration") && m.contains("skipped in 1")),
        "{found:#?}"
    );
}

#[test]
fn a_static_name_of_a_matrix_job_gets_the_values_as_a_suffix() {
    let workflow = "on: push
jobs:
  unit:
    name: Unit tests
    runs-on: ubuntu-latest
    strategy: {matrix: {py: ['3.11', '3.12']}}
    steps: [{run: pytest}]
";
    let run = r#"{"jobs": [
      {"name": "Unit tests (3.12)", "status": "completed", "conclusion": "success",
       "started_at": "2026-11-30T10:00:00Z", "completed_at": "2026-11-30T10:07:00Z"},
      {"name": "Unit tests (3.11)", "status": "completed", "conclusion": "success",
       "started_at": "2026-11-30T10:00:00Z", "completed_at": "2026-11-30T10:05:00Z"}]}"#;
    let mut history = History::default();
    history.add(history::read(run).expect("read"));
    let a = analyze(workflow, &AnalyzeOptions { history: history.into(), ..Default::default() });
    assert_eq!(times(&a, "unit (3.11)").1, 300.0);
    assert_eq!(times(&a, "unit (3.12)").1, 420.0);
    let warnings: Vec<&str> = a
        .diagnostics
        .iter()
        .filter(|d| d.code() == "PS315" && d.severity == pipescope::diagnostic::Severity::Warning)
        .map(|d| d.message.as_str())
        .collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn gh_run_view_has_no_step_times_so_the_job_time_is_spread_and_said_once() {
    let runs = history::read(&data("gh-run-view.json")).expect("read");
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].source, runs[0].key.as_deref()), (Source::GhCli, Some("777")));
    let a = analyze_with("ci.yml", &["gh-run-view.json"]);
    assert_eq!(times(&a, "build (ubuntu-latest, 3.11)"), (0.0, 240.0));
    assert_eq!(times(&a, "build (windows-latest, 3.12)"), (0.0, 360.0));
    let found = messages(&a);
    assert_eq!(found.iter().filter(|m| m.contains("no step times")).count(), 1, "{found:#?}");
}

#[test]
fn gitlab_pages_of_one_pipeline_merge_and_keep_fractions() {
    let history = history_of(&["gitlab-page1.json", "gitlab-page2.json", "gitlab-page2.json"]);
    assert_eq!(history.runs.len(), 1, "one pipeline id: one run");
    assert_eq!(history.job_count(), 7, "a page imported twice counts once");
    let run = &history.runs[0];
    assert_eq!(run.jobs[1].duration, Some(Millis(90_250)));
    assert_eq!(run.jobs[0].queued, Some(Millis(2_500)));
    assert_eq!(run.jobs[0].stage.as_deref(), Some("build"));
    assert_eq!(run.jobs[5].outcome, JobOutcome::Cancelled);

    let a = analyze_with("gitlab-ci.yml", &["gitlab-page1.json", "gitlab-page2.json"]);
    // Each job first waits its `queued_duration` for a runner.
    assert_eq!(times(&a, "build: [aws, app2]"), (1.0, 91.25));
    // `parallel: 3` instances as GitLab names them: "rspec 1/3"; after build: [gcp, data]
    // (3 s + 180 s), 1 s for a runner.
    assert_eq!(times(&a, "rspec 1 of 3"), (184.0, 424.0));
    assert_eq!(times(&a, "lint"), (185.0, 215.75));
    let found = messages(&a);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("`rspec 3 of 3` got no duration") && found[0].contains("cancelled in 1")
    );
}

#[test]
fn a_csv_gives_durations_by_name_in_seconds_or_duration_syntax() {
    let runs = history::read(&data("timings.csv")).expect("read");
    assert_eq!(runs[0].source, Source::Csv);
    let jobs: Vec<(&str, Option<Millis>, Option<Millis>)> =
        runs[0].jobs.iter().map(|j| (j.name.as_str(), j.duration, j.queued)).collect();
    assert_eq!(
        jobs,
        [
            ("lint", Some(Millis(45_000)), Some(Millis(3_000))),
            ("rspec 1/3", Some(Millis(240_000)), Some(Millis(5_000))),
            ("rspec 2/3", Some(Millis(200_500)), None),
        ]
    );
}

#[test]
fn several_runs_give_samples_whose_median_the_simulation_uses() {
    let run = |pipeline: u32, secs: u32| {
        format!(
            r#"[{{"name": "lint", "status": "success", "duration": {secs}, "pipeline": {{"id": {pipeline}}}}}]"#
        )
    };
    let mut history = History::default();
    for (p, s) in [(1, 30), (2, 90), (3, 60)] {
        history.add(history::read(&run(p, s)).expect("read"));
    }
    assert_eq!(history.runs.len(), 3);
    let a = analyze(
        &data("gitlab-ci.yml"),
        &AnalyzeOptions { history: history.into(), ..Default::default() },
    );
    let lint = a.pipeline.tasks.iter().find(|t| t.id == "lint").expect("lint");
    assert_eq!(lint.duration, DurationSpec::Samples([30_000, 60_000, 90_000].map(Millis).into()));
    let (start, end) = times(&a, "lint");
    assert_eq!(end - start, 60.0, "the median of 30, 90 and 60 seconds");
}

#[test]
fn durations_the_user_gives_win_over_the_runs() {
    let mut options =
        AnalyzeOptions { history: history_of(&["timings.csv"]).into(), ..Default::default() };
    options.inputs.durations.insert("lint".into(), DurationSpec::Fixed(Millis(10_000)));
    let a = analyze(&data("gitlab-ci.yml"), &options);
    let (start, end) = times(&a, "lint");
    assert_eq!(end - start, 10.0);
}

#[test]
fn a_run_of_another_pipeline_is_one_clear_warning() {
    let a = analyze_with("gitlab-ci.yml", &["github-rest.json"]);
    let found = messages(&a);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("none of its 7 jobs"), "{}", found[0]);
    let d = a.diagnostics.iter().find(|d| d.code() == "PS315").expect("PS315");
    assert!(d.help.as_deref().unwrap_or("").contains("another workflow"));
}

#[test]
fn files_that_are_not_job_timings_say_what_was_expected_and_found() {
    let cases = [
        ("", "the file is empty"),
        (
            "{\"total_count\": 3, \"workflow_runs\": []}",
            "keys `total_count`, `workflow_runs` but no \"jobs\"",
        ),
        ("{\"jobs\": [{\"name\": \"a\", \"status\": \"completed\"", "ends early"),
        ("[{\"name\": 3}]", "does not have the expected fields"),
        ("name,seconds\na,1\n", "found `name,seconds`"),
        ("job,duration\na,soon\n", "line 2: `soon` is not a duration"),
        ("{\"jobs\": [{\"status\": \"completed\"}]}", "job 1 of the file has no \"name\""),
    ];
    for (text, expected) in cases {
        let err = history::read(text).expect_err(text).to_string();
        assert!(err.contains(expected), "{text:?}: {err}");
    }
}

#[test]
fn many_jobs_that_match_nothing_are_named_up_to_twenty_then_counted() {
    let mut jobs: Vec<String> = (0..45)
        .map(|k| format!(r#"{{"name": "extra {k}", "status": "success", "duration": 5, "pipeline": {{"id": 9}}}}"#))
        .collect();
    jobs.push(
        r#"{"name": "lint", "status": "success", "duration": 5, "pipeline": {"id": 9}}"#.into(),
    );
    let mut history = History::default();
    history.add(history::read(&format!("[{}]", jobs.join(","))).expect("read"));
    let a = analyze(
        &data("gitlab-ci.yml"),
        &AnalyzeOptions { history: history.into(), ..Default::default() },
    );
    let found = messages(&a);
    let named = found.iter().filter(|m| m.contains("job `extra ")).count();
    assert_eq!(named, 20, "{found:#?}");
    assert!(
        found.iter().any(|m| m.contains("25 more jobs match no job of this file")),
        "{found:#?}"
    );
    let (start, end) = times(&a, "lint");
    assert_eq!(end - start, 5.0, "the job that matched still gives its time");
}

/// A GitHub REST "list jobs for a workflow run" page: (name, labels, created, started,
/// completed) in seconds after 10:00:00, every job succeeded.
fn github_run(jobs: &[(&str, &[&str], u32, u32, u32)]) -> String {
    let at = |s: u32| format!("\"2026-11-30T10:{:02}:{:02}Z\"", s / 60, s % 60);
    let jobs: Vec<String> = jobs
        .iter()
        .map(|(name, labels, created, started, completed)| {
            format!(
                r#"{{"run_id": 9, "run_attempt": 1, "name": "{name}", "status": "completed",
                "conclusion": "success", "created_at": {}, "started_at": {}, "completed_at": {},
                "labels": {labels:?}, "steps": []}}"#,
                at(*created),
                at(*started),
                at(*completed)
            )
        })
        .collect();
    format!(r#"{{"total_count": {}, "jobs": [{}]}}"#, jobs.len(), jobs.join(","))
}

fn analyze_text(pipeline: &str, run: &str) -> Analysis {
    let mut history = History::default();
    history.add(history::read(run).expect("read"));
    analyze(pipeline, &AnalyzeOptions { history: history.into(), ..Default::default() })
}

#[test]
fn a_job_no_run_timed_waits_as_long_as_the_jobs_with_its_labels_or_its_os() {
    let workflow = "on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps: [{run: make}]
  docs:
    runs-on: ubuntu-latest
    steps: [{run: make docs}]
  package:
    runs-on: ubuntu-22.04
    steps: [{run: make package}]
  gpu:
    runs-on: [self-hosted, gpu]
    steps: [{run: make gpu}]
";
    // Only build ran (the others were added since): it waited 7 s for a runner.
    let a = analyze_text(workflow, &github_run(&[("build", &["ubuntu-latest"], 0, 7, 67)]));
    let pickup = |id: &str| {
        let t = a.pipeline.find_task(id).expect("task");
        a.pipeline.task(t).pickup.nominal().as_secs_f64()
    };
    assert_eq!(pickup("build"), 7.0);
    assert_eq!(pickup("docs"), 7.0, "the same labels");
    assert_eq!(pickup("package"), 7.0, "another Linux label: the same operating system");
    assert_eq!(pickup("gpu"), 0.0, "nothing is known of this pool");
    assert_eq!(times(&a, "docs").0, 7.0);
}

#[test]
fn a_wait_for_a_resource_the_simulation_models_overlaps_the_pickup_rather_than_adds() {
    let workflow = "on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      max-parallel: 1
      matrix:
        n: [1, 2]
    steps: [{run: make test}]
";
    // Both instances are created together; the second waits for the first (max-parallel 1),
    // which ends at 60 s, and is picked up 5 s later: its 65 s "pickup" holds the wait for
    // the slot, which the simulation does not count a second time.
    let run = github_run(&[
        ("test (1)", &["ubuntu-latest"], 0, 0, 60),
        ("test (2)", &["ubuntu-latest"], 0, 65, 125),
    ]);
    let a = analyze_text(workflow, &run);
    assert_eq!(times(&a, "test (1)"), (0.0, 60.0));
    assert_eq!(times(&a, "test (2)"), (65.0, 125.0), "not 60 + 65");
    assert_eq!(a.schedule.makespan.as_secs_f64(), 125.0);
}

#[test]
fn a_job_that_matches_nothing_in_many_runs_is_said_once_with_how_many_runs_have_it() {
    let workflow =
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n";
    let mut history = History::default();
    for _ in 0..30 {
        history.add(history::read("job,duration\nbuild,60\nold-job,30\n").expect("csv"));
    }
    let foreign = "job,duration\nsomething-else,10\n";
    history.add(history::read(foreign).expect("csv"));
    history.add(history::read(foreign).expect("csv"));
    let a = analyze(workflow, &AnalyzeOptions { history: history.into(), ..Default::default() });
    let found: Vec<&String> = a
        .diagnostics
        .iter()
        .filter(|d| d.code() == "PS315" && d.severity == Severity::Warning)
        .map(|d| &d.message)
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found.iter().any(|m| m.starts_with("run 1 (CSV) and 29 other runs: job `old-job` matches")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|m| m.starts_with("run 31 (CSV) and 1 other run: none of their jobs")),
        "{found:#?}"
    );
}

/// A job of a GitHub REST page, times in seconds after 10:00:00 (`None`: left out).
fn rest_job(
    name: &str,
    created: Option<u32>,
    started: u32,
    completed: Option<u32>,
    steps: &str,
) -> String {
    let at = |s: u32| format!("\"2026-11-30T10:{:02}:{:02}Z\"", s / 60, s % 60);
    let (status, conclusion) =
        if completed.is_some() { ("completed", "\"success\"") } else { ("in_progress", "null") };
    let created = created.map_or(String::new(), |c| format!(r#""created_at": {},"#, at(c)));
    let completed = completed.map_or("null".to_string(), at);
    format!(
        r#"{{"run_id": 4, "run_attempt": 1, "name": "{name}", "status": "{status}", "conclusion": {conclusion},
           {created} "started_at": {}, "completed_at": {completed}, "labels": ["ubuntu-latest"], "steps": [{steps}]}}"#,
        at(started)
    )
}

fn rest_step(name: &str, conclusion: &str, started: u32, completed: u32) -> String {
    let at = |s: u32| format!("\"2026-11-30T10:{:02}:{:02}Z\"", s / 60, s % 60);
    format!(
        r#"{{"name": "{name}", "status": "completed", "conclusion": "{conclusion}", "started_at": {}, "completed_at": {}}}"#,
        at(started),
        at(completed)
    )
}

const BUILD_DEPLOY: &str = "on: push
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        os: [linux]
    steps:
      - name: Compile for ${{ matrix.os }}
        run: make
      - name: Upload
        if: github.ref == 'refs/heads/main'
        run: upload
      - name: Report
        run: report
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps: [{run: deploy}]
";

#[test]
fn a_real_run_is_reproduced_matrix_step_names_skipped_steps_and_the_wait_after_needs() {
    // As GitHub writes them: the step name with the matrix value filled in, a skipped step
    // (it took no time), a last step that ends before it starts, and `deploy` created 2 s
    // after `build` ended and picked up 5 s later.
    let steps = [
        rest_step("Set up job", "success", 3, 5),
        rest_step("Compile for linux", "success", 5, 65),
        rest_step("Upload", "skipped", 65, 65),
        rest_step("Report", "success", 66, 64),
        rest_step("Complete job", "success", 70, 70),
    ]
    .join(",");
    let jobs = [
        rest_job("build (linux)", Some(0), 3, Some(70), &steps),
        rest_job("deploy", Some(72), 77, Some(97), ""),
    ];
    let run = format!(r#"{{"total_count": 2, "jobs": [{}]}}"#, jobs.join(","));
    let a = analyze_text(BUILD_DEPLOY, &run);
    let warnings: Vec<&String> = a
        .diagnostics
        .iter()
        .filter(|d| d.code() == "PS315" && d.severity == Severity::Warning)
        .map(|d| &d.message)
        .collect();
    assert!(warnings.is_empty(), "every job and step matched: {warnings:#?}");
    assert_eq!(times(&a, "build (linux)"), (3.0, 70.0));
    assert_eq!(times(&a, "build (linux)/2").1 - times(&a, "build (linux)/2").0, 0.0);
    assert_eq!(times(&a, "deploy"), (77.0, 97.0), "7 s after build ended, as in the run");
    let history = {
        let mut h = History::default();
        h.add(history::read(&run).expect("read"));
        h
    };
    let c = history::compare(&a.pipeline, &a.schedule, &history.runs[0]).expect("compare");
    assert_eq!(c.makespan.error_pct, 0.0, "{c:?}");
}

#[test]
fn a_bare_list_of_github_jobs_without_creation_times_is_read_and_timed_from_the_first_start() {
    // A script's `jobs` array (no envelope), from before GitHub gave `created_at`.
    let jobs = [
        rest_job("build (linux)", None, 0, Some(60), ""),
        rest_job("deploy", None, 70, Some(90), ""),
    ];
    let text = format!("[{}]", jobs.join(","));
    let runs = history::read(&text).expect("read");
    assert_eq!((runs[0].source, runs[0].jobs.len()), (Source::GithubRest, 2));
    let a = analyze_text(BUILD_DEPLOY, &text);
    assert_eq!(times(&a, "deploy"), (70.0, 90.0));
}

#[test]
fn a_run_saved_while_it_ran_compares_the_jobs_that_had_ended_or_says_there_are_none() {
    let jobs = [
        rest_job("build (linux)", Some(0), 3, Some(70), ""),
        rest_job("deploy", Some(72), 77, None, ""),
    ];
    let run = format!(r#"{{"total_count": 2, "jobs": [{}]}}"#, jobs.join(","));
    let a = analyze_text(BUILD_DEPLOY, &run);
    let runs = history::read(&run).expect("read");
    let c = history::compare(&a.pipeline, &a.schedule, &runs[0]).expect("compare");
    assert_eq!(c.unfinished, 1);
    // Build's time is spread over its three steps: to the millisecond.
    assert!((c.makespan.predicted.as_secs_f64() - 70.0).abs() < 0.01, "{c:?}");
    assert_eq!(c.makespan.actual.as_secs_f64(), 70.0);

    let running = format!(
        r#"{{"total_count": 1, "jobs": [{}]}}"#,
        rest_job("build (linux)", Some(0), 3, None, "")
    );
    let runs = history::read(&running).expect("read");
    let e = history::compare(&a.pipeline, &a.schedule, &runs[0]).expect_err("nothing ended");
    assert!(e.to_string().contains("still running"), "{e}");
}
