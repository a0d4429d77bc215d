//! The `pipescope` command line: a thin shell over the library (see `src/cli/`).
//!
//! The browser build compiles this crate for wasm32 too, where there is no command line, so
//! there the binary is empty.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
