//! What decides when Harness stages and steps may run, beyond their order: the automatic lock
//! of deployment stages, Queue steps, Barrier steps and `dependsOn`.
//!
//! - **Deployment lock** (Harness's "resource constraint"): a Deployment stage holds, for its
//!   whole run, a lock on its infrastructure key, which Harness forms from the service, the
//!   environment and the infrastructure definition (and its connector, which the
//!   infrastructure definition decides). Stages with the same key never overlap; the first to
//!   ask runs and the others queue in order. `allowSimultaneousDeployments: true` on the
//!   infrastructure removes it; Custom, CI and Approval stages have none. A key with a runtime
//!   input (`<+input>`) is unknown: the stage is assumed to share it with no other stage.
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

use super::{BarrierUse, Container, Reader, Scope, key_span};
use crate::diagnostic::Diagnostic;
use crate::graph::{self, EventGraph};
use crate::lint::rules::{
    barrier_deadlock::BARRIER_DEADLOCK, invalid_value::INVALID_VALUE, runtime_value::RUNTIME_VALUE,
};
use crate::model::{Demand, DepKind, Dependency, Note, Resource, ResourceKind, TaskIdx};
use crate::span::Span;
use crate::yaml::Node;

/// What a deployment stage deploys: its services, and the (environment, infrastructure) pairs.
#[derive(Debug, Clone, Default)]
pub(super) struct Targets {
    services: Vec<String>,
    places: Vec<(String, String)>,
}

pub(super) fn is_queue(body: &Node) -> bool {
    body.get("type").and_then(Node::as_str) == Some("Queue")
}

/// A part of a key that is not known before the run: missing, a runtime input, or the value of
/// a loop that could not be expanded.
fn unknown(part: &str) -> bool {
    part.is_empty()
        || ["<+input>", "<+matrix.", "<+stage.matrix.", "<+repeat.", "<+strategy."]
            .iter()
            .any(|e| part.contains(e))
}

impl Reader {
    // -----------------------------------------------------------------------------------------
    // The deployment lock

    /// The lock demands of a Deployment stage instance.
    pub(super) fn deployment_lock(
        &mut self,
        stage_id: &str,
        spec: Option<&Node>,
        scope: &Scope,
        first: bool,
    ) -> Vec<Demand> {
        let Some(spec) = spec else { return Vec::new() };
        let targets = self.targets(spec, scope);
        if first {
            self.deploy_targets.entry(stage_id.to_string()).or_insert_with(|| targets.clone());
        }
        let span = key_span(spec, "environment")
            .or_else(|| key_span(spec, "environmentGroup"))
            .or_else(|| key_span(spec, "infrastructure"))
            .or_else(|| key_span(spec, "service"))
            .unwrap_or(spec.span);
        let simultaneous = spec
            .get("infrastructure")
            .and_then(|i| i.get("allowSimultaneousDeployments"))
            .and_then(Node::as_bool)
            .unwrap_or(false);
        if simultaneous {
            return Vec::new();
        }
        if targets.places.is_empty()
            && spec.get("environment").is_some_and(|e| e.get("gitOpsClusters").is_some())
        {
            self.approximate(
                "gitops",
                span,
                "a GitOps stage deploys to clusters, not to an infrastructure definition: no deployment lock is modelled for it",
            );
            return Vec::new();
        }
        if targets.services.is_empty() || targets.places.is_empty() {
            let missing = if targets.services.is_empty() {
                "service"
            } else {
                "environment and infrastructure"
            };
            self.report(Diagnostic::new(
                &RUNTIME_VALUE,
                span,
                format!("the stage `{stage_id}` names no {missing} this file shows, so the key of its deployment lock is unknown: it is assumed to share it with no other stage"),
            ));
            return Vec::new();
        }
        let mut demands = Vec::new();
        let mut unknown_reported = false;
        let mut expression_reported = false;
        for service in &targets.services {
            for (env, infra) in &targets.places {
                if unknown(service) || unknown(env) || unknown(infra) {
                    if !unknown_reported {
                        unknown_reported = true;
                        let when = if [service, env, infra].iter().any(|p| p.is_empty()) {
                            "is not fully named in this file"
                        } else {
                            "is known only when the pipeline runs"
                        };
                        self.report(Diagnostic::new(
                            &RUNTIME_VALUE,
                            span,
                            format!(
                                "the deployment lock of `{stage_id}` (service `{}`, environment `{}`, infrastructure `{}`) {when}: it is assumed to share it with no other stage",
                                or_none(service), or_none(env), or_none(infra)
                            ),
                        ).with_help("stages deploying the same service to the same environment and infrastructure never overlap"));
                    }
                    continue;
                }
                let name = format!("{service} on {env}/{infra}");
                if name.contains("<+") && !expression_reported {
                    expression_reported = true;
                    self.report(Diagnostic::new(
                        &RUNTIME_VALUE,
                        span,
                        format!("the deployment lock of `{stage_id}` is `{name}`, with expressions known only at run time: stages whose keys are written alike are assumed to share it"),
                    ));
                }
                let resource = match self.locks.get(&name) {
                    Some(&r) => r,
                    None => {
                        let r = self.pipeline.add_resource(Resource {
                            name: name.clone(),
                            capacity: 1,
                            kind: ResourceKind::Infrastructure,
                            span,
                        });
                        self.locks.insert(name.clone(), r);
                        r
                    }
                };
                if !demands.iter().any(|d: &Demand| d.resource == Some(resource)) {
                    demands.push(Demand { resource: Some(resource), name, amount: 1, span });
                }
            }
        }
        if demands.len() > 1 {
            self.approximate(
                "several-locks",
                span,
                "a stage deploying several services, environments or infrastructures is simulated as one stage holding every lock at once; Harness runs one deployment per target",
            );
        }
        demands
    }

