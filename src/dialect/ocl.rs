//! A small parser for OCL, the HCL-like language of Octopus Deploy's config-as-code files
//! (`deployment_process.ocl`), keeping a byte span on every key, label and value.
//!
//! OCL looks like HCL but is not quite it: heredocs and strings are plain text (a shell
//! script's `${VAR}` or a CloudFormation `${AWS::Region}` is not an interpolation), and map
//! keys may be dotted names (`Octopus.Action.TargetRoles = "web"`). HCL parsers reject real
//! OCL files for the first reason, so we read the subset Octopus writes:
//!
//! ```text
//! body      = { attribute | block }
//! attribute = name "=" value                       (one per line)
//! block     = name { "label" | name } "{" body "}"
//! value     = "string" | <<-EOT heredoc EOT | number | true | false | null | name
//!           | "[" value, ... "]" | "{" key = value ... "}"
//! ```
//!
//! Reading never fails: an error is recorded and the parser skips to the next line (or the
//! closing brace), keeping everything it could read. Nesting deeper than [`MAX_DEPTH`] is
//! reported and skipped without recursion, so no file can exhaust the stack.

use crate::diagnostic::Diagnostic;
use crate::lint::rules::malformed_file::MALFORMED_FILE;
use crate::span::Span;

/// How deeply blocks, lists and maps may nest. Real files use four or five levels.
pub const MAX_DEPTH: u32 = 64;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Attribute(Attribute),
    Block(Block),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub key: String,
    pub key_span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// `step`, `action`, `packages`, ...
    pub kind: String,
    pub kind_span: Span,
    /// The quoted or bare labels after the kind: `step "deploy-web" {` has one.
    pub labels: Vec<(String, Span)>,
    pub body: Body,
    /// From the kind to the closing brace.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// A quoted string or a heredoc, unescaped.
    Str(String),
    /// A number as written.
    Number(String),
    Bool(bool),
    Null,
    /// A bare name, such as a variable reference.
    Name(String),
    List(Vec<Value>),
    /// Entries in the order written: key, key span, value.
    Map(Vec<(String, Span, Value)>),
}

impl Value {
    /// The text of a string, number, boolean or name.
    pub fn as_text(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Str(s) | ValueKind::Number(s) | ValueKind::Name(s) => Some(s),
            ValueKind::Bool(true) => Some("true"),
            ValueKind::Bool(false) => Some("false"),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.kind {
            ValueKind::Map(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// Every string in the value, nested ones included (for finding references in scripts).
    pub fn strings(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(v) = stack.pop() {
            match &v.kind {
                ValueKind::Str(s) => out.push((s.as_str(), v.span)),
                ValueKind::List(items) => stack.extend(items.iter().rev()),
                ValueKind::Map(entries) => stack.extend(entries.iter().rev().map(|(_, _, v)| v)),
                _ => {}
            }
        }
        out
    }
}

impl Body {
    pub fn attribute(&self, key: &str) -> Option<&Attribute> {
        self.items.iter().find_map(|i| match i {
            Item::Attribute(a) if a.key == key => Some(a),
            _ => None,
        })
    }

    pub fn blocks<'b>(&'b self, kind: &'b str) -> impl Iterator<Item = &'b Block> + 'b {
        self.items.iter().filter_map(move |i| match i {
            Item::Block(b) if b.kind == kind => Some(b),
            _ => None,
        })
    }
}

/// Parses a whole file. Never fails: returns what it could read and what was wrong.
pub fn parse(text: &str) -> (Body, Vec<Diagnostic>) {
    let mut parser = Parser { src: text, pos: 0, depth: 0, errors: Vec::new() };
    let body = parser.body(None);
    (body, parser.errors)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: u32,
    errors: Vec<Diagnostic>,
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':')
}

impl Parser<'_> {
    fn bytes(&self) -> &[u8] {
        self.src.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes().get(self.pos + offset).copied()
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        // One error per position is enough; recovery can hit the same place twice.
        if self.errors.last().is_some_and(|d| d.span.start == span.start) {
            return;
        }
        self.errors.push(Diagnostic::new(&MALFORMED_FILE, span, message));
    }

    fn here(&self) -> Span {
        let end = (self.pos + 1).min(self.src.len());
        Span::new(self.pos, end.max(self.pos))
    }

