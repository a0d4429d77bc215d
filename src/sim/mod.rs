//! A deterministic discrete-event simulation of a pipeline.
//!
//! Time is integer milliseconds. The event queue is ordered by (time, sequence number), so
//! events at the same instant are handled in the order they were scheduled, and the same
//! pipeline always gives the same schedule.
//!
//! At each instant, after every event of that instant has been handled, the dispatcher starts
//! the ready tasks that fit, in priority order ([`Policy`]); a task that does not fit waits in
//! the queue of the first resource it lacks, without blocking later tasks that do fit.
//! Only tasks queued on a resource that has just been released can start (the free units of
//! every other resource have only shrunk since they were checked), and a queue is walked only
//! while its resource has free units, so each dispatch costs O(candidates · log n) rather than
//! a scan of everything waiting.

mod critical;
pub mod schedule;

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::ops::Bound;

use crate::duration::Millis;
use crate::model::{Pipeline, ResourceIdx, TaskIdx};
pub use schedule::*;

/// The order in which ready tasks compete for resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    /// The task that became ready first starts first; ties go to the earlier in the file.
    #[default]
    Fifo,
    /// Ready tasks are always considered in file order.
    DocumentOrder,
}

impl Policy {
    pub fn name(self) -> &'static str {
        match self {
            Policy::Fifo => "fifo",
            Policy::DocumentOrder => "order",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    pub policy: Policy,
    /// Durations to use instead of the model's (what-if edits, Monte Carlo samples);
    /// indexed like `Pipeline::tasks`.
    pub durations: Option<Vec<Millis>>,
}

/// Simulates the pipeline. Unresolved and self dependencies are ignored (lint reports them);
/// tasks that can never start (cycles, impossible demands) are left unstarted with the reason.
pub fn simulate(pipeline: &Pipeline, options: &SimOptions) -> Schedule {
    Engine::new(pipeline, options).run()
}

/// The only kind of future event: a task ends. Starts happen in dispatch, at the current time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Finish(TaskIdx),
}

/// Priority of a ready task: smaller starts first.
type Key = (u64, u32);

struct Engine<'p> {
    pipeline: &'p Pipeline,
    policy: Policy,
    durations: Vec<Millis>,
    now: Millis,
    /// Dependents of each task, in compressed-row form.
    dependents_start: Vec<u32>,
    dependents: Vec<TaskIdx>,
    /// Demands resolved to (resource, amount), per task.
    demands: Vec<Vec<(ResourceIdx, u32)>>,
    /// Dependencies (and the stage start) each task still waits for.
    pending: Vec<u32>,
    children_left: Vec<u32>,
    /// When each task's first dependency finished; a dependency wait starts there.
    first_dep_done: Vec<Option<Millis>>,
    ready_cause: Vec<StartCause>,
    /// The last child of a stage to finish: the stage ended because of it.
    last_child: Vec<Option<TaskIdx>>,
    events: BinaryHeap<Reverse<(Millis, u64, Event)>>,
    sequence: u64,
    newly_ready: Vec<TaskIdx>,
    free: Vec<u32>,
    queues: Vec<BTreeSet<(Key, TaskIdx)>>,
    /// The resource each waiting task is queued on.
    queued_on: Vec<Option<ResourceIdx>>,
    /// The index in `waits` of each task's resource wait still under way.
    open_wait: Vec<Option<usize>>,
    released: Vec<bool>,
    last_releaser: Vec<Option<TaskIdx>>,
    holders: Vec<Vec<TaskIdx>>,
    touched: Vec<bool>,
    out: Schedule,
}

