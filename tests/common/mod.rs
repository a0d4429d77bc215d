//! Helpers shared by the integration tests (each test file includes them with `mod common;`).

pub mod timeline;
