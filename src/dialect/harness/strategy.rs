//! Harness looping strategies: `matrix` (with `exclude`), `parallelism` and `repeat`
//! (`times` or `items`), each with `maxConcurrency`, expanded into named instances.
//!
//! An instance's id is the looped item's identifier followed by its values: `deploy` with
//! `matrix: {env: [dev, prod], region: [eu]}` gives `deploy_env-dev_region-eu` and
//! `deploy_env-prod_region-eu`; `repeat: {items: [a, b]}` gives `deploy_a`, `deploy_b`;
//! `parallelism: 3` and `repeat: {times: 3}` give `deploy_0`, `deploy_1`, `deploy_2`.
//! Characters other than letters, digits, `-`, `_` and `.` become `-`.
//!
//! Where the list or count is an expression (`<+stage.output.hosts>`, `<+input>`), the item
//! runs once and `unexpanded-loop` says so.

use crate::diagnostic::Diagnostic;
use crate::dialect::fields::{check_keys, wrong_type};
use crate::lint::rules::{
    ignored_setting::IGNORED_SETTING, invalid_value::INVALID_VALUE, runtime_value::RUNTIME_VALUE,
    unexpanded_loop,
};
use crate::span::Span;
use crate::yaml::{Node, Value};

use super::ids::value_part;
use super::key_span;

/// More instances than this from one strategy are not simulated one by one.
pub const MAX_INSTANCES: usize = 1_000;

const STRATEGY_KEYS: &[&str] = &["matrix", "parallelism", "repeat", "maxConcurrency", "onFailure"];
const REPEAT_KEYS: &[&str] =
    &["times", "items", "maxConcurrency", "partitionSize", "unit", "start", "end", "nodeName"];

/// One run of a looped stage, step or step group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Instance {
    /// Appended to the identifier: `_env-prod`, `_0`, or empty for an item that is not looped.
    pub suffix: String,
    /// Appended to the display name: ` (env: prod)`.
    pub label: String,
    /// What `<+matrix.KEY>`, `<+repeat.item>` and `<+strategy.iteration>` are in this instance.
    pub values: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub struct Expansion {
    pub instances: Vec<Instance>,
    /// `maxConcurrency` and where it was written.
    pub max_concurrency: Option<(u32, Span)>,
}

impl Expansion {
    fn once() -> Expansion {
        Expansion { instances: vec![Instance::default()], max_concurrency: None }
    }
}

/// Expands `strategy:` (or returns one plain instance when there is none).
pub fn expand(strategy: Option<&Node>, out: &mut Vec<Diagnostic>) -> Expansion {
    let Some(strategy) = strategy else { return Expansion::once() };
    if strategy.as_map().is_none() {
        if is_expression(strategy) {
            out.push(unexpanded_loop::runtime_strategy(strategy.span));
        } else if !strategy.is_null() {
            out.push(wrong_type(
                strategy,
                "`strategy`",
                "a mapping with `matrix`, `parallelism` or `repeat`",
            ));
        }
        return Expansion::once();
    }
    check_keys(strategy, STRATEGY_KEYS, "`strategy`", out);
    let outer_max = strategy.get("maxConcurrency");
    let mut expansion = if let Some(matrix) = strategy.get("matrix") {
        if let Some(m) = outer_max {
            out.push(
                Diagnostic::new(
                    &IGNORED_SETTING,
                    key_span(strategy, "maxConcurrency").unwrap_or(m.span),
                    "`maxConcurrency` beside `matrix:` is ignored: Harness reads it inside `matrix:`",
                )
                .with_help("indent `maxConcurrency` under `matrix:`"),
            );
        }
        matrix_instances(matrix, out)
    } else if let Some(repeat) = strategy.get("repeat") {
        if let Some(m) = outer_max {
            out.push(
                Diagnostic::new(
                    &IGNORED_SETTING,
                    key_span(strategy, "maxConcurrency").unwrap_or(m.span),
                    "`maxConcurrency` beside `repeat:` is ignored: Harness reads it inside `repeat:`",
                )
                .with_help("indent `maxConcurrency` under `repeat:`"),
            );
        }
        repeat_instances(repeat, out)
    } else if let Some(parallelism) = strategy.get("parallelism") {
        let mut e = match count(parallelism, "`parallelism`", out) {
            Some(n) => numbered(n),
            None => Expansion::once(),
        };
        e.max_concurrency = outer_max.and_then(|m| max_concurrency(m, out));
        e
    } else {
        Expansion::once()
    };
    if expansion.instances.is_empty() {
        expansion.instances.push(Instance::default());
    }
    expansion
}

