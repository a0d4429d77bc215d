//! What GitLab does to a configuration before it reads jobs, in its order: `extends` (reverse
//! deep merge: mappings merge key by key, everything else is replaced; the last parent wins
//! over earlier ones and the job over all), then `!reference [name, key, ...]` tags (a
//! reference that is an item of a list and gives a list is spliced into it), then `default:`
//! (and the old top-level `image`, `services`, `cache`, `before_script`, `after_script`) for
//! the keys a job does not set, unless `inherit: default:` says otherwise.
//!
//! YAML anchors, aliases and `<<` merge keys are already resolved by `crate::yaml`.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::dialect::fields;
use crate::lint::rules::{extends_cycle, unknown_extends, unknown_reference};
use crate::span::Span;
use crate::yaml::{Node, Scalar, Value};

/// GitLab follows `extends` through at most this many levels.
pub const MAX_EXTENDS_DEPTH: usize = 11;
/// And `!reference` tags through at most this many.
pub const MAX_REFERENCE_DEPTH: usize = 10;

/// The keys `default:` may set, which jobs inherit.
pub const DEFAULT_KEYS: &[&str] = &[
    "after_script",
    "artifacts",
    "before_script",
    "cache",
    "hooks",
    "id_tokens",
    "image",
    "interruptible",
    "retry",
    "services",
    "tags",
    "timeout",
];

/// The top-level keys that act as defaults when `default:` does not set them (deprecated).
pub const GLOBAL_DEFAULT_KEYS: &[&str] =
    &["image", "services", "cache", "before_script", "after_script"];

#[derive(Clone, Copy, PartialEq)]
enum State {
    New,
    Resolving,
    Done,
}

/// Every top-level key of the configuration, resolved on demand.
pub struct Resolver<'a> {
    names: Vec<&'a str>,
    values: Vec<&'a Node>,
    index: HashMap<&'a str, usize>,
    state: Vec<State>,
    resolved: Vec<Option<Node>>,
    /// Names on the way to the entry being resolved, for naming a cycle.
    chain: Vec<usize>,
    reported_cycles: Vec<Vec<usize>>,
    /// Where names this file does not define may come from, when they may: an included file,
    /// or the configuration that includes this one.
    pub elsewhere: Option<&'static str>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Resolver<'a> {
    pub fn new(entries: &[(&'a str, &'a Node)], elsewhere: Option<&'static str>) -> Resolver<'a> {
        let mut index = HashMap::new();
        for (i, (name, _)) in entries.iter().enumerate() {
            index.entry(*name).or_insert(i);
        }
        Resolver {
            names: entries.iter().map(|(n, _)| *n).collect(),
            values: entries.iter().map(|(_, v)| *v).collect(),
            index,
            state: vec![State::New; entries.len()],
            resolved: vec![None; entries.len()],
            chain: Vec::new(),
            reported_cycles: Vec::new(),
            elsewhere,
            diagnostics: Vec::new(),
        }
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The entry with its `extends` applied (and the `extends` key removed).
    pub fn extended(&mut self, i: usize) -> Node {
        if let Some(done) = &self.resolved[i] {
            return done.clone();
        }
        self.state[i] = State::Resolving;
        self.chain.push(i);
        let raw = self.values[i];
        let mut result = raw.clone();
        if let Some(extends) = raw.get("extends") {
            let parents: Vec<&Node> = match extends.as_seq() {
                Some(items) => items.iter().collect(),
                None => vec![extends],
            };
            let mut base: Option<Node> = None;
            for parent in parents {
                let Some(name) = fields::text(parent, "an `extends` entry", &mut self.diagnostics)
                else {
                    continue;
                };
                let Some(j) = self.find(name) else {
                    self.unknown_extends(name, parent.span);
                    continue;
                };
                if self.state[j] == State::Resolving {
                    self.cycle(j, parent.span);
                    continue;
                }
                if self.chain.len() >= MAX_EXTENDS_DEPTH {
                    let d = extends_cycle::too_deep(parent.span, name, MAX_EXTENDS_DEPTH);
                    self.diagnostics.push(d);
                    continue;
                }
                let inherited = self.extended(j);
                base = Some(match base {
                    Some(b) => deep_merge(&b, &inherited),
                    None => inherited,
                });
            }
            let own = without_key(raw, "extends");
            result = match base {
                Some(b) if b.as_map().is_some() && own.as_map().is_some() => deep_merge(&b, &own),
                _ => own,
            };
        }
        self.chain.pop();
        self.state[i] = State::Done;
        self.resolved[i] = Some(result.clone());
        result
    }

    fn unknown_extends(&mut self, name: &str, span: Span) {
        let d = unknown_extends::diagnostic(span, name, self.elsewhere, &self.names);
        self.diagnostics.push(d);
    }

    fn cycle(&mut self, back_to: usize, span: Span) {
        let start = self.chain.iter().position(|&c| c == back_to).unwrap_or(0);
        let mut members: Vec<usize> = self.chain[start..].to_vec();
        let mut key = members.clone();
        key.sort_unstable();
        if self.reported_cycles.contains(&key) {
            return;
        }
        self.reported_cycles.push(key);
        members.push(back_to);
        let names: Vec<&str> = members.iter().map(|&m| self.names[m]).collect();
        self.diagnostics.push(extends_cycle::cycle(span, &names));
    }

    /// The node with its `!reference` tags replaced by what they name.
    pub fn references(&mut self, node: &Node) -> Node {
        self.references_at(node, 0)
    }

    fn references_at(&mut self, node: &Node, depth: usize) -> Node {
        if is_reference(node) {
            return self.reference(node, depth);
        }
        match &node.value {
            Value::Scalar(_) => node.clone(),
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let resolved = self.references_at(item, depth);
                    match (is_reference(item), resolved.value) {
                        (true, Value::Seq(spliced)) => out.extend(spliced),
                        // A reference that could not be resolved is reported; it adds nothing.
                        (true, Value::Scalar(s)) if s.plain && s.text.is_empty() => {}
                        (_, value) => out.push(Node { value, ..resolved }),
                    }
                }
                Node { value: Value::Seq(out), span: node.span, tag: node.tag.clone() }
            }
            Value::Map(entries) => {
                let entries = entries
                    .iter()
                    .map(|(k, v)| (k.clone(), self.references_at(v, depth)))
                    .collect();
                Node { value: Value::Map(entries), span: node.span, tag: node.tag.clone() }
            }
        }
    }

    /// What one `!reference [name, key, ...]` names, itself resolved.
    fn reference(&mut self, node: &Node, depth: usize) -> Node {
        let empty = Node { value: null(), span: node.span, tag: None };
        let path: Vec<&str> =
            node.as_seq().unwrap_or(&[]).iter().filter_map(Node::as_str).collect();
        let shown = format!("!reference [{}]", path.join(", "));
        if path.is_empty() {
            self.diagnostics.push(unknown_reference::not_a_list(node.span));
            return empty;
        }
        if depth >= MAX_REFERENCE_DEPTH {
            let d = unknown_reference::too_deep(node.span, &shown, MAX_REFERENCE_DEPTH);
            self.diagnostics.push(d);
            return empty;
        }
        let Some(i) = self.find(path[0]) else {
            let d = unknown_reference::unknown_name(
                node.span,
                &shown,
                path[0],
                self.elsewhere,
                &self.names,
            );
            self.diagnostics.push(d);
            return empty;
        };
        let mut target = self.extended(i);
        for (n, key) in path.iter().enumerate().skip(1) {
            let Some(next) = target.get(key) else {
                let d =
                    unknown_reference::missing_key(node.span, &shown, &path[..n].join("."), key);
                self.diagnostics.push(d);
                return empty;
            };
            target = next.clone();
        }
        let mut resolved = self.references_at(&target, depth + 1);
        resolved.span = node.span;
        resolved
    }
}

