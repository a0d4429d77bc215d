//! What holds jobs apart besides `needs`: `runs-on` labels (a runner pool, or GitHub's hosted
//! runners, which the account's plan limits), `concurrency` groups and `strategy.max-parallel`.
//! Each is read once per job; the matrix values of each instance are put in afterwards.

use crate::diagnostic::Diagnostic;
use crate::dialect::ci;
use crate::dialect::fields::{self, check_keys};
use crate::lint::rules::invalid_max_parallel;
use crate::model;
use crate::model::{GithubPlan, Note};
use crate::span::Span;
use crate::yaml::Node;

use super::form::{Group, Runner};
use super::is_github_hosted;
use super::shared_rules;

const CONCURRENCY_KEYS: &[&str] = &["group", "cancel-in-progress"];

/// A matrix lookup: the value of `matrix.a.b` in one combination, as text.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A `concurrency` value as written (a string or `{group, cancel-in-progress}`).
pub struct Concurrency {
    group: String,
    span: Span,
    cancel: Option<Node>,
}

impl Concurrency {
    pub fn read(node: &Node, out: &mut Vec<Diagnostic>) -> Option<Concurrency> {
        let (group, cancel) = match node.as_map() {
            Some(_) => {
                check_keys(node, CONCURRENCY_KEYS, "`concurrency`", out);
                let Some(group) = node.get("group") else {
                    out.push(shared_rules::concurrency_without_group(node.span));
                    return None;
                };
                (group, node.get("cancel-in-progress").cloned())
            }
            None => (node, None),
        };
        let text = fields::text(group, "a concurrency group", out)?;
        Some(Concurrency { group: text.to_string(), span: group.span, cancel })
    }

    /// The group with the matrix expressions replaced.
    pub fn group(&self, lookup: Lookup) -> Group {
        let (name, _) = ci::substitute_expressions(&self.group, lookup);
        Group { name, span: self.span }
    }

    /// The notes an instance in this group shows.
    pub fn notes(&self, group: &Group) -> Vec<Note> {
        let name = &group.name;
        let text = if ci::has_expression(name) {
            format!(
                "group `{name}`: its expressions are not evaluated; jobs share the group when \
                 this text is the same"
            )
        } else {
            format!("group `{name}`")
        };
        let mut notes = vec![ci::note_text("concurrency", text, group.span)];
        notes.extend(self.cancel.as_ref().map(|c| ci::note("cancel-in-progress", c)));
        notes
    }
}

/// `runs-on` as written: labels, some perhaps matrix expressions.
pub struct RunsOn {
    labels: Vec<String>,
    span: Span,
}

impl RunsOn {
    pub fn read(node: &Node, out: &mut Vec<Diagnostic>) -> RunsOn {
        let mut labels: Vec<String> = Vec::new();
        match node.as_map() {
            Some(_) => {
                check_keys(node, &["group", "labels"], "`runs-on`", out);
                if let Some(group) = node.get("group").and_then(Node::as_str) {
                    labels.push(format!("group:{group}"));
                }
                if let Some(l) = node.get("labels") {
                    push_labels(l, &mut labels, out);
                }
            }
            None => push_labels(node, &mut labels, out),
        }
        RunsOn { labels, span: node.span }
    }

    /// The runner of the instance whose matrix values `lookup` gives: GitHub-hosted (also when
    /// no label is left), or a pool. A label that is an expression the matrix does not give is
    /// simulated as a GitHub-hosted runner, not macOS, with the note that says so.
    pub fn resolve(&self, lookup: Lookup) -> (Runner, Option<Note>) {
        let span = self.span;
        let mut resolved = Vec::new();
        for label in &self.labels {
            let (text, complete) = ci::substitute_expressions(label, lookup);
            if !complete {
                let note = ci::note_text(
                    "runs-on",
                    format!(
                        "{}: an expression, not evaluated; the job is simulated on a GitHub-hosted \
                         runner",
                        model::shorten(&text)
                    ),
                    span,
                );
                return (Runner::Hosted { macos: false, labels: Vec::new(), span }, Some(note));
            }
            // A matrix value may itself be a list of labels.
            if text.starts_with('[') && text.ends_with(']') {
                resolved.extend(text[1..text.len() - 1].split(',').map(|l| l.trim().to_string()));
            } else {
                resolved.push(text);
            }
        }
        resolved.retain(|l| !l.is_empty());
        let self_hosted = resolved.iter().any(|l| l.eq_ignore_ascii_case("self-hosted"));
        if resolved.is_empty() || (!self_hosted && resolved.iter().all(|l| is_github_hosted(l))) {
            let macos = resolved.iter().any(|l| is_macos(l));
            return (Runner::Hosted { macos, labels: resolved, span }, None);
        }
        (Runner::Pool { labels: resolved, span }, None)
    }
}

/// Whether a GitHub-hosted label is a macOS runner's.
fn is_macos(label: &str) -> bool {
    label.to_ascii_lowercase().starts_with("macos-")
}

/// The resource every job on a GitHub-hosted runner holds a unit of: the account's limit of
/// jobs at once under `plan`.
pub fn hosted_runners(plan: GithubPlan) -> String {
    format!("GitHub-hosted runners ({} plan)", plan.title())
}

/// The resource a job on a GitHub-hosted macOS runner also holds a unit of.
pub fn hosted_macos_runners(plan: GithubPlan) -> String {
    format!("GitHub-hosted macOS runners ({} plan)", plan.title())
}

/// A label or a list of labels.
fn push_labels(node: &Node, labels: &mut Vec<String>, out: &mut Vec<Diagnostic>) {
    match node.as_seq() {
        Some(items) => {
            for item in items {
                if let Some(t) = fields::text(item, "a runner label", out) {
                    labels.push(t.to_string());
                }
            }
        }
        None => {
            if let Some(t) = fields::text(node, "`runs-on`", out) {
                labels.push(t.to_string());
            }
        }
    }
}

/// `max-parallel`: a whole number of at least 1, or an expression (not evaluated).
pub fn max_parallel(
    node: &Node,
    job: &str,
    notes: &mut Vec<Note>,
    out: &mut Vec<Diagnostic>,
) -> Option<(u32, Span)> {
    if let Some(n) = node.as_i64() {
        if n >= 1 {
            notes.push(ci::note("max-parallel", node));
            return Some((u32::try_from(n).unwrap_or(u32::MAX), node.span));
        }
    } else if node.as_str().is_some_and(ci::has_expression) {
        notes.push(ci::note_text(
            "max-parallel",
            format!("{}: not evaluated; instances are not capped", model::shorten(&ci::flow(node))),
            node.span,
        ));
        return None;
    }
    out.push(invalid_max_parallel::diagnostic(node.span, job, &ci::flow(node)));
    None
}