pub fn is_expression(node: &Node) -> bool {
    node.as_str().is_some_and(|s| s.contains("<+") || s.contains("${"))
}

fn numbered(n: usize) -> Expansion {
    Expansion {
        instances: (0..n)
            .map(|i| Instance {
                suffix: format!("_{i}"),
                label: format!(" ({i})"),
                values: vec![("<+strategy.iteration>".into(), i.to_string())],
            })
            .collect(),
        max_concurrency: None,
    }
}

/// A whole number of instances; expressions and nonsense run once.
fn count(node: &Node, what: &str, out: &mut Vec<Diagnostic>) -> Option<usize> {
    if let Some(n) = node.as_i64() {
        if n < 1 {
            out.push(Diagnostic::new(
                &INVALID_VALUE,
                node.span,
                format!("{what} is {n}: at least one run is needed; simulated as one"),
            ));
            return None;
        }
        let n = n as u64;
        if n > MAX_INSTANCES as u64 {
            out.push(unexpanded_loop::too_many_runs(node.span, what, n, MAX_INSTANCES));
            return None;
        }
        return Some(n as usize);
    }
    if is_expression(node) {
        out.push(unexpanded_loop::runtime(node.span, what, node.as_str().unwrap_or("")));
    } else {
        out.push(wrong_type(node, what, "a whole number"));
    }
    None
}

/// `maxConcurrency`: a whole number of at least 1.
pub fn max_concurrency(node: &Node, out: &mut Vec<Diagnostic>) -> Option<(u32, Span)> {
    match node.as_i64() {
        Some(n) if n >= 1 => Some((u32::try_from(n).unwrap_or(u32::MAX), node.span)),
        Some(n) => {
            out.push(Diagnostic::new(
                &INVALID_VALUE,
                node.span,
                format!("`maxConcurrency` is {n}: it must be at least 1; no limit is used"),
            ));
            None
        }
        None if is_expression(node) => {
            out.push(Diagnostic::new(
                &RUNTIME_VALUE,
                node.span,
                format!(
                    "`maxConcurrency` is `{}`, known only when the pipeline runs: no limit is assumed",
                    node.as_str().unwrap_or("")
                ),
            ));
            None
        }
        None => {
            out.push(wrong_type(node, "`maxConcurrency`", "a whole number"));
            None
        }
    }
}

