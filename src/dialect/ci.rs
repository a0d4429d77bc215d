//! What the GitHub Actions and GitLab CI readers share: ids that are safe in `/` paths, notes,
//! runner pools and mutual-exclusion groups as resources, estimated durations, and the check
//! for jobs that a group serialises although the file makes them parallel.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::Diagnostic;
use crate::duration::Millis;
use crate::lint::rules::runner_capacity_assumed;
use crate::model::{Demand, Note, Pipeline, Resource, ResourceIdx, ResourceKind, Size, SizeKind};
use crate::model::{Inputs, shorten};
use crate::span::Span;
use crate::yaml::{Node, Value};

/// The estimated duration of a GitHub step, a GitLab job, a reusable-workflow call or a
/// trigger job: CI files carry no durations.
pub use crate::model::DEFAULT_DURATION;

/// How many runners a pool has when neither the file nor the user says.
pub const DEFAULT_RUNNERS: u32 = 1;

/// A name made safe for a task id: `/` joins a job's id and its steps' ids, so a `/` inside a
/// job name, a matrix value or a step id becomes `-`. An empty name becomes `_`.
pub fn safe_id(name: &str) -> String {
    let id: String = name.chars().map(|c| if c == '/' { '-' } else { c }).collect();
    if id.trim().is_empty() { "_".to_string() } else { id }
}

