//! `--durations FILE`, `--runners label=N`, `--targets role=N`, `--plan PLAN`: what the user
//! knows that the pipeline file does not say, turned into the core's [`Inputs`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};

use pipescope::dialect::fields;
use pipescope::duration::DurationSpec;
use pipescope::history::History;
use pipescope::model::{GithubPlan, Inputs};
use pipescope::span::{LineIndex, Span};
use pipescope::yaml;

use crate::cli::input;

#[derive(Debug, Args)]
pub struct InputArgs {
    /// A YAML file of task durations, `full-task-id: 4m` (or `3m..5m`, `{p50: 4m, p90: 9m}`,
    /// `{samples: [6m, 7m]}`), replacing what the pipeline says or guesses (real CI files carry
    /// none).
    #[arg(long, value_name = "FILE")]
    durations: Option<PathBuf>,
    /// The job timings of past runs (repeatable): the JSON of GitHub's "list jobs for a
    /// workflow run" or of `gh run view RUN --json jobs`, GitLab's "list pipeline jobs", or a
    /// CSV `job,duration[,queued]`. Pages of one run are merged; several runs give each job
    /// the spread of its times.
    #[arg(long = "history", value_name = "FILE")]
    history: Vec<PathBuf>,
    /// How many self-hosted runners carry a label or tag: `--runners gpu=2,linux=8`.
    #[arg(long, value_name = "LABEL=N", value_delimiter = ',', value_parser = count)]
    runners: Vec<(String, u32)>,
    /// How many deployment targets have a role: `--targets web=4,db=1`.
    #[arg(long, value_name = "ROLE=N", value_delimiter = ',', value_parser = count)]
    targets: Vec<(String, u32)>,
    /// The GitHub plan of the account, which caps the jobs running at once on GitHub-hosted
    /// runners: free 20 (5 on macOS), pro 40 (5), team 60 (5), enterprise 500 (50). Free,
    /// assumed, when not given.
    #[arg(long, value_name = "PLAN", value_parser = plan_parser())]
    plan: Option<GithubPlan>,
}

impl InputArgs {
    /// The inputs, or a message saying why the durations file cannot be used.
    pub fn load(&self) -> Result<Inputs, String> {
        let durations = match &self.durations {
            Some(path) => read_durations(path)?,
            None => BTreeMap::new(),
        };
        Ok(Inputs {
            durations,
            runners: self.runners.iter().cloned().collect(),
            targets: self.targets.iter().cloned().collect(),
            plan: self.plan,
        })
    }
}

impl InputArgs {
    /// The past runs of every `--history` file, or a message naming the file that cannot be
    /// read and why.
    pub fn load_history(&self) -> Result<Arc<History>, String> {
        let mut history = History::default();
        for path in &self.history {
            let input =
                input::read_at_most(path, input::MAX_HISTORY_BYTES).map_err(|e| e.to_string())?;
            let runs = pipescope::history::read(&input.text)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            history.add(runs);
        }
        Ok(Arc::new(history))
    }
}

/// `--plan`: the names the core parses and prints ([`GithubPlan::ALL`]).
fn plan_parser() -> impl TypedValueParser<Value = GithubPlan> {
    let names = GithubPlan::ALL.iter().map(|p| {
        let help = format!(
            "{} jobs at a time, {} on macOS",
            p.concurrent_jobs(),
            p.concurrent_macos_jobs()
        );
        clap::builder::PossibleValue::new(p.name()).help(help)
    });
    // The value has been checked against the names, so it parses.
    PossibleValuesParser::new(names)
        .map(|name| name.parse::<GithubPlan>().unwrap_or(GithubPlan::ASSUMED))
}

fn count(text: &str) -> Result<(String, u32), String> {
    let (name, n) = text.split_once('=').ok_or("expected NAME=N, e.g. gpu=2")?;
    let n: u32 = n.trim().parse().map_err(|_| format!("`{n}` is not a whole number"))?;
    if name.trim().is_empty() || n == 0 {
        return Err("expected a name and a count of at least 1, e.g. gpu=2".to_string());
    }
    Ok((name.trim().to_string(), n))
}

/// Reads `task-id: 4m` lines; a duration may be any form the own format accepts (`3m..5m`,
/// `{p50: 4m, p90: 9m}`, `{samples: [6m, 7m]}`). Anything wrong is an error naming its line.
fn read_durations(path: &std::path::Path) -> Result<BTreeMap<String, DurationSpec>, String> {
    let input = input::read(path).map_err(|e| e.to_string())?;
    let text = input.text.as_str();
    let index = LineIndex::new(text);
    let at = |span: Span| {
        let start = index.line_col(text, span.start);
        format!("{}:{}:{}", input.name, start.line, start.column)
    };
    let documents = yaml::parse(text);
    if let Some(d) = documents.diagnostics.first() {
        return Err(format!("{}: {}", at(d.span), d.message));
    }
    let mut out = BTreeMap::new();
    let Some(root) = documents.docs.first().filter(|d| !d.is_null()) else {
        return Ok(out);
    };
    let entries = root.as_map().ok_or_else(|| {
        format!("{}: expected a mapping of task id to duration, e.g. `build: 4m`", input.name)
    })?;
    for (key, value) in entries {
        let Some(id) = key.as_str().filter(|id| !id.is_empty()) else {
            return Err(format!("{}: expected a task id, e.g. `build: 4m`", at(key.span)));
        };
        let mut found = Vec::new();
        let spec = fields::duration_spec(value, &mut found);
        // The file is short and only says durations: a warning here (an unknown key in a
        // duration) is as wrong as an error.
        if let Some(d) = found.first() {
            let help = d.help.as_deref().map(|h| format!(" ({h})")).unwrap_or_default();
            return Err(format!("{}: the duration of `{id}`: {}{help}", at(d.span), d.message));
        }
        let spec = spec.ok_or_else(|| format!("{}: no duration for `{id}`", at(value.span)))?;
        out.insert(id.to_string(), spec);
    }
    Ok(out)
}
