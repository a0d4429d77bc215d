//! The characters of OCL: whitespace and comments, names, quoted strings with HCL's escapes,
//! heredocs taken as written, and the skipping that error recovery needs.

use crate::diagnostic::Diagnostic;
use crate::lint::rules::malformed_file::MALFORMED_FILE;
use crate::span::Span;

use super::parser::Parser;
use super::{Value, ValueKind};

pub(super) fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

pub(super) fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':')
}

impl Parser<'_> {
    pub(super) fn bytes(&self) -> &[u8] {
        self.src.as_bytes()
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    pub(super) fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes().get(self.pos + offset).copied()
    }

    pub(super) fn error(&mut self, span: Span, message: impl Into<String>) {
        // One error per position is enough; recovery can hit the same place twice.
        if self.errors.last().is_some_and(|d| d.span.start == span.start) {
            return;
        }
        self.errors.push(Diagnostic::new(&MALFORMED_FILE, span, message));
    }

    pub(super) fn here(&self) -> Span {
        let end = (self.pos + 1).min(self.src.len());
        Span::new(self.pos, end.max(self.pos))
    }

    /// Skips spaces, tabs and comments, not newlines.
    pub(super) fn skip_inline(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'#' => self.skip_to_eol(),
                b'/' if self.peek_at(1) == Some(b'/') => self.skip_to_eol(),
                b'/' if self.peek_at(1) == Some(b'*') => self.skip_block_comment(),
                _ => break,
            }
        }
    }

    /// Skips whitespace, newlines and comments.
    pub(super) fn skip_all(&mut self) {
        loop {
            self.skip_inline();
            if self.peek() == Some(b'\n') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    pub(super) fn skip_to_eol(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'\n' {
                break;
            }
            self.pos += 1;
        }
    }

    pub(super) fn skip_block_comment(&mut self) {
        let start = self.pos;
        match self.src[self.pos + 2..].find("*/") {
            Some(end) => self.pos += 2 + end + 2,
            None => {
                self.error(Span::new(start, start + 2), "this comment is never closed (`*/`)");
                self.pos = self.src.len();
            }
        }
    }

    /// Skips the rest of a line that could not be read, stepping over strings and balanced
    /// brackets so that a `{` on the line does not swallow the rest of the file.
    pub(super) fn skip_line(&mut self) {
        let mut depth: u32 = 0;
        while let Some(c) = self.peek() {
            match c {
                b'\n' if depth == 0 => return,
                b'"' => {
                    self.string();
                    continue;
                }
                b'{' | b'[' | b'(' => depth += 1,
                b'}' | b']' | b')' => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// Like [`Parser::skip_line`], but always moves on by at least one character, so that a
    /// loop calling it ends.
    pub(super) fn skip_line_forward(&mut self) {
        let start = self.pos;
        self.skip_line();
        if self.pos == start {
            self.pos += self.src[self.pos..].chars().next().map_or(0, char::len_utf8);
        }
    }

    pub(super) fn name(&mut self) -> (String, Span) {
        let start = self.pos;
        while self.peek().is_some_and(is_name_char) {
            self.pos += 1;
        }
        (self.src[start..self.pos].to_string(), Span::new(start, self.pos))
    }

    /// Skips to the bracket that closes one already consumed, without recursion.
    pub(super) fn skip_balanced(&mut self, open: u8, close: u8) {
        let mut depth = 1u32;
        while let Some(c) = self.peek() {
            if c == b'"' {
                self.string();
                continue;
            }
            self.pos += 1;
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
        }
    }

    /// A quoted string on one line, with HCL's escapes.
    pub(super) fn string(&mut self) -> Value {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.src[self.pos..].chars().next() else {
                self.error(
                    Span::new(start, start + 1),
                    "this string is never closed: a `\"` is missing",
                );
                break;
            };
            match c {
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\n' => {
                    self.error(
                        Span::new(start, self.pos),
                        "this string is not closed before the end of the line",
                    );
                    break;
                }
                '\\' => {
                    self.pos += 1;
                    let Some(e) = self.src[self.pos..].chars().next() else { continue };
                    self.pos += e.len_utf8();
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        'u' | 'U' => {
                            let len = if e == 'u' { 4 } else { 8 };
                            let hex = self.src.get(self.pos..self.pos + len).unwrap_or("");
                            match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                                Some(ch) if hex.len() == len => {
                                    out.push(ch);
                                    self.pos += len;
                                }
                                _ => out.push(e),
                            }
                        }
                        other => {
                            out.push('\\');
                            out.push(other);
                        }
                    }
                }
                _ => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        Value { kind: ValueKind::Str(out), span: Span::new(start, self.pos) }
    }

    /// `<<EOT` or `<<-EOT` (indented: the common leading whitespace is removed) up to the line
    /// holding only the marker. The text is taken as written: nothing is interpolated.
    pub(super) fn heredoc(&mut self) -> Value {
        let start = self.pos;
        self.pos += 2;
        let indented = self.peek() == Some(b'-');
        if indented {
            self.pos += 1;
        }
        let (marker, marker_span) = self.name();
        if marker.is_empty() {
            self.error(Span::new(start, self.pos), "a heredoc needs a marker, as in `<<-EOT`");
            self.skip_line();
            return Value { kind: ValueKind::Str(String::new()), span: Span::new(start, self.pos) };
        }
        self.skip_inline();
        if self.peek().is_some_and(|c| c != b'\n') {
            self.error(self.here(), "nothing may follow a heredoc's marker on its line");
        }
        self.skip_to_eol();
        let mut lines: Vec<&str> = Vec::new();
        let mut closed = false;
        while self.pos < self.src.len() {
            self.pos += 1; // the newline
            let line_end = self.src[self.pos..].find('\n').map_or(self.src.len(), |i| self.pos + i);
            let line = &self.src[self.pos..line_end];
            if line.trim() == marker {
                self.pos = line_end;
                closed = true;
                break;
            }
            lines.push(line.strip_suffix('\r').unwrap_or(line));
            self.pos = line_end;
        }
        if !closed {
            self.error(
                marker_span,
                format!("this heredoc is never closed: no line holds only `{marker}`"),
            );
        }
        let strip = if indented {
            lines
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0)
        } else {
            0
        };
        let mut text = String::new();
        for line in lines {
            text.push_str(line.get(strip..).unwrap_or_else(|| line.trim_start()));
            text.push('\n');
        }
        Value { kind: ValueKind::Str(text), span: Span::new(start, self.pos) }
    }
}
