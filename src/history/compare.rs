//! A prediction beside what happened: the pipeline simulated with the durations of one past
//! run, and that run's own times, job by job, with the errors (`pipescope compare`).
//!
//! Times are seconds from the run's first job creation (or first start, when the export has
//! no creation times), as `simulate --format json` counts from the pipeline's start.

use serde::Serialize;

use super::matching::Matcher;
use super::{JobOutcome, Run};
use crate::duration::Millis;
use crate::model::Pipeline;
use crate::sim::Schedule;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Of the jobs that finished in the run, when some were still running as it was saved.
    pub makespan: MakespanError,
    /// Jobs the run had not finished when it was saved.
    pub unfinished: usize,
    pub jobs: Vec<JobComparison>,
    pub unmatched: Unmatched,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MakespanError {
    pub predicted: Millis,
    pub actual: Millis,
    /// (predicted − actual) / actual × 100; 0 when the run took no time.
    pub error_pct: f64,
}

/// One job of the file matched to one of the run. A time the run lacks (a job that was
/// skipped or never started) is `None`, and so is its error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobComparison {
    pub id: String,
    pub run_name: String,
    pub predicted_start: Option<Millis>,
    pub actual_start: Option<Millis>,
    pub predicted_end: Option<Millis>,
    pub actual_end: Option<Millis>,
    /// Predicted − actual end, in seconds (negative: predicted too early).
    pub end_error: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmatched {
    /// Jobs of the run that match no job of the file.
    pub run: Vec<String>,
    /// Jobs of the file that match no job of the run.
    pub file: Vec<String>,
}

/// Why a run cannot be compared.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareError(pub String);

impl std::fmt::Display for CompareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Puts `schedule` (the pipeline simulated with `run`'s durations) beside `run`.
pub fn compare(
    pipeline: &Pipeline,
    schedule: &Schedule,
    run: &Run,
) -> Result<Comparison, CompareError> {
    let origin =
        run.jobs.iter().filter_map(|j| j.created.or(j.started)).min().ok_or_else(|| {
            CompareError(format!(
                "the run ({}) has durations but no times of day: a comparison needs when each \
                 job started and ended (the JSON of GitHub or GitLab)",
                run.source.name()
            ))
        })?;
    let at = |t: Option<i64>| t.map(|t| Millis((t - origin).max(0) as u64));
    let m = Matcher::new(pipeline).run(run);
    let mut matched = vec![false; pipeline.tasks.len()];
    let mut jobs = Vec::new();
    for &(j, task) in &m.jobs {
        matched[task.index()] = true;
        let job = &run.jobs[j];
        let timing = schedule.timing(task);
        let ran = job.outcome.ran();
        let actual_start = at(job.started.filter(|_| ran));
        let actual_end = at(job.finished.filter(|_| ran));
        let end_error = timing.end.zip(actual_end).map(|(p, a)| (p.0 as f64 - a.0 as f64) / 1000.0);
        jobs.push(JobComparison {
            id: pipeline.task(task).id.clone(),
            run_name: job.name.clone(),
            predicted_start: timing.start,
            actual_start,
            predicted_end: timing.end,
            actual_end,
            end_error,
        });
    }
    let unfinished = run.jobs.iter().filter(|j| j.outcome == JobOutcome::Unfinished).count();
    let Some(actual) =
        run.jobs.iter().filter(|j| j.outcome.ran()).filter_map(|j| at(j.finished)).max()
    else {
        return Err(CompareError(format!(
            "no job of the run ({}) ran to its end{}: there is nothing to compare with",
            run.source.name(),
            if unfinished > 0 {
                format!(" ({unfinished} were still running when it was saved)")
            } else {
                String::new()
            }
        )));
    };
    // A run saved while it ran: the prediction up to the jobs that had ended, not the jobs
    // that had not.
    let predicted = if unfinished > 0 {
        jobs.iter().filter(|j| j.actual_end.is_some()).filter_map(|j| j.predicted_end).max()
    } else {
        None
    }
    .unwrap_or(schedule.makespan);
    let error_pct = if actual.0 == 0 {
        0.0
    } else {
        (predicted.0 as f64 - actual.0 as f64) / actual.0 as f64 * 100.0
    };
    let unmatched = Unmatched {
        run: m.unmatched_jobs.iter().map(|&j| run.jobs[j].name.clone()).collect(),
        file: pipeline
            .tasks
            .iter()
            .enumerate()
            .filter(|(i, t)| t.parent.is_none() && !matched[*i])
            .map(|(_, t)| t.id.clone())
            .collect(),
    };
    let makespan = MakespanError { predicted, actual, error_pct };
    Ok(Comparison { makespan, unfinished, jobs, unmatched })
}
