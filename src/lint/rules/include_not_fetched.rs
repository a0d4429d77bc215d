use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Says, as information, that a GitLab CI `include:` is not fetched: pipescope reads one
    /// file and never reaches the network or other files, so it simulates the jobs that are in
    /// this file only. Jobs, templates and stages defined in included files are missing, and
    /// references to them are reported as warnings rather than errors.
    ///
    /// ## Why is this bad?
    /// It is not bad; it tells you what the timeline leaves out. Paste the included files'
    /// jobs into one file to see them together.
    ///
    /// ## Example
    /// ```yaml
    /// include:
    ///   - local: /ci/build.yml      # not fetched
    ///   - template: Security/SAST.gitlab-ci.yml
    /// ```
    pub static INCLUDE_NOT_FETCHED = {
        code: "PS310",
        name: "include-not-fetched",
        severity: Info,
        check: Reader,
    }
}

/// An `include:` that names `count` files.
pub fn diagnostic(span: Span, count: usize) -> Diagnostic {
    Diagnostic::new(
        &INCLUDE_NOT_FETCHED,
        span,
        format!(
            "`include:` names {count} file{}; they are not fetched, so only the jobs of this \
             file are simulated",
            if count == 1 { "" } else { "s" }
        ),
    )
    .with_help("paste the included jobs into this file to see them in the timeline")
}
