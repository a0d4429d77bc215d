//! Helpers shared by the integration tests (`mod common;` in each test that needs them).

// Each test binary uses only some of them.
#![allow(dead_code)]

pub mod shared;
pub mod timeline;

use pipescope::dialect::native;
use pipescope::model::Pipeline;
use pipescope::span::LineIndex;

/// Reads the own format: the pipeline, and its diagnostics as `line:col CODE message`, to
/// check where each is reported.
pub fn read_at(text: &str) -> (Pipeline, Vec<String>) {
    let (pipeline, diagnostics) = native::read(text);
    let index = LineIndex::new(text);
    let rendered = diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(text, d.span.start);
            format!("{}:{} {} {}", at.line, at.column, d.code(), d.message)
        })
        .collect();
    (pipeline, rendered)
}
