//! The heavy work the app hands to its Web Worker, and the protocol between the two: requests
//! carry an id, the latest request wins (a new one supersedes whatever runs, and a cancel is
//! a request that does nothing else), and a job reports progress between chunks of work.
//!
//! The job is an `async fn` over a [`JobEnv`] (post a message, read a clock, pause until the
//! next task of the event loop), so that it runs the same in the worker, on the page when no
//! worker can start, and in native tests. Between chunks it pauses; a newer request that
//! arrived meanwhile is then seen and the job stops.
//!
//! On the wire every message is JSON text: `{"id": 3, "body": {"kind": "forecast", ...}}` to
//! the worker, `{"id": 3, "reply": {"kind": "progress", "done": 500, "total": 10000}}` back.
//!
//! A file of past runs goes to the worker as the `File` itself (a 50 MB export is read there,
//! not on the page) and is not a request: it supersedes nothing. Its reply, id 0, carries the
//! extracted timings ([`import`]).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::future::Future;
use std::rc::Rc;

use serde_json::{Value, json};

use crate::analysis::{AnalyzeOptions, analyze};
use crate::duration::{DurationSpec, Millis};
use crate::forecast::Forecaster;
use crate::history::store::{Kept, with_json_field};
use crate::history::{self, History};
use crate::model::{GithubPlan, Inputs};
use crate::sim::{Plan, Policy, SimOptions};

use super::forecast::ForecastSummary;
use super::persist::RUNS_RANGE;

/// A request to the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Increasing: a request supersedes every one with a smaller id.
    pub id: u64,
    pub body: RequestBody,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RequestBody {
    Forecast(ForecastRequest),
    /// Stop what runs; nothing else.
    Cancel,
}

/// A forecast of a text under the app's inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRequest {
    pub text: String,
    /// A dialect's name; `None` detects it from the text.
    pub dialect: Option<String>,
    /// A policy's name (`Policy::name`).
    pub policy: String,
    /// What-if durations (the app's are fixed), in milliseconds by full task id.
    pub durations: BTreeMap<String, u64>,
    pub runners: BTreeMap<String, u32>,
    pub targets: BTreeMap<String, u32>,
    /// The GitHub plan; `None`: assumed.
    pub plan: Option<GithubPlan>,
    pub runs: u32,
    pub seed: u64,
    /// Imported past runs, whose times the analysis in the worker learns again.
    pub history: Rc<Kept>,
}

impl ForecastRequest {
    /// The request for a text analysed with `options`. A what-if duration that is a
    /// distribution is sent as its median: the app sets only fixed ones.
    pub fn new(
        text: &str,
        options: &AnalyzeOptions,
        history: Rc<Kept>,
        runs: u32,
        seed: u64,
    ) -> ForecastRequest {
        ForecastRequest {
            text: text.to_string(),
            dialect: options.dialect.map(|d| d.name().to_string()),
            policy: options.sim.policy.name().to_string(),
            durations: options
                .inputs
                .durations
                .iter()
                .map(|(id, spec)| (id.clone(), spec.nominal().0))
                .collect(),
            runners: options.inputs.runners.clone(),
            targets: options.inputs.targets.clone(),
            plan: options.inputs.plan,
            runs,
            seed,
            history,
        }
    }

    /// The analysis options it stands for (a name it does not know takes the default).
    pub fn options(&self) -> AnalyzeOptions {
        AnalyzeOptions {
            dialect: self.dialect.as_deref().and_then(|d| d.parse().ok()),
            inputs: Inputs {
                durations: self
                    .durations
                    .iter()
                    .map(|(id, &ms)| (id.clone(), DurationSpec::Fixed(Millis(ms))))
                    .collect(),
                runners: self.runners.clone(),
                targets: self.targets.clone(),
                plan: self.plan,
            },
            sim: SimOptions { policy: self.policy.parse().unwrap_or_default() },
            history: self.history.shared(),
            ..AnalyzeOptions::default()
        }
    }
}

/// A message from the worker about request `id` (0 for messages about no request).
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: u64,
    pub reply: Reply,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The worker has loaded and takes requests.
    Ready,
    Progress {
        done: u32,
        total: u32,
    },
    Forecast {
        forecast: ForecastSummary,
        /// From receiving the request to the result.
        elapsed_ms: f64,
    },
    /// It stopped before its end: a newer request (or a cancel) superseded it.
    Stopped,
    Failed {
        message: String,
    },
    /// The job timings read from a file of past runs.
    Imported {
        file_name: String,
        history: History,
    },
    /// A file that is not one of past runs, and why.
    ImportFailed {
        file_name: String,
        message: String,
    },
}

