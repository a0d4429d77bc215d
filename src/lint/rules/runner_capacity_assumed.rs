use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::GithubPlan;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Says, as information, how many runners pipescope assumes where the file does not say:
    /// how many a runner pool has (1), and which GitHub plan limits the jobs on GitHub-hosted
    /// runners (Free: 20 at a time, 5 on macOS).
    ///
    /// - A runner pool: a GitHub Actions `runs-on` that names self-hosted or third-party
    ///   labels, or GitLab CI runner `tags`. Unless told otherwise, a pool has 1 runner. Set
    ///   the real number with `--runners LABEL=N` on the command line or in the app's
    ///   Capacities section; a pool of several labels (`self-hosted+linux+x64`) can be sized by
    ///   its full name or by any of its labels (the smallest count given wins).
    /// - GitHub-hosted runners (`ubuntu-*`, `windows-*`, `macos-*`): the account's plan
    ///   caps how many jobs run on them at once (GitHub's "Actions limits": Free 20, of them 5
    ///   on macOS; Pro 40 and 5; Team 60 and 5; Enterprise 500 and 50). Unless told otherwise,
    ///   the plan is Free; this is said once per workflow that has jobs on such runners. Choose
    ///   the plan with `--plan free|pro|team|enterprise` or in the app's Capacities section.
    ///
    /// GitLab-hosted tags (`saas-*`) are not pools: they are taken as unlimited.
    ///
    /// ## Why is this bad?
    /// It is not bad; it tells you what the timeline assumes. With too few runners, jobs
    /// queue for a runner in the timeline that would run at once in reality, and the other
    /// way round.
    ///
    /// ## Example
    /// ```yaml
    /// build:
    ///   runs-on: [self-hosted, linux]   # pool `linux+self-hosted`, 1 runner unless set
    ///   steps: [{run: make}]
    /// test:
    ///   runs-on: macos-latest           # 20 jobs at a time, 5 on macOS, on the Free plan
    ///   steps: [{run: make test}]
    /// ```
    pub static RUNNER_CAPACITY_ASSUMED = {
        code: "PS309",
        name: "runner-capacity-assumed",
        severity: Info,
        check: Reader,
    }
}

/// The pool `name` (of `labels` labels) is given `assumed` runners because nobody said how many
/// carry its labels; `what` ("jobs", "steps") names what queues for it.
pub fn diagnostic(span: Span, name: &str, assumed: u32, what: &str, labels: usize) -> Diagnostic {
    Diagnostic::new(
        &RUNNER_CAPACITY_ASSUMED,
        span,
        format!("runner pool `{name}` is assumed to have {assumed} runner: {what} on it run one at a time"),
    )
    .with_help(format!(
        "set how many runners carry {} with `--runners {name}=N`, or in the app's Capacities section",
        if labels > 1 { "these labels" } else { "this label" }
    ))
}

/// Jobs on GitHub-hosted runners share the limits of `plan`, which nobody gave (said once per
/// workflow, at its first such job).
pub fn hosted_plan(span: Span, plan: GithubPlan) -> Diagnostic {
    Diagnostic::new(
        &RUNNER_CAPACITY_ASSUMED,
        span,
        format!(
            "GitHub-hosted jobs share the account's concurrency limit: {} jobs at a time ({} on \
             macOS) on the {} plan, assumed",
            plan.concurrent_jobs(),
            plan.concurrent_macos_jobs(),
            plan.title()
        ),
    )
    .with_help("choose the plan with `--plan free|pro|team|enterprise`, or in the app's Capacities section")
}
