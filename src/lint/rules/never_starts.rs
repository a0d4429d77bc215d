use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::Pipeline;
use crate::sim::{Blocked, Schedule};

declare_rule! {
    /// ## What it does
    /// Reports a task that the simulation could never start, and what it was stuck on: a
    /// dependency that never finishes (a cycle, or a task after one), or a resource that never
    /// has enough free units (more than its capacity, or held by the task's own stage).
    ///
    /// ## Why is this bad?
    /// The real system would hang or reject the pipeline at that point.
    ///
    /// ## Example
    /// ```yaml
    /// resources: {db: 1}
    /// stages:
    ///   - stage:
    ///       id: migrate
    ///       uses: [db]          # the stage holds the only unit of db ...
    ///       steps:
    ///         - step: {id: apply, uses: [db]}   # ... so this step waits forever
    /// ```
    pub static NEVER_STARTS = {
        code: "PS111",
        name: "never-starts",
        severity: Error,
        check: None,
    }
}

/// One diagnostic per task the schedule left unstarted, skipping tasks that are only stuck
/// behind another unstarted task (the root cause is reported once).
pub fn report(pipeline: &Pipeline, schedule: &Schedule) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for idx in schedule.never_started() {
        let task = pipeline.task(idx);
        let message = match &schedule.timing(idx).blocked {
            Some(Blocked::Resource { resource, holders }) => {
                let res = pipeline.resource(*resource);
                let held: Vec<&str> =
                    holders.iter().map(|&h| pipeline.task(h).id.as_str()).collect();
                if held.is_empty() {
                    format!(
                        "`{}` never starts: it needs more of {} than its capacity of {}",
                        task.id,
                        res.describe(),
                        res.capacity
                    )
                } else {
                    format!(
                        "`{}` never starts: it waits for {} held by {}, which never finishes",
                        task.id,
                        res.describe(),
                        held.join(", ")
                    )
                }
            }
            Some(Blocked::Dependency { on }) => {
                if schedule.timing(*on).start.is_none()
                    && schedule.timing(*on).blocked.is_some()
                    && *on != idx
                {
                    continue;
                }
                format!(
                    "`{}` never starts: it waits for `{}`, which never finishes",
                    task.id,
                    pipeline.task(*on).id
                )
            }
            Some(Blocked::Parent { .. }) | None => continue,
        };
        out.push(Diagnostic::new(&NEVER_STARTS, task.id_span, message));
    }
    out
}
