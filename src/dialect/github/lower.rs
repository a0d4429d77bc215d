//! The intermediate form lowered into the model: each job instance a task (a group of its
//! steps, which run in sequence), `needs` dependencies on every instance of the jobs named,
//! and runner pools, the plan's limits on GitHub-hosted runners, concurrency groups and
//! `max-parallel` caps as resources.

use crate::diagnostic::Diagnostic;
use crate::dialect::ci::{self, Pools};
use crate::duration::{DurationSpec, Millis};
use crate::lint::rules::runner_capacity_assumed;
use crate::model;
use crate::model::{
    Demand, DepKind, Dependency, DurationSource, GithubPlan, GroupMember, HostedPlan, Inputs,
    Pipeline, ResourceKind, Task, TaskIdx, TaskKind,
};
use crate::span::Span;

use super::form::{Group, Instance, Job, Runner, Step, Work, Workflow};
use super::{matrix, resources};

/// Builds the model of `workflow` into `pipeline`. Creating a runner pool whose size nobody
/// gave, or the first job on a GitHub-hosted runner when nobody gave the plan, is said in
/// `out`; everything else about the text was said while reading.
pub fn lower(
    workflow: &Workflow,
    inputs: &Inputs,
    pipeline: &mut Pipeline,
    out: &mut Vec<Diagnostic>,
) {
    pipeline.name.clone_from(&workflow.name);
    let mut lowering = Lowering {
        pipeline,
        pools: Pools::new(inputs),
        plan: inputs.plan,
        out,
        grouped: Vec::new(),
    };
    let instances: Vec<Vec<TaskIdx>> = workflow.jobs.iter().map(|job| lowering.job(job)).collect();
    lowering.needs(&workflow.jobs, &instances);
    for (task, group) in std::mem::take(&mut lowering.grouped) {
        let member = GroupMember { task, span: group.span, stage: None };
        lowering.pipeline.add_to_exclusion_group(&group.name, member);
    }
}

struct Lowering<'a, 'i> {
    pipeline: &'a mut Pipeline,
    pools: Pools<'i>,
    /// The plan the user gave, if any.
    plan: Option<GithubPlan>,
    out: &'a mut Vec<Diagnostic>,
    /// The instances in a concurrency group, in the order of the file.
    grouped: Vec<(TaskIdx, Group)>,
}

impl Lowering<'_, '_> {
    /// The tasks of a job's instances, and its matrix.
    fn job(&mut self, job: &Job) -> Vec<TaskIdx> {
        let tasks: Vec<TaskIdx> = job.instances.iter().map(|i| self.instance(job, i)).collect();
        if let Some(matrix) = job.matrix.as_ref().filter(|_| !tasks.is_empty()) {
            let mut matrix = matrix.clone();
            matrix.members = tasks.clone();
            self.pipeline.matrices.push(matrix);
        }
        tasks
    }

    /// One instance: a task with the job's settings and the instance's resources, and its steps.
    fn instance(&mut self, job: &Job, instance: &Instance) -> TaskIdx {
        let mut notes = job.notes.clone();
        notes.extend(instance.notes.iter().cloned());
        let mut demands = Vec::new();
        if let Some((n, span)) = job.max_parallel {
            let kind = ResourceKind::Parallelism;
            demands.push(ci::exclusive(self.pipeline, &job.key, kind, n, span));
        }
        if let Some(group) = &instance.group {
            let kind = ResourceKind::Concurrency;
            demands.push(ci::exclusive(self.pipeline, &group.name, kind, 1, group.span));
        }
        let runner_labels = match &instance.runner {
            Some(Runner::Pool { labels, span }) => {
                let demand = self.pools.demand(self.pipeline, labels, *span, "jobs", self.out);
                let text = format!("runner pool `{}`", demand.name);
                notes.push(ci::note_text("runs-on", text, *span));
                demands.push(demand);
                Some(labels.clone())
            }
            Some(Runner::Hosted { macos, labels, span }) => {
                demands.extend(self.hosted(*macos, *span));
                Some(labels.clone()).filter(|l| !l.is_empty())
            }
            None => None,
        };
        let estimate = model::estimated_duration(job.timeout);
        let mut task = job.semantics.apply(Task {
            name: instance.label.clone(),
            duration: DurationSpec::Fixed(estimate),
            duration_source: DurationSource::Estimated,
            demands,
            runner_labels,
            span: job.span,
            id_span: job.key_span,
            notes,
            ..Task::new(instance.id.clone(), instance.id.clone(), TaskKind::Job)
        });
        if let Some(allow) = &instance.allow {
            task.failure.allow = allow.clone();
        }
        let idx = self.pipeline.add_task(task);
        if let Some(group) = &instance.group {
            self.grouped.push((idx, group.clone()));
        }
        if let Work::Steps(steps) = &job.work {
            self.steps(idx, instance, steps, job.timeout);
        }
        idx
    }

