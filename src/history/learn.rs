//! Durations from matched runs: per task the times it took in the runs where it ran (one run:
//! that time; several: the samples a forecast resamples and whose median a simulation uses),
//! and diagnostics for what matched nothing or got no time.
//!
//! A GitHub job with step times gives its steps their times, each until the next step of the
//! file starts: the runner's own steps ("Set up job" before, "Post …" and "Complete job"
//! after) and steps the file does not have are not in the file, so their time joins the step
//! before them (the first step takes the setup), and the job lasts what it lasted. Without step times
//! (`gh run view`) the job's time is given to the job, and `analysis` spreads it over its steps.
//! Jobs that were skipped, cancelled or never started give no time (not zero).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::matching::{Matcher, closest};
use super::pickup::Pickups;
use super::{History, JobOutcome, Source};
use crate::diagnostic::Diagnostic;
use crate::duration::{DurationSpec, Millis};
use crate::lint::rules::history_mismatch as rule;
use crate::model::{Pipeline, TaskIdx};
use crate::span::Span;

/// Jobs (and steps) of one run that match nothing, named one by one; the rest are counted.
const MAX_LISTED: usize = 20;

/// What the runs say about a pipeline.
#[derive(Debug, Clone, Default)]
pub struct Learned {
    /// Task full id → its duration from the runs.
    pub durations: BTreeMap<String, DurationSpec>,
    /// Job full id → how long it waited for a runner to pick it up in the runs (see
    /// `pickup`), or, for a job no run timed, the jobs with its runner labels.
    pub pickups: BTreeMap<String, DurationSpec>,
    pub diagnostics: Vec<Diagnostic>,
    /// Jobs of the runs that matched a task, of all the jobs of the runs.
    pub matched_jobs: usize,
    pub run_jobs: usize,
}

