//! Runs the real `pipescope` binary and checks what a user sees: outputs, files, exit codes.
//!
//! The inputs are in `tests/data/`; the expected text outputs sit beside them as `*.txt` and
//! are rewritten with `UPDATE_EXPECT=1 cargo test --test cli` (then read the diff: the numbers
//! in them were checked by hand against the semantics in `docs/FORMAT.md`).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn run(args: &[&str]) -> Output {
    run_with_stdin(args, None)
}

/// Runs the binary from the crate root (so that `tests/data/x.yaml` is how files are named in
/// the output), with colours off whatever the terminal.
fn run_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pipescope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        // The binary may stop reading early (input too large); a broken pipe is then expected.
        let _ = pipe.write_all(bytes);
    }
    let output = child.wait_with_output().expect("the binary finishes");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "pipescope {args:?} panicked:\n{stderr}");
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("stdout is not JSON ({e}):\n{}", String::from_utf8_lossy(&output.stdout))
    })
}

fn task<'v>(report: &'v Value, id: &str) -> &'v Value {
    report["tasks"]
        .as_array()
        .and_then(|tasks| tasks.iter().find(|t| t["id"] == id))
        .unwrap_or_else(|| panic!("no task {id} in {report:#}"))
}

/// `[ready, start, end]` of a task, in seconds.
fn times(report: &Value, id: &str) -> Value {
    let t = task(report, id);
    json!([t["ready"], t["start"], t["end"]])
}

/// Compares with `tests/data/<name>`, or rewrites it when `UPDATE_EXPECT` is set.
fn expect_file(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, actual).expect("write the expected output");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs; if the new output is right, run `UPDATE_EXPECT=1 cargo test --test cli`\n\
         --- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// A scratch folder for files the tests make (too large, not UTF-8, ...).
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli").join(test);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

