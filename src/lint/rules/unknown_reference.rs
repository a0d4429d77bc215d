use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a GitLab CI `!reference [name, key, ...]` tag that names no top-level key of
    /// the file, or a key path that does not exist in it, or references that refer to each
    /// other in a circle or nest deeper than the 10 levels GitLab allows. When the file has
    /// an `include:`, the name may come from an included file, and the finding is a warning.
    ///
    /// ## Why is this bad?
    /// GitLab rejects the pipeline. pipescope reads the tag as an empty value, so the job
    /// lacks what the reference would have put there (its `rules`, `tags` or `needs`).
    ///
    /// ## Example
    /// ```yaml
    /// .setup:
    ///   script: [make deps]
    /// test:
    ///   script:
    ///     - !reference [.setup, scripts]   # `.setup` has no `scripts`
    ///     - make test
    /// ```
    pub static UNKNOWN_REFERENCE = {
        code: "PS313",
        name: "unknown-reference",
        severity: Error,
        check: Reader,
    }
}
