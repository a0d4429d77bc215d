//! Why the schedule is what it is, in words: why a task waited, why it started when it did, and
//! why it never started or never ended.
//!
//! Each explanation is a value built from a [`Pipeline`] and its [`Schedule`] (indices, plus the
//! ids and resource descriptions its sentence needs) with one `Display`. The CLI, the app, the
//! SVG export and the tests all print these values, so the same wait reads the same everywhere
//! and nobody has to parse a sentence back to get at its parts.

use std::fmt::{self, Display, Formatter};

use crate::duration::{Millis, clock};
use crate::model::{AllowFailure, DurationSource, Format, Pipeline, ResourceIdx, RunWhen, TaskIdx};
use crate::sim::{Blocked, Outcome, Schedule, StartCause, Wait, WaitReason};

/// How many tasks a sentence names before "and N more": a pool of hundreds would drown it.
pub const NAMED_TASKS: usize = 3;

/// A task, by index and by the full id sentences name it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskRef<'a> {
    pub task: TaskIdx,
    pub id: &'a str,
}

impl<'a> TaskRef<'a> {
    pub fn new(pipeline: &'a Pipeline, task: TaskIdx) -> Self {
        TaskRef { task, id: &pipeline.task(task).id }
    }
}

impl Display for TaskRef<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

/// The tasks holding a resource: those recorded (in index order) and how many there were in all.
/// Shown as "a", "a and b", "a, b and c", "a, b, c and 4 more".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holders<'a> {
    pub tasks: Vec<TaskRef<'a>>,
    pub total: usize,
}

impl<'a> Holders<'a> {
    fn new(pipeline: &'a Pipeline, tasks: &[TaskIdx], total: usize) -> Self {
        let tasks: Vec<TaskRef<'a>> = tasks.iter().map(|&t| TaskRef::new(pipeline, t)).collect();
        let total = total.max(tasks.len());
        Holders { tasks, total }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub fn contains(&self, task: TaskIdx) -> bool {
        self.tasks.iter().any(|t| t.task == task)
    }
}

impl Display for Holders<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> =
            self.tasks.iter().take(NAMED_TASKS).map(|t| t.id.to_string()).collect();
        let more = self.total - parts.len();
        if more > 0 {
            parts.push(format!("{more} more"));
        }
        match parts.split_last() {
            None => Ok(()),
            Some((last, [])) => f.write_str(last),
            Some((last, rest)) => write!(f, "{} and {last}", rest.join(", ")),
        }
    }
}

/// A resource, by index and by its description ("infrastructure prod-eu", "runner pool linux").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    pub resource: ResourceIdx,
    pub what: String,
}

impl ResourceRef {
    pub fn new(pipeline: &Pipeline, resource: ResourceIdx) -> Self {
        ResourceRef { resource, what: pipeline.resource(resource).describe() }
    }
}

impl Display for ResourceRef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

/// One interval a task spent waiting, and why: "waited 3m for prod-cluster held by deploy-eu".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitExplanation<'a> {
    pub from: Millis,
    pub to: Millis,
    pub cause: WaitCause<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitCause<'a> {
    /// It waited for the last of its dependencies.
    Dependency { on: TaskRef<'a> },
    /// It was ready, but the resource had too few free units: `holders` held it when the wait
    /// began, and `released_by` gave back the units that ended it.
    Resource { resource: ResourceRef, holders: Holders<'a>, released_by: Option<TaskRef<'a>> },
    /// It could start, and waited for a runner to pick it up.
    Pickup,
}

impl<'a> WaitExplanation<'a> {
    pub fn new(pipeline: &'a Pipeline, wait: &Wait) -> Self {
        let cause = match &wait.reason {
            WaitReason::Dependency { on } => {
                WaitCause::Dependency { on: TaskRef::new(pipeline, *on) }
            }
            WaitReason::Resource { resource, holders, holders_total, released_by } => {
                WaitCause::Resource {
                    resource: ResourceRef::new(pipeline, *resource),
                    holders: Holders::new(pipeline, holders, *holders_total),
                    released_by: released_by.map(|t| TaskRef::new(pipeline, t)),
                }
            }
            WaitReason::Pickup => WaitCause::Pickup,
        };
        WaitExplanation { from: wait.from, to: wait.to, cause }
    }