impl<'p> Engine<'p> {
    fn new(pipeline: &'p Pipeline, options: &SimOptions) -> Engine<'p> {
        let n = pipeline.tasks.len();
        let r = pipeline.resources.len();
        let durations = match &options.durations {
            Some(d) if d.len() == n => d.clone(),
            _ => pipeline.tasks.iter().map(|t| t.duration.nominal()).collect(),
        };

        // Distinct, resolved dependencies; a self-dependency would never be satisfied.
        let mut pending = vec![0u32; n];
        let mut edges: Vec<(TaskIdx, TaskIdx)> = Vec::new();
        let mut seen: Vec<u32> = vec![u32::MAX; n];
        for (i, task) in pipeline.tasks.iter().enumerate() {
            for dep in &task.deps {
                let Some(target) = dep.target else { continue };
                if target.index() == i || target.index() >= n || seen[target.index()] == i as u32 {
                    continue;
                }
                seen[target.index()] = i as u32;
                edges.push((target, TaskIdx(i as u32)));
                pending[i] += 1;
            }
            if task.parent.is_some() {
                pending[i] += 1;
            }
        }
        let mut dependents_start = vec![0u32; n + 1];
        for &(from, _) in &edges {
            dependents_start[from.index() + 1] += 1;
        }
        for i in 0..n {
            dependents_start[i + 1] += dependents_start[i];
        }
        let mut fill = dependents_start.clone();
        let mut dependents = vec![TaskIdx(0); edges.len()];
        for &(from, to) in &edges {
            dependents[fill[from.index()] as usize] = to;
            fill[from.index()] += 1;
        }

        let demands = pipeline
            .tasks
            .iter()
            .map(|t| {
                let mut d: Vec<(ResourceIdx, u32)> = Vec::new();
                for demand in &t.demands {
                    let Some(res) = demand.resource.filter(|r| r.index() < r_len(pipeline)) else {
                        continue;
                    };
                    match d.iter_mut().find(|(r, _)| *r == res) {
                        Some((_, amount)) => *amount = amount.saturating_add(demand.amount),
                        None => d.push((res, demand.amount)),
                    }
                }
                d
            })
            .collect();

        Engine {
            pipeline,
            policy: options.policy,
            durations,
            now: Millis::ZERO,
            dependents_start,
            dependents,
            demands,
            pending,
            children_left: pipeline.tasks.iter().map(|t| t.children.len() as u32).collect(),
            first_dep_done: vec![None; n],
            ready_cause: vec![StartCause::Origin; n],
            last_child: vec![None; n],
            events: BinaryHeap::new(),
            sequence: 0,
            newly_ready: Vec::new(),
            free: pipeline.resources.iter().map(|r| r.capacity).collect(),
            queues: vec![BTreeSet::new(); r],
            queued_on: vec![None; n],
            open_wait: vec![None; n],
            released: vec![false; r],
            last_releaser: vec![None; r],
            holders: vec![Vec::new(); r],
            touched: vec![false; r],
            out: Schedule {
                tasks: vec![TaskTiming::default(); n],
                makespan: Millis::ZERO,
                critical_path: Vec::new(),
                resources: vec![ResourceUsage::default(); r],
                trace: Vec::new(),
            },
        }
    }

    fn run(mut self) -> Schedule {
        for i in 0..self.pipeline.tasks.len() {
            if self.pending[i] == 0 {
                self.become_ready(TaskIdx(i as u32), StartCause::Origin);
            }
        }
        loop {
            // Dispatch until nothing new became ready at this instant (a stage that starts
            // makes its first steps ready at the same instant).
            while !self.newly_ready.is_empty() || self.released.iter().any(|&r| r) {
                self.dispatch();
            }
            self.sample_resources();
            let Some(Reverse((at, _, _))) = self.events.peek() else { break };
            self.now = *at;
            while let Some(&Reverse((at, _, event))) = self.events.peek() {
                if at != self.now {
                    break;
                }
                self.events.pop();
                match event {
                    Event::Finish(task) => self.finish(task),
                }
            }
        }
        self.explain_unstarted();
        self.out.makespan =
            self.out.tasks.iter().filter_map(|t| t.end).max().unwrap_or(Millis::ZERO);
        self.out.critical_path = critical::path(self.pipeline, &self.out, &self.last_child);
        self.out
    }

    fn schedule(&mut self, at: Millis, event: Event) {
        self.sequence += 1;
        self.events.push(Reverse((at, self.sequence, event)));
    }

    fn key(&self, task: TaskIdx) -> Key {
        match self.policy {
            Policy::Fifo => (self.out.tasks[task.index()].ready.map_or(0, |r| r.0), task.0),
            Policy::DocumentOrder => (0, task.0),
        }
    }

    fn become_ready(&mut self, task: TaskIdx, cause: StartCause) {
        let i = task.index();
        self.out.tasks[i].ready = Some(self.now);
        self.ready_cause[i] = cause;
        if let (Some(first), StartCause::Dependency(on)) = (self.first_dep_done[i], cause) {
            // Waiting for a dependency only counts from when it could have been otherwise: after
            // its stage started and its first dependency finished.
            let parent_start = self.pipeline.tasks[i]
                .parent
                .and_then(|p| self.out.tasks[p.index()].start)
                .unwrap_or(Millis::ZERO);
            let from = first.max(parent_start);
            if self.now > from {
                self.out.tasks[i].waits.push(Wait {
                    from,
                    to: self.now,
                    reason: WaitReason::Dependency { on },
                });
            }
        }
        self.trace(task, TraceKind::Ready);
        self.newly_ready.push(task);
    }

    fn trace(&mut self, task: TaskIdx, kind: TraceKind) {
        self.out.trace.push(TraceEvent { at: self.now, task, kind });
    }

    fn finish(&mut self, task: TaskIdx) {
        let i = task.index();
        self.out.tasks[i].end = Some(self.now);
        self.trace(task, TraceKind::Finish);
        for k in 0..self.demands[i].len() {
            let (res, amount) = self.demands[i][k];
            let r = res.index();
            self.free[r] += amount;
            self.released[r] = true;
            self.touched[r] = true;
            self.last_releaser[r] = Some(task);
            if let Some(pos) = self.holders[r].iter().position(|&h| h == task) {
                self.holders[r].swap_remove(pos);
            }
        }
        let (from, to) = (self.dependents_start[i] as usize, self.dependents_start[i + 1] as usize);
        for k in from..to {
            let dependent = self.dependents[k];
            let d = dependent.index();
            self.first_dep_done[d].get_or_insert(self.now);
            self.pending[d] -= 1;
            if self.pending[d] == 0 {
                self.become_ready(dependent, StartCause::Dependency(task));
            }
        }
        if let Some(parent) = self.pipeline.tasks[i].parent {
            let p = parent.index();
            self.last_child[p] = Some(task);
            self.children_left[p] -= 1;
            if self.children_left[p] == 0 {
                self.schedule(self.now, Event::Finish(parent));
            }
        }
    }

    /// Starts, in priority order, every candidate that fits: the newly ready tasks and the tasks
    /// queued on resources released since the last dispatch.
    fn dispatch(&mut self) {
        let fresh = std::mem::take(&mut self.newly_ready);
        let mut fresh_keys: Vec<(Key, TaskIdx)> =
            fresh.into_iter().map(|t| (self.key(t), t)).collect();
        fresh_keys.sort_unstable();

        // Cursors: the next candidate of each source, merged by key.
        // Source `None` is the fresh list; `Some(r)` is resource r's queue.
        let mut cursors: BinaryHeap<Reverse<(Key, TaskIdx, Option<ResourceIdx>)>> =
            BinaryHeap::new();
        let mut fresh_pos = 0;
        if let Some(&(key, task)) = fresh_keys.first() {
            cursors.push(Reverse((key, task, None)));
        }
        for r in 0..self.released.len() {
            if std::mem::take(&mut self.released[r]) && self.free[r] > 0 {
                if let Some(&(key, task)) = self.queues[r].first() {
                    cursors.push(Reverse((key, task, Some(ResourceIdx(r as u32)))));
                }
            }
        }

        while let Some(Reverse((key, task, source))) = cursors.pop() {
            if let Some(res) = source {
                // Nothing queued here can fit while the resource has no free unit: this
                // source is done for this instant.
                if self.free[res.index()] == 0 {
                    continue;
                }
            }
            // Advance the source before starting or moving the task changes the queues.
            match source {
                None => {
                    fresh_pos += 1;
                    if let Some(&(k, t)) = fresh_keys.get(fresh_pos) {
                        cursors.push(Reverse((k, t, None)));
                    }
                }
                Some(res) => {
                    let after = (Bound::Excluded((key, task)), Bound::Unbounded);
                    if let Some(&(k, t)) = self.queues[res.index()].range(after).next() {
                        cursors.push(Reverse((k, t, Some(res))));
                    }
                }
            }
            match self.first_shortage(task) {
                None => self.start(task, key),
                Some(short) => self.wait_on(task, key, short),
            }
        }
    }

    /// The first resource of which the task needs more than is free.
    fn first_shortage(&self, task: TaskIdx) -> Option<ResourceIdx> {
        self.demands[task.index()]
            .iter()
            .find(|&&(res, amount)| self.free[res.index()] < amount)
            .map(|&(res, _)| res)
    }

    fn wait_on(&mut self, task: TaskIdx, key: Key, res: ResourceIdx) {
        let i = task.index();
        if self.queued_on[i] == Some(res) {
            return;
        }
        if let Some(previous) = self.queued_on[i].replace(res) {
            self.queues[previous.index()].remove(&(key, task));
            self.touched[previous.index()] = true;
            self.close_wait(task);
        }
        self.queues[res.index()].insert((key, task));
        self.touched[res.index()] = true;
        let mut holders = self.holders[res.index()].clone();
        holders.sort_unstable();
        let holders_total = holders.len();
        holders.truncate(MAX_HOLDERS);
        let waits = &mut self.out.tasks[i].waits;
        self.open_wait[i] = Some(waits.len());
        waits.push(Wait {
            from: self.now,
            to: self.now,
            reason: WaitReason::Resource {
                resource: res,
                holders,
                holders_total,
                released_by: None,
            },
        });
        self.trace(task, TraceKind::Queued(res));
    }

    /// Ends the open resource wait at the current time, dropping it if it lasted no time.
    fn close_wait(&mut self, task: TaskIdx) {
        let Some(open) = self.open_wait[task.index()].take() else { return };
        let waits = &mut self.out.tasks[task.index()].waits;
        waits[open].to = self.now;
        if waits[open].to == waits[open].from {
            waits.remove(open);
        }
    }

    fn start(&mut self, task: TaskIdx, key: Key) {
        let i = task.index();
        let cause = match self.queued_on[i].take() {
            Some(res) => {
                self.queues[res.index()].remove(&(key, task));
                if let Some(open) = self.open_wait[i] {
                    if let WaitReason::Resource { released_by, .. } =
                        &mut self.out.tasks[i].waits[open].reason
                    {
                        *released_by = self.last_releaser[res.index()];
                    }
                }
                self.close_wait(task);
                match self.last_releaser[res.index()] {
                    Some(by) => StartCause::Resource { resource: res, released_by: by },
                    None => self.ready_cause[i],
                }
            }
            None => self.ready_cause[i],
        };
        let timing = &mut self.out.tasks[i];
        timing.start = Some(self.now);
        timing.cause = Some(cause);
        self.trace(task, TraceKind::Start);
        for k in 0..self.demands[i].len() {
            let (res, amount) = self.demands[i][k];
            self.free[res.index()] -= amount;
            self.holders[res.index()].push(task);
            self.touched[res.index()] = true;
        }
        let children = &self.pipeline.tasks[i].children;
        if children.is_empty() {
            self.schedule(self.now + self.durations[i], Event::Finish(task));
        } else {
            for &child in children {
                self.pending[child.index()] -= 1;
                if self.pending[child.index()] == 0 {
                    self.become_ready(child, StartCause::ParentStart(task));
                }
            }
        }
    }

    /// Records a usage sample for each resource whose use or queue changed at this instant.
    fn sample_resources(&mut self) {
        for r in 0..self.touched.len() {
            if !std::mem::take(&mut self.touched[r]) {
                continue;
            }
            let capacity = self.pipeline.resources[r].capacity;
            let in_use = capacity.saturating_sub(self.free[r]);
            let queued = self.queues[r].len() as u32;
            let usage = &mut self.out.resources[r];
            let sample = UsageSample { at: self.now, in_use, queued };
            match usage.samples.last_mut() {
                Some(last) if last.at == self.now => *last = sample,
                Some(last) if last.in_use == in_use && last.queued == queued => {}
                Some(last) => {
                    // Count the level that just ended, once, as it is replaced.
                    usage.busy += u128::from(last.in_use) * u128::from((self.now - last.at).0);
                    usage.samples.push(sample);
                }
                None => usage.samples.push(sample),
            }
            usage.peak_in_use = usage.peak_in_use.max(in_use);
            usage.peak_queued = usage.peak_queued.max(queued);
        }
    }

    /// Explains, for each task that never started, what it was stuck on.
    fn explain_unstarted(&mut self) {
        for i in 0..self.pipeline.tasks.len() {
            if self.out.tasks[i].start.is_some() {
                continue;
            }
            let blocked = if let Some(res) = self.queued_on[i] {
                let mut holders = self.holders[res.index()].clone();
                holders.sort_unstable();
                self.close_wait(TaskIdx(i as u32));
                Blocked::Resource { resource: res, holders }
            } else if let Some(on) = self.pipeline.tasks[i]
                .deps
                .iter()
                .filter_map(|d| d.target)
                .find(|t| t.index() != i && self.out.tasks[t.index()].end.is_none())
            {
                Blocked::Dependency { on }
            } else if let Some(parent) = self.pipeline.tasks[i].parent {
                Blocked::Parent { parent }
            } else {
                // Ready with no shortage can not be left unstarted; keep the data honest anyway.
                Blocked::Dependency { on: TaskIdx(i as u32) }
            };
            self.out.tasks[i].blocked = Some(blocked);
        }
    }
}

fn r_len(pipeline: &Pipeline) -> usize {
    pipeline.resources.len()
}
