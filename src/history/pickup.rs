//! How long jobs waited for a runner to pick them up, learnt from past runs.
//!
//! A job of a run could start when the last of the jobs it needs (in the file) ended in that
//! run; from then until it started it waited, for the CI system to create it and for a runner
//! to pick it up: that wait is what the simulation adds after its needs, so the run's own
//! durations reproduce its start times. A job that needs nothing (or whose needs the run does
//! not time) waits GitHub's `started_at − created_at`, GitLab's `queued_duration`, a CSV's
//! `queued`, or, when the export has none of these (GitHub before 2022), from the run's
//! first start, as `compare` counts. Part of that wait may have been for something the simulation models
//! itself (a slot of the plan's hosted runners, `max-parallel`): the simulation waits for the
//! pickup first and for resources after, so the two overlap rather than add up, and the run's
//! own durations reproduce its start times.
//!
//! A job that no run timed (new, or skipped in every run) waits as long as the jobs that asked
//! for the same runner labels did, or else the jobs on the same operating system.

use std::collections::{BTreeMap, HashMap};

use super::learn::spec;
use super::{JobRecord, Run, Source};
use crate::duration::{DurationSpec, Millis};
use crate::model::{Pipeline, TaskIdx};

/// The pickup samples of the runs seen so far.
pub struct Pickups {
    per_task: Vec<Vec<Millis>>,
    by_labels: HashMap<String, Vec<Millis>>,
    by_os: HashMap<&'static str, Vec<Millis>>,
}

impl Pickups {
    pub fn new(pipeline: &Pipeline) -> Pickups {
        Pickups {
            per_task: vec![Vec::new(); pipeline.tasks.len()],
            by_labels: HashMap::new(),
            by_os: HashMap::new(),
        }
    }

    /// Adds the waits of one run whose jobs `matched` pairs with tasks (job index, task).
    pub fn add_run(&mut self, pipeline: &Pipeline, run: &Run, matched: &[(usize, TaskIdx)]) {
        let mut task_of: Vec<Option<TaskIdx>> = vec![None; run.jobs.len()];
        for &(j, t) in matched {
            task_of[j] = Some(t);
        }
        let job_of: HashMap<TaskIdx, usize> = matched.iter().map(|&(j, t)| (t, j)).collect();
        let origin = run.jobs.iter().filter_map(|j| j.created.or(j.started)).min();
        for (j, job) in run.jobs.iter().enumerate() {
            if !job.outcome.ran() {
                continue;
            }
            let needs_done = task_of[j].and_then(|t| needs_done(pipeline, t, run, &job_of));
            let waited = match (needs_done, job.started) {
                (Some(ready), Some(started)) => Millis((started - ready).max(0) as u64),
                _ => match (waited(job), origin, job.started) {
                    (Some(waited), _, _) => waited,
                    (None, Some(origin), Some(started)) if task_of[j].is_some() => {
                        Millis((started - origin).max(0) as u64)
                    }
                    _ => continue,
                },
            };
            if let Some(t) = task_of[j] {
                self.per_task[t.index()].push(waited);
            }
            if let Some(key) = labels_key(run.source, &job.labels) {
                if let Some(os) = os_of(&job.labels) {
                    self.by_os.entry(os).or_default().push(waited);
                }
                self.by_labels.entry(key).or_default().push(waited);
            }
        }
    }

    /// Task full id → its pickup delay: its own waits, else those of its runner labels, else
    /// of its operating system. Nothing for a task no runner picks up, or whose waits were
    /// all zero.
    pub fn finish(mut self, pipeline: &Pipeline) -> BTreeMap<String, DurationSpec> {
        let mut pickups = BTreeMap::new();
        for (i, task) in pipeline.tasks.iter().enumerate() {
            let own = std::mem::take(&mut self.per_task[i]);
            let samples = if !own.is_empty() {
                own
            } else if let Some(labels) = &task.runner_labels {
                let same_labels = labels_key(Source::Gitlab, labels)
                    .and_then(|key| self.by_labels.get(&key))
                    .filter(|s| !s.is_empty());
                match same_labels.or_else(|| self.by_os.get(os_of(labels)?)) {
                    Some(samples) => samples.clone(),
                    None => continue,
                }
            } else {
                continue;
            };
            let mut samples = samples;
            if let Some(s) = spec(&mut samples).filter(|s| s.nominal() > Millis::ZERO) {
                pickups.insert(task.id.clone(), s);
            }
        }
        pickups
    }
}

/// When the last of the jobs `task` needs ended in the run; `None` when it needs none, or the
/// run times none of them.
fn needs_done(
    pipeline: &Pipeline,
    task: TaskIdx,
    run: &Run,
    job_of: &HashMap<TaskIdx, usize>,
) -> Option<i64> {
    pipeline
        .task(task)
        .deps
        .iter()
        .filter_map(|d| run.jobs[*job_of.get(&d.target?)?].finished)
        .max()
}

/// How long a job waited for a runner by the export's own account.
fn waited(job: &JobRecord) -> Option<Millis> {
    // GitLab creates every job with the pipeline: its queue time is the wait.
    job.queued.or_else(|| {
        let (created, started) = (job.created?, job.started?);
        (started >= created).then(|| Millis((started - created) as u64))
    })
}

/// The labels as one key, ignoring order and case. GitLab's untagged jobs share a key (any
/// shared runner); a GitHub job without labels (a `gh` export) has none.
fn labels_key(source: Source, labels: &[String]) -> Option<String> {
    if labels.is_empty() && source != Source::Gitlab {
        return None;
    }
    let mut labels: Vec<String> = labels.iter().map(|l| l.trim().to_lowercase()).collect();
    labels.sort_unstable();
    labels.dedup();
    Some(labels.join("\n"))
}

/// The operating system the labels name, as GitHub's hosted and self-hosted labels do.
fn os_of(labels: &[String]) -> Option<&'static str> {
    labels.iter().find_map(|l| {
        let l = l.to_lowercase();
        if l.contains("windows") {
            Some("windows")
        } else if l.contains("macos") || l == "osx" {
            Some("macos")
        } else if l.contains("ubuntu") || l.contains("linux") {
            Some("linux")
        } else {
            None
        }
    })
}
