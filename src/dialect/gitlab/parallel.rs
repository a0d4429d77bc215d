//! `parallel: N` and `parallel: matrix:` expanded into the jobs GitLab creates, named as
//! GitLab names them (`rspec 1/3`, `deploy: [aws, app1]`) with ids safe for `/` paths
//! (`rspec 1 of 3`, `deploy: [aws, app1]` with any `/` in a value made `-`).

use crate::diagnostic::Diagnostic;
use crate::dialect::ci;
use crate::dialect::fields::wrong_type;
use crate::yaml::{Node, Value};

use super::findings;

/// GitLab creates at most this many jobs from one `parallel`.
pub const MAX_INSTANCES: usize = 200;

/// One job GitLab creates from a job definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// The name GitLab gives it.
    pub name: String,
    /// The task id.
    pub id: String,
    /// The variables the instance sets (matrix variables, or `CI_NODE_INDEX`/`CI_NODE_TOTAL`).
    pub vars: Vec<(String, String)>,
}

/// The jobs one definition becomes.
pub fn instances(job: &str, parallel: Option<&Node>, out: &mut Vec<Diagnostic>) -> Vec<Instance> {
    let single =
        || vec![Instance { name: job.to_string(), id: ci::safe_id(job), vars: Vec::new() }];
    let Some(parallel) = parallel else { return single() };
    if let Some(n) = parallel.as_i64() {
        if !(1..=MAX_INSTANCES as i64).contains(&n) {
            out.push(findings::parallel_out_of_range(parallel.span, n, MAX_INSTANCES));
            return single();
        }
        return (1..=n)
            .map(|i| Instance {
                name: format!("{job} {i}/{n}"),
                id: ci::safe_id(&format!("{job} {i} of {n}")),
                vars: vec![
                    ("CI_NODE_INDEX".to_string(), i.to_string()),
                    ("CI_NODE_TOTAL".to_string(), n.to_string()),
                ],
            })
            .collect();
    }
    let Some(matrix) = parallel.get("matrix") else {
        out.push(wrong_type(parallel, "`parallel`", "a number or a mapping with `matrix`"));
        return single();
    };
    let combinations = combinations(matrix, out);
    if combinations.is_empty() {
        return single();
    }
    let mut result: Vec<Instance> = combinations
        .into_iter()
        .map(|c| {
            let shown: Vec<&str> = c.iter().map(|v| v.shown.as_str()).collect();
            let name = format!("{job}: [{}]", shown.join(", "));
            Instance {
                id: ci::safe_id(&name),
                name,
                vars: c.into_iter().map(|v| (v.name, v.value)).collect(),
            }
        })
        .collect();
    if result.len() > MAX_INSTANCES {
        out.push(findings::too_many_instances(matrix.span, job, result.len(), MAX_INSTANCES));
        result.truncate(MAX_INSTANCES);
    }
    result
}

/// One variable of a matrix combination.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixValue {
    pub name: String,
    pub value: String,
    /// What the job name shows: the value, or its alias.
    pub shown: String,
}

/// The combinations of a `matrix:` list: each entry is the product of its variables (the
/// first varies slowest), and the entries follow each other.
pub fn combinations(matrix: &Node, out: &mut Vec<Diagnostic>) -> Vec<Vec<MatrixValue>> {
    let Some(entries) = matrix.as_seq() else {
        out.push(wrong_type(matrix, "`parallel: matrix`", "a list of mappings"));
        return Vec::new();
    };
    let mut all = Vec::new();
    for entry in entries {
        let Some(vars) = entry.as_map() else {
            out.push(wrong_type(entry, "a `matrix` entry", "a mapping of variables to values"));
            continue;
        };
        let mut product: Vec<Vec<MatrixValue>> = vec![Vec::new()];
        for (key, value) in vars {
            let Some(name) = key.as_str() else { continue };
            let values: Vec<(String, String)> = match &value.value {
                Value::Seq(items) => items.iter().map(one_value).collect(),
                _ => vec![one_value(value)],
            };
            let mut next = Vec::new();
            for combination in &product {
                for (v, shown) in &values {
                    let mut c = combination.clone();
                    c.push(MatrixValue {
                        name: name.to_string(),
                        value: v.clone(),
                        shown: shown.clone(),
                    });
                    next.push(c);
                }
                if next.len() > MAX_INSTANCES * 4 {
                    break;
                }
            }
            product = next;
        }
        if product.first().is_some_and(|c| !c.is_empty()) {
            all.extend(product);
        }
        if all.len() > MAX_INSTANCES * 4 {
            break;
        }
    }
    all
}

/// A value and what the job name shows of it (`{value: ..., alias: ...}` shows the alias).
fn one_value(node: &Node) -> (String, String) {
    if let (Some(value), alias) = (node.get("value"), node.get("alias")) {
        let v = ci::flow(value);
        let shown = alias.map_or_else(|| v.clone(), ci::flow);
        return (v, shown);
    }
    let v = ci::flow(node);
    (v.clone(), v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn names(text: &str) -> Vec<String> {
        let docs = yaml::parse(text);
        let mut out = Vec::new();
        instances("deploystacks", docs.docs[0].get("parallel"), &mut out)
            .into_iter()
            .map(|i| if i.id == i.name { i.name } else { format!("{} ({})", i.name, i.id) })
            .collect()
    }

    /// The example of GitLab's documentation and of the change that introduced these names.
    #[test]
    fn matrix_names_follow_gitlab() {
        let text = "parallel:\n  matrix:\n    - PROVIDER: aws\n      STACK: [monitoring, app1, app2]\n    - PROVIDER: ovh\n      STACK: [monitoring, backup, app]\n    - PROVIDER: [gcp, vultr]\n      STACK: [data, processing]\n";
        assert_eq!(
            names(text),
            [
                "deploystacks: [aws, monitoring]",
                "deploystacks: [aws, app1]",
                "deploystacks: [aws, app2]",
                "deploystacks: [ovh, monitoring]",
                "deploystacks: [ovh, backup]",
                "deploystacks: [ovh, app]",
                "deploystacks: [gcp, data]",
                "deploystacks: [gcp, processing]",
                "deploystacks: [vultr, data]",
                "deploystacks: [vultr, processing]",
            ]
        );
    }

    #[test]
    fn a_count_makes_numbered_instances_with_safe_ids() {
        assert_eq!(
            names("parallel: 3\n"),
            [
                "deploystacks 1/3 (deploystacks 1 of 3)",
                "deploystacks 2/3 (deploystacks 2 of 3)",
                "deploystacks 3/3 (deploystacks 3 of 3)"
            ]
        );
        assert_eq!(
            names("parallel:\n  matrix:\n    - IMAGE: [alpine/git]\n"),
            ["deploystacks: [alpine/git] (deploystacks: [alpine-git])"]
        );
    }

    #[test]
    fn out_of_range_counts_are_reported() {
        let docs = yaml::parse("parallel: 201\n");
        let mut out = Vec::new();
        assert_eq!(instances("j", docs.docs[0].get("parallel"), &mut out).len(), 1);
        assert_eq!(out.len(), 1);
    }
}
