//! Which task of the pipeline each job and step of a past run is, by the names the CI systems
//! give them:
//!
//! - a job by its id or display name: GitHub's `name:` with `${{ matrix.* }}` filled in, or the
//!   job id, with the matrix values as a suffix (`test (ubuntu-latest, 3.11)`; a `name:` that
//!   does not use the matrix gets the suffix too); GitLab's `rspec 1/4` and `build: [aws, app1]`;
//! - a GitHub step by its `name:`, or as GitHub names an unnamed one: `Run actions/checkout@v4`,
//!   `Run <first line of run>`. The runner's own steps ("Set up job", "Complete job", "Post …")
//!   are no step of the file: their time belongs to the job.
//!
//! Names that occur more than once (two matrix instances under one resolved `name:`) are paired
//! in order. An exact name is tried first, then the same name ignoring case and spacing.

use std::collections::HashMap;

use super::{JobRecord, Run};
use crate::model::{Pipeline, TaskIdx};

/// The tasks each name may stand for, in file order.
struct Names {
    exact: HashMap<String, Vec<TaskIdx>>,
    loose: HashMap<String, Vec<TaskIdx>>,
}

impl Names {
    fn new() -> Names {
        Names { exact: HashMap::new(), loose: HashMap::new() }
    }

    fn insert(&mut self, name: &str, task: TaskIdx) {
        for (map, key) in [(&mut self.exact, name.to_string()), (&mut self.loose, loose(name))] {
            let tasks = map.entry(key).or_default();
            if !tasks.contains(&task) {
                tasks.push(task);
            }
        }
    }

    /// The first task named `name` that is not taken yet.
    fn take(&self, name: &str, taken: &mut [bool]) -> Option<TaskIdx> {
        let pick = |tasks: Option<&Vec<TaskIdx>>, taken: &mut [bool]| {
            let t = *tasks?.iter().find(|t| !taken[t.index()])?;
            taken[t.index()] = true;
            Some(t)
        };
        pick(self.exact.get(name), taken).or_else(|| pick(self.loose.get(&loose(name)), taken))
    }
}

/// A name ignoring case and runs of spaces.
fn loose(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// What one run's jobs and steps were matched to.
#[derive(Debug, Default)]
pub struct RunMatch {
    /// (job index in the run, task)
    pub jobs: Vec<(usize, TaskIdx)>,
    /// (job index, step index, task), in job order.
    pub steps: Vec<(usize, usize, TaskIdx)>,
    /// Jobs of the run that match no task.
    pub unmatched_jobs: Vec<usize>,
    /// Steps of matched jobs that match no step of the job in the file (the runner's own
    /// steps are not listed).
    pub unmatched_steps: Vec<(usize, usize)>,
}

/// The names a job task goes by in runs.
fn job_names(pipeline: &Pipeline) -> Names {
    let mut in_matrix = vec![false; pipeline.tasks.len()];
    for m in &pipeline.matrices {
        for t in &m.members {
            in_matrix[t.index()] = true;
        }
    }
    let mut names = Names::new();
    for (i, task) in pipeline.tasks.iter().enumerate() {
        let t = TaskIdx(i as u32);
        names.insert(&task.id, t);
        if task.parent.is_some() {
            continue;
        }
        names.insert(&task.local_id, t);
        if let Some(name) = &task.name {
            names.insert(name, t);
            // GitHub appends the matrix values to a name that does not use them.
            if in_matrix[i] {
                if let Some(at) = task.id.rfind(" (") {
                    names.insert(&format!("{name}{}", &task.id[at..]), t);
                }
            }
        }
    }
    names
}

/// The names each step of a job goes by in runs.
fn step_names(pipeline: &Pipeline, job: TaskIdx) -> Names {
    let mut names = Names::new();
    for &step in &pipeline.task(job).children {
        let task = pipeline.task(step);
        for name in [task.name.as_deref(), Some(task.local_id.as_str())].into_iter().flatten() {
            names.insert(name, step);
            names.insert(&format!("Run {name}"), step);
        }
    }
    names
}

/// Every name a job of the pipeline goes by in runs, for "the closest is …".
pub fn known_job_names(pipeline: &Pipeline) -> Vec<String> {
    let mut names: Vec<String> = job_names(pipeline).exact.into_keys().collect();
    names.sort();
    names
}

/// The steps the runner adds to every job, which no file has.
pub fn is_runner_step(name: &str) -> bool {
    matches!(
        name,
        "Set up job"
            | "Complete job"
            | "Set up runner"
            | "Initialize containers"
            | "Stop containers"
    ) || name.starts_with("Post ")
        || name.starts_with("Pre ")
        || name.starts_with("Set up container")
}

/// Pairs the jobs (and steps) of `run` with tasks of `pipeline`.
pub fn match_run(pipeline: &Pipeline, run: &Run) -> RunMatch {
    let names = job_names(pipeline);
    let mut taken = vec![false; pipeline.tasks.len()];
    let mut result = RunMatch::default();
    for (j, job) in run.jobs.iter().enumerate() {
        match names.take(&job.name, &mut taken) {
            Some(task) => {
                result.jobs.push((j, task));
                match_steps(pipeline, task, j, job, &mut taken, &mut result);
            }
            None => result.unmatched_jobs.push(j),
        }
    }
    result
}

fn match_steps(
    pipeline: &Pipeline,
    task: TaskIdx,
    j: usize,
    job: &JobRecord,
    taken: &mut [bool],
    result: &mut RunMatch,
) {
    if pipeline.task(task).children.is_empty() || job.steps.is_empty() {
        return;
    }
    let names = step_names(pipeline, task);
    for (s, step) in job.steps.iter().enumerate() {
        match names.take(&step.name, taken) {
            Some(t) => result.steps.push((j, s, t)),
            None if is_runner_step(&step.name) => {}
            None => result.unmatched_steps.push((j, s)),
        }
    }
}

/// The name most like `name`, when one is alike enough to be a likely intent: spelt alike, or
/// one holding the other (`unit-tests` and `test`).
pub fn closest(name: &str, names: &[&str]) -> Option<String> {
    let target = loose(name);
    let score = |n: &str| {
        let other = loose(n);
        let holds = other.len() >= 3
            && target.len() >= 3
            && (target.contains(&other) || other.contains(&target));
        if holds { 1.0 } else { strsim::jaro_winkler(&target, &other) }
    };
    names
        .iter()
        .map(|n| (score(n), *n))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.len().cmp(&a.1.len())).then(b.1.cmp(a.1)))
        .map(|(_, n)| n.to_string())
}
