//! The intermediate form lowered into the model: blocks of steps started together, one task per
//! target of a step's roles in a rolling window, child actions one after another, and the typed
//! settings on the tasks that stand for them.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::Diagnostic;
use crate::duration::{DurationSpec, Millis};
use crate::lint::rules::{
    ignored_setting::IGNORED_SETTING, invalid_value::INVALID_VALUE, parallel_output_dependency,
    unknown_role,
};
use crate::model::{
    Condition, DEFAULT_DURATION, Demand, DurationSource, FailurePolicy, Format, Inputs,
    ParallelGroup, Pipeline, Resource, ResourceIdx, ResourceKind, Size, SizeKind, Task, TaskIdx,
    TaskKind,
};
use crate::span::Span;

use super::ir::{Action, Process, Step};
use super::semantics;
use super::{DEFAULT_MAX_PARALLELISM, DEFAULT_TARGETS_PER_ROLE, MAX_TARGETS_PER_ROLE};

struct Lowering<'i> {
    text: &'i str,
    pipeline: Pipeline,
    diagnostics: Vec<Diagnostic>,
    inputs: &'i Inputs,
    /// Target resources per role, created on first use.
    targets: HashMap<String, Vec<ResourceIdx>>,
}

pub fn lower(
    process: Process,
    inputs: &Inputs,
    diagnostics: Vec<Diagnostic>,
    text: &str,
) -> (Pipeline, Vec<Diagnostic>) {
    let mut l = Lowering {
        text,
        pipeline: Pipeline { format: Format::Octopus, ..Pipeline::default() },
        diagnostics,
        inputs,
        targets: HashMap::new(),
    };
    let blocks = l.blocks(&process);
    let steps_cap = process.max_parallelism.map_or(DEFAULT_MAX_PARALLELISM, |(n, _)| n);
    let largest = blocks.iter().map(Vec::len).max().unwrap_or(0);
    let steps_limit = (largest as u64 > u64::from(steps_cap)).then(|| {
        l.pipeline.add_resource(Resource {
            name: "steps at once (Octopus.Action.MaxParallelism)".into(),
            capacity: steps_cap,
            kind: ResourceKind::Parallelism,
            span: process.max_parallelism.map_or(Span::default(), |(_, s)| s),
        })
    });
    l.report_roles(&process);
    let mut previous: Vec<TaskIdx> = Vec::new();
    for block in &blocks {
        let mut members = Vec::new();
        for &s in block {
            members.push(l.step(&process.steps[s], &previous, steps_limit, steps_cap));
        }
        if members.len() > 1 {
            let span = process.steps[block[1]].with_previous.unwrap_or_default();
            l.pipeline.parallel_groups.push(ParallelGroup { members: members.clone(), span });
            l.output_dependencies(&process, block);
        }
        previous = members;
    }
    (l.pipeline, l.diagnostics)
}

