//! What the app keeps in the browser's storage between visits: the text and the inputs that
//! change its timeline. Plain JSON, read leniently: a field that is missing or unreadable takes
//! its default rather than losing the rest (above all, the text).

use std::collections::BTreeMap;

use crate::dialect::Dialect;
use crate::duration::Millis;
use crate::sim::Policy;

/// The storage key; bump the suffix if the shape ever changes incompatibly.
pub const KEY: &str = "pipescope.app.v1";

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Saved {
    pub text: String,
    pub file_name: Option<String>,
    pub dialect: Option<Dialect>,
    pub policy: Policy,
    /// What-if durations by full task id.
    pub durations: BTreeMap<String, Millis>,
}

pub fn to_json(saved: &Saved) -> String {
    let durations: serde_json::Map<String, serde_json::Value> =
        saved.durations.iter().map(|(k, v)| (k.clone(), v.0.into())).collect();
    serde_json::json!({
        "text": saved.text,
        "file_name": saved.file_name,
        "dialect": saved.dialect.map(|d| d.name()),
        "policy": saved.policy.name(),
        "durations": durations,
    })
    .to_string()
}

/// `None` when there is nothing usable (no JSON, or no text in it).
pub fn from_json(text: &str) -> Option<Saved> {
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let text = json.get("text")?.as_str()?.to_string();
    let str_of = |key: &str| json.get(key).and_then(|v| v.as_str());
    Some(Saved {
        text,
        file_name: str_of("file_name").filter(|n| !n.is_empty()).map(str::to_string),
        dialect: str_of("dialect").and_then(|d| d.parse().ok()),
        policy: match str_of("policy") {
            Some("order") => Policy::DocumentOrder,
            _ => Policy::Fifo,
        },
        durations: json
            .get("durations")
            .and_then(|d| d.as_object())
            .map(|d| d.iter().filter_map(|(k, v)| Some((k.clone(), Millis(v.as_u64()?)))).collect())
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let saved = Saved {
            text: "pipeline:\n  stages: []\n".into(),
            file_name: Some("ci.yaml".into()),
            dialect: Some(Dialect::Native),
            policy: Policy::DocumentOrder,
            durations: BTreeMap::from([("build".to_string(), Millis(90_000))]),
        };
        assert_eq!(from_json(&to_json(&saved)), Some(saved));
    }

    #[test]
    fn reads_leniently_and_never_loses_the_text() {
        let s =
            from_json(r#"{"text":"x","dialect":"cobol","policy":7,"durations":{"a":-1,"b":5}}"#);
        let s = s.unwrap();
        assert_eq!(s.text, "x");
        assert_eq!(s.dialect, None);
        assert_eq!(s.policy, Policy::Fifo);
        assert_eq!(s.durations, BTreeMap::from([("b".to_string(), Millis(5))]));
        assert_eq!(from_json("not json"), None);
        assert_eq!(from_json("{}"), None);
    }
}