    pub fn length(&self) -> Millis {
        self.to - self.from
    }

    /// The same sentence without the length, for a place that shows the length beside it:
    /// "waited for prod-cluster held by deploy-eu".
    pub fn without_length(&self) -> impl Display + '_ {
        WaitSentence { wait: self, length: false }
    }

    fn write(&self, f: &mut Formatter<'_>, length: bool) -> fmt::Result {
        f.write_str("waited ")?;
        if length {
            write!(f, "{} ", self.length())?;
        }
        match &self.cause {
            WaitCause::Dependency { on } => write!(f, "for {on}"),
            WaitCause::Pickup => f.write_str("for a runner to pick it up"),
            WaitCause::Resource { resource, holders, released_by } => {
                write!(f, "for {resource}")?;
                if !holders.is_empty() {
                    write!(f, " held by {holders}")?;
                }
                // The holders are those of when the wait began; when the units it finally got
                // came from another task, name it too, or the sentence blames the wrong one.
                match released_by {
                    Some(r) if holders.is_empty() => write!(f, " held by {r}"),
                    Some(r) if !holders.contains(r.task) => write!(f, ", then {r}"),
                    _ => Ok(()),
                }
            }
        }
    }
}

impl Display for WaitExplanation<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.write(f, true)
    }
}

struct WaitSentence<'w, 'a> {
    wait: &'w WaitExplanation<'a>,
    length: bool,
}

impl Display for WaitSentence<'_, '_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.wait.write(f, self.length)
    }
}

/// What let a task start exactly when it did: "started when deploy-eu released prod-cluster".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartExplanation<'a> {
    Origin,
    Stage { stage: TaskRef<'a> },
    Dependency { on: TaskRef<'a> },
    Resource { resource: ResourceRef, released_by: TaskRef<'a> },
}

impl<'a> StartExplanation<'a> {
    pub fn new(pipeline: &'a Pipeline, cause: StartCause) -> Self {
        let task = |t| TaskRef::new(pipeline, t);
        match cause {
            StartCause::Origin => StartExplanation::Origin,
            StartCause::ParentStart(p) => StartExplanation::Stage { stage: task(p) },
            StartCause::Dependency(d) => StartExplanation::Dependency { on: task(d) },
            StartCause::Resource { resource, released_by } => StartExplanation::Resource {
                resource: ResourceRef::new(pipeline, resource),
                released_by: task(released_by),
            },
        }
    }
}

impl Display for StartExplanation<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            StartExplanation::Origin => {
                f.write_str("started at the beginning: nothing to wait for")
            }
            StartExplanation::Stage { stage } => {
                write!(f, "started as soon as its stage {stage} started")
            }
            StartExplanation::Dependency { on } => write!(f, "started as soon as {on} finished"),
            StartExplanation::Resource { resource, released_by } => {
                write!(f, "started when {released_by} released {resource}")
            }
        }
    }
}

