use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::{Pipeline, TaskIdx};
use crate::text::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Reports a `depends_on` entry that names no task, suggesting the closest id. A name is
    /// looked up among the task's siblings first (the other steps of its stage, or the other
    /// stages), then as a full id such as `verify/smoke`.
    ///
    /// ## Why is this bad?
    /// The dependency is dropped, so the task starts without waiting for what you meant it to
    /// wait for, and the timeline is shorter than the real one.
    ///
    /// ## Example
    /// ```yaml
    /// - stage:
    ///     id: verify
    ///     steps:
    ///       - step: {id: smoke, duration: 45s}
    ///       - step: {id: report, depends_on: [smoek]}   # did you mean `smoke`?
    /// ```
    pub static UNKNOWN_DEPENDENCY = {
        code: "PS102",
        name: "unknown-dependency",
        severity: Error,
        check: Model(check),
    }
}

fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    for idx in pipeline.task_indices() {
        let task = pipeline.task(idx);
        for dep in task.deps.iter().filter(|d| d.target.is_none()) {
            let mut d = Diagnostic::new(
                &UNKNOWN_DEPENDENCY,
                dep.span,
                format!("`{}` depends on `{}`, which is not the id of any task", task.id, dep.name),
            );
            d = match suggestion(pipeline, idx, &dep.name) {
                Some(name) => d.with_help(format!("did you mean `{name}`?")),
                None => d.with_help(
                    "`depends_on` names a sibling by its id, or any task by its full id \
                     (`stage/step`)",
                ),
            };
            out.push(d);
        }
    }
}

/// The id the user most likely meant: a task elsewhere whose own id is exactly the name (it
/// needs its full id from here), else the closest full id or sibling id.
fn suggestion<'p>(pipeline: &'p Pipeline, idx: TaskIdx, name: &str) -> Option<&'p str> {
    if let Some(elsewhere) = pipeline.tasks.iter().find(|t| t.local_id == name && t.id != name) {
        return Some(&elsewhere.id);
    }
    let parent = pipeline.task(idx).parent;
    let mut known: Vec<&str> = pipeline.tasks.iter().map(|t| t.id.as_str()).collect();
    known.extend(pipeline.tasks.iter().filter(|t| t.parent == parent).map(|t| t.local_id.as_str()));
    known.sort_unstable();
    known.dedup();
    did_you_mean(name, &known)
}
