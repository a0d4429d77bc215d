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

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use super::{JobRecord, Run, Source};
use crate::model::{Pipeline, TaskIdx};

/// The tasks each name may stand for, in file order.
struct Names {
    exact: HashMap<String, Vec<TaskIdx>>,
    /// The same by [`loose`] name, made on the first name that is not exact: most runs match
    /// exactly, and a loose key per name of a large pipeline costs as much as the match.
    loose: OnceCell<HashMap<String, Vec<TaskIdx>>>,
}

impl Names {
    fn new() -> Names {
        Names { exact: HashMap::new(), loose: OnceCell::new() }
    }

    fn insert(&mut self, name: &str, task: TaskIdx) {
        let tasks = self.exact.entry(name.to_string()).or_default();
        if !tasks.contains(&task) {
            tasks.push(task);
        }
    }

    fn loose(&self) -> &HashMap<String, Vec<TaskIdx>> {
        self.loose.get_or_init(|| {
            let mut loose: HashMap<String, Vec<TaskIdx>> = HashMap::new();
            for (name, tasks) in &self.exact {
                loose.entry(self::loose(name)).or_default().extend(tasks);
            }
            // Tasks were added in file order; names merged here come back to it.
            for tasks in loose.values_mut() {
                tasks.sort_unstable();
                tasks.dedup();
            }
            loose
        })
    }

    /// The first task named `name` that is not taken yet.
    fn take(&self, name: &str, taken: &mut [bool]) -> Option<TaskIdx> {
        let pick = |tasks: Option<&Vec<TaskIdx>>, taken: &mut [bool]| {
            let t = *tasks?.iter().find(|t| !taken[t.index()])?;
            taken[t.index()] = true;
            Some(t)
        };
        pick(self.exact.get(name), taken).or_else(|| pick(self.loose().get(&loose(name)), taken))
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

/// The names a job task goes by in runs. A CSV may name any task by its full id (a step of
/// the own format: `verify/smoke`); GitHub and GitLab name only jobs, which are top-level.
fn job_names(pipeline: &Pipeline, full_ids_of_all: bool) -> Names {
    let mut in_matrix = vec![false; pipeline.tasks.len()];
    for m in &pipeline.matrices {
        for t in &m.members {
            in_matrix[t.index()] = true;
        }
    }
    let mut names = Names::new();
    for (i, task) in pipeline.tasks.iter().enumerate() {
        let t = TaskIdx(i as u32);
        if task.parent.is_some() {
            if full_ids_of_all {
                names.insert(&task.id, t);
            }
            continue;
        }
        names.insert(&task.id, t);
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

/// Matches runs to one pipeline, making its names once for all the runs.
pub struct Matcher<'p> {
    pipeline: &'p Pipeline,
    /// The names of jobs, for GitHub and GitLab runs.
    jobs: OnceCell<Names>,
    /// Those and the full ids of every task, for CSVs.
    all: OnceCell<Names>,
    /// Their names for "the closest is …", made when first needed.
    known_jobs: OnceCell<KnownNames>,
    known_all: OnceCell<KnownNames>,
    /// The names of each matched job's steps.
    steps: RefCell<HashMap<TaskIdx, Names>>,
}

impl<'p> Matcher<'p> {
    pub fn new(pipeline: &'p Pipeline) -> Matcher<'p> {
        Matcher {
            pipeline,
            jobs: OnceCell::new(),
            all: OnceCell::new(),
            known_jobs: OnceCell::new(),
            known_all: OnceCell::new(),
            steps: RefCell::new(HashMap::new()),
        }
    }

    fn names(&self, source: Source) -> &Names {
        if source == Source::Csv {
            self.all.get_or_init(|| job_names(self.pipeline, true))
        } else {
            self.jobs.get_or_init(|| job_names(self.pipeline, false))
        }
    }

    /// Pairs the jobs (and steps) of `run` with tasks of the pipeline.
    pub fn run(&self, run: &Run) -> RunMatch {
        let names = self.names(run.source);
        let mut taken = vec![false; self.pipeline.tasks.len()];
        let mut result = RunMatch::default();
        for (j, job) in run.jobs.iter().enumerate() {
            match names.take(&job.name, &mut taken) {
                Some(task) => {
                    result.jobs.push((j, task));
                    self.match_steps(task, j, job, &mut taken, &mut result);
                }
                None => result.unmatched_jobs.push(j),
            }
        }
        result
    }

    /// Every name a job goes by in runs of this kind, for "the closest is …".
    pub fn known_names(&self, source: Source) -> &KnownNames {
        let cell = if source == Source::Csv { &self.known_all } else { &self.known_jobs };
        cell.get_or_init(|| {
            let mut names: Vec<String> = self.names(source).exact.keys().cloned().collect();
            names.sort();
            let loose = names.iter().map(|n| loose(n)).collect();
            KnownNames { names, loose }
        })
    }
}

/// Names, with their [`loose`] forms made once for the many comparisons of [`closest`].
pub struct KnownNames {
    names: Vec<String>,
    loose: Vec<String>,
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

impl Matcher<'_> {
    fn match_steps(
        &self,
        task: TaskIdx,
        j: usize,
        job: &JobRecord,
        taken: &mut [bool],
        result: &mut RunMatch,
    ) {
        if self.pipeline.task(task).children.is_empty() || job.steps.is_empty() {
            return;
        }
        // The same job recurs in every run: its step names are made once.
        let mut cache = self.steps.borrow_mut();
        let names = cache.entry(task).or_insert_with(|| step_names(self.pipeline, task));
        for (s, step) in job.steps.iter().enumerate() {
            match names.take(&step.name, taken) {
                Some(t) => result.steps.push((j, s, t)),
                None if is_runner_step(&step.name) => {}
                None => result.unmatched_steps.push((j, s)),
            }
        }
    }
}

/// The name most like `name`, when one is alike enough to be a likely intent: spelt alike, or
/// one holding the other (`unit-tests` and `test`).
pub fn closest<'a>(name: &str, known: &'a KnownNames) -> Option<&'a str> {
    let target = loose(name);
    let score = |other: &str| {
        let holds = other.len() >= 3
            && target.len() >= 3
            && (target.contains(other) || other.contains(&target));
        if holds { 1.0 } else { strsim::jaro_winkler(&target, other) }
    };
    known
        .names
        .iter()
        .zip(&known.loose)
        .map(|(n, l)| (score(l), n.as_str()))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.len().cmp(&a.1.len())).then(b.1.cmp(a.1)))
        .map(|(_, n)| n)
}