/// Why a task never started, or started and never ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unfinished<'a> {
    /// It waits for a task that never finishes.
    WaitsFor { on: TaskRef<'a> },
    /// Its enclosing stage never starts.
    StageNeverStarts { stage: TaskRef<'a> },
    /// It needs more of the resource than its capacity.
    OverCapacity { resource: ResourceRef, capacity: u32 },
    /// The units it needs are held by tasks that never finish (such as its own stage).
    HeldForever { resource: ResourceRef, holders: Holders<'a> },
    /// The schedule says it never started but not why (it always says, today).
    Unexplained,
    /// A stage that started, some of whose steps never start.
    NeverEnds,
    /// It did not run because its stage (or job) did not.
    SkippedWithStage { stage: TaskRef<'a> },
    /// It did not run because a job it needs did not (GitHub skips those too).
    SkippedAfterSkip { on: TaskRef<'a> },
    /// It did not run: something it waits for failed or was cancelled (it runs on success);
    /// `on` names the first of those it waits for directly, when one did.
    SkippedAfterFailure { on: Option<(TaskRef<'a>, Outcome)> },
    /// It did not run: it runs only when something it waits for fails, and nothing did.
    SkippedWithoutFailure,
    /// It did not run: its condition holds in no simulated run (GitHub `if: cancelled()`).
    SkippedByCondition,
    /// Another task's failure stopped it, or kept it from starting.
    Cancelled,
    /// Its last attempt failed; `allowed`: its failure counts as a success for what follows.
    Failed { attempts: u32, allowed: bool },
}

impl<'a> Unfinished<'a> {
    pub fn new(pipeline: &'a Pipeline, blocked: Option<&Blocked>) -> Self {
        let task = |t| TaskRef::new(pipeline, t);
        match blocked {
            Some(Blocked::Dependency { on }) => Unfinished::WaitsFor { on: task(*on) },
            Some(Blocked::Parent { parent }) => {
                Unfinished::StageNeverStarts { stage: task(*parent) }
            }
            Some(Blocked::Resource { resource, holders }) if holders.is_empty() => {
                Unfinished::OverCapacity {
                    resource: ResourceRef::new(pipeline, *resource),
                    capacity: pipeline.resource(*resource).capacity,
                }
            }
            Some(Blocked::Resource { resource, holders }) => Unfinished::HeldForever {
                resource: ResourceRef::new(pipeline, *resource),
                holders: Holders::new(pipeline, holders, holders.len()),
            },
            None => Unfinished::Unexplained,
        }
    }
}

impl Display for Unfinished<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Unfinished::WaitsFor { on } => {
                write!(f, "never starts: waits for {on}, which never finishes")
            }
            Unfinished::StageNeverStarts { stage } => {
                write!(f, "never starts: its stage {stage} never starts")
            }
            Unfinished::OverCapacity { resource, capacity } => {
                write!(f, "never starts: needs more of {resource} than its capacity of {capacity}")
            }
            Unfinished::HeldForever { resource, holders } => {
                let verb = if holders.total == 1 { "finishes" } else { "finish" };
                write!(
                    f,
                    "never starts: waits for {resource} held by {holders}, which never {verb}"
                )
            }
            Unfinished::Unexplained => f.write_str("never starts"),
            Unfinished::NeverEnds => f.write_str("never ends: some of its steps never start"),
            Unfinished::SkippedWithStage { stage } => {
                write!(f, "skipped: {stage}, which it is part of, was skipped")
            }
            Unfinished::SkippedAfterSkip { on } => {
                write!(f, "skipped: {on}, which it needs, was skipped")
            }
            Unfinished::SkippedAfterFailure { on: Some((on, outcome)) } => {
                let what = match outcome {
                    Outcome::Failed => "failed",
                    Outcome::Cancelled => "was cancelled",
                    _ => "was skipped after a failure",
                };
                write!(f, "skipped: {on}, which it waits for, {what}")
            }
            Unfinished::SkippedAfterFailure { on: None } => {
                f.write_str("skipped: something it waits for failed or was cancelled")
            }
            Unfinished::SkippedWithoutFailure => {
                f.write_str("skipped: it runs only when something before it fails")
            }
            Unfinished::SkippedByCondition => {
                f.write_str("skipped: its condition holds only in a cancelled run, or never")
            }
            Unfinished::Cancelled => f.write_str("cancelled by another task's failure"),
            Unfinished::Failed { attempts, allowed } => {
                f.write_str("failed")?;
                if *attempts > 1 {
                    write!(f, " after {attempts} attempts")?;
                }
                if *allowed {
                    f.write_str(" (allowed to fail: what follows runs as after a success)")?;
                }
                Ok(())
            }
        }
    }
}

/// Everything that explains one task's place in the schedule: the waits it came out of, then
/// why it never started or never ended. Shown as the parts joined by "; ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskExplanation<'a> {
    pub waits: Vec<WaitExplanation<'a>>,
    pub unfinished: Option<Unfinished<'a>>,
    /// It succeeded at this attempt, after the ones before it failed (0: no retry).
    pub succeeded_at: u32,
}

impl TaskExplanation<'_> {
    pub fn is_empty(&self) -> bool {
        self.waits.is_empty() && self.unfinished.is_none() && self.succeeded_at == 0
    }
}

impl Display for TaskExplanation<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut separator = "";
        for wait in &self.waits {
            write!(f, "{separator}{wait}")?;
            separator = "; ";
        }
        if let Some(unfinished) = &self.unfinished {
            write!(f, "{separator}{unfinished}")?;
        }
        match self.succeeded_at {
            0 => {}
            2 => write!(f, "{separator}retried: succeeded at the 2nd attempt, the 1st failed")?,
            n => write!(f, "{separator}retried: succeeded at attempt {n}, {} failed", n - 1)?,
        }
        Ok(())
    }
}

