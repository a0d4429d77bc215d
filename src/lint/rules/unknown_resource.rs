use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::Pipeline;
use crate::text::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Reports a `uses` entry that names a resource not declared under `resources:`,
    /// suggesting the closest declared name.
    ///
    /// ## Why is this bad?
    /// Without a capacity there is nothing to wait for, so pipescope lets the task run
    /// without it: the timeline shows tasks overlapping that in reality queue for the
    /// resource.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   runners: 3
    /// stages:
    ///   - stage: {id: build, uses: [runner]}   # did you mean `runners`?
    /// ```
    pub static UNKNOWN_RESOURCE = {
        code: "PS105",
        name: "unknown-resource",
        severity: Error,
        check: Model(check),
    }
}

fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    let known: Vec<&str> = pipeline.resources.iter().map(|r| r.name.as_str()).collect();
    for task in &pipeline.tasks {
        for demand in task.demands.iter().filter(|d| d.resource.is_none()) {
            let d = Diagnostic::new(
                &UNKNOWN_RESOURCE,
                demand.span,
                format!(
                    "`{}` uses `{}`, which is not a declared resource; it runs without it",
                    task.id, demand.name
                ),
            );
            out.push(match did_you_mean(&demand.name, &known) {
                Some(name) => d.with_help(format!("did you mean `{name}`?")),
                None => d.with_help(format!(
                    "declare it under `resources:` with its capacity, e.g. `{}: 1`",
                    demand.name
                )),
            });
        }
    }
}
