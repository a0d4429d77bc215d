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
//! A Monte Carlo forecast runs a small plan hundreds of thousands of times per second, so the
//! per-run costs are kept down too: each event is one integer (one comparison orders two), the
//! run state of every task is reset with one copy of a prebuilt slice, the makespan is known
//! without a final scan, and a run below full detail carries no recording code (the detail is
//! a constant parameter of the run's methods).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

mod critical_set;
mod outcome;
mod record;

use super::SimError;
use super::plan::{NO_MATRIX, Node, Plan};
use super::policy::{Key, key_task};
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
    /// Each task's wait for a runner to pick it up, indexed like `Pipeline::tasks`; `None`
    /// uses the model's.
    pub pickups: Option<&'a [Millis]>,
}

/// The outcome of a run recorded at [`Detail::Makespan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSummary {
    pub makespan: Millis,
    /// A failure that is not allowed happened.
    pub failed: bool,
}

/// The future events. Starts happen in dispatch, at the current time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    /// An attempt ended well, or the last step of a stage ended.
    Finish(TaskIdx),
    /// An attempt failed.
    Fail(TaskIdx),
    /// A failed task is ready for its next attempt.
    Retry(TaskIdx),
    /// Another task's failure stops this one.
    Cancel(TaskIdx),
    /// A runner picked the task up: it may now take its resources and start.
    PickedUp(TaskIdx),
}

/// Bits of a queued event's sequence number. An event is one `u128`: its time in the high 64
/// bits, then the sequence number, the kind (3 bits) and the task (32 bits), so that integer
/// order is (time, sequence) order. Should a run schedule 2^29 events, the pending ones are
/// renumbered in order ([`Simulator::renumber_events`]).
const SEQUENCE_BITS: u32 = 29;
/// Where the sequence number starts in a packed event.
const SEQUENCE_SHIFT: u32 = 35;

impl Event {
    fn pack(self, at: Millis, sequence: u64) -> u128 {
        let (kind, task) = match self {
            Event::Finish(t) => (0u128, t),
            Event::Fail(t) => (1, t),
            Event::Retry(t) => (2, t),
            Event::Cancel(t) => (3, t),
            Event::PickedUp(t) => (4, t),
        };
        u128::from(at.0) << 64
            | u128::from(sequence) << SEQUENCE_SHIFT
            | kind << 32
            | u128::from(task.0)
    }

    fn unpack(packed: u128) -> Event {
        let task = TaskIdx(packed as u32);
        match (packed >> 32) & 7 {
            0 => Event::Finish(task),
            1 => Event::Fail(task),
            2 => Event::Retry(task),
            3 => Event::Cancel(task),
            _ => Event::PickedUp(task),
        }
    }
}

