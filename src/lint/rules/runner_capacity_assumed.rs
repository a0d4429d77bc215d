use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Says, as information, how many runners pipescope assumes for a runner pool the file
    /// does not size: a GitHub Actions `runs-on` that names self-hosted or third-party labels,
    /// or GitLab CI runner `tags`. Unless told otherwise, a pool has 1 runner. Set the real
    /// number with `--runners LABEL=N` on the command line or in the app's runners panel;
    /// a pool of several labels (`self-hosted+linux+x64`) can be sized by its full name or
    /// by any of its labels (the smallest count given wins).
    ///
    /// GitHub-hosted labels (`ubuntu-*`, `windows-*`, `macos-*`) and GitLab-hosted tags
    /// (`saas-*`) are not pools: they are taken as unlimited.
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
        "set how many runners carry {} with `--runners {name}=N`, or in the app's runners panel",
        if labels > 1 { "these labels" } else { "this label" }
    ))
}