#[test]
fn simulate_json_gives_the_release_timeline() {
    let output = run(&["simulate", "--format", "json", "tests/data/release.yaml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json_of(&output);
    assert_eq!(report["file"], "tests/data/release.yaml");
    assert_eq!(report["dialect"], "native");
    assert_eq!(report["policy"], "fifo");
    assert_eq!(report["name"], "release");
    assert_eq!(report["diagnostics"], json!([]));

    // build 0:00-4:00; both deploys 4:00-7:00 (different resources, 2 of 3 runners at most);
    // verify opens at 7:00: smoke 7:00-7:45 with perf 7:00-9:00 beside it, report after smoke
    // 7:45-7:55 (its depends_on replaces waiting for perf). The end is perf's: 9:00.
    assert_eq!(report["makespan"], 540.0);
    assert_eq!(times(&report, "build"), json!([0.0, 0.0, 240.0]));
    assert_eq!(times(&report, "deploy-eu"), json!([240.0, 240.0, 420.0]));
    assert_eq!(times(&report, "deploy-us"), json!([240.0, 240.0, 420.0]));
    assert_eq!(times(&report, "verify"), json!([420.0, 420.0, 540.0]));
    assert_eq!(times(&report, "verify/smoke"), json!([420.0, 420.0, 465.0]));
    assert_eq!(times(&report, "verify/perf"), json!([420.0, 420.0, 540.0]));
    assert_eq!(times(&report, "verify/report"), json!([465.0, 465.0, 475.0]));
    for t in report["tasks"].as_array().expect("tasks") {
        assert_eq!(t["waits"], json!([]), "{} never waits", t["id"]);
        assert_eq!(t["blocked"], Value::Null);
    }
    // The deploys end together; the path goes through the one the simulation saw finish last.
    assert_eq!(report["critical_path"], json!(["build", "deploy-us", "verify", "verify/perf"]));

    let verify = task(&report, "verify");
    assert_eq!(verify["kind"], "stage");
    assert_eq!(verify["duration_source"], "children");
    assert_eq!(verify["duration"], 120.0);
    assert_eq!((&verify["line"], &verify["column"]), (&json!(13), &json!(7)));
    let perf = task(&report, "verify/perf");
    assert_eq!(perf["parent"], "verify");
    assert_eq!(perf["critical"], true);
    assert_eq!(task(&report, "verify/smoke")["critical"], false);
    assert_eq!(
        task(&report, "deploy-us")["uses"],
        json!([{"resource": "prod-cluster", "amount": 1}, {"resource": "runners", "amount": 1}])
    );

    let resources: Vec<(&Value, &Value, &Value, &Value)> = report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| (&r["name"], &r["kind"], &r["capacity"], &r["peak_in_use"]))
        .collect();
    assert_eq!(
        resources,
        [
            (&json!("prod-cluster"), &json!("declared"), &json!(1), &json!(1)),
            (&json!("runners"), &json!("declared"), &json!(3), &json!(1)),
            (&json!("prod-eu"), &json!("infrastructure"), &json!(1), &json!(1)),
        ]
    );
    // Runners: one unit 0:00-7:00 of 3 units × 9:00.
    assert_eq!(report["resources"][1]["utilisation"], 420.0 / 1620.0);
    assert_eq!(report["resources"][0]["utilisation"], 180.0 / 540.0);
}

#[test]
fn simulate_text_draws_the_release_timeline() {
    let output = run(&["simulate", "tests/data/release.yaml"]);
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    assert!(!text.contains('\x1b'), "no colour outside a terminal");
    assert!(text.starts_with("release: makespan 9m, 7 tasks (native dialect, fifo policy)\n"));
    expect_file("release.simulate.txt", &text);
}

#[test]
fn parallel_stages_on_one_infrastructure_run_one_after_the_other() {
    let output = run(&["simulate", "--format", "json", "tests/data/shared-infra.yaml"]);
    assert_eq!(code(&output), 0);
    let report = json_of(&output);
    // build 0:00-2:00; deploy-a takes prod-eu 2:00-5:00; deploy-b, ready at 2:00, waits the
    // 3m until deploy-a gives it back, then runs 5:00-8:00; done follows at 8:00-8:30.
    assert_eq!(report["makespan"], 510.0);
    assert_eq!(times(&report, "deploy-a"), json!([120.0, 120.0, 300.0]));
    assert_eq!(times(&report, "deploy-b"), json!([120.0, 300.0, 480.0]));
    assert_eq!(times(&report, "done"), json!([480.0, 480.0, 510.0]));
    assert_eq!(task(&report, "deploy-a")["waits"], json!([]));
    assert_eq!(
        task(&report, "deploy-b")["waits"],
        json!([{
            "reason": "resource", "from": 120.0, "to": 300.0, "resource": "prod-eu",
            "holders": ["deploy-a"], "holders_total": 1, "released_by": "deploy-a",
        }])
    );
    // done had one of its two dependencies at 5:00 and waited for the other until 8:00.
    assert_eq!(
        task(&report, "done")["waits"],
        json!([{"reason": "dependency", "from": 300.0, "to": 480.0, "on": "deploy-b"}])
    );
    assert_eq!(report["critical_path"], json!(["build", "deploy-a", "deploy-b", "done"]));
    let prod_eu = &report["resources"][0];
    assert_eq!((&prod_eu["name"], &prod_eu["kind"]), (&json!("prod-eu"), &json!("infrastructure")));
    assert_eq!((&prod_eu["peak_in_use"], &prod_eu["peak_queued"]), (&json!(1), &json!(1)));
    assert_eq!(
        prod_eu["usage"],
        json!([
            {"at": 120.0, "in_use": 1, "queued": 1},
            {"at": 300.0, "in_use": 1, "queued": 0},
            {"at": 480.0, "in_use": 0, "queued": 0},
        ])
    );

    let text = stdout(&run(&["simulate", "tests/data/shared-infra.yaml"]));
    assert!(text.contains("waited 3m for infrastructure prod-eu held by deploy-a"), "{text}");
    assert!(text.contains("waited 3m for deploy-b"), "{text}");
    expect_file("shared-infra.simulate.txt", &text);
}

#[test]
fn the_policy_decides_who_gets_a_released_resource() {
    // hold has the lock 0:00-5:00. fifo: early (ready 0:00) before late (ready 1:00).
    let fifo = json_of(&run(&["simulate", "--format", "json", "tests/data/contention.yaml"]));
    assert_eq!(fifo["policy"], "fifo");
    assert_eq!(times(&fifo, "early"), json!([0.0, 300.0, 420.0]));
    assert_eq!(times(&fifo, "late"), json!([60.0, 420.0, 480.0]));
    // order: late comes first in the file, so it goes first.
    let order = json_of(&run(&[
        "simulate",
        "--format",
        "json",
        "--policy",
        "order",
        "tests/data/contention.yaml",
    ]));
    assert_eq!(order["policy"], "order");
    assert_eq!(times(&order, "late"), json!([60.0, 300.0, 360.0]));
    assert_eq!(times(&order, "early"), json!([0.0, 360.0, 480.0]));
    assert_eq!(fifo["makespan"], 480.0);
    assert_eq!(order["makespan"], 480.0);

    // The text names the last holder too, not only who held the lock when the wait began.
    let text = stdout(&run(&["simulate", "tests/data/contention.yaml"]));
    assert!(text.contains("waited 6m for lock held by hold, then early"), "{text}");
    assert!(text.contains("(native dialect, fifo policy)"), "{text}");
    let text = stdout(&run(&["simulate", "--policy", "order", "tests/data/contention.yaml"]));
    assert!(text.contains("waited 6m for lock held by hold, then late"), "{text}");
    assert!(text.contains("(native dialect, order policy)"), "{text}");
}

/// The CLI and the app word a wait from the same explanation, so they agree, and both name the
/// task that finally released the resource, not only the one holding it when the wait began.
#[test]
fn the_cli_and_the_app_give_the_same_explanation_for_the_same_wait() {
    use pipescope::ui::describe;
    // `late` waits from 1:00, while `hold` has the lock; `early` gets it at 5:00 and gives it to
    // `late` at 7:00.
    let file = "tests/data/contention.yaml";
    let yaml =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).expect("fixture");
    let sentence = "waited 6m for lock held by hold, then early";

    let cli = stdout(&run(&["simulate", file]));
    let row = cli.lines().find(|l| l.contains(" late ")).expect("a row for late");
    assert!(row.ends_with(&format!("  {sentence}")), "{row}");

    let a = pipescope::analyze(&yaml, &pipescope::AnalyzeOptions::default());
    let (p, s) = (&a.pipeline, &a.schedule);
    let late = p.find_task("late").expect("late");
    assert_eq!(describe::task_line(p, s, late), format!("late — {sentence}; ran 7:00–8:00 (1m)"));
    assert!(describe::task_label(p, s, late, true).contains(&format!(", {sentence},")));
    assert_eq!(describe::cause_text(p, s, late), "Started when early released lock.");
    assert_eq!(
        describe::summary(&a).longest_wait.as_deref(),
        Some(format!("late {sentence}").as_str())
    );
}

