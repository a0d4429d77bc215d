//! The `pipescope` command: arguments, files, output and exit codes around the core.
//!
//! Exit codes: 0 when no diagnostic is an error, 1 when some are, 2 when an input could not be
//! read at all (or the output could not be written). Usage errors are clap's (also 2).

mod compare;
mod diagnostics;
mod forecast;
mod input;
mod inputs;
mod style;
mod timeline;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use pipescope::dialect::Dialect;
use pipescope::lint;
use pipescope::report;
use pipescope::sim::{Policy, SimOptions};
use pipescope::span::LineIndex;
use pipescope::{AnalyzeOptions, analyze};

use diagnostics::Counts;
use style::{Style, fit};

#[derive(Debug, Parser)]
#[command(
    name = "pipescope",
    version,
    about = "See what a CI/CD pipeline will do before it runs: lint it and simulate its timeline."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a pipeline and show when each task runs, waits, and why.
    Simulate(SimulateArgs),
    /// Run the pipeline many times with durations and failures drawn at random: percentiles of
    /// the makespan, the chance of success, and how often each task is critical or fails.
    Forecast(ForecastArgs),
    /// Check pipeline files and report problems.
    Lint(LintArgs),
    /// Simulate a pipeline with the durations of one past run and put the prediction beside
    /// what that run did: per job the predicted and actual times, and the makespan's error.
    Compare(compare::CompareArgs),
    /// List the lint rules.
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
struct SimulateArgs {
    #[command(flatten)]
    pipeline: PipelineArgs,
    /// Show one sampled run: durations and failures drawn from this seed (the first run of
    /// `forecast --seed S`), instead of the median run in which nothing fails.
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Show the run in which every attempt of this task fails (repeatable); the dialect's own
    /// rules say what is skipped, cancelled or still runs.
    #[arg(long = "fail", value_name = "ID")]
    fail: Vec<String>,
}

/// What `simulate` and `forecast` both take: one pipeline and how to read and run it.
#[derive(Debug, Args)]
struct PipelineArgs {
    /// The pipeline file; `-` reads stdin.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Which ready task gets a resource first: the one ready longest (fifo), or the first in
    /// the file (order).
    #[arg(long, default_value = "fifo", value_parser = policy_parser())]
    policy: Policy,
    /// The file's format; `auto` guesses it from the text.
    #[arg(long, default_value = "auto", value_parser = dialect_parser())]
    dialect: DialectArg,
    #[command(flatten)]
    inputs: inputs::InputArgs,
}

impl PipelineArgs {
    /// The file's text and the options to analyse it with, or the exit for an input that
    /// cannot be read (said on stderr).
    fn load(&self) -> Result<(input::Input, AnalyzeOptions), Outcome> {
        let unreadable = |e: &dyn std::fmt::Display| {
            eprintln!("pipescope: {e}");
            Outcome::Unreadable
        };
        let input = input::read(&self.file).map_err(|e| unreadable(&e))?;
        let inputs = self.inputs.load().map_err(|e| unreadable(&e))?;
        let history = self.inputs.load_history().map_err(|e| unreadable(&e))?;
        let options = AnalyzeOptions {
            dialect: self.dialect.0,
            inputs,
            history,
            sim: SimOptions { policy: self.policy.clone() },
            ..Default::default()
        };
        Ok((input, options))
    }
}

#[derive(Debug, Args)]
struct ForecastArgs {
    #[command(flatten)]
    pipeline: PipelineArgs,
    /// How many runs to simulate.
    #[arg(long, default_value_t = pipescope::forecast::DEFAULT_RUNS,
          value_parser = clap::value_parser!(u32).range(1..=100_000_000))]
    runs: u32,
    /// The seed of the random draws: the same seed gives the same forecast.
    #[arg(long, default_value_t = pipescope::forecast::DEFAULT_SEED)]
    seed: u64,
}

#[derive(Debug, Args)]
struct LintArgs {
    /// The pipeline files; `-` reads stdin.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The files' format; `auto` guesses it from each text.
    #[arg(long, default_value = "auto", value_parser = dialect_parser())]
    dialect: DialectArg,
    #[command(flatten)]
    inputs: inputs::InputArgs,
}

