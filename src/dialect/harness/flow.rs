//! What decides when Harness stages and steps may run, beyond their order and the deployment
//! lock ([`super::deploy`]): Queue steps, Barrier steps and `dependsOn`.
//!
//! - **Queue step** (`type: Queue`, `spec.key`, `spec.scope`): Harness acquires the key in
//!   "ensure" mode, once per holder: the stage execution (scope `Stage`) or the pipeline
//!   execution (scope `Pipeline`). With scope `Stage`, other stages of this run with the same
//!   key (parallel stages, matrix instances) queue until the holder's stage ends: the Queue step
//!   becomes a group task holding a `Concurrency` resource whose children are the steps after
//!   it in the stage, so the lock is held from the Queue step to the end of the stage. With
//!   scope `Pipeline`, the only holder in one run is the run itself, so nothing in it waits;
//!   other executions would, which a single timeline cannot show (a note says so).
//! - **Barrier step**: branches using the same `barrierRef` go on only once all of them have
//!   reached it. Each barrier depends on what every other barrier of its reference waits for
//!   (the tasks before it, or before its enclosing group when it comes first), so all of them
//!   start at the same instant. Positions that cannot be reached at the same time would hang
//!   Harness: `barrier-deadlock` reports them and their barrier is left out.
//! - **`dependsOn`** (DAG pipelines): resolved to every instance of the named stage.

use crate::diagnostic::Diagnostic;
use crate::graph::{self, EventGraph, Reach};
use crate::lint::rules::{
    approximated, barrier_deadlock, invalid_value::INVALID_VALUE, runtime_value::RUNTIME_VALUE,
};
use crate::model::{Demand, DepKind, Dependency, Note, ResourceKind, TaskIdx};
use crate::span::Span;

use super::deploy::{or_none, unknown};
use super::ir::{Queue, QueueScope, Step, StepItem};
use super::lower::{Container, Lowering, Scope};

impl Lowering {
    // -----------------------------------------------------------------------------------------
    // Queue steps

    /// The note on a Queue step, saying what its lock does.
    pub(super) fn queue_note(&mut self, queue: &Queue, scope: &Scope) -> Note {
        let span = queue.key_span;
        let key = scope.substitute(&queue.key);
        let text = if unknown(&key) {
            self.report(Diagnostic::new(&RUNTIME_VALUE, span, format!("the Queue step's key `{}` is known only when the pipeline runs: it is assumed to wait for nothing", or_none(&key))), scope);
            "key known only at run time: assumed to wait for nothing".to_string()
        } else if queue.scope == QueueScope::Pipeline {
            self.approximate(approximated::Harness::QueuePipeline, span, scope);
            format!(
                "holds key `{key}` until the pipeline ends (other executions queue; this one does not wait)"
            )
        } else if self.queues_held.contains(&key) {
            format!("key `{key}` is already held by this stage: no wait")
        } else {
            format!(
                "holds key `{key}` from here to the end of stage {} (shown spanning the steps after it)",
                scope.stage
            )
        };
        Note { key: "Queue".into(), text, span }
    }

    /// A Queue step with scope Stage in a list of steps: it and the steps after it (`rest`),
    /// which it encloses so that its lock lasts until the end of the list. `None` when the step
    /// is not such a Queue step, and is lowered as a plain step. `at` is where the step goes:
    /// its parent, the parent's id and what it waits for.
    pub(super) fn queue_region(
        &mut self,
        step: &Step,
        rest: &[StepItem],
        at: (Option<TaskIdx>, &str, &[TaskIdx]),
        scope: &Scope,
        container: Container,
    ) -> Option<Vec<TaskIdx>> {
        let queue = step.queue.as_ref()?;
        if step.item.strategy.is_some() || queue.scope != QueueScope::Stage {
            return None;
        }
        let lock_key = scope.substitute(&queue.key);
        if unknown(&lock_key) || self.queues_held.contains(&lock_key) {
            return None;
        }
        let key_at = queue.key_span;
        if container == Container::StepGroup {
            self.approximate(approximated::Harness::QueueInGroup, key_at, scope);
        }
        let (parent, path, previous) = at;
        let tasks = self.step(step, parent, path, previous, scope);
        let &[queue_task] = tasks.as_slice() else { return Some(tasks) };
        let name = format!("queue {lock_key}");
        let resource = self.lock(&name, &lock_key, ResourceKind::Concurrency, key_at);
        let demand =
            Demand { resource: Some(resource), name: lock_key.clone(), amount: 1, span: key_at };
        self.pipeline.tasks[queue_task.index()].demands.push(demand);
        self.queues_held.push(lock_key);
        if !rest.is_empty() {
            self.steps(rest, Some(queue_task), path, &[], scope, container);
            self.make_group(queue_task);
        }
        Some(vec![queue_task])
    }

    // -----------------------------------------------------------------------------------------
    // After everything is read

    pub(super) fn finish(&mut self) {
        self.resolve_depends();
        self.sync_barriers();
    }

