//! Small helpers the YAML dialect readers share: reading typed values out of nodes and
//! reporting unknown keys and wrong types with the user's positions.

use crate::diagnostic::Diagnostic;
use crate::duration::{self, Millis};
use crate::lint::rules::{invalid_duration, unknown_key, wrong_type};
use crate::yaml::{Node, ScalarKind};

/// The readers suggest keys and names through `fields::did_you_mean`; the rules share it too.
pub use crate::text::did_you_mean;

/// Reports every key of `map` that is not in `known`, with a "did you mean" when one is close.
/// `context` names the mapping in the message ("a stage").
pub fn check_keys(map: &Node, known: &[&str], context: &str, out: &mut Vec<Diagnostic>) {
    let Some(entries) = map.as_map() else { return };
    for (key, _) in entries {
        let Some(name) = key.as_str() else {
            let what = format!("keys of {context}");
            out.push(wrong_type::diagnostic(key.span, &what, "text", key.kind_name()));
            continue;
        };
        if known.contains(&name) {
            continue;
        }
        out.push(unknown_key::diagnostic(key.span, name, context, known));
    }
}

/// A text value; numbers and booleans are accepted as their text (YAML users write `id: 1`).
pub fn text<'n>(node: &'n Node, what: &str, out: &mut Vec<Diagnostic>) -> Option<&'n str> {
    match node.scalar_kind() {
        Some(ScalarKind::Null) | None => {
            out.push(wrong_type(node, what, "text"));
            None
        }
        Some(_) => node.as_str(),
    }
}

pub fn boolean(node: &Node, what: &str, out: &mut Vec<Diagnostic>) -> Option<bool> {
    let value = node.as_bool();
    if value.is_none() {
        out.push(wrong_type(node, what, "`true` or `false`"));
    }
    value
}

/// A list; a single value is reported and read as a list of one, which is what people mean.
pub fn list<'n>(node: &'n Node, what: &str, out: &mut Vec<Diagnostic>) -> &'n [Node] {
    match node.as_seq() {
        Some(items) => items,
        None if node.is_null() => &[],
        None => {
            out.push(wrong_type(node, what, "a list"));
            std::slice::from_ref(node)
        }
    }
}

/// A duration written as text (`4m`) or a number of seconds.
pub fn duration(node: &Node, out: &mut Vec<Diagnostic>) -> Option<Millis> {
    let text = match node.scalar_kind() {
        Some(ScalarKind::Int(_) | ScalarKind::Float(_) | ScalarKind::Str) => node.as_str()?,
        _ => {
            out.push(wrong_type(node, "a duration", "text such as `45s` or `4m`"));
            return None;
        }
    };
    match duration::parse(text) {
        Ok(ms) => Some(ms),
        Err(error) => {
            out.push(invalid_duration::diagnostic(node.span, text, error));
            None
        }
    }
}

pub fn wrong_type(node: &Node, what: &str, expected: &str) -> Diagnostic {
    wrong_type::diagnostic(node.span, what, expected, node.kind_name())
}
