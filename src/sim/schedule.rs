//! What a simulation produces: when each task became ready, started and ended, every interval
//! it waited and why, the makespan, the critical path, each resource's use over time, and the
//! trace of scheduler events (for a step-by-step replay).

use crate::duration::Millis;
use crate::model::{ResourceIdx, TaskIdx};

#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// One entry per task, indexed like `Pipeline::tasks`.
    pub tasks: Vec<TaskTiming>,
    /// When the last task ended (zero for an empty pipeline).
    pub makespan: Millis,
    /// The chain of tasks that determines the end, in time order. Following it backwards, each
    /// task started when the previous one ended (a dependency, or a resource it released) or
    /// when its enclosing stage started.
    pub critical_path: Vec<TaskIdx>,
    /// One entry per resource, indexed like `Pipeline::resources`.
    pub resources: Vec<ResourceUsage>,
    /// The scheduler's events in the order it handled them.
    pub trace: Vec<TraceEvent>,
    /// Whether a failure that is not allowed happened (or a task was cancelled).
    pub failed: bool,
}

impl Schedule {
    pub fn timing(&self, idx: TaskIdx) -> &TaskTiming {
        &self.tasks[idx.index()]
    }

    /// Tasks that never started although they should have (in a cycle, after a cycle, or
    /// stuck on a resource); skipped and cancelled tasks are not among them.
    pub fn never_started(&self) -> impl Iterator<Item = TaskIdx> + '_ {
        self.tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.outcome == Outcome::NeverStarted && t.start.is_none())
            .map(|(i, _)| TaskIdx(i as u32))
    }

    /// Whether the task is on a critical path: its slack is zero (there may be several such
    /// chains; [`Schedule::critical_path`] is one of them).
    pub fn is_critical(&self, idx: TaskIdx) -> bool {
        self.tasks[idx.index()].slack == Some(Millis::ZERO)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskTiming {
    /// When everything it waits for had finished (and its stage had started).
    pub ready: Option<Millis>,
    /// When its first attempt started.
    pub start: Option<Millis>,
    /// When its last attempt ended (or it was cancelled).
    pub end: Option<Millis>,
    pub outcome: Outcome,
    /// How many times it started (more than one after retries).
    pub attempts: u32,
    /// How long it waited for a runner to pick it up once it could start (zero: no such wait).
    pub pickup: Millis,
    /// How much later it could have ended without delaying the end of the pipeline, given the
    /// dependencies and the resource hand-overs of this schedule (full detail only).
    pub slack: Option<Millis>,
    /// The intervals it spent waiting, in time order.
    pub waits: Vec<Wait>,
    /// Why it started exactly when it did (for a skipped task, why it was due then).
    pub cause: Option<StartCause>,
    /// Why it never started, when it did not.
    pub blocked: Option<Blocked>,
}

impl TaskTiming {
    pub fn waited(&self) -> Millis {
        self.waits.iter().map(|w| w.to - w.from).fold(Millis::ZERO, |a, b| a + b)
    }
}

/// How a task's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Outcome {
    Succeeded,
    /// Its last attempt failed (whether the failure was allowed is the task's policy).
    Failed,
    /// It did not run: what it waits for did not end the way its `when` asks.
    Skipped,
    /// It was stopped, or never started, because another task's failure cancelled it.
    Cancelled,
    /// It should have run but never could (a cycle, or a resource that never frees).
    #[default]
    NeverStarted,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
            Outcome::Cancelled => "cancelled",
            Outcome::NeverStarted => "never_started",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    pub from: Millis,
    pub to: Millis,
    pub reason: WaitReason,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WaitReason {
    /// Some of its dependencies had finished, and it waited for the rest; `on` finished last.
    Dependency { on: TaskIdx },
    /// It was ready, but the resource had too few free units; `holders` held it when the wait
    /// began (at most [`MAX_HOLDERS`] of them, `holders_total` in all), and `released_by` gave
    /// back the units that ended the wait (`None` while it never ended, or when the wait moved
    /// on to another resource).
    Resource {
        resource: ResourceIdx,
        holders: Vec<TaskIdx>,
        holders_total: usize,
        released_by: Option<TaskIdx>,
    },
    /// It could start, and waited for a runner to pick it up (a pickup delay learnt from
    /// past runs).
    Pickup,
}

/// How many holders a wait names; a pool of hundreds would drown the message.
pub const MAX_HOLDERS: usize = 16;

/// What let a task start when it did: the link the critical path follows backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartCause {
    /// Nothing to wait for: it started at time zero.
    Origin,
    /// It started as soon as its enclosing stage started.
    ParentStart(TaskIdx),
    /// It started as soon as this dependency (the last of its dependencies) finished.
    Dependency(TaskIdx),
    /// It started as soon as this task finished and gave back units of the resource.
    Resource { resource: ResourceIdx, released_by: TaskIdx },
}

/// Why a task never started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    /// It waits for a task that never finished.
    Dependency { on: TaskIdx },
    /// Its enclosing stage never started.
    Parent { parent: TaskIdx },
    /// It needs more of a resource than will ever be free: more than its capacity, or units
    /// held by tasks that never finish (such as its own stage).
    Resource { resource: ResourceIdx, holders: Vec<TaskIdx> },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceUsage {
    /// A step function: from `at` on, `in_use` units were held and `queued` tasks waited.
    pub samples: Vec<UsageSample>,
    pub peak_in_use: u32,
    pub peak_queued: u32,
    /// Unit-milliseconds held in all (the area under `in_use`).
    pub busy: u128,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageSample {
    pub at: Millis,
    pub in_use: u32,
    pub queued: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceEvent {
    pub at: Millis,
    pub task: TaskIdx,
    pub kind: TraceKind,
}

/// One step of the scheduler, enough for a step-by-step replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceKind {
    /// Everything it waits for is done (and its stage started).
    Ready,
    /// Ready, but it must wait for this resource.
    Queued(ResourceIdx),
    /// It took units of a resource (right before it started).
    Acquired {
        resource: ResourceIdx,
        units: u32,
    },
    /// It gave units back (when an attempt ended or it was cancelled).
    Released {
        resource: ResourceIdx,
        units: u32,
    },
    Start,
    /// It ended successfully.
    Finish,
    /// An attempt failed.
    Fail,
    /// It becomes ready again for another attempt.
    Retry,
    /// It was stopped (while running) or will never start (while waiting).
    Cancel,
    /// It will not run: what it waits for ended otherwise than its `when` asks.
    Skip,
    /// It may start, and waits for a runner to pick it up.
    AwaitPickup,
    /// A runner picked it up.
    PickedUp,
}

impl TraceKind {
    pub fn name(self) -> &'static str {
        match self {
            TraceKind::Ready => "ready",
            TraceKind::Queued(_) => "queued",
            TraceKind::Acquired { .. } => "acquired",
            TraceKind::Released { .. } => "released",
            TraceKind::Start => "started",
            TraceKind::Finish => "finished",
            TraceKind::Fail => "failed",
            TraceKind::Retry => "retried",
            TraceKind::Cancel => "cancelled",
            TraceKind::Skip => "skipped",
            TraceKind::AwaitPickup => "awaiting_pickup",
            TraceKind::PickedUp => "picked_up",
        }
    }
}
