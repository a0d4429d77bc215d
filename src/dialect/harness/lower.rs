//! The intermediate form ([`super::ir`]) → model tasks: each looped item becomes one task per
//! instance, with the instance's values put into what it names (a barrier, a lock key).
//!
//! Lowering says only what depends on those values or on the whole pipeline: unknown lock
//! keys, how something is approximated, barriers that never meet, a loop too large to expand.
//! What depends on an instance's values is said for the first instance of every loop (the
//! representative one, [`Scope::first`]); the text itself was reported by the parser.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::duration::{DurationSpec, Millis};
use crate::lint::rules::{approximated, unexpanded_loop};
use crate::model::{
    Demand, DurationSource, Format, GateKind, ManualGate, MatrixGroup, Note, ParallelGroup,
    Pipeline, Resource, ResourceIdx, ResourceKind, Task, TaskIdx, TaskKind,
};
use crate::span::Span;

use super::deploy::Targets;
use super::ir::{
    Body, Document, Item, Rollback, Stage, StageItem, Stages, Step, StepGroup, StepItem,
};
use super::strategy::{Expansion, Instance};
use super::{DEFAULT_STEP_DURATION, MAX_TASKS, join};

/// Lowers a parsed file; `diagnostics` are the parser's, and lowering adds its own.
pub fn lower(document: Document, diagnostics: Vec<Diagnostic>) -> (Pipeline, Vec<Diagnostic>) {
    let mut lowering = Lowering {
        pipeline: Pipeline { format: Format::Harness, name: document.name, ..Pipeline::default() },
        diagnostics,
        stages_by_id: HashMap::new(),
        depends: Vec::new(),
        barriers: Vec::new(),
        barrier_decls: document.barrier_decls,
        queues_held: Vec::new(),
        locks: HashMap::new(),
        deploy_targets: HashMap::new(),
        budget_reported: false,
        approximations: Vec::new(),
    };
    let root = Scope::root();
    match &document.body {
        Body::Nothing => {}
        Body::Stages(stages) => lowering.stages(stages),
        Body::Stage(stage) => {
            lowering.stage(stage, &[]);
        }
        Body::Step(item) => match item.as_ref() {
            StepItem::Step(step) => {
                lowering.step(step, None, "", &[], &root);
            }
            StepItem::Group(group) => {
                lowering.step_group(group, None, "", &[], &root);
            }
            StepItem::Parallel { .. } => {}
        },
    }
    lowering.inherit_failure_strategies();
    lowering.finish();
    (lowering.pipeline, lowering.diagnostics)
}

/// Names as written, with where.
pub(super) type Names = Vec<(String, Span)>;

/// Where a Barrier step was used.
pub(super) struct BarrierUse {
    pub reference: String,
    pub span: Span,
    /// `None` in rollback steps, which are not lowered.
    pub task: Option<TaskIdx>,
}

/// The context of the items being lowered: the stage instance they belong to.
#[derive(Clone)]
pub(super) struct Scope {
    /// The stage's full id (for Queue steps and messages).
    pub stage: String,
    /// Expression → value, innermost first: `<+matrix.env>` → `prod`.
    pub values: Vec<(String, String)>,
    /// Whether this is the first instance of every loop around it: what depends on the values
    /// of a loop is reported from that instance only, once for the looped item.
    pub first: bool,
}

impl Scope {
    fn root() -> Scope {
        Scope { stage: String::new(), values: Vec::new(), first: true }
    }

    /// The one substitution of loop values into Harness text.
    pub fn substitute(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (expression, value) in &self.values {
            if out.contains(expression.as_str()) {
                out = out.replace(expression.as_str(), value);
            }
        }
        out
    }

    /// The scope of the `position`th instance of a looped item; a stage's matrix values are
    /// also `<+stage.matrix.KEY>`.
    fn with(&self, instance: &Instance, position: usize, stage_level: bool) -> Scope {
        let mut values: Vec<(String, String)> = Vec::new();
        for (k, v) in &instance.values {
            values.push((k.clone(), v.clone()));
            if stage_level {
                if let Some(name) = k.strip_prefix("<+matrix.") {
                    values.push((format!("<+stage.matrix.{name}"), v.clone()));
                }
            }
        }
        values.extend(self.values.iter().cloned());
        Scope { stage: self.stage.clone(), values, first: self.first && position == 0 }
    }
}

/// Which list of steps is being lowered: a Queue step holds its key to the end of the stage,
/// which only the stage's own list reaches.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Container {
    Stage,
    StepGroup,
}