/// Reads a file of past runs (what the worker does with a dropped or opened one).
pub fn import(text: &str, file_name: &str) -> Reply {
    match history::read(text) {
        Ok(runs) => Reply::Imported { file_name: file_name.to_string(), history: History { runs } },
        Err(e) => Reply::ImportFailed { file_name: file_name.to_string(), message: e.to_string() },
    }
}

// The JSON text of the protocol, written and read by hand over `serde_json::Value` (as saved
// state is): derived (de)serialisers would cost the wasm bundle tens of kilobytes.

impl Request {
    pub fn to_json(&self) -> String {
        let body = match &self.body {
            RequestBody::Cancel => json!({"kind": "cancel"}).to_string(),
            // The runs' JSON is made once per import, not once per request.
            RequestBody::Forecast(f) => with_json_field(
                json!({
                    "kind": "forecast",
                    "text": f.text,
                    "dialect": f.dialect,
                    "policy": f.policy,
                    "durations": f.durations,
                    "runners": f.runners,
                    "targets": f.targets,
                    "plan": f.plan.map(GithubPlan::name),
                    "runs": f.runs,
                    "seed": f.seed,
                }),
                "history",
                f.history.json(),
            ),
        };
        with_json_field(json!({"id": self.id}), "body", &body)
    }

    pub fn from_json(text: &str) -> Result<Request, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let id = v.get("id").and_then(Value::as_u64).ok_or("no id")?;
        let body = v.get("body").ok_or("no body")?;
        let body = match body.get("kind").and_then(Value::as_str) {
            Some("cancel") => RequestBody::Cancel,
            Some("forecast") => RequestBody::Forecast(
                forecast_request(body)
                    .ok_or("a field of the forecast request is missing or wrong")?,
            ),
            _ => return Err("unknown kind of request".into()),
        };
        Ok(Request { id, body })
    }
}

fn forecast_request(v: &Value) -> Option<ForecastRequest> {
    fn map<T>(
        v: &Value,
        key: &str,
        of: impl Fn(&Value) -> Option<T>,
    ) -> Option<BTreeMap<String, T>> {
        v.get(key)?.as_object()?.iter().map(|(k, x)| Some((k.clone(), of(x)?))).collect()
    }
    let count = |x: &Value| u32::try_from(x.as_u64()?).ok();
    Some(ForecastRequest {
        text: v.get("text")?.as_str()?.to_string(),
        dialect: match v.get("dialect")? {
            Value::Null => None,
            d => Some(d.as_str()?.to_string()),
        },
        policy: v.get("policy")?.as_str()?.to_string(),
        durations: map(v, "durations", Value::as_u64)?,
        runners: map(v, "runners", count)?,
        targets: map(v, "targets", count)?,
        // Absent or unknown: assumed, as a saved state reads it.
        plan: v.get("plan").and_then(Value::as_str).and_then(|p| p.parse().ok()),
        runs: count(v.get("runs")?)?,
        seed: v.get("seed")?.as_u64()?,
        history: Rc::new(Kept::new(
            v.get("history").map(history::store::from_json).unwrap_or_default(),
        )),
    })
}

impl Message {
    pub fn to_json(&self) -> String {
        let reply = match &self.reply {
            Reply::Ready => json!({"kind": "ready"}),
            Reply::Progress { done, total } => {
                json!({"kind": "progress", "done": done, "total": total})
            }
            Reply::Forecast { forecast, elapsed_ms } => {
                json!({"kind": "forecast", "forecast": forecast.to_json(), "elapsed_ms": elapsed_ms})
            }
            Reply::Stopped => json!({"kind": "stopped"}),
            Reply::Failed { message } => json!({"kind": "failed", "message": message}),
            Reply::Imported { file_name, history } => json!({
                "kind": "imported", "file_name": file_name,
                "history": history::store::to_json(history),
            }),
            Reply::ImportFailed { file_name, message } => {
                json!({"kind": "import_failed", "file_name": file_name, "message": message})
            }
        };
        json!({"id": self.id, "reply": reply}).to_string()
    }

