//! The run state of the discrete-event engine, reset cheaply between runs of one [`Plan`].
//!
//! Time is integer milliseconds. The event queue is ordered by (time, sequence number), so
//! events at the same instant are handled in the order they were scheduled, and the same plan
//! and input always give the same run.
//!
//! At each instant, after every event of that instant has been handled, the dispatcher judges
//! the tasks that became ready (run, skip or cancel, from their `when` and what happened
//! before) and starts the ones that run and fit, in priority order ([`Policy`]); a task that
//! does not fit waits in the queue of the first resource it lacks, without blocking later
//! tasks that do fit. Only tasks queued on a resource released since the last dispatch can
//! start (the free units of every other resource have only shrunk since they were checked):
//! the engine keeps the list of those resources instead of scanning all of them, and walks a
//! queue only while its resource has free units. Each dispatch therefore costs
//! O(candidates · log n), and a run O((V + E) log V).
//!
//! Every buffer lives in [`Simulator`] and keeps its capacity from one run to the next, so a
//! run that records only the makespan allocates nothing once the first run has warmed it up.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

mod critical_set;
mod outcome;
mod record;

use super::SimError;
use super::plan::{NO_MATRIX, Plan};
use super::policy::Key;
use super::schedule::*;
use crate::duration::Millis;
use crate::model::{ResourceIdx, RunWhen, TaskIdx};

/// How much a run records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detail {
    /// The makespan and whether the pipeline failed: what a Monte Carlo sample needs.
    Makespan,
    /// Also each task's ready, start and end times, outcome and attempts.
    Timings,
    /// Also the waits with their reasons, why each task started or never did, resource use
    /// over time, the trace, the critical path and the slack.
    Full,
}

/// What changes from one run of a plan to the next.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunInput<'a> {
    /// Each task's duration, indexed like `Pipeline::tasks`; `None` uses the model's.
    pub durations: Option<&'a [Millis]>,
    /// How many attempts of each task fail before one succeeds (0: the first succeeds,
    /// `u32::MAX`: every one fails), indexed like `Pipeline::tasks`; `None`: nothing fails.
    /// A failed attempt takes its whole duration. Tasks with steps fail through their steps.
    pub failures: Option<&'a [u32]>,
}

/// The outcome of a run recorded at [`Detail::Makespan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSummary {
    pub makespan: Millis,
    /// A failure that is not allowed happened.
    pub failed: bool,
}

/// The future events. Starts happen in dispatch, at the current time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// An attempt ended well, or the last step of a stage ended.
    Finish(TaskIdx),
    /// An attempt failed.
    Fail(TaskIdx),
    /// A failed task is ready for its next attempt.
    Retry(TaskIdx),
    /// Another task's failure stops this one.
    Cancel(TaskIdx),
}

/// Something upstream failed (and the failure was not allowed).
const FAILED: u8 = 1;
/// Something upstream was cancelled.
const CANCELLED: u8 = 2;
/// The task was cancelled before it could be judged.
const CANCEL_REQUESTED: u8 = 4;
/// Something it directly waits for was skipped (not passed on further).
const SKIPPED: u8 = 8;

/// Where a dispatch candidate comes from: the fresh list, or a resource's queue.
const FRESH: u32 = u32::MAX;

/// Where one task is in a run.
#[derive(Debug, Clone, Copy, Default)]
struct TaskState {
    ready: Option<Millis>,
    start: Option<Millis>,
    end: Option<Millis>,
    /// Dependencies (and the stage's start) still awaited.
    pending: u32,
    /// For a stage: steps not yet over.
    children_left: u32,
    attempts: u32,
    queued_on: Option<ResourceIdx>,
    outcome: Outcome,
    /// What happened upstream ([`FAILED`], [`CANCELLED`]) and [`CANCEL_REQUESTED`].
    flags: u8,
    /// For a stage: how its steps ended, as flags.
    child_flags: u8,
    resolved: bool,
    /// An attempt of this task (without steps) is under way and holds its units.
    running: bool,
}