pub(super) struct Lowering {
    pub pipeline: Pipeline,
    pub diagnostics: Vec<Diagnostic>,
    /// Stage identifier → its instances, for `dependsOn`.
    pub stages_by_id: HashMap<String, Vec<TaskIdx>>,
    /// `dependsOn` lists, resolved once every stage exists.
    pub depends: Vec<(Vec<TaskIdx>, Names)>,
    pub barriers: Vec<BarrierUse>,
    pub barrier_decls: Vec<(String, Span)>,
    /// Queue keys held by the stage instance being lowered (Harness acquires them once).
    pub queues_held: Vec<String>,
    /// Lock name → resource: the automatic deployment locks and the Queue keys.
    pub locks: HashMap<String, ResourceIdx>,
    /// Stage identifier → (service, environment, infrastructure) it deploys, for
    /// `useFromStage`.
    pub deploy_targets: HashMap<String, Targets>,
    pub budget_reported: bool,
    /// Approximations already explained, so that each is said once.
    pub approximations: Vec<approximated::Harness>,
}

impl Lowering {
    /// Reports a finding about an instance's values, from the representative instance.
    pub(super) fn report(&mut self, d: Diagnostic, scope: &Scope) {
        if scope.first {
            self.diagnostics.push(d);
        }
    }

    /// Says once per kind how something is approximated.
    pub(super) fn approximate(&mut self, what: approximated::Harness, span: Span, scope: &Scope) {
        if !scope.first || self.approximations.contains(&what) {
            return;
        }
        self.approximations.push(what);
        self.diagnostics.push(approximated::harness(span, what));
    }

    // -----------------------------------------------------------------------------------------
    // Lists

    fn stages(&mut self, stages: &Stages) {
        let mut previous: Vec<TaskIdx> = Vec::new();
        for item in &stages.items {
            let waits: Vec<TaskIdx> = if stages.dag { Vec::new() } else { previous.clone() };
            let block = match item {
                StageItem::Stage(stage) => self.stage(stage, &waits),
                StageItem::Parallel { key, members } => {
                    let members: Vec<TaskIdx> =
                        members.iter().flat_map(|stage| self.stage(stage, &waits)).collect();
                    self.parallel_group(members, *key)
                }
            };
            if !block.is_empty() {
                previous = block;
            }
        }
    }

    /// Lowers a list of steps under `parent`, chaining each item to the previous one.
    pub(super) fn steps(
        &mut self,
        items: &[StepItem],
        parent: Option<TaskIdx>,
        path: &str,
        waits: &[TaskIdx],
        scope: &Scope,
        container: Container,
    ) -> Vec<TaskIdx> {
        let mut previous: Vec<TaskIdx> = waits.to_vec();
        for (position, item) in items.iter().enumerate() {
            let block = match item {
                StepItem::Step(step) => {
                    let rest = &items[position + 1..];
                    let at = (parent, path, previous.as_slice());
                    if let Some(block) = self.queue_region(step, rest, at, scope, container) {
                        return block;
                    }
                    self.step(step, parent, path, &previous, scope)
                }
                StepItem::Group(group) => self.step_group(group, parent, path, &previous, scope),
                StepItem::Parallel { key, members } => {
                    let members = self.parallel(members, parent, path, &previous, scope);
                    self.parallel_group(members, *key)
                }
            };
            if !block.is_empty() {
                previous = block;
            }
        }
        previous
    }

    fn parallel(
        &mut self,
        items: &[StepItem],
        parent: Option<TaskIdx>,
        path: &str,
        waits: &[TaskIdx],
        scope: &Scope,
    ) -> Vec<TaskIdx> {
        let mut members = Vec::new();
        for item in items {
            match item {
                StepItem::Step(step) => {
                    if step.kind == "Queue" {
                        self.approximate(
                            approximated::Harness::QueueInParallel,
                            step.item.key,
                            scope,
                        );
                    }
                    members.extend(self.step(step, parent, path, waits, scope))
                }
                StepItem::Group(group) => {
                    members.extend(self.step_group(group, parent, path, waits, scope))
                }
                StepItem::Parallel { members: inner, .. } => {
                    members.extend(self.parallel(inner, parent, path, waits, scope))
                }
            }
        }
        members
    }

    // -----------------------------------------------------------------------------------------
    // Stages, step groups, steps

