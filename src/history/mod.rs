//! Past runs: the job timings the CI systems export, read by content, grouped into runs and
//! matched to the tasks of a pipeline by the names the CI systems give them, so that the
//! timeline's durations are what really happened rather than guesses.
//!
//! `read` turns a file into [`Run`]s; [`History`] merges the pages of one run and keeps the
//! runs; `matching` pairs a run's jobs and steps with the pipeline's tasks; `learn` turns the
//! matched runs into durations (one run: fixed; several: the samples a forecast resamples and
//! whose median a simulation uses) and says what matched nothing; `pickup` learns how long
//! jobs waited for a runner, beyond what the simulation models itself; `compare` puts a prediction
//! beside the run it was made from.

mod compare;
mod learn;
mod matching;
mod pickup;
mod read;
pub mod store;
pub mod time;

pub use compare::{CompareError, Comparison, JobComparison, MakespanError, Unmatched, compare};
pub use learn::{Learned, learn};
pub use read::{ReadError, read};

use crate::duration::Millis;

/// Which export a run came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// GitHub's REST "list jobs for a workflow run".
    GithubRest,
    /// `gh run view RUN --json jobs`: no creation times, labels or step times.
    GhCli,
    /// GitLab's REST "list pipeline jobs".
    Gitlab,
    /// A CSV `job,duration[,queued]`.
    Csv,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::GithubRest => "GitHub REST",
            Source::GhCli => "gh run view",
            Source::Gitlab => "GitLab REST",
            Source::Csv => "CSV",
        }
    }
}

/// How a job or step of a past run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    Succeeded,
    Failed,
    Cancelled,
    Skipped,
    /// Queued, waiting, or created but never picked up.
    NeverStarted,
    /// Still running when the file was saved.
    Unfinished,
}

impl JobOutcome {
    /// It ran to an end, so its time is a duration (a failed job's time is real time too).
    pub fn ran(self) -> bool {
        matches!(self, JobOutcome::Succeeded | JobOutcome::Failed)
    }

    pub fn name(self) -> &'static str {
        match self {
            JobOutcome::Succeeded => "succeeded",
            JobOutcome::Failed => "failed",
            JobOutcome::Cancelled => "cancelled",
            JobOutcome::Skipped => "skipped",
            JobOutcome::NeverStarted => "never started",
            JobOutcome::Unfinished => "unfinished",
        }
    }
}

/// One job of a past run. Times are milliseconds since 1970; absent when the export has none.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    /// The name the CI system shows ("test (ubuntu-latest, 3.11)", "rspec 1/4").
    pub name: String,
    /// GitLab's stage.
    pub stage: Option<String>,
    pub outcome: JobOutcome,
    /// When it was created: on GitHub, when its needs were done.
    pub created: Option<i64>,
    pub started: Option<i64>,
    pub finished: Option<i64>,
    pub duration: Option<Millis>,
    /// How long it waited for a runner (GitLab's `queued_duration`, a CSV's third column).
    pub queued: Option<Millis>,
    /// Runner labels (GitHub) or tags (GitLab).
    pub labels: Vec<String>,
    /// GitHub's steps, the runner's own ("Set up job", "Complete job", "Post …") included.
    pub steps: Vec<StepRecord>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    pub name: String,
    pub outcome: JobOutcome,
    pub started: Option<i64>,
    pub finished: Option<i64>,
}

impl StepRecord {
    /// When it started and ended, when both are known. An end before the start (GitHub
    /// writes such for the last steps of a job, seconds apart) is taken as the start.
    pub fn times(&self) -> Option<(i64, i64)> {
        let (started, finished) = (self.started?, self.finished?);
        Some((started, finished.max(started)))
    }

    pub fn duration(&self) -> Option<Millis> {
        elapsed(self.started, self.finished)
    }
}

/// The time between two stamps, when both are known and in order.
fn elapsed(from: Option<i64>, to: Option<i64>) -> Option<Millis> {
    let (from, to) = (from?, to?);
    (to >= from).then(|| Millis((to - from) as u64))
}

/// The jobs of one run of a pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub source: Source,
    /// GitHub's run id and attempt, or GitLab's pipeline id; `None` when the export has
    /// neither (a CSV, a `gh` file without job URLs): such a file is a run of its own.
    pub key: Option<String>,
    pub jobs: Vec<JobRecord>,
}

impl Run {
    /// How the run is named in messages: "run 123 attempt 1" or "run 2 (CSV)".
    pub fn label(&self, position: usize) -> String {
        match &self.key {
            Some(key) => format!("run {key} ({})", self.source.name()),
            None => format!("run {} ({})", position + 1, self.source.name()),
        }
    }
}

/// The past runs the user imported, merged by run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub runs: Vec<Run>,
}

impl History {
    /// Adds the runs of one file. A run whose key is already here (a later page of the same
    /// run: the APIs give at most 100 jobs a page) gets the new jobs; a job already there by
    /// name, times and outcome (the same page imported twice) is not counted twice.
    pub fn add(&mut self, runs: Vec<Run>) {
        for run in runs {
            let same = |r: &&mut Run| r.key.is_some() && r.key == run.key && r.source == run.source;
            match self.runs.iter_mut().find(same) {
                Some(existing) => {
                    for job in run.jobs {
                        if !existing.jobs.contains(&job) {
                            existing.jobs.push(job);
                        }
                    }
                }
                None => self.runs.push(run),
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Jobs over all runs.
    pub fn job_count(&self) -> usize {
        self.runs.iter().map(|r| r.jobs.len()).sum()
    }
}
