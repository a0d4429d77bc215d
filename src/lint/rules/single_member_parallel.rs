use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::Pipeline;

declare_rule! {
    /// ## What it does
    /// Reports a `parallel:` with a single member.
    ///
    /// ## Why is this bad?
    /// There is nothing for the member to run beside, so it runs like any other item: the
    /// group suggests parallelism the pipeline does not have, often because the other members
    /// were indented outside it.
    ///
    /// ## Example
    /// ```yaml
    /// stages:
    ///   - parallel:
    ///       - stage: {id: deploy-eu}
    ///   - stage: {id: deploy-us}   # meant to be inside `parallel:`?
    /// ```
    pub static SINGLE_MEMBER_PARALLEL = {
        code: "PS110",
        name: "single-member-parallel",
        severity: Warning,
        check: Model(check),
    }
}

fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    for group in &pipeline.parallel_groups {
        let [member] = group.members[..] else { continue };
        let task = pipeline.task(member);
        out.push(
            Diagnostic::new(
                &SINGLE_MEMBER_PARALLEL,
                group.span,
                format!("`parallel` with one member (`{}`) runs it like any other item", task.id),
            )
            .with_related(task.id_span, "the only member")
            .with_help(format!(
                "add the {}s that should run beside `{}`, or list it without `parallel:`",
                task.kind.as_str(),
                task.local_id
            )),
        );
    }
}
