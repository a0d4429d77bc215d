//! Small text helpers shared by the readers and the rules: "did you mean" suggestions and
//! delimited expressions (`${{ … }}`, `$[[ … ]]`); and numbers as the shells print them
//! (counts, shares).

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

/// Replaces each `open … close` expression whose inner text (trimmed) `lookup` can evaluate,
/// and keeps the others as written. Returns the text and whether every expression was
/// replaced; an expression left open counts as not replaced.
pub fn substitute(
    text: &str,
    (open, close): (&str, &str),
    lookup: &dyn Fn(&str) -> Option<String>,
) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut complete = true;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(close) else {
            out.push_str(&rest[start..]);
            return (out, false);
        };
        match lookup(after[..end].trim()) {
            Some(value) => out.push_str(&value),
            None => {
                complete = false;
                out.push_str(&rest[start..start + open.len() + end + close.len()]);
            }
        }
        rest = &after[end + close.len()..];
    }
    out.push_str(rest);
    (out, complete)
}

/// A count with thousands separators: "1,000".
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count of things: "1 run", "2 runs", "1,000 jobs" (words that take an "s").
pub fn count_of(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{} {word}s", count(n)) }
}

/// A share as a person reads it: "62%", "0.3%", "under 0.1%", "98.9%", "100%"; one decimal
/// near the ends, where whole percents would round a rare failure away.
pub fn percent(p: f64) -> String {
    let p = if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.0 };
    let pct = p * 100.0;
    if p == 0.0 || p == 1.0 {
        format!("{pct:.0}%")
    } else if pct < 0.1 {
        "under 0.1%".into()
    } else if pct > 99.9 {
        "over 99.9%".into()
    } else if !(10.0..=90.0).contains(&pct) {
        let text = format!("{pct:.1}");
        format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
    } else {
        format!("{pct:.0}%")
    }
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

    #[test]
    fn substitutes_what_it_can_evaluate_and_keeps_the_rest() {
        let lookup = |e: &str| (e == "matrix.os").then(|| "ubuntu".to_string());
        let github = ("${{", "}}");
        assert_eq!(substitute("on ${{ matrix.os }}", github, &lookup), ("on ubuntu".into(), true));
        assert_eq!(
            substitute("${{matrix.os}}-${{ github.ref }}", github, &lookup),
            ("ubuntu-${{ github.ref }}".into(), false)
        );
        assert_eq!(substitute("a ${{ broken", github, &lookup), ("a ${{ broken".into(), false));
        assert_eq!(substitute("$[[ matrix.os ]]", ("$[[", "]]"), &lookup).0, "ubuntu");
    }
}