/// The waits a task came out of. A task that never started is still in its last wait, which
/// [`unfinished`] says better, so it has none.
pub fn waits<'a>(
    pipeline: &'a Pipeline,
    schedule: &Schedule,
    task: TaskIdx,
) -> Vec<WaitExplanation<'a>> {
    let timing = schedule.timing(task);
    if timing.start.is_none() {
        return Vec::new();
    }
    timing.waits.iter().map(|w| WaitExplanation::new(pipeline, w)).collect()
}

/// Why the task started when it did, if it started.
pub fn start<'a>(
    pipeline: &'a Pipeline,
    schedule: &Schedule,
    task: TaskIdx,
) -> Option<StartExplanation<'a>> {
    let timing = schedule.timing(task);
    timing.start?;
    timing.cause.map(|c| StartExplanation::new(pipeline, c))
}

/// A task skipped because something before it failed: names the first of what it waits for
/// directly that failed, else was cancelled, else was skipped.
fn after_failure<'a>(pipeline: &'a Pipeline, schedule: &Schedule, task: TaskIdx) -> Unfinished<'a> {
    let t = pipeline.task(task);
    let before: Vec<(TaskIdx, Outcome)> = t
        .deps
        .iter()
        .filter_map(|d| d.target)
        .filter_map(|d| Some((d, schedule.tasks.get(d.index())?.outcome)))
        .collect();
    let on = [Outcome::Failed, Outcome::Cancelled, Outcome::Skipped]
        .iter()
        .find_map(|&wanted| before.iter().find(|(_, o)| *o == wanted))
        .map(|&(d, o)| (TaskRef::new(pipeline, d), o));
    Unfinished::SkippedAfterFailure { on }
}

/// Why the task never started or never ended, if it did not.
pub fn unfinished<'a>(
    pipeline: &'a Pipeline,
    schedule: &Schedule,
    task: TaskIdx,
) -> Option<Unfinished<'a>> {
    let timing = schedule.timing(task);
    let skipped_stage = (timing.outcome == Outcome::Skipped)
        .then_some(pipeline.task(task).parent)
        .flatten()
        .filter(|&p| schedule.timing(p).outcome == Outcome::Skipped);
    if let Some(stage) = skipped_stage {
        return Some(Unfinished::SkippedWithStage { stage: TaskRef::new(pipeline, stage) });
    }
    match timing.outcome {
        Outcome::Skipped if pipeline.task(task).when == RunWhen::OnFailure => {
            return Some(Unfinished::SkippedWithoutFailure);
        }
        Outcome::Skipped if pipeline.task(task).when == RunWhen::Never => {
            return Some(Unfinished::SkippedByCondition);
        }
        // Only GitHub skips a job because a job it needs was skipped; elsewhere a skip
        // follows a failure.
        Outcome::Skipped if pipeline.format == Format::GithubActions => {
            let outcome = |d: &TaskIdx| schedule.tasks.get(d.index()).map(|t| t.outcome);
            let needs: Vec<TaskIdx> =
                pipeline.task(task).deps.iter().filter_map(|d| d.target).collect();
            let failed = needs
                .iter()
                .any(|d| matches!(outcome(d), Some(Outcome::Failed | Outcome::Cancelled)));
            match needs.iter().find(|d| outcome(d) == Some(Outcome::Skipped)) {
                Some(&on) if !failed => {
                    return Some(Unfinished::SkippedAfterSkip { on: TaskRef::new(pipeline, on) });
                }
                _ => return Some(after_failure(pipeline, schedule, task)),
            }
        }
        Outcome::Skipped => return Some(after_failure(pipeline, schedule, task)),
        Outcome::Cancelled => return Some(Unfinished::Cancelled),
        Outcome::Failed => {
            let allowed = pipeline.task(task).failure.allow == AllowFailure::Yes;
            return Some(Unfinished::Failed { attempts: timing.attempts, allowed });
        }
        Outcome::Succeeded | Outcome::NeverStarted => {}
    }
    match (timing.start, timing.end) {
        (None, _) => Some(Unfinished::new(pipeline, timing.blocked.as_ref())),
        (Some(_), None) => Some(Unfinished::NeverEnds),
        (Some(_), Some(_)) => None,
    }
}

