//! `strategy.matrix` expanded as GitHub documents it: the product of the vectors (the first
//! key varies slowest), minus every combination an `exclude` entry partially matches, then
//! each `include` entry either extends the original combinations whose original values it
//! does not contradict (overwriting values added by earlier entries, never original ones) or,
//! when it extends none, becomes a combination of its own.

use crate::diagnostic::Diagnostic;
use crate::dialect::ci;
use crate::dialect::fields::wrong_type;
use crate::yaml::{Node, Value};

use super::shared_rules;

/// GitHub creates at most this many jobs from one matrix.
pub const MAX_COMBINATIONS: usize = 256;

/// One matrix combination: variable name → value, in the order GitHub lists them.
pub type Combination = Vec<(String, Node)>;

#[derive(Debug, Default)]
pub struct Expansion {
    pub combinations: Vec<Combination>,
    /// The matrix, or some of it, is computed while the workflow runs.
    pub dynamic: bool,
}

/// Expands a `matrix` value. A matrix given by an expression gives one combination with no
/// values, and `dynamic` set.
pub fn expand(matrix: &Node, job: &str, out: &mut Vec<Diagnostic>) -> Expansion {
    let Some(entries) = matrix.as_map() else {
        if matrix.as_str().is_some_and(ci::has_expression) {
            out.push(shared_rules::matrix_computed(matrix, job));
        } else {
            out.push(wrong_type(matrix, "`strategy.matrix`", "a mapping of variables to lists"));
        }
        return Expansion { combinations: vec![Vec::new()], dynamic: true };
    };
    let mut dynamic = false;
    let mut vectors: Vec<(String, Vec<Node>)> = Vec::new();
    let mut include: &[Node] = &[];
    let mut exclude: &[Node] = &[];
    for (key, value) in entries {
        let Some(name) = key.as_str() else { continue };
        match name {
            "include" | "exclude" => {
                let list = match value.as_seq() {
                    Some(list) => list,
                    None if value.as_str().is_some_and(ci::has_expression) => {
                        dynamic = true;
                        out.push(shared_rules::matrix_computed(value, job));
                        &[]
                    }
                    None => {
                        if !value.is_null() {
                            out.push(wrong_type(
                                value,
                                &format!("`matrix.{name}`"),
                                "a list of mappings",
                            ));
                        }
                        &[]
                    }
                };
                if name == "include" {
                    include = list;
                } else {
                    exclude = list;
                }
            }
            _ => {
                let values = match &value.value {
                    Value::Seq(items) => {
                        if items.is_empty() {
                            out.push(shared_rules::matrix_variable_empty(value.span, name, job));
                        }
                        items.clone()
                    }
                    Value::Scalar(s) if ci::has_expression(&s.text) => {
                        dynamic = true;
                        out.push(shared_rules::matrix_computed(value, job));
                        vec![value.clone()]
                    }
                    _ => {
                        out.push(wrong_type(
                            value,
                            &format!("the matrix variable `{name}`"),
                            "a list of values",
                        ));
                        vec![value.clone()]
                    }
                };
                vectors.push((name.to_string(), values));
            }
        }
    }

    // The product, first variable outermost.
    let mut combinations: Vec<Combination> =
        if vectors.is_empty() { Vec::new() } else { vec![Vec::new()] };
    for (name, values) in &vectors {
        let mut next = Vec::with_capacity(combinations.len() * values.len());
        for combination in &combinations {
            for value in values {
                let mut c = combination.clone();
                c.push((name.clone(), value.clone()));
                next.push(c);
            }
            if next.len() > MAX_COMBINATIONS * 16 {
                break;
            }
        }
        combinations = next;
    }

    for entry in exclude {
        let Some(pairs) = entry.as_map() else {
            out.push(wrong_type(entry, "an `exclude` entry", "a mapping"));
            continue;
        };
        combinations.retain(|c| !pairs.iter().all(|(k, v)| matches(c, k, v)));
    }

    let originals = combinations.len();
    let original_keys: Vec<&str> = vectors.iter().map(|(k, _)| k.as_str()).collect();
    for entry in include {
        let Some(pairs) = entry.as_map() else {
            out.push(wrong_type(entry, "an `include` entry", "a mapping"));
            continue;
        };
        let mut extended = false;
        for combination in combinations[..originals].iter_mut() {
            let compatible = pairs.iter().all(|(k, v)| match k.as_str() {
                Some(key) if original_keys.contains(&key) => matches(combination, k, v),
                _ => true,
            });
            if !compatible {
                continue;
            }
            extended = true;
            for (k, v) in pairs {
                let Some(key) = k.as_str() else { continue };
                if original_keys.contains(&key) {
                    continue;
                }
                match combination.iter_mut().find(|(name, _)| name == key) {
                    Some(slot) => slot.1 = v.clone(),
                    None => combination.push((key.to_string(), v.clone())),
                }
            }
        }
        if !extended {
            combinations.push(
                pairs
                    .iter()
                    .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.clone())))
                    .collect(),
            );
        }
    }

    if combinations.len() > MAX_COMBINATIONS {
        let stopped = combinations.len() >= MAX_COMBINATIONS * 16;
        out.push(shared_rules::matrix_too_big(matrix.span, job, combinations.len(), stopped));
        combinations.truncate(MAX_COMBINATIONS);
    }
    if combinations.is_empty() {
        out.push(shared_rules::matrix_empty(matrix.span, job));
    }
    Expansion { combinations, dynamic }
}

