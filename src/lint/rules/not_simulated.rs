use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Says, as information, that something in a GitHub Actions or GitLab CI file affects real
    /// runs but is simplified in the timeline: values computed while the pipeline runs
    /// (`${{ fromJSON(...) }}` matrices, `runs-on` expressions), workflow-level `concurrency`
    /// (it serialises whole runs, and one run is simulated), manual jobs (simulated as
    /// started by hand the moment they may start), delayed jobs, and downstream pipelines.
    /// Each affected job also carries a note saying what was assumed.
    ///
    /// ## Why is this bad?
    /// It is not bad; it tells you where the timeline is an estimate of the real one.
    ///
    /// ## Example
    /// ```yaml
    /// test:
    ///   strategy:
    ///     matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}   # one instance is simulated
    ///   runs-on: ubuntu-latest
    ///   steps: [{run: make test}]
    /// ```
    pub static NOT_SIMULATED = {
        code: "PS312",
        name: "not-simulated",
        severity: Info,
        check: Reader,
    }
}
