use crate::lint::declare_rule;

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
        check: Reader,
    }
}
