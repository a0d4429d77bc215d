//! Keeps `docs/FORMAT.md` and `docs/dialects/*.md` true: every YAML example followed by a
//! `<!-- timeline: ... -->` comment must be detected as its page's dialect, be read without
//! errors, and simulate to exactly that timeline.

use pipescope::diagnostic::Severity;
use pipescope::dialect::Dialect;
use pipescope::duration::clock;
use pipescope::sim::Outcome;
use pipescope::{AnalyzeOptions, analyze};

fn check_page(doc: &str, dialect: Dialect) -> usize {
    let mut checked = 0;
    let mut rest = doc;
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("closed code block");
        let yaml = &body[..end];
        rest = &body[end + 3..];
        let Some(comment) = rest.trim_start().strip_prefix("<!-- timeline: ") else { continue };
        let expected = comment.split(" -->").next().expect("closed comment").trim();
        assert_eq!(Dialect::detect(yaml), dialect, "example:\n{yaml}");
        let analysis = analyze(yaml, &AnalyzeOptions::default());
        // A documented form that the reader rejects would still simulate, with the default.
        let errors: Vec<_> =
            analysis.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        assert!(errors.is_empty(), "example:\n{yaml}\nerrors: {errors:?}");
        let actual: Vec<String> = analysis
            .pipeline
            .tasks
            .iter()
            .zip(&analysis.schedule.tasks)
            .map(|(task, t)| match (t.start, t.end) {
                (Some(s), Some(e)) => format!("{} {}–{}", task.id, clock(s), clock(e)),
                _ if t.outcome == Outcome::Skipped => format!("{} skipped", task.id),
                _ => format!("{} never", task.id),
            })
            .collect();
        assert_eq!(actual.join(" | "), expected, "example:\n{yaml}");
        checked += 1;
    }
    checked
}

#[test]
fn the_format_page_simulates_as_documented() {
    let checked = check_page(include_str!("../docs/FORMAT.md"), Dialect::Native);
    assert!(checked >= 10, "only {checked} documented timelines found");
}

#[test]
fn the_github_page_simulates_as_documented() {
    let checked = check_page(include_str!("../docs/dialects/github.md"), Dialect::Github);
    assert!(checked >= 3, "only {checked} documented timelines found");
}

#[test]
fn the_gitlab_page_simulates_as_documented() {
    let checked = check_page(include_str!("../docs/dialects/gitlab.md"), Dialect::Gitlab);
    assert!(checked >= 3, "only {checked} documented timelines found");
}

/// The gallery's real workflow and pipeline are detected, have no errors, and make a timeline
/// with parallel jobs and waits.
#[test]
fn the_gallery_examples_of_real_ci_files_simulate() {
    for (file, dialect) in [
        ("examples/github-ingress-nginx-ci.yml", Dialect::Github),
        ("examples/gitlab-gitlab-shell.yml", Dialect::Gitlab),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let text = std::fs::read_to_string(path).expect("the example exists");
        assert_eq!(Dialect::detect(&text), dialect, "{file}");
        let analysis = analyze(&text, &AnalyzeOptions::default());
        assert!(!analysis.has_errors(), "{file}: {:?}", analysis.diagnostics);
        let jobs = analysis.pipeline.tasks.iter().filter(|t| t.parent.is_none()).count();
        let waited = analysis.schedule.tasks.iter().filter(|t| !t.waits.is_empty()).count();
        let at_zero =
            analysis.schedule.tasks.iter().filter(|t| t.start == Some(Default::default())).count();
        assert!(jobs >= 15 && waited >= 5 && at_zero >= 2, "{file}: {jobs} jobs, {waited} waited");
        assert!(analysis.schedule.makespan.0 >= 10 * 60_000, "{file}");
    }
}