    /// A job on a GitHub-hosted runner holds one of the jobs the plan lets run at once, and on
    /// macOS one of the macOS jobs too. The first one sets the plan of the pipeline and, when
    /// nobody gave it, says so.
    fn hosted(&mut self, macos: bool, span: Span) -> Vec<Demand> {
        let plan = self.plan.unwrap_or(GithubPlan::ASSUMED);
        if self.pipeline.hosted_plan.is_none() {
            let assumed = self.plan.is_none();
            self.pipeline.hosted_plan = Some(HostedPlan { plan, assumed });
            if assumed {
                self.out.push(runner_capacity_assumed::hosted_plan(span, plan));
            }
        }
        let mut demands = vec![ci::exclusive(
            self.pipeline,
            &resources::hosted_runners(plan),
            ResourceKind::Pool,
            plan.concurrent_jobs(),
            span,
        )];
        if macos {
            demands.push(ci::exclusive(
                self.pipeline,
                &resources::hosted_macos_runners(plan),
                ResourceKind::Pool,
                plan.concurrent_macos_jobs(),
                span,
            ));
        }
        demands
    }

    /// The steps of one instance, in sequence; the job then lasts as long as they do.
    fn steps(
        &mut self,
        job: TaskIdx,
        instance: &Instance,
        steps: &[Step],
        timeout: Option<Millis>,
    ) {
        let job_id = &instance.id;
        let lookup = |e: &str| matrix::lookup(&instance.matrix, e);
        let mut created: Vec<TaskIdx> = Vec::new();
        for step in steps {
            let deps = created
                .last()
                .map(|&p| Dependency {
                    target: Some(p),
                    name: self.pipeline.task(p).id.clone(),
                    kind: DepKind::Sequence,
                    span: step.header,
                })
                .into_iter()
                .collect();
            let id = format!("{job_id}/{}", step.local_id);
            let name = match &step.name {
                Some(n) if !instance.matrix.is_empty() && n.contains("matrix.") => {
                    Some(ci::substitute_expressions(n, &lookup).0)
                }
                other => other.clone(),
            };
            created.push(self.pipeline.add_task(step.semantics.apply(Task {
                name,
                parent: Some(job),
                duration: DurationSpec::Fixed(step.duration),
                duration_source: DurationSource::Estimated,
                deps,
                span: step.span,
                id_span: step.id_span,
                notes: step.notes.clone(),
                ..Task::new(id, step.local_id.clone(), TaskKind::Step)
            })));
        }
        if created.is_empty() {
            return;
        }
        let task = &mut self.pipeline.tasks[job.index()];
        task.duration = DurationSpec::Fixed(Millis::ZERO);
        task.duration_source = DurationSource::Children;
        if let Some(limit) = timeout {
            self.bound(&created, limit);
        }
    }

    /// The timeout bounds the job: estimated steps that would outlast it are shortened.
    fn bound(&mut self, steps: &[TaskIdx], limit: Millis) {
        let total: u64 = steps.iter().map(|&s| self.pipeline.task(s).duration.nominal().0).sum();
        if total <= limit.0 {
            return;
        }
        let each = Millis(limit.0 / steps.len() as u64);
        for &s in steps {
            let step = &mut self.pipeline.tasks[s.index()];
            step.duration = DurationSpec::Fixed(step.duration.nominal().min(each));
        }
    }

    /// Each `needs` makes every instance of the job wait for every instance of the job named.
    fn needs(&mut self, jobs: &[Job], instances: &[Vec<TaskIdx>]) {
        for (job, tasks) in jobs.iter().zip(instances) {
            for need in &job.needs {
                let Some(target) = need.job else { continue };
                for &task in tasks {
                    for &t in &instances[target] {
                        self.pipeline.tasks[task.index()].deps.push(Dependency {
                            target: Some(t),
                            name: need.name.clone(),
                            kind: DepKind::Needs,
                            span: need.span,
                        });
                    }
                }
            }
        }
    }
}
