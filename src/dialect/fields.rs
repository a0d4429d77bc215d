//! Small helpers the YAML dialect readers share: reading typed values out of nodes and
//! reporting unknown keys and wrong types with the user's positions.

use crate::diagnostic::Diagnostic;
use crate::duration::{self, DurationSpec, Millis, SpecError};
use crate::lint::rules::invalid_duration::{self, INVALID_DURATION};
use crate::lint::rules::missing_field::MISSING_FIELD;
use crate::lint::rules::{unknown_key, wrong_type};
use crate::span::Span;
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

/// A list of names (`depends_on`, `uses`): each item must be text. A single name is read as a
/// list of one, as people mean it; a mapping where the list belongs is one finding, not one
/// for the list and another for its only "item".
pub fn names(
    node: &Node,
    what: &str,
    item: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<(String, Span)> {
    if node.as_map().is_some() {
        out.push(wrong_type(node, what, "a list"));
        return Vec::new();
    }
    list(node, what, out)
        .iter()
        .filter_map(|n| Some((text(n, item, out)?.to_string(), n.span)))
        .collect()
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

/// The keys of a duration written as a mapping.
const DURATION_KEYS: &[&str] = &["p50", "p90", "samples"];

/// A duration or a distribution of durations, as the own format and a `--durations` file write
/// it: `4m`, a uniform range `3m..5m`, a log-normal `{p50: 4m, p90: 9m}`, or observed runs
/// `{samples: [6m, 7m, 15m]}`. `None` (with a diagnostic on the offending value) when it
/// cannot be used.
pub fn duration_spec(node: &Node, out: &mut Vec<Diagnostic>) -> Option<DurationSpec> {
    if node.as_map().is_some() {
        return distribution(node, out);
    }
    let text = match node.scalar_kind() {
        Some(ScalarKind::Int(_) | ScalarKind::Float(_) | ScalarKind::Str) => node.as_str()?,
        _ => {
            let expected = "text such as `4m` or `3m..5m`, or a mapping with `p50` and `p90` or \
                            with `samples`";
            out.push(wrong_type(node, "a duration", expected));
            return None;
        }
    };
    match duration::parse_spec(text) {
        Ok(spec) => Some(spec),
        Err(SpecError::Duration(error)) => {
            out.push(invalid_duration::diagnostic(node.span, text, error));
            None
        }
        Err(error) => {
            let shorter = match &error {
                SpecError::RangeBackwards { low, high } => format!("`{high}..{low}`"),
                _ => "e.g. `3m..5m`".to_string(),
            };
            out.push(
                Diagnostic::new(
                    &INVALID_DURATION,
                    node.span,
                    format!("invalid duration `{text}`: {error}"),
                )
                .with_help(format!("write the shorter duration first: {shorter}")),
            );
            None
        }
    }
}

/// `{p50: 4m, p90: 9m}` or `{samples: [6m, 7m]}`.
fn distribution(node: &Node, out: &mut Vec<Diagnostic>) -> Option<DurationSpec> {
    check_keys(node, DURATION_KEYS, "a duration", out);
    let (p50, p90) = (node.get("p50"), node.get("p90"));
    if let Some(samples) = node.get("samples") {
        if p50.is_some() || p90.is_some() {
            out.push(
                Diagnostic::new(
                    &INVALID_DURATION,
                    node.span,
                    "a duration gives either `p50` and `p90` or `samples`, not both",
                )
                .with_help("keep `samples` when you have real runs to draw from"),
            );
            return None;
        }
        let items = list(samples, "`samples`", out);
        if items.is_empty() {
            out.push(
                Diagnostic::new(&INVALID_DURATION, samples.span, "`samples` is empty")
                    .with_help("list the durations of real runs, such as `[6m, 7m, 7m, 15m]`"),
            );
            return None;
        }
        // A sample that cannot be read is reported and left out: the others are still runs.
        return DurationSpec::samples(items.iter().filter_map(|n| duration(n, out)).collect());
    }
    let (Some(p50_node), Some(p90_node)) = (p50, p90) else {
        let message = match (p50, p90) {
            (Some(_), None) => "a duration with `p50` also needs `p90`, its 90th percentile",
            (None, Some(_)) => "a duration with `p90` also needs `p50`, its median",
            _ => "a duration mapping needs `p50` and `p90`, or `samples`",
        };
        out.push(
            Diagnostic::new(&MISSING_FIELD, node.span, message)
                .with_help("write e.g. `{p50: 4m, p90: 9m}` or `{samples: [6m, 7m, 15m]}`"),
        );
        return None;
    };
    let (p50, p90) = (duration(p50_node, out), duration(p90_node, out));
    match duration::quantiles(p50?, p90?) {
        Ok(spec) => Some(spec),
        Err(error) => {
            let at = if error == SpecError::ZeroMedian { p50_node } else { p90_node };
            out.push(
                Diagnostic::new(&INVALID_DURATION, at.span, format!("invalid duration: {error}"))
                    .with_help("p50 is the usual duration, p90 a slow run's: `{p50: 4m, p90: 9m}`"),
            );
            None
        }
    }
}

pub fn wrong_type(node: &Node, what: &str, expected: &str) -> Diagnostic {
    wrong_type::diagnostic(node.span, what, expected, node.kind_name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn names_of(text: &str) -> (Vec<String>, Vec<String>) {
        let docs = yaml::parse(text);
        let node = docs.docs[0].get("n").expect("n");
        let mut out = Vec::new();
        let names = names(node, "`n`", "a name", &mut out);
        (names.into_iter().map(|(n, _)| n).collect(), out.into_iter().map(|d| d.message).collect())
    }

    #[test]
    fn names_read_a_list_a_single_name_and_say_once_what_is_wrong() {
        assert_eq!(names_of("n: [a, b]"), (vec!["a".into(), "b".into()], vec![]));
        let (names, found) = names_of("n: a");
        assert_eq!(names, ["a"]);
        assert_eq!(found, ["`n` must be a list, not a string"]);
        let (names, found) = names_of("n: {a: true}");
        assert!(names.is_empty());
        assert_eq!(found, ["`n` must be a list, not a mapping"]);
        let (names, found) = names_of("n: [a, {b: 1}]");
        assert_eq!(names, ["a"]);
        assert_eq!(found, ["a name must be text, not a mapping"]);
    }
}
