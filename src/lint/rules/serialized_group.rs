use crate::diagnostic::Diagnostic;
use crate::graph::independent_pairs;
use crate::lint::declare_rule;
use crate::model::{ExclusionGroup, Format, Pipeline, TaskIdx};

declare_rule! {
    /// ## What it does
    /// Reports jobs that the file makes parallel but that share a mutual-exclusion group, so
    /// they will run one after another: GitLab CI jobs of the same stage with the same
    /// `resource_group` and no `needs` between them, and GitHub Actions jobs (or instances of
    /// one matrix) with the same job-level `concurrency` group and no `needs` between them.
    ///
    /// ## Why is this bad?
    /// The pipeline takes longer than it reads. In GitHub Actions it is worse: a group keeps at
    /// most one job running and one pending, and a newer pending job cancels the older one, so
    /// with three or more such jobs some never run (pipescope keeps them all queued and shows
    /// the queue). If the exclusion is wanted, order the jobs with `needs` to say so; if not,
    /// give each job its own group, for example with `${{ matrix.os }}` in the group name.
    ///
    /// ## Example
    /// ```yaml
    /// deploy-eu:
    ///   stage: deploy
    ///   resource_group: production   # deploy-us waits for deploy-eu
    ///   script: ./deploy eu
    /// deploy-us:
    ///   stage: deploy
    ///   resource_group: production
    ///   script: ./deploy us
    /// ```
    pub static SERIALIZED_GROUP = {
        code: "PS305",
        name: "serialized-group",
        severity: Warning,
        check: Model(check),
    }
}

/// Readers record each group and its members (`Pipeline::exclusion_groups`); the members that
/// nothing orders are the finding.
fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    for group in pipeline.exclusion_groups.iter().filter(|g| g.members.len() >= 2) {
        if let Some(d) = diagnose(pipeline, group) {
            out.push(d);
        }
    }
}

fn diagnose(pipeline: &Pipeline, group: &ExclusionGroup) -> Option<Diagnostic> {
    let tasks: Vec<TaskIdx> = group.members.iter().map(|m| m.task).collect();
    let gitlab = pipeline.format == Format::GitlabCi;
    // GitLab names jobs as its pages show them; GitHub by the id `needs` uses.
    let name = |t: TaskIdx| {
        let task = pipeline.task(t);
        if gitlab { task.label().to_string() } else { task.id.clone() }
    };
    let found = serialised(pipeline, &tasks, name)?;
    let (a, b) = (&group.members[found.first], &group.members[found.second]);
    let related = format!("`{}` is in the same group", name(a.task));
    let d = if gitlab {
        let same_stage = match (&a.stage, &b.stage) {
            (Some(x), Some(y)) if x == y => format!(" are in the stage `{x}`,"),
            _ => String::new(),
        };
        Diagnostic::new(
            &SERIALIZED_GROUP,
            b.span,
            format!(
                "{}{same_stage} share `resource_group: {}` and neither needs the other: they run \
                 one at a time",
                found.listed, group.name
            ),
        )
        .with_related(a.span, related)
        .with_help(
            "order them with `needs` to say which goes first, or use separate groups if they \
             may overlap",
        )
    } else {
        let d = Diagnostic::new(
            &SERIALIZED_GROUP,
            b.span,
            format!(
                "{} share the concurrency group `{}` and nothing orders them: they run one at a \
                 time",
                found.listed, group.name
            ),
        )
        .with_related(a.span, related);
        if found.involved >= 3 {
            d.with_help(
                "GitHub keeps one job running and one pending per group and cancels an older \
                 pending job when a newer one queues, so some of these may never run; give each \
                 its own group (e.g. with `${{ matrix.<name> }}`) or order them with `needs`",
            )
        } else {
            d.with_help("order them with `needs` if one must wait, or give each its own group")
        }
    };
    Some(d)
}

/// Members of one exclusion group that nothing orders, so that the group serialises them.
struct Serialised {
    /// Indices into the members of the first independent pair: the finding points at the
    /// second and relates the first.
    first: usize,
    second: usize,
    /// How many members are involved in some independent pair.
    involved: usize,
    /// Up to four of them, named by `name`, then "and N more".
    listed: String,
}

/// Which members of a group would overlap but for the group, if any.
fn serialised(
    pipeline: &Pipeline,
    members: &[TaskIdx],
    name: impl Fn(TaskIdx) -> String,
) -> Option<Serialised> {
    let pairs = independent_pairs(pipeline, members);
    let &(first, second) = pairs.first()?;
    let mut involved: Vec<usize> = pairs.iter().flat_map(|&(i, j)| [i, j]).collect();
    involved.sort_unstable();
    involved.dedup();
    let names: Vec<String> =
        involved.iter().take(4).map(|&i| format!("`{}`", name(members[i]))).collect();
    let more = involved.len().saturating_sub(4);
    let listed =
        if more > 0 { format!("{} and {more} more", names.join(", ")) } else { names.join(", ") };
    Some(Serialised { first, second, involved: involved.len(), listed })
}
