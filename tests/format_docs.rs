//! Keeps `docs/FORMAT.md` true: every YAML example followed by a `<!-- timeline: ... -->`
//! comment must simulate to exactly that timeline.

use pipescope::duration::clock;
use pipescope::{AnalyzeOptions, analyze};

#[test]
fn every_documented_example_simulates_as_documented() {
    let doc = include_str!("../docs/FORMAT.md");
    let mut checked = 0;
    let mut rest = doc;
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("closed code block");
        let yaml = &body[..end];
        rest = &body[end + 3..];
        let Some(comment) = rest.trim_start().strip_prefix("<!-- timeline: ") else { continue };
        let expected = comment.split(" -->").next().expect("closed comment").trim();
        let analysis = analyze(yaml, &AnalyzeOptions::default());
        let actual: Vec<String> = analysis
            .pipeline
            .tasks
            .iter()
            .zip(&analysis.schedule.tasks)
            .map(|(task, t)| match (t.start, t.end) {
                (Some(s), Some(e)) => format!("{} {}–{}", task.id, clock(s), clock(e)),
                _ => format!("{} never", task.id),
            })
            .collect();
        assert_eq!(actual.join(" | "), expected, "example:\n{yaml}");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} documented timelines found");
}
