//! The read jobs lowered into the model: each instance of a job becomes a task with its
//! settings, its `resource_group` (a resource of one unit) and its runner pool (by tags);
//! a `parallel` job's instances form a matrix group; then `needs` and the stage order become
//! dependencies.

use crate::diagnostic::Diagnostic;
use crate::dialect::ci::{self, Pools};
use crate::duration::DurationSpec;
use crate::lint::rules::runtime_value::RUNTIME_VALUE;
use crate::model::{
    self, Demand, DurationSource, Inputs, MatrixGroup, Note, Pipeline, ResourceKind, Task, TaskIdx,
    TaskKind,
};
use crate::span::Span;

use super::config::Config;
use super::findings;
use super::job::Job;
use super::parallel::Instance;
use super::vars::{Variables, expand};
use super::{is_gitlab_hosted, link};

/// Builds the pipeline of a read configuration.
pub fn lower(config: Config, inputs: &Inputs, pipeline: &mut Pipeline, out: &mut Vec<Diagnostic>) {
    pipeline.name = config.name;
    pipeline.conditions = config.conditions;
    let mut lowering = Lowering {
        pipeline,
        pools: Pools::new(inputs),
        globals: &config.variables,
        groups: Vec::new(),
        unknown_runner: None,
    };
    let tasks: Vec<Vec<TaskIdx>> = config
        .jobs
        .iter()
        .map(|job| lowering.job(job, config.stages.name(job.stage), out))
        .collect();
    let groups = lowering.groups;
    if let Some((tags, span, jobs)) = lowering.unknown_runner {
        out.push(unknown_runner(&tags, span, jobs));
    }
    link::link(pipeline, &config.jobs, &tasks, &config.stages, config.elsewhere, out);
    record_groups(pipeline, groups);
    findings::manual_jobs(config.jobs.iter().filter_map(|j| j.settings.gate.as_ref()), out);
}

struct Lowering<'p, 'i, 'c> {
    pipeline: &'p mut Pipeline,
    pools: Pools<'i>,
    /// The file's `variables:`, the last scope of expansions.
    globals: &'c Variables,
    /// Every task in a `resource_group`, with its group.
    groups: Vec<GroupMember<'c>>,
    /// The first runner `tags` with a variable left unexpanded (said once for the file), and
    /// how many jobs have such tags.
    unknown_runner: Option<(String, Span, usize)>,
}

impl<'c> Lowering<'_, '_, 'c> {
    /// The tasks of one job, one per instance; `stage` names its stage.
    fn job(&mut self, job: &Job, stage: &'c str, out: &mut Vec<Diagnostic>) -> Vec<TaskIdx> {
        let mut tasks = Vec::new();
        for instance in &job.instances {
            let (task, group) = self.instance(job, instance, out);
            if let Some((group, span)) = group {
                self.groups.push(GroupMember { group, task, stage, span });
            }
            tasks.push(task);
        }
        if let Some(span) = job.parallel {
            // GitLab has no fail-fast: the other instances go on when one fails.
            self.pipeline.matrices.push(MatrixGroup {
                members: tasks.clone(),
                fail_fast: false,
                fail_fast_span: None,
                span,
            });
        }
        tasks
    }

    /// One instance's task and the `resource_group` it is in, with its variables expanded.
    fn instance(
        &mut self,
        job: &Job,
        instance: &Instance,
        out: &mut Vec<Diagnostic>,
    ) -> (TaskIdx, Option<(String, Span)>) {
        let scopes: [&[(String, String)]; 3] = [&instance.vars, &job.variables, self.globals];
        let mut notes = job.notes.clone();
        let mut demands: Vec<Demand> = Vec::new();
        let group = job.resource_group.as_ref().map(|(text, span)| (expand(text, &scopes), *span));
        if let Some((name, span)) = &group {
            notes.push(group_note(name, *span));
            let demand = ci::exclusive(self.pipeline, name, ResourceKind::Concurrency, 1, *span);
            demands.push(demand);
        }
        let labels: Vec<String> =
            job.tags.iter().map(|t| expand(t, &scopes)).filter(|t| !t.is_empty()).collect();
        let unexpanded = labels.iter().any(|t| t.contains('$'));
        if unexpanded {
            // A variable only the running pipeline sets (`$RUNNER_TAG`): which runners carry
            // the tags is unknown, so there is no pool to wait for.
            let shown = labels.join(", ");
            notes.push(ci::note_text(
                "tags",
                format!(
                    "`{shown}`: variables not expanded; the runner is unknown, taken as unlimited"
                ),
                job.tags_span,
            ));
            match &mut self.unknown_runner {
                Some((_, _, jobs)) => *jobs += 1,
                None => self.unknown_runner = Some((shown, job.tags_span, 1)),
            }
        } else if !labels.is_empty() && !labels.iter().all(|t| is_gitlab_hosted(t)) {
            let demand = self.pools.demand(self.pipeline, &labels, job.tags_span, "jobs", out);
            notes.push(pool_note(&demand.name, job.tags_span));
            demands.push(demand);
        }
        let duration = model::estimated_duration(job.timeout);
        let task = self.pipeline.add_task(job.settings.apply(Task {
            name: (instance.name != instance.id).then(|| instance.name.clone()),
            duration: DurationSpec::Fixed(duration),
            duration_source: DurationSource::Estimated,
            demands,
            runner_labels: (!unexpanded).then_some(labels),
            span: job.span,
            id_span: job.key_span,
            notes,
            ..Task::new(instance.id.clone(), instance.id.clone(), TaskKind::Job)
        }));
        (task, group)
    }
}

fn group_note(name: &str, span: Span) -> Note {
    let text = if name.contains('$') {
        format!(
            "`{name}`: variables GitLab sets while the pipeline runs are not expanded; jobs \
             share the group when this text is the same"
        )
    } else {
        format!("`{name}`: one job of the group runs at a time")
    };
    ci::note_text("resource_group", text, span)
}

/// Runner tags that stay variables: no pool, said once for the file.
fn unknown_runner(tags: &str, span: Span, jobs: usize) -> Diagnostic {
    let others = match jobs {
        1 => String::new(),
        2 => " (and those of 1 other job)".to_string(),
        n => format!(" (and those of {} other jobs)", n - 1),
    };
    Diagnostic::new(
        &RUNTIME_VALUE,
        span,
        format!(
            "runner tags `{tags}`{others} hold variables only the running pipeline sets: which \
             runners carry them is unknown, so these jobs are taken to get a runner at once"
        ),
    )
    .with_help("to simulate a limit, write the tag the variable stands for")
}

fn pool_note(pool: &str, span: Span) -> Note {
    let text = if pool.contains('$') {
        format!("runner pool `{pool}` (variables not expanded)")
    } else {
        format!("runner pool `{pool}`")
    };
    ci::note_text("tags", text, span)
}

/// The `resource_group`s and their members, in file order, for lint (`serialized-group`).
fn record_groups(pipeline: &mut Pipeline, members: Vec<GroupMember>) {
    for member in members {
        let GroupMember { group, task, stage, span } = member;
        let member = model::GroupMember { task, span, stage: Some(stage.to_string()) };
        pipeline.add_to_exclusion_group(&group, member);
    }
}

/// A task in a `resource_group`.
struct GroupMember<'a> {
    /// The group, with variables expanded.
    group: String,
    task: TaskIdx,
    /// The name of its job's stage.
    stage: &'a str,
    /// Where the group is written.
    span: Span,
}
