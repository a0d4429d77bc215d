//! Byte spans into the user's text, and the one place they become line:column.
//!
//! Everything in the core points at the source with byte ranges; only the edge (a diagnostic
//! shown to a person, a JSON report) turns them into 1-based lines and columns, through
//! [`LineIndex`].

use serde::Serialize;

/// A half-open byte range `[start, end)` in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: clamp_u32(start), end: clamp_u32(end.max(start)) }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A 1-based line and column; columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Maps byte offsets of one text to line:column, built once per text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    /// Whether each line is ASCII, where a column is a byte count and needs no scan.
    ascii_lines: Vec<bool>,
    text_len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| clamp_u32(i + 1)),
        );
        let ascii_lines = (0..line_starts.len())
            .map(|i| {
                let start = line_starts[i] as usize;
                let end = line_starts.get(i + 1).map_or(text.len(), |&e| e as usize);
                text.as_bytes()[start..end].is_ascii()
            })
            .collect();
        LineIndex { line_starts, ascii_lines, text_len: clamp_u32(text.len()) }
    }

    /// The position of `offset`; offsets past the end clamp to the end of the text.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = offset.min(self.text_len);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line] as usize;
        if self.ascii_lines[line] {
            let column = offset as usize - start;
            return LineCol { line: clamp_u32(line + 1), column: clamp_u32(column + 1) };
        }
        let mut end = offset as usize;
        // A span may (defensively) end inside a multi-byte character; count whole characters.
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text.get(start..end).map_or(0, |s| s.chars().count());
        LineCol { line: clamp_u32(line + 1), column: clamp_u32(column + 1) }
    }

    /// The byte range of line `line` (1-based), without its line break.
    pub fn line_range(&self, text: &str, line: u32) -> Option<(usize, usize)> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(i)? as usize;
        let end = self.line_starts.get(i + 1).map_or(text.len(), |&e| e as usize);
        let line_text = text.get(start..end)?;
        let trimmed = line_text.trim_end_matches(['\n', '\r']);
        Some((start, start + trimmed.len()))
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let text = "ab\nçd\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 3), LineCol { line: 2, column: 1 });
        // 'd' follows the two-byte 'ç'.
        assert_eq!(index.line_col(text, 5), LineCol { line: 2, column: 2 });
        assert_eq!(index.line_col(text, 7), LineCol { line: 3, column: 1 });
        assert_eq!(index.line_col(text, 8), LineCol { line: 4, column: 1 });
        assert_eq!(index.line_col(text, 99), LineCol { line: 4, column: 2 });
        assert_eq!(index.line_range(text, 2), Some((3, 6)));
        assert_eq!(index.line_range(text, 9), None);
    }
}