    /// Skips spaces, tabs and comments, not newlines.
    fn skip_inline(&mut self) {
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
    fn skip_all(&mut self) {
        loop {
            self.skip_inline();
            if self.peek() == Some(b'\n') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn skip_to_eol(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'\n' {
                break;
            }
            self.pos += 1;
        }
    }

    fn skip_block_comment(&mut self) {
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
    fn skip_line(&mut self) {
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
    fn skip_line_forward(&mut self) {
        let start = self.pos;
        self.skip_line();
        if self.pos == start {
            self.pos += self.src[self.pos..].chars().next().map_or(0, char::len_utf8);
        }
    }

    fn name(&mut self) -> (String, Span) {
        let start = self.pos;
        while self.peek().is_some_and(is_name_char) {
            self.pos += 1;
        }
        (self.src[start..self.pos].to_string(), Span::new(start, self.pos))
    }

    /// A body up to its closing brace (`open` is the block's span so far) or the end of text.
    fn body(&mut self, open: Option<Span>) -> Body {
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

    /// Skips to the bracket that closes one already consumed, without recursion.
    fn skip_balanced(&mut self, open: u8, close: u8) {
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

    /// A quoted string on one line, with HCL's escapes.
    fn string(&mut self) -> Value {
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
    fn heredoc(&mut self) -> Value {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_attributes_maps_and_heredocs() {
        let text = r#"step "deploy web" {
    name = "Deploy web" # comment
    start_trigger = "StartWithPrevious"
    properties = {
        Octopus.Action.TargetRoles = "web,api"
        "quoted key" = 3
    }

    action {
        environments = ["staging", "prod",]
        notes = <<-EOT
                line ${AWS::Region}
                  indented
            EOT
        is_disabled = false
    }
}
"#;
        let (body, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        let step = body.blocks("step").next().unwrap();
        assert_eq!(step.labels[0].0, "deploy web");
        let props = &step.body.attribute("properties").unwrap().value;
        assert_eq!(props.get("Octopus.Action.TargetRoles").unwrap().as_text(), Some("web,api"));
        assert_eq!(props.get("quoted key").unwrap().as_text(), Some("3"));
        let action = step.body.blocks("action").next().unwrap();
        let notes = action.body.attribute("notes").unwrap().value.as_text().unwrap();
        assert_eq!(notes, "line ${AWS::Region}\n  indented\n");
        let envs = &action.body.attribute("environments").unwrap().value;
        assert!(matches!(&envs.kind, ValueKind::List(items) if items.len() == 2));
        assert_eq!(
            &text[step.labels[0].1.start as usize..step.labels[0].1.end as usize],
            "\"deploy web\""
        );
    }

    #[test]
    fn recovers_after_errors_and_keeps_what_it_read() {
        let text = "step \"a\" {\n  name = \n  oops oops\n}\nstep \"b\" {\n  name = \"B\"\n}\nstep \"c\" {\n";
        let (body, errors) = parse(text);
        let names: Vec<&str> = body.blocks("step").map(|b| b.labels[0].0.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert!(errors.len() >= 2, "{errors:?}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text =
            format!("x = {}{}\nstep \"after\" {{}}\n", "[".repeat(100_000), "]".repeat(100_000));
        let (body, errors) = parse(&text);
        assert!(errors.iter().any(|e| e.message.contains("nest")));
        assert_eq!(body.blocks("step").count(), 1);
        let blocks = format!("{}{}", "a {\n".repeat(10_000), "}\n".repeat(10_000));
        let (_, errors) = parse(&blocks);
        assert!(errors.iter().any(|e| e.message.contains("nest")));
    }

    #[test]
    fn stray_closing_brackets_do_not_stop_the_parser() {
        for text in [
            "]",
            ")",
            "x = { ] }",
            "x = [ ) ]",
            "step \"a\" { ] }\n",
            "x = 1 ]\n",
            "é ]",
            "x = { é = 1 }",
        ] {
            let (_, errors) = parse(text);
            assert!(!errors.is_empty(), "{text}");
        }
    }

    /// Random texts from OCL's punctuation: every one must parse, in bounded time.
    #[test]
    fn random_punctuation_parses() {
        let pieces = [
            "step", " ", "\"", "a", "{", "}", "[", "]", "(", ")", "=", ",", "\n", "<<", "-", "EOT",
            "#", "/*", "*/", "//", "é", "1", ".", ":", "\\", "true",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3_000 {
            let mut text = String::new();
            for _ in 0..(seed % 40) {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let _ = parse(&text);
        }
    }

    #[test]
    fn every_prefix_parses_without_panicking() {
        let text = "step \"a\" {\n  p = { K.x = \"v\\\"\", l = [1, <<EOT\nhi\nEOT\n] }\n  action \"b\" { t = true }\n}\n/* c */";
        for end in 0..=text.len() {
            if text.is_char_boundary(end) {
                let _ = parse(&text[..end]);
            }
        }
    }
}
