//! Helpers shared by the integration tests (`mod common;` in each test that needs them).

// Each test binary uses only some of them.
#![allow(dead_code)]

pub mod shared;
pub mod timeline;
