//! Reading the user's files (or stdin) into text, with every way that can fail spelled out.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The largest input accepted. Real pipeline files are kilobytes; anything near this is a
/// mistake (a binary, a log), and reading it whole would only waste memory.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;
/// The largest file of past runs: exports of many runs of a large pipeline reach tens of
/// megabytes (the app takes 50 MB).
pub const MAX_HISTORY_BYTES: u64 = 256 * 1024 * 1024;

/// One input, read: the name to show for it and its text.
#[derive(Debug)]
pub struct Input {
    /// The path as given, or `<stdin>` for `-`.
    pub name: String,
    pub text: String,
}

/// Why an input could not be read at all.
#[derive(Debug)]
pub struct ReadError {
    pub name: String,
    pub reason: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read {}: {}", self.name, self.reason)
    }
}

/// Reads `path`, or stdin when it is `-`.
pub fn read(path: &Path) -> Result<Input, ReadError> {
    read_at_most(path, MAX_INPUT_BYTES)
}

/// Reads `path` (or stdin) as [`read`] does, up to `limit` bytes.
pub fn read_at_most(path: &Path, limit: u64) -> Result<Input, ReadError> {
    let is_stdin = path.as_os_str() == "-";
    let name = if is_stdin { "<stdin>".to_string() } else { path.display().to_string() };
    let fail = |reason: String| ReadError { name: name.clone(), reason };
    let bytes = if is_stdin {
        read_limited(io::stdin().lock(), limit)
    } else {
        // Opening a directory succeeds on Unix and only the read fails, with a vaguer message.
        if path.is_dir() {
            return Err(fail("it is a directory".to_string()));
        }
        File::open(path).and_then(|f| read_limited(f, limit))
    }
    .map_err(|e| fail(describe(&e)))?;
    let Some(bytes) = bytes else {
        return Err(fail(format!("it is larger than the {} MiB limit", limit / (1024 * 1024))));
    };
    let mut text = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    // Editors on Windows may start a file with a byte order mark; it is not part of the YAML.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(Input { name, text })
}

/// Reads everything, or `None` when there is more than `limit` bytes; never reads more than
/// one byte past the limit (stdin may be endless).
fn read_limited(reader: impl Read, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// The reason without the `(os error N)` suffix people do not need.
fn describe(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        io::ErrorKind::InvalidData => "it is not UTF-8 text".to_string(),
        _ => e.to_string(),
    }
}
