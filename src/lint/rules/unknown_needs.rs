use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::declare_rule;
use crate::model::Format;
use crate::span::Span;
use crate::text::did_you_mean;

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

/// `job` needs `name` (written at `span`), which is no job; `known` are the jobs. When names
/// may come from files that were not read (`elsewhere`, GitLab includes), it is a warning.
pub fn diagnostic(
    format: Format,
    job: &str,
    (name, span): (&str, Span),
    elsewhere: Option<&str>,
    known: &[&str],
) -> Diagnostic {
    let whole = if format == Format::GithubActions { "workflow" } else { "pipeline" };
    let d = match elsewhere {
        Some(place) => Diagnostic::new(
            &UNKNOWN_NEEDS,
            span,
            format!(
                "`{job}` needs `{name}`, which is not a job of this file; it may come from {place}"
            ),
        )
        .with_severity(Severity::Warning),
        None => Diagnostic::new(
            &UNKNOWN_NEEDS,
            span,
            format!("`{job}` needs `{name}`, which is not a job of this {whole}"),
        ),
    };
    match (did_you_mean(name, known), format) {
        (Some(s), _) => d.with_help(format!("did you mean `{s}`?")),
        (None, Format::GitlabCi) if name.starts_with('.') => {
            d.with_help("a name starting with `.` is a hidden template, not a job")
        }
        (None, Format::GitlabCi) => {
            d.with_help("add `optional: true` if the job is not always in the pipeline")
        }
        (None, _) => d.with_help(format!("the jobs are: {}", known.join(", "))),
    }
}

/// `job` needs instances of the `parallel: matrix` job `need` that its matrix does not make.
pub fn unmatched_matrix(job: &str, need: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        &UNKNOWN_NEEDS,
        span,
        format!("`{job}` needs instances of `{need}` that its `parallel: matrix` does not make"),
    )
}
