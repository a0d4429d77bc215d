//! A YAML node tree that remembers where every value was written.
//!
//! Built on `saphyr-parser`'s event stream (which carries a span on every event) rather than a
//! serde layer, because every dialect reader needs the position of each key and value for its
//! diagnostics, and GitLab files need anchors, aliases, `<<` merge keys and custom tags
//! (`!reference`), which we resolve here once for all dialects.
//!
//! Reading never fails as a whole: a syntax error ends the stream, and the containers that were
//! open are closed so that the readers still see everything before the error.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use crate::diagnostic::Diagnostic;
use crate::lint::rules::{duplicate_key, wrong_type::WRONG_TYPE, yaml_syntax};
use crate::span::Span;

/// One YAML value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
    /// A custom tag such as `!reference`, written with its handle.
    pub tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in the order written; merge keys are already resolved and duplicate keys removed.
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    /// Plain (unquoted) scalars are the only ones that can be numbers, booleans or null.
    pub plain: bool,
}

/// What a plain scalar means under the YAML 1.2 core schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScalarKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
    }

    pub fn scalar_kind(&self) -> Option<ScalarKind> {
        match &self.value {
            Value::Scalar(s) if s.plain && self.tag.is_none() => Some(resolve_plain(&s.text)),
            Value::Scalar(_) => Some(ScalarKind::Str),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        self.scalar_kind() == Some(ScalarKind::Null)
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.scalar_kind()? {
            ScalarKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.scalar_kind()? {
            ScalarKind::Int(i) => Some(i),
            _ => None,
        }
    }

    /// How to name this value's type in a message: "a list", "a mapping", "a number", ...
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
            Value::Scalar(_) => match self.scalar_kind() {
                Some(ScalarKind::Null) => "null",
                Some(ScalarKind::Bool(_)) => "a boolean",
                Some(ScalarKind::Int(_) | ScalarKind::Float(_)) => "a number",
                _ => "a string",
            },
        }
    }

    fn size(&self) -> usize {
        1 + match &self.value {
            Value::Scalar(_) => 0,
            Value::Seq(items) => items.iter().map(Node::size).sum(),
            Value::Map(entries) => entries.iter().map(|(k, v)| k.size() + v.size()).sum(),
        }
    }
}

fn resolve_plain(text: &str) -> ScalarKind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarKind::Null,
        "true" | "True" | "TRUE" => return ScalarKind::Bool(true),
        "false" | "False" | "FALSE" => return ScalarKind::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return ScalarKind::Int(i);
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return ScalarKind::Int(i);
        }
    }
    let looks_numeric = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if looks_numeric {
        if let Ok(f) = text.parse::<f64>() {
            return ScalarKind::Float(f);
        }
    }
    match digits {
        ".inf" | ".Inf" | ".INF" => ScalarKind::Float(f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" => ScalarKind::Float(f64::NAN),
        _ => ScalarKind::Str,
    }
}

/// The documents of a YAML stream (several when separated by `---`) and what was wrong.
#[derive(Debug, Default)]
pub struct Documents {
    pub docs: Vec<Node>,
    pub diagnostics: Vec<Diagnostic>,
}

/// How many nodes aliases may expand to in one stream, so that a "billion laughs" file gets an
/// error instead of eating the browser tab's memory.
const ALIAS_EXPANSION_BUDGET: usize = 1_000_000;

pub fn parse(text: &str) -> Documents {
    let offsets = CharOffsets::new(text);
    let mut builder = Builder {
        offsets: &offsets,
        stack: Vec::new(),
        anchors: HashMap::new(),
        expanded: 0,
        docs: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text).keep_tags(true);
    while let Some(next) = parser.next_event() {
        match next {
            Ok((event, span)) => {
                let span =
                    Span::new(offsets.byte(span.start.index()), offsets.byte(span.end.index()));
                if builder.event(event, span).is_err() {
                    break;
                }
            }
            Err(error) => {
                builder.syntax_error(&error);
                break;
            }
        }
    }
    builder.close_all();
    Documents { docs: builder.docs, diagnostics: builder.diagnostics }
}