    fn targets(&mut self, spec: &Node, scope: &Scope) -> Targets {
        let text = |n: Option<&Node>| {
            n.and_then(Node::as_str).map(|s| scope.substitute(s)).unwrap_or_default()
        };
        let from_stage = |reader: &Reader, node: Option<&Node>| {
            node.and_then(|u| u.get("stage"))
                .and_then(Node::as_str)
                .and_then(|s| reader.deploy_targets.get(s))
                .cloned()
                .unwrap_or_default()
        };
        let mut targets = Targets::default();
        // Services.
        for service in [spec.get("service"), spec.get("serviceConfig")].into_iter().flatten() {
            if let Some(r) = service.get("serviceRef") {
                targets.services.push(text(Some(r)));
            } else if let Some(u) = service.get("useFromStage") {
                targets.services.extend(from_stage(self, Some(u)).services);
            }
        }
        if let Some(values) =
            spec.get("services").and_then(|s| s.get("values")).and_then(Node::as_seq)
        {
            for v in values {
                targets.services.push(text(v.get("serviceRef")));
            }
        }
        // Environments and infrastructures.
        let infras = |env: &Node| -> Vec<String> {
            match env.get("infrastructureDefinitions").and_then(Node::as_seq) {
                Some(list) => list.iter().map(|i| text(i.get("identifier"))).collect(),
                None => match env.get("infrastructureDefinitions") {
                    Some(expr) => vec![text(Some(expr))],
                    None if env.get("deployToAll").and_then(Node::as_bool) == Some(true) => {
                        vec![String::new()]
                    }
                    None => Vec::new(),
                },
            }
        };
        if let Some(env) = spec.get("environment") {
            if let Some(u) = env.get("useFromStage") {
                let inherited = from_stage(self, Some(u)).places;
                let own = infras(env);
                if own.is_empty() {
                    targets.places.extend(inherited);
                } else {
                    for (e, _) in inherited.iter().take(1) {
                        targets.places.extend(own.iter().map(|i| (e.clone(), i.clone())));
                    }
                }
            } else {
                let e = text(env.get("environmentRef"));
                let list = infras(env);
                if list.is_empty() && env.get("gitOpsClusters").is_some() {
                    // GitOps: no infrastructure definition, see `deployment_lock`.
                } else {
                    let list = if list.is_empty() { vec![String::new()] } else { list };
                    targets.places.extend(list.into_iter().map(|i| (e.clone(), i)));
                }
            }
        }
        let groups = [
            spec.get("environmentGroup").and_then(|g| g.get("environments")),
            spec.get("environments").and_then(|g| g.get("values")),
        ];
        for envs in groups.into_iter().flatten().filter_map(Node::as_seq) {
            for env in envs {
                let e = text(env.get("environmentRef"));
                let list = infras(env);
                let list = if list.is_empty() { vec![String::new()] } else { list };
                targets.places.extend(list.into_iter().map(|i| (e.clone(), i)));
            }
        }
        if let Some(infra) = spec.get("infrastructure") {
            if let Some(u) = infra.get("useFromStage") {
                targets.places.extend(from_stage(self, Some(u)).places);
            } else if infra.get("environmentRef").is_some()
                || infra.get("infrastructureDefinition").is_some()
            {
                // Version 1: the infrastructure is written inline.
                let e = text(infra.get("environmentRef"));
                let definition = infra.get("infrastructureDefinition");
                let kind = text(definition.and_then(|d| d.get("type")));
                let ds = definition.and_then(|d| d.get("spec"));
                let connector = text(ds.and_then(|s| s.get("connectorRef")));
                let namespace = text(ds.and_then(|s| s.get("namespace")));
                let parts: Vec<&str> = [kind.as_str(), connector.as_str(), namespace.as_str()]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect();
                let i =
                    if parts.iter().any(|p| unknown(p)) { String::new() } else { parts.join(":") };
                targets.places.push((e, i));
            }
        }
        targets
    }