#[test]
fn simulate_reads_stdin() {
    let text = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/release.yaml"))
        .expect("fixture");
    let output = run_with_stdin(&["simulate", "--format", "json", "-"], Some(&text));
    assert_eq!(code(&output), 0);
    let report = json_of(&output);
    assert_eq!(report["file"], "<stdin>");
    assert_eq!(report["makespan"], 540.0);
}

#[test]
fn simulate_still_draws_what_it_can_when_there_are_errors() {
    let output = run(&["simulate", "tests/data/broken.yaml"]);
    assert_eq!(code(&output), 1);
    let text = stdout(&output);
    assert!(text.contains("never starts: waits for db held by migrate, which never finishes"));
    expect_file("broken.simulate.txt", &text);

    let output = run(&["simulate", "--format", "json", "tests/data/broken.yaml"]);
    assert_eq!(code(&output), 1);
    let report = json_of(&output);
    // The misspelt `duration` falls back to the built-in 1m.
    assert_eq!(task(&report, "build")["duration_source"], "default");
    assert_eq!(times(&report, "build"), json!([0.0, 0.0, 60.0]));
    assert_eq!(
        task(&report, "migrate/apply")["blocked"],
        json!({"reason": "resource", "resource": "db", "holders": ["migrate"]})
    );
    assert_eq!(times(&report, "migrate"), json!([60.0, 60.0, null]));
    assert_eq!(task(&report, "test")["blocked"], json!({"reason": "dependency", "on": "migrate"}));
    let codes: Vec<&Value> =
        report["diagnostics"].as_array().expect("list").iter().map(|d| &d["code"]).collect();
    assert_eq!(codes, [&json!("PS003"), &json!("PS111")]);
}

#[test]
fn lint_text_points_at_the_source() {
    let output = run(&["lint", "tests/data/broken.yaml", "tests/data/release.yaml"]);
    assert_eq!(code(&output), 1);
    let text = stdout(&output);
    assert!(text.starts_with(
        "tests/data/broken.yaml:5:26: warning: unknown key `duraton` in a stage; it is ignored [PS003]\n\
         \x20 |\n\
         5 |     - stage: {id: build, duraton: 4m}\n\
         \x20 |                          ^^^^^^^\n\
         \x20 = help: did you mean `duration`?\n"
    ));
    assert!(text.ends_with("1 error, 1 warning in 2 files\n"), "{text}");
    expect_file("broken.lint.txt", &text);

    let clean = run(&["lint", "tests/data/release.yaml"]);
    assert_eq!(code(&clean), 0);
    assert_eq!(stdout(&clean), "0 errors, 0 warnings in 1 file\n");
}

#[test]
fn lint_json_lists_every_diagnostic_of_every_file() {
    let output =
        run(&["lint", "--format", "json", "tests/data/release.yaml", "tests/data/broken.yaml"]);
    assert_eq!(code(&output), 1);
    let diagnostics = json_of(&output);
    assert_eq!(
        diagnostics[0],
        json!({
            "file": "tests/data/broken.yaml", "line": 5, "column": 26, "end_line": 5,
            "end_column": 33, "severity": "warning", "code": "PS003", "name": "unknown-key",
            "message": "unknown key `duraton` in a stage; it is ignored",
            "help": "did you mean `duration`?", "related": [],
        })
    );
    let summary: Vec<(String, u64, u64, String)> = diagnostics
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("warning".into(), 5, 26, "unknown-key".into()),
            ("error".into(), 10, 24, "never-starts".into()),
        ]
    );

    let clean = run(&["lint", "--format", "json", "tests/data/release.yaml"]);
    assert_eq!(code(&clean), 0);
    assert_eq!(json_of(&clean), json!([]));
}

#[test]
fn lint_reads_stdin() {
    let output = run_with_stdin(
        &["lint", "-"],
        Some(b"pipeline:\n  stages:\n    - stage: {id: a, duraton: 1m}\n"),
    );
    assert_eq!(code(&output), 0, "a warning is not an error");
    let text = stdout(&output);
    assert!(text.starts_with("<stdin>:3:22: warning: unknown key `duraton`"), "{text}");
    assert!(text.ends_with("0 errors, 1 warning in 1 file\n"), "{text}");
}

