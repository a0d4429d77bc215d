//! Forecasts against results known on paper, with fixed seeds and tolerances derived from the
//! number of runs; and the per-run critical set against the full schedule's slack.

mod common;

use pipescope::duration::{DurationSpec, Millis};
use pipescope::forecast::{Forecast, Forecaster, forecast};
use pipescope::model::Pipeline;
use pipescope::sim::{Detail, Plan, Policy, RunInput, Simulator};
use pipescope::{AnalyzeOptions, analyze, synthetic};

const RUNS: u32 = 40_000;

fn read(yaml: &str) -> Pipeline {
    let a = analyze(yaml, &AnalyzeOptions::default());
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    a.pipeline
}

fn run(p: &Pipeline) -> Forecast {
    forecast(p, Policy::Fifo, RUNS, 7).expect("forecast")
}

fn task<'f>(f: &'f Forecast, id: &str) -> &'f pipescope::forecast::TaskForecast {
    f.tasks.iter().find(|t| t.id == id).expect(id)
}

fn set(p: &mut Pipeline, id: &str, spec: DurationSpec) {
    let t = p.tasks.iter_mut().find(|t| t.id == id).expect(id);
    t.duration = spec;
}

fn m(minutes: u64) -> Millis {
    Millis(minutes * 60_000)
}

/// Five standard errors of a share `p` over the runs, plus the sketch's 0.4%.
fn close(got: f64, want: f64, sd: f64, what: &str) {
    let tol = 5.0 * sd / f64::from(RUNS).sqrt() + 0.004 * want.abs() + 1e-9;
    assert!((got - want).abs() <= tol, "{what}: {got} vs {want} (±{tol})");
}

/// The quantile `q` of the values behind a sketch, within five standard errors of the
/// empirical quantile (`density` is the density at the quantile, in 1/ms) and half a bucket.
fn quantile_close(got: Millis, want: f64, q: f64, density: f64, what: &str) {
    let se = (q * (1.0 - q) / f64::from(RUNS)).sqrt() / density;
    let tol = 5.0 * se + 0.004 * want;
    let got = got.0 as f64;
    assert!((got - want).abs() <= tol, "{what}: {got} vs {want} (±{tol})");
}

#[test]
fn the_maximum_of_two_parallel_uniform_tasks() {
    let mut p = read(
        "pipeline:\n  stages:\n    - parallel:\n      - stage: {id: a, duration: 1m}\n      - stage: {id: b, duration: 1m}\n",
    );
    set(&mut p, "a", DurationSpec::Uniform { low: m(2), high: m(6) });
    set(&mut p, "b", DurationSpec::Uniform { low: m(2), high: m(6) });
    let f = run(&p);
    // P(max <= x) = ((x - a) / (b - a))², so the q-quantile is a + (b - a)·√q and the density
    // there 2√q / (b - a); the mean is a + 2(b - a)/3.
    let (a, w) = (m(2).0 as f64, (m(6).0 - m(2).0) as f64);
    for (q, got) in [(0.5f64, f.makespan.p50), (0.9, f.makespan.p90), (0.99, f.makespan.p99)] {
        quantile_close(got, a + w * q.sqrt(), q, 2.0 * q.sqrt() / w, &format!("p{q}"));
    }
    close(f.makespan.mean.0 as f64, a + 2.0 * w / 3.0, w / 18f64.sqrt(), "mean");
    assert!(f.makespan.min >= m(2) && f.makespan.max <= m(6));
    // Each is critical when it is the longer one: half the runs.
    close(task(&f, "a").criticality, 0.5, 0.5, "criticality of a");
    assert_eq!(f.success_probability, 1.0);
    assert_eq!(f.makespan.histogram.len(), 50);
    assert_eq!(f.makespan.histogram.iter().map(|b| b.count).sum::<u64>(), u64::from(RUNS));
}