/// A value as one line of text: scalars as written, lists as `[a, b]`, mappings as `{k: v}`.
pub fn flow(node: &Node) -> String {
    match &node.value {
        Value::Scalar(s) => match &node.tag {
            Some(tag) if tag != "!!str" => format!("{tag} {}", s.text),
            _ => s.text.clone(),
        },
        Value::Seq(items) => {
            let inner: Vec<String> = items.iter().map(flow).collect();
            let text = format!("[{}]", inner.join(", "));
            match &node.tag {
                Some(tag) => format!("{tag} {text}"),
                None => text,
            }
        }
        Value::Map(entries) => {
            let inner: Vec<String> =
                entries.iter().map(|(k, v)| format!("{}: {}", flow(k), flow(v))).collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// A note keeping a setting that is shown but not simulated.
pub fn note(key: &str, node: &Node) -> Note {
    Note { key: key.to_string(), text: shorten(&flow(node)), span: node.span }
}

pub fn note_text(key: &str, text: impl Into<String>, span: Span) -> Note {
    Note { key: key.to_string(), text: text.into(), span }
}

/// The first line of a script, for a display name.
pub fn first_line(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    shorten(line)
}

/// Replaces `${{ ... }}` expressions that `lookup` can evaluate; returns the text and whether
/// every expression was replaced.
pub fn substitute_expressions(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> (String, bool) {
    crate::text::substitute(text, ("${{", "}}"), lookup)
}

/// Whether the text holds a `${{ ... }}` expression.
pub fn has_expression(text: &str) -> bool {
    text.contains("${{")
}

/// Creates runner pools on first use and remembers them by name.
pub struct Pools<'i> {
    inputs: &'i Inputs,
    by_name: HashMap<String, ResourceIdx>,
}

impl<'i> Pools<'i> {
    pub fn new(inputs: &'i Inputs) -> Pools<'i> {
        Pools { inputs, by_name: HashMap::new() }
    }

    /// The pool name of a set of labels or tags: sorted, without repeats, joined by `+`.
    pub fn name(labels: &[String]) -> String {
        let mut sorted: Vec<&String> = labels.iter().collect();
        sorted.sort_by_key(|l| l.to_lowercase());
        sorted.dedup_by_key(|l| l.to_lowercase());
        sorted.iter().map(|l| l.as_str()).collect::<Vec<_>>().join("+")
    }

    /// How many runners the user said a pool has: by the pool's full name, else the smallest
    /// count given for any of its labels.
    pub fn capacity(inputs: &Inputs, name: &str, labels: &[String]) -> Option<u32> {
        if let Some(&n) = inputs.runners.get(name) {
            return Some(n);
        }
        let by_label: BTreeMap<String, u32> =
            inputs.runners.iter().map(|(k, &v)| (k.to_lowercase(), v)).collect();
        labels.iter().filter_map(|l| by_label.get(&l.to_lowercase()).copied()).min()
    }

    /// A demand of one runner of the pool of these labels, creating the pool (and saying how
    /// big it is assumed to be) on first use.
    pub fn demand(
        &mut self,
        pipeline: &mut Pipeline,
        labels: &[String],
        span: Span,
        what: &str,
        out: &mut Vec<Diagnostic>,
    ) -> Demand {
        let name = Pools::name(labels);
        let resource = match self.by_name.get(&name) {
            Some(&r) => r,
            None => {
                let given = Pools::capacity(self.inputs, &name, labels);
                let capacity = match given {
                    Some(n) => n,
                    None => {
                        out.push(runner_capacity_assumed::diagnostic(
                            span,
                            &name,
                            DEFAULT_RUNNERS,
                            what,
                            labels.len(),
                        ));
                        DEFAULT_RUNNERS
                    }
                };
                let r = pipeline.add_resource(Resource {
                    name: name.clone(),
                    capacity,
                    kind: ResourceKind::Pool,
                    span,
                });
                pipeline.sizes.push(Size {
                    kind: SizeKind::Runners,
                    key: name.clone(),
                    count: capacity,
                    assumed: given.is_none(),
                });
                self.by_name.insert(name.clone(), r);
                r
            }
        };
        Demand { resource: Some(resource), name, amount: 1, span }
    }
}

/// The resource of a mutual-exclusion group or a parallelism cap: found by name and kind, or
/// added with this capacity.
pub fn exclusive(
    pipeline: &mut Pipeline,
    name: &str,
    kind: ResourceKind,
    capacity: u32,
    span: Span,
) -> Demand {
    let existing = pipeline.resources.iter().position(|r| r.name == name && r.kind == kind);
    let resource = match existing {
        Some(i) => ResourceIdx(i as u32),
        None => pipeline.add_resource(Resource { name: name.to_string(), capacity, kind, span }),
    };
    Demand { resource: Some(resource), name: name.to_string(), amount: 1, span }
}

/// Reads a GitLab-style duration: `30m`, `1h 30m`, `3 hours 30 minutes`, `2 days`, `90`
/// (seconds).
pub fn parse_human_duration(text: &str) -> Option<Millis> {
    let text = text.trim();
    if let Ok(ms) = crate::duration::parse(text) {
        return Some(ms);
    }
    let mut total: f64 = 0.0;
    let mut number: Option<f64> = None;
    let mut any = false;
    let lower = text.to_lowercase().replace(',', " ").replace(" and ", " ");
    let mut rest = lower.as_str();
    while !rest.is_empty() {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len > 0 {
            if number.is_some() {
                return None;
            }
            number = Some(rest[..num_len].parse().ok()?);
            rest = &rest[num_len..];
            continue;
        }
        let word_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        if word_len == 0 {
            return None;
        }
        let scale = match &rest[..word_len] {
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
            "d" | "day" | "days" => 86_400.0,
            "w" | "wk" | "week" | "weeks" => 604_800.0,
            "mo" | "month" | "months" => 2_592_000.0,
            _ => return None,
        };
        total += number.take()? * scale;
        any = true;
        rest = &rest[word_len..];
    }
    if let Some(n) = number {
        total += n;
        any = true;
    }
    (any && total.is_finite() && (0.0..1e9).contains(&total))
        .then(|| Millis((total * 1000.0).round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_never_split_a_path() {
        assert_eq!(safe_id("build/linux"), "build-linux");
        assert_eq!(safe_id(""), "_");
        assert_eq!(safe_id("test (ubuntu, 3.12)"), "test (ubuntu, 3.12)");
    }

    #[test]
    fn human_durations() {
        assert_eq!(parse_human_duration("30m"), Some(Millis(1_800_000)));
        assert_eq!(parse_human_duration("1h 30m"), Some(Millis(5_400_000)));
        assert_eq!(parse_human_duration("3 hours 30 minutes"), Some(Millis(12_600_000)));
        assert_eq!(parse_human_duration("2 days"), Some(Millis(172_800_000)));
        assert_eq!(parse_human_duration("1 hour and 5 minutes"), Some(Millis(3_900_000)));
        assert_eq!(parse_human_duration("soon"), None);
        assert_eq!(parse_human_duration("3 parsecs"), None);
    }

    #[test]
    fn pool_names_ignore_order_and_repeats() {
        let labels = ["self-hosted".to_string(), "linux".to_string(), "Linux".to_string()];
        assert_eq!(Pools::name(&labels), "linux+self-hosted");
        let mut inputs = Inputs::default();
        inputs.runners.insert("self-hosted".into(), 4);
        inputs.runners.insert("linux".into(), 2);
        assert_eq!(Pools::capacity(&inputs, "linux+self-hosted", &labels), Some(2));
        inputs.runners.insert("linux+self-hosted".into(), 7);
        assert_eq!(Pools::capacity(&inputs, "linux+self-hosted", &labels), Some(7));
    }
}
