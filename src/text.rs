//! Small text helpers shared by the readers and the rules: "did you mean" suggestions.

/// Names longer than this (in characters) get no suggestion and are never suggested: a typo is
/// short, and the edit distance costs the product of the two lengths in time and memory.
const MAX_SUGGESTED_CHARS: usize = 64;

/// The known word closest to `word`, if it is close enough to be a likely typo. Case and `-`
/// versus `_` do not count as differences.
pub fn did_you_mean<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    let normal = |w: &str| w.to_lowercase().replace('-', "_");
    if word.chars().count() > MAX_SUGGESTED_CHARS {
        return None;
    }
    let word = normal(word);
    known
        .iter()
        .filter(|k| k.chars().count() <= MAX_SUGGESTED_CHARS)
        .map(|k| {
            let k_norm = normal(k);
            let distance = strsim::damerau_levenshtein(&word, &k_norm);
            let similarity = strsim::jaro_winkler(&word, &k_norm);
            (k, distance, similarity)
        })
        .filter(|&(k, distance, similarity)| distance <= 2.max(k.len() / 4) || similarity >= 0.88)
        .min_by(|a, b| a.1.cmp(&b.1).then(b.2.total_cmp(&a.2)))
        .map(|(k, _, _)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let known = ["depends_on", "duration", "uses", "id"];
        assert_eq!(did_you_mean("depend_on", &known), Some("depends_on"));
        assert_eq!(did_you_mean("depends-on", &known), Some("depends_on"));
        assert_eq!(did_you_mean("durration", &known), Some("duration"));
        assert_eq!(did_you_mean("colour", &known), None);
    }

    #[test]
    fn long_names_are_not_compared() {
        // Comparing two 10,000-character names would fill a 10^8-cell table.
        let long = "x".repeat(10_000);
        let longer = format!("{long}y");
        assert_eq!(did_you_mean(&long, &[longer.as_str(), "id"]), None);
        assert_eq!(did_you_mean("i", &[longer.as_str(), "id"]), Some("id"));
        let edge = "a".repeat(MAX_SUGGESTED_CHARS);
        let typo = format!("{}b", "a".repeat(MAX_SUGGESTED_CHARS - 1));
        assert_eq!(did_you_mean(&typo, &[edge.as_str()]), Some(edge.as_str()));
    }
}
