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
}

impl Schedule {
    pub fn timing(&self, idx: TaskIdx) -> &TaskTiming {
        &self.tasks[idx.index()]
    }

    /// Tasks that never started (in a cycle, after a cycle, or stuck on a resource).
    pub fn never_started(&self) -> impl Iterator<Item = TaskIdx> + '_ {
        self.tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.start.is_none())
            .map(|(i, _)| TaskIdx(i as u32))
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskTiming {
    /// When everything it waits for had finished (and its stage had started).
    pub ready: Option<Millis>,
    pub start: Option<Millis>,
    pub end: Option<Millis>,
    /// The intervals it spent waiting, in time order.
    pub waits: Vec<Wait>,
    /// Why it started exactly when it did.
    pub cause: Option<StartCause>,
    /// Why it never started, when it did not.
    pub blocked: Option<Blocked>,
}

impl TaskTiming {
    pub fn waited(&self) -> Millis {
        self.waits.iter().map(|w| w.to - w.from).fold(Millis::ZERO, |a, b| a + b)
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceKind {
    Ready,
    /// Ready, but it must wait for this resource.
    Queued(ResourceIdx),
    Start,
    Finish,
}
