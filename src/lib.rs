//! pipescope: what will a CI/CD pipeline actually do when it runs?
//!
//! The core is pure: it reads text and returns data, with no I/O, no clock and no browser or
//! terminal types, so the same code serves the web app (`web`), the CLI (`src/main.rs`), tests
//! and benchmarks. See `docs/ARCHITECTURE.md` for the map.

pub mod analysis;
pub mod diagnostic;
pub mod dialect;
pub mod duration;
pub mod explain;
pub mod forecast;
pub mod graph;
pub mod history;
pub mod lint;
pub mod model;
pub mod report;
pub mod rule;
pub mod sim;
pub mod span;
pub mod synthetic;
pub mod text;
pub mod ui;
pub mod yaml;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use analysis::{Analysis, AnalyzeOptions, analyze};