    /// `None` for text that is not a message.
    pub fn from_json(text: &str) -> Option<Message> {
        let v: Value = serde_json::from_str(text).ok()?;
        let r = v.get("reply")?;
        let count = |key: &str| u32::try_from(r.get(key)?.as_u64()?).ok();
        let reply = match r.get("kind")?.as_str()? {
            "ready" => Reply::Ready,
            "progress" => Reply::Progress { done: count("done")?, total: count("total")? },
            "forecast" => Reply::Forecast {
                forecast: ForecastSummary::from_json(r.get("forecast")?)?,
                elapsed_ms: r.get("elapsed_ms")?.as_f64()?,
            },
            "stopped" => Reply::Stopped,
            "failed" => Reply::Failed { message: r.get("message")?.as_str()?.to_string() },
            "imported" => Reply::Imported {
                file_name: r.get("file_name")?.as_str()?.to_string(),
                history: history::store::from_json(r.get("history")?),
            },
            "import_failed" => Reply::ImportFailed {
                file_name: r.get("file_name")?.as_str()?.to_string(),
                message: r.get("message")?.as_str()?.to_string(),
            },
            _ => return None,
        };
        Some(Message { id: v.get("id")?.as_u64()?, reply })
    }
}

/// What a job needs from where it runs.
pub trait JobEnv {
    /// Milliseconds from any fixed origin.
    fn now(&self) -> f64;
    fn post(&mut self, message: Message);
    /// Resolves in a later task of the event loop, after the messages that arrived meanwhile
    /// have been received.
    fn pause(&mut self) -> impl Future<Output = ()>;
}

/// Work in a chunk, in task-runs: about 5 ms of runs in the browser, whatever the size of the
/// pipeline, so that a newer request or a cancel is seen within a few milliseconds.
pub const CHUNK_WORK: usize = 50_000;
/// At most one progress message per this many milliseconds: each one re-renders the page.
pub const PROGRESS_EVERY_MS: f64 = 100.0;

/// How many runs go in one chunk for a pipeline of `tasks` tasks.
pub fn chunk_runs(tasks: usize) -> u32 {
    (CHUNK_WORK / tasks.max(1)).clamp(1, 1000) as u32
}

/// The requests a worker has received. Jobs run on one thread and share this by reference.
#[derive(Debug, Default)]
pub struct Jobs {
    latest: Cell<u64>,
}

impl Jobs {
    /// Takes a request as the latest; returns `false` for one older than the latest (it
    /// arrived out of order and is dropped).
    pub fn receive(&self, request: &Request) -> bool {
        if request.id < self.latest.get() {
            return false;
        }
        self.latest.set(request.id);
        true
    }

    /// No newer request has arrived since request `id`.
    pub fn is_current(&self, id: u64) -> bool {
        self.latest.get() == id
    }

    /// Runs a request that [`Jobs::receive`] took, posting its progress and its result.
    pub async fn run(&self, request: Request, env: &mut impl JobEnv) {
        let id = request.id;
        match request.body {
            RequestBody::Cancel => {}
            RequestBody::Forecast(forecast) => {
                let reply = self.forecast(id, &forecast, env).await;
                env.post(Message { id, reply });
            }
        }
    }

