use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::model::Format;
use crate::span::Span;

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

/// `job` lists `need` again at `span`, after listing it at `first`. Only the reader sees the
/// list as written: the model keeps one dependency per job needed.
pub fn diagnostic(format: Format, job: &str, need: &str, span: Span, first: Span) -> Diagnostic {
    let d =
        Diagnostic::new(&DUPLICATE_NEEDS, span, format!("`{job}` lists `{need}` twice in `needs`"))
            .with_related(first, "first listed here");
    match format {
        Format::GitlabCi => d.with_help("GitLab rejects a job that needs the same job twice"),
        _ => d,
    }
}