pub fn task<'a>(pipeline: &'a Pipeline, schedule: &Schedule, task: TaskIdx) -> TaskExplanation<'a> {
    let timing = schedule.timing(task);
    let retried = timing.outcome == Outcome::Succeeded && timing.attempts > 1;
    TaskExplanation {
        waits: waits(pipeline, schedule, task),
        unfinished: unfinished(pipeline, schedule, task),
        succeeded_at: if retried { timing.attempts } else { 0 },
    }
}

/// The schedule as plain text, the form the tests pin the semantics in: one
/// [`timeline_line`] per task in document order, then the [`timeline_summary`].
pub fn timeline_text(pipeline: &Pipeline, schedule: &Schedule) -> String {
    let mut out = String::new();
    for t in pipeline.task_indices() {
        out.push_str(&timeline_line(pipeline, schedule, t));
        out.push('\n');
    }
    out.push_str(&timeline_summary(pipeline, schedule));
    out
}

/// One task as `id start–end~ «name» [resource/capacity] (explanation)`, indented two spaces
/// per enclosing stage; `~` marks an estimated duration, the name shows when it differs from
/// the id, `never` stands for the times of a task that never started.
pub fn timeline_line(pipeline: &Pipeline, schedule: &Schedule, task: TaskIdx) -> String {
    let t = pipeline.task(task);
    let timing = schedule.timing(task);
    let mut out = "  ".repeat(depth(pipeline, task));
    out.push_str(&t.id);
    match (timing.start, timing.end) {
        (Some(a), Some(b)) => out.push_str(&format!(" {}–{}", clock(a), clock(b))),
        (Some(a), None) => out.push_str(&format!(" {}–…", clock(a))),
        _ => out.push_str(" never"),
    }
    if t.duration_source == DurationSource::Estimated {
        out.push('~');
    }
    if let Some(name) = t.name.as_deref().filter(|n| *n != t.id) {
        out.push_str(&format!(" «{name}»"));
    }
    let uses: Vec<String> = t
        .demands
        .iter()
        .filter_map(|d| d.resource)
        .map(|r| format!("{}/{}", ResourceRef::new(pipeline, r), pipeline.resource(r).capacity))
        .collect();
    if !uses.is_empty() {
        out.push_str(&format!(" [{}]", uses.join("; ")));
    }
    let why = self::task(pipeline, schedule, task);
    if !why.is_empty() {
        out.push_str(&format!(" ({why})"));
    }
    out
}

/// `makespan 9m · critical build → deploy-us → verify`.
pub fn timeline_summary(pipeline: &Pipeline, schedule: &Schedule) -> String {
    let path: Vec<&str> =
        schedule.critical_path.iter().map(|&t| pipeline.task(t).id.as_str()).collect();
    format!("makespan {} · critical {}\n", schedule.makespan, path.join(" → "))
}

