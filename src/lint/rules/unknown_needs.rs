use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `needs` entry of a GitHub Actions or GitLab CI job that names no job of the
    /// file, suggesting the closest job name. In GitLab an entry marked `optional: true` may
    /// name a job that is not in the pipeline; it is then only shown as a note.
    ///
    /// When the file has an `include:` (GitLab), the job may come from an included file that
    /// pipescope cannot fetch, and the finding is a warning instead of an error.
    ///
    /// ## Why is this bad?
    /// GitHub and GitLab both reject the whole workflow or pipeline. pipescope simulates the
    /// job without that dependency, so it starts earlier than the file seems to say.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   build: {runs-on: ubuntu-latest, steps: [{run: make}]}
    ///   test:
    ///     needs: [biuld]          # did you mean `build`?
    ///     runs-on: ubuntu-latest
    ///     steps: [{run: make test}]
    /// ```
    pub static UNKNOWN_NEEDS = {
        code: "PS301",
        name: "unknown-needs",
        severity: Error,
        check: Reader,
    }
}
