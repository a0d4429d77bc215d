//! What the app keeps in the browser's storage between visits: the text, the inputs that
//! change its timeline (the past runs' timings and the GitHub plan among them), and how its forecast is drawn
//! (runs and seed). Plain JSON, read leniently: a field that is missing or unreadable takes
//! its default rather than losing the rest (above all, the text).

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::dialect::Dialect;
use crate::duration::{DurationSpec, Millis};
use crate::forecast::{DEFAULT_RUNS, DEFAULT_SEED};
use crate::history;
use crate::history::store::{Kept, with_json_field};
use crate::model::{GithubPlan, Inputs};
use crate::sim::Policy;

/// The storage key; bump the suffix if the shape ever changes incompatibly.
pub const KEY: &str = "pipescope.app.v1";

/// The forecast runs a person may ask for: enough to have a histogram, few enough that a
/// large pipeline still answers in seconds.
pub const RUNS_RANGE: std::ops::RangeInclusive<u32> = 100..=1_000_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub text: String,
    pub file_name: Option<String>,
    pub dialect: Option<Dialect>,
    pub policy: Policy,
    /// What-if durations by full task id.
    pub durations: BTreeMap<String, Millis>,
    /// Runner label or tag → how many runners carry it.
    pub runners: BTreeMap<String, u32>,
    /// Deployment target role → how many targets have it.
    pub targets: BTreeMap<String, u32>,
    /// The GitHub plan that limits jobs on GitHub-hosted runners; `None`: assumed.
    pub plan: Option<GithubPlan>,
    /// How many runs the forecast draws, and from which seed.
    pub runs: u32,
    pub seed: u64,
    /// The job timings of imported past runs (not the files they came from).
    pub history: Rc<Kept>,
}

impl Default for Saved {
    fn default() -> Saved {
        Saved {
            text: String::new(),
            file_name: None,
            dialect: None,
            policy: Policy::default(),
            durations: BTreeMap::new(),
            runners: BTreeMap::new(),
            targets: BTreeMap::new(),
            plan: None,
            runs: DEFAULT_RUNS,
            seed: DEFAULT_SEED,
            history: Rc::default(),
        }
    }
}

impl Saved {
    /// What the user told pipescope that the file does not say.
    pub fn inputs(&self) -> Inputs {
        Inputs {
            durations: self
                .durations
                .iter()
                .map(|(id, &d)| (id.clone(), DurationSpec::Fixed(d)))
                .collect(),
            runners: self.runners.clone(),
            targets: self.targets.clone(),
            plan: self.plan,
        }
    }
}

fn counts_to_json(counts: &BTreeMap<String, u32>) -> serde_json::Value {
    counts.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(*v))).collect()
}

/// A map of positive counts; anything else in it is skipped.
fn counts_from_json(value: Option<&serde_json::Value>) -> BTreeMap<String, u32> {
    value
        .and_then(|d| d.as_object())
        .map(|d| {
            d.iter()
                .filter_map(|(k, v)| {
                    let n = u32::try_from(v.as_u64()?).ok().filter(|n| *n > 0)?;
                    Some((k.clone(), n))
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn to_json(saved: &Saved) -> String {
    let durations: serde_json::Map<String, serde_json::Value> =
        saved.durations.iter().map(|(k, v)| (k.clone(), v.0.into())).collect();
    let fields = serde_json::json!({
        "text": saved.text,
        "file_name": saved.file_name,
        "dialect": saved.dialect.map(|d| d.name()),
        "policy": saved.policy.name(),
        "durations": durations,
        "runners": counts_to_json(&saved.runners),
        "targets": counts_to_json(&saved.targets),
        "plan": saved.plan.map(GithubPlan::name),
        "runs": saved.runs,
        "seed": saved.seed,
    });
    // The runs' JSON is made once per import, not once per save.
    with_json_field(fields, "history", saved.history.json())
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
        policy: str_of("policy").and_then(|p| p.parse().ok()).unwrap_or_default(),
        durations: json
            .get("durations")
            .and_then(|d| d.as_object())
            .map(|d| d.iter().filter_map(|(k, v)| Some((k.clone(), Millis(v.as_u64()?)))).collect())
            .unwrap_or_default(),
        runners: counts_from_json(json.get("runners")),
        targets: counts_from_json(json.get("targets")),
        // Saves from before plans have none, and a name we do not know is no plan: assumed.
        plan: str_of("plan").and_then(|p| p.parse().ok()),
        // Saves from before forecasts have neither: the defaults, as on a first visit.
        runs: json
            .get("runs")
            .and_then(|v| v.as_u64())
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| RUNS_RANGE.contains(n))
            .unwrap_or(DEFAULT_RUNS),
        seed: json.get("seed").and_then(|v| v.as_u64()).unwrap_or(DEFAULT_SEED),
        history: Rc::new(Kept::new(
            json.get("history").map(history::store::from_json).unwrap_or_default(),
        )),
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
            runners: BTreeMap::from([("linux+self-hosted".to_string(), 4)]),
            targets: BTreeMap::from([("web".to_string(), 3)]),
            plan: Some(GithubPlan::Team),
            runs: 2_500,
            seed: u64::MAX,
            history: Rc::new(Kept::new(history::History {
                runs: history::read("job,duration\nlint,45\n").expect("a CSV run"),
            })),
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
        assert!(s.runners.is_empty() && s.targets.is_empty(), "older saves have no counts");
        assert_eq!((s.runs, s.seed), (DEFAULT_RUNS, DEFAULT_SEED), "nor forecast settings");
        assert_eq!(s.plan, None, "nor a plan");
        let s = from_json(r#"{"text":"x","runners":{"a":0,"b":"3","c":2},"targets":[1]}"#);
        let s = s.unwrap();
        assert_eq!(s.runners, BTreeMap::from([("c".to_string(), 2)]));
        assert!(s.targets.is_empty());
        let s = from_json(r#"{"text":"x","runs":5,"seed":-3}"#).unwrap();
        assert_eq!((s.runs, s.seed), (DEFAULT_RUNS, DEFAULT_SEED), "out of range: the defaults");
        for (plan, read) in [
            (r#""enterprise""#, Some(GithubPlan::Enterprise)),
            (r#""business""#, None),
            ("3", None),
            ("null", None),
        ] {
            let s = from_json(&format!(r#"{{"text":"x","plan":{plan}}}"#)).unwrap();
            assert_eq!((s.text.as_str(), s.plan), ("x", read), "{plan}");
        }
        assert_eq!(from_json("not json"), None);
        assert_eq!(from_json("{}"), None);
    }
}