    // -----------------------------------------------------------------------------------------
    // Queue steps

    /// The note on a Queue step, saying what its lock does.
    pub(super) fn queue_note(&mut self, body: &Node, scope: &Scope) -> Option<Note> {
        let spec = body.get("spec")?;
        let span = key_span(spec, "key").unwrap_or(spec.span);
        let key = scope.substitute(spec.get("key").and_then(Node::as_str).unwrap_or(""));
        let holding = spec.get("scope").and_then(Node::as_str).unwrap_or("Pipeline");
        let text = if unknown(&key) {
            self.report(Diagnostic::new(&RUNTIME_VALUE, span, format!("the Queue step's key `{}` is known only when the pipeline runs: it is assumed to wait for nothing", or_none(&key))));
            "key known only at run time: assumed to wait for nothing".to_string()
        } else if holding == "Pipeline" {
            self.approximate(
                "queue-pipeline",
                span,
                "a Queue step with scope Pipeline makes other executions wait until this one ends; within one execution it acquires its key once, so nothing in this timeline waits for it",
            );
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
        Some(Note { key: "Queue".into(), text, span })
    }

    /// A Queue step with scope Stage in a list of steps: it and the steps after it, which it
    /// encloses so that its lock lasts until the end of the list. `None` when the step is
    /// not such a Queue step, and is lowered as a plain step.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn queue_region(
        &mut self,
        key: &Node,
        body: &Node,
        items: &[Node],
        position: usize,
        parent: Option<TaskIdx>,
        path: &str,
        previous: &[TaskIdx],
        scope: &Scope,
        depth: u32,
        container: Container,
    ) -> Option<Vec<TaskIdx>> {
        if !is_queue(body) || body.get("strategy").is_some() {
            return None;
        }
        let spec = body.get("spec")?;
        let holding = spec.get("scope").and_then(Node::as_str);
        match holding {
            Some("Stage") => {}
            Some("Pipeline") | None => return None,
            Some(other) => {
                let span = spec.get("scope").map_or(spec.span, |n| n.span);
                self.report(Diagnostic::new(&INVALID_VALUE, span, format!("a Queue step's `scope` is `Pipeline` or `Stage`, not `{other}`; `Pipeline` is used")));
                return None;
            }
        }
        let lock_key = scope.substitute(spec.get("key").and_then(Node::as_str).unwrap_or(""));
        if unknown(&lock_key) || self.queues_held.contains(&lock_key) {
            return None;
        }
        let key_at = key_span(spec, "key").unwrap_or(spec.span);
        if container == Container::StepGroup {
            self.approximate(
                "queue-in-group",
                key_at,
                "a Queue step inside a step group is simulated as holding its key until the end of the step group, not of the stage",
            );
        }
        let tasks = self.step(key.span, body, None, parent, path, previous, scope);
        let &[queue] = tasks.as_slice() else { return Some(tasks) };
        let name = format!("queue {lock_key}");
        let resource = match self.locks.get(&name) {
            Some(&r) => r,
            None => {
                let r = self.pipeline.add_resource(Resource {
                    name: lock_key.clone(),
                    capacity: 1,
                    kind: ResourceKind::Concurrency,
                    span: key_at,
                });
                self.locks.insert(name, r);
                r
            }
        };
        let demand =
            Demand { resource: Some(resource), name: lock_key.clone(), amount: 1, span: key_at };
        self.pipeline.tasks[queue.index()].demands.push(demand);
        self.queues_held.push(lock_key);
        let rest = &items[position + 1..];
        if !rest.is_empty() {
            self.steps(rest, Some(queue), path, &[], scope, depth, container);
            super::Reader::make_group(self, queue);
        }
        Some(vec![queue])
    }

