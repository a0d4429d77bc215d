//! The app's state and the one function that changes it: `AppState::apply(action)`.
//!
//! Components send [`Action`]s and display the state; every decision (what to analyse, which
//! timeline to keep while the YAML is broken, where focus goes on an arrow key, how zoom clamps)
//! is made here, in plain Rust tested without a browser. The browser shell wraps it in Yew's
//! `Reducible` and adds only I/O (storage, files, focus, scrolling).

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

use crate::analysis::{Analysis, AnalyzeOptions, analyze};
use crate::diagnostic::Diagnostic;
use crate::dialect::Dialect;
use crate::duration::{DurationSpec, Millis};
use crate::history::store::Kept;
use crate::history::{self, Comparison, History};
use crate::lint::rules::{malformed_file::MALFORMED_FILE, yaml_syntax::YAML_SYNTAX};
use crate::model::SizeKind;
use crate::model::{GithubPlan, Inputs};
use crate::sim::{Policy, SimOptions};
use crate::text;

use super::forecast::{ForecastKey, ForecastState, ForecastSummary};
use super::layout::{self, Row, Scale};
use super::persist::{RUNS_RANGE, Saved};
use super::worker::{ForecastRequest, Message, Reply};

/// Chart metrics shared by the reducer (scrolling to a row) and the drawing.
pub const ROW_HEIGHT: f64 = 34.0;
/// Space right of the time axis, so the last tick label fits.
pub const RIGHT_PAD: f64 = 24.0;
/// The runner and target counts the app accepts.
pub const SIZE_RANGE: std::ops::RangeInclusive<u32> = 1..=100;

/// Chart or table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Chart,
    Table,
}

/// A visible window of time, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start: f64,
    pub end: f64,
}

impl Window {
    pub fn span(&self) -> f64 {
        self.end - self.start
    }
}

/// The size and vertical scroll of the chart's row area, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub width: f64,
    pub height: f64,
    pub scroll_top: f64,
}

impl Default for Viewport {
    fn default() -> Viewport {
        Viewport { width: 800.0, height: 400.0, scroll_top: 0.0 }
    }
}

/// A request to select a byte range in the editor; `seq` tells repeated requests apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    pub start: usize,
    pub end: usize,
    pub seq: u64,
}

/// The text before something replaced it, to undo that.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    pub text: Rc<String>,
    pub file_name: Option<String>,
}

/// Keyboard moves inside the chart (a tree of rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    First,
    Last,
    PageUp,
    PageDown,
    /// Collapse an open stage, else go to the parent stage.
    Left,
    /// Expand a collapsed stage, else go to its first step.
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The person edited the text in the editor.
    Edit(String),
    /// Forget the imported past runs.
    ClearHistory,
    /// Compare the timeline with past run `k` (simulated with that run's durations and
    /// pickup delays, the run's own bars as ghosts behind), or with `None` end the comparison.
    Compare(Option<usize>),
    /// Say something in the notice bar (a file that could not be read).
    Notice(String),
    /// Replace the whole text (an example, an opened file); the old text can be restored.
    Load {
        text: String,
        file_name: Option<String>,
        notice: String,
    },
    UndoLoad,
    DismissNotice,
    SetDialect(Option<Dialect>),
    SetPolicy(Policy),
    /// A what-if duration for a task (by full id), or `None` to use the file's again.
    SetDuration {
        id: String,
        duration: Option<Millis>,
    },
    ClearDurations,
    /// How many runners carry a label or how many targets have a role (by `Size::key`), or
    /// `None` to assume the dialect's default again. Clamped to `SIZE_RANGE`.
    SetSize {
        kind: SizeKind,
        key: String,
        count: Option<u32>,
    },
    /// The GitHub plan that limits jobs on GitHub-hosted runners, or `None` to assume it again.
    SetPlan(Option<GithubPlan>),
    SetView(View),
    /// Zoom by `factor` (> 1 zooms in) keeping the time `anchor` (ms) in place; `None` keeps
    /// the middle.
    Zoom {
        factor: f64,
        anchor: Option<f64>,
    },
    /// Move the window by this many milliseconds (negative: earlier).
    Pan(f64),
    Fit,
    Resize {
        width: f64,
        height: f64,
    },
    Scroll(f64),
    /// Focus a task by full id (a click, or focus arriving on a bar).
    Focus(Option<String>),
    Move(Move),
    Hover(Option<String>),
    /// Open the details of a task (the focused one when `None`).
    OpenDetails(Option<String>),
    CloseDetails,
    ToggleCollapse(String),
    CollapseAll(bool),
    /// Select this byte range in the editor (choosing a problem, "show in editor").
    Reveal {
        start: usize,
        end: usize,
    },
    ShowGallery(bool),
    /// Show a lint rule's documentation (by rule name), or close it.
    ShowRule(Option<String>),
    /// Show the run in which every attempt of this task (by full id) fails, or with `None`
    /// the usual run again.
    FailTask(Option<String>),
    /// How many runs the forecast draws (clamped to `RUNS_RANGE`), and its seed.
    SetRuns(u32),
    SetSeed(u64),
    /// A forecast request of these inputs went out to the worker as `id`.
    ForecastSent {
        id: u64,
        key: ForecastKey,
    },
    /// A message from the worker.
    Worker(Message),
    CancelForecast,
    /// Run the forecast again for the same inputs (after a cancel or a failure).
    RetryForecast,
    /// The worker crashed and was restarted.
    WorkerCrashed,
}

#[derive(Debug, Clone)]
pub struct AppState {
    /// Shared, so that copying the state for a reducer step does not copy the text.
    pub text: Rc<String>,
    /// Bumped when the text is replaced from outside the editor, so the editor takes it.
    pub text_rev: u64,
    /// Bumped whenever something that is saved changes.
    pub saved_rev: u64,
    pub file_name: Option<String>,
    /// `None`: detect from the text.
    pub dialect: Option<Dialect>,
    pub policy: Policy,
    pub durations: BTreeMap<String, Millis>,
    /// Runner label or tag → how many runners carry it (what the file does not say).
    pub runners: BTreeMap<String, u32>,
    /// Deployment target role → how many targets have it.
    pub targets: BTreeMap<String, u32>,
    /// The GitHub plan that limits jobs on GitHub-hosted runners; `None`: assumed.
    pub plan: Option<GithubPlan>,
    /// The job timings of imported past runs.
    pub history: Rc<Kept>,
    /// The analysis of the current text.
    pub current: Rc<Analysis>,
    /// The usual run of the last text that could be read: the current analysis, or while the
    /// YAML is broken, the last one that was not. Forecasts and what-if failures are of it,
    /// so it keeps the text and options it was made from, and a version number.
    pub usual: Rc<Analysis>,
    pub usual_text: Rc<String>,
    pub usual_options: AnalyzeOptions,
    pub usual_rev: u64,
    /// The task made to fail ("What if this fails?"), if any.
    pub failing: Option<String>,
    /// The past run (index into `history.runs`) the timeline is compared with, if any; it
    /// and `failing` exclude each other.
    pub compared: Option<usize>,
    /// The comparison of `shown` with that run.
    pub comparison: Option<Rc<Comparison>>,
    /// What the timeline shows: the usual run, the run in which `failing` fails, or the
    /// prediction from the compared run's durations.
    pub shown: Rc<Analysis>,
    /// How many runs the forecast draws, and from which seed.
    pub runs: u32,
    pub seed: u64,
    pub forecast: ForecastState,
    pub view: View,
    /// `None`: fit the whole run.
    pub window: Option<Window>,
    pub viewport: Viewport,
    pub focused: Option<String>,
    pub hovered: Option<String>,
    pub details: bool,
    pub collapsed: BTreeSet<String>,
    pub selection: Option<Selection>,
    pub undo: Option<Undo>,
    pub notice: Option<String>,
    pub gallery: bool,
    pub rule: Option<String>,
}