pub fn learn(pipeline: &Pipeline, history: &History) -> Learned {
    let n = pipeline.tasks.len();
    let mut job_samples: Vec<Vec<Millis>> = vec![Vec::new(); n];
    let mut pickups = Pickups::new(pipeline);
    let mut step_samples: Vec<Vec<Millis>> = vec![Vec::new(); n];
    // How the job ended in runs that gave it no time.
    let mut without_time: Vec<Vec<JobOutcome>> = vec![Vec::new(); n];
    let mut learned = Learned::default();
    let mut spread_over_steps = false;
    let mut reported_steps: HashSet<(TaskIdx, String)> = HashSet::new();
    let matcher = Matcher::new(pipeline);
    let span_of = |name: &str| {
        pipeline
            .tasks
            .iter()
            .find(|t| t.id == name || t.name.as_deref() == Some(name) || t.local_id == name)
            .map_or(Span::default(), |t| t.id_span)
    };

    // What matched nothing, said once however many runs have it: a name in the first run
    // that has it, with how many runs do; the first few by name, the rest counted, since an
    // export of another size than the file would otherwise bury every other finding.
    let mut foreign_runs: Vec<(String, usize, String)> = Vec::new();
    let mut unmatched_jobs: Vec<(String, String, Source, usize)> = Vec::new();
    let mut unmatched_at: HashMap<String, usize> = HashMap::new();
    let (mut steps_listed, mut steps_more) = (0, 0);
    for (r, run) in history.runs.iter().enumerate() {
        let label = run.label(r);
        let m = matcher.run(run);
        learned.run_jobs += run.jobs.len();
        learned.matched_jobs += m.jobs.len();
        if m.jobs.is_empty() && !run.jobs.is_empty() {
            let names: Vec<String> =
                run.jobs.iter().take(3).map(|j| format!("`{}`", j.name)).collect();
            let more = if run.jobs.len() > 3 { ", …" } else { "" };
            foreign_runs.push((label, run.jobs.len(), format!("{}{more}", names.join(", "))));
            continue;
        }
        for &j in &m.unmatched_jobs {
            let name = &run.jobs[j].name;
            match unmatched_at.get(name) {
                Some(&k) => unmatched_jobs[k].3 += 1,
                None => {
                    unmatched_at.insert(name.clone(), unmatched_jobs.len());
                    unmatched_jobs.push((name.clone(), label.clone(), run.source, 1));
                }
            }
        }
        pickups.add_run(pipeline, run, &m.jobs);
        let by_job: HashMap<usize, TaskIdx> = m.jobs.iter().copied().collect();
        for &(j, s) in &m.unmatched_steps {
            let Some(&task) = by_job.get(&j) else { continue };
            let step = &run.jobs[j].steps[s].name;
            // Once per step name of a job, however many runs have it.
            if !reported_steps.insert((task, step.clone())) {
                continue;
            }
            if steps_listed == MAX_LISTED {
                steps_more += 1;
                continue;
            }
            steps_listed += 1;
            let job = pipeline.task(task);
            learned.diagnostics.push(rule::unmatched_step(job.id_span, &label, &job.id, step));
        }

        for &(j, task) in &m.jobs {
            let job = &run.jobs[j];
            let Some(duration) = job.duration.filter(|_| job.outcome.ran()) else {
                without_time[task.index()].push(job.outcome);
                continue;
            };
            if !pipeline.task(task).children.is_empty() {
                // `Matcher::run` lists steps in job order: this job's are one slice.
                let (lo, hi) =
                    (m.steps.partition_point(|s| s.0 < j), m.steps.partition_point(|s| s.0 <= j));
                // A step the run skipped (its `if:`, or a failure before it) took no time:
                // the job's time belongs to the steps that ran.
                for &(_, s, t) in &m.steps[lo..hi] {
                    if job.steps[s].outcome == JobOutcome::Skipped {
                        step_samples[t.index()].push(Millis::ZERO);
                    }
                }
                let mut steps: Vec<(i64, i64, TaskIdx)> = m.steps[lo..hi]
                    .iter()
                    .filter(|(_, s, _)| job.steps[*s].outcome.ran())
                    .filter_map(|&(_, s, t)| job.steps[s].times().map(|(a, b)| (a, b, t)))
                    .collect();
                if !steps.is_empty() {
                    // Each step of the file runs until the next one starts, so that the
                    // steps tile the job: what lies between (the runner's own steps, a step
                    // the file does not have) counts in the step before it.
                    steps.sort_by_key(|&(start, _, _)| start);
                    let job_start = job.started.map_or(steps[0].0, |s| s.min(steps[0].0));
                    let last_end = steps.iter().map(|s| s.1).max().unwrap_or(job_start);
                    let job_end = job.finished.map_or(last_end, |f| f.max(last_end));
                    for k in 0..steps.len() {
                        let from = if k == 0 { job_start } else { steps[k].0 };
                        let to = steps.get(k + 1).map_or(job_end, |next| next.0);
                        step_samples[steps[k].2.index()].push(Millis((to - from).max(0) as u64));
                    }
                    continue;
                }
                spread_over_steps |= run.source == Source::GhCli || job.steps.is_empty();
            }
            job_samples[task.index()].push(duration);
        }
    }

    if steps_more > 0 {
        learned.diagnostics.push(rule::more_unmatched("the imported runs", steps_more, "step"));
    }
    for (name, label, source, runs) in unmatched_jobs.iter().take(MAX_LISTED) {
        let near = closest(name, matcher.known_names(*source));
        let span = near.map_or(Span::default(), span_of);
        let seen = rule::seen_in(label, *runs);
        learned.diagnostics.push(rule::unmatched_job(span, &seen, "job", name, near));
    }
    if let Some(more) = unmatched_jobs.len().checked_sub(MAX_LISTED).filter(|&n| n > 0) {
        learned.diagnostics.push(rule::more_unmatched("the imported runs", more, "job"));
    }
    if let Some((label, count, names)) = foreign_runs.first() {
        let what = match foreign_runs.len() {
            1 => format!("{label}: none of its {count} jobs ({names}) matches"),
            n => format!(
                "{}: none of their jobs (the first has {count}: {names}) matches",
                rule::seen_in(label, n)
            ),
        };
        learned.diagnostics.push(
            Diagnostic::new(
                &rule::HISTORY_MISMATCH,
                Span::default(),
                format!("{what} a job of this file; their times are not used"),
            )
            .with_help("is it a run of another workflow or pipeline?"),
        );
    }
    if spread_over_steps {
        learned.diagnostics.push(rule::limited(
            "some imported jobs have no step times (a CSV or `gh run view` gives none): their \
             times (the median of them, over several runs) are spread over their steps in proportion \
             to the steps' own durations",
        ));
    }
    learned.pickups = pickups.finish(pipeline);
    let runs = history.runs.len();
    for (i, task) in pipeline.tasks.iter().enumerate() {
        let steps_timed = task.children.iter().any(|c| !step_samples[c.index()].is_empty());
        if steps_timed {
            for &c in &task.children {
                if let Some(spec) = spec(&mut step_samples[c.index()]) {
                    learned.durations.insert(pipeline.task(c).id.clone(), spec);
                }
            }
            let untimed: Vec<String> = task
                .children
                .iter()
                .filter(|c| step_samples[c.index()].is_empty())
                .map(|&c| format!("`{}`", pipeline.task(c).local_id))
                .collect();
            if !untimed.is_empty() {
                let why = format!(
                    "{} of its {} steps ({}) ran in none of the runs",
                    untimed.len(),
                    task.children.len(),
                    untimed.join(", ")
                );
                learned.diagnostics.push(rule::no_duration(task.id_span, &task.id, &why));
            }
            continue;
        }
        if let Some(spec) = spec(&mut job_samples[i]) {
            learned.durations.insert(task.id.clone(), spec);
            continue;
        }
        // Only jobs are reported: a step without time is its job's report.
        if task.parent.is_some() || runs == 0 || learned.matched_jobs == 0 {
            continue;
        }
        let seen = &without_time[i];
        let why = if seen.is_empty() {
            if runs == 1 {
                "no job of the run has its name".to_string()
            } else {
                format!("no job of the {runs} runs has its name")
            }
        } else {
            let mut counts: Vec<(&str, usize)> = Vec::new();
            for o in seen {
                match counts.iter_mut().find(|(name, _)| *name == o.name()) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((o.name(), 1)),
                }
            }
            let parts: Vec<String> =
                counts.iter().map(|(name, c)| format!("{name} in {c}")).collect();
            format!("{} of the runs that have it", parts.join(", "))
        };
        learned.diagnostics.push(rule::no_duration(task.id_span, &task.id, &why));
    }
    learned
}

/// One sample: that time; several: the samples, sorted (the same runs in any order give the
/// same distribution); all equal: that time.
pub(super) fn spec(samples: &mut [Millis]) -> Option<DurationSpec> {
    samples.sort_unstable();
    let (&first, &last) = (samples.first()?, samples.last()?);
    Some(if first == last {
        DurationSpec::Fixed(first)
    } else {
        DurationSpec::Samples(Arc::from(&*samples))
    })
}