    // -----------------------------------------------------------------------------------------
    // Barriers

    /// The `barrierRef` of a Barrier step and the note about it.
    pub(super) fn barrier(
        &mut self,
        body: &Node,
        scope: &Scope,
    ) -> (Option<Note>, Option<(String, Span)>) {
        let Some(reference) = body.get("spec").and_then(|s| s.get("barrierRef")) else {
            let span = key_span(body, "type").unwrap_or(body.span);
            self.report(Diagnostic::new(
                &crate::lint::rules::missing_field::MISSING_FIELD,
                span,
                "this Barrier step has no `spec.barrierRef`: it synchronises nothing",
            ));
            return (None, None);
        };
        let Some(text) = reference.as_str() else { return (None, None) };
        let text = scope.substitute(text);
        let note = Note {
            key: "barrierRef".into(),
            text: format!("{text}: waits until every branch using this barrier reaches it"),
            span: reference.span,
        };
        (Some(note), Some((text, reference.span)))
    }

    pub(super) fn record_barrier(&mut self, reference: String, span: Span, task: TaskIdx) {
        self.barriers.push(BarrierUse { reference, span, task: Some(task) });
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
                let mut d = Diagnostic::new(&BARRIER_DEADLOCK, rollback[0], format!("the barrier `{reference}` is used both in normal steps and in rollback steps, which run only after a failure: the normal positions wait for it forever"))
                    .with_help(format!("give the rollback barrier its own reference, e.g. `{reference}_rollback`"));
                for (t, span) in &normal {
                    d = d
                        .with_related(*span, format!("`{}` waits here", self.pipeline.task(*t).id));
                }
                self.diagnostics.push(d);
                continue;
            }
            if normal.len() < 2 {
                continue;
            }
            if let Some((a, b)) = first_sequential_pair(&events, &normal) {
                let (ta, tb) = (normal[a].0, normal[b].0);
                self.diagnostics.push(
                    Diagnostic::new(&BARRIER_DEADLOCK, normal[b].1, format!(
                        "the barrier `{reference}` in `{}` can only be reached after `{}` has passed the same barrier: they never meet, and Harness hangs until the barrier times out",
                        self.pipeline.task(tb).id, self.pipeline.task(ta).id
                    ))
                    .with_related(normal[a].1, format!("`{}` reaches `{reference}` first", self.pipeline.task(ta).id))
                    .with_help("barriers synchronise branches that run in parallel: put the stages or step groups in one `- parallel:` block, or use different barrier references"),
                );
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
    let n = events.graph.node_count();
    let mut seen = vec![u32::MAX; n];
    for (a, &(ta, _)) in uses.iter().enumerate() {
        // Everything that cannot happen before `ta` finishes.
        let source = graph::finish(ta);
        let mut stack = vec![source];
        seen[source as usize] = a as u32;
        while let Some(v) = stack.pop() {
            for &w in events.graph.successors(v) {
                if seen[w as usize] != a as u32 {
                    seen[w as usize] = a as u32;
                    stack.push(w);
                }
            }
        }
        for (b, &(tb, _)) in uses.iter().enumerate() {
            if a != b && seen[graph::start(tb) as usize] == a as u32 {
                return Some((a, b));
            }
        }
    }
    None
}

fn or_none(part: &str) -> &str {
    if part.is_empty() { "none given" } else { part }
}
