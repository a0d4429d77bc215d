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

mod lexer;
mod parser;

use crate::diagnostic::Diagnostic;
use crate::span::Span;

use parser::Parser;

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
    let mut parser = Parser::new(text);
    let body = parser.body(None);
    (body, parser.into_errors())
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