/// The text cannot be fully read (a YAML syntax error, a malformed file), so its timeline
/// misses everything after the error.
pub fn is_broken(analysis: &Analysis) -> bool {
    analysis.diagnostics.iter().any(is_broken_diagnostic)
}

/// A diagnostic that means the text could not be read to its end.
pub fn is_broken_diagnostic(d: &Diagnostic) -> bool {
    d.rule == &YAML_SYNTAX || d.rule == &MALFORMED_FILE
}

impl AppState {
    pub fn new(saved: Saved) -> AppState {
        let history = Rc::clone(&saved.history);
        let options = options(saved.dialect, saved.policy.clone(), &saved.inputs(), &history);
        let analysis = Rc::new(analyze(&saved.text, &options));
        let text = Rc::new(saved.text);
        AppState {
            text: text.clone(),
            text_rev: 1,
            saved_rev: 0,
            file_name: saved.file_name,
            dialect: saved.dialect,
            policy: saved.policy,
            durations: saved.durations,
            runners: saved.runners,
            targets: saved.targets,
            plan: saved.plan,
            history,
            current: analysis.clone(),
            usual: analysis.clone(),
            usual_text: text,
            usual_options: options,
            usual_rev: 1,
            failing: None,
            compared: None,
            comparison: None,
            shown: analysis,
            runs: saved.runs.clamp(*RUNS_RANGE.start(), *RUNS_RANGE.end()),
            seed: saved.seed,
            forecast: ForecastState::default(),
            view: View::Chart,
            window: None,
            viewport: Viewport::default(),
            focused: None,
            hovered: None,
            details: false,
            collapsed: BTreeSet::new(),
            selection: None,
            undo: None,
            notice: None,
            gallery: false,
            rule: None,
        }
    }

    /// What is saved between visits.
    pub fn saved(&self) -> Saved {
        Saved {
            text: (*self.text).clone(),
            file_name: self.file_name.clone(),
            dialect: self.dialect,
            policy: self.policy.clone(),
            durations: self.durations.clone(),
            runners: self.runners.clone(),
            targets: self.targets.clone(),
            plan: self.plan,
            runs: self.runs,
            seed: self.seed,
            history: Rc::clone(&self.history),
        }
    }

    /// What a forecast of the usual run now would be of.
    pub fn forecast_key(&self) -> ForecastKey {
        ForecastKey { rev: self.usual_rev, runs: self.runs, seed: self.seed }
    }

    /// Whether a forecast should be asked for: the inputs changed since the last request.
    pub fn forecast_due(&self) -> bool {
        self.forecast.is_due(self.forecast_key())
    }

    /// The request for a forecast of the usual run.
    pub fn forecast_request(&self) -> ForecastRequest {
        let history = Rc::clone(&self.history);
        ForecastRequest::new(&self.usual_text, &self.usual_options, history, self.runs, self.seed)
    }

    /// The forecast the timeline draws (whiskers, shades, words): the last result, when it is
    /// of the usual run on screen (not of an older text, nor while a task is made to fail).
    pub fn timeline_forecast(&self) -> Option<&ForecastSummary> {
        if self.failing.is_some() || self.compared.is_some() {
            return None;
        }
        let summary = &self.forecast.result_for(self.usual_rev)?.summary;
        let tasks = &self.shown.pipeline.tasks;
        let same = summary.tasks.len() == tasks.len()
            && summary.tasks.iter().zip(tasks).all(|(f, t)| f.id == t.id);
        same.then_some(&**summary)
    }

    /// The count the user set for a runner pool or target role, if any.
    pub fn size(&self, kind: SizeKind, key: &str) -> Option<u32> {
        match kind {
            SizeKind::Runners => self.runners.get(key).copied(),
            SizeKind::Targets => self.targets.get(key).copied(),
        }
    }

    /// The timeline shows an older analysis than the text's, because the text is broken.
    pub fn is_stale(&self) -> bool {
        !Rc::ptr_eq(&self.current, &self.usual) || is_broken(&self.usual)
    }

    /// The window that shows the whole run and, with a forecast, its P90: whiskers past the
    /// usual end stay in view. The last forecast counts even while a newer one is computed,
    /// so that the scale does not jump back and forth as one types.
    pub fn fit(&self) -> Window {
        let mut all = fit(&self.shown);
        let p90 = self.forecast.result.as_ref().map(|r| r.summary.p90_ms as f64);
        if let Some(p90) = p90.filter(|_| self.failing.is_none() && self.compared.is_none()) {
            all.end = all.end.max(p90);
        }
        // The run compared with may have ended later than the prediction.
        if let Some(c) = &self.comparison {
            all.end = all.end.max(c.makespan.actual.0 as f64);
        }
        all
    }

    /// The time window drawn: the zoom window, or the whole run.
    pub fn window(&self) -> Window {
        self.window.unwrap_or_else(|| self.fit())
    }

    /// The chart's time scale for the current width and window.
    pub fn scale(&self) -> Scale {
        let w = self.window();
        let x0 = label_width(self.viewport.width);
        let x1 = (self.viewport.width - RIGHT_PAD).max(x0 + 40.0);
        Scale { start: w.start, end: w.end, x0, x1 }
    }

    /// The rows of the shown timeline.
    pub fn rows(&self) -> Vec<Row> {
        layout::rows(&self.shown.pipeline, &self.collapsed)
    }

    /// The focused task, if it exists in the shown timeline.
    pub fn focused_task(&self) -> Option<crate::model::TaskIdx> {
        self.shown.pipeline.find_task(self.focused.as_deref()?)
    }