#[derive(Debug, Args)]
struct RulesArgs {
    /// Print the rules' documentation as Markdown (the source of `docs/rules.md`).
    #[arg(long)]
    markdown: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// `--policy`: the names the core parses and prints ([`Policy::NAMED`]).
fn policy_parser() -> impl TypedValueParser<Value = Policy> {
    let names = Policy::NAMED
        .iter()
        .map(|p| clap::builder::PossibleValue::new(p.name()).help(p.description()));
    // The value has been checked against the names, so it parses.
    PossibleValuesParser::new(names).map(|name| name.parse::<Policy>().unwrap_or_default())
}

/// `--dialect`: `None` for `auto` (detect from the text). A newtype because clap reads a bare
/// `Option` field as "the flag may be absent".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DialectArg(Option<Dialect>);

/// `auto` or any dialect the core knows, listed from [`Dialect::ALL`] so that a new dialect
/// needs no change here.
fn dialect_parser() -> impl TypedValueParser<Value = DialectArg> {
    let names = std::iter::once("auto").chain(Dialect::ALL.iter().map(|d| d.name()));
    // The value has been checked against the names, so only `auto` fails to parse.
    PossibleValuesParser::new(names).map(|name| DialectArg(name.parse::<Dialect>().ok()))
}

/// How a run ended; the worst outcome of all inputs wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Clean = 0,
    Errors = 1,
    Unreadable = 2,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let (output, outcome) = match cli.command {
        Command::Simulate(args) => simulate(&args),
        Command::Forecast(args) => forecast(&args),
        Command::Lint(args) => lint_files(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Rules(args) => (rules(&args), Outcome::Clean),
    };
    // A closed pipe (`pipescope simulate x | head`) is the reader's choice, not a failure.
    match io::stdout().lock().write_all(output.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("pipescope: cannot write output: {e}");
            return ExitCode::from(Outcome::Unreadable as u8);
        }
        _ => {}
    }
    ExitCode::from(outcome as u8)
}

fn simulate(args: &SimulateArgs) -> (String, Outcome) {
    let (input, mut options) = match args.pipeline.load() {
        Ok(loaded) => loaded,
        Err(outcome) => return (String::new(), outcome),
    };
    options.failing = args.fail.clone();
    options.seed = args.seed;
    let policy = &options.sim.policy;
    let analysis = analyze(&input.text, &options);
    warn_unmatched(&analysis);
    if let Some(id) = analysis.unmatched_failing.first() {
        eprintln!("pipescope: --fail {}", unknown_task(&analysis.pipeline, id));
        return (String::new(), Outcome::Unreadable);
    }
    let outcome = if analysis.has_errors() { Outcome::Errors } else { Outcome::Clean };
    let output = match args.pipeline.format {
        Format::Json => {
            let report = report::analysis_report(&analysis, &input.text, &input.name, policy);
            to_json(&report)
        }
        Format::Text => {
            timeline::render(&analysis, &options, &input.text, &input.name, Style::for_stdout())
        }
    };
    (output, outcome)
}

/// `forecast`: the analysis as `simulate` makes it (its diagnostics decide the exit code),
/// then the runs.
fn forecast(args: &ForecastArgs) -> (String, Outcome) {
    let (input, options) = match args.pipeline.load() {
        Ok(loaded) => loaded,
        Err(outcome) => return (String::new(), outcome),
    };
    let policy = options.sim.policy.clone();
    let analysis = analyze(&input.text, &options);
    warn_unmatched(&analysis);
    let outcome = if analysis.has_errors() { Outcome::Errors } else { Outcome::Clean };
    // A priority list of the wrong length was reported by the analysis, which fell back to
    // first-ready order; so does the forecast.
    let result =
        pipescope::forecast::forecast(&analysis.pipeline, policy.clone(), args.runs, args.seed)
            .or_else(|_| {
                pipescope::forecast::forecast(
                    &analysis.pipeline,
                    Policy::Fifo,
                    args.runs,
                    args.seed,
                )
            });
    let forecast = match result {
        Ok(f) => f,
        Err(e) => {
            eprintln!("pipescope: {e}");
            return (String::new(), Outcome::Unreadable);
        }
    };
    let output = match args.pipeline.format {
        Format::Json => to_json(&forecast),
        Format::Text => {
            forecast::render(&analysis, &forecast, &input.text, &input.name, Style::for_stdout())
        }
    };
    (output, outcome)
}

