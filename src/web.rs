//! The browser entry point: a thin shell over the core.
//!
//! Until the Yew app lands, it exports one function the placeholder page calls on every edit.

use wasm_bindgen::prelude::*;

/// Analyses the text and returns a short JSON summary for the placeholder page.
#[wasm_bindgen]
pub fn analyze_summary(text: &str) -> String {
    let analysis = crate::analyze(text, &crate::AnalyzeOptions::default());
    let diagnostics: Vec<String> = analysis
        .diagnostics
        .iter()
        .map(|d| format!("{} [{}] {}", d.severity.as_str(), d.code(), d.message))
        .collect();
    serde_json::json!({
        "dialect": analysis.dialect.name(),
        "tasks": analysis.pipeline.tasks.len(),
        "makespan": analysis.schedule.makespan.as_secs_f64(),
        "diagnostics": diagnostics,
    })
    .to_string()
}