    pub fn apply(mut self, action: Action) -> AppState {
        // Actions that can change how many rows there are, or how many fit.
        let rows_may_change = matches!(
            action,
            Action::Edit(_)
                | Action::Load { .. }
                | Action::ClearHistory
                | Action::Worker(Message { reply: Reply::Imported { .. }, .. })
                | Action::UndoLoad
                | Action::SetDialect(_)
                | Action::SetPolicy(_)
                | Action::SetDuration { .. }
                | Action::ClearDurations
                | Action::SetSize { .. }
                | Action::SetPlan(_)
                | Action::ToggleCollapse(_)
                | Action::CollapseAll(_)
                | Action::Resize { .. }
        );
        match action {
            Action::Edit(text) => {
                if text != *self.text {
                    self.text = Rc::new(text);
                    self.saved_rev += 1;
                    self.reanalyze();
                }
            }
            Action::Notice(text) => self.notice = Some(text),
            Action::ClearHistory => {
                if !self.history.is_empty() {
                    self.history = Rc::default();
                    self.compared = None;
                    self.saved_rev += 1;
                    self.notice =
                        Some("Forgot the past runs: durations are the file's again.".into());
                    self.reanalyze();
                }
            }
            Action::Load { text, file_name, notice } => {
                let old = std::mem::replace(&mut self.text, Rc::new(text));
                let old_name = std::mem::replace(&mut self.file_name, file_name);
                if !old.trim().is_empty() && old != self.text {
                    self.undo = Some(Undo { text: old, file_name: old_name });
                }
                self.notice = Some(notice);
                self.text_rev += 1;
                self.saved_rev += 1;
                self.window = None;
                self.focused = None;
                self.hovered = None;
                self.details = false;
                self.collapsed.clear();
                self.viewport.scroll_top = 0.0;
                self.gallery = false;
                self.failing = None;
                self.compared = None;
                // A new text starts with a clean slate: its last good timeline is its own, and
                // no forecast of another text sets its scale (nor arrives later to do so).
                self.forecast.result = None;
                self.forecast.running = None;
                self.reanalyze_with(true);
            }
            Action::UndoLoad => {
                if let Some(undo) = self.undo.take() {
                    self.text = undo.text;
                    self.file_name = undo.file_name;
                    self.text_rev += 1;
                    self.saved_rev += 1;
                    self.window = None;
                    self.notice = None;
                    self.failing = None;
                    self.forecast.result = None;
                    self.forecast.running = None;
                    self.reanalyze_with(true);
                }
            }
            Action::DismissNotice => {
                self.notice = None;
                self.undo = None;
            }
            Action::SetDialect(dialect) => {
                if dialect != self.dialect {
                    self.dialect = dialect;
                    self.saved_rev += 1;
                    self.reanalyze();
                }
            }
            Action::SetPolicy(policy) => {
                if policy != self.policy {
                    self.policy = policy;
                    self.saved_rev += 1;
                    self.reanalyze();
                }
            }
            Action::SetDuration { id, duration } => {
                let changed = match duration {
                    Some(d) => self.durations.insert(id, d) != Some(d),
                    None => self.durations.remove(&id).is_some(),
                };
                if changed {
                    self.saved_rev += 1;
                    self.reanalyze();
                }
            }
            Action::ClearDurations => {
                if !self.durations.is_empty() {
                    self.durations.clear();
                    self.saved_rev += 1;
                    self.reanalyze();
                }
            }
            Action::SetSize { kind, key, count } => {
                let map = match kind {
                    SizeKind::Runners => &mut self.runners,
                    SizeKind::Targets => &mut self.targets,
                };
                let changed = match count {
                    Some(n) => {
                        let n = n.clamp(*SIZE_RANGE.start(), *SIZE_RANGE.end());
                        map.insert(key, n) != Some(n)
                    }
                    None => map.remove(&key).is_some(),
                };
                if changed {
                    self.saved_rev += 1;
                    self.reanalyze();
                }
            }
            Action::SetPlan(plan) => {
                if plan != self.plan {
                    self.plan = plan;
                    self.saved_rev += 1;
                    self.reanalyze();
                }
            }
            Action::SetView(view) => self.view = view,
            Action::Zoom { factor, anchor } => self.zoom(factor, anchor),
            Action::Pan(ms) => {
                if let Some(w) = self.window {
                    self.window = Some(clamp_window(w.start + ms, w.span(), self.fit()));
                }
            }
            Action::Fit => self.window = None,
            Action::Resize { width, height } => {
                self.viewport.width = width.max(0.0);
                self.viewport.height = height.max(0.0);
            }
            Action::Scroll(top) => self.viewport.scroll_top = top.max(0.0),
            Action::Focus(id) => {
                self.focused = id;
                self.reveal_focused();
            }
            Action::Move(m) => self.move_focus(m),
            Action::Hover(id) => self.hovered = id,
            Action::OpenDetails(id) => {
                if id.is_some() {
                    self.focused = id;
                }
                self.details = self.focused.is_some();
                self.reveal_focused();
            }
            Action::CloseDetails => self.details = false,
            Action::ToggleCollapse(id) => {
                if !self.collapsed.remove(&id) {
                    self.collapsed.insert(id.clone());
                    // Focus inside the stage moves up to the stage, which stays visible.
                    if let Some(f) = &self.focused {
                        if f.starts_with(&format!("{id}/")) {
                            self.focused = Some(id);
                        }
                    }
                }
            }
            Action::CollapseAll(collapse) => {
                self.collapsed.clear();
                if collapse {
                    let p = &self.shown.pipeline;
                    self.collapsed
                        .extend(p.tasks.iter().filter(|t| t.is_group()).map(|t| t.id.clone()));
                    if let Some(t) = self.focused_task() {
                        let mut top = t;
                        while let Some(parent) = self.shown.pipeline.task(top).parent {
                            top = parent;
                        }
                        self.focused = Some(self.shown.pipeline.task(top).id.clone());
                    }
                }
            }
            Action::Reveal { start, end } => {
                let len = self.text.len();
                let seq = self.selection.map_or(1, |s| s.seq + 1);
                self.selection = Some(Selection { start: start.min(len), end: end.min(len), seq });
            }
            Action::ShowGallery(open) => self.gallery = open,
            Action::ShowRule(rule) => self.rule = rule,
            Action::FailTask(id) => {
                if id != self.failing {
                    if id.is_some() {
                        self.compared = None;
                    }
                    self.failing = id;
                    self.show();
                }
            }
            Action::Compare(run) => {
                if run != self.compared {
                    if run.is_some() {
                        self.failing = None;
                    }
                    self.compared = run;
                    self.show();
                }
            }
            Action::SetRuns(runs) => {
                let runs = runs.clamp(*RUNS_RANGE.start(), *RUNS_RANGE.end());
                if runs != self.runs {
                    self.runs = runs;
                    self.saved_rev += 1;
                }
            }
            Action::SetSeed(seed) => {
                if seed != self.seed {
                    self.seed = seed;
                    self.saved_rev += 1;
                }
            }
            Action::ForecastSent { id, key } => self.forecast.sent(id, key),
            Action::Worker(Message { id, reply }) => match reply {
                // The shell keeps progress (`forecast::Progress`): it must not re-render all.
                Reply::Ready | Reply::Progress { .. } => {}
                Reply::Forecast { forecast, elapsed_ms } => {
                    self.forecast.finished(id, forecast, elapsed_ms);
                    self.keep_window_inside();
                }
                Reply::Stopped => self.forecast.stopped(id),
                Reply::Failed { message } => self.forecast.failed((id != 0).then_some(id), message),
                // The text is never touched by an import.
                Reply::Imported { file_name, history } => self.import(history.runs, &file_name),
                Reply::ImportFailed { file_name, message } => {
                    self.notice =
                        Some(format!("{file_name} is not a file of past runs: {message}"));
                    self.undo = None;
                }
            },
            Action::CancelForecast => {
                let key = self.forecast_key();
                self.forecast.cancel(key);
            }
            Action::RetryForecast => self.forecast.retry(),
            Action::WorkerCrashed => {
                self.forecast.crashed();
                self.notice = Some("The forecast worker crashed and was restarted.".into());
                self.undo = None;
            }
        }
        if rows_may_change {
            // A shorter timeline cannot stay scrolled past its end.
            let max = (self.rows().len() as f64 * ROW_HEIGHT - self.viewport.height).max(0.0);
            self.viewport.scroll_top = self.viewport.scroll_top.min(max);
        }
        self
    }

