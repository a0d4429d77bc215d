//! The corpus and the benchmark live beside the repository, in `../shared/` (`corpus/`,
//! `bench/`). A clone without it skips the tests that read it, saying so; in CI (`CI` set) a
//! missing `../shared` fails them instead, so that they can never pass by reading nothing.

use std::path::{Path, PathBuf};

/// `../shared/<relative>` when it exists. When it does not: `None` (the caller skips) with a
/// message, or, when `CI` is set, a panic.
pub fn shared_path(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(relative);
    present_or_skip(&path, in_ci())
}

/// `path` when it exists; else `None` with a message, or a panic when `ci`.
pub fn present_or_skip(path: &Path, ci: bool) -> Option<PathBuf> {
    if path.exists() {
        return Some(path.to_path_buf());
    }
    assert!(
        !ci,
        "{} is missing, and CI is set: the corpus and benchmark tests must run in CI",
        path.display()
    );
    eprintln!("skipped: {} is not there", path.display());
    None
}

/// `CI` is set to anything but an empty string, `false` or `0`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "false" | "0"))
}
