use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::{Pipeline, ResourceIdx};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a task that needs more units of a resource than the resource has.
    ///
    /// ## Why is this bad?
    /// The task waits for units that can never be free at once, so it never starts, and
    /// neither does anything that waits for it.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   runners: 3
    /// stages:
    ///   - stage: {id: deploy, uses: {runners: 4}}   # at most 3 can ever be free
    /// ```
    pub static DEMAND_EXCEEDS_CAPACITY = {
        code: "PS106",
        name: "demand-exceeds-capacity",
        severity: Error,
        check: Model(check),
    }
}

fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    for task in &pipeline.tasks {
        // The simulation adds up several demands on one resource; so does this check.
        let mut totals: Vec<(ResourceIdx, u32, Span)> = Vec::new();
        for demand in &task.demands {
            let Some(r) = demand.resource.filter(|r| r.index() < pipeline.resources.len()) else {
                continue;
            };
            match totals.iter_mut().find(|(x, _, _)| *x == r) {
                Some((_, amount, _)) => *amount = amount.saturating_add(demand.amount),
                None => totals.push((r, demand.amount, demand.span)),
            }
        }
        for (r, amount, span) in totals {
            let resource = pipeline.resource(r);
            if amount <= resource.capacity {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &DEMAND_EXCEEDS_CAPACITY,
                    span,
                    format!(
                        "`{}` needs {amount} of {} but its capacity is {}: it can never start",
                        task.id,
                        resource.describe(),
                        resource.capacity
                    ),
                )
                .with_related(resource.span, format!("the capacity of {}", resource.describe()))
                .with_help(format!(
                    "raise the capacity to at least {amount}, or make `{}` need fewer",
                    task.id
                )),
            );
        }
    }
}