/// saphyr counts characters; the rest of the core counts bytes.
struct CharOffsets {
    /// Byte offset of each character, or empty when the text is ASCII and both agree.
    bytes: Vec<u32>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        let bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i as u32).collect()
        };
        CharOffsets { bytes, len: text.len() }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            char_index.min(self.len)
        } else {
            self.bytes.get(char_index).map_or(self.len, |&b| b as usize)
        }
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        span: Span,
        anchor: usize,
        tag: Option<String>,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        span: Span,
        anchor: usize,
        tag: Option<String>,
    },
}

struct Builder<'a> {
    offsets: &'a CharOffsets,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    expanded: usize,
    docs: Vec<Node>,
    diagnostics: Vec<Diagnostic>,
}

/// Returned when the stream must stop (the alias budget is spent).
struct Stop;

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Stop> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let plain = matches!(style, ScalarStyle::Plain);
                let node = Node {
                    value: Value::Scalar(Scalar { text: text.into_owned(), plain }),
                    span,
                    tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                };
                self.finish_node(node, anchor);
            }
            Event::Alias(id) => {
                let node = match self.anchors.get(&id) {
                    Some(target) => {
                        self.expanded += target.size();
                        if self.expanded > ALIAS_EXPANSION_BUDGET {
                            self.diagnostics.push(yaml_syntax::alias_bomb(span));
                            return Err(Stop);
                        }
                        // The alias itself is what the user wrote here; inner values keep the
                        // anchor's positions.
                        Node { span, ..target.clone() }
                    }
                    None => Node { value: null_scalar(), span, tag: None },
                };
                self.push_value(node);
            }
            Event::SequenceStart(anchor, tag) => self.stack.push(Frame::Seq {
                items: Vec::new(),
                span,
                anchor,
                tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
            }),
            Event::MappingStart(anchor, tag) => self.stack.push(Frame::Map {
                entries: Vec::new(),
                key: None,
                span,
                anchor,
                tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
            }),
            Event::SequenceEnd | Event::MappingEnd => self.close_top(Some(span)),
            Event::DocumentEnd => self.close_all(),
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::Nothing => {}
        }
        Ok(())
    }

    fn finish_node(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        self.push_value(node);
    }

    fn push_value(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => self.docs.push(node),
        }
    }

    /// Closes the innermost container. `end` is the span of its closing event: a `]` or `}`
    /// for flow collections, empty (at the next token) for block ones.
    fn close_top(&mut self, end: Option<Span>) {
        let Some(frame) = self.stack.pop() else { return };
        let closer = end.filter(|e| !e.is_empty()).map_or(0, |e| e.end);
        let (node, anchor) = match frame {
            Frame::Seq { items, span, anchor, tag } => {
                let end = items.last().map_or(span.end, |n| n.span.end.max(span.end)).max(closer);
                let span = Span { start: span.start, end };
                (Node { value: Value::Seq(items), span, tag }, anchor)
            }
            Frame::Map { mut entries, key, span, anchor, tag } => {
                if let Some(k) = key {
                    // Only reachable when a syntax error cut the mapping short.
                    let value = Node {
                        value: null_scalar(),
                        span: Span::new(k.span.end as usize, k.span.end as usize),
                        tag: None,
                    };
                    entries.push((k, value));
                }
                let end =
                    entries.last().map_or(span.end, |(_, v)| v.span.end.max(span.end)).max(closer);
                let span = Span { start: span.start, end };
                let entries = self.resolve_merges_and_duplicates(entries);
                (Node { value: Value::Map(entries), span, tag }, anchor)
            }
        };
        self.finish_node(node, anchor);
    }

    fn close_all(&mut self) {
        while !self.stack.is_empty() {
            self.close_top(None);
        }
    }

    /// Applies `<<` merge keys (explicit keys win, then earlier merged maps win) and keeps the
    /// last of duplicated keys, reporting the duplicate.
    fn resolve_merges_and_duplicates(&mut self, entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
        let is_merge = |k: &Node| matches!(&k.value, Value::Scalar(s) if s.plain && s.text == "<<");
        // The common case, without allocating: small mapping, no merge key, no duplicate.
        if entries.len() <= 16 && !entries.iter().any(|(k, _)| is_merge(k)) {
            let names: Vec<Option<&str>> = entries.iter().map(|(k, _)| k.as_str()).collect();
            let duplicated = names
                .iter()
                .enumerate()
                .any(|(i, a)| a.is_some() && names[..i].iter().any(|b| b == a));
            if !duplicated {
                return entries;
            }
        }
        let mut explicit: HashMap<String, Span> = HashMap::new();
        let mut duplicates = Vec::new();
        for (k, _) in entries.iter().filter(|(k, _)| !is_merge(k)) {
            let Some(name) = k.as_str() else { continue };
            if let Some(first) = explicit.insert(name.to_string(), k.span) {
                duplicates.push((name.to_string(), first, k.span));
            }
        }
        for (name, first, second) in duplicates {
            self.diagnostics.push(duplicate_key::diagnostic(second, &name, first));
        }
        let has_merge = entries.iter().any(|(k, _)| is_merge(k));
        let mut seen: HashMap<String, ()> = HashMap::new();
        let mut out: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
        // Keep the last occurrence of each explicit key, in the position of that occurrence.
        let last_index: HashMap<String, usize> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, (k, _))| Some((k.as_str()?.to_string(), i)))
            .collect();
        for (i, (k, v)) in entries.into_iter().enumerate() {
            if has_merge && is_merge(&k) {
                let sources: Vec<Node> = match v.value {
                    Value::Map(_) => vec![v],
                    Value::Seq(items) => items,
                    _ => vec![v],
                };
                for source in sources {
                    let Value::Map(merged) = source.value else {
                        self.diagnostics.push(Diagnostic::new(
                            &WRONG_TYPE,
                            source.span,
                            "`<<` merges mappings (or a list of them); this value is not merged",
                        ));
                        continue;
                    };
                    for (mk, mv) in merged {
                        let Some(name) = mk.as_str() else { continue };
                        if explicit.contains_key(name) || seen.contains_key(name) {
                            continue;
                        }
                        seen.insert(name.to_string(), ());
                        out.push((mk, mv));
                    }
                }
                continue;
            }
            if let Some(name) = k.as_str() {
                if last_index.get(name) != Some(&i) {
                    continue;
                }
            }
            out.push((k, v));
        }
        out
    }

    fn syntax_error(&mut self, error: &ScanError) {
        let at = self.offsets.byte(error.marker().index());
        self.diagnostics.push(yaml_syntax::diagnostic(Span::new(at, at + 1), error.info()));
    }
}