#[test]
fn a_chain_adds_up() {
    let mut p = read(
        "pipeline:\n  stages:\n    - stage: {id: a, duration: 1m}\n    - stage: {id: b, duration: 1m}\n    - stage: {id: c, duration: 1m}\n",
    );
    for id in ["a", "b", "c"] {
        set(&mut p, id, DurationSpec::Uniform { low: m(1), high: m(3) });
    }
    let f = run(&p);
    // The sum of three uniforms on [1m, 3m]: mean 6m, variance 3 · (2m)²/12.
    let sd = (3.0 * (m(2).0 as f64).powi(2) / 12.0).sqrt();
    close(f.makespan.mean.0 as f64, m(6).0 as f64, sd, "mean");
    // Symmetric around 6m: the median is 6m; its density is 3/(4 · 2m)... within the tolerance
    // of a normal with that spread.
    let density = 1.0 / (sd * (2.0 * std::f64::consts::PI).sqrt());
    quantile_close(f.makespan.p50, m(6).0 as f64, 0.5, density, "p50");
    for id in ["a", "b", "c"] {
        assert_eq!(task(&f, id).criticality, 1.0, "{id} is always critical");
    }
}

#[test]
fn a_flaky_task_with_retries() {
    let (rate, retries) = (0.3, 2);
    let mut p = read(&format!(
        "pipeline:\n  stages:\n    - stage: {{id: flaky, duration: 2m, retries: {retries}}}\n    - stage: {{id: after, duration: 1m}}\n    - stage: {{id: notify, duration: 10s, when: always}}\n"
    ));
    p.tasks.iter_mut().find(|t| t.id == "flaky").unwrap().failure_rate = rate;
    let f = run(&p);
    let success = 1.0 - rate.powi(retries + 1);
    close(f.success_probability, success, (success * (1.0 - success)).sqrt(), "success");
    let flaky = task(&f, "flaky");
    close(flaky.failure_probability, 1.0 - success, (success * (1.0 - success)).sqrt(), "fails");
    // Attempts: 1 + p + p² (a geometric number truncated at three).
    let attempts = 1.0 + rate + rate * rate;
    close(flaky.mean_attempts, attempts, 1.0, "mean attempts");
    // What waits for it runs only when it succeeded; `when: always` runs every time.
    close(task(&f, "after").run_probability, success, 0.5, "after runs");
    assert_eq!(task(&f, "notify").run_probability, 1.0);
    // The longest run succeeds at the third attempt: 3 × 2m + 1m + 10s; the shortest succeeds
    // at once: 2m + 1m + 10s.
    assert_eq!(f.makespan.max, Millis(7 * 60_000 + 10_000));
    assert_eq!(f.makespan.min, Millis(3 * 60_000 + 10_000));
}

#[test]
fn a_fan_out_bound_by_a_pool_of_runners() {
    // Six one-minute jobs on two runners: three rounds, whatever the order.
    let mut text =
        String::from("pipeline:\n  resources: {runners: 2}\n  stages:\n    - parallel:\n");
    for j in 0..6 {
        text.push_str(&format!("      - stage: {{id: j{j}, duration: 1m, uses: [runners]}}\n"));
    }
    let mut p = read(&text);
    for j in 0..6 {
        set(&mut p, &format!("j{j}"), DurationSpec::Uniform { low: m(1), high: m(1) + Millis(1) });
    }
    let f = run(&p);
    assert!(f.makespan.min >= m(3) && f.makespan.max <= m(3) + Millis(3), "{:?}", f.makespan);
    // Every job is on the critical path in some runs (the pool hands it over).
    for j in 0..6 {
        assert!(task(&f, &format!("j{j}")).criticality > 0.0);
    }
}

