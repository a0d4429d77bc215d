//! Data-driven lint tests: every fixture in `tests/fixtures/lint/` (`.yaml`, `.yml`, `.ocl`,
//! `.sm`; the dialect is detected from the text) is analysed and its diagnostics, one per line,
//! must equal the sibling `.out` file. A sibling `.history.json` is imported as past runs
//! (`--history`). The `.out` files are the specification: review them by eye. `UPDATE_EXPECT=1 cargo test --test lint_fixtures` rewrites them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pipescope::diagnostic::Diagnostic;
use pipescope::lint::registry::RULES;
use pipescope::span::LineIndex;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

/// The extensions of fixtures: every format a reader accepts.
const FIXTURE_EXTENSIONS: &[&str] = &["yaml", "yml", "ocl", "sm"];

fn is_fixture(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| FIXTURE_EXTENSIONS.contains(&e))
}

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("tests/fixtures/lint exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| is_fixture(p))
        .collect();
    files.sort();
    // Two fixtures with one stem (`x.yaml`, `x.ocl`) would share, and overwrite, `x.out`.
    let mut seen = std::collections::HashSet::new();
    let shared: Vec<_> =
        files.iter().filter_map(|f| f.file_stem()).filter(|s| !seen.insert(*s)).collect();
    assert!(shared.is_empty(), "fixtures of different formats share a name: {shared:?}");
    files
}

/// `line:col-endline:endcol severity code name: message`, one diagnostic per line.
fn render(text: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(text);
    let mut out = String::new();
    for d in diagnostics {
        let start = index.line_col(text, d.span.start);
        let end = index.line_col(text, d.span.end);
        writeln!(
            out,
            "{}:{}-{}:{} {} {} {}: {}",
            start.line,
            start.column,
            end.line,
            end.column,
            d.severity.as_str(),
            d.code(),
            d.name(),
            d.message
        )
        .expect("writing to a String");
    }
    out
}

/// A line diff from the longest common subsequence: `-` expected only, `+` actual only.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] =
                if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        } else {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        }
    }
    out
}

/// The options a fixture is analysed with: its sibling `.history.json`, when it has one.
fn options_for(fixture: &Path) -> pipescope::AnalyzeOptions {
    let mut options = pipescope::AnalyzeOptions::default();
    let history = fixture.with_extension("history.json");
    if let Ok(text) = std::fs::read_to_string(&history) {
        let runs = pipescope::history::read(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", history.display()));
        std::sync::Arc::make_mut(&mut options.history).add(runs);
    }
    options
}

#[test]
fn every_fixture_gives_its_expected_diagnostics() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let files = fixtures();
    assert!(!files.is_empty(), "no fixtures in {}", fixture_dir().display());
    let mut failures = Vec::new();
    for fixture in &files {
        let text = std::fs::read_to_string(fixture).expect("readable fixture");
        let analysis = pipescope::analyze(&text, &options_for(fixture));
        let actual = render(&text, &analysis.diagnostics);
        let out = fixture.with_extension("out");
        if update {
            std::fs::write(&out, &actual).expect("writable .out file");
            continue;
        }
        let expected = std::fs::read_to_string(&out).unwrap_or_else(|_| {
            panic!("{} is missing; run with UPDATE_EXPECT=1 to create it", out.display())
        });
        if expected != actual {
            failures.push(format!(
                "{}:\n--- expected\n+++ actual\n{}",
                fixture.display(),
                diff(&expected, &actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ (UPDATE_EXPECT=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every rule has at least one fixture that triggers it.
#[test]
fn every_rule_has_a_fixture() {
    let outputs: Vec<String> = fixtures()
        .iter()
        .filter_map(|fixture| std::fs::read_to_string(fixture.with_extension("out")).ok())
        .collect();
    let missing: Vec<&str> = RULES
        .iter()
        .filter(|rule| {
            let needle = format!(" {} {}: ", rule.code, rule.name);
            !outputs.iter().any(|out| out.contains(&needle))
        })
        .map(|rule| rule.code)
        .collect();
    assert!(missing.is_empty(), "rules without a fixture that triggers them: {missing:?}");
}

/// A `.out` left behind after its fixture was renamed or removed would silently test nothing.
#[test]
fn every_expectation_has_its_fixture() {
    let orphans: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("tests/fixtures/lint exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "out"))
        .filter(|p| !FIXTURE_EXTENSIONS.iter().any(|e| p.with_extension(e).exists()))
        .collect();
    assert!(orphans.is_empty(), "expectations without a fixture: {orphans:?}");
}

#[test]
fn the_diff_marks_what_changed() {
    assert_eq!(diff("a\nb\nc\n", "a\nx\nc\n"), "  a\n- b\n+ x\n  c\n");
    assert_eq!(diff("", "a\n"), "+ a\n");
}