fn null_scalar() -> Value {
    Value::Scalar(Scalar { text: String::new(), plain: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let docs = parse(text);
        assert!(docs.diagnostics.is_empty(), "{:?}", docs.diagnostics);
        docs.docs.into_iter().next().expect("a document")
    }

    fn slice<'t>(text: &'t str, node: &Node) -> &'t str {
        &text[node.span.start as usize..node.span.end as usize]
    }

    #[test]
    fn every_value_knows_where_it_was_written() {
        let text = "a:\n  b: 1\n  c: [2, \"q\"]\n";
        let root = one(text);
        let a = root.get("a").unwrap();
        assert_eq!(slice(text, a.get("b").unwrap()), "1");
        let c = a.get("c").unwrap();
        assert_eq!(slice(text, c), "[2, \"q\"]");
        assert_eq!(slice(text, &c.as_seq().unwrap()[1]), "\"q\"");
        assert_eq!(c.as_seq().unwrap()[0].as_i64(), Some(2));
        assert_eq!(c.as_seq().unwrap()[1].scalar_kind(), Some(ScalarKind::Str));
    }

    #[test]
    fn spans_are_bytes_even_after_multibyte_characters() {
        let text = "name: ç€\nid: x\n";
        let root = one(text);
        assert_eq!(slice(text, root.get("id").unwrap()), "x");
    }

    #[test]
    fn anchors_aliases_and_merge_keys_resolve() {
        let text = "base: &b\n  image: rust\n  tags: [a]\njob:\n  <<: *b\n  tags: [z]\nother: *b\n";
        let root = one(text);
        let job = root.get("job").unwrap();
        assert_eq!(job.get("image").unwrap().as_str(), Some("rust"));
        assert_eq!(job.get("tags").unwrap().as_seq().unwrap()[0].as_str(), Some("z"));
        assert_eq!(root.get("other").unwrap().get("image").unwrap().as_str(), Some("rust"));
        // The alias node points at `*b`.
        assert_eq!(slice(text, root.get("other").unwrap()), "*b");
    }

    #[test]
    fn merge_of_a_list_prefers_earlier_maps() {
        let root = one("x: &x {a: 1}\ny: &y {a: 2, b: 2}\nz:\n  <<: [*x, *y]\n");
        let z = root.get("z").unwrap();
        assert_eq!(z.get("a").unwrap().as_i64(), Some(1));
        assert_eq!(z.get("b").unwrap().as_i64(), Some(2));
    }

    #[test]
    fn merging_something_that_is_not_a_mapping_is_reported() {
        let docs = parse("a: &a [1]\nb:\n  <<: *a\n  c: 1\n");
        assert_eq!(docs.diagnostics.len(), 1, "{:?}", docs.diagnostics);
        assert_eq!(docs.diagnostics[0].rule.name, "wrong-type");
        assert_eq!(docs.docs[0].get("b").unwrap().get("c").unwrap().as_i64(), Some(1));
    }

    #[test]
    fn tags_are_kept() {
        let root = one("script: !reference [.setup, script]\n");
        assert_eq!(root.get("script").unwrap().tag.as_deref(), Some("!reference"));
    }

    #[test]
    fn duplicate_keys_are_reported_and_the_last_wins() {
        let docs = parse("a: 1\nb: 2\na: 3\n");
        assert_eq!(docs.diagnostics.len(), 1);
        assert_eq!(docs.diagnostics[0].rule.name, "duplicate-key");
        assert_eq!(docs.docs[0].get("a").unwrap().as_i64(), Some(3));
        assert_eq!(docs.docs[0].as_map().unwrap().len(), 2);
    }

    #[test]
    fn a_syntax_error_keeps_what_came_before() {
        let text = "a: 1\nb: [2, 3\nc: 4\n";
        let docs = parse(text);
        assert_eq!(docs.diagnostics.len(), 1);
        assert_eq!(docs.diagnostics[0].rule.name, "yaml-syntax");
        assert_eq!(docs.docs[0].get("a").unwrap().as_i64(), Some(1));
    }

    #[test]
    fn several_documents_are_read() {
        let docs = parse("spec: {}\n---\na: 1\n");
        assert!(docs.diagnostics.is_empty());
        assert_eq!(docs.docs.len(), 2);
    }

    #[test]
    fn an_alias_bomb_stops_with_an_error() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let docs = parse(&text);
        assert!(docs.diagnostics.iter().any(|d| d.message.contains("million")));
    }

    #[test]
    fn plain_scalars_resolve_like_yaml_1_2() {
        let kinds = |t: &str| resolve_plain(t);
        assert_eq!(kinds("~"), ScalarKind::Null);
        assert_eq!(kinds("true"), ScalarKind::Bool(true));
        assert_eq!(kinds("-12"), ScalarKind::Int(-12));
        assert_eq!(kinds("1.5"), ScalarKind::Float(1.5));
        assert_eq!(kinds("4m"), ScalarKind::Str);
        assert_eq!(kinds("1e3"), ScalarKind::Float(1000.0));
        assert_eq!(kinds("yes"), ScalarKind::Str);
    }
}
