//! Reading a file of past job timings, by its content: the GitHub REST response of "list jobs
//! for a workflow run", the output of `gh run view RUN --json jobs`, the GitLab REST response
//! of "list pipeline jobs", or a CSV `job,duration[,queued]`. Each becomes [`Run`]s of
//! [`JobRecord`]s; nothing here knows the pipeline.

use serde::Deserialize;

use super::time;
use super::{JobOutcome, JobRecord, Run, Source, StepRecord, elapsed};
use crate::duration::Millis;

/// Why a file could not be read as job timings.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

const EXPECTED: &str = "expected the JSON of GitHub's \"list jobs for a workflow run\" \
    (`{\"total_count\", \"jobs\": [...]}`), of `gh run view RUN --json jobs`, of GitLab's \
    \"list pipeline jobs\" (`[{\"name\", \"stage\", \"duration\", ...}]`), or a CSV with the \
    header `job,duration[,queued]`";

/// The runs in one file. A GitHub or GitLab page may hold jobs of several runs (grouped here by
/// run id and attempt, or pipeline id); a run that spans pages is merged by [`super::History`].
pub fn read(text: &str) -> Result<Vec<Run>, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match text.trim_start().as_bytes().first() {
        None => Err(ReadError(format!("the file is empty; {EXPECTED}"))),
        Some(b'{') => github(text),
        // A bare list of GitHub's jobs (the `jobs` of a page, saved by a script) has GitHub's
        // keys near its start; GitLab's jobs have none of them.
        Some(b'[') if has_github_keys(text) => github_jobs(text),
        Some(b'[') => gitlab(text),
        Some(_) => csv(text),
    }
}

/// A serde error, said the way a person can act on.
fn json_error(what: &str, e: &serde_json::Error) -> ReadError {
    let place = format!("line {}, column {}", e.line(), e.column());
    ReadError(match e.classify() {
        serde_json::error::Category::Eof => {
            format!("the {what} ends early ({place}): is it truncated?")
        }
        serde_json::error::Category::Syntax => {
            format!("the {what} is not valid JSON ({place}): {e}; {EXPECTED}")
        }
        _ => format!("the {what} does not have the expected fields ({place}): {e}; {EXPECTED}"),
    })
}

#[derive(Deserialize)]
struct GithubPage {
    jobs: Option<Vec<GithubJob>>,
}

/// One job, in the REST API's snake_case or `gh`'s camelCase (which has no creation time,
/// labels or step times).
#[derive(Deserialize)]
struct GithubJob {
    name: Option<String>,
    run_id: Option<u64>,
    run_attempt: Option<u32>,
    status: Option<String>,
    conclusion: Option<String>,
    created_at: Option<String>,
    started_at: Option<String>,
    completed_at: Option<String>,
    #[serde(rename = "startedAt")]
    started_at_cli: Option<String>,
    #[serde(rename = "completedAt")]
    completed_at_cli: Option<String>,
    /// The job's page, `.../actions/runs/RUN/job/JOB`: `gh` gives no run id otherwise.
    url: Option<String>,
    labels: Option<Vec<String>>,
    steps: Option<Vec<GithubStep>>,
}

#[derive(Deserialize)]
struct GithubStep {
    name: Option<String>,
    status: Option<String>,
    conclusion: Option<String>,
    started_at: Option<String>,
    completed_at: Option<String>,
    #[serde(rename = "startedAt")]
    started_at_cli: Option<String>,
    #[serde(rename = "completedAt")]
    completed_at_cli: Option<String>,
}

/// A timestamp, or `None` when absent, unreadable or the zero time `gh` writes for "never".
fn stamp(text: Option<&String>) -> Option<i64> {
    text.and_then(|t| time::parse(t)).filter(|&ms| ms > 0)
}

/// GitHub's `conclusion` (and `status` while it has none).
fn github_outcome(status: Option<&str>, conclusion: Option<&str>) -> JobOutcome {
    match conclusion {
        Some("success" | "neutral") => JobOutcome::Succeeded,
        Some("failure" | "timed_out" | "startup_failure") => JobOutcome::Failed,
        Some("cancelled") => JobOutcome::Cancelled,
        Some("skipped") => JobOutcome::Skipped,
        Some("action_required" | "stale") => JobOutcome::NeverStarted,
        _ => match status {
            Some("in_progress") => JobOutcome::Unfinished,
            _ => JobOutcome::NeverStarted,
        },
    }
}