fn repeat_instances(repeat: &Node, out: &mut Vec<Diagnostic>) -> Expansion {
    if repeat.as_map().is_none() {
        out.push(unexpanded_loop::repeat_shape(repeat.span));
        return Expansion::once();
    }
    check_keys(repeat, REPEAT_KEYS, "`repeat`", out);
    let mut expansion = if let Some(times) = repeat.get("times") {
        match count(times, "`repeat.times`", out) {
            Some(n) => numbered(n),
            None => Expansion::once(),
        }
    } else if let Some(items) = repeat.get("items") {
        match items.as_seq() {
            Some(list) if list.len() > MAX_INSTANCES => {
                out.push(unexpanded_loop::too_many_items(items.span, list.len(), MAX_INSTANCES));
                Expansion::once()
            }
            Some(list) => {
                let mut used = Vec::new();
                let instances = list
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let text = value_text(item);
                        let part =
                            if item.as_str().is_some() { value_part(&text) } else { String::new() };
                        let part = if part.is_empty() { i.to_string() } else { part };
                        Instance {
                            suffix: unique(format!("_{part}"), &mut used),
                            label: format!(" ({text})"),
                            values: vec![
                                ("<+repeat.item>".into(), text),
                                ("<+strategy.iteration>".into(), i.to_string()),
                            ],
                        }
                    })
                    .collect();
                Expansion { instances, max_concurrency: None }
            }
            None => {
                if is_expression(items) {
                    let value = items.as_str().unwrap_or("");
                    out.push(unexpanded_loop::runtime(items.span, "`repeat.items`", value));
                } else {
                    out.push(wrong_type(items, "`repeat.items`", "a list"));
                }
                Expansion::once()
            }
        }
    } else {
        out.push(Diagnostic::new(
            &crate::lint::rules::missing_field::MISSING_FIELD,
            repeat.span,
            "`repeat` has neither `times` nor `items`: simulated as one run",
        ));
        Expansion::once()
    };
    expansion.max_concurrency = repeat.get("maxConcurrency").and_then(|m| max_concurrency(m, out));
    expansion
}

fn matrix_instances(matrix: &Node, out: &mut Vec<Diagnostic>) -> Expansion {
    let Some(entries) = matrix.as_map() else {
        let value = matrix.as_str().unwrap_or("?");
        out.push(unexpanded_loop::runtime(matrix.span, "the matrix", value));
        return Expansion::once();
    };
    let mut dimensions: Vec<(&str, &[Node])> = Vec::new();
    let mut max = None;
    let mut exclude: &[Node] = &[];
    for (key, value) in entries {
        let Some(name) = key.as_str() else { continue };
        match name {
            "maxConcurrency" => max = max_concurrency(value, out),
            "exclude" => match value.as_seq() {
                Some(list) => exclude = list,
                None if value.is_null() => {}
                None => out.push(wrong_type(value, "`exclude`", "a list of combinations")),
            },
            "nodeName" => {}
            _ => match value.as_seq() {
                Some(list) => dimensions.push((name, list)),
                None => {
                    let written = value.as_str().unwrap_or("?");
                    out.push(unexpanded_loop::axis(value.span, name, written));
                    return Expansion {
                        instances: vec![Instance::default()],
                        max_concurrency: max,
                    };
                }
            },
        }
    }
    let total = dimensions.iter().try_fold(1usize, |acc, (_, v)| acc.checked_mul(v.len()));
    match total {
        Some(0) => {
            out.push(Diagnostic::new(
                &INVALID_VALUE,
                matrix.span,
                "the matrix has an empty axis, so no combination: simulated as one run",
            ));
            return Expansion { instances: vec![Instance::default()], max_concurrency: max };
        }
        Some(n) if n <= MAX_INSTANCES => {}
        _ => {
            out.push(unexpanded_loop::too_many_combinations(matrix.span, MAX_INSTANCES));
            return Expansion { instances: vec![Instance::default()], max_concurrency: max };
        }
    }
    // The combinations in order, the first axis varying slowest.
    let mut combos: Vec<Vec<usize>> = vec![Vec::new()];
    for (_, values) in &dimensions {
        let mut next = Vec::with_capacity(combos.len() * values.len());
        for combo in &combos {
            for i in 0..values.len() {
                let mut c = combo.clone();
                c.push(i);
                next.push(c);
            }
        }
        combos = next;
    }
    let excluded = |combo: &[usize]| {
        exclude.iter().any(|rule| {
            let Some(conditions) = rule.as_map() else { return false };
            !conditions.is_empty()
                && conditions.iter().all(|(k, v)| {
                    dimensions.iter().zip(combo).any(|((name, values), &i)| {
                        k.as_str() == Some(*name) && value_text(&values[i]) == value_text(v)
                    })
                })
        })
    };
    let mut used = Vec::new();
    let mut instances = Vec::new();
    for combo in combos.iter().filter(|c| !excluded(c)) {
        let mut suffix = String::new();
        let mut label = Vec::new();
        let mut values = Vec::new();
        for ((name, axis), &i) in dimensions.iter().zip(combo) {
            let text = value_text(&axis[i]);
            let part = if axis[i].as_str().is_some() { value_part(&text) } else { String::new() };
            let part = if part.is_empty() { i.to_string() } else { part };
            suffix.push_str(&format!("_{}-{part}", value_part(name)));
            label.push(format!("{name}: {text}"));
            values.push((format!("<+matrix.{name}>"), text));
        }
        values.push(("<+strategy.iteration>".into(), instances.len().to_string()));
        instances.push(Instance {
            suffix: unique(suffix, &mut used),
            label: format!(" ({})", label.join(", ")),
            values,
        });
    }
    if instances.is_empty() {
        out.push(Diagnostic::new(
            &INVALID_VALUE,
            matrix.span,
            "`exclude` removes every combination of the matrix: simulated as one run",
        ));
        instances.push(Instance::default());
    }
    Expansion { instances, max_concurrency: max }
}