#[test]
fn fixed_durations_forecast_the_deterministic_makespan_exactly() {
    let p = read(&synthetic::pipeline(300, 3));
    let f = forecast(&p, Policy::Fifo, 200, 1).expect("forecast");
    let s = pipescope::sim::simulate(&p, &Default::default()).expect("simulate");
    for got in [f.makespan.p50, f.makespan.p90, f.makespan.p99, f.makespan.min, f.makespan.max] {
        assert_eq!(got, s.makespan);
    }
    assert_eq!(f.makespan.histogram.len(), 1);
    for (t, timing) in f.tasks.iter().zip(&s.tasks) {
        let critical = timing.slack == Some(Millis::ZERO);
        assert_eq!(t.criticality, if critical { 1.0 } else { 0.0 }, "{}", t.id);
        assert_eq!(t.end.map(|e| e.p90), timing.end, "{}", t.id);
    }
}

#[test]
fn the_same_seed_gives_the_same_forecast_however_it_is_chunked() {
    let mut p = read(&synthetic::pipeline(200, 5));
    for (k, t) in p.tasks.iter_mut().enumerate() {
        let n = t.duration.nominal().0;
        t.duration = DurationSpec::Uniform { low: Millis(n / 2), high: Millis(n * 2) };
        t.failure_rate = if k % 7 == 0 { 0.05 } else { 0.0 };
    }
    let plan = Plan::new(&p, Policy::Fifo).unwrap();
    let mut whole = Forecaster::new(&plan, 9);
    whole.advance(1000);
    let mut chunked = Forecaster::new(&plan, 9);
    for _ in 0..10 {
        chunked.advance(100);
    }
    assert_eq!(whole.report(), chunked.report());
    assert_ne!(whole.report(), forecast(&p, Policy::Fifo, 1000, 10).unwrap());
}

/// The critical set a forecast computes in each run is the slack-zero set of the full
/// schedule of that run, on pipelines with stages, pools, skips, failures and pickup delays.
#[test]
fn the_critical_set_of_a_run_is_where_slack_is_zero() {
    let mut pipelines: Vec<Pipeline> = (0..6).map(|s| read(&synthetic::pipeline(400, s))).collect();
    for dir in ["github-actions", "gitlab-ci", "harness", "octopus"] {
        let Some(path) = common::shared::shared_path(&format!("corpus/{dir}")) else { continue };
        let mut files: Vec<_> =
            std::fs::read_dir(path).unwrap().flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files.iter().filter(|f| f.is_file()).take(15) {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            pipelines.push(analyze(&text, &AnalyzeOptions::default()).pipeline);
        }
    }
    let mut checked = 0;
    for p in &pipelines {
        let plan = Plan::new(p, Policy::Fifo).unwrap();
        let mut sim = Simulator::new(&plan);
        let n = p.tasks.len();
        let mut critical = Vec::new();
        for round in 0..4u32 {
            // Some tasks fail (every attempt) in later rounds.
            let failures: Vec<u32> = (0..n)
                .map(|i| if round > 0 && (i as u32 * 7 + round) % 23 == 0 { u32::MAX } else { 0 })
                .collect();
            let durations: Vec<Millis> = plan
                .nominal_durations()
                .iter()
                .enumerate()
                .map(|(i, d)| Millis(d.0 * (1 + (i as u64 * 31 + u64::from(round)) % 3)))
                .collect();
            // Some tasks wait for a runner to pick them up in the last rounds.
            let pickups: Vec<Millis> = (0..n)
                .map(|i| match round {
                    2 | 3 if (i + round as usize) % 5 == 0 => Millis(1000 * (1 + i as u64 % 4)),
                    _ => Millis::ZERO,
                })
                .collect();
            let input = RunInput {
                durations: Some(&durations),
                failures: Some(&failures),
                pickups: Some(&pickups),
            };
            let full = sim.run(&input, Detail::Full).unwrap();
            sim.run_summary(&input, Detail::Timings).unwrap();
            critical.clear();
            critical.resize(n, false);
            for &t in sim.critical_tasks() {
                critical[t.index()] = true;
            }
            for ((timing, task), &is) in full.tasks.iter().zip(&p.tasks).zip(&critical) {
                let zero = timing.slack == Some(Millis::ZERO);
                assert_eq!(is, zero, "{:?}: task {} round {round}", p.name, task.id);
            }
            checked += n;
        }
    }
    assert!(checked > 5_000, "only {checked} tasks checked");
}