/// Whether the combination has this key with this value.
fn matches(combination: &Combination, key: &Node, value: &Node) -> bool {
    let Some(key) = key.as_str() else { return false };
    combination.iter().any(|(k, v)| k == key && same_value(v, value))
}

/// Equal as values, wherever they were written.
pub fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Scalar(x), Value::Scalar(y)) => x.text == y.text,
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| same_value(k, k2) && same_value(v, v2)))
        }
        _ => false,
    }
}

/// The value of `matrix.a.b` in a combination, as text.
pub fn lookup(combination: &[(String, Node)], expression: &str) -> Option<String> {
    let path = expression.strip_prefix("matrix.")?;
    let mut parts = path.split('.');
    let first = parts.next()?;
    let mut node = &combination.iter().find(|(k, _)| k == first)?.1;
    for part in parts {
        node = node.get(part)?;
    }
    Some(ci::flow(node))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn combos(matrix: &str) -> Vec<String> {
        let docs = yaml::parse(matrix);
        let mut out = Vec::new();
        let expansion = expand(&docs.docs[0], "job", &mut out);
        expansion
            .combinations
            .iter()
            .map(|c| {
                c.iter().map(|(k, v)| format!("{k}={}", ci::flow(v))).collect::<Vec<_>>().join(" ")
            })
            .collect()
    }

    #[test]
    fn the_product_varies_the_last_variable_fastest() {
        assert_eq!(
            combos("version: [10, 12]\nos: [ubuntu, windows]\n"),
            [
                "version=10 os=ubuntu",
                "version=10 os=windows",
                "version=12 os=ubuntu",
                "version=12 os=windows"
            ]
        );
    }

    #[test]
    fn exclude_removes_partial_matches() {
        assert_eq!(
            combos("a: [1, 2]\nb: [3, 4]\nexclude:\n  - a: 1\n  - {a: 2, b: 4}\n"),
            ["a=2 b=3"]
        );
    }

    /// The example of GitHub's documentation, "Expanding or adding matrix configurations".
    #[test]
    fn include_follows_the_documented_example() {
        let matrix = "fruit: [apple, pear]\nanimal: [cat, dog]\ninclude:\n  - color: green\n  - color: pink\n    animal: cat\n  - fruit: apple\n    shape: circle\n  - fruit: banana\n  - fruit: banana\n    animal: cat\n";
        assert_eq!(
            combos(matrix),
            [
                "fruit=apple animal=cat color=pink shape=circle",
                "fruit=apple animal=dog color=green shape=circle",
                "fruit=pear animal=cat color=pink",
                "fruit=pear animal=dog color=green",
                "fruit=banana",
                "fruit=banana animal=cat",
            ]
        );
    }

    #[test]
    fn include_alone_makes_one_combination_each() {
        assert_eq!(combos("include:\n  - a: 42\n  - a: foo\n"), ["a=42", "a=foo"]);
    }

    #[test]
    fn an_expression_matrix_is_one_dynamic_combination() {
        let docs = yaml::parse("m: ${{ fromJSON(needs.a.outputs.m) }}\n");
        let mut out = Vec::new();
        let e = expand(docs.docs[0].get("m").unwrap(), "job", &mut out);
        assert!(e.dynamic);
        assert_eq!(e.combinations.len(), 1);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn lookups_walk_into_objects() {
        let docs = yaml::parse("os: [{name: linux, runner: ubuntu-latest}]\n");
        let mut out = Vec::new();
        let e = expand(&docs.docs[0], "job", &mut out);
        assert_eq!(
            lookup(&e.combinations[0], "matrix.os.runner").as_deref(),
            Some("ubuntu-latest")
        );
        assert_eq!(lookup(&e.combinations[0], "matrix.nope"), None);
    }
}