/// How many stages enclose the task (bounded, so a malformed parent link cannot loop).
fn depth(pipeline: &Pipeline, task: TaskIdx) -> usize {
    let mut depth = 0;
    let mut up = pipeline.task(task).parent;
    while let Some(parent) = up {
        depth += 1;
        if depth > 64 {
            break;
        }
        up = pipeline.task(parent).parent;
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Task;
    use crate::{AnalyzeOptions, analyze};

    fn pipeline(ids: &[&str]) -> Pipeline {
        let mut p = Pipeline::default();
        for id in ids {
            p.add_task(Task { id: id.to_string(), ..Default::default() });
        }
        p
    }

    #[test]
    fn holders_are_counted_not_listed_past_three() {
        let p = pipeline(&["a", "b", "c", "d", "e"]);
        let t: Vec<TaskIdx> = p.task_indices().collect();
        let show = |n: usize, total: usize| Holders::new(&p, &t[..n], total).to_string();
        assert_eq!(show(1, 1), "a");
        assert_eq!(show(2, 2), "a and b");
        assert_eq!(show(3, 3), "a, b and c");
        assert_eq!(show(5, 5), "a, b, c and 2 more");
        // The schedule records at most MAX_HOLDERS; the total counts the rest.
        assert_eq!(show(1, 7), "a and 6 more");
        assert_eq!(show(3, 40), "a, b, c and 37 more");
    }

    /// A capacity-1 lock held by `first`, then `second`; `third` waits from while `first` holds
    /// it and starts when `second` releases it.
    const HANDOVER: &str = "pipeline:
  resources: {lock: 1}
  stages:
    - parallel:
        - stage: {id: first, duration: 2m, uses: [lock]}
        - stage: {id: second, duration: 3m, uses: [lock]}
        - stage: {id: third, duration: 1m, uses: [lock]}
";

    #[test]
    fn a_wait_names_who_released_the_resource_when_it_was_not_a_holder() {
        let a = analyze(HANDOVER, &AnalyzeOptions::default());
        let (p, s) = (&a.pipeline, &a.schedule);
        let third = p.find_task("third").unwrap();
        let why = task(p, s, third);
        assert_eq!(why.to_string(), "waited 5m for lock held by first, then second");
        assert_eq!(
            why.waits[0].without_length().to_string(),
            "waited for lock held by first, then second"
        );
        assert_eq!(start(p, s, third).unwrap().to_string(), "started when second released lock");
        // `second` was released to by the holder itself: nothing more to say.
        let second = p.find_task("second").unwrap();
        assert_eq!(task(p, s, second).to_string(), "waited 2m for lock held by first");
        assert_eq!(
            start(p, s, p.find_task("first").unwrap()).unwrap().to_string(),
            "started at the beginning: nothing to wait for"
        );
    }

    #[test]
    fn tasks_that_never_start_or_never_end_say_why() {
        let text = "pipeline:
  resources: {lock: 1, db: 1}
  stages:
    - parallel:
        - stage: {id: a, uses: {lock: 2}}
        - stage:
            id: migrate
            uses: [db]
            steps:
              - step: {id: apply, uses: [db]}
    - stage: {id: b}
";
        let a = analyze(text, &AnalyzeOptions::default());
        let (p, s) = (&a.pipeline, &a.schedule);
        let why = |id: &str| task(p, s, p.find_task(id).unwrap()).to_string();
        assert_eq!(why("a"), "never starts: needs more of lock than its capacity of 1");
        assert_eq!(why("b"), "never starts: waits for a, which never finishes");
        assert_eq!(
            why("migrate/apply"),
            "never starts: waits for db held by migrate, which never finishes"
        );
        assert_eq!(why("migrate"), "never ends: some of its steps never start");
        assert!(start(p, s, p.find_task("b").unwrap()).is_none());
    }

    #[test]
    fn the_timeline_text_has_a_line_per_task_and_the_summary() {
        let a = analyze(HANDOVER, &AnalyzeOptions::default());
        assert_eq!(
            timeline_text(&a.pipeline, &a.schedule),
            "first 0:00–2:00 [lock/1]
second 2:00–5:00 [lock/1] (waited 2m for lock held by first)
third 5:00–6:00 [lock/1] (waited 5m for lock held by first, then second)
makespan 6m · critical first → second → third
"
        );
    }
}