#[test]
fn unreadable_inputs_exit_2_with_the_reason() {
    let dir = scratch("unreadable");
    let not_utf8 = dir.join("latin1.yaml");
    std::fs::write(&not_utf8, b"pipeline:\n  name: caf\xe9\n").expect("write");

    let cases: [(&str, &str); 3] = [
        ("tests/data/absent.yaml", "pipescope: cannot read tests/data/absent.yaml: no such file\n"),
        ("tests/data", "pipescope: cannot read tests/data: it is a directory\n"),
        (path_str(&not_utf8), "it is not UTF-8 text (invalid byte at offset 21)\n"),
    ];
    for (file, message) in cases {
        for command in ["simulate", "lint"] {
            let output = run(&[command, file]);
            assert_eq!(code(&output), 2, "{command} {file}");
            assert!(stderr(&output).ends_with(message), "{command} {file}: {}", stderr(&output));
        }
    }

    // lint goes on with the other files, and the worst outcome wins.
    let output = run(&["lint", "tests/data/absent.yaml", "tests/data/broken.yaml"]);
    assert_eq!(code(&output), 2);
    assert!(stdout(&output).ends_with("1 error, 1 warning in 1 file\n"));
}

#[test]
fn inputs_over_the_size_limit_are_refused() {
    let big = vec![b'#'; 16 * 1024 * 1024 + 1];
    let output = run_with_stdin(&["lint", "-"], Some(&big));
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        "pipescope: cannot read <stdin>: it is larger than the 16 MiB limit\n"
    );
}

#[test]
fn odd_inputs_never_crash() {
    let dir = scratch("odd");
    let empty = dir.join("empty.yaml");
    std::fs::write(&empty, "").expect("write");
    let output = run(&["simulate", path_str(&empty)]);
    assert_eq!(code(&output), 1);
    assert!(stdout(&output).contains("error: the file is empty"));

    // Binary garbage is not UTF-8: refused before parsing.
    let garbage = dir.join("garbage.bin");
    let bytes: Vec<u8> =
        (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&garbage, &bytes).expect("write");
    assert_eq!(code(&run(&["lint", path_str(&garbage)])), 2);

    // Valid UTF-8 full of control characters and brackets: diagnostics, no escape sequences.
    let noise: String = (0..3000u32)
        .map(|i| {
            ['\u{1b}', '[', '{', ':', '-', '\t', '\n', 'é', '\0', '*', '&'][(i * 7 % 11) as usize]
        })
        .collect();
    let output = run_with_stdin(&["lint", "-"], Some(noise.as_bytes()));
    assert_eq!(code(&output), 1);
    assert!(!stdout(&output).contains('\x1b'), "control characters are not echoed");

    let deep = "[".repeat(100_000);
    let output = run_with_stdin(&["simulate", "-"], Some(deep.as_bytes()));
    assert_eq!(code(&output), 1);

    // About 5 MB of pipeline: thousands of stages contending for a pool.
    let mut text = String::from("pipeline:\n  resources: {pool: 4}\n  stages:\n");
    let mut i = 0;
    while text.len() < 5_000_000 {
        text.push_str("    - parallel:\n");
        for j in 0..8 {
            text.push_str(&format!(
                "        - stage: {{id: s{i}-{j}, duration: {}s, uses: [pool]}}\n",
                j + 1
            ));
        }
        i += 1;
    }
    let big = dir.join("big.yaml");
    std::fs::write(&big, &text).expect("write");
    // `simulate` does all `lint` does (read, lint, simulate) and renders every task too.
    let output = run(&["simulate", path_str(&big)]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.starts_with(&format!("{}: makespan ", path_str(&big))), "{}", &out[..200]);
    assert!(out.contains(&format!(
        ", {} tasks (native dialect, fifo policy)",
        pipescope::text::count(i * 8)
    )));
    assert!(!out.contains("never start"));
}