impl Lowering<'_> {
    /// Groups the steps into blocks: a step and the `StartWithPrevious` steps after it.
    fn blocks(&mut self, process: &Process) -> Vec<Vec<usize>> {
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        for (i, step) in process.steps.iter().enumerate() {
            match (step.with_previous, blocks.last_mut()) {
                (Some(_), Some(block)) => block.push(i),
                (Some(span), None) => {
                    self.diagnostics.push(Diagnostic::new(
                        &IGNORED_SETTING,
                        span,
                        "the first step has no previous step to start with; it starts first anyway",
                    ));
                    blocks.push(vec![i]);
                }
                (None, _) => blocks.push(vec![i]),
            }
        }
        blocks
    }

    /// How many targets a role has: given, or assumed, and at most what is simulated.
    fn role_count(&self, role: &str) -> u32 {
        self.inputs
            .targets
            .get(role)
            .copied()
            .unwrap_or(DEFAULT_TARGETS_PER_ROLE)
            .min(MAX_TARGETS_PER_ROLE)
    }

    /// The roles whose number of targets was not given, was 0, or was too large, each at its
    /// first use.
    fn report_roles(&mut self, process: &Process) {
        let mut first_use: BTreeMap<&str, Vec<Span>> = BTreeMap::new();
        for step in &process.steps {
            for (role, span) in &step.roles {
                first_use.entry(role.as_str()).or_default().push(*span);
            }
        }
        let given: Vec<&str> = self.inputs.targets.keys().map(String::as_str).collect();
        for (role, spans) in first_use {
            match self.inputs.targets.get(role) {
                Some(0) => self.diagnostics.push(unknown_role::no_targets(spans[0], role)),
                Some(n) if *n > MAX_TARGETS_PER_ROLE => self.diagnostics.push(Diagnostic::new(&INVALID_VALUE, spans[0], format!("{n} targets with the role `{role}` are more than pipescope simulates; {MAX_TARGETS_PER_ROLE} are used"))),
                Some(_) => {}
                None => self.diagnostics.push(unknown_role::not_given(
                    spans[0],
                    role,
                    &given,
                    DEFAULT_TARGETS_PER_ROLE,
                )),
            }
        }
    }

    fn target_resources(&mut self, role: &str, span: Span) -> Vec<ResourceIdx> {
        if let Some(r) = self.targets.get(role) {
            return r.clone();
        }
        let count = self.role_count(role);
        self.pipeline.sizes.push(Size {
            kind: SizeKind::Targets,
            key: role.to_string(),
            count,
            assumed: !self.inputs.targets.contains_key(role),
        });
        let resources: Vec<ResourceIdx> = (1..=count)
            .map(|n| {
                self.pipeline.add_resource(Resource {
                    name: format!("{role}-{n}"),
                    capacity: 1,
                    kind: ResourceKind::Target,
                    span,
                })
            })
            .collect();
        self.targets.insert(role.to_string(), resources.clone());
        resources
    }

    fn add(&mut self, task: Task) -> TaskIdx {
        self.pipeline.add_task(task)
    }

    /// A step: one task, or a group of one task per target (and per child action).
    /// `project_window` is the project-level MaxParallelism, the window of steps that set none.
    fn step(
        &mut self,
        step: &Step,
        previous: &[TaskIdx],
        steps_limit: Option<ResourceIdx>,
        project_window: u32,
    ) -> TaskIdx {
        let mut demands = Vec::new();
        if let Some(r) = steps_limit {
            demands.push(Demand {
                resource: Some(r),
                name: self.pipeline.resource(r).name.clone(),
                amount: 1,
                span: step.id_span,
            });
        }
        // A step of one action carries the action's settings; one of several actions leaves
        // them to the actions' own tasks.
        let only = (step.actions.len() == 1).then(|| &step.actions[0]);
        let mut conditions: Vec<Condition> = step.run.variable.iter().cloned().collect();
        conditions.extend(step.scopes.iter().cloned());
        if let Some(action) = only {
            conditions.extend(action.run.variable.iter().cloned());
            conditions.extend(action.scopes.iter().cloned());
        }
        let single_leaf = step.roles.is_empty() && only.is_some();
        let (duration, source) = if single_leaf {
            action_duration(&step.actions[0])
        } else {
            (Millis::ZERO, DurationSource::Children)
        };
        let leaf_action = only.filter(|_| single_leaf);
        // The one action's run condition is the step's when the step sets none: the task
        // stands for both.
        let run = match only {
            Some(action) if step.run.span.is_none() && action.run.span.is_some() => &action.run,
            _ => &step.run,
        };
        let idx = self.add(Task {
            name: step.name.clone(),
            duration: DurationSpec::Fixed(duration),
            duration_source: source,
            deps: self.pipeline.sequence(previous, step.id_span),
            demands,
            span: step.span,
            id_span: step.id_span,
            when: run.when,
            when_span: run.span,
            conditions,
            gate: leaf_action.and_then(|a| a.manual).map(semantics::manual_gate),
            failure: leaf_action.map(retry_policy).unwrap_or_default(),
            notes: only.map(|a| a.notes.clone()).unwrap_or_default(),
            ..Task::new(step.id.clone(), step.id.clone(), TaskKind::Step)
        });
        if single_leaf {
            return idx;
        }
        if step.roles.is_empty() {
            // Child actions on the server or a worker: one after another.
            self.actions(step, idx, &step.id);
            return idx;
        }
        // One run per target of each role; the window caps how many at once.
        let mut targets: Vec<(String, ResourceIdx)> = Vec::new();
        for (role, span) in &step.roles {
            for (n, r) in self.target_resources(role, *span).into_iter().enumerate() {
                targets.push((format!("{role}-{}", n + 1), r));
            }
        }
        if targets.is_empty() {
            // No target runs the step, so no task stands for its actions: the step keeps what
            // they carry (a manual intervention, conditions, a disabled action) for the rules
            // and the notes.
            let gate = step.actions.iter().find_map(|a| a.manual).map(semantics::manual_gate);
            let task = &mut self.pipeline.tasks[idx.index()];
            task.duration_source = DurationSource::Default;
            task.gate = gate;
            if only.is_none() {
                for action in &step.actions {
                    task.conditions.extend(action.run.variable.iter().cloned());
                    task.conditions.extend(action.scopes.iter().cloned());
                    task.notes.extend(action.notes.iter().cloned());
                }
            }
            return idx;
        }
        let window_size = step.window.map_or(project_window, |(n, _)| n);
        let window = (targets.len() as u64 > u64::from(window_size)).then(|| {
            self.pipeline.add_resource(Resource {
                name: format!("{} window", step.id),
                capacity: window_size,
                kind: ResourceKind::Parallelism,
                span: step.window.map_or(step.id_span, |(_, s)| s),
            })
        });
        for (target, resource) in targets {
            let mut demands = vec![Demand {
                resource: Some(resource),
                name: self.pipeline.resource(resource).name.clone(),
                amount: 1,
                span: step.id_span,
            }];
            if let Some(w) = window {
                demands.push(Demand {
                    resource: Some(w),
                    name: self.pipeline.resource(w).name.clone(),
                    amount: 1,
                    span: step.window.map_or(step.id_span, |(_, s)| s),
                });
            }
            let path = format!("{}/{target}", step.id);
            let (duration, source, leaf) = if step.actions.len() == 1 {
                let (d, s) = action_duration(&step.actions[0]);
                (d, s, true)
            } else {
                (Millis::ZERO, DurationSource::Children, false)
            };
            let leaf_action = step.actions.first().filter(|_| leaf);
            let t = self.add(Task {
                name: Some(format!("{} on {target}", step.name.as_deref().unwrap_or(&step.id))),
                parent: Some(idx),
                duration: DurationSpec::Fixed(duration),
                duration_source: source,
                demands,
                span: step.span,
                id_span: step.id_span,
                gate: leaf_action.and_then(|a| a.manual).map(semantics::manual_gate),
                failure: leaf_action.map(retry_policy).unwrap_or_default(),
                ..Task::new(path.clone(), target.clone(), TaskKind::Step)
            });
            if !leaf {
                self.actions(step, t, &path);
            }
        }
        idx
    }

    /// The child actions of a step, one after another under `parent`.
    fn actions(&mut self, step: &Step, parent: TaskIdx, path: &str) {
        let mut previous: Vec<TaskIdx> = Vec::new();
        for action in &step.actions {
            let (duration, source) = action_duration(action);
            let mut conditions: Vec<Condition> = action.run.variable.iter().cloned().collect();
            conditions.extend(action.scopes.iter().cloned());
            let t = self.add(Task {
                name: action.name.clone(),
                parent: Some(parent),
                duration: DurationSpec::Fixed(duration),
                duration_source: source,
                deps: self.pipeline.sequence(&previous, action.id_span),
                span: action.span,
                id_span: action.id_span,
                when: action.run.when,
                when_span: action.run.span,
                conditions,
                gate: action.manual.map(semantics::manual_gate),
                failure: retry_policy(action),
                notes: action.notes.clone(),
                ..Task::new(format!("{path}/{}", action.id), action.id.clone(), TaskKind::Step)
            });
            previous = vec![t];
        }
    }

    /// A step that reads an output variable of a step of its own block: it is not there yet.
    fn output_dependencies(&mut self, process: &Process, block: &[usize]) {
        for &s in block {
            let step = &process.steps[s];
            for &o in block.iter().filter(|&&o| o != s) {
                let other = &process.steps[o];
                let mut names: Vec<&str> = vec![other.id.as_str()];
                names.extend(other.name.as_deref());
                names.extend(other.actions.iter().filter_map(|a| a.name.as_deref()));
                names.extend(other.actions.iter().map(|a| a.id.as_str()));
                if let Some(span) = find_output_reference(self.text, &step.strings, &names) {
                    self.diagnostics.push(parallel_output_dependency::diagnostic(
                        span,
                        &step.id,
                        &other.id,
                        other.id_span,
                    ));
                }
            }
        }
    }
}

