//! The one call the shells make: read a text, lint it, simulate it.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::dialect::Dialect;
use crate::duration::{DurationSpec, Millis};
use crate::forecast::Draws;
use crate::history::{self, History};
use crate::lint;
use crate::lint::rules::ignored_setting::IGNORED_SETTING;
use crate::lint::rules::invalid_value::INVALID_VALUE;
use crate::model::{DurationSource, Inputs, Pipeline, TaskIdx};
use crate::sim::{Detail, Plan, Policy, RunInput, Schedule, SimOptions, Simulator};
use crate::span::Span;

#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// `None` detects the dialect from the text.
    pub dialect: Option<Dialect>,
    pub inputs: Inputs,
    pub sim: SimOptions,
    /// Task ids made to fail, every attempt (`simulate --fail`, the app's "What if this
    /// fails?"); a stage's steps all fail. The dialect's own rules say what follows.
    pub failing: Vec<String>,
    /// Show one sampled run (durations and failures drawn from this seed, the first run of
    /// `forecast --seed`) instead of the median run in which nothing fails.
    pub seed: Option<u64>,
    /// Past runs (`--history`): their times replace the file's and the defaults'; durations
    /// the user gives (`Inputs::durations`) still win over them. Shared: the app analyses
    /// after every key with the same runs, which may hold hundreds of thousands of steps.
    pub history: Arc<History>,
}

/// Everything known about one text: the model, every diagnostic, and the simulated schedule.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub dialect: Dialect,
    pub pipeline: Pipeline,
    /// Reading, lint and simulation findings, in order of position.
    pub diagnostics: Vec<Diagnostic>,
    pub schedule: Schedule,
    /// Ids in `Inputs::durations` that name no task (a typo, or a task since renamed).
    pub unmatched_durations: Vec<String>,
    /// Ids in `AnalyzeOptions::failing` that name no task.
    pub unmatched_failing: Vec<String>,
    /// Of the jobs of the imported past runs, how many matched a task, and how many there are.
    pub history_jobs: (usize, usize),
    /// Each task's duration in this run: the median of its distribution, or the one drawn
    /// from `AnalyzeOptions::seed`.
    pub durations: Vec<Millis>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

pub fn analyze(text: &str, options: &AnalyzeOptions) -> Analysis {
    let dialect = options.dialect.unwrap_or_else(|| Dialect::detect(text));
    let (mut pipeline, mut diagnostics) = dialect.read(text, &options.inputs);
    let policy = &options.sim.policy;
    let mut history_jobs = (0, 0);
    if !options.history.is_empty() {
        let learned = history::learn(&pipeline, &options.history);
        history_jobs = (learned.matched_jobs, learned.run_jobs);
        diagnostics.extend(learned.diagnostics);
        let source = DurationSource::History;
        apply_durations(&mut pipeline, &learned.durations, policy, source, &mut diagnostics);
        for task in &mut pipeline.tasks {
            if let Some(pickup) = learned.pickups.get(&task.id) {
                task.pickup = pickup.clone();
            }
        }
    }
    let unmatched_durations = apply_durations(
        &mut pipeline,
        &options.inputs.durations,
        policy,
        DurationSource::Override,
        &mut diagnostics,
    );
    let plan = Plan::new(&pipeline, policy.clone()).unwrap_or_else(|_| {
        let given = if let Policy::Priority(p) = policy { p.len() } else { 0 };
        diagnostics.push(Diagnostic::new(
            &INVALID_VALUE,
            Span::default(),
            format!(
                "{given} priorities given for {} tasks; tasks start first ready, first started",
                pipeline.tasks.len()
            ),
        ));
        Plan::first_ready(&pipeline)
    });
    let mut sim = Simulator::new(&plan);
    let mut durations = plan.nominal_durations().to_vec();
    let (schedule, unmatched_failing) = if options.failing.is_empty() && options.seed.is_none() {
        (sim.run_as_planned(Detail::Full), Vec::new())
    } else {
        let mut failures = vec![0; plan.len()];
        let mut pickups = plan.nominal_pickups().to_vec();
        if let Some(seed) = options.seed {
            Draws::new(&plan, seed).draw(&mut durations, &mut failures, &mut pickups);
        }
        let unmatched = make_fail(&pipeline, &options.failing, &mut failures);
        let input = RunInput {
            durations: Some(&durations),
            failures: Some(&failures),
            pickups: Some(&pickups),
        };
        // One value per task, as the plan wants: this cannot fail.
        let schedule =
            sim.run(&input, Detail::Full).unwrap_or_else(|_| sim.run_as_planned(Detail::Full));
        (schedule, unmatched)
    };
    diagnostics.extend(lint::lint(&pipeline, Some(&schedule)));
    diagnostic::sort(&mut diagnostics);
    Analysis {
        dialect,
        pipeline,
        diagnostics,
        schedule,
        unmatched_durations,
        history_jobs,
        unmatched_failing,
        durations,
    }
}

