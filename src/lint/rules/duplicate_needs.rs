use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a job that lists the same job twice in its `needs` (GitHub Actions, GitLab CI).
    ///
    /// ## Why is this bad?
    /// The second entry changes nothing, and GitLab rejects a pipeline whose job needs the
    /// same job twice. Often the second entry was meant to name another job.
    ///
    /// ## Example
    /// ```yaml
    /// test:
    ///   stage: test
    ///   needs: [build, lint, build]   # `build` again: was another job meant?
    ///   script: make test
    /// ```
    pub static DUPLICATE_NEEDS = {
        code: "PS302",
        name: "duplicate-needs",
        severity: Warning,
        check: Reader,
    }
}