    /// Lowers a stage (all its instances when it loops); returns its tasks.
    fn stage(&mut self, stage: &Stage, waits: &[TaskIdx]) -> Vec<TaskIdx> {
        let item = &stage.item;
        let identity = &item.identity;
        let cap = self.cap(&identity.id, &item.expansion);
        let mut tasks = Vec::new();
        for (i, instance) in item.expansion.instances.iter().enumerate() {
            if i > 0 && self.over_budget(item.key) {
                break;
            }
            let id = format!("{}{}", identity.id, instance.suffix);
            let scope = Scope { stage: id.clone(), ..Scope::root().with(instance, i, true) };
            let mut task =
                self.instance_task(item, instance, (&id, &id, TaskKind::Stage), waits, cap);
            if let Some(deployment) = &stage.deployment {
                task.demands.extend(self.deployment_lock(&identity.id, deployment, &scope));
            }
            let mut notes = item.settings.notes.clone();
            notes.extend(stage.rollback.as_ref().and_then(|r| self.rollback(r, &scope)));
            notes.extend(item.external.clone());
            let idx =
                self.pipeline.add_task(Task { gate: stage.approval.map(approval), notes, ..task });
            self.queues_held.clear();
            if let Some(steps) = &stage.steps {
                self.steps(steps, Some(idx), &id, &[], &scope, Container::Stage);
            }
            self.make_group(idx);
            tasks.push(idx);
        }
        self.matrix(item, &tasks);
        self.stages_by_id.entry(identity.id.clone()).or_default().extend(tasks.iter().copied());
        if let Some(names) = &stage.depends_on {
            self.depends.push((tasks.clone(), names.clone()));
        }
        tasks
    }

    fn step_group(
        &mut self,
        group: &StepGroup,
        parent: Option<TaskIdx>,
        path: &str,
        waits: &[TaskIdx],
        scope: &Scope,
    ) -> Vec<TaskIdx> {
        let item = &group.item;
        let identity = &item.identity;
        let cap = self.cap(&join(path, &identity.id), &item.expansion);
        let mut tasks = Vec::new();
        for (i, instance) in item.expansion.instances.iter().enumerate() {
            if i > 0 && self.over_budget(item.key) {
                break;
            }
            let local = format!("{}{}", identity.id, instance.suffix);
            let id = join(path, &local);
            let scope = scope.with(instance, i, false);
            let mut notes = item.settings.notes.clone();
            notes.extend(item.external.clone());
            notes.extend(group.rollback.as_ref().and_then(|r| self.rollback(r, &scope)));
            let task =
                self.instance_task(item, instance, (&id, &local, TaskKind::Step), waits, cap);
            let idx = self.pipeline.add_task(Task { parent, notes, ..task });
            if let Some(steps) = &group.steps {
                self.steps(steps, Some(idx), &id, &[], &scope, Container::StepGroup);
            }
            self.make_group(idx);
            tasks.push(idx);
        }
        self.matrix(item, &tasks);
        tasks
    }

    /// Lowers a step (all its instances when it loops).
    pub(super) fn step(
        &mut self,
        step: &Step,
        parent: Option<TaskIdx>,
        path: &str,
        waits: &[TaskIdx],
        scope: &Scope,
    ) -> Vec<TaskIdx> {
        let item = &step.item;
        let identity = &item.identity;
        if let Some(span) = step.background {
            self.approximate(approximated::Harness::Background, span, scope);
        }
        let cap = self.cap(&join(path, &identity.id), &item.expansion);
        let mut tasks = Vec::new();
        for (i, instance) in item.expansion.instances.iter().enumerate() {
            if i > 0 && self.over_budget(item.key) {
                break;
            }
            let local = format!("{}{}", identity.id, instance.suffix);
            let scope = scope.with(instance, i, false);
            let mut notes = item.settings.notes.clone();
            notes.extend(item.external.clone());
            notes.extend(step.notes.iter().cloned());
            let barrier = step.barrier.as_ref().map(|(text, span)| (scope.substitute(text), *span));
            if let Some((reference, span)) = &barrier {
                notes.push(Note {
                    key: "barrierRef".into(),
                    text: format!(
                        "{reference}: waits until every branch using this barrier reaches it"
                    ),
                    span: *span,
                });
            }
            if let Some(queue) = &step.queue {
                notes.push(self.queue_note(queue, &scope));
            }
            let id = join(path, &local);
            let task =
                self.instance_task(item, instance, (&id, &local, TaskKind::Step), waits, cap);
            let idx = self.pipeline.add_task(Task {
                parent,
                duration: DurationSpec::Fixed(step.duration),
                duration_source: step.source,
                gate: step.approval.map(approval),
                notes,
                ..task
            });
            if let Some((reference, span)) = barrier {
                self.barriers.push(BarrierUse { reference, span, task: Some(idx) });
            }
            tasks.push(idx);
        }
        self.matrix(item, &tasks);
        tasks
    }

