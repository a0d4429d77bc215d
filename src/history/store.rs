//! The past runs as the app keeps them (in local storage, with the text) and sends them to its
//! worker: the timings extracted from the imported files, not the files. Plain JSON over
//! `serde_json::Value`, as the rest of the saved state, and read leniently: a field that is
//! missing or unreadable takes its default, a job without a name is left out.

use std::cell::OnceCell;
use std::ops::Deref;
use std::sync::Arc;

use serde_json::{Value, json};

use super::{History, JobOutcome, JobRecord, Run, Source, StepRecord};
use crate::duration::Millis;

fn source_key(source: Source) -> &'static str {
    match source {
        Source::GithubRest => "github",
        Source::GhCli => "gh",
        Source::Gitlab => "gitlab",
        Source::Csv => "csv",
    }
}

fn outcome_key(outcome: JobOutcome) -> &'static str {
    match outcome {
        JobOutcome::Succeeded => "succeeded",
        JobOutcome::Failed => "failed",
        JobOutcome::Cancelled => "cancelled",
        JobOutcome::Skipped => "skipped",
        JobOutcome::NeverStarted => "never_started",
        JobOutcome::Unfinished => "unfinished",
    }
}

fn outcome_of(v: Option<&Value>) -> JobOutcome {
    match v.and_then(Value::as_str) {
        Some("failed") => JobOutcome::Failed,
        Some("cancelled") => JobOutcome::Cancelled,
        Some("skipped") => JobOutcome::Skipped,
        Some("never_started") => JobOutcome::NeverStarted,
        Some("unfinished") => JobOutcome::Unfinished,
        _ => JobOutcome::Succeeded,
    }
}

/// Past runs as the app keeps them: shared rather than copied, with their JSON made once. The
/// app saves its work after every change and sends the runs with every forecast request; the
/// JSON of a large export takes long to make, and the runs change only on an import.
#[derive(Debug, Default)]
pub struct Kept {
    history: Arc<History>,
    json: OnceCell<String>,
}

impl Kept {
    pub fn new(history: History) -> Kept {
        Kept { history: Arc::new(history), json: OnceCell::new() }
    }

    /// The runs, for an analysis.
    pub fn shared(&self) -> Arc<History> {
        Arc::clone(&self.history)
    }

    /// The runs as JSON text ([`to_json`]).
    pub fn json(&self) -> &str {
        self.json.get_or_init(|| to_json(&self.history).to_string())
    }
}

impl Deref for Kept {
    type Target = History;

    fn deref(&self) -> &History {
        &self.history
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Kept) -> bool {
        self.history == other.history
    }
}

/// The text of `object` (a JSON object) with `key` set to `json`, text that is JSON already:
/// made once, not parsed again to be written again.
pub fn with_json_field(object: Value, key: &str, json: &str) -> String {
    let mut text = object.to_string();
    debug_assert!(text.ends_with('}'));
    text.pop();
    if text.len() > 1 {
        text.push(',');
    }
    text.push_str(&Value::from(key).to_string());
    text.push(':');
    text.push_str(json);
    text.push('}');
    text
}

pub fn to_json(history: &History) -> Value {
    let runs: Vec<Value> = history
        .runs
        .iter()
        .map(|run| {
            let jobs: Vec<Value> = run
                .jobs
                .iter()
                .map(|j| {
                    let steps: Vec<Value> = j
                        .steps
                        .iter()
                        // A list, not an object: a run has tens of steps for each job, and
                        // keys per step would double the text and the time to make it.
                        .map(|s| json!([s.name, outcome_key(s.outcome), s.started, s.finished]))
                        .collect();
                    json!({
                        "name": j.name, "stage": j.stage, "outcome": outcome_key(j.outcome),
                        "created": j.created, "started": j.started, "finished": j.finished,
                        "duration": j.duration.map(|d| d.0), "queued": j.queued.map(|d| d.0),
                        "labels": j.labels, "steps": steps,
                    })
                })
                .collect();
            json!({"source": source_key(run.source), "key": run.key, "jobs": jobs})
        })
        .collect();
    json!({ "runs": runs })
}