/// "names no task of this pipeline; did you mean `build`?"
fn unknown_task(pipeline: &pipescope::model::Pipeline, id: &str) -> String {
    let ids: Vec<&str> = pipeline.tasks.iter().map(|t| t.id.as_str()).collect();
    if let Some(near) = pipescope::text::did_you_mean(id, &ids) {
        return format!("`{id}` names no task of this pipeline; did you mean `{near}`?");
    }
    let closest = ids.iter().max_by(|a, b| {
        strsim::jaro_winkler(id, a).total_cmp(&strsim::jaro_winkler(id, b)).then(b.cmp(a))
    });
    match closest {
        Some(near) => format!("`{id}` names no task of this pipeline; the closest is `{near}`"),
        None => format!("`{id}` names no task: this pipeline has none"),
    }
}

/// A duration given for a task that does not exist is most likely a typo: say so.
fn warn_unmatched(analysis: &pipescope::Analysis) {
    for id in &analysis.unmatched_durations {
        eprintln!(
            "pipescope: warning: --durations names `{id}`, which is not a task of this pipeline"
        );
    }
}

fn lint_files(args: &LintArgs) -> (String, Outcome) {
    let (inputs, history) =
        match args.inputs.load().and_then(|i| Ok((i, args.inputs.load_history()?))) {
            Ok(loaded) => loaded,
            Err(e) => {
                eprintln!("pipescope: {e}");
                return (String::new(), Outcome::Unreadable);
            }
        };
    let options = AnalyzeOptions { dialect: args.dialect.0, inputs, history, ..Default::default() };
    let mut outcome = Outcome::Clean;
    // Kept whole until the end so that the JSON reports can borrow from them.
    let mut linted = Vec::new();
    for path in &args.files {
        match input::read(path) {
            Ok(input) => {
                let analysis = analyze(&input.text, &options);
                warn_unmatched(&analysis);
                if analysis.has_errors() {
                    outcome = outcome.max(Outcome::Errors);
                }
                let index = LineIndex::new(&input.text);
                linted.push((input, analysis, index));
            }
            Err(e) => {
                eprintln!("pipescope: {e}");
                outcome = outcome.max(Outcome::Unreadable);
            }
        }
    }
    let output = match args.format {
        Format::Json => {
            let reports: Vec<report::DiagnosticReport> = linted
                .iter()
                .flat_map(|(input, analysis, index)| {
                    analysis
                        .diagnostics
                        .iter()
                        .map(|d| report::diagnostic_report(d, &input.text, index, &input.name))
                })
                .collect();
            to_json(&reports)
        }
        Format::Text => {
            let style = Style::for_stdout();
            let mut out = String::new();
            let mut counts = Counts::default();
            for (input, analysis, index) in &linted {
                counts.add(&analysis.diagnostics);
                for d in &analysis.diagnostics {
                    diagnostics::render(&mut out, d, &input.text, index, &input.name, style);
                }
            }
            let summary =
                format!("{} in {}", counts.describe(), diagnostics::plural(linted.len(), "file"));
            out.push_str(&style.bold(&summary));
            out.push('\n');
            out
        }
    };
    (output, outcome)
}

fn rules(args: &RulesArgs) -> String {
    if args.markdown {
        return lint::rules_markdown();
    }
    let rules = lint::registry::RULES;
    let name_width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in rules {
        out.push_str(&format!(
            "{}  {}  {}  {}\n",
            rule.code,
            fit(rule.name, name_width),
            fit(rule.severity.as_str(), "warning".len()),
            rule.summary()
        ));
    }
    out
}

/// Pretty JSON with a final newline. The report types always serialise; should that ever
/// change, the message says so instead of printing half a document.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut json) => {
            json.push('\n');
            json
        }
        Err(e) => format!("{{\"error\": \"cannot serialise the report: {e}\"}}\n"),
    }
}
