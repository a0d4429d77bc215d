use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::Pipeline;

declare_rule! {
    /// ## What it does
    /// Reports a task that lists itself in `depends_on`.
    ///
    /// ## Why is this bad?
    /// A task cannot wait for its own end: the real system would never start it, or reject
    /// the pipeline. pipescope ignores the dependency so that the rest can be simulated.
    ///
    /// ## Example
    /// ```yaml
    /// - stage:
    ///     id: verify
    ///     steps:
    ///       - step: {id: smoke, depends_on: [verify/smoke]}   # itself, by its full id
    /// ```
    pub static SELF_DEPENDENCY = {
        code: "PS104",
        name: "self-dependency",
        severity: Error,
        check: Model(check),
    }
}

fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    for idx in pipeline.task_indices() {
        let task = pipeline.task(idx);
        for dep in task.deps.iter().filter(|d| d.target == Some(idx)) {
            out.push(
                Diagnostic::new(
                    &SELF_DEPENDENCY,
                    dep.span,
                    format!("`{}` depends on itself", task.id),
                )
                .with_help(format!(
                    "remove `{}` from `depends_on`; a task cannot wait for its own end",
                    dep.name
                )),
            );
        }
    }
}
