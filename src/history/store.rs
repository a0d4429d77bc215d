//! The past runs as the app keeps them (in local storage, with the text) and sends them to its
//! worker: the timings extracted from the imported files, not the files. Plain JSON over
//! `serde_json::Value`, as the rest of the saved state, and read leniently: a field that is
//! missing or unreadable takes its default, a job without a name is left out.

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
                        .map(|s| {
                            json!({"name": s.name, "outcome": outcome_key(s.outcome),
                                   "started": s.started, "finished": s.finished})
                        })
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

fn step_of(s: &Value) -> Option<StepRecord> {
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
}