    /// Adds the runs of one file, and says what they matched.
    fn import(&mut self, runs: Vec<history::Run>, file_name: &str) {
        let mut all = History::clone(&self.history);
        let (count, jobs) = (runs.len(), runs.iter().map(|r| r.jobs.len()).sum::<usize>());
        all.add(runs);
        self.history = Rc::new(Kept::new(all));
        self.saved_rev += 1;
        self.reanalyze();
        let (matched, all) = self.current.history_jobs;
        self.notice = Some(format!(
            "Imported {file_name}: {}, {}. {} of the {} jobs of the past runs match jobs of this \
             pipeline.",
            text::count_of(count, "run"),
            text::count_of(jobs, "job"),
            text::count(matched),
            text::count(all),
        ));
    }

    fn reanalyze(&mut self) {
        self.reanalyze_with(false);
    }

    /// Analyses the text again. The result becomes the usual run unless the text is broken
    /// and the usual run is not (or when `fresh`: a new text keeps nothing of the old one).
    fn reanalyze_with(&mut self, fresh: bool) {
        let inputs = Inputs {
            durations: self
                .durations
                .iter()
                .map(|(id, &d)| (id.clone(), DurationSpec::Fixed(d)))
                .collect(),
            runners: self.runners.clone(),
            targets: self.targets.clone(),
            plan: self.plan,
        };
        let options = options(self.dialect, self.policy.clone(), &inputs, &self.history);
        let analysis = Rc::new(analyze(&self.text, &options));
        self.current = analysis.clone();
        if fresh || !is_broken(&analysis) || is_broken(&self.usual) {
            self.usual = analysis;
            self.usual_text = self.text.clone();
            self.usual_options = options;
            self.usual_rev += 1;
        }
        self.show();
    }

    /// Sets what the timeline shows: the usual run, or the run in which the failing task
    /// fails. A failing task the text no longer has ends the what-if, and a notice says so.
    fn show(&mut self) {
        self.shown = self.usual.clone();
        self.comparison = None;
        if let Some(k) = self.compared {
            self.compare_with(k);
        }
        if let Some(id) = self.failing.clone() {
            let options =
                AnalyzeOptions { failing: vec![id.clone()], ..self.usual_options.clone() };
            let run = analyze(&self.usual_text, &options);
            if run.unmatched_failing.is_empty() {
                self.shown = Rc::new(run);
            } else {
                self.failing = None;
                self.notice =
                    Some(format!("{id} is no longer in the pipeline: back to the usual run."));
                self.undo = None;
            }
        }
        self.keep_window_inside();
    }

    /// Shows the prediction from past run `k`'s durations, beside what the run did; a run
    /// that cannot be compared (gone, or without times of day) ends the comparison, said.
    fn compare_with(&mut self, k: usize) {
        let Some(run) = self.history.runs.get(k) else {
            self.compared = None;
            return;
        };
        let options = AnalyzeOptions {
            history: Arc::new(History { runs: vec![run.clone()] }),
            ..self.usual_options.clone()
        };
        let predicted = analyze(&self.usual_text, &options);
        match history::compare(&predicted.pipeline, &predicted.schedule, run) {
            Ok(comparison) => {
                self.comparison = Some(Rc::new(comparison));
                self.shown = Rc::new(predicted);
            }
            Err(e) => {
                self.compared = None;
                self.notice = Some(format!("{} cannot be compared: {e}", run.label(k)));
                self.undo = None;
            }
        }
    }

    /// Keeps a zoom window inside the whole run (after it changed).
    fn keep_window_inside(&mut self) {
        if let Some(w) = self.window {
            let all = self.fit();
            self.window = if w.span() >= all.span() {
                None
            } else {
                Some(clamp_window(w.start, w.span(), all))
            };
        }
    }

    fn zoom(&mut self, factor: f64, anchor: Option<f64>) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let all = self.fit();
        let w = self.window();
        let min_span = (all.span() / 2000.0).max(50.0).min(all.span());
        let span = (w.span() / factor).clamp(min_span, all.span());
        if span >= all.span() {
            self.window = None;
            return;
        }
        let anchor = anchor.unwrap_or(w.start + w.span() / 2.0).clamp(w.start, w.end);
        let frac = (anchor - w.start) / w.span();
        self.window = Some(clamp_window(anchor - frac * span, span, all));
    }

    fn move_focus(&mut self, m: Move) {
        let rows = self.rows();
        if rows.is_empty() {
            return;
        }
        let p = &self.shown.pipeline;
        let current = self.focused_task().and_then(|t| layout::row_of_task(p, &rows)[t.index()]);
        let Some(i) = current else {
            self.focused = Some(p.task(rows[0].task).id.clone());
            self.reveal_focused();
            return;
        };
        let page = ((self.viewport.height / ROW_HEIGHT).floor() as usize).max(1);
        let row = rows[i];
        let target = match m {
            Move::Up => i.saturating_sub(1),
            Move::Down => (i + 1).min(rows.len() - 1),
            Move::First => 0,
            Move::Last => rows.len() - 1,
            Move::PageUp => i.saturating_sub(page),
            Move::PageDown => (i + page).min(rows.len() - 1),
            Move::Left => {
                if row.group && !row.collapsed {
                    self.collapsed.insert(p.task(row.task).id.clone());
                    i
                } else if let Some(parent) = p.task(row.task).parent {
                    rows.iter().position(|r| r.task == parent).unwrap_or(i)
                } else {
                    i
                }
            }
            Move::Right => {
                if row.group && row.collapsed {
                    self.collapsed.remove(&p.task(row.task).id);
                    i
                } else if row.group {
                    (i + 1).min(rows.len() - 1)
                } else {
                    i
                }
            }
        };
        self.focused = Some(p.task(rows[target].task).id.clone());
        self.reveal_focused();
    }

    /// Scrolls (and pans a zoomed window) so that the focused bar is in view.
    fn reveal_focused(&mut self) {
        let Some(task) = self.focused_task() else { return };
        let rows = self.rows();
        let p = &self.shown.pipeline;
        if let Some(Some(i)) = layout::row_of_task(p, &rows).get(task.index()) {
            self.viewport.scroll_top = layout::scroll_to_show(
                *i,
                ROW_HEIGHT,
                self.viewport.scroll_top,
                self.viewport.height,
            );
        }
        if let Some(w) = self.window {
            let timing = self.shown.schedule.timing(task);
            if let (Some(s), Some(e)) = (timing.start, timing.end) {
                let (s, e) = (s.0 as f64, e.0 as f64);
                if e < w.start || s > w.end {
                    let start = (s + e) / 2.0 - w.span() / 2.0;
                    self.window = Some(clamp_window(start, w.span(), self.fit()));
                }
            }
        }
    }
}