/// Makes every attempt of the named tasks fail (of a stage: of all its steps), and returns the
/// ids that name no task.
fn make_fail(pipeline: &Pipeline, ids: &[String], failures: &mut [u32]) -> Vec<String> {
    let mut unmatched = Vec::new();
    let mut seen = vec![false; pipeline.tasks.len()];
    for id in ids {
        let Some(t) = pipeline.find_task(id) else {
            unmatched.push(id.clone());
            continue;
        };
        let mut stack = vec![t];
        while let Some(t) = stack.pop() {
            // A malformed parent link must not loop.
            if t.index() >= seen.len() || std::mem::replace(&mut seen[t.index()], true) {
                continue;
            }
            let task = pipeline.task(t);
            if task.is_group() {
                stack.extend(task.children.iter().copied());
            } else {
                failures[t.index()] = u32::MAX;
            }
        }
    }
    unmatched
}

/// Sets the durations given by full id (by the user, or learnt from past runs: `source`), and
/// returns the ids that matched no task.
///
/// A duration given for a stage or job with steps (people know how long a CI job takes, rarely
/// each of its steps) scales the steps it contains that have no duration of their own from the
/// user, so that the stage lasts that long: by (target − fixed) / (span − fixed), where span is
/// the stage's span now and fixed the part of it the user's own step durations set (the span
/// with the scalable steps taking no time). Both come from runs of one plan under the chosen
/// policy. When the target or the span is no longer than the fixed part, nothing can be
/// scaled: a diagnostic says so and the steps keep their durations.
///
/// A distribution given for a leaf replaces its duration as it is. For a stage with steps only
/// its median sets the target (a diagnostic says so when it varies): the steps keep the shape
/// of their own distributions, scaled by the one factor.
fn apply_durations(
    pipeline: &mut Pipeline,
    durations: &BTreeMap<String, DurationSpec>,
    policy: &Policy,
    source: DurationSource,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    // One pass over the tasks, each looked up by id: a history of thousands of jobs against
    // a pipeline of thousands of tasks stays linear.
    let mut hits: Vec<(TaskIdx, &DurationSpec)> = Vec::new();
    let mut used: HashSet<&str> = HashSet::new();
    for (i, task) in pipeline.tasks.iter().enumerate() {
        if let Some((id, spec)) = durations.get_key_value(task.id.as_str()) {
            hits.push((TaskIdx(i as u32), spec));
            used.insert(id);
        }
    }
    let unmatched: Vec<String> =
        durations.keys().filter(|id| !used.contains(id.as_str())).cloned().collect();
    let mut groups = Vec::new();
    for (t, spec) in hits {
        let task = &mut pipeline.tasks[t.index()];
        if task.is_group() {
            // Past runs without step times: `history::learn` says once what is done.
            if spec.varies() && source != DurationSource::History {
                diagnostics.push(Diagnostic::new(
                    &IGNORED_SETTING,
                    task.id_span,
                    format!(
                        "only the median ({}) of the duration {spec} given for `{}` is used: \
                         a stage with steps is scaled to one duration; give its steps \
                         distributions to vary it",
                        spec.nominal(),
                        task.id
                    ),
                ));
            }
            groups.push((t, spec.nominal()));
        } else {
            task.duration = spec.clone();
            task.duration_source = source;
        }
    }
    if groups.is_empty() {
        return unmatched;
    }
    let mut scaled: Vec<(TaskIdx, DurationSpec)> = Vec::new();
    {
        // A priority list that does not fit is reported once, by `analyze`, which falls back
        // to first-ready order as this does.
        let plan =
            Plan::new(pipeline, policy.clone()).unwrap_or_else(|_| Plan::first_ready(pipeline));
        let mut sim = Simulator::new(&plan);
        let baseline = sim.run_as_planned(Detail::Timings);
        let span_of = |s: &Schedule, t: TaskIdx| match (s.timing(t).start, s.timing(t).end) {
            (Some(start), Some(end)) => Some(end - start),
            _ => None,
        };
        for (group, target) in groups {
            let leaves: Vec<TaskIdx> = leaves_of(pipeline, group)
                .into_iter()
                .filter(|&l| pipeline.task(l).duration_source != source)
                .collect();
            let Some(span) = span_of(&baseline, group) else { continue };
            let mut without = plan.nominal_durations().to_vec();
            for &l in &leaves {
                without[l.index()] = Millis::ZERO;
            }
            let input = RunInput { durations: Some(&without), failures: None, pickups: None };
            let fixed = sim.run(&input, Detail::Timings).ok().and_then(|s| span_of(&s, group));
            let fixed = fixed.unwrap_or(Millis::ZERO);
            let task = pipeline.task(group);
            if leaves.is_empty() || target <= fixed || span <= fixed {
                diagnostics.push(Diagnostic::new(
                    &IGNORED_SETTING,
                    task.id_span,
                    format!(
                        "the duration {target} given for `{}` cannot be reached by scaling its \
                         steps: {fixed} of its {span} come from durations given for its steps; \
                         its steps keep their durations",
                        task.id
                    ),
                ));
                continue;
            }
            let (num, den) = (u128::from((target - fixed).0), u128::from((span - fixed).0));
            for leaf in leaves {
                scaled.push((leaf, scale(&pipeline.task(leaf).duration, num, den)));
            }
        }
    }
    for (leaf, duration) in scaled {
        let task = &mut pipeline.tasks[leaf.index()];
        task.duration = duration;
        task.duration_source = source;
    }
    unmatched
}

