//! The app's logic and geometry, free of any browser type, so it compiles everywhere and is
//! tested natively: the state and its reducer, the timeline's layout and ticks, the words a
//! screen reader hears, the examples gallery, what is saved between visits, the forecast's
//! state and drawing, and the jobs the Web Worker runs (with their protocol).
//!
//! The browser shell (`web`, wasm32 only) draws what these functions compute.

pub mod describe;
pub mod editing;
pub mod forecast;
pub mod gallery;
pub mod layout;
pub mod markdown;
pub mod persist;
pub mod state;
pub mod svg;
pub mod ticks;
pub mod worker;
