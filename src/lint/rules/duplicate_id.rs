use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::Pipeline;

declare_rule! {
    /// ## What it does
    /// Reports two tasks with the same full id: two stages with one id, or two steps with one
    /// id in the same stage.
    ///
    /// ## Why is this bad?
    /// A `depends_on` naming that id always means the first of them, so anything meant to wait
    /// for the second one does not, and the timeline cannot tell the two apart.
    ///
    /// ## Example
    /// ```yaml
    /// stages:
    ///   - stage: {id: deploy, infrastructure: prod-eu}
    ///   - stage: {id: deploy, infrastructure: prod-us}   # call it `deploy-us`
    /// ```
    pub static DUPLICATE_ID = {
        code: "PS101",
        name: "duplicate-id",
        severity: Error,
        check: Model(check),
    }
}

fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, task) in pipeline.tasks.iter().enumerate() {
        let Some(&earlier) = first.get(task.id.as_str()) else {
            first.insert(&task.id, i);
            continue;
        };
        let original = &pipeline.tasks[earlier];
        out.push(
            Diagnostic::new(
                &DUPLICATE_ID,
                task.id_span,
                format!("there is already a {} with the id `{}`", original.kind.as_str(), task.id),
            )
            .with_related(original.id_span, format!("the first `{}` is here", task.id))
            .with_help(format!(
                "give this {} another id; `depends_on: [{}]` always means the first one",
                task.kind.as_str(),
                task.local_id
            )),
        );
    }
}