pub fn from_json(v: &Value) -> History {
    let str_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let ms = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64).map(Millis);
    let runs = v
        .get("runs")
        .and_then(Value::as_array)
        .map(|runs| {
            runs.iter()
                .map(|r| Run {
                    source: match r.get("source").and_then(Value::as_str) {
                        Some("gh") => Source::GhCli,
                        Some("gitlab") => Source::Gitlab,
                        Some("csv") => Source::Csv,
                        _ => Source::GithubRest,
                    },
                    key: str_of(r, "key"),
                    jobs: r
                        .get("jobs")
                        .and_then(Value::as_array)
                        .map(|jobs| {
                            jobs.iter()
                                .filter_map(|j| {
                                    Some(JobRecord {
                                        name: str_of(j, "name")?,
                                        stage: str_of(j, "stage"),
                                        outcome: outcome_of(j.get("outcome")),
                                        created: j.get("created").and_then(Value::as_i64),
                                        started: j.get("started").and_then(Value::as_i64),
                                        finished: j.get("finished").and_then(Value::as_i64),
                                        duration: ms(j, "duration"),
                                        queued: ms(j, "queued"),
                                        labels: j
                                            .get("labels")
                                            .and_then(Value::as_array)
                                            .map(|l| {
                                                l.iter()
                                                    .filter_map(|x| x.as_str().map(str::to_string))
                                                    .collect()
                                            })
                                            .unwrap_or_default(),
                                        steps: j
                                            .get("steps")
                                            .and_then(Value::as_array)
                                            .map(|steps| steps.iter().filter_map(step_of).collect())
                                            .unwrap_or_default(),
                                    })
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .filter(|r| !r.jobs.is_empty())
                .collect()
        })
        .unwrap_or_default();
    History { runs }
}

/// A step as `[name, outcome, started, finished]`, or as the object saved before.
fn step_of(s: &Value) -> Option<StepRecord> {
    if let Some(fields) = s.as_array() {
        return Some(StepRecord {
            name: fields.first()?.as_str()?.to_string(),
            outcome: outcome_of(fields.get(1)),
            started: fields.get(2).and_then(Value::as_i64),
            finished: fields.get(3).and_then(Value::as_i64),
        });
    }
    Some(StepRecord {
        name: s.get("name")?.as_str()?.to_string(),
        outcome: outcome_of(s.get("outcome")),
        started: s.get("started").and_then(Value::as_i64),
        finished: s.get("finished").and_then(Value::as_i64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_kept_reads_back_the_same() {
        let text = r#"{"total_count": 2, "jobs": [
          {"name": "build", "run_id": 5, "run_attempt": 2, "status": "completed", "conclusion": "failure",
           "created_at": "2026-11-30T10:00:00Z", "started_at": "2026-11-30T10:00:04Z",
           "completed_at": "2026-11-30T10:02:04Z", "labels": ["self-hosted", "gpu"],
           "steps": [{"name": "Run make", "conclusion": "success",
                      "started_at": "2026-11-30T10:00:05Z", "completed_at": "2026-11-30T10:02:00Z"}]},
          {"name": "docs", "run_id": 5, "run_attempt": 2, "status": "completed", "conclusion": "skipped"}]}"#;
        let mut history = History::default();
        history.add(super::super::read(text).expect("read"));
        history.add(super::super::read("job,duration,queued\nlint,45,3\n").expect("csv"));
        let back = from_json(&serde_json::from_str(&to_json(&history).to_string()).expect("json"));
        assert_eq!(back, history);
    }

    #[test]
    fn a_field_of_json_text_joins_an_object() {
        let joined = with_json_field(json!({"a": 1}), "h\"x", "[1, 2]");
        let v: Value = serde_json::from_str(&joined).expect("json");
        assert_eq!(v, json!({"a": 1, "h\"x": [1, 2]}));
        assert_eq!(with_json_field(json!({}), "h", "{}"), r#"{"h":{}}"#);
    }

    #[test]
    fn a_damaged_entry_loses_only_itself() {
        let v = json!({"runs": [
            {"source": "gitlab", "key": "42", "jobs": [{"name": "a", "duration": 5000}, {"duration": 1}]},
            {"source": "csv", "jobs": "not a list"},
            "not a run"
        ]});
        let history = from_json(&v);
        assert_eq!(history.runs.len(), 1);
        assert_eq!(history.runs[0].jobs.len(), 1);
        assert_eq!(history.runs[0].jobs[0].duration, Some(Millis(5000)));
        assert_eq!(from_json(&json!("nonsense")), History::default());
    }

    #[test]
    fn steps_saved_as_objects_by_an_earlier_version_still_read() {
        let v = json!({"runs": [{"source": "github", "key": "5 attempt 1", "jobs": [{
            "name": "build", "duration": 120000,
            "steps": [{"name": "Run make", "outcome": "failed", "started": 5, "finished": 9},
                      ["Run test", "succeeded", 9, 12]]}]}]});
        let steps = &from_json(&v).runs[0].jobs[0].steps;
        assert_eq!(steps.len(), 2);
        assert_eq!((steps[0].outcome, steps[0].times()), (JobOutcome::Failed, Some((5, 9))));
        assert_eq!((steps[1].name.as_str(), steps[1].times()), ("Run test", Some((9, 12))));
    }
}
