//! The structure of OCL: bodies of attributes and blocks, values, lists and maps, with the
//! nesting cap and the recovery that let any text be read.

use crate::diagnostic::Diagnostic;
use crate::span::Span;

use super::lexer::is_name_start;
use super::{Attribute, Block, Body, Item, MAX_DEPTH, Value, ValueKind};

/// The reader's position in the text; its character-level steps are in `lexer.rs`.
pub(super) struct Parser<'a> {
    pub(super) src: &'a str,
    pub(super) pos: usize,
    pub(super) depth: u32,
    pub(super) errors: Vec<Diagnostic>,
}

impl<'a> Parser<'a> {
    pub(super) fn new(src: &'a str) -> Parser<'a> {
        Parser { src, pos: 0, depth: 0, errors: Vec::new() }
    }

    /// What was wrong with the text, in the order found.
    pub(super) fn into_errors(self) -> Vec<Diagnostic> {
        self.errors
    }
}

impl Parser<'_> {
    /// A body up to its closing brace (`open` is the block's span so far) or the end of text.
    pub(super) fn body(&mut self, open: Option<Span>) -> Body {
        let mut body = Body::default();
        loop {
            self.skip_all();
            let Some(c) = self.peek() else {
                if let Some(open) = open {
                    self.error(open, "this block is never closed: a `}` is missing");
                }
                return body;
            };
            if c == b'}' {
                if open.is_some() {
                    self.pos += 1;
                    return body;
                }
                self.error(self.here(), "unexpected `}`: no block is open here");
                self.pos += 1;
                continue;
            }
            if !is_name_start(c) && c != b'"' {
                self.error(
                    self.here(),
                    "expected an attribute (`name = value`) or a block (`step \"name\" {`)",
                );
                self.skip_line_forward();
                continue;
            }
            let (key, key_span) = if c == b'"' {
                let v = self.string();
                (v.as_text().unwrap_or_default().to_string(), v.span)
            } else {
                self.name()
            };
            self.skip_inline();
            match self.peek() {
                Some(b'=') => {
                    self.pos += 1;
                    self.skip_inline();
                    let value = self.value();
                    body.items.push(Item::Attribute(Attribute { key, key_span, value }));
                    self.end_of_item();
                }
                _ => {
                    if let Some(block) = self.block(key, key_span) {
                        body.items.push(Item::Block(block));
                    }
                }
            }
        }
    }

    /// After an attribute: only a comment may follow on the line.
    fn end_of_item(&mut self) {
        self.skip_inline();
        match self.peek() {
            None | Some(b'\n') | Some(b'}') => {}
            Some(_) => {
                self.error(self.here(), "unexpected text after the value; one attribute per line");
                self.skip_line();
            }
        }
    }

    fn block(&mut self, kind: String, kind_span: Span) -> Option<Block> {
        let mut labels = Vec::new();
        loop {
            self.skip_inline();
            match self.peek() {
                Some(b'"') => {
                    let v = self.string();
                    labels.push((v.as_text().unwrap_or_default().to_string(), v.span));
                }
                Some(c) if is_name_start(c) => labels.push(self.name()),
                Some(b'{') => break,
                _ => {
                    self.error(
                        kind_span,
                        format!("`{kind}` is neither an attribute (`{kind} = ...`) nor a block (`{kind} {{ ... }}`)"),
                    );
                    self.skip_line();
                    return None;
                }
            }
        }
        let open = Span::new(kind_span.start as usize, self.pos + 1);
        self.pos += 1;
        if self.depth >= MAX_DEPTH {
            self.error(
                open,
                format!("blocks nest more than {MAX_DEPTH} deep; this one is skipped"),
            );
            self.skip_balanced(b'{', b'}');
            return None;
        }
        self.depth += 1;
        let body = self.body(Some(open));
        self.depth -= 1;
        Some(Block {
            kind,
            kind_span,
            labels,
            body,
            span: Span::new(open.start as usize, self.pos),
        })
    }

    fn value(&mut self) -> Value {
        let start = self.pos;
        match self.peek() {
            Some(b'"') => self.string(),
            Some(b'<') if self.peek_at(1) == Some(b'<') => self.heredoc(),
            Some(b'[') => self.list(),
            Some(b'{') => self.map(),
            Some(c) if c.is_ascii_digit() || c == b'-' || c == b'+' => {
                self.pos += 1;
                while self.peek().is_some_and(|c| {
                    c.is_ascii_alphanumeric() || c == b'.' || c == b'-' || c == b'+'
                }) {
                    self.pos += 1;
                }
                Value {
                    kind: ValueKind::Number(self.src[start..self.pos].to_string()),
                    span: Span::new(start, self.pos),
                }
            }
            Some(c) if is_name_start(c) => {
                let (name, span) = self.name();
                let kind = match name.as_str() {
                    "true" => ValueKind::Bool(true),
                    "false" => ValueKind::Bool(false),
                    "null" => ValueKind::Null,
                    _ => ValueKind::Name(name),
                };
                Value { kind, span }
            }
            _ => {
                self.error(
                    self.here(),
                    "expected a value: a \"string\", a number, a list `[...]` or a map `{...}`",
                );
                self.skip_line();
                Value { kind: ValueKind::Null, span: Span::new(start, self.pos) }
            }
        }
    }

    fn enter(&mut self, open: u8, close: u8, start: usize) -> bool {
        if self.depth >= MAX_DEPTH {
            self.error(
                Span::new(start, start + 1),
                format!("values nest more than {MAX_DEPTH} deep; this one is skipped"),
            );
            self.pos += 1;
            self.skip_balanced(open, close);
            return false;
        }
        self.depth += 1;
        true
    }

    fn list(&mut self) -> Value {
        let start = self.pos;
        if !self.enter(b'[', b']', start) {
            return Value { kind: ValueKind::Null, span: Span::new(start, self.pos) };
        }
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_all();
            match self.peek() {
                None => {
                    self.error(
                        Span::new(start, start + 1),
                        "this list is never closed: a `]` is missing",
                    );
                    break;
                }
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.error(self.here(), "expected `]` to close the list");
                    break;
                }
                Some(_) => {
                    let before = self.pos;
                    items.push(self.value());
                    if self.pos == before {
                        self.pos += 1;
                    }
                }
            }
        }
        self.depth -= 1;
        Value { kind: ValueKind::List(items), span: Span::new(start, self.pos) }
    }

    fn map(&mut self) -> Value {
        let start = self.pos;
        if !self.enter(b'{', b'}', start) {
            return Value { kind: ValueKind::Null, span: Span::new(start, self.pos) };
        }
        self.pos += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_all();
            let key = match self.peek() {
                None => {
                    self.error(
                        Span::new(start, start + 1),
                        "this map is never closed: a `}` is missing",
                    );
                    break;
                }
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(b'"') => {
                    let v = self.string();
                    (v.as_text().unwrap_or_default().to_string(), v.span)
                }
                Some(c) if is_name_start(c) || c.is_ascii_digit() => self.name(),
                Some(_) => {
                    self.error(self.here(), "expected a key of the map");
                    self.skip_line_forward();
                    continue;
                }
            };
            self.skip_inline();
            if matches!(self.peek(), Some(b'=' | b':')) {
                self.pos += 1;
                self.skip_inline();
                let value = self.value();
                entries.push((key.0, key.1, value));
            } else {
                self.error(key.1, format!("expected `=` after the key `{}`", key.0));
                self.skip_line();
            }
        }
        self.depth -= 1;
        Value { kind: ValueKind::Map(entries), span: Span::new(start, self.pos) }
    }
}