fn is_reference(node: &Node) -> bool {
    node.tag.as_deref() == Some("!reference")
}

fn null() -> Value {
    Value::Scalar(Scalar { text: String::new(), plain: true })
}

/// GitLab's merge for `extends`: `overlay` wins; two mappings merge key by key.
pub fn deep_merge(base: &Node, overlay: &Node) -> Node {
    let (Some(b), Some(o)) = (base.as_map(), overlay.as_map()) else { return overlay.clone() };
    if is_reference(overlay) {
        return overlay.clone();
    }
    let mut entries: Vec<(Node, Node)> = b.to_vec();
    for (key, value) in o {
        match entries.iter_mut().find(|(k, _)| k.as_str().is_some() && k.as_str() == key.as_str()) {
            Some((_, existing)) => *existing = deep_merge(existing, value),
            None => entries.push((key.clone(), value.clone())),
        }
    }
    Node { value: Value::Map(entries), span: overlay.span, tag: overlay.tag.clone() }
}

/// A mapping without one of its keys.
pub fn without_key(node: &Node, key: &str) -> Node {
    match node.as_map() {
        Some(entries) => Node {
            value: Value::Map(
                entries.iter().filter(|(k, _)| k.as_str() != Some(key)).cloned().collect(),
            ),
            span: node.span,
            tag: node.tag.clone(),
        },
        None => node.clone(),
    }
}