/// Whether an opened file is meant as past runs rather than a pipeline, by its name alone
/// (`Some`: JSON, the CI systems' exports, or CSV; pipelines are YAML), or `None` when only its
/// text can tell ([`is_run_text`]).
pub fn is_run_file_name(file_name: &str) -> Option<bool> {
    let name = file_name.to_ascii_lowercase();
    if name.ends_with(".json") || name.ends_with(".csv") {
        Some(true)
    } else if name.ends_with(".yml") || name.ends_with(".yaml") {
        Some(false)
    } else {
        None
    }
}

/// Whether a text of unknown kind is past runs: JSON or a CSV of job timings.
pub fn is_run_text(text: &str) -> bool {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    start.starts_with('{')
        || start.starts_with('[')
        || start.get(..12).is_some_and(|s| s.eq_ignore_ascii_case("job,duration"))
}

/// The options of the usual run (the what-if failure adds its task to them).
fn options(
    dialect: Option<Dialect>,
    policy: Policy,
    inputs: &Inputs,
    history: &Kept,
) -> AnalyzeOptions {
    AnalyzeOptions {
        dialect,
        inputs: inputs.clone(),
        sim: SimOptions { policy },
        history: history.shared(),
        ..Default::default()
    }
}

/// The window that shows the whole run (at least one second, so an empty run has an axis),
/// with room after the end when some tasks never start, for their markers.
pub fn fit(analysis: &Analysis) -> Window {
    let end = (analysis.schedule.makespan.0 as f64).max(1000.0);
    let stuck = analysis.schedule.never_started().next().is_some();
    Window { start: 0.0, end: if stuck { end * 1.15 } else { end } }
}

fn clamp_window(start: f64, span: f64, all: Window) -> Window {
    let start = start.clamp(all.start, (all.end - span).max(all.start));
    Window { start, end: start + span }
}

