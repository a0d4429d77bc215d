use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports text that is not valid YAML: a bad indent, an unclosed bracket or quote, a tab
    /// used for indentation, an alias to an anchor that was never defined.
    ///
    /// ## Why is this bad?
    /// Nothing after the error can be read, so the timeline would silently miss part of the
    /// pipeline. pipescope keeps what it read before the error and shows it dimmed.
    ///
    /// ## Example
    /// ```yaml
    /// pipeline:
    ///   stages: [
    ///     - stage: {id: build}
    /// ```
    /// The `[` is never closed.
    pub static YAML_SYNTAX = {
        code: "PS001",
        name: "yaml-syntax",
        severity: Error,
        check: Reader,
    }
}
