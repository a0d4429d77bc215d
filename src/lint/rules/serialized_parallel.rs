use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::declare_rule;
use crate::model::{Pipeline, ResourceIdx, ResourceKind, TaskIdx};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports members of a `parallel:` that can never run at the same time because they hold
    /// the same resource and it cannot hold them both: most often two stages on one
    /// `infrastructure`, which Harness-style pipelines lock for one stage at a time. Only the
    /// members' own `uses` and `infrastructure` count, not their steps'.
    ///
    /// When some of the members fit together but not all of them, it says how many can run
    /// at once, as information.
    ///
    /// ## Why is this bad?
    /// The file says the members run together; they will run one after another, so the
    /// pipeline takes longer than it reads.
    ///
    /// ## Example
    /// ```yaml
    /// stages:
    ///   - parallel:
    ///       - stage: {id: deploy-eu, infrastructure: prod-eu}
    ///       - stage: {id: deploy-us, infrastructure: prod-eu}   # waits for deploy-eu
    /// ```
    /// Add `allow_simultaneous: true` to both if they may deploy at the same time.
    pub static SERIALIZED_PARALLEL = {
        code: "PS107",
        name: "serialized-parallel",
        severity: Warning,
        check: Model(check),
    }
}

/// A member of a group holding some of one resource.
struct Holder {
    task: TaskIdx,
    amount: u32,
    span: Span,
}

fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    // Nested `parallel:` groups are also listed inside their outer group; the same members on
    // the same resource are reported once.
    let mut reported: Vec<(ResourceIdx, Vec<TaskIdx>)> = Vec::new();
    for group in &pipeline.parallel_groups {
        for (r, holders) in holders_by_resource(pipeline, &group.members) {
            if holders.len() < 2 {
                continue;
            }
            let key = (r, holders.iter().map(|h| h.task).collect::<Vec<_>>());
            if reported.contains(&key) {
                continue;
            }
            let Some(d) = diagnose(pipeline, r, &holders, group.span) else { continue };
            reported.push(key);
            out.push(d);
        }
    }
}

/// The members' own demands, added up per member and grouped per resource, in the order the
/// resources are first used. A member needing more than the capacity is left out: it never
/// runs at all, which `demand-exceeds-capacity` reports.
fn holders_by_resource(
    pipeline: &Pipeline,
    members: &[TaskIdx],
) -> Vec<(ResourceIdx, Vec<Holder>)> {
    let mut by_resource: Vec<(ResourceIdx, Vec<Holder>)> = Vec::new();
    for &member in members {
        for demand in &pipeline.task(member).demands {
            let Some(r) = demand.resource.filter(|r| r.index() < pipeline.resources.len()) else {
                continue;
            };
            let slot = match by_resource.iter().position(|(x, _)| *x == r) {
                Some(i) => i,
                None => {
                    by_resource.push((r, Vec::new()));
                    by_resource.len() - 1
                }
            };
            let holders = &mut by_resource[slot].1;
            match holders.iter_mut().find(|h| h.task == member) {
                Some(h) => h.amount = h.amount.saturating_add(demand.amount),
                None => {
                    holders.push(Holder { task: member, amount: demand.amount, span: demand.span })
                }
            }
        }
    }
    for (r, holders) in &mut by_resource {
        let capacity = pipeline.resource(*r).capacity;
        holders.retain(|h| h.amount <= capacity);
    }
    by_resource
}

fn diagnose(
    pipeline: &Pipeline,
    r: ResourceIdx,
    holders: &[Holder],
    span: Span,
) -> Option<Diagnostic> {
    let resource = pipeline.resource(r);
    let capacity = u64::from(resource.capacity);
    let total: u64 = holders.iter().map(|h| u64::from(h.amount)).sum();
    if total <= capacity {
        return None;
    }
    let mut amounts: Vec<u64> = holders.iter().map(|h| u64::from(h.amount)).collect();
    amounts.sort_unstable();
    let kinds = format!("{}s", pipeline.task(holders[0].task).kind.as_str());

    let mut d = if amounts[0] + amounts[1] > capacity {
        // No two of them fit together: they run strictly one after another.
        let show_amounts = holders.iter().any(|h| h.amount != 1);
        let names: Vec<String> = holders
            .iter()
            .map(|h| {
                let id = &pipeline.task(h.task).id;
                if show_amounts { format!("`{id}` ({})", h.amount) } else { format!("`{id}`") }
            })
            .collect();
        let both = if holders.len() == 2 { "both" } else { "all" };
        let help = match resource.kind {
            ResourceKind::Infrastructure => format!(
                "if they may use {} at the same time, set `allow_simultaneous: true` on them; \
                 otherwise list them one after another",
                resource.name
            ),
            _ => format!(
                "if they may share it, raise the capacity of `{}`; otherwise list them one \
                 after another",
                resource.name
            ),
        };
        Diagnostic::new(
            &SERIALIZED_PARALLEL,
            span,
            format!(
                "parallel {kinds} {} {both} hold {} (capacity {}): they will run one after \
                 another, not in parallel",
                join(&names),
                resource.describe(),
                resource.capacity
            ),
        )
        .with_help(help)
    } else {
        // Some fit together: at most as many as the smallest demands that fit.
        let mut fit = 0;
        let mut used = 0;
        for a in amounts {
            if used + a > capacity {
                break;
            }
            used += a;
            fit += 1;
        }
        Diagnostic::new(
            &SERIALIZED_PARALLEL,
            span,
            format!(
                "only {fit} of the {} parallel members using {} can run at once (capacity {})",
                holders.len(),
                resource.describe(),
                resource.capacity
            ),
        )
        .with_severity(Severity::Info)
        .with_help(
            "the others wait for free units, so the group takes longer than its longest member",
        )
    };
    for h in holders {
        d = d.with_related(
            h.span,
            format!("`{}` holds {} here", pipeline.task(h.task).id, h.amount),
        );
    }
    Some(d)
}

/// `a`, `a and b`, `a, b and c`.
fn join(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
