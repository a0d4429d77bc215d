//! `needs` and the stage order linked into dependencies once every job is a task. A job with
//! `needs` waits for those jobs only (`needs: []` for none); a job without waits for every
//! blocking job of the earlier stages (so an empty stage lets nothing start early).

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::dialect::ci;
use crate::lint::rules::{duplicate_needs, needs_later_stage, unknown_needs};
use crate::model::{DepKind, Dependency, Format, Note, Pipeline, TaskIdx};
use crate::span::Span;

use super::job::Job;
use super::needs::Need;
use super::parallel::MatrixValue;
use super::stages::Stages;

const GITLAB: Format = Format::GitlabCi;

/// A dependency to add to every task of a job.
struct Target {
    task: TaskIdx,
    name: String,
    span: Span,
    kind: DepKind,
}

/// Links every job to what it waits for: its `needs` where written, else the stage order.
/// `tasks` holds each job's tasks, one per instance.
pub fn link(
    pipeline: &mut Pipeline,
    jobs: &[Job],
    tasks: &[Vec<TaskIdx>],
    stages: &Stages,
    elsewhere: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let stage_waits = stage_waits(stages, jobs, tasks);
    let linker = Linker::new(jobs, tasks, stages, elsewhere);
    let mut additions: Vec<(usize, Target)> = Vec::new();
    let mut notes: Vec<(usize, Note)> = Vec::new();
    for (j, job) in jobs.iter().enumerate() {
        let targets = match &job.needs {
            Some(needs) => {
                let mut job_notes = Vec::new();
                let targets = linker.needed(job, needs, &mut job_notes, out);
                notes.extend(job_notes.into_iter().map(|n| (j, n)));
                targets
            }
            None => stage_waits[job.stage]
                .iter()
                .map(|&task| Target {
                    task,
                    name: pipeline.task(task).id.clone(),
                    span: job.key_span,
                    kind: DepKind::Sequence,
                })
                .collect(),
        };
        additions.extend(targets.into_iter().map(|t| (j, t)));
    }
    for (j, target) in additions {
        for &task in &tasks[j] {
            pipeline.tasks[task.index()].deps.push(Dependency {
                target: Some(target.task),
                name: target.name.clone(),
                kind: target.kind,
                span: target.span,
            });
        }
    }
    for (j, note) in notes {
        for &task in &tasks[j] {
            pipeline.tasks[task.index()].notes.push(note.clone());
        }
    }
}

/// Finds the jobs `needs` name.
struct Linker<'a> {
    jobs: &'a [Job],
    tasks: &'a [Vec<TaskIdx>],
    stages: &'a Stages,
    elsewhere: Option<&'a str>,
    by_name: HashMap<&'a str, usize>,
    /// Instances of `parallel` jobs by the name GitLab gives them (`rspec 1/3`): job and
    /// instance.
    by_instance: HashMap<&'a str, (usize, usize)>,
    /// Job names, for "did you mean".
    known: Vec<&'a str>,
}