    fn resolve_depends(&mut self) {
        for (tasks, names) in std::mem::take(&mut self.depends) {
            let mut deps = Vec::new();
            for (name, span) in &names {
                match self.stages_by_id.get(name) {
                    Some(targets) => deps.extend(targets.iter().map(|&t| Dependency {
                        target: Some(t),
                        name: name.clone(),
                        kind: DepKind::Explicit,
                        span: *span,
                    })),
                    None => deps.push(Dependency {
                        target: None,
                        name: name.clone(),
                        kind: DepKind::Explicit,
                        span: *span,
                    }),
                }
            }
            for t in tasks {
                self.pipeline.tasks[t.index()].deps = deps.clone();
            }
        }
    }

    fn sync_barriers(&mut self) {
        if self.barriers.is_empty() {
            return;
        }
        let mut by_reference: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, b) in self.barriers.iter().enumerate() {
            match by_reference.iter_mut().find(|(r, _)| *r == b.reference) {
                Some((_, uses)) => uses.push(i),
                None => by_reference.push((b.reference.clone(), vec![i])),
            }
        }
        let declared: Vec<&str> = self.barrier_decls.iter().map(|(d, _)| d.as_str()).collect();
        let mut undeclared = Vec::new();
        for (reference, uses) in &by_reference {
            if !declared.is_empty()
                && !declared.contains(&reference.as_str())
                && !reference.contains("<+")
            {
                undeclared.push(Diagnostic::new(&INVALID_VALUE, self.barriers[uses[0]].span, format!("the barrier `{reference}` is not declared in the pipeline's `flowControl.barriers`")));
            }
        }
        self.diagnostics.extend(undeclared);
        let events = EventGraph::new(&self.pipeline);
        let mut additions: Vec<(TaskIdx, Vec<Dependency>)> = Vec::new();
        for (reference, uses) in by_reference {
            let normal: Vec<(TaskIdx, Span)> = uses
                .iter()
                .filter_map(|&i| self.barriers[i].task.map(|t| (t, self.barriers[i].span)))
                .collect();
            let rollback: Vec<Span> = uses
                .iter()
                .filter(|&&i| self.barriers[i].task.is_none())
                .map(|&i| self.barriers[i].span)
                .collect();
            if !normal.is_empty() && !rollback.is_empty() {
                let waiting: Vec<(Span, &str)> = normal
                    .iter()
                    .map(|&(t, span)| (span, self.pipeline.task(t).id.as_str()))
                    .collect();
                let d = barrier_deadlock::in_rollback(&reference, rollback[0], &waiting);
                self.diagnostics.push(d);
                continue;
            }
            if normal.len() < 2 {
                continue;
            }
            if let Some((a, b)) = first_sequential_pair(&events, &normal) {
                let at =
                    |(task, span): (TaskIdx, Span)| (span, self.pipeline.task(task).id.as_str());
                let d = barrier_deadlock::never_meet(&reference, at(normal[a]), at(normal[b]));
                self.diagnostics.push(d);
                continue;
            }
            let reach: Vec<Vec<TaskIdx>> =
                normal.iter().map(|&(t, _)| self.reach_predecessors(t)).collect();
            for (i, &(task, span)) in normal.iter().enumerate() {
                let own: Vec<TaskIdx> =
                    self.pipeline.task(task).deps.iter().filter_map(|d| d.target).collect();
                let mut deps: Vec<Dependency> = Vec::new();
                for (j, preds) in reach.iter().enumerate() {
                    if i == j {
                        continue;
                    }
                    for &p in preds {
                        if p != task
                            && !own.contains(&p)
                            && !deps.iter().any(|d| d.target == Some(p))
                        {
                            deps.push(Dependency {
                                target: Some(p),
                                name: self.pipeline.task(p).id.clone(),
                                kind: DepKind::Sequence,
                                span,
                            });
                        }
                    }
                }
                additions.push((task, deps));
            }
        }
        for (task, deps) in additions {
            self.pipeline.tasks[task.index()].deps.extend(deps);
        }
    }

    /// What a barrier step waits for before it is reached: its own dependencies, or, when it
    /// comes first in its group, those of the nearest enclosing group that has any.
    fn reach_predecessors(&self, task: TaskIdx) -> Vec<TaskIdx> {
        let mut current = Some(task);
        let mut guard = 0;
        while let Some(t) = current {
            let deps: Vec<TaskIdx> =
                self.pipeline.task(t).deps.iter().filter_map(|d| d.target).collect();
            if !deps.is_empty() {
                return deps;
            }
            current = self.pipeline.task(t).parent;
            guard += 1;
            if guard > 1_000 {
                break;
            }
        }
        Vec::new()
    }
}

/// The first pair (a, b) of barrier positions where b can only start after a has finished.
fn first_sequential_pair(events: &EventGraph, uses: &[(TaskIdx, Span)]) -> Option<(usize, usize)> {
    let mut reach = Reach::new(events.graph.node_count());
    for (a, &(ta, _)) in uses.iter().enumerate() {
        // Everything that cannot happen before `ta` finishes.
        reach.walk(graph::finish(ta), |v| events.graph.successors(v).iter().copied());
        for (b, &(tb, _)) in uses.iter().enumerate() {
            if a != b && reach.reached(graph::start(tb)) {
                return Some((a, b));
            }
        }
    }
    None
}