/// Runs one plan as many times as asked.
pub struct Simulator<'a, 'p> {
    plan: &'a Plan<'p>,
    detail: Detail,
    durations: Vec<Millis>,
    failures: Vec<u32>,
    now: Millis,
    sequence: u64,
    events: BinaryHeap<Reverse<(Millis, u64, Event)>>,
    /// Each task's run state, indexed like `Pipeline::tasks`.
    tasks: Vec<TaskState>,
    newly_ready: Vec<TaskIdx>,
    fresh: Vec<(Key, TaskIdx)>,
    free: Vec<u32>,
    queues: Vec<BinaryHeap<Reverse<(Key, TaskIdx)>>>,
    /// Live entries of each queue (cancelled tasks leave stale ones behind).
    queued_count: Vec<u32>,
    /// Resources given back since the last dispatch, each once.
    released: Vec<ResourceIdx>,
    released_flag: Vec<bool>,
    cursors: BinaryHeap<Reverse<(Key, TaskIdx, u32)>>,
    /// Queue entries to push back once a dispatch is over.
    requeue: Vec<(ResourceIdx, Key, TaskIdx)>,
    /// A stack for resolving the steps of a stage that will never start.
    descendants: Vec<TaskIdx>,
    /// Who last gave back units of each resource, and, for each task that waited in a queue,
    /// whose release let it start (recorded from [`Detail::Timings`] up: the critical set
    /// follows these hand-overs).
    last_releaser: Vec<Option<TaskIdx>>,
    started_by: Vec<Option<TaskIdx>>,
    critical: critical_set::Walk,
    failed: bool,
    rec: record::Recorder,
}

/// Clears a vector and fills it with `n` copies of `value`, keeping its capacity.
fn refill<T: Clone>(v: &mut Vec<T>, n: usize, value: T) {
    v.clear();
    v.resize(n, value);
}

impl<'a, 'p> Simulator<'a, 'p> {
    pub fn new(plan: &'a Plan<'p>) -> Simulator<'a, 'p> {
        Simulator {
            plan,
            detail: Detail::Makespan,
            durations: Vec::new(),
            failures: Vec::new(),
            now: Millis::ZERO,
            sequence: 0,
            events: BinaryHeap::new(),
            tasks: Vec::new(),
            newly_ready: Vec::new(),
            fresh: Vec::new(),
            free: Vec::new(),
            queues: Vec::new(),
            queued_count: Vec::new(),
            released: Vec::new(),
            released_flag: Vec::new(),
            cursors: BinaryHeap::new(),
            requeue: Vec::new(),
            descendants: Vec::new(),
            last_releaser: Vec::new(),
            started_by: Vec::new(),
            critical: critical_set::Walk::default(),
            failed: false,
            rec: record::Recorder::default(),
        }
    }

    /// Runs the plan, recording only the makespan and whether it failed.
    pub fn makespan(&mut self, input: &RunInput) -> Result<RunSummary, SimError> {
        self.check(input)?;
        self.execute(input, Detail::Makespan);
        Ok(self.summary())
    }

    /// Runs the plan recording `detail` but builds no schedule: what the run left is read with
    /// [`Simulator::task_end`] and [`Simulator::critical_tasks`], without allocating.
    pub fn run_summary(
        &mut self,
        input: &RunInput,
        detail: Detail,
    ) -> Result<RunSummary, SimError> {
        self.check(input)?;
        self.execute(input, detail);
        Ok(self.summary())
    }

    /// Runs the plan and returns the schedule with the detail asked for.
    pub fn run(&mut self, input: &RunInput, detail: Detail) -> Result<Schedule, SimError> {
        self.check(input)?;
        self.execute(input, detail);
        Ok(self.schedule())
    }

    /// Runs the plan as the model gives it (its durations, nothing failing): an input that
    /// cannot be wrong.
    pub fn run_as_planned(&mut self, detail: Detail) -> Schedule {
        self.execute(&RunInput::default(), detail);
        self.schedule()
    }

    /// How the last run ended for one task (`Detail::Timings` or more): its end, if it ran or
    /// was cancelled while running, its outcome and its attempts. Reading these needs no
    /// schedule, so a forecast allocates nothing per run.
    pub fn task_end(&self, task: TaskIdx) -> (Option<Millis>, Outcome, u32) {
        let t = &self.tasks[task.index()];
        (t.end, t.outcome, t.attempts)
    }

