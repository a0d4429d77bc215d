use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Says, as information, that a condition is shown but not evaluated: GitHub Actions `if:`
    /// on jobs (and, once per file, on steps), GitLab CI `rules`, `only`, `except` and
    /// `workflow: rules`. pipescope simulates the run in which every job and step runs.
    ///
    /// ## Why is this bad?
    /// It is not bad; it tells you what the timeline assumes. Conditions depend on the event,
    /// the branch, changed files and earlier results, which a file alone does not say. A job
    /// whose condition is false in your run would not appear in it.
    ///
    /// ## Example
    /// ```yaml
    /// deploy:
    ///   if: github.ref == 'refs/heads/main'    # shown as a note; assumed true
    ///   runs-on: ubuntu-latest
    ///   steps: [{run: ./deploy}]
    /// ```
    pub static CONDITION_NOT_EVALUATED = {
        code: "PS308",
        name: "condition-not-evaluated",
        severity: Info,
        check: None,
    }
}
