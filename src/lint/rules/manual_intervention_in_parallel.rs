use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::{GateKind, ManualGate, Pipeline, TaskIdx};

declare_rule! {
    /// ## What it does
    /// Reports an Octopus manual intervention (`Octopus.Manual`) that runs in parallel with other
    /// steps: it starts with the previous step, or the next step starts with it.
    ///
    /// ## Why is this bad?
    /// A manual intervention is meant to stop the deployment until a person approves it. In a
    /// parallel block the other steps run while the approval is pending, so the person approves
    /// (or rejects) something that is already under way.
    ///
    /// ## Example
    /// ```hcl
    /// step "deploy-database" { ... }
    /// step "dba-review" {
    ///     start_trigger = "StartWithPrevious"   # the database deploys while the DBA reviews
    ///     action {
    ///         action_type = "Octopus.Manual"
    ///     }
    /// }
    /// ```
    pub static MANUAL_INTERVENTION_IN_PARALLEL = {
        code: "PS204",
        name: "manual-intervention-in-parallel",
        severity: Warning,
        check: Model(check),
    }
}

/// Each member of a parallel group (an Octopus block of steps) that holds a manual
/// intervention: the step itself, or one of its tasks per target or per action.
fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    for group in &pipeline.parallel_groups {
        for &member in &group.members {
            let Some(gate) = first_manual_intervention(pipeline, member) else { continue };
            let step = pipeline.task(member);
            let others: Vec<&str> = group
                .members
                .iter()
                .filter(|&&other| other != member)
                .map(|&other| pipeline.task(other).id.as_str())
                .collect();
            out.push(
                Diagnostic::new(
                    &MANUAL_INTERVENTION_IN_PARALLEL,
                    step.id_span,
                    format!(
                        "the manual intervention `{}` runs in parallel with `{}`: they go on while it waits for approval",
                        step.id,
                        others.join("`, `")
                    ),
                )
                .with_related(gate.span, "a manual intervention")
                .with_help("let the manual intervention start after the previous step (`StartAfterPrevious`), and the next step after it"),
            );
        }
    }
}

/// The first manual intervention in the task or below it, in document order.
fn first_manual_intervention(pipeline: &Pipeline, root: TaskIdx) -> Option<&ManualGate> {
    let mut stack = vec![root];
    while let Some(idx) = stack.pop() {
        let task = pipeline.task(idx);
        if let Some(gate) = task.gate.as_ref().filter(|g| g.kind == GateKind::ManualIntervention) {
            return Some(gate);
        }
        stack.extend(task.children.iter().rev());
    }
    None
}