/// A value as short text: scalars as written, collections in flow style.
pub fn value_text(node: &Node) -> String {
    let mut out = String::new();
    write_flow(node, &mut out, 0);
    out
}

fn write_flow(node: &Node, out: &mut String, depth: u32) {
    if out.len() > 200 || depth > 8 {
        out.push('…');
        return;
    }
    match &node.value {
        Value::Scalar(s) => out.push_str(&s.text),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(k, out, depth + 1);
                out.push_str(": ");
                write_flow(v, out, depth + 1);
            }
            out.push('}');
        }
    }
}

fn unique(suffix: String, used: &mut Vec<String>) -> String {
    let mut candidate = suffix.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{suffix}-{n}");
        n += 1;
    }
    used.push(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_text(yaml: &str) -> (Vec<String>, Option<u32>, Vec<String>) {
        let docs = crate::yaml::parse(yaml);
        let mut out = Vec::new();
        let e = expand(docs.docs[0].get("strategy"), &mut out);
        (
            e.instances.iter().map(|i| i.suffix.clone()).collect(),
            e.max_concurrency.map(|(n, _)| n),
            out.iter().map(|d| d.code().to_string()).collect(),
        )
    }

    #[test]
    fn matrix_with_exclude_and_max_concurrency() {
        let (suffixes, max, codes) = expand_text(
            "strategy:\n  matrix:\n    svc: [a, b]\n    env: [dev, prod]\n    exclude:\n      - svc: a\n        env: prod\n    maxConcurrency: 2\n",
        );
        assert_eq!(suffixes, ["_svc-a_env-dev", "_svc-b_env-dev", "_svc-b_env-prod"]);
        assert_eq!(max, Some(2));
        assert!(codes.is_empty(), "{codes:?}");
    }

    #[test]
    fn repeat_items_times_and_parallelism() {
        let (s, m, _) = expand_text(
            "strategy:\n  repeat:\n    items: [\"18\", v1.2, a b]\n    maxConcurrency: 1\n",
        );
        assert_eq!(s, ["_18", "_v1.2", "_a-b"]);
        assert_eq!(m, Some(1));
        let (s, _, _) = expand_text("strategy:\n  repeat:\n    times: 2\n");
        assert_eq!(s, ["_0", "_1"]);
        let (s, m, _) = expand_text("strategy:\n  parallelism: 3\n  maxConcurrency: 2\n");
        assert_eq!((s.len(), m), (3, Some(2)));
    }

    #[test]
    fn expressions_run_once_and_say_so() {
        let (s, _, codes) = expand_text(
            "strategy:\n  repeat:\n    items: <+stage.output.hosts>\n    maxConcurrency: 1\n",
        );
        assert_eq!(s, [""]);
        assert_eq!(codes, ["PS207"]);
        let (_, _, codes) = expand_text("strategy:\n  matrix:\n    a: [1]\n  maxConcurrency: 2\n");
        assert_eq!(codes, ["PS008"]);
    }
}