fn github(yaml: &str) -> Pipeline {
    let options =
        AnalyzeOptions { dialect: Some(pipescope::dialect::Dialect::Github), ..Default::default() };
    analyze(yaml, &options).pipeline
}

#[test]
fn fail_fast_cancels_the_siblings_of_a_failing_matrix_job() {
    // Three instances of a matrix job; `fast` fails with chance p, ends after 1 minute, the two
    // others take 5: whenever it fails they are cancelled (fail-fast, the default), so each
    // succeeds with chance 1 − p; the unrelated `docs` job always runs.
    let yaml = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        os: [fast, slow1, slow2]\n    steps:\n      - run: make test\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make docs\n";
    let mut p = github(yaml);
    let p_fail = 0.2;
    let ids: Vec<String> = p.tasks.iter().map(|t| t.id.clone()).collect();
    let job = |needle: &str| {
        ids.iter()
            .position(|id| id.contains(needle) && !id.contains('/'))
            .unwrap_or_else(|| panic!("{needle} in {ids:?}"))
    };
    let (fast, slow) = (job("fast"), job("slow1"));
    for (i, t) in p.tasks.iter_mut().enumerate() {
        let minutes = if ids[i].contains("fast") { 1 } else { 5 };
        if !t.is_group() {
            t.duration = DurationSpec::Fixed(m(minutes));
            if ids[i].contains("fast") {
                t.failure_rate = p_fail;
            }
        }
    }
    let f = run(&p);
    let sd = (p_fail * (1.0 - p_fail)).sqrt();
    close(f.tasks[fast].failure_probability, p_fail, sd, "fast fails");
    close(f.success_probability, 1.0 - p_fail, sd, "success");
    let slow_ends = &f.tasks[slow];
    close(slow_ends.cancel_probability, p_fail, sd, "slow is cancelled when fast fails");
    assert_eq!(slow_ends.failure_probability, 0.0, "a cancelled job did not fail");
    // In the other 80% of runs it ends when it does without failures: its median end.
    let usual = pipescope::sim::simulate(&p, &Default::default()).unwrap();
    assert_eq!(slow_ends.end.unwrap().p50, usual.tasks[slow].end.unwrap());
    // `docs` keeps running when the matrix is cancelled, so every run lasts as long.
    assert_eq!((f.makespan.min, f.makespan.max), (usual.makespan, usual.makespan));
    let docs = job("docs");
    assert_eq!(f.tasks[docs].run_probability, 1.0, "unrelated jobs keep running");
    assert_eq!(f.tasks[docs].failure_probability, 0.0);
}

#[test]
fn when_always_runs_after_a_failure_and_on_failure_only_then() {
    let p_fail = 0.25;
    let mut p = read(
        "pipeline:\n  stages:\n    - stage: {id: build, duration: 2m}\n    - stage: {id: deploy, duration: 1m}\n    - stage: {id: page, duration: 10s, when: on_failure}\n    - stage: {id: notify, duration: 10s, when: always}\n",
    );
    p.tasks.iter_mut().find(|t| t.id == "build").unwrap().failure_rate = p_fail;
    let f = run(&p);
    let sd = (p_fail * (1.0 - p_fail)).sqrt();
    close(task(&f, "deploy").run_probability, 1.0 - p_fail, sd, "deploy runs after success");
    close(task(&f, "page").run_probability, p_fail, sd, "page runs after a failure");
    assert_eq!(task(&f, "notify").run_probability, 1.0);
    close(f.success_probability, 1.0 - p_fail, sd, "success");
    // A failed run ends with the page and the notification: 2m 20s; a good one 3m 10s.
    assert_eq!(f.makespan.min, Millis(140_000));
    assert_eq!(f.makespan.max, Millis(190_000));
}