#[test]
fn psplib_instances_are_read_with_the_psplib_dialect() {
    let Some(file) = common::shared::shared_path("bench/psplib/j30/j301_1.sm") else { return };
    let text = std::fs::read_to_string(&file).expect("readable");
    let (pipeline, _) = pipescope::dialect::Dialect::Psplib.read(&text, &Default::default());
    for (flag, policy) in
        [("fifo", pipescope::sim::Policy::Fifo), ("order", pipescope::sim::Policy::DocumentOrder)]
    {
        let output = run(&[
            "simulate",
            "--format",
            "json",
            "--dialect",
            "psplib",
            "--policy",
            flag,
            path_str(&file),
        ]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        let report = json_of(&output);
        assert_eq!(report["dialect"], "psplib");
        assert_eq!(report["diagnostics"], json!([]));
        // The CLI shows exactly what the library computes.
        let options = pipescope::sim::SimOptions { policy: policy.clone() };
        let schedule = pipescope::sim::simulate(&pipeline, &options).expect("no override");
        assert_eq!(report["makespan"], schedule.makespan.as_secs_f64());
        // j301_1's optimum is 43 periods (PSPLIB); a greedy schedule cannot beat it.
        assert!(report["makespan"].as_f64().unwrap_or(0.0) >= 43.0);
        let tasks = report["tasks"].as_array().expect("tasks");
        assert_eq!(tasks.len(), 32);
        assert!(tasks.iter().all(|t| t["kind"] == "job" && t["end"].is_number()));
        let capacities: Vec<&Value> =
            report["resources"].as_array().expect("list").iter().map(|r| &r["capacity"]).collect();
        assert_eq!(capacities, [&json!(12), &json!(13), &json!(4), &json!(12)]);
    }
    // Detected without the flag; read as YAML when forced to, which fails.
    let auto = json_of(&run(&["simulate", "--format", "json", path_str(&file)]));
    assert_eq!(auto["dialect"], "psplib");
    let forced = run(&["lint", "--dialect", "native", path_str(&file)]);
    assert_eq!(code(&forced), 1);
}

#[test]
fn usage_errors_are_reported_by_clap() {
    let output = run(&["simulate", "--policy", "random", "tests/data/release.yaml"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("invalid value 'random'"));
    let output = run(&["simulate", "--dialect", "cobol", "tests/data/release.yaml"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output)
            .contains("[possible values: auto, native, harness, octopus, github, gitlab, psplib]")
    );
    assert_eq!(code(&run(&["lint"])), 2);
}

#[test]
fn rules_lists_every_rule() {
    let output = run(&["rules"]);
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    for rule in pipescope::lint::registry::RULES {
        let line = text
            .lines()
            .find(|l| l.starts_with(rule.code))
            .unwrap_or_else(|| panic!("{} is not listed:\n{text}", rule.code));
        assert!(line.contains(rule.name) && line.contains(rule.severity.as_str()), "{line}");
    }
    let markdown = stdout(&run(&["rules", "--markdown"]));
    assert_eq!(markdown, pipescope::lint::rules_markdown());
}

#[test]
fn the_rules_page_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == pipescope::lint::rules_markdown(),
        "docs/rules.md is out of date; regenerate it with\n    cargo run -q -- rules --markdown > docs/rules.md"
    );
}