    /// The rollback steps of a stage or step group: listed, not run. Barrier steps among them
    /// are recorded for the barrier lint.
    fn rollback(&mut self, rollback: &Rollback, scope: &Scope) -> Option<Note> {
        for (text, span) in &rollback.barriers {
            let reference = scope.substitute(text);
            self.barriers.push(BarrierUse { reference, span: *span, task: None });
        }
        if rollback.ids.is_empty() {
            return None;
        }
        Some(Note {
            key: "rollbackSteps".into(),
            text: format!(
                "{} (run only when the stage fails; not simulated)",
                rollback.ids.join(", ")
            ),
            span: rollback.span,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Shared pieces

    /// The task of one instance of `item` (`ids`: its full id, local id and kind), with what
    /// stages, step groups and steps share: the name, where it is written, what it waits for,
    /// its loop's `maxConcurrency` and its typed settings. A stage's duration until it gets
    /// children.
    fn instance_task(
        &self,
        item: &Item,
        instance: &Instance,
        ids: (&str, &str, TaskKind),
        waits: &[TaskIdx],
        cap: Option<(ResourceIdx, Span)>,
    ) -> Task {
        let (id, local, kind) = ids;
        let identity = &item.identity;
        item.settings.apply(Task {
            name: identity.name.as_ref().map(|n| format!("{n}{}", instance.label)),
            duration: DurationSpec::Fixed(DEFAULT_STEP_DURATION),
            duration_source: DurationSource::Estimated,
            deps: self.pipeline.sequence(waits, identity.span),
            demands: cap.iter().map(|&(r, span)| self.demand(r, span)).collect(),
            span: item.span,
            id_span: identity.span,
            ..Task::new(id, local, kind)
        })
    }

    /// A `- parallel:` block's members, which start together.
    fn parallel_group(&mut self, members: Vec<TaskIdx>, span: Span) -> Vec<TaskIdx> {
        self.pipeline.parallel_groups.push(ParallelGroup { members: members.clone(), span });
        members
    }

    /// The instances of a looped item, as one matrix: Harness has no fail-fast, the other
    /// instances go on when one fails.
    fn matrix(&mut self, item: &Item, instances: &[TaskIdx]) {
        if let Some(span) = item.strategy.filter(|_| instances.len() > 1) {
            self.pipeline.matrices.push(MatrixGroup {
                members: instances.to_vec(),
                fail_fast: false,
                fail_fast_span: None,
                span,
            });
        }
    }

    /// Steps without failure strategies of their own follow their step group's, or else their
    /// stage's (parents come before their children, so one pass carries them down).
    fn inherit_failure_strategies(&mut self) {
        for i in 0..self.pipeline.tasks.len() {
            let task = &self.pipeline.tasks[i];
            let Some(parent) = task.parent else { continue };
            if task.failure.is_default() {
                let inherited = self.pipeline.tasks[parent.index()].failure.clone();
                self.pipeline.tasks[i].failure = inherited;
            }
        }
    }

    /// A task that got children lasts as long as they do.
    pub(super) fn make_group(&mut self, idx: TaskIdx) {
        let task = &mut self.pipeline.tasks[idx.index()];
        if task.is_group() {
            task.duration = DurationSpec::Fixed(Millis::ZERO);
            task.duration_source = DurationSource::Children;
        }
    }

    fn demand(&self, resource: ResourceIdx, span: Span) -> Demand {
        Demand {
            resource: Some(resource),
            name: self.pipeline.resource(resource).name.clone(),
            amount: 1,
            span,
        }
    }

    /// The lock called `name`, made on first use as a resource `resource` of one unit.
    pub(super) fn lock(
        &mut self,
        name: &str,
        resource: &str,
        kind: ResourceKind,
        span: Span,
    ) -> ResourceIdx {
        if let Some(&r) = self.locks.get(name) {
            return r;
        }
        let r = self.pipeline.add_resource(Resource {
            name: resource.to_string(),
            capacity: 1,
            kind,
            span,
        });
        self.locks.insert(name.to_string(), r);
        r
    }

    /// The `maxConcurrency` limit of a looped item, when it limits anything.
    fn cap(&mut self, id: &str, expansion: &Expansion) -> Option<(ResourceIdx, Span)> {
        let (n, span) = expansion.max_concurrency?;
        if n as usize >= expansion.instances.len() {
            return None;
        }
        let r = self.pipeline.add_resource(Resource {
            name: format!("{id} maxConcurrency"),
            capacity: n,
            kind: ResourceKind::Parallelism,
            span,
        });
        Some((r, span))
    }

    fn over_budget(&mut self, span: Span) -> bool {
        if self.pipeline.tasks.len() < MAX_TASKS {
            return false;
        }
        if !self.budget_reported {
            self.budget_reported = true;
            self.diagnostics.push(unexpanded_loop::too_many_tasks(span, MAX_TASKS));
        }
        true
    }
}

/// An approval step or stage (`span`: its `type`): the pipeline waits for a person there.
fn approval(span: Span) -> ManualGate {
    ManualGate { kind: GateKind::Approval, blocking: true, conditional: false, span }
}
