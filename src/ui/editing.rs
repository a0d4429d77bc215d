//! Text helpers for the editor: the browser counts positions in UTF-16 code units, the core in
//! bytes; and Tab / Shift+Tab indent or outdent the selected lines.

/// The UTF-16 offset of byte offset `byte` (clamped to the text and to a character boundary).
pub fn utf16_of_byte(text: &str, byte: usize) -> u32 {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    text[..byte].encode_utf16().count() as u32
}

/// The byte offset of UTF-16 offset `unit` (clamped; a unit inside a surrogate pair rounds down).
pub fn byte_of_utf16(text: &str, unit: u32) -> usize {
    let mut units = 0u32;
    for (byte, c) in text.char_indices() {
        let next = units + c.len_utf16() as u32;
        if next > unit {
            return byte;
        }
        units = next;
    }
    text.len()
}

/// The indentation unit: two spaces, as YAML files usually use.
pub const INDENT: &str = "  ";

/// A replacement of `text[start..end]` (bytes) by `insert`, with the selection to set after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub insert: String,
    pub select_start: usize,
    pub select_end: usize,
}

/// What Tab (or Shift+Tab, `outdent`) does to the selection `start..end` (bytes):
/// with no selection, Tab inserts spaces up to the next indentation stop; with a selection, or
/// with Shift, every touched line is indented or outdented by one step.
pub fn tab(text: &str, start: usize, end: usize, outdent: bool) -> Option<Edit> {
    let (start, end) = (start.min(text.len()), end.min(text.len()));
    let (start, end) = (start.min(end), start.max(end));
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    if start == end && !outdent {
        let column = text[line_start(start)..start].chars().count();
        let spaces = INDENT.len() - column % INDENT.len();
        let insert = " ".repeat(spaces);
        let at = start + spaces;
        return Some(Edit { start, end, insert, select_start: at, select_end: at });
    }
    let first = line_start(start);
    // A selection that ends at the very start of a line does not touch that line.
    let last_end = if end > start && text[..end].ends_with('\n') { end - 1 } else { end };
    let block_end = text[last_end..].find('\n').map_or(text.len(), |i| last_end + i);
    let block = &text[first..block_end];
    let mut insert = String::with_capacity(block.len() + 16);
    let (mut delta_first, mut delta_total) = (0isize, 0isize);
    for (i, line) in block.split('\n').enumerate() {
        if i > 0 {
            insert.push('\n');
        }
        let change = if outdent {
            let removed = (line.len() - line.trim_start_matches(' ').len()).min(INDENT.len());
            insert.push_str(&line[removed..]);
            -(removed as isize)
        } else if line.is_empty() {
            0
        } else {
            insert.push_str(INDENT);
            insert.push_str(line);
            INDENT.len() as isize
        };
        if i == 0 {
            delta_first = change;
        }
        delta_total += change;
    }
    if insert == block {
        return None;
    }
    let shift = |at: usize, delta: isize| (at as isize + delta).max(first as isize) as usize;
    let (select_start, select_end) = if start == end {
        let at = shift(start, delta_first);
        (at, at)
    } else {
        (shift(start, delta_first), shift(end, delta_total))
    };
    Some(Edit { start: first, end: block_end, insert, select_start, select_end })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, e: &Edit) -> (String, String) {
        let out = format!("{}{}{}", &text[..e.start], e.insert, &text[e.end..]);
        let selected = out[e.select_start..e.select_end].to_string();
        (out, selected)
    }

    #[test]
    fn offsets_convert_between_bytes_and_utf16() {
        let text = "é1😀x";
        assert_eq!(utf16_of_byte(text, 0), 0);
        assert_eq!(utf16_of_byte(text, 2), 1); // after é (2 bytes, 1 unit)
        assert_eq!(utf16_of_byte(text, 3), 2);
        assert_eq!(utf16_of_byte(text, 7), 4); // after 😀 (4 bytes, 2 units)
        assert_eq!(utf16_of_byte(text, 5), 2); // inside 😀: rounds down
        assert_eq!(utf16_of_byte(text, 99), 5);
        assert_eq!(byte_of_utf16(text, 1), 2);
        assert_eq!(byte_of_utf16(text, 4), 7);
        assert_eq!(byte_of_utf16(text, 3), 3);
        assert_eq!(byte_of_utf16(text, 99), text.len());
    }

    #[test]
    fn tab_without_selection_inserts_to_the_next_stop() {
        let e = tab("ab", 1, 1, false).unwrap();
        assert_eq!(apply("ab", &e), ("a b".into(), "".into()));
        let e = tab("x\n  y", 4, 4, false).unwrap();
        assert_eq!(e.insert, "  ");
    }

    #[test]
    fn tab_with_a_selection_indents_the_lines_and_shift_tab_outdents() {
        let text = "a:\n  b: 1\n\n  c: 2\nd";
        // Select from inside line 2 to inside line 4.
        let e = tab(text, 5, 14, false).unwrap();
        let (out, sel) = apply(text, &e);
        assert_eq!(out, "a:\n    b: 1\n\n    c: 2\nd");
        assert_eq!(sel, "b: 1\n\n    c");
        let e = tab(&out, 3, 16, true).unwrap();
        let (back, _) = apply(&out, &e);
        assert_eq!(back, text);
        // Shift+Tab on a line without indentation changes nothing.
        assert_eq!(tab("x\ny", 0, 0, true), None);
        // A selection ending at the start of a line leaves that line alone.
        let e = tab("a\nb\nc", 0, 4, false).unwrap();
        assert_eq!(apply("a\nb\nc", &e).0, "  a\n  b\nc");
    }
}