#[test]
fn durations_runners_and_targets_come_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("pipescope-durations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let durations = dir.join("durations.yaml");
    std::fs::write(&durations, "build: 1m\nverify/perf: 30s\nno-such-task: 1m\n").expect("write");
    let output = run(&[
        "simulate",
        "--format",
        "json",
        "--durations",
        durations.to_str().expect("utf-8 path"),
        "--runners",
        "gpu=2,linux=4",
        "--targets",
        "web=3",
        "tests/data/release.yaml",
    ]);
    assert_eq!(code(&output), 0);
    let report = json_of(&output);
    assert_eq!(task(&report, "build")["duration_source"], "override");
    // build 0–1m, deploys 1–4m, verify 4:00–4:55 (smoke 45s then report 10s beside perf 30s).
    assert_eq!(report["makespan"], json!(295.0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`no-such-task`, which is not a task"), "{stderr}");

    std::fs::write(&durations, "build: soon\n").expect("write");
    let bad = run(&[
        "simulate",
        "--durations",
        durations.to_str().expect("utf-8"),
        "tests/data/release.yaml",
    ]);
    assert_eq!(code(&bad), 2);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("the duration of `build`"));
    let bad_count = run(&["simulate", "--runners", "gpu=zero", "tests/data/release.yaml"]);
    assert_eq!(code(&bad_count), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_durations_file_takes_ranges_and_distributions_and_names_the_line_of_a_bad_one() {
    let dir = std::env::temp_dir().join(format!("pipescope-ranges-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let durations = dir.join("durations.yaml");
    let path = durations.to_str().expect("utf-8 path");
    std::fs::write(
        &durations,
        "build: 1m..3m\ndeploy-eu: {p50: 2m, p90: 5m}\ndeploy-us: {samples: [1m, 2m, 9m]}\n",
    )
    .expect("write");
    let output =
        run(&["simulate", "--format", "json", "--durations", path, "tests/data/release.yaml"]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stderr));
    let report = json_of(&output);
    assert_eq!(task(&report, "build")["duration"], json!(120.0));
    assert_eq!(task(&report, "deploy-eu")["duration"], json!(120.0));
    assert_eq!(task(&report, "deploy-us")["duration_source"], "override");
    // build 0–2m (the range's median), deploys 2–4m (medians 2m), verify 4:00–6:00.
    assert_eq!(report["makespan"], json!(360.0));

    for (text, expected) in [
        (
            "build: 1m\nverify/perf: 5m..3m\n",
            ":2:14: the duration of `verify/perf`: invalid duration `5m..3m`: the range ends (3m) before it starts (5m)",
        ),
        (
            "build: {p50: 9m, p90: 4m}\n",
            ":1:23: the duration of `build`: invalid duration: p90 (4m) is below p50 (9m)",
        ),
        ("build: {samples: []}\n", ":1:18: the duration of `build`: `samples` is empty"),
        (
            "build: {p50: 4m, p09: 9m}\n",
            ":1:18: the duration of `build`: unknown key `p09` in a duration; it is ignored (did you mean `p90`?)",
        ),
        (
            "\nbuild: -1m\n",
            ":2:8: the duration of `build`: invalid duration `-1m`: a duration cannot be negative",
        ),
    ] {
        std::fs::write(&durations, text).expect("write");
        let bad = run(&["simulate", "--durations", path, "tests/data/release.yaml"]);
        assert_eq!(code(&bad), 2, "{text}");
        let stderr = String::from_utf8_lossy(&bad.stderr);
        assert!(stderr.contains(&format!("{path}{expected}")), "{text}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn forecast_json_has_the_documented_fields_and_is_the_same_for_the_same_seed() {
    let args = ["forecast", "tests/data/forecast.yaml", "--runs", "2000", "--format", "json"];
    let first = run(&[&args[..], &["--seed", "4"]].concat());
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let again = run(&[&args[..], &["--seed", "4"]].concat());
    assert_eq!(first.stdout, again.stdout, "the same seed gives byte-identical output");
    let other = run(&[&args[..], &["--seed", "5"]].concat());
    assert_ne!(first.stdout, other.stdout);

    let f = json_of(&first);
    assert_eq!((f["runs"].as_u64(), f["seed"].as_u64()), (Some(2000), Some(4)));
    let m = &f["makespan"];
    let [min, p50, p90, p99, max] =
        ["min", "p50", "p90", "p99", "max"].map(|k| m[k].as_f64().unwrap());
    assert!(min <= p50 && p50 <= p90 && p90 <= p99 && p99 <= max, "{m}");
    assert!(m["mean"].as_f64().unwrap() >= min);
    let bins = m["histogram"].as_array().unwrap();
    assert_eq!(bins.len(), 50);
    assert_eq!(bins.iter().map(|b| b["count"].as_u64().unwrap()).sum::<u64>(), 2000);
    assert_eq!(bins[0]["from"].as_f64(), Some(min));
    assert_eq!(bins[49]["to"].as_f64(), Some(max));
    // `flaky` fails 10% of attempts and has two retries: the pipeline fails in 0.1% of runs.
    let success = f["success_probability"].as_f64().unwrap();
    assert!(success > 0.99 && success <= 1.0, "{success}");
    let build = task(&f, "build");
    assert_eq!(build["criticality"].as_f64(), Some(1.0), "build starts everything");
    assert!(build["end"]["p50"].as_f64().unwrap() >= 180.0);
    let lint = task(&f, "lint");
    let lint_fails = lint["failure_probability"].as_f64().unwrap();
    assert!((lint_fails - 0.3).abs() < 0.05, "lint fails 30% of the time: {lint_fails}");
    let flaky = task(&f, "flaky");
    assert!(flaky["mean_attempts"].as_f64().unwrap() > 1.05);
}

#[test]
fn forecast_text_names_the_percentiles_and_what_varies() {
    let out = run(&["forecast", "tests/data/forecast.yaml", "--runs", "3000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for part in [
        "forecast of 3,000 runs",
        "P50 ",
        "P90 ",
        "P99 ",
        "success",
        "3 durations vary, 2 tasks can fail",
        "critical",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
    // A pipeline of fixed durations forecasts its simulated makespan at every percentile.
    let fixed = run(&["forecast", "tests/data/release.yaml", "--runs", "50", "--format", "json"]);
    let simulated = json_of(&run(&["simulate", "tests/data/release.yaml", "--format", "json"]));
    let f = json_of(&fixed);
    for k in ["min", "p50", "p90", "p99", "max", "mean"] {
        assert_eq!(f["makespan"][k], simulated["makespan"], "{k}");
    }
    assert!(
        stdout(&run(&["forecast", "tests/data/release.yaml", "--runs", "5"]))
            .contains("nothing varies")
    );
}

#[test]
fn simulate_fail_shows_what_is_skipped_and_what_still_runs() {
    let out = run(&["simulate", "tests/data/forecast.yaml", "--fail", "flaky", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let r = json_of(&out);
    assert_eq!(r["failed"], json!(true));
    let outcome = |id: &str| task(&r, id)["outcome"].as_str().unwrap().to_string();
    assert_eq!(outcome("flaky"), "failed");
    assert_eq!(task(&r, "flaky")["attempts"], json!(3), "one attempt and two retries");
    assert_eq!(outcome("deploy"), "skipped");
    assert_eq!(outcome("notify"), "succeeded", "`when: always` runs after a failure");
    assert_eq!(outcome("e2e"), "succeeded", "tasks already running finish");

    let text = stdout(&run(&["simulate", "tests/data/forecast.yaml", "--fail", "flaky"]));
    assert!(text.contains("`flaky` failing at every attempt: the pipeline fails"), "{text}");
    assert!(text.contains("skipped: flaky, which it waits for, failed"), "{text}");

    // An allowed failure does not fail the pipeline.
    let lint = json_of(&run(&[
        "simulate",
        "tests/data/forecast.yaml",
        "--fail",
        "lint",
        "--format",
        "json",
    ]));
    assert_eq!(lint["failed"], json!(false));
    assert_eq!(task(&lint, "deploy")["outcome"], json!("succeeded"));

    let typo = run(&["simulate", "tests/data/forecast.yaml", "--fail", "flakey"]);
    assert_eq!(code(&typo), 2);
    assert!(stderr(&typo).contains("did you mean `flaky`?"), "{}", stderr(&typo));
    let far = run(&["simulate", "tests/data/forecast.yaml", "--fail", "zzzz"]);
    assert_eq!(code(&far), 2);
    assert!(stderr(&far).contains("the closest is `"), "{}", stderr(&far));
}

#[test]
fn simulate_seed_shows_one_sampled_run_the_same_every_time() {
    let args = ["simulate", "tests/data/forecast.yaml", "--format", "json", "--seed"];
    let a = run(&[&args[..], &["11"]].concat());
    assert_eq!(a.stdout, run(&[&args[..], &["11"]].concat()).stdout);
    let median = json_of(&run(&["simulate", "tests/data/forecast.yaml", "--format", "json"]));
    let seeds: Vec<Value> =
        (1..=8).map(|s| json_of(&run(&[&args[..], &[&s.to_string()[..]]].concat()))).collect();
    assert!(
        seeds.iter().any(|r| r["makespan"] != median["makespan"]),
        "draws differ from the median"
    );
    for r in &seeds {
        let build = task(r, "build")["duration"].as_f64().unwrap();
        assert!(
            (180.0..=300.0).contains(&build) && build.fract() == 0.0,
            "3m..5m in whole seconds: {build}"
        );
        for t in r["tasks"].as_array().unwrap() {
            let o = t["outcome"].as_str().unwrap();
            assert!(["succeeded", "failed", "skipped", "cancelled", "never_started"].contains(&o));
        }
    }
    // `lint` fails 30% of the time: some of the eight draws show it failing, allowed.
    assert!(seeds.iter().any(|r| task(r, "lint")["outcome"] == json!("failed")));
    assert!(seeds.iter().all(|r| task(r, "deploy")["outcome"] != json!("skipped") || r["failed"] == json!(true)));
}

const HISTORY: &str = "tests/data/history";

#[test]
fn simulate_takes_durations_from_past_runs() {
    let out = run(&[
        "simulate",
        "--format",
        "json",
        "--history",
        &format!("{HISTORY}/gitlab-page1.json"),
        "--history",
        &format!("{HISTORY}/gitlab-page2.json"),
        &format!("{HISTORY}/gitlab-ci.yml"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = json_of(&out);
    // What the run took: every job waits its `queued_duration` for a runner, then runs.
    assert_eq!(report["makespan"], json!(424.0));
    let lint = task(&report, "lint");
    assert_eq!((lint["start"].clone(), lint["end"].clone()), (json!(185.0), json!(215.75)));
    assert_eq!(lint["duration_source"], json!("history"));
    assert_eq!(
        lint["waits"].as_array().expect("waits").last(),
        Some(&json!({"reason": "pickup", "from": 183.0, "to": 185.0}))
    );
    // The job that was cancelled in the run keeps its estimate, and the report says why.
    assert_eq!(task(&report, "rspec 3 of 3")["duration_source"], json!("estimated"));
    let said = report["diagnostics"].to_string();
    assert!(said.contains("`rspec 3 of 3` got no duration") && said.contains("PS315"), "{said}");
}

#[test]
fn forecast_resamples_the_times_of_several_runs() {
    let args = |seed: &'static str| {
        vec![
            "forecast".to_string(),
            "--format".into(),
            "json".into(),
            "--runs".into(),
            "2000".into(),
            "--seed".into(),
            seed.into(),
            "--history".into(),
            format!("{HISTORY}/gitlab-page1.json"),
            "--history".into(),
            format!("{HISTORY}/gitlab-page2.json"),
            "--history".into(),
            format!("{HISTORY}/gitlab-run2.json"),
            format!("{HISTORY}/gitlab-ci.yml"),
        ]
    };
    let a: Vec<String> = args("7");
    let out = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let forecast = json_of(&out);
    let m = &forecast["makespan"];
    // Build [gcp, data] waits 3 or 1 s for a runner and takes 180 or 300 s (the other builds
    // end earlier), then rspec waits 1 s (known from one run only) and takes 240/200, 180/210
    // and 190 s: at least 1 + 180 + 1 + 200, at most 3 + 300 + 1 + 240.
    assert_eq!(m["min"], json!(382.0), "{m}");
    assert_eq!(m["max"], json!(544.0), "{m}");
    let lint = forecast["tasks"].as_array().expect("tasks").iter().find(|t| t["id"] == "lint");
    assert!(lint.is_some());
}

#[test]
fn lint_reports_jobs_of_a_run_that_match_nothing() {
    let out = run(&[
        "lint",
        "--history",
        &format!("{HISTORY}/github-rest.json"),
        &format!("{HISTORY}/ci.yml"),
    ]);
    assert_eq!(code(&out), 0, "warnings only:\n{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("job `deploy docs` matches no job of this file"), "{text}");
    assert!(text.contains("[PS315]"), "{text}");
}

#[test]
fn a_history_file_that_cannot_be_read_stops_with_its_name() {
    let out = run(&["simulate", "--history", "Cargo.toml", &format!("{HISTORY}/ci.yml")]);
    assert_eq!(code(&out), 2);
    let said = stderr(&out);
    assert!(said.contains("Cargo.toml") && said.contains("expected the JSON of GitHub"), "{said}");
}

#[test]
fn compare_puts_the_prediction_beside_the_run() {
    let out = run(&[
        "compare",
        "--format",
        "json",
        "--run",
        &format!("{HISTORY}/gitlab-page1.json"),
        "--run",
        &format!("{HISTORY}/gitlab-page2.json"),
        &format!("{HISTORY}/gitlab-ci.yml"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let c = json_of(&out);
    // With the run's durations and pickup delays, the prediction is the run.
    assert_eq!(c["makespan"]["predicted"], json!(424.0));
    assert_eq!(c["makespan"]["actual"], json!(424.0));
    assert_eq!(c["makespan"]["error_pct"], json!(0.0));
    let jobs = c["jobs"].as_array().expect("jobs");
    let lint = jobs.iter().find(|j| j["id"] == "lint").expect("lint");
    assert_eq!(lint["run_name"], json!("lint"));
    assert_eq!(
        [
            &lint["predicted_start"],
            &lint["actual_start"],
            &lint["predicted_end"],
            &lint["actual_end"]
        ],
        [&json!(185.0), &json!(185.0), &json!(215.75), &json!(215.75)]
    );
    assert_eq!(lint["end_error"], json!(0.0));
    let rspec = jobs.iter().find(|j| j["run_name"] == "rspec 3/3").expect("rspec 3/3");
    assert_eq!(rspec["actual_end"], Value::Null, "cancelled before it started");
    assert_eq!(c["unmatched"], json!({"run": [], "file": []}));
}

#[test]
fn compare_needs_one_run_with_times_and_no_history() {
    let cases: [(&[&str], &str); 3] = [
        (&["--run", "tests/data/history/timings.csv"], "no times of day"),
        (
            &[
                "--run",
                "tests/data/history/gitlab-page1.json",
                "--run",
                "tests/data/history/gitlab-run2.json",
            ],
            "2 runs",
        ),
        (
            &[
                "--run",
                "tests/data/history/gitlab-page1.json",
                "--history",
                "tests/data/history/gitlab-run2.json",
            ],
            "leave out --history",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["compare"];
        args.extend_from_slice(extra);
        args.push("tests/data/history/gitlab-ci.yml");
        let out = run(&args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(stderr(&out).contains(expected), "{args:?}: {}", stderr(&out));
    }
}

/// 30 jobs on GitHub-hosted runners: 20 at a time on the Free plan (assumed, and said), all at
/// once with `--plan team`, on every command that takes the inputs.
#[test]
fn the_github_plan_comes_from_the_command_line() {
    let n: Vec<String> = (1..=30).map(|i| i.to_string()).collect();
    let workflow = format!(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix: {{n: [{}]}}\n    steps: [{{run: make}}]\n",
        n.join(", ")
    );
    let simulate = |plan: &[&str]| {
        let args = [&["simulate", "--format", "json"], plan, &["-"]].concat();
        let output = run_with_stdin(&args, Some(workflow.as_bytes()));
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        json_of(&output)
    };
    let free = simulate(&[]);
    assert_eq!(free["makespan"], json!(120.0), "20 at a time, then 10");
    assert_eq!(free["resources"][0]["name"], "GitHub-hosted runners (Free plan)");
    assert_eq!(free["resources"][0]["capacity"], json!(20));
    let said = |report: &Value| {
        report["diagnostics"].as_array().expect("diagnostics").iter().any(|d| {
            d["code"] == "PS309" && d["message"].as_str().is_some_and(|m| m.contains("Free plan"))
        })
    };
    assert!(said(&free), "the assumed plan is said");
    let team = simulate(&["--plan", "team"]);
    assert_eq!(team["makespan"], json!(60.0), "60 at a time");
    assert_eq!(team["resources"][0]["name"], "GitHub-hosted runners (Team plan)");
    assert_eq!(team["resources"][0]["capacity"], json!(60));
    assert!(!said(&team), "a plan given is not assumed");

    let lint = run_with_stdin(&["lint", "--plan", "team", "-"], Some(workflow.as_bytes()));
    assert_eq!(code(&lint), 0);
    assert!(!stdout(&lint).contains("PS309"), "{}", stdout(&lint));
    let lint = run_with_stdin(&["lint", "-"], Some(workflow.as_bytes()));
    assert!(stdout(&lint).contains("on the Free plan, assumed"), "{}", stdout(&lint));
    assert!(stdout(&lint).contains("--plan free|pro|team|enterprise"), "{}", stdout(&lint));

    let args = ["forecast", "--format", "json", "--runs", "10", "--plan", "enterprise", "-"];
    let forecast = run_with_stdin(&args, Some(workflow.as_bytes()));
    assert_eq!(code(&forecast), 0, "{}", stderr(&forecast));
    assert_eq!(json_of(&forecast)["makespan"]["max"], json!(60.0));

    let run_file = format!("{HISTORY}/github-rest.json");
    let workflow_file = format!("{HISTORY}/ci.yml");
    let compare = run(&["compare", "--plan", "pro", "--run", &run_file, &workflow_file]);
    assert_eq!(code(&compare), 0, "{}", stderr(&compare));

    let bad = run_with_stdin(&["simulate", "--plan", "business", "-"], Some(workflow.as_bytes()));
    assert_eq!(code(&bad), 2);
    assert!(
        stderr(&bad).contains("[possible values: free, pro, team, enterprise]"),
        "{}",
        stderr(&bad)
    );
}