/// Adds the default keys a job does not set and is allowed to inherit.
pub fn apply_defaults(job: &Node, defaults: &[(String, Node)], out: &mut Vec<Diagnostic>) -> Node {
    let Some(entries) = job.as_map() else { return job.clone() };
    let allowed: Option<Vec<String>> = match job.get("inherit").and_then(|i| i.get("default")) {
        None => None,
        Some(d) => match d.as_bool() {
            Some(true) => None,
            Some(false) => Some(Vec::new()),
            None => Some(
                fields::list(d, "`inherit: default`", out)
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect(),
            ),
        },
    };
    let mut result = entries.to_vec();
    for (key, value) in defaults {
        if entries.iter().any(|(k, _)| k.as_str() == Some(key)) {
            continue;
        }
        if allowed.as_ref().is_some_and(|a| !a.contains(key)) {
            continue;
        }
        let key_node = Node {
            value: Value::Scalar(Scalar { text: key.clone(), plain: true }),
            span: value.span,
            tag: None,
        };
        result.push((key_node, value.clone()));
    }
    Node { value: Value::Map(result), span: job.span, tag: job.tag.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::ci;
    use crate::yaml;

    fn resolve(text: &str, name: &str) -> (String, Vec<String>) {
        let docs = yaml::parse(text);
        let root = &docs.docs[0];
        let entries: Vec<(&str, &Node)> =
            root.as_map().unwrap().iter().map(|(k, v)| (k.as_str().unwrap(), v)).collect();
        let mut r = Resolver::new(&entries, None);
        let i = r.find(name).unwrap();
        let extended = r.extended(i);
        let node = r.references(&extended);
        (ci::flow(&node), r.diagnostics.iter().map(|d| d.message.clone()).collect())
    }

    /// GitLab's documented example: hashes merge deeply, the job's own keys win.
    #[test]
    fn extends_merges_hashes_and_replaces_the_rest() {
        let text = ".tests:\n  script: [rake test]\n  stage: test\n  only: {refs: [branches]}\n  variables: {A: '1', B: '1'}\nrspec:\n  extends: .tests\n  script: rake rspec\n  only: {variables: [$RSPEC]}\n  variables: {B: '2'}\n";
        let (node, diags) = resolve(text, "rspec");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            node,
            "{script: rake rspec, stage: test, only: {refs: [branches], variables: [$RSPEC]}, \
             variables: {A: 1, B: 2}}"
        );
    }

    #[test]
    fn the_last_parent_wins_and_levels_chain() {
        let text = ".a: {stage: a, tags: [x]}\n.b: {extends: .a, stage: b}\n.c: {stage: c}\njob: {extends: [.b, .c], script: s}\n";
        let (node, _) = resolve(text, "job");
        assert_eq!(node, "{stage: c, tags: [x], script: s}");
    }

    #[test]
    fn cycles_and_unknown_parents_are_reported() {
        let text = ".a: {extends: .b}\n.b: {extends: .a}\njob: {extends: [.a, .nope], script: s}\n";
        let (_, diags) = resolve(text, "job");
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags.iter().any(|d| d.contains(".nope")));
        assert!(diags.iter().any(|d| d.contains("cycle: .a → .b → .a")));
    }

    #[test]
    fn references_resolve_after_extends_and_splice_into_lists() {
        let text = ".base: {script: [one]}\n.setup:\n  extends: .base\n  tags: [t]\njob:\n  script:\n    - !reference [.setup, script]\n    - two\n  tags: !reference [.setup, tags]\n";
        let (node, diags) = resolve(text, "job");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(node, "{script: [one, two], tags: [t]}");
    }

    #[test]
    fn bad_references_are_reported_and_left_empty() {
        let text = ".a: {x: !reference [.b, x]}\n.b: {x: !reference [.a, x]}\njob:\n  script: !reference [.nope]\n  tags: !reference [.a, y]\n  x: !reference [.a, x]\n";
        let (_, diags) = resolve(text, "job");
        assert_eq!(diags.len(), 3, "{diags:?}");
    }

    #[test]
    fn defaults_fill_what_the_job_lacks_unless_inherit_says_no() {
        let docs = yaml::parse(
            "a: {script: s}\nb: {script: s, tags: [own]}\nc: {script: s, inherit: {default: false}}\nd: {script: s, inherit: {default: [timeout]}}\n",
        );
        let defaults: Vec<(String, Node)> = yaml::parse("tags: [d]\ntimeout: 5m\n").docs[0]
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str().unwrap().to_string(), v.clone()))
            .collect();
        let mut out = Vec::new();
        let shown: Vec<String> = docs.docs[0]
            .as_map()
            .unwrap()
            .iter()
            .map(|(_, job)| ci::flow(&apply_defaults(job, &defaults, &mut out)))
            .collect();
        assert_eq!(
            shown,
            [
                "{script: s, tags: [d], timeout: 5m}",
                "{script: s, tags: [own], timeout: 5m}",
                "{script: s, inherit: {default: false}}",
                "{script: s, inherit: {default: [timeout]}, timeout: 5m}",
            ]
        );
    }
}
