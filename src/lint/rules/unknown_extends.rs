use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a GitLab CI `extends` entry that names no job or template of the file,
    /// suggesting the closest name. When the file has an `include:`, the template may come
    /// from an included file that pipescope cannot fetch, and the finding is a warning.
    ///
    /// ## Why is this bad?
    /// GitLab rejects the pipeline (`unknown key in extends`). pipescope reads the job
    /// without what it meant to inherit: its `stage`, `needs`, `tags` or `resource_group`
    /// may then differ from the real ones.
    ///
    /// ## Example
    /// ```yaml
    /// .test-template:
    ///   stage: test
    /// unit:
    ///   extends: .tests-template    # did you mean `.test-template`?
    ///   script: make test
    /// ```
    pub static UNKNOWN_EXTENDS = {
        code: "PS307",
        name: "unknown-extends",
        severity: Error,
        check: Reader,
    }
}