/// The failure policy of an action: its automatic retries.
fn retry_policy(action: &Action) -> FailurePolicy {
    FailurePolicy { retry: action.retry.clone(), ..FailurePolicy::default() }
}

fn action_duration(action: &Action) -> (Millis, DurationSource) {
    if action.disabled {
        return (Millis::ZERO, DurationSource::Default);
    }
    match action.duration {
        Some(d) => (d, DurationSource::Explicit),
        None => (DEFAULT_DURATION, DurationSource::Estimated),
    }
}

/// The span of the first `Octopus.Action[NAME].Output` among the strings, for one of the names
/// (compared without regard to case, as Octopus does).
fn find_output_reference(text: &str, strings: &[Span], names: &[&str]) -> Option<Span> {
    const PREFIX: &str = "Octopus.Action[";
    for span in strings {
        let Some(raw) = text.get(span.start as usize..span.end as usize) else { continue };
        let mut from = 0;
        while let Some(found) = raw[from..].find(PREFIX) {
            let start = from + found;
            let name_start = start + PREFIX.len();
            let Some(close) = raw[name_start..].find(']') else { break };
            let name = raw[name_start..name_start + close].trim();
            let after = &raw[name_start + close + 1..];
            if after.starts_with(".Output") && names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                let at = span.start as usize + start;
                return Some(Span::new(at, at + PREFIX.len() + close + 1));
            }
            from = name_start;
        }
    }
    None
}
