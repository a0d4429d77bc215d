//! The pipeline model every dialect lowers into, and the simulation and lint read.
//!
//! It is deliberately small: tasks (stages, steps, jobs) in document order, each with a duration,
//! the tasks it waits for, the resources it holds while it runs, and an optional parent whose
//! span it lives in. References keep the name and position the user wrote, resolved or not, so
//! that lint can point at an unknown dependency and the simulation can skip it.

mod inputs;
mod notes;
pub mod semantics;

use crate::duration::{DurationSpec, Millis};
use crate::span::Span;
pub use inputs::{GithubPlan, Inputs};
pub use notes::shorten;
pub use semantics::*;

/// The duration of a task when neither the file nor the user gives one (real CI files carry
/// none); every reader uses it.
pub const DEFAULT_DURATION: Millis = Millis(60_000);

/// The estimate for a task the file gives no duration: the default, unless a timeout says the
/// task cannot last that long.
pub fn estimated_duration(timeout: Option<Millis>) -> Millis {
    timeout.map_or(DEFAULT_DURATION, |t| t.min(DEFAULT_DURATION))
}

/// Index of a task in [`Pipeline::tasks`] (document order, parents before children).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TaskIdx(pub u32);

impl TaskIdx {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a resource in [`Pipeline::resources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceIdx(pub u32);

impl ResourceIdx {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pipeline {
    pub name: Option<String>,
    /// The format it was read from (for the keys of display notes).
    pub format: Format,
    pub tasks: Vec<Task>,
    pub resources: Vec<Resource>,
    /// The `parallel:` groups as written, for lint; scheduling is already in the tasks' deps.
    pub parallel_groups: Vec<ParallelGroup>,
    /// Counts the file does not give (runners per label, targets per role), with the value
    /// used and whether it was assumed, so that a shell can show them and let the user set them.
    pub sizes: Vec<Size>,
    /// The instances expanded from one matrix (GitHub `strategy.matrix`, GitLab `parallel`,
    /// Harness matrix and parallelism loops), for fail-fast cancellation.
    pub matrices: Vec<MatrixGroup>,
    /// Mutual-exclusion groups as written (GitHub `concurrency`, GitLab `resource_group`), for
    /// lint: scheduling already has each as a resource the members hold.
    pub exclusion_groups: Vec<ExclusionGroup>,
    /// Whether the pipeline runs at all (GitLab `workflow: rules`), unevaluated.
    pub conditions: Vec<Condition>,
    /// The GitHub plan whose limits the jobs on GitHub-hosted runners share, when some job
    /// runs on one, so that a shell can show it and let the user choose another.
    pub hosted_plan: Option<HostedPlan>,
}

/// The plan a workflow's jobs on GitHub-hosted runners are simulated under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostedPlan {
    pub plan: GithubPlan,
    /// `true` when nobody said it: [`GithubPlan::ASSUMED`] is used.
    pub assumed: bool,
}

/// A count the simulation needed that the file does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Size {
    pub kind: SizeKind,
    /// The runner pool's name, or the role.
    pub key: String,
    pub count: u32,
    /// `true` when nobody said it: the dialect's default is used.
    pub assumed: bool,
}

/// Which of [`Inputs`]'s maps a [`Size`] is set through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeKind {
    /// `Inputs::runners`: runners carrying a label or tag.
    Runners,
    /// `Inputs::targets`: deployment targets having a role.
    Targets,
}

impl Pipeline {
    pub fn task(&self, idx: TaskIdx) -> &Task {
        &self.tasks[idx.index()]
    }

    pub fn resource(&self, idx: ResourceIdx) -> &Resource {
        &self.resources[idx.index()]
    }

    pub fn task_indices(&self) -> impl Iterator<Item = TaskIdx> + '_ {
        (0..self.tasks.len()).map(|i| TaskIdx(i as u32))
    }

    /// The first task with this full id.
    pub fn find_task(&self, id: &str) -> Option<TaskIdx> {
        self.tasks.iter().position(|t| t.id == id).map(|i| TaskIdx(i as u32))
    }

    pub fn find_resource(&self, name: &str) -> Option<ResourceIdx> {
        self.resources.iter().position(|r| r.name == name).map(|i| ResourceIdx(i as u32))
    }

    /// Adds a resource, returning its index.
    pub fn add_resource(&mut self, resource: Resource) -> ResourceIdx {
        self.resources.push(resource);
        ResourceIdx(self.resources.len() as u32 - 1)
    }

    /// "Starts after these" dependencies on tasks already added, as the order of items implies
    /// (named by the targets' ids), all pointing at `span`.
    pub fn sequence(&self, on: &[TaskIdx], span: Span) -> Vec<Dependency> {
        on.iter()
            .map(|&t| Dependency {
                target: Some(t),
                name: self.task(t).id.clone(),
                kind: DepKind::Sequence,
                span,
            })
            .collect()
    }

    /// Puts `member` into the exclusion group `name`, creating the group on first use.
    pub fn add_to_exclusion_group(&mut self, name: &str, member: GroupMember) {
        match self.exclusion_groups.iter_mut().find(|g| g.name == name) {
            Some(g) => g.members.push(member),
            None => self
                .exclusion_groups
                .push(ExclusionGroup { name: name.to_string(), members: vec![member] }),
        }
    }

    /// Adds a task (its parent must already be there), linking it into its parent's children.
    pub fn add_task(&mut self, task: Task) -> TaskIdx {
        let idx = TaskIdx(self.tasks.len() as u32);
        if let Some(parent) = task.parent {
            self.tasks[parent.index()].children.push(idx);
        }
        self.tasks.push(task);
        idx
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaskKind {
    Stage,
    #[default]
    Step,
    /// A job of a flat scheduling problem (PSPLIB, and CI jobs later).
    Job,
}

impl TaskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Stage => "stage",
            TaskKind::Step => "step",
            TaskKind::Job => "job",
        }
    }
}

/// Where a task's duration came from, so that the timeline can mark guesses as guesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DurationSource {
    /// Written on the task.
    Explicit,
    /// Taken from `defaults.duration` or the built-in default.
    #[default]
    Default,
    /// The file has no duration (real CI files rarely do): a default, bounded by the task's
    /// timeout when it has one.
    Estimated,
    /// Set by the user outside the file (a durations file, the app's duration editor).
    Override,
    /// Measured in imported past runs (`--history`): one run's time, or the samples of several.
    History,
    /// Computed from the task's children; the task's own duration is not used.
    Children,
}

impl DurationSource {
    pub fn name(self) -> &'static str {
        match self {
            DurationSource::Explicit => "explicit",
            DurationSource::Default => "default",
            DurationSource::Children => "children",
            DurationSource::Estimated => "estimated",
            DurationSource::Override => "override",
            DurationSource::History => "history",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Task {
    /// The full id: the path of ids joined by `/` (`verify/smoke`).
    pub id: String,
    /// The id as written on the task itself (`smoke`).
    pub local_id: String,
    /// A display name, when the dialect has one besides the id.
    pub name: Option<String>,
    pub kind: TaskKind,
    pub parent: Option<TaskIdx>,
    /// A task with children starts, lets its children run, and ends when the last one ends.
    pub children: Vec<TaskIdx>,
    pub duration: DurationSpec,
    /// The chance that one attempt fails, 0 to 1 (own format `failure_rate`); a forecast
    /// draws failures from it.
    pub failure_rate: f64,
    pub duration_source: DurationSource,
    /// How long it waits, once it may start, for a runner to pick it up (learnt from past
    /// runs: GitHub's `started_at − created_at`, GitLab's `queued_duration`); zero when
    /// unknown. Its own kind of wait, before any wait for a resource.
    pub pickup: DurationSpec,
    /// The labels (GitHub `runs-on`) or tags (GitLab) a job asks its runner for, as a run's
    /// job lists them: a job that no past run timed waits for a runner as long as the jobs
    /// with the same labels did. `None` for what no runner picks up (a step, a stage, a
    /// reusable workflow's call, a runner that is an expression).
    pub runner_labels: Option<Vec<String>>,
    pub deps: Vec<Dependency>,
    pub demands: Vec<Demand>,
    /// The whole item as written.
    pub span: Span,
    /// The id (or the item's header when it has no id).
    pub id_span: Span,
    /// Which outcomes of what it waits for let it run.
    pub when: RunWhen,
    /// Where `when` is written, when it is (also `when: delayed`, which sets `start_delay`).
    pub when_span: Option<Span>,
    /// What its failure means and what is done about it.
    pub failure: FailurePolicy,
    /// Conditions on whether it runs at all, unevaluated (all must hold).
    pub conditions: Vec<Condition>,
    /// A person must start or approve it.
    pub gate: Option<ManualGate>,
    /// It starts this long after it could (GitLab `when: delayed` with `start_in`).
    pub start_delay: Option<Millis>,
    /// What the file says about the task that no typed field holds (`environment`, `timeout`,
    /// a reusable workflow), for display, so that it is shown rather than dropped. What the
    /// typed fields hold is shown through [`Pipeline::task_notes`], which derives it.
    pub notes: Vec<Note>,
}

/// A setting shown beside a task: kept as text by a reader (`environment`), or derived from a
/// typed field (`when`, `if`, `allow_failure`).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The key as written: `when`, `if`, `rules`, `failureStrategies`.
    pub key: String,
    /// The value, as short text.
    pub text: String,
    pub span: Span,
}

impl Task {
    /// A task with these ids and kind and nothing else yet: readers fill the rest with struct
    /// update syntax (`Task { duration, ..Task::new(id, local_id, TaskKind::Step) }`).
    pub fn new(id: impl Into<String>, local_id: impl Into<String>, kind: TaskKind) -> Task {
        Task { id: id.into(), local_id: local_id.into(), kind, ..Task::default() }
    }

    pub fn is_group(&self) -> bool {
        !self.children.is_empty()
    }

    /// The name people read: the display name if any, else the full id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepKind {
    /// From the order of items: the previous item or block.
    Sequence,
    /// Written by the user (`depends_on`).
    Explicit,
    /// Written by the user as a CI `needs` (GitHub Actions, GitLab CI): besides ordering the
    /// tasks, it gives the job the needed job's outputs, result or artifacts, which only a
    /// direct `needs` does; so it is never redundant, even when another path implies it.
    Needs,
}

/// "This task starts only after `target` has finished."
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    /// `None` when the name did not resolve.
    pub target: Option<TaskIdx>,
    /// The name as written (or the target's id for sequence dependencies).
    pub name: String,
    pub kind: DepKind,
    pub span: Span,
}

/// "This task holds `amount` units of a resource while it runs."
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// `None` when the name did not resolve.
    pub resource: Option<ResourceIdx>,
    pub name: String,
    pub amount: u32,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    /// Declared by the user under `resources:`.
    Declared,
    /// Harness's automatic lock on an infrastructure.
    Infrastructure,
    /// A mutual-exclusion group: GitHub `concurrency`, GitLab `resource_group`, a Harness
    /// Queue step's key.
    Concurrency,
    /// A pool of runners: runner labels or tags, or the runners a CI service hosts, as many
    /// at once as the account's plan allows (GitHub-hosted runners).
    Pool,
    /// One deployment target (a machine of a role), which runs one step at a time.
    Target,
    /// A cap on how many instances run at once: `max-parallel`, `maxConcurrency`,
    /// `MaxParallelism`.
    Parallelism,
}

/// A renewable resource: `capacity` units, taken while a task runs and given back when it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub name: String,
    pub capacity: u32,
    pub kind: ResourceKind,
    pub span: Span,
}

impl ResourceKind {
    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::Declared => "declared",
            ResourceKind::Infrastructure => "infrastructure",
            ResourceKind::Concurrency => "concurrency",
            ResourceKind::Pool => "pool",
            ResourceKind::Target => "target",
            ResourceKind::Parallelism => "parallelism",
        }
    }
}

impl Resource {
    /// How a message names it: `prod-cluster`, or `infrastructure prod-eu`.
    pub fn describe(&self) -> String {
        match self.kind {
            ResourceKind::Declared => self.name.clone(),
            ResourceKind::Infrastructure => format!("infrastructure {}", self.name),
            ResourceKind::Concurrency => format!("concurrency group {}", self.name),
            ResourceKind::Pool => format!("runner pool {}", self.name),
            ResourceKind::Target => format!("target {}", self.name),
            ResourceKind::Parallelism => format!("parallelism limit {}", self.name),
        }
    }
}

/// The instances one matrix expanded into.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixGroup {
    pub members: Vec<TaskIdx>,
    /// When one instance fails, the others are cancelled (GitHub `fail-fast`, on by default).
    pub fail_fast: bool,
    /// Where `fail-fast` is written, when it is.
    pub fail_fast_span: Option<Span>,
    /// The matrix as written.
    pub span: Span,
}

/// A mutual-exclusion group and the tasks in it, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct ExclusionGroup {
    /// The group's name, with what the reader could expand expanded.
    pub name: String,
    pub members: Vec<GroupMember>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupMember {
    pub task: TaskIdx,
    /// Where the group is written for this task.
    pub span: Span,
    /// The stage of the job, where the format has stages that are not tasks (GitLab).
    pub stage: Option<String>,
}

/// A `parallel:` group as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ParallelGroup {
    pub members: Vec<TaskIdx>,
    /// The `parallel` key.
    pub span: Span,
}