/// `.../actions/runs/123/job/456` → `123`.
fn run_of_url(url: &str) -> Option<u64> {
    let after = &url[url.find("/runs/")? + "/runs/".len()..];
    after.split('/').next()?.parse().ok()
}

/// Whether the first few kilobytes hold a key only GitHub's jobs have.
fn has_github_keys(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(8192)];
    [&b"\"completed_at\""[..], b"\"completedAt\"", b"\"conclusion\"", b"\"run_id\""]
        .iter()
        .any(|key| head.windows(key.len()).any(|w| w == *key))
}

fn github_jobs(text: &str) -> Result<Vec<Run>, ReadError> {
    let jobs: Vec<GithubJob> = serde_json::from_str(text).map_err(|e| json_error("file", &e))?;
    github_runs(jobs)
}

fn github(text: &str) -> Result<Vec<Run>, ReadError> {
    let page: GithubPage = serde_json::from_str(text).map_err(|e| json_error("file", &e))?;
    let Some(jobs) = page.jobs else {
        let keys = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
            .map(|m| m.keys().take(8).map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
            .unwrap_or_default();
        return Err(ReadError(format!(
            "found a JSON object with the keys {keys} but no \"jobs\"; {EXPECTED}"
        )));
    };
    github_runs(jobs)
}

fn github_runs(jobs: Vec<GithubJob>) -> Result<Vec<Run>, ReadError> {
    let mut runs: Vec<Run> = Vec::new();
    for (k, job) in jobs.into_iter().enumerate() {
        let cli = job.started_at_cli.is_some() || job.completed_at_cli.is_some();
        let source = if cli { Source::GhCli } else { Source::GithubRest };
        let name = job.name.unwrap_or_default();
        if name.is_empty() {
            return Err(ReadError(format!(
                "job {} of the file has no \"name\"; {EXPECTED}",
                k + 1
            )));
        }
        let run_id = job.run_id.or_else(|| job.url.as_deref().and_then(run_of_url));
        let key = run_id.map(|id| match job.run_attempt {
            Some(attempt) => format!("{id} attempt {attempt}"),
            None => id.to_string(),
        });
        let started = stamp(job.started_at.as_ref().or(job.started_at_cli.as_ref()));
        let finished = stamp(job.completed_at.as_ref().or(job.completed_at_cli.as_ref()));
        let outcome = github_outcome(job.status.as_deref(), job.conclusion.as_deref());
        let steps = job
            .steps
            .unwrap_or_default()
            .into_iter()
            .map(|s| StepRecord {
                name: s.name.unwrap_or_default(),
                outcome: github_outcome(s.status.as_deref(), s.conclusion.as_deref()),
                started: stamp(s.started_at.as_ref().or(s.started_at_cli.as_ref())),
                finished: stamp(s.completed_at.as_ref().or(s.completed_at_cli.as_ref())),
            })
            .collect();
        let record = JobRecord {
            name,
            stage: None,
            outcome,
            created: stamp(job.created_at.as_ref()),
            started,
            finished,
            duration: elapsed(started, finished),
            queued: None,
            labels: job.labels.unwrap_or_default(),
            steps,
        };
        add(&mut runs, source, key, record);
    }
    Ok(runs)
}

/// Puts a job into the run with this key (the file's only run when there is no key).
fn add(runs: &mut Vec<Run>, source: Source, key: Option<String>, job: JobRecord) {
    match runs.iter_mut().find(|r| r.key == key && r.source == source) {
        Some(run) => run.jobs.push(job),
        None => runs.push(Run { source, key, jobs: vec![job] }),
    }
}

#[derive(Deserialize)]
struct GitlabJob {
    name: Option<String>,
    stage: Option<String>,
    status: Option<String>,
    created_at: Option<String>,
    started_at: Option<String>,
    finished_at: Option<String>,
    /// Seconds, with fractions; `null` until the job has run.
    duration: Option<f64>,
    queued_duration: Option<f64>,
    tag_list: Option<Vec<String>>,
    pipeline: Option<GitlabPipeline>,
}

#[derive(Deserialize)]
struct GitlabPipeline {
    id: Option<u64>,
}

fn seconds(s: Option<f64>) -> Option<Millis> {
    s.filter(|s| s.is_finite() && *s >= 0.0).map(|s| Millis((s * 1000.0).round() as u64))
}

fn gitlab(text: &str) -> Result<Vec<Run>, ReadError> {
    let jobs: Vec<GitlabJob> = serde_json::from_str(text).map_err(|e| json_error("file", &e))?;
    let mut runs = Vec::new();
    for (k, job) in jobs.into_iter().enumerate() {
        let name = job.name.unwrap_or_default();
        if name.is_empty() {
            return Err(ReadError(format!(
                "job {} of the file has no \"name\"; {EXPECTED}",
                k + 1
            )));
        }
        let outcome = match job.status.as_deref() {
            Some("success") => JobOutcome::Succeeded,
            Some("failed") => JobOutcome::Failed,
            Some("canceled" | "canceling") => JobOutcome::Cancelled,
            Some("skipped") => JobOutcome::Skipped,
            Some("running") => JobOutcome::Unfinished,
            _ => JobOutcome::NeverStarted,
        };
        let started = stamp(job.started_at.as_ref());
        let finished = stamp(job.finished_at.as_ref());
        let record = JobRecord {
            name,
            stage: job.stage,
            outcome,
            created: stamp(job.created_at.as_ref()),
            started,
            finished,
            duration: seconds(job.duration).or_else(|| elapsed(started, finished)),
            queued: seconds(job.queued_duration),
            labels: job.tag_list.unwrap_or_default(),
            steps: Vec::new(),
        };
        let key = job.pipeline.and_then(|p| p.id).map(|id| id.to_string());
        add(&mut runs, Source::Gitlab, key, record);
    }
    Ok(runs)
}

/// `job,duration[,queued]` with a header row; a duration is seconds (`93`, `93.5`) or any
/// duration the own format accepts (`1m33s`). Fields may be quoted (`"test (3.11)"`).
fn csv(text: &str) -> Result<Vec<Run>, ReadError> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(ReadError(format!("the file is empty; {EXPECTED}")));
    };
    let header: Vec<String> = fields(header).iter().map(|h| h.trim().to_lowercase()).collect();
    if header.first().map(String::as_str) != Some("job")
        || header.get(1).map(String::as_str) != Some("duration")
        || header.get(2).is_some_and(|h| h != "queued")
    {
        let found: String = text.lines().next().unwrap_or("").chars().take(80).collect();
        return Err(ReadError(format!("found `{found}` at the start; {EXPECTED}")));
    }
    let mut jobs = Vec::new();
    for (n, line) in lines {
        let f = fields(line);
        let line_no = n + 1;
        let name = f.first().map(|s| s.trim().to_string()).unwrap_or_default();
        if name.is_empty() || f.len() < 2 {
            return Err(ReadError(format!("line {line_no}: expected `job,duration[,queued]`")));
        }
        let duration = csv_duration(&f[1]).ok_or_else(|| {
            ReadError(format!(
                "line {line_no}: `{}` is not a duration (seconds, or e.g. `1m30s`)",
                f[1].trim()
            ))
        })?;
        let queued = match f.get(2).map(|q| q.trim()).filter(|q| !q.is_empty()) {
            Some(q) => Some(csv_duration(q).ok_or_else(|| {
                ReadError(format!(
                    "line {line_no}: `{q}` is not a duration (seconds, or e.g. `6s`)"
                ))
            })?),
            None => None,
        };
        jobs.push(JobRecord {
            name,
            stage: None,
            outcome: JobOutcome::Succeeded,
            created: None,
            started: None,
            finished: None,
            duration: Some(duration),
            queued,
            labels: Vec::new(),
            steps: Vec::new(),
        });
    }
    Ok(vec![Run { source: Source::Csv, key: None, jobs }])
}

fn csv_duration(text: &str) -> Option<Millis> {
    let text = text.trim();
    if let Ok(s) = text.parse::<f64>() {
        return seconds(Some(s));
    }
    crate::duration::parse(text).ok()
}

/// The fields of one CSV line: commas separate, double quotes quote (`""` is a quote).
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().expect("one field").push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().expect("one field").push(c),
        }
    }
    out
}