    fn summary(&self) -> RunSummary {
        let makespan = self.tasks.iter().filter_map(|t| t.end).max().unwrap_or(Millis::ZERO);
        RunSummary { makespan, failed: self.failed }
    }

    /// An override must give one value per task.
    fn check(&self, input: &RunInput) -> Result<(), SimError> {
        let n = self.plan.len();
        if let Some(d) = input.durations.filter(|d| d.len() != n) {
            return Err(SimError::DurationsLength { expected: n, got: d.len() });
        }
        if let Some(f) = input.failures.filter(|f| f.len() != n) {
            return Err(SimError::FailuresLength { expected: n, got: f.len() });
        }
        Ok(())
    }

    /// Runs with an input [`Simulator::check`] accepted.
    fn execute(&mut self, input: &RunInput, detail: Detail) {
        let n = self.plan.len();
        self.durations.clear();
        self.durations.extend_from_slice(input.durations.unwrap_or(&self.plan.nominal));
        match input.failures {
            Some(f) => {
                self.failures.clear();
                self.failures.extend_from_slice(f);
            }
            None => refill(&mut self.failures, n, 0),
        }
        self.reset(detail);

        for i in 0..n {
            if self.tasks[i].pending == 0 {
                self.become_ready(TaskIdx(i as u32), StartCause::Origin);
            }
        }
        loop {
            // Dispatch until nothing new became ready at this instant (a stage that starts
            // makes its first steps ready at the same instant).
            while !self.newly_ready.is_empty() || !self.released.is_empty() {
                self.dispatch();
            }
            if self.detail == Detail::Full {
                self.sample_resources();
            }
            let Some(&Reverse((at, _, _))) = self.events.peek() else { break };
            self.now = at;
            while let Some(&Reverse((at, _, event))) = self.events.peek() {
                if at != self.now {
                    break;
                }
                self.events.pop();
                match event {
                    Event::Finish(task) => self.finish(task),
                    Event::Fail(task) => self.fail(task),
                    Event::Retry(task) => self.retry(task),
                    Event::Cancel(task) => self.cancel(task),
                }
            }
        }
    }

    fn reset(&mut self, detail: Detail) {
        let plan = self.plan;
        let n = plan.len();
        let r = plan.capacity.len();
        self.detail = detail;
        self.now = Millis::ZERO;
        self.sequence = 0;
        self.events.clear();
        self.tasks.clear();
        self.tasks.extend((0..n).map(|i| TaskState {
            pending: plan.pending[i],
            children_left: plan.children(i).len() as u32,
            ..TaskState::default()
        }));
        self.newly_ready.clear();
        self.free.clear();
        self.free.extend_from_slice(&plan.capacity);
        self.queues.truncate(r);
        self.queues.iter_mut().for_each(BinaryHeap::clear);
        self.queues.resize_with(r, BinaryHeap::new);
        refill(&mut self.queued_count, r, 0);
        self.released.clear();
        refill(&mut self.released_flag, r, false);
        self.failed = false;
        let (tn, tr) = if detail >= Detail::Timings { (n, r) } else { (0, 0) };
        refill(&mut self.last_releaser, tr, None);
        refill(&mut self.started_by, tn, None);

        let rec = &mut self.rec;
        let (rn, rr) = if detail == Detail::Full { (n, r) } else { (0, 0) };
        refill(&mut rec.first_dep_done, rn, None);
        refill(&mut rec.ready_cause, rn, StartCause::Origin);
        refill(&mut rec.cause, rn, None);
        refill(&mut rec.last_child, rn, None);
        refill(&mut rec.open_wait, rn, None);
        // Waits and usage are handed out with the schedule, so these start empty.
        rec.waits.clear();
        rec.waits.resize_with(rn, Vec::new);
        rec.holders.truncate(rr);
        rec.holders.iter_mut().for_each(Vec::clear);
        rec.holders.resize_with(rr, Vec::new);
        rec.touched.clear();
        refill(&mut rec.touched_flag, rr, false);
        rec.usage.clear();
        rec.usage.resize_with(rr, ResourceUsage::default);
        rec.trace.clear();
    }

