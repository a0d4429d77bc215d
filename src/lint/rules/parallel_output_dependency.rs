use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports an Octopus step that reads an output variable
    /// (`Octopus.Action[Other step].Output...`) of a step it runs in parallel with: both are in
    /// the same block of steps started with `StartWithPrevious`.
    ///
    /// ## Why is this bad?
    /// Parallel steps start together, so the output is not there yet when the reader needs it.
    /// Octopus's documentation warns against running steps that depend on each other in
    /// parallel: the variable comes out empty, or the step fails.
    ///
    /// ## Example
    /// ```hcl
    /// step "create-bucket" { ... }
    /// step "upload" {
    ///     start_trigger = "StartWithPrevious"    # runs beside create-bucket ...
    ///     properties = {
    ///         Bucket = "#{Octopus.Action[create-bucket].Output.BucketName}"   # ... but needs its output
    ///     }
    /// }
    /// ```
    /// Let the reader start after the step it reads from (`StartAfterPrevious`).
    pub static PARALLEL_OUTPUT_DEPENDENCY = {
        code: "PS203",
        name: "parallel-output-dependency",
        severity: Warning,
        check: Reader,
    }
}

// Only the reader sees the text of scripts and properties where the output is read.

/// `reader` reads an output variable of `writer` at `span`; `writer_span` names the writer.
pub fn diagnostic(span: Span, reader: &str, writer: &str, writer_span: Span) -> Diagnostic {
    Diagnostic::new(
        &PARALLEL_OUTPUT_DEPENDENCY,
        span,
        format!("`{reader}` reads an output variable of `{writer}`, which runs in parallel with it: the output is not there yet"),
    )
    .with_related(writer_span, format!("`{writer}` starts at the same time"))
    .with_help(format!("let `{reader}` start after `{writer}` (`StartAfterPrevious`)"))
}
