//! Text the reader fills in: `$[[ inputs.name ]]` from the defaults of the `spec:` header,
//! wherever the file uses them, and `$NAME` / `${NAME}` from the variables of a job's
//! instance, the job and the file, in `resource_group` and `tags` (which GitLab expands).

use crate::diagnostic::Diagnostic;
use crate::dialect::ci;
use crate::dialect::fields::check_keys;
use crate::yaml::Node;

/// Name → value pairs, in the order written.
pub type Variables = Vec<(String, String)>;

/// The defaults of `spec: inputs:`, for `$[[ inputs.name ]]`.
#[derive(Default)]
pub struct SpecInputs(Variables);

impl SpecInputs {
    /// Reads a `spec:` header document.
    pub fn read(header: &Node, out: &mut Vec<Diagnostic>) -> SpecInputs {
        check_keys(header, &["spec"], "the `spec:` header", out);
        let Some(inputs) = header.get("spec").and_then(|s| s.get("inputs")).and_then(Node::as_map)
        else {
            return SpecInputs::default();
        };
        let defaults = inputs
            .iter()
            .filter_map(|(name, input)| {
                Some((name.as_str()?.to_string(), ci::flow(input.get("default")?)))
            })
            .collect();
        SpecInputs(defaults)
    }

    /// Replaces `$[[ inputs.name ]]` with the input's default; other interpolations stay.
    pub fn interpolate(&self, text: &str) -> String {
        if !text.contains("$[[") {
            return text.to_string();
        }
        let lookup = |inner: &str| {
            let name = inner.split('|').next().unwrap_or("").trim().strip_prefix("inputs.")?;
            self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
        };
        crate::text::substitute(text, ("$[[", "]]"), &lookup).0
    }
}

/// `variables:` as name → value text (`{value: ...}` forms included).
pub fn variables(node: &Node) -> Variables {
    let Some(entries) = node.as_map() else { return Vec::new() };
    entries
        .iter()
        .filter_map(|(k, v)| {
            let value = match v.get("value") {
                Some(inner) => inner.as_str()?,
                None => v.as_str()?,
            };
            Some((k.as_str()?.to_string(), value.to_string()))
        })
        .collect()
}

/// Expands `$NAME` and `${NAME}` from the first scope that defines it; unknown variables stay.
pub fn expand(text: &str, scopes: &[&[(String, String)]]) -> String {
    let mut current = text.to_string();
    for _ in 0..5 {
        if !current.contains('$') {
            break;
        }
        let next = expand_once(&current, scopes);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn expand_once(text: &str, scopes: &[&[(String, String)]]) -> String {
    let lookup = |name: &str| {
        scopes
            .iter()
            .find_map(|scope| scope.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()))
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        match (name.is_empty(), lookup(name)) {
            (false, Some(value)) => out.push_str(&value),
            _ => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn variables_expand_from_the_nearest_scope() {
        let instance = vec![("OS".to_string(), "linux".to_string())];
        let job = vec![("TAG".to_string(), "runner-$OS".to_string())];
        let global = vec![("OS".to_string(), "windows".to_string())];
        let scopes: [&[(String, String)]; 3] = [&instance, &job, &global];
        assert_eq!(expand("${TAG}-x $UNKNOWN $", &scopes), "runner-linux-x $UNKNOWN $");
    }

    #[test]
    fn inputs_interpolate_their_defaults_and_keep_the_rest() {
        let header = yaml::parse("spec:\n  inputs:\n    stage: {default: build}\n    other: {}\n");
        let mut out = Vec::new();
        let inputs = SpecInputs::read(&header.docs[0], &mut out);
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(
            inputs.interpolate(
                "$[[ inputs.stage ]]-$[[ inputs.other ]]-$[[ inputs.stage | expand_vars ]]-$[[ x"
            ),
            "build-$[[ inputs.other ]]-build-$[[ x"
        );
    }
}
