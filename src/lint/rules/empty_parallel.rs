use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::Pipeline;

declare_rule! {
    /// ## What it does
    /// Reports a `parallel:` with no members.
    ///
    /// ## Why is this bad?
    /// It runs nothing, so it is either left over from an edit or its members were indented
    /// where they are not read.
    ///
    /// ## Example
    /// ```yaml
    /// stages:
    ///   - stage: {id: build}
    ///   - parallel:
    ///   - stage: {id: deploy-eu}   # meant to be inside `parallel:`?
    /// ```
    pub static EMPTY_PARALLEL = {
        code: "PS109",
        name: "empty-parallel",
        severity: Warning,
        check: Model(check),
    }
}

fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    for group in pipeline.parallel_groups.iter().filter(|g| g.members.is_empty()) {
        out.push(
            Diagnostic::new(&EMPTY_PARALLEL, group.span, "`parallel` has no members")
                .with_help("list the items to run together under it, indented, or remove it"),
        );
    }
}