/// `spec` with every duration in it multiplied by `num / den`, keeping its shape.
fn scale(spec: &DurationSpec, num: u128, den: u128) -> DurationSpec {
    let by = |ms: Millis| Millis(u64::try_from(u128::from(ms.0) * num / den).unwrap_or(u64::MAX));
    match spec {
        DurationSpec::Fixed(ms) => DurationSpec::Fixed(by(*ms)),
        DurationSpec::Uniform { low, high } => {
            DurationSpec::Uniform { low: by(*low), high: by(*high) }
        }
        // A median scaled down to nothing leaves no log-normal: the step takes no time.
        DurationSpec::LogNormal { p50, p90 } => match by(*p50) {
            Millis::ZERO => DurationSpec::Fixed(Millis::ZERO),
            p50 => DurationSpec::LogNormal { p50, p90: by(*p90) },
        },
        DurationSpec::Samples(samples) => {
            DurationSpec::Samples(samples.iter().map(|&ms| by(ms)).collect())
        }
    }
}

/// The tasks without children inside `group`, at any depth.
fn leaves_of(pipeline: &Pipeline, group: TaskIdx) -> Vec<TaskIdx> {
    let mut out = Vec::new();
    let mut stack = vec![group];
    while let Some(t) = stack.pop() {
        let task = pipeline.task(t);
        if task.is_group() {
            stack.extend(task.children.iter().copied());
        } else if t != group {
            out.push(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_from_the_user_replace_the_files() {
        let text =
            "pipeline:\n  stages:\n    - stage: {id: a, duration: 1m}\n    - stage: {id: b}\n";
        let mut options = AnalyzeOptions::default();
        options.inputs.durations.insert("b".into(), DurationSpec::Fixed(Millis(5_000)));
        options.inputs.durations.insert("nope".into(), DurationSpec::Fixed(Millis(1)));
        let analysis = analyze(text, &options);
        let b = analysis.pipeline.find_task("b").unwrap();
        assert_eq!(analysis.pipeline.task(b).duration_source, DurationSource::Override);
        assert_eq!(analysis.schedule.makespan, Millis(65_000));
        assert_eq!(analysis.unmatched_durations, ["nope"]);
    }

    #[test]
    fn a_duration_for_a_stage_scales_its_steps() {
        let text = "pipeline:\n  stages:\n    - stage:\n        id: job\n        steps:\n          - step: {id: a, duration: 1m}\n          - step: {id: b, duration: 3m}\n          - step: {id: c, duration: 1m}\n";
        let mut options = AnalyzeOptions::default();
        options.inputs.durations.insert("job".into(), DurationSpec::Fixed(Millis(10 * 60_000)));
        options.inputs.durations.insert("job/c".into(), DurationSpec::Fixed(Millis(2 * 60_000)));
        let analysis = analyze(text, &options);
        // Span 1+3+2 = 6m, of which the user's 2m for c are fixed: a and b scale by
        // (10 − 2) / (6 − 2) = 2, so that the job lasts the 10m asked for.
        let d = |id: &str| {
            analysis.pipeline.task(analysis.pipeline.find_task(id).unwrap()).duration.nominal()
        };
        assert_eq!(d("job/a"), Millis(120_000));
        assert_eq!(d("job/b"), Millis(360_000));
        assert_eq!(d("job/c"), Millis(120_000));
        assert_eq!(analysis.schedule.makespan, Millis(600_000));
    }

    #[test]
    fn a_stage_duration_below_what_its_steps_fix_is_reported_not_scaled() {
        let text = "pipeline:\n  stages:\n    - stage:\n        id: job\n        steps:\n          - step: {id: a, duration: 1m}\n          - step: {id: c, duration: 1m}\n";
        let mut options = AnalyzeOptions::default();
        options.inputs.durations.insert("job".into(), DurationSpec::Fixed(Millis(60_000)));
        options.inputs.durations.insert("job/c".into(), DurationSpec::Fixed(Millis(2 * 60_000)));
        let analysis = analyze(text, &options);
        assert_eq!(analysis.schedule.makespan, Millis(180_000));
        let d = analysis.diagnostics.iter().find(|d| d.name() == "ignored-setting").unwrap();
        assert_eq!(
            d.message,
            "the duration 1m given for `job` cannot be reached by scaling its steps: 2m of its \
             3m come from durations given for its steps; its steps keep their durations"
        );
    }

    #[test]
    fn the_baseline_of_a_stage_duration_follows_the_policy() {
        // `early` and `late` queue for the lock `hold` has until 3m; first-ready order gives it
        // to `early` (then `after` ends at 14m), file order to `late` (19m).
        let text = "pipeline:
  resources: {lock: 1}
  stages:
    - stage:
        id: job
        steps:
          - parallel:
              - step: {id: hold, duration: 3m, uses: [lock]}
              - step: {id: pre, duration: 1m}
              - step: {id: late, duration: 5m, uses: [lock], depends_on: [pre]}
              - step: {id: early, duration: 1m, uses: [lock]}
              - step: {id: after, duration: 10m, depends_on: [early]}
";
        for (policy, span) in [(Policy::Fifo, 14), (Policy::DocumentOrder, 19)] {
            let mut options = AnalyzeOptions { sim: SimOptions { policy }, ..Default::default() };
            assert_eq!(analyze(text, &options).schedule.makespan, Millis(span * 60_000));
            options
                .inputs
                .durations
                .insert("job".into(), DurationSpec::Fixed(Millis(2 * span * 60_000)));
            assert_eq!(analyze(text, &options).schedule.makespan, Millis(2 * span * 60_000));
        }
    }

    #[test]
    fn a_priority_per_task_orders_the_run_and_a_wrong_count_is_said() {
        let text = "pipeline:\n  resources: {lock: 1}\n  stages:\n    - parallel:\n        - stage: {id: a, duration: 1m, uses: [lock]}\n        - stage: {id: b, duration: 2m, uses: [lock]}\n";
        let run = |policy: Policy| {
            analyze(text, &AnalyzeOptions { sim: SimOptions { policy }, ..Default::default() })
        };
        let b_first = run(Policy::Priority(vec![1, 0]));
        let b = b_first.pipeline.find_task("b").unwrap();
        assert_eq!(b_first.schedule.timing(b).start, Some(Millis::ZERO));
        let wrong = run(Policy::Priority(vec![1]));
        let d = wrong.diagnostics.iter().find(|d| d.name() == "invalid-value").unwrap();
        assert_eq!(
            d.message,
            "1 priorities given for 2 tasks; tasks start first ready, first started"
        );
        let a = wrong.pipeline.find_task("a").unwrap();
        assert_eq!(wrong.schedule.timing(a).start, Some(Millis::ZERO));
    }
}