/// The width of the task-name column for a chart `width` pixels wide.
pub fn label_width(width: f64) -> f64 {
    (width * 0.3).clamp(110.0, 240.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::worker::import;

    const RELEASE: &str = include_str!("../../examples/release.yaml");

    fn state(text: &str) -> AppState {
        AppState::new(Saved { text: text.into(), ..Saved::default() })
    }

    fn apply(s: AppState, actions: impl IntoIterator<Item = Action>) -> AppState {
        actions.into_iter().fold(s, AppState::apply)
    }

    #[test]
    fn edits_reanalyse_and_a_broken_text_keeps_the_last_good_timeline() {
        let s = state(RELEASE);
        assert_eq!(s.shown.schedule.makespan, Millis(540_000));
        assert!(!s.is_stale());
        // Make build take 5 minutes.
        let s = s.apply(Action::Edit(RELEASE.replace("duration: 4m", "duration: 5m")));
        assert_eq!(s.shown.schedule.makespan, Millis(600_000));
        let rev = s.saved_rev;
        // Break the YAML: the problems are the new text's, the timeline the last good one.
        let broken = format!("{RELEASE}    - stage: {{id: x\n");
        let s = s.apply(Action::Edit(broken));
        assert!(is_broken(&s.current));
        assert!(s.is_stale());
        assert_eq!(s.shown.schedule.makespan, Millis(600_000));
        assert!(s.saved_rev > rev, "a broken text is still saved");
        // Fix it again.
        let s = s.apply(Action::Edit(RELEASE.into()));
        assert!(!s.is_stale());
        assert_eq!(s.shown.schedule.makespan, Millis(540_000));
    }

    #[test]
    fn a_broken_first_text_shows_what_could_be_read() {
        let s = state("pipeline:\n  stages:\n    - stage: {id: a, duration: 1m}\n    - stage: [\n");
        assert!(s.is_stale());
        assert!(Rc::ptr_eq(&s.shown, &s.current));
        assert_eq!(s.shown.pipeline.tasks[0].id, "a");
    }

    #[test]
    fn loading_replaces_the_text_and_can_be_undone() {
        let s = state(RELEASE);
        let s = s.apply(Action::Focus(Some("build".into())));
        let s = s.apply(Action::Load {
            text: "pipeline:\n  stages:\n    - stage: {id: only}\n".into(),
            file_name: Some("x.yaml".into()),
            notice: "Opened x.yaml".into(),
        });
        assert_eq!(s.text_rev, 2);
        assert_eq!(s.focused, None);
        assert_eq!(s.shown.pipeline.tasks.len(), 1);
        assert_eq!(s.notice.as_deref(), Some("Opened x.yaml"));
        let s = s.apply(Action::UndoLoad);
        assert_eq!(*s.text, RELEASE);
        assert_eq!(s.file_name, None);
        assert_eq!(s.text_rev, 3);
        assert!(s.undo.is_none());
    }

    #[test]
    fn opening_past_runs_imports_them_without_touching_the_text() {
        let gitlab = include_str!("../../tests/data/history/gitlab-ci.yml");
        let s = state(gitlab);
        let rev = (s.text_rev, s.saved_rev);
        let page = include_str!("../../tests/data/history/gitlab-page1.json");
        let s = s.apply(Action::Worker(Message { id: 0, reply: import(page, "jobs.json") }));
        assert_eq!(*s.text, gitlab, "an import never touches the text");
        assert_eq!(s.text_rev, rev.0);
        assert!(s.saved_rev > rev.1, "the runs are saved with the text");
        assert_eq!(s.history.job_count(), 3);
        assert_eq!(s.current.history_jobs, (3, 3));
        assert_eq!(
            s.notice.as_deref(),
            Some(
                "Imported jobs.json: 1 run, 3 jobs. 3 of the 3 jobs of the past runs match jobs of this pipeline."
            )
        );
        let gcp = s.shown.pipeline.find_task("build: [gcp, data]").expect("task");
        // 3 s for a runner to pick it up, then 3 minutes.
        assert_eq!(s.shown.schedule.timing(gcp).end, Some(Millis(183_000)));
        assert_eq!(s.saved().history, s.history);
        // The second page of the same pipeline joins its run.
        let page2 = include_str!("../../tests/data/history/gitlab-page2.json");
        let s = s.apply(Action::Worker(Message { id: 0, reply: import(page2, "jobs-2.json") }));
        assert_eq!((s.history.runs.len(), s.history.job_count()), (1, 7));
        assert_eq!(s.shown.schedule.makespan, Millis(424_000), "what the run took");
        // Forgetting them gives the file's estimates back.
        let s = s.apply(Action::ClearHistory);
        assert!(s.history.is_empty());
        assert_eq!(s.current.history_jobs, (0, 0));
        assert!(s.shown.schedule.makespan < Millis(424_000));
    }

    #[test]
    fn comparing_with_a_run_shows_its_prediction_beside_it_and_ends() {
        let gitlab = include_str!("../../tests/data/history/gitlab-ci.yml");
        let s = state(gitlab);
        let pages = ["gitlab-page1.json", "gitlab-page2.json"]
            .map(|f| std::fs::read_to_string(format!("tests/data/history/{f}")).expect("fixture"));
        let s = pages.iter().fold(s, |s, page| {
            s.apply(Action::Worker(Message { id: 0, reply: import(page, "jobs.json") }))
        });
        // A second run, shorter, makes the usual timeline the median of the two.
        let other =
            r#"[{"name": "lint", "status": "success", "duration": 10, "pipeline": {"id": 7}}]"#;
        let s = s.apply(Action::Worker(Message { id: 0, reply: import(other, "other.json") }));
        let s = s.apply(Action::FailTask(Some("lint".into())));
        let s = s.apply(Action::Compare(Some(0)));
        assert_eq!(s.failing, None, "a comparison ends a what-if failure");
        let c = s.comparison.clone().expect("a comparison");
        assert_eq!((c.makespan.predicted, c.makespan.actual), (Millis(424_000), Millis(424_000)));
        let lint = s.shown.pipeline.find_task("lint").expect("lint");
        assert_eq!(
            s.shown.schedule.timing(lint).end,
            Some(Millis(215_750)),
            "run 42's own 30.75 s"
        );
        assert!(s.timeline_forecast().is_none());
        assert_eq!(*s.text, gitlab);
        let s = s.apply(Action::Compare(None));
        assert!(s.comparison.is_none());
        assert!(Rc::ptr_eq(&s.shown, &s.usual));
        // A run without times of day cannot be compared: said, and nothing changes.
        let csv = "job,duration\nlint,45\n";
        let s = s.apply(Action::Worker(Message { id: 0, reply: import(csv, "t.csv") }));
        let s = s.apply(Action::Compare(Some(2)));
        assert_eq!(s.compared, None);
        assert!(
            s.notice.clone().unwrap_or_default().contains("cannot be compared"),
            "{:?}",
            s.notice
        );
    }

    #[test]
    fn a_file_that_is_no_run_says_why_and_changes_nothing() {
        let s = state(RELEASE);
        let s =
            s.apply(Action::Worker(Message { id: 0, reply: import("{\"jobs\": [", "run.json") }));
        assert_eq!(*s.text, RELEASE);
        assert!(s.history.is_empty());
        let notice = s.notice.clone().unwrap_or_default();
        assert!(notice.starts_with("run.json is not a file of past runs: "), "{notice}");
        assert!(notice.contains("truncated"), "{notice}");
    }

    #[test]
    fn files_are_told_apart_by_name_then_by_text() {
        assert_eq!(is_run_file_name("jobs.JSON"), Some(true));
        assert_eq!(is_run_file_name("timings.csv"), Some(true));
        assert_eq!(is_run_file_name(".gitlab-ci.yml"), Some(false));
        assert_eq!(is_run_file_name("pipeline.txt"), None);
        assert!(is_run_text("\u{feff}  {\"jobs\": []}"));
        assert!(is_run_text("[]"));
        assert!(is_run_text("Job,Duration\nlint,4\n"));
        assert!(!is_run_text("pipeline:\n  stages: []\n"));
        assert!(!is_run_text("job: 1\n"));
    }

    #[test]
    fn what_if_durations_change_the_timeline_and_are_saved() {
        let s = state(RELEASE);
        let s = s.apply(Action::SetDuration { id: "build".into(), duration: Some(Millis(60_000)) });
        assert_eq!(s.shown.schedule.makespan, Millis(360_000));
        assert_eq!(s.saved().durations.get("build"), Some(&Millis(60_000)));
        let s = s.apply(Action::SetDuration { id: "build".into(), duration: None });
        assert_eq!(s.shown.schedule.makespan, Millis(540_000));
        let s = s.apply(Action::SetPolicy(Policy::DocumentOrder));
        assert_eq!(s.saved().policy, Policy::DocumentOrder);
    }

    #[test]
    fn runner_counts_change_the_timeline_and_are_saved() {
        let gitlab = include_str!("../../examples/gitlab-gitlab-shell.yml");
        let s = state(gitlab);
        let pool = |s: &AppState| {
            s.shown.pipeline.sizes.iter().find(|z| z.key == "gitlab-org").cloned().unwrap()
        };
        assert!(pool(&s).assumed);
        assert_eq!(pool(&s).count, 1);
        let before = s.shown.schedule.makespan;
        let rev = s.saved_rev;
        let set =
            |count| Action::SetSize { kind: SizeKind::Runners, key: "gitlab-org".into(), count };
        let s = s.apply(set(Some(5)));
        assert!(s.shown.schedule.makespan < before);
        assert_eq!((pool(&s).count, pool(&s).assumed), (5, false));
        assert_eq!(s.size(SizeKind::Runners, "gitlab-org"), Some(5));
        assert!(s.saved_rev > rev);
        // Saved, and restored on the next visit.
        let saved = s.saved();
        assert_eq!(saved.runners.get("gitlab-org"), Some(&5));
        let restored = AppState::new(
            super::super::persist::from_json(&super::super::persist::to_json(&saved)).unwrap(),
        );
        assert_eq!(restored.shown.schedule.makespan, s.shown.schedule.makespan);
        assert_eq!(restored.runners, s.runners);
        // Setting the same count again changes nothing; out of range is clamped.
        let rev = s.saved_rev;
        let s = s.apply(set(Some(5)));
        assert_eq!(s.saved_rev, rev);
        let s = s.apply(set(Some(0)));
        assert_eq!(pool(&s).count, 1);
        assert!(!pool(&s).assumed);
        let s = s.apply(set(Some(1000)));
        assert_eq!(pool(&s).count, *SIZE_RANGE.end());
        // Reset: assumed again, and the first timeline.
        let s = s.apply(set(None));
        assert!(pool(&s).assumed);
        assert_eq!(s.shown.schedule.makespan, before);
        assert!(s.saved().runners.is_empty());
    }

    #[test]
    fn target_counts_change_an_octopus_timeline() {
        let octopus = include_str!("../../examples/octopus-trident.ocl");
        let s = state(octopus);
        let role = s
            .shown
            .pipeline
            .sizes
            .iter()
            .find(|z| z.kind == SizeKind::Targets)
            .cloned()
            .expect("the example deploys to a role");
        assert!(role.assumed);
        let targets = |s: &AppState| {
            let prefix = format!("{}-", role.key);
            s.shown.pipeline.resources.iter().filter(|r| r.name.starts_with(&prefix)).count()
        };
        assert_eq!(targets(&s), role.count as usize);
        let s = s.apply(Action::SetSize {
            kind: SizeKind::Targets,
            key: role.key.clone(),
            count: Some(role.count + 8),
        });
        assert_eq!(s.saved().targets.get(&role.key), Some(&(role.count + 8)));
        let size = s.shown.pipeline.sizes.iter().find(|z| z.key == role.key).unwrap();
        assert_eq!((size.count, size.assumed), (role.count + 8, false));
        assert_eq!(targets(&s), role.count as usize + 8, "one resource per target");
        let s = s.apply(Action::SetSize {
            kind: SizeKind::Targets,
            key: role.key.clone(),
            count: None,
        });
        assert_eq!(targets(&s), role.count as usize);
    }

    #[test]
    fn the_github_plan_changes_a_timeline_of_hosted_jobs_and_is_saved() {
        // 30 jobs of one 1m step: 20 at a time on the Free plan, all at once on Team.
        let workflow = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      \
                        matrix: {n: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, \
                        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]}\n    steps: [{run: \
                        make}]\n";
        let s = state(workflow);
        let plan = |s: &AppState| s.shown.pipeline.hosted_plan.expect("hosted jobs");
        assert_eq!((plan(&s).plan, plan(&s).assumed), (GithubPlan::Free, true));
        assert_eq!(s.shown.schedule.makespan, Millis(120_000));
        let rev = s.saved_rev;
        let s = s.apply(Action::SetPlan(Some(GithubPlan::Team)));
        assert_eq!((plan(&s).plan, plan(&s).assumed), (GithubPlan::Team, false));
        assert_eq!(s.shown.schedule.makespan, Millis(60_000));
        assert!(s.saved_rev > rev);
        // The worker forecasts under the same plan.
        assert_eq!(s.forecast_request().options().inputs.plan, Some(GithubPlan::Team));
        // Saved, and restored on the next visit.
        let saved = s.saved();
        assert_eq!(saved.plan, Some(GithubPlan::Team));
        let restored = AppState::new(
            super::super::persist::from_json(&super::super::persist::to_json(&saved)).unwrap(),
        );
        assert_eq!(restored.plan, Some(GithubPlan::Team));
        assert_eq!(restored.shown.schedule.makespan, Millis(60_000));
        // The same plan again changes nothing; `None` assumes the Free plan again.
        let rev = s.saved_rev;
        let s = s.apply(Action::SetPlan(Some(GithubPlan::Team)));
        assert_eq!(s.saved_rev, rev);
        let s = s.apply(Action::SetPlan(None));
        assert_eq!((plan(&s).plan, plan(&s).assumed), (GithubPlan::Free, true));
        assert_eq!(s.shown.schedule.makespan, Millis(120_000));
        assert_eq!(s.saved().plan, None);
        // A pipeline without GitHub-hosted jobs has no plan to show.
        assert_eq!(state(RELEASE).shown.pipeline.hosted_plan, None);
    }

    #[test]
    fn arrow_keys_walk_the_rows_and_left_right_fold_stages() {
        let s = state(RELEASE);
        let s = s.apply(Action::Move(Move::Down));
        assert_eq!(s.focused.as_deref(), Some("build"), "the first move focuses the first row");
        let s = apply(s, [Action::Move(Move::Last)]);
        assert_eq!(s.focused.as_deref(), Some("verify/report"));
        let s = apply(s, [Action::Move(Move::Left)]);
        assert_eq!(s.focused.as_deref(), Some("verify"));
        let s = apply(s, [Action::Move(Move::Left)]);
        assert!(s.collapsed.contains("verify"));
        assert_eq!(s.rows().len(), 4);
        let s = apply(s, [Action::Move(Move::Down)]);
        assert_eq!(s.focused.as_deref(), Some("verify"), "the last row stays");
        let s = apply(s, [Action::Move(Move::Right), Action::Move(Move::Right)]);
        assert_eq!(s.focused.as_deref(), Some("verify/smoke"));
        let s = apply(s, [Action::Move(Move::Up), Action::Move(Move::First)]);
        assert_eq!(s.focused.as_deref(), Some("build"));
        let s = apply(s, [Action::OpenDetails(None)]);
        assert!(s.details);
        let s = apply(s, [Action::CloseDetails]);
        assert!(!s.details);
    }

    #[test]
    fn collapsing_a_stage_moves_focus_from_its_steps_to_it() {
        let s = apply(
            state(RELEASE),
            [Action::Focus(Some("verify/perf".into())), Action::ToggleCollapse("verify".into())],
        );
        assert_eq!(s.focused.as_deref(), Some("verify"));
        let s = apply(s, [Action::ToggleCollapse("verify".into())]);
        assert!(s.collapsed.is_empty());
        let s = apply(s, [Action::Focus(Some("verify/perf".into())), Action::CollapseAll(true)]);
        assert_eq!(s.focused.as_deref(), Some("verify"));
        assert_eq!(s.rows().len(), 4);
    }

    #[test]
    fn focus_scrolls_its_row_into_view() {
        let text = crate::synthetic::pipeline(300, 1);
        let s = apply(state(&text), [Action::Resize { width: 1000.0, height: 340.0 }]);
        let s = apply(s, [Action::Move(Move::Down), Action::Move(Move::PageDown)]);
        // Ten rows fit; a page down from row 0 lands on row 10, the 11th, just below the fold.
        assert_eq!(s.viewport.scroll_top, ROW_HEIGHT);
        let s = apply(s, [Action::Move(Move::Last)]);
        assert_eq!(s.viewport.scroll_top, 300.0 * ROW_HEIGHT - 340.0);
        let s = apply(s, [Action::Move(Move::First)]);
        assert_eq!(s.viewport.scroll_top, 0.0);
    }

    #[test]
    fn a_shorter_timeline_is_not_left_scrolled_past_its_end() {
        let text = crate::synthetic::pipeline(300, 1);
        let s = apply(
            state(&text),
            [
                Action::Resize { width: 1000.0, height: 340.0 },
                Action::Focus(Some("s1".into())),
                Action::Move(Move::Last),
            ],
        );
        assert!(s.viewport.scroll_top > 0.0);
        let s = s.apply(Action::Edit(RELEASE.into()));
        assert_eq!(s.viewport.scroll_top, 0.0);
    }

    #[test]
    fn zoom_keeps_the_anchor_and_clamps_to_the_run() {
        let s = apply(state(RELEASE), [Action::Resize { width: 1000.0, height: 400.0 }]);
        assert_eq!(s.window(), Window { start: 0.0, end: 540_000.0 });
        // Zoom in ×2 around 4:00: 4:00 stays at the same fraction (4/9) of the width.
        let s = s.apply(Action::Zoom { factor: 2.0, anchor: Some(240_000.0) });
        let w = s.window();
        assert_eq!(w.span(), 270_000.0);
        assert!(((240_000.0 - w.start) / w.span() - 240.0 / 540.0).abs() < 1e-9);
        // Pan far right: clamped to the end of the run.
        let s = s.apply(Action::Pan(10_000_000.0));
        assert_eq!(s.window(), Window { start: 270_000.0, end: 540_000.0 });
        // Zooming out past the run fits it again.
        let s = s.apply(Action::Zoom { factor: 0.1, anchor: None });
        assert_eq!(s.window, None);
        // Zooming in a lot stops at a minimum span.
        let s = (0..40).fold(s, |s, _| s.apply(Action::Zoom { factor: 2.0, anchor: None }));
        assert!(s.window().span() >= 270.0 - 1e-9);
        let s = s.apply(Action::Fit);
        assert_eq!(s.window, None);
        let scale = s.scale();
        assert_eq!((scale.x0, scale.x1), (240.0, 976.0));
    }

    #[test]
    fn a_shorter_run_pulls_the_zoom_window_back_inside() {
        let s = apply(state(RELEASE), [Action::Zoom { factor: 4.0, anchor: Some(500_000.0) }]);
        assert!(s.window().end > 400_000.0);
        let s = s.apply(Action::Edit(RELEASE.replace("duration: 4m", "duration: 10s")));
        let w = s.window();
        assert!(w.end <= fit(&s.shown).end + 1e-9);
    }

    #[test]
    fn tasks_that_never_start_get_room_after_the_end() {
        let s = state(include_str!("../../examples/mistakes.yaml"));
        // mistakes.yaml runs for 8m; three of its stages never start.
        assert_eq!(s.window(), Window { start: 0.0, end: 8.0 * 60_000.0 * 1.15 });
    }

    const FLAKY: &str = include_str!("../../examples/flaky-tests.yaml");

    fn outcome(s: &AppState, id: &str) -> crate::sim::Outcome {
        s.shown.schedule.timing(s.shown.pipeline.find_task(id).unwrap()).outcome
    }

    #[test]
    fn what_if_a_task_fails_shows_that_run_until_back_to_the_usual_one() {
        use crate::sim::Outcome;
        let s = state(FLAKY);
        assert_eq!(outcome(&s, "page-oncall"), Outcome::Skipped, "nothing fails in the usual run");
        let s = s.apply(Action::FailTask(Some("build".into())));
        assert_eq!(s.failing.as_deref(), Some("build"));
        assert_eq!(outcome(&s, "build"), Outcome::Failed);
        assert_eq!(outcome(&s, "deploy/staging"), Outcome::Skipped);
        assert_eq!(outcome(&s, "notify"), Outcome::Succeeded);
        assert_eq!(outcome(&s, "page-oncall"), Outcome::Succeeded);
        assert!(Rc::ptr_eq(&s.current, &s.usual), "the usual run is still the text's");
        assert!(!s.is_stale());
        // Edits keep the what-if, on the new text.
        let s = s.apply(Action::Edit(
            FLAKY.replace("id: notify, duration: 10s", "id: notify, duration: 20s"),
        ));
        assert_eq!(outcome(&s, "build"), Outcome::Failed);
        assert_eq!(s.shown.schedule.makespan, Millis(240_000 + 20_000 + 10_000));
        let s = s.apply(Action::FailTask(None));
        assert!(Rc::ptr_eq(&s.shown, &s.usual));
        assert_eq!(outcome(&s, "build"), Outcome::Succeeded);
        // A failing task that disappears from the text ends the what-if, and says so.
        let s = s.apply(Action::FailTask(Some("lint".into())));
        assert_eq!(outcome(&s, "lint"), Outcome::Failed);
        let s = s.apply(Action::Edit(FLAKY.replace("id: lint", "id: style")));
        assert_eq!(s.failing, None);
        assert!(s.notice.as_deref().is_some_and(|n| n.starts_with("lint is no longer")));
        // Loading another text ends it too.
        let s = s.apply(Action::FailTask(Some("build".into())));
        let s = s.apply(Action::Load { text: RELEASE.into(), file_name: None, notice: "x".into() });
        assert_eq!(s.failing, None);
        assert!(Rc::ptr_eq(&s.shown, &s.usual));
    }

    #[test]
    fn forecasts_are_of_the_usual_run_and_the_latest_inputs() {
        use crate::forecast::{DEFAULT_RUNS, DEFAULT_SEED, forecast};
        let s = state(FLAKY);
        assert!(s.forecast_due());
        let req = s.forecast_request();
        assert_eq!((req.runs, req.seed, req.text.as_str()), (DEFAULT_RUNS, DEFAULT_SEED, FLAKY));
        let key = s.forecast_key();
        let s = s.apply(Action::ForecastSent { id: 1, key });
        assert!(!s.forecast_due());
        assert!(s.timeline_forecast().is_none(), "nothing to draw yet");
        let summary =
            ForecastSummary::from(&forecast(&s.usual.pipeline, Policy::Fifo, 500, 1).unwrap());
        let done = |id, summary: &ForecastSummary| {
            Action::Worker(Message {
                id,
                reply: Reply::Forecast { forecast: summary.clone(), elapsed_ms: 5.0 },
            })
        };
        let s = s.apply(done(1, &summary));
        assert_eq!(s.timeline_forecast(), Some(&summary));
        // The whole window now reaches the P90 of the makespan, past the usual end.
        assert!(summary.p90_ms > s.shown.schedule.makespan.0);
        assert_eq!(s.window().end, summary.p90_ms as f64);
        // A broken edit keeps the forecast of the last good text and asks for nothing new.
        let s = s.apply(Action::Edit(format!("{FLAKY}    - stage: {{id: x\n")));
        assert!(s.is_stale());
        assert!(!s.forecast_due());
        assert!(s.timeline_forecast().is_some());
        // While a task is made to fail, the timeline draws no forecast (it is of the usual run).
        let s = s.apply(Action::FailTask(Some("build".into())));
        assert!(s.timeline_forecast().is_none());
        let s = s.apply(Action::FailTask(None));
        // A real edit asks again, and the old result is not drawn on the new timeline.
        let edited = FLAKY.replace("3m..5m", "3m..6m");
        let s = s.apply(Action::Edit(edited.clone()));
        assert!(s.forecast_due());
        assert_eq!(s.forecast_request().text, edited);
        assert!(s.timeline_forecast().is_none());
        assert!(s.forecast.result.is_some(), "the panel may still show it, as outdated");
        // Runs and seed: clamped, saved, and another forecast.
        let rev = s.saved_rev;
        let s = s.apply(Action::SetRuns(50));
        assert_eq!((s.runs, s.saved().runs), (100, 100));
        let s = s.apply(Action::SetSeed(7));
        assert_eq!(s.saved().seed, 7);
        assert_eq!(s.saved_rev, rev + 2);
        assert_eq!(AppState::new(s.saved()).forecast_key().seed, 7);
        // Cancel holds until a retry; a crash says so.
        let key = s.forecast_key();
        let s = s.apply(Action::ForecastSent { id: 2, key });
        let s = s.apply(Action::CancelForecast);
        assert!(!s.forecast_due());
        let s = s.apply(Action::RetryForecast);
        assert!(s.forecast_due());
        let key = s.forecast_key();
        let s = s.apply(Action::ForecastSent { id: 3, key });
        let s = s.apply(Action::WorkerCrashed);
        assert!(s.notice.as_deref().is_some_and(|n| n.contains("restarted")));
        assert!(matches!(s.forecast.halted, Some(super::super::forecast::Halt::Failed(_))));
        assert!(!s.forecast_due(), "no automatic retry: the same input might crash it again");
        // Loading another text forgets the forecast of this one, even one still running.
        let key = s.forecast_key();
        let s = s.apply(Action::ForecastSent { id: 4, key });
        let s = s.apply(Action::Load { text: RELEASE.into(), file_name: None, notice: "x".into() });
        let s = s.apply(done(4, &summary));
        assert!(s.forecast.result.is_none() && s.forecast.running.is_none());
        assert!(s.forecast_due());
    }

    #[test]
    fn reveal_clamps_to_the_text_and_counts_requests() {
        let s = state("abc");
        let s = s.apply(Action::Reveal { start: 1, end: 99 });
        assert_eq!(s.selection, Some(Selection { start: 1, end: 3, seq: 1 }));
        let s = s.apply(Action::Reveal { start: 1, end: 2 });
        assert_eq!(s.selection.unwrap().seq, 2);
    }
}