    async fn forecast(&self, id: u64, request: &ForecastRequest, env: &mut impl JobEnv) -> Reply {
        let started = env.now();
        let analysis = analyze(&request.text, &request.options());
        let pipeline = &analysis.pipeline;
        let policy: Policy = request.policy.parse().unwrap_or_default();
        // As `analyze` does: a priority list that does not fit falls back to first ready.
        let plan = Plan::new(pipeline, policy).unwrap_or_else(|_| Plan::first_ready(pipeline));
        let mut forecaster = Forecaster::new(&plan, request.seed);
        let total = request.runs.clamp(*RUNS_RANGE.start(), *RUNS_RANGE.end());
        let chunk = chunk_runs(plan.len());
        let mut reported = started;
        env.post(Message { id, reply: Reply::Progress { done: 0, total } });
        while forecaster.runs() < total {
            if !self.is_current(id) {
                return Reply::Stopped;
            }
            let before = forecaster.runs();
            forecaster.advance(chunk.min(total - before));
            if forecaster.runs() == before {
                return Reply::Failed {
                    message: "The forecast could not run this pipeline.".into(),
                };
            }
            if forecaster.runs() < total {
                let now = env.now();
                if now - reported >= PROGRESS_EVERY_MS {
                    reported = now;
                    let done = forecaster.runs();
                    env.post(Message { id, reply: Reply::Progress { done, total } });
                }
                env.pause().await;
            }
        }
        let forecast = ForecastSummary::from(&forecaster.report());
        Reply::Forecast { forecast, elapsed_ms: env.now() - started }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::pin::Pin;
    use std::rc::Rc;
    use std::task::{Context, Poll, Waker};

    use crate::dialect::Dialect;
    use crate::forecast::forecast;

    const FLAKY: &str = "pipeline:
  resources: {runners: 2}
  stages:
    - stage: {id: build, duration: 2m..4m, uses: [runners]}
    - parallel:
        - stage: {id: unit, duration: {p50: 3m, p90: 6m}, failure_rate: 10%, retries: 1, uses: [runners]}
        - stage: {id: e2e, duration: 5m..9m, failure_rate: 20%, uses: [runners]}
    - stage: {id: deploy, duration: 1m}
";

    /// Records what a job posts; the clock advances 30 ms per reading; every pause is
    /// pending once (the event loop's next task), so a test can act between chunks.
    #[derive(Default)]
    struct Env {
        posted: Rc<RefCell<Vec<Message>>>,
        clock: Cell<f64>,
        pauses: Rc<Cell<u32>>,
    }

    struct Pause(bool);

    impl Future for Pause {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                Poll::Ready(())
            } else {
                self.0 = true;
                Poll::Pending
            }
        }
    }

    impl JobEnv for Env {
        fn now(&self) -> f64 {
            self.clock.set(self.clock.get() + 30.0);
            self.clock.get()
        }
        fn post(&mut self, message: Message) {
            self.posted.borrow_mut().push(message);
        }
        fn pause(&mut self) -> impl Future<Output = ()> {
            self.pauses.set(self.pauses.get() + 1);
            Pause(false)
        }
    }

    fn request(id: u64, runs: u32, seed: u64) -> Request {
        let options = AnalyzeOptions::default();
        Request {
            id,
            body: RequestBody::Forecast(ForecastRequest::new(
                FLAKY,
                &options,
                Rc::default(),
                runs,
                seed,
            )),
        }
    }

    /// Polls a future until it is done (the pauses resolve on their second poll).
    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    #[test]
    fn a_forecast_in_chunks_is_the_forecast_in_one_go() {
        let jobs = Jobs::default();
        let mut env = Env::default();
        let req = request(1, 5000, 7);
        assert!(jobs.receive(&req));
        block_on(jobs.run(req, &mut env));
        let posted = env.posted.borrow();
        let Some(Message { id: 1, reply: Reply::Forecast { forecast: got, elapsed_ms } }) =
            posted.last()
        else {
            panic!("no forecast: {posted:?}")
        };
        let a = analyze(FLAKY, &AnalyzeOptions::default());
        let whole = forecast(&a.pipeline, Policy::Fifo, 5000, 7).unwrap();
        assert_eq!(*got, ForecastSummary::from(&whole), "chunking changes nothing");
        assert!(*elapsed_ms > 0.0);
        // 4 tasks: chunks of 1000 runs, so four pauses; progress at the start and then at most
        // every 100 ms of the clock (which moves 30 ms a reading here).
        assert_eq!(env.pauses.get(), 4);
        let progress: Vec<(u32, u32)> = posted
            .iter()
            .filter_map(|m| match m.reply {
                Reply::Progress { done, total } => Some((done, total)),
                _ => None,
            })
            .collect();
        assert_eq!(progress[0], (0, 5000));
        assert!(progress.len() >= 2 && progress.len() <= 4, "{progress:?}");
        assert!(progress.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn a_newer_request_or_a_cancel_stops_the_running_one_between_chunks() {
        for newer in [RequestBody::Cancel, request(2, 200, 1).body] {
            let jobs = Rc::new(Jobs::default());
            let mut env = Env::default();
            let posted = env.posted.clone();
            let first = request(1, 100_000, 1);
            assert!(jobs.receive(&first));
            let mut job = Box::pin(jobs.run(first, &mut env));
            let mut cx = Context::from_waker(Waker::noop());
            // The first chunk runs, then the job pauses.
            assert!(job.as_mut().poll(&mut cx).is_pending());
            let second = Request { id: 2, body: newer.clone() };
            assert!(jobs.receive(&second));
            assert!(!jobs.is_current(1));
            assert!(job.as_mut().poll(&mut cx).is_ready(), "it stops at the next chunk");
            drop(job);
            let last = posted.borrow().last().cloned();
            assert_eq!(last, Some(Message { id: 1, reply: Reply::Stopped }), "{newer:?}");
        }
        // A request older than the latest is dropped.
        let jobs = Jobs::default();
        assert!(jobs.receive(&request(5, 100, 1)));
        assert!(!jobs.receive(&request(4, 100, 1)));
        assert!(jobs.is_current(5));
    }

    #[test]
    fn requests_round_trip_as_json_and_keep_the_inputs() {
        let options = AnalyzeOptions {
            dialect: Some(Dialect::Native),
            inputs: Inputs {
                durations: [("build".to_string(), DurationSpec::Fixed(Millis(60_000)))].into(),
                runners: [("linux".to_string(), 3)].into(),
                targets: [("web".to_string(), 2)].into(),
                plan: Some(GithubPlan::Enterprise),
            },
            sim: SimOptions { policy: Policy::DocumentOrder },
            ..AnalyzeOptions::default()
        };
        let runs = History { runs: history::read("job,duration\nbuild,75\n").expect("csv") };
        let kept = Rc::new(Kept::new(runs.clone()));
        let req = Request {
            id: 9,
            body: RequestBody::Forecast(ForecastRequest::new(FLAKY, &options, kept, 300, u64::MAX)),
        };
        let json = req.to_json();
        assert!(json.contains(r#""kind":"forecast""#), "{json}");
        let back = Request::from_json(&json).unwrap();
        assert_eq!(back, req);
        let RequestBody::Forecast(f) = back.body else { unreachable!() };
        let o = f.options();
        assert_eq!(o.dialect, options.dialect);
        assert_eq!(o.sim.policy, Policy::DocumentOrder);
        assert_eq!(o.inputs.durations, options.inputs.durations);
        assert_eq!(o.inputs.runners, options.inputs.runners);
        assert_eq!(o.inputs.targets, options.inputs.targets);
        assert_eq!(o.inputs.plan, Some(GithubPlan::Enterprise));
        assert_eq!(*o.history, runs, "the worker learns from the same past runs");
        assert_eq!((f.runs, f.seed), (300, u64::MAX));
        let cancel = Request { id: 10, body: RequestBody::Cancel };
        assert_eq!(cancel.to_json(), r#"{"id":10,"body":{"kind":"cancel"}}"#);
        assert_eq!(Request::from_json(&cancel.to_json()), Ok(cancel));
        assert!(Request::from_json(r#"{"id":1,"body":{"kind":"forecast","text":"x"}}"#).is_err());
        assert!(Request::from_json("{").is_err());
        // Every reply round-trips; what is not a message is `None`.
        let summary = {
            let a = analyze(FLAKY, &AnalyzeOptions::default());
            ForecastSummary::from(&forecast(&a.pipeline, Policy::Fifo, 100, 1).unwrap())
        };
        for reply in [
            Reply::Ready,
            Reply::Progress { done: 500, total: 10_000 },
            Reply::Forecast { forecast: summary, elapsed_ms: 85.5 },
            Reply::Stopped,
            Reply::Failed { message: "no".into() },
        ] {
            let m = Message { id: 3, reply };
            assert_eq!(Message::from_json(&m.to_json()).as_ref(), Some(&m));
        }
        assert_eq!(Message::from_json(r#"{"id":3,"reply":{"kind":"x"}}"#), None);
        assert_eq!(
            Message { id: 0, reply: Reply::Ready }.to_json(),
            r#"{"id":0,"reply":{"kind":"ready"}}"#
        );
    }

    #[test]
    fn runs_are_clamped_and_odd_texts_forecast_without_panicking() {
        for text in
            ["", "{{{{ ]]]", "pipeline:\n  stages:\n    - stage: {id: a, depends_on: [a]}\n"]
        {
            let jobs = Jobs::default();
            let mut env = Env::default();
            let mut req = request(1, 0, 1);
            if let RequestBody::Forecast(f) = &mut req.body {
                f.text = text.into();
            }
            jobs.receive(&req);
            block_on(jobs.run(req, &mut env));
            let last = env.posted.borrow().last().cloned().unwrap();
            match last.reply {
                Reply::Forecast { forecast, .. } => assert_eq!(forecast.runs, *RUNS_RANGE.start()),
                other => panic!("{text:?}: {other:?}"),
            }
        }
        assert_eq!(chunk_runs(0), 1000);
        assert_eq!(chunk_runs(100), 500);
        assert_eq!(chunk_runs(10_000), 5);
        assert_eq!(chunk_runs(1_000_000), 1);
    }
}
