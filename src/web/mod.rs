//! The browser shell (wasm32 only): Yew components that draw what `ui` computes, and the I/O
//! the core never does: the editor, local storage, files, downloads, focus and scrolling.
//!
//! Two modules are built from it. The page's (feature `app`, the default): `start` mounts the
//! app into `#app` when the page has one, so that the same module can be loaded by tests (which
//! mount components themselves) and by Node (the dist smoke check). The worker's (no `app`):
//! the core and `in_worker`, without Yew, optimised for speed.

#[cfg(feature = "app")]
mod app;
#[cfg(feature = "app")]
mod capacities;
#[cfg(feature = "app")]
mod coord;
#[cfg(feature = "app")]
mod details;
#[cfg(feature = "app")]
mod dom;
#[cfg(feature = "app")]
mod editor;
mod event_loop;
#[cfg(feature = "app")]
mod forecast;
#[cfg(feature = "app")]
mod gallery;
#[cfg(not(feature = "app"))]
mod in_worker;
#[cfg(feature = "app")]
mod lanes;
#[cfg(feature = "app")]
mod modal;
#[cfg(feature = "app")]
mod past_runs;
#[cfg(feature = "app")]
mod problems;
#[cfg(feature = "app")]
mod rule_doc;
#[cfg(feature = "app")]
mod store;
#[cfg(feature = "app")]
mod summary;
#[cfg(feature = "app")]
mod table;
#[cfg(feature = "app")]
mod timeline;
#[cfg(feature = "app")]
mod worker;

use wasm_bindgen::prelude::*;

#[cfg(feature = "app")]
pub use app::{App, WORKER_SCRIPT, WorkerUrl, Workspace, WorkspaceProps};
#[cfg(not(feature = "app"))]
pub use in_worker::{worker_import, worker_ready, worker_receive};
#[cfg(feature = "app")]
pub use store::{Shared, Store};

/// Mounts the app into the page's `#app` element, if there is one (none in the worker, which
/// has no window).
#[cfg(feature = "app")]
#[wasm_bindgen(start)]
pub fn start() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Some(root) = document.get_element_by_id("app") {
        root.set_inner_html("");
        yew::Renderer::<App>::with_root(root).render();
    }
}

/// Analyses a text and returns a short JSON summary. The dist smoke check calls it under Node
/// to prove that the bundle's core runs.
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

/// How long one analysis of `text` takes in this browser, in milliseconds (the median of
/// `runs`), for the speed figures in the README.
#[cfg(feature = "app")]
#[wasm_bindgen]
pub fn time_analyze(text: &str, runs: u32) -> f64 {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else { return -1.0 };
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t0 = performance.now();
            let analysis = crate::analyze(text, &crate::AnalyzeOptions::default());
            std::hint::black_box(&analysis);
            performance.now() - t0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