    fn full(&self) -> bool {
        self.detail == Detail::Full
    }

    fn schedule_event(&mut self, at: Millis, event: Event) {
        self.sequence += 1;
        self.events.push(Reverse((at, self.sequence, event)));
    }

    fn trace(&mut self, task: TaskIdx, kind: TraceKind) {
        if self.full() {
            self.rec.trace.push(TraceEvent { at: self.now, task, kind });
        }
    }

    fn touch(&mut self, res: ResourceIdx) {
        if self.full() && !std::mem::replace(&mut self.rec.touched_flag[res.index()], true) {
            self.rec.touched.push(res);
        }
    }

    /// Everything the task waits for is over: it is judged (run, skip, cancel) at dispatch.
    fn become_ready(&mut self, task: TaskIdx, cause: StartCause) {
        let i = task.index();
        self.tasks[i].ready = Some(self.now);
        if self.full() {
            self.rec.ready_cause[i] = cause;
        }
        self.trace(task, TraceKind::Ready);
        self.newly_ready.push(task);
    }

    /// Whether a task that became ready runs, from its `when` and what happened upstream.
    fn runs(&self, i: usize) -> bool {
        let flags = self.tasks[i].flags;
        let skipped = self.plan.skip_carries[i] && flags & SKIPPED != 0;
        match self.plan.when[i] {
            RunWhen::OnSuccess => flags & (FAILED | CANCELLED) == 0 && !skipped,
            RunWhen::OnFailure => flags & FAILED != 0,
            RunWhen::Always => true,
            RunWhen::Never => false,
        }
    }

    /// Starts, in priority order, every candidate that fits: the newly ready tasks that run
    /// and the tasks queued on resources released since the last dispatch.
    fn dispatch(&mut self) {
        let mut fresh = std::mem::take(&mut self.fresh);
        fresh.clear();
        let judged = self.newly_ready.len();
        for k in 0..judged {
            let task = self.newly_ready[k];
            let i = task.index();
            if self.tasks[i].resolved {
                continue;
            }
            let retry = self.tasks[i].attempts > 0;
            if !retry && self.tasks[i].flags & CANCEL_REQUESTED != 0 {
                self.trace(task, TraceKind::Cancel);
                self.resolve(task, Outcome::Cancelled);
            } else if !retry && !self.runs(i) {
                self.trace(task, TraceKind::Skip);
                if self.full() {
                    // What made it due is what the tasks after it wait on, through it.
                    self.rec.cause[i] = Some(self.rec.ready_cause[i]);
                }
                self.resolve(task, Outcome::Skipped);
            } else {
                if !retry && self.full() {
                    self.record_dependency_wait(i);
                }
                fresh.push((self.plan.key(task, self.now), task));
            }
        }
        // Resolving skipped tasks may have made others ready: they are judged next round.
        self.newly_ready.drain(..judged);
        fresh.sort_unstable();

        self.cursors.clear();
        if let Some(&(key, task)) = fresh.first() {
            self.cursors.push(Reverse((key, task, FRESH)));
        }
        let mut fresh_pos = 0;
        for k in 0..self.released.len() {
            let res = self.released[k];
            let r = res.index();
            self.released_flag[r] = false;
            if self.free[r] > 0 {
                if let Some(&Reverse((key, task))) = self.queues[r].peek() {
                    self.cursors.push(Reverse((key, task, res.0)));
                }
            }
        }
        self.released.clear();

        while let Some(Reverse((key, task, source))) = self.cursors.pop() {
            if source == FRESH {
                fresh_pos += 1;
                if let Some(&(k, t)) = fresh.get(fresh_pos) {
                    self.cursors.push(Reverse((k, t, FRESH)));
                }
            } else {
                let r = source as usize;
                // Nothing queued here can fit while the resource has no free unit: this
                // source is done for this instant.
                if self.free[r] == 0 {
                    continue;
                }
                self.queues[r].pop();
                if let Some(&Reverse((k, t))) = self.queues[r].peek() {
                    self.cursors.push(Reverse((k, t, source)));
                }
                // A cancelled task leaves its entry behind.
                if self.tasks[task.index()].queued_on != Some(ResourceIdx(source)) {
                    continue;
                }
            }
            match self.first_shortage(task) {
                None => self.start_task(task),
                Some(short) => self.wait_on(task, key, short),
            }
        }
        // Entries go back only now, so that the walk above never meets them again: within one
        // dispatch free units only shrink, so they could not fit anyway.
        for (res, key, task) in self.requeue.drain(..) {
            self.queues[res.index()].push(Reverse((key, task)));
        }
        self.fresh = fresh;
    }

