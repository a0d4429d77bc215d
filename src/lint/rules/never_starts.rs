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
        check: Schedule(report),
    }
}

/// One diagnostic per task stuck on a resource that never frees up. Tasks stuck behind another
/// task are left out (that task is reported here, or its cycle by `dependency-cycle`), and so
/// is a demand above capacity, which `demand-exceeds-capacity` reports.
fn report(pipeline: &Pipeline, schedule: &Schedule, out: &mut Vec<Diagnostic>) {
    for idx in schedule.never_started() {
        let Some(Blocked::Resource { resource, holders }) = &schedule.timing(idx).blocked else {
            continue;
        };
        if holders.is_empty() {
            continue;
        }
        let task = pipeline.task(idx);
        let held: Vec<String> =
            holders.iter().map(|&h| format!("`{}`", pipeline.task(h).id)).collect();
        let message = format!(
            "`{}` never starts: it waits for {} held by {}, which cannot finish before it",
            task.id,
            pipeline.resource(*resource).describe(),
            held.join(", ")
        );
        out.push(Diagnostic::new(&NEVER_STARTS, task.id_span, message));
    }
}