/// The time of a packed event.
fn event_time(packed: u128) -> Millis {
    Millis((packed >> 64) as u64)
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

/// The levels of [`Detail`] as the constant parameter of a run's methods, so that a run below
/// full detail carries no recording code at all.
const MAKESPAN: u8 = 0;
const TIMINGS: u8 = 1;
const FULL: u8 = 2;
const DETAILS: [Detail; 3] = [Detail::Makespan, Detail::Timings, Detail::Full];

/// Where one resource is in a run.
#[derive(Debug, Clone, Copy, Default)]
struct ResourceState {
    free: u32,
    /// Live entries of its queue (cancelled tasks leave stale ones behind).
    queued: u32,
    /// Given back since the last dispatch (and listed in `released`, once).
    released: bool,
    /// Who last gave back units (recorded from [`Detail::Timings`] up, for
    /// [`TaskState::started_by`]).
    last_releaser: Option<TaskIdx>,
}

/// Which of a task's times are set ([`TaskState::set`]).
const READY: u8 = 1;
const STARTED: u8 = 2;
const ENDED: u8 = 4;

/// Where one task is in a run. Kept small and plain (`Copy`, times without `Option`) because
/// every run starts by copying the initial state of every task.
#[derive(Debug, Clone, Copy, Default)]
struct TaskState {
    /// The times, each meaningful only when its bit is in `set`.
    ready_at: Millis,
    start_at: Millis,
    end_at: Millis,
    /// Dependencies (and the stage's start) still awaited.
    pending: u32,
    /// For a stage: steps not yet over.
    children_left: u32,
    attempts: u32,
    queued_on: Option<ResourceIdx>,
    /// Whose release let it start, when it waited in a queue (from [`Detail::Timings`] up: the
    /// critical set follows these hand-overs).
    started_by: Option<TaskIdx>,
    outcome: Outcome,
    /// What happened upstream ([`FAILED`], [`CANCELLED`]) and [`CANCEL_REQUESTED`].
    flags: u8,
    /// For a stage: how its steps ended, as flags.
    child_flags: u8,
    /// [`READY`], [`STARTED`], [`ENDED`].
    set: u8,
    resolved: bool,
    /// An attempt of this task (without steps) is under way and holds its units.
    running: bool,
    /// Where it is with its wait for a runner: [`PICKUP_NONE`], [`PICKUP_WAITING`] or
    /// [`PICKUP_DONE`].
    pickup: u8,
}

/// The task has not waited for a runner (or needs no wait).
const PICKUP_NONE: u8 = 0;
/// It was judged to run and waits for a runner to pick it up.
const PICKUP_WAITING: u8 = 1;
/// A runner picked it up: it was judged already and goes straight to dispatch.
const PICKUP_DONE: u8 = 2;

impl TaskState {
    /// When everything it waits for was over.
    fn ready(&self) -> Option<Millis> {
        (self.set & READY != 0).then_some(self.ready_at)
    }

    /// When its first attempt started.
    fn start(&self) -> Option<Millis> {
        (self.set & STARTED != 0).then_some(self.start_at)
    }

    /// When its last attempt ended, or it was cancelled while running.
    fn end(&self) -> Option<Millis> {
        (self.set & ENDED != 0).then_some(self.end_at)
    }

    /// It started and ended.
    fn ran(&self) -> bool {
        self.set & (STARTED | ENDED) == STARTED | ENDED
    }
}

/// Runs one plan as many times as asked.
pub struct Simulator<'a, 'p> {
    plan: &'a Plan<'p>,
    detail: Detail,
    durations: Vec<Millis>,
    failures: Vec<u32>,
    pickups: Vec<Millis>,
    now: Millis,
    /// The latest end so far: the makespan, since time only moves forward.
    last_end: Millis,
    sequence: u64,
    /// Packed events ([`Event::pack`]).
    events: BinaryHeap<Reverse<u128>>,
    /// Each task's run state, indexed like `Pipeline::tasks`.
    tasks: Vec<TaskState>,
    /// What `tasks` is at the start of every run.
    initial: Vec<TaskState>,
    /// The tasks that wait for nothing, in file order.
    roots: Vec<TaskIdx>,
    newly_ready: Vec<TaskIdx>,
    fresh: Vec<Key>,
    /// Each resource's run state, indexed like `Pipeline::resources`.
    resources: Vec<ResourceState>,
    /// The tasks waiting for each resource, by key (a key ends with its task).
    queues: Vec<BinaryHeap<Reverse<Key>>>,
    /// Resources given back since the last dispatch, each once.
    released: Vec<ResourceIdx>,
    cursors: BinaryHeap<Reverse<(Key, u32)>>,
    /// Queue entries to push back once a dispatch is over.
    requeue: Vec<(ResourceIdx, Key)>,
    /// A stack for resolving the steps of a stage that will never start.
    descendants: Vec<TaskIdx>,
    critical: critical_set::Walk,
    failed: bool,
    rec: record::Recorder,
}

/// Whether a task that became ready runs, from its `when` and what happened upstream (its
/// `flags`).
fn runs(flags: u8, node: &Node) -> bool {
    let skipped = node.skip_carries && flags & SKIPPED != 0;
    match node.when {
        RunWhen::OnSuccess => flags & (FAILED | CANCELLED) == 0 && !skipped,
        RunWhen::OnFailure => flags & FAILED != 0,
        RunWhen::Always => true,
        RunWhen::Never => false,
    }
}

/// Clears a vector and fills it with `n` copies of `value`, keeping its capacity.
fn refill<T: Clone>(v: &mut Vec<T>, n: usize, value: T) {
    v.clear();
    v.resize(n, value);
}

impl<'a, 'p> Simulator<'a, 'p> {
    pub fn new(plan: &'a Plan<'p>) -> Simulator<'a, 'p> {
        let n = plan.len();
        let roots: Vec<TaskIdx> =
            (0..n).filter(|&i| plan.pending[i] == 0).map(|i| TaskIdx(i as u32)).collect();
        let mut initial: Vec<TaskState> = (0..n)
            .map(|i| TaskState {
                pending: plan.pending[i],
                children_left: plan.children(i).len() as u32,
                ..TaskState::default()
            })
            .collect();
        // The roots are ready at time zero in every run.
        for root in &roots {
            initial[root.index()].set = READY;
        }
        Simulator {
            plan,
            detail: Detail::Makespan,
            durations: Vec::new(),
            failures: Vec::new(),
            pickups: Vec::new(),
            now: Millis::ZERO,
            last_end: Millis::ZERO,
            sequence: 0,
            events: BinaryHeap::new(),
            tasks: Vec::new(),
            initial,
            roots,
            newly_ready: Vec::new(),
            fresh: Vec::new(),
            resources: Vec::new(),
            queues: Vec::new(),
            released: Vec::new(),
            cursors: BinaryHeap::new(),
            requeue: Vec::new(),
            descendants: Vec::new(),
            critical: critical_set::Walk::default(),
            failed: false,
            rec: record::Recorder::default(),
        }
    }

    /// Runs the plan, recording only the makespan and whether it failed.
    pub fn makespan(&mut self, input: &RunInput) -> Result<RunSummary, SimError> {
        self.run_summary(input, Detail::Makespan)
    }

    /// Runs the plan recording `detail` but builds no schedule: what the run left is read with
    /// [`Simulator::task_ends`] and [`Simulator::critical_tasks`], without allocating.
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

    /// How the last run ended for each task, in order (`Detail::Timings` or more): its end, if
    /// it ran or was cancelled while running, its outcome and its attempts. Reading these needs
    /// no schedule, so a forecast allocates nothing per run.
    pub fn task_ends(&self) -> impl ExactSizeIterator<Item = (Option<Millis>, Outcome, u32)> + '_ {
        self.tasks.iter().map(|t| (t.end(), t.outcome, t.attempts))
    }

    fn summary(&self) -> RunSummary {
        RunSummary { makespan: self.last_end, failed: self.failed }
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
        if let Some(p) = input.pickups.filter(|p| p.len() != n) {
            return Err(SimError::PickupsLength { expected: n, got: p.len() });
        }
        Ok(())
    }

    /// Runs with an input [`Simulator::check`] accepted.
    fn execute(&mut self, input: &RunInput, detail: Detail) {
        match detail {
            Detail::Makespan => self.execute_as::<MAKESPAN>(input),
            Detail::Timings => self.execute_as::<TIMINGS>(input),
            Detail::Full => self.execute_as::<FULL>(input),
        }
    }

    /// [`Simulator::execute`] at detail `D`, one of [`MAKESPAN`], [`TIMINGS`], [`FULL`].
    fn execute_as<const D: u8>(&mut self, input: &RunInput) {
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
        self.pickups.clear();
        self.pickups.extend_from_slice(input.pickups.unwrap_or(&self.plan.pickup));
        self.reset(DETAILS[D as usize]);

        if D == FULL {
            for k in 0..self.roots.len() {
                self.become_ready::<D>(self.roots[k], StartCause::Origin);
            }
        } else {
            // What `become_ready` would do at time zero: the state is set already.
            self.newly_ready.extend_from_slice(&self.roots);
        }
        loop {
            // Dispatch until nothing new became ready at this instant (a stage that starts
            // makes its first steps ready at the same instant).
            while !self.newly_ready.is_empty() || !self.released.is_empty() {
                self.dispatch::<D>();
            }
            if D == FULL {
                self.sample_resources();
            }
            let Some(&Reverse(first)) = self.events.peek() else { break };
            self.now = event_time(first);
            while let Some(&Reverse(packed)) = self.events.peek() {
                if event_time(packed) != self.now {
                    break;
                }
                self.events.pop();
                match Event::unpack(packed) {
                    Event::Finish(task) => self.finish::<D>(task),
                    Event::Fail(task) => self.fail::<D>(task),
                    Event::Retry(task) => self.retry::<D>(task),
                    Event::Cancel(task) => self.cancel::<D>(task),
                    Event::PickedUp(task) => self.picked_up::<D>(task),
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
        self.last_end = Millis::ZERO;
        self.sequence = 0;
        self.events.clear();
        self.tasks.clear();
        self.tasks.extend_from_slice(&self.initial);
        self.newly_ready.clear();
        self.resources.clear();
        self.resources.extend(
            plan.capacity.iter().map(|&free| ResourceState { free, ..ResourceState::default() }),
        );
        if self.queues.len() != r {
            self.queues.resize_with(r, BinaryHeap::new);
        }
        self.queues.iter_mut().for_each(BinaryHeap::clear);
        self.released.clear();
        self.failed = false;
        if detail < Detail::Full {
            // Nothing reads the recorder below full detail.
            return;
        }

        let rec = &mut self.rec;
        refill(&mut rec.first_dep_done, n, None);
        refill(&mut rec.ready_cause, n, StartCause::Origin);
        refill(&mut rec.cause, n, None);
        refill(&mut rec.last_child, n, None);
        refill(&mut rec.open_wait, n, None);
        // Waits and usage are handed out with the schedule, so these start empty.
        rec.waits.clear();
        rec.waits.resize_with(n, Vec::new);
        rec.holders.truncate(r);
        rec.holders.iter_mut().for_each(Vec::clear);
        rec.holders.resize_with(r, Vec::new);
        rec.touched.clear();
        refill(&mut rec.touched_flag, r, false);
        rec.usage.clear();
        rec.usage.resize_with(r, ResourceUsage::default);
        rec.trace.clear();
    }

    /// Whether the last run recorded everything (for what reads it afterwards; during a run
    /// the detail is the constant `D`).
    fn full(&self) -> bool {
        self.detail == Detail::Full
    }

    fn schedule_event(&mut self, at: Millis, event: Event) {
        self.sequence += 1;
        if self.sequence >> SEQUENCE_BITS != 0 {
            self.renumber_events();
        }
        self.events.push(Reverse(event.pack(at, self.sequence)));
    }

    /// Numbers the pending events 1, 2, ... in their order, so that sequence numbers fit their
    /// bits again; the order of events, pending and future, stays the same.
    #[cold]
    fn renumber_events(&mut self) {
        let mut pending = std::mem::take(&mut self.events).into_sorted_vec();
        // Sorted ascending as `Reverse`: the last event to happen comes first.
        pending.reverse();
        let low = (1u128 << SEQUENCE_SHIFT) - 1;
        for (k, Reverse(packed)) in pending.iter_mut().enumerate() {
            *packed = (*packed >> 64) << 64 | (k as u128 + 1) << SEQUENCE_SHIFT | (*packed & low);
        }
        self.sequence = pending.len() as u64 + 1;
        self.events = BinaryHeap::from(pending);
    }

    /// The task ended (an attempt, or the task) now.
    fn set_end(&mut self, i: usize) {
        let t = &mut self.tasks[i];
        t.end_at = self.now;
        t.set |= ENDED;
        self.last_end = self.now;
    }

    fn trace<const D: u8>(&mut self, task: TaskIdx, kind: TraceKind) {
        if D == FULL {
            self.rec.trace.push(TraceEvent { at: self.now, task, kind });
        }
    }

    fn touch<const D: u8>(&mut self, res: ResourceIdx) {
        if D == FULL && !std::mem::replace(&mut self.rec.touched_flag[res.index()], true) {
            self.rec.touched.push(res);
        }
    }

    /// Everything the task waits for is over: it is judged (run, skip, cancel) at dispatch.
    fn become_ready<const D: u8>(&mut self, task: TaskIdx, cause: StartCause) {
        let i = task.index();
        let t = &mut self.tasks[i];
        t.ready_at = self.now;
        t.set |= READY;
        if D == FULL {
            self.rec.ready_cause[i] = cause;
        }
        self.trace::<D>(task, TraceKind::Ready);
        self.newly_ready.push(task);
    }

    /// Starts, in priority order, every candidate that fits: the newly ready tasks that run
    /// and the tasks queued on resources released since the last dispatch.
    fn dispatch<const D: u8>(&mut self) {
        self.fresh.clear();
        let judged = self.newly_ready.len();
        for k in 0..judged {
            let task = self.newly_ready[k];
            let i = task.index();
            let t = &self.tasks[i];
            if t.resolved {
                continue;
            }
            // A retry, or a task a runner just picked up, was judged before.
            let judged = t.attempts > 0 || t.pickup == PICKUP_DONE;
            if !judged && t.flags & CANCEL_REQUESTED != 0 {
                self.trace::<D>(task, TraceKind::Cancel);
                self.resolve::<D>(task, Outcome::Cancelled);
            } else if !judged && !runs(t.flags, &self.plan.nodes[i]) {
                self.trace::<D>(task, TraceKind::Skip);
                if D == FULL {
                    // What made it due is what the tasks after it wait on, through it.
                    self.rec.cause[i] = Some(self.rec.ready_cause[i]);
                }
                self.resolve::<D>(task, Outcome::Skipped);
            } else {
                if !judged && D == FULL {
                    self.record_dependency_wait(i);
                }
                if !judged && self.pickups[i] > Millis::ZERO {
                    self.await_pickup::<D>(task);
                    continue;
                }
                let key = self.plan.key(task, self.now);
                self.fresh.push(key);
            }
        }
        // Resolving skipped tasks may have made others ready: they are judged next round.
        if self.newly_ready.len() == judged {
            self.newly_ready.clear();
        } else {
            self.newly_ready.drain(..judged);
        }
        if self.fresh.len() > 1 {
            self.fresh.sort_unstable();
        }

        // The queues of released resources that have free units, by their first entry.
        self.cursors.clear();
        for k in 0..self.released.len() {
            let res = self.released[k];
            let r = res.index();
            self.resources[r].released = false;
            if self.resources[r].free > 0 {
                if let Some(&Reverse(key)) = self.queues[r].peek() {
                    self.cursors.push(Reverse((key, res.0)));
                }
            }
        }
        self.released.clear();

        if self.cursors.is_empty() {
            // No queue to merge: the fresh tasks come in their own order.
            for k in 0..self.fresh.len() {
                self.consider::<D>(self.fresh[k]);
            }
        } else {
            if let Some(&key) = self.fresh.first() {
                self.cursors.push(Reverse((key, FRESH)));
            }
            let mut fresh_pos = 0;
            while let Some(Reverse((key, source))) = self.cursors.pop() {
                if source == FRESH {
                    fresh_pos += 1;
                    if let Some(&next) = self.fresh.get(fresh_pos) {
                        self.cursors.push(Reverse((next, FRESH)));
                    }
                } else {
                    let r = source as usize;
                    // Nothing queued here can fit while the resource has no free unit: this
                    // source is done for this instant.
                    if self.resources[r].free == 0 {
                        continue;
                    }
                    self.queues[r].pop();
                    if let Some(&Reverse(next)) = self.queues[r].peek() {
                        self.cursors.push(Reverse((next, source)));
                    }
                    // A cancelled task leaves its entry behind.
                    if self.tasks[key_task(key) as usize].queued_on != Some(ResourceIdx(source)) {
                        continue;
                    }
                }
                self.consider::<D>(key);
            }
        }
        // Entries go back only now, so that the walk above never meets them again: within one
        // dispatch free units only shrink, so they could not fit anyway.
        for k in 0..self.requeue.len() {
            let (res, key) = self.requeue[k];
            self.queues[res.index()].push(Reverse(key));
        }
        self.requeue.clear();
    }

    /// The task waits for a runner to pick it up before it may take resources and start.
    fn await_pickup<const D: u8>(&mut self, task: TaskIdx) {
        let i = task.index();
        self.tasks[i].pickup = PICKUP_WAITING;
        if D == FULL {
            let waits = &mut self.rec.waits[i];
            self.rec.open_wait[i] = Some(waits.len());
            waits.push(Wait { from: self.now, to: self.now, reason: WaitReason::Pickup });
        }
        self.trace::<D>(task, TraceKind::AwaitPickup);
        self.schedule_event(self.now + self.pickups[i], Event::PickedUp(task));
    }

    /// A runner picked the task up: it is dispatched (it was judged when it became ready).
    fn picked_up<const D: u8>(&mut self, task: TaskIdx) {
        let i = task.index();
        if self.tasks[i].resolved {
            return; // cancelled meanwhile
        }
        self.tasks[i].pickup = PICKUP_DONE;
        self.close_wait(i, None);
        self.trace::<D>(task, TraceKind::PickedUp);
        self.newly_ready.push(task);
    }

    /// Starts the candidate with this key if it fits, else queues it where it falls short.
    #[inline(always)]
    fn consider<const D: u8>(&mut self, key: Key) {
        let task = TaskIdx(key_task(key));
        match self.first_shortage(task) {
            None => self.start_task::<D>(task),
            Some(short) => self.wait_on::<D>(task, key, short),
        }
    }

    /// The first resource of which the task needs more than is free.
    fn first_shortage(&self, task: TaskIdx) -> Option<ResourceIdx> {
        self.plan
            .demands(task.index())
            .iter()
            .find(|&&(res, amount)| self.resources[res.index()].free < amount)
            .map(|&(res, _)| res)
    }

    fn wait_on<const D: u8>(&mut self, task: TaskIdx, key: Key, res: ResourceIdx) {
        let i = task.index();
        self.requeue.push((res, key));
        if self.tasks[i].queued_on == Some(res) {
            return;
        }
        if let Some(previous) = self.tasks[i].queued_on.replace(res) {
            self.resources[previous.index()].queued -= 1;
            self.touch::<D>(previous);
            self.close_wait(i, None);
        }
        self.resources[res.index()].queued += 1;
        self.touch::<D>(res);
        if D == FULL {
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
        self.trace::<D>(task, TraceKind::Queued(res));
    }

    #[inline(always)]
    fn start_task<const D: u8>(&mut self, task: TaskIdx) {
        let i = task.index();
        let now = self.now;
        let t = &mut self.tasks[i];
        let first_attempt = t.attempts == 0;
        if first_attempt {
            t.start_at = now;
            t.set |= STARTED;
        }
        t.attempts += 1;
        let attempts = t.attempts;
        let queued = t.queued_on.take();
        let mut releaser = None;
        if let Some(res) = queued {
            let resource = &mut self.resources[res.index()];
            resource.queued -= 1;
            if D >= TIMINGS {
                releaser = resource.last_releaser;
                if first_attempt && releaser.is_some() {
                    self.tasks[i].started_by = releaser;
                }
            }
            self.touch::<D>(res);
        }
        if D == FULL {
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
        let plan = self.plan;
        let node = &plan.nodes[i];
        for &(res, units) in plan.demands_of(node) {
            self.resources[res.index()].free -= units;
            if D == FULL {
                self.rec.holders[res.index()].push(task);
            }
            self.touch::<D>(res);
            self.trace::<D>(task, TraceKind::Acquired { resource: res, units });
        }
        self.trace::<D>(task, TraceKind::Start);
        if !node.has_children() {
            self.tasks[i].running = true;
            let at = now + self.durations[i];
            let fails = attempts <= self.failures[i];
            self.schedule_event(at, if fails { Event::Fail(task) } else { Event::Finish(task) });
        } else {
            for &child in plan.children_of(node) {
                let c = &mut self.tasks[child.index()];
                c.pending -= 1;
                if c.pending == 0 {
                    self.become_ready::<D>(child, StartCause::ParentStart(task));
                }
            }
        }
    }

    /// Gives back the units the task holds.
    #[inline(always)]
    fn release<const D: u8>(&mut self, task: TaskIdx) {
        let plan = self.plan;
        for &(res, units) in plan.demands(task.index()) {
            let r = res.index();
            let resource = &mut self.resources[r];
            resource.free += units;
            if D >= TIMINGS {
                resource.last_releaser = Some(task);
            }
            if !std::mem::replace(&mut resource.released, true) {
                self.released.push(res);
            }
            if D == FULL {
                if let Some(pos) = self.rec.holders[r].iter().position(|&h| h == task) {
                    self.rec.holders[r].swap_remove(pos);
                }
            }
            self.touch::<D>(res);
            self.trace::<D>(task, TraceKind::Released { resource: res, units });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pipeline;

    #[test]
    fn renumbering_sequence_numbers_keeps_the_order_of_events() {
        let pipeline = Pipeline::default();
        let plan = Plan::first_ready(&pipeline);
        let mut sim = Simulator::new(&plan);
        // The fourth event runs out of sequence numbers: the pending three are renumbered.
        sim.sequence = (1 << SEQUENCE_BITS) - 4;
        let scheduled = [
            (5, Event::Finish(TaskIdx(0))),
            (3, Event::Fail(TaskIdx(1))),
            (5, Event::Retry(TaskIdx(2))),
            (3, Event::Cancel(TaskIdx(3))),
            (5, Event::Finish(TaskIdx(4))),
            (1, Event::Finish(TaskIdx(5))),
        ];
        for (at, event) in scheduled {
            sim.schedule_event(Millis(at), event);
        }
        assert!(sim.sequence < 1 << SEQUENCE_BITS);
        let order: Vec<(u64, Event)> = std::iter::from_fn(|| sim.events.pop())
            .map(|Reverse(packed)| (event_time(packed).0, Event::unpack(packed)))
            .collect();
        // By time, then in the order they were scheduled.
        let mut expected = scheduled.to_vec();
        expected.sort_by_key(|&(at, _)| at);
        assert_eq!(order, expected);
    }
}