    /// The first resource of which the task needs more than is free.
    fn first_shortage(&self, task: TaskIdx) -> Option<ResourceIdx> {
        self.plan
            .demands(task.index())
            .iter()
            .find(|&&(res, amount)| self.free[res.index()] < amount)
            .map(|&(res, _)| res)
    }

    fn wait_on(&mut self, task: TaskIdx, key: Key, res: ResourceIdx) {
        let i = task.index();
        self.requeue.push((res, key, task));
        if self.tasks[i].queued_on == Some(res) {
            return;
        }
        if let Some(previous) = self.tasks[i].queued_on.replace(res) {
            self.queued_count[previous.index()] -= 1;
            self.touch(previous);
            self.close_wait(i, None);
        }
        self.queued_count[res.index()] += 1;
        self.touch(res);
        if self.full() {
            let mut holders = self.rec.holders[res.index()].clone();
            holders.sort_unstable();
            let holders_total = holders.len();
            holders.truncate(MAX_HOLDERS);
            let waits = &mut self.rec.waits[i];
            self.rec.open_wait[i] = Some(waits.len());
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
        }
        self.trace(task, TraceKind::Queued(res));
    }

    fn start_task(&mut self, task: TaskIdx) {
        let i = task.index();
        let first_attempt = self.tasks[i].attempts == 0;
        let queued = self.tasks[i].queued_on.take();
        if let Some(res) = queued {
            self.queued_count[res.index()] -= 1;
            self.touch(res);
        }
        let releaser = match queued {
            Some(res) if self.detail >= Detail::Timings => self.last_releaser[res.index()],
            _ => None,
        };
        if first_attempt && releaser.is_some() {
            self.started_by[i] = releaser;
        }
        if self.full() {
            self.close_wait(i, releaser);
            if first_attempt {
                let cause = match (queued, releaser) {
                    (Some(resource), Some(released_by)) => {
                        StartCause::Resource { resource, released_by }
                    }
                    _ => self.rec.ready_cause[i],
                };
                self.rec.cause[i] = Some(cause);
            }
        }
        if first_attempt {
            self.tasks[i].start = Some(self.now);
        }
        self.tasks[i].attempts += 1;
        let plan = self.plan;
        for &(res, units) in plan.demands(i) {
            self.free[res.index()] -= units;
            if self.full() {
                self.rec.holders[res.index()].push(task);
            }
            self.touch(res);
            self.trace(task, TraceKind::Acquired { resource: res, units });
        }
        self.trace(task, TraceKind::Start);
        let children = plan.children(i);
        if children.is_empty() {
            self.tasks[i].running = true;
            let at = self.now + self.durations[i];
            let fails = self.tasks[i].attempts <= self.failures[i];
            self.schedule_event(at, if fails { Event::Fail(task) } else { Event::Finish(task) });
        } else {
            for &child in children {
                self.tasks[child.index()].pending -= 1;
                if self.tasks[child.index()].pending == 0 {
                    self.become_ready(child, StartCause::ParentStart(task));
                }
            }
        }
    }

    /// Gives back the units the task holds.
    fn release(&mut self, task: TaskIdx) {
        let plan = self.plan;
        for &(res, units) in plan.demands(task.index()) {
            let r = res.index();
            self.free[r] += units;
            if !std::mem::replace(&mut self.released_flag[r], true) {
                self.released.push(res);
            }
            if self.detail >= Detail::Timings {
                self.last_releaser[r] = Some(task);
            }
            if self.full() {
                if let Some(pos) = self.rec.holders[r].iter().position(|&h| h == task) {
                    self.rec.holders[r].swap_remove(pos);
                }
            }
            self.touch(res);
            self.trace(task, TraceKind::Released { resource: res, units });
        }
    }
}