impl<'a> Linker<'a> {
    fn new(
        jobs: &'a [Job],
        tasks: &'a [Vec<TaskIdx>],
        stages: &'a Stages,
        elsewhere: Option<&'a str>,
    ) -> Linker<'a> {
        let mut by_name = HashMap::new();
        let mut by_instance = HashMap::new();
        for (j, job) in jobs.iter().enumerate() {
            by_name.entry(job.name.as_str()).or_insert(j);
            for (i, instance) in job.instances.iter().enumerate() {
                if instance.name != job.name {
                    by_instance.entry(instance.name.as_str()).or_insert((j, i));
                }
            }
        }
        let known = jobs.iter().map(|j| j.name.as_str()).collect();
        Linker { jobs, tasks, stages, elsewhere, by_name, by_instance, known }
    }

    /// The tasks a job's `needs` name; an optional need of no job becomes a note.
    fn needed(
        &self,
        job: &Job,
        needs: &[Need],
        notes: &mut Vec<Note>,
        out: &mut Vec<Diagnostic>,
    ) -> Vec<Target> {
        let mut targets = Vec::new();
        let mut first_listed: HashMap<&str, Span> = HashMap::new();
        for need in needs {
            if need.matrix.is_none() {
                if let Some(&first) = first_listed.get(need.name.as_str()) {
                    let (name, span) = (&need.name, need.span);
                    out.push(duplicate_needs::diagnostic(GITLAB, &job.name, name, span, first));
                    continue;
                }
                first_listed.insert(&need.name, need.span);
            }
            let Some((k, only)) = self.find(&need.name) else {
                if need.optional {
                    let text =
                        format!("`{}` (optional) is not in this pipeline; ignored", need.name);
                    notes.push(ci::note_text("needs", text, need.span));
                } else {
                    out.push(unknown_needs::diagnostic(
                        GITLAB,
                        &job.name,
                        (&need.name, need.span),
                        self.elsewhere,
                        &self.known,
                    ));
                }
                continue;
            };
            self.check_stage_order(job, need, &self.jobs[k], out);
            let before = targets.len();
            targets.extend(self.instances(need, k, only));
            if targets.len() == before && need.matrix.is_some() {
                out.push(unknown_needs::unmatched_matrix(&job.name, &need.name, need.span));
            }
        }
        targets
    }

    /// The job a name means, and the one instance when it names an instance.
    fn find(&self, name: &str) -> Option<(usize, Option<usize>)> {
        match self.by_name.get(name) {
            Some(&k) => Some((k, None)),
            None => self.by_instance.get(name).map(|&(k, i)| (k, Some(i))),
        }
    }

    /// GitLab rejects a need of a job in a later stage (when both stages have a certain place).
    fn check_stage_order(&self, job: &Job, need: &Need, target: &Job, out: &mut Vec<Diagnostic>) {
        let stages = self.stages;
        if target.stage > job.stage
            && stages.is_declared(target.stage)
            && stages.is_declared(job.stage)
        {
            out.push(needs_later_stage::diagnostic(
                need.span,
                (&job.name, stages.name(job.stage)),
                (&target.name, stages.name(target.stage)),
                target.key_span,
            ));
        }
    }

    /// The tasks of job `k` that a need means: all, the one it names, or those its matrix
    /// picks.
    fn instances(&self, need: &Need, k: usize, only: Option<usize>) -> Vec<Target> {
        let target = &self.jobs[k];
        target
            .instances
            .iter()
            .zip(&self.tasks[k])
            .enumerate()
            .filter(|&(i, (instance, _))| {
                only.is_none_or(|o| o == i)
                    && need.matrix.as_ref().is_none_or(|m| picks(m, &instance.vars))
            })
            .map(|(_, (_, &task))| Target {
                task,
                name: need.name.clone(),
                span: need.span,
                kind: DepKind::Needs,
            })
            .collect()
    }
}

/// Whether one of the combinations of a `needs: parallel: matrix:` has the instance's values.
fn picks(matrix: &[Vec<MatrixValue>], vars: &[(String, String)]) -> bool {
    matrix.iter().any(|combination| {
        combination.iter().all(|v| vars.iter().any(|(n, x)| *n == v.name && *x == v.value))
    })
}

/// What a job without `needs` waits for, by stage: every blocking task of the earlier
/// stages (`tasks` holds each job's tasks). Waiting for the blocking jobs of the stage
/// just before, and for what one of them without `needs` does not already wait for, is
/// the same in time and keeps the number of dependencies linear in the usual case.
fn stage_waits(stages: &Stages, jobs: &[Job], tasks: &[Vec<TaskIdx>]) -> Vec<Vec<TaskIdx>> {
    let mut waits: Vec<Vec<TaskIdx>> = vec![Vec::new(); stages.len()];
    for stage in 1..stages.len() {
        let before = stage - 1;
        let blocking: Vec<usize> = (0..jobs.len())
            .filter(|&j| jobs[j].stage == before && jobs[j].settings.blocking)
            .collect();
        let mut wait = if blocking.iter().any(|&j| jobs[j].needs.is_none()) {
            Vec::new()
        } else {
            waits[before].clone()
        };
        wait.extend(blocking.iter().flat_map(|&j| tasks[j].iter().copied()));
        waits[stage] = wait;
    }
    waits
}
