use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a GitLab CI job whose `needs` names a job of a later stage. `needs` may name
    /// jobs of earlier stages and, since GitLab 14.2, of the same stage, never of a later one.
    ///
    /// ## Why is this bad?
    /// GitLab rejects the pipeline. pipescope still simulates the dependency as written, so
    /// the job runs after a job that the stage order puts after it.
    ///
    /// ## Example
    /// ```yaml
    /// stages: [build, deploy]
    /// build:
    ///   stage: build
    ///   needs: [publish]     # `publish` is in the later stage `deploy`
    ///   script: make
    /// publish:
    ///   stage: deploy
    ///   script: make publish
    /// ```
    pub static NEEDS_LATER_STAGE = {
        code: "PS303",
        name: "needs-later-stage",
        severity: Error,
        check: Reader,
    }
}
