//! `pipescope compare FILE --run RUN.json`: the pipeline simulated with the durations of one
//! past run, beside what that run did, job by job.

use std::fmt::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use pipescope::analyze;
use pipescope::duration::Millis;
use pipescope::history::{self, Comparison, History};

use super::style::{Style, fit, sanitize};
use super::{Format, Outcome, PipelineArgs, to_json, warn_unmatched};

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pipeline: PipelineArgs,
    /// The run to compare with: one run's job timings (GitHub REST, `gh run view --json jobs`
    /// or GitLab REST JSON); its durations drive the prediction. Repeat it for the pages of a
    /// run of more than 100 jobs.
    #[arg(long, value_name = "RUN.json", required = true)]
    run: Vec<PathBuf>,
}

pub fn compare(args: &CompareArgs) -> (String, Outcome) {
    let (input, mut options) = match args.pipeline.load() {
        Ok(loaded) => loaded,
        Err(outcome) => return (String::new(), outcome),
    };
    if !options.history.is_empty() {
        eprintln!("pipescope: compare takes its durations from --run only; leave out --history");
        return (String::new(), Outcome::Unreadable);
    }
    let run = match read_one_run(&args.run) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("pipescope: {e}");
            return (String::new(), Outcome::Unreadable);
        }
    };
    options.history = Arc::new(History { runs: vec![run.clone()] });
    let analysis = analyze(&input.text, &options);
    warn_unmatched(&analysis);
    let comparison = match history::compare(&analysis.pipeline, &analysis.schedule, &run) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pipescope: {}: {e}", shown_paths(&args.run));
            return (String::new(), Outcome::Unreadable);
        }
    };
    let outcome = if analysis.has_errors() { Outcome::Errors } else { Outcome::Clean };
    let output = match args.pipeline.format {
        Format::Json => to_json(&comparison),
        Format::Text => {
            render(&comparison, &input.name, &shown_paths(&args.run), Style::for_stdout())
        }
    };
    (output, outcome)
}

fn shown_paths(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// The one run in the files (the pages of one run, merged), or why not.
fn read_one_run(paths: &[PathBuf]) -> Result<history::Run, String> {
    let mut merged = History::default();
    for path in paths {
        let input = super::input::read_at_most(path, super::input::MAX_HISTORY_BYTES)
            .map_err(|e| e.to_string())?;
        let runs = history::read(&input.text).map_err(|e| format!("{}: {e}", path.display()))?;
        merged.add(runs);
    }
    let shown = shown_paths(paths);
    match merged.runs.len() {
        1 => Ok(merged.runs.remove(0)),
        0 => Err(format!("{shown}: no job in it")),
        n => Err(format!(
            "{shown}: {n} runs ({}); compare takes one (the pages of one run)",
            merged.runs.iter().enumerate().map(|(k, r)| r.label(k)).collect::<Vec<_>>().join(", ")
        )),
    }
}

fn seconds(t: Option<Millis>) -> String {
    t.map_or("–".to_string(), pipescope::duration::clock)
}

fn render(c: &Comparison, file: &str, run: &str, style: Style) -> String {
    let mut out = String::new();
    let m = &c.makespan;
    let _ = writeln!(
        out,
        "{}: predicted with the durations of {}",
        style.bold(&sanitize(file)),
        sanitize(run)
    );
    let _ = writeln!(
        out,
        "makespan  predicted {} · actual {} · error {}",
        style.bold(&pipescope::duration::clock(m.predicted)),
        style.bold(&pipescope::duration::clock(m.actual)),
        style.bold(&format!("{:+.1}%", m.error_pct)),
    );
    if c.unfinished > 0 {
        let _ = writeln!(
            out,
            "the run was saved while {} ran: the makespans are of the jobs that had ended",
            pipescope::text::count_of(c.unfinished, "job")
        );
    }
    out.push('\n');
    let width = c.jobs.iter().map(|j| j.id.chars().count()).max().unwrap_or(3).clamp(3, 40);
    let _ = writeln!(
        out,
        "  {:<width$}  {:>9} {:>9}  {:>9} {:>9}  {:>8}",
        "job", "predicted", "", "actual", "", "end error"
    );
    let _ =
        writeln!(out, "  {:<width$}  {:>9} {:>9}  {:>9} {:>9}", "", "start", "end", "start", "end");
    for j in &c.jobs {
        let error = j.end_error.map_or("–".to_string(), |e| format!("{e:+.0}s"));
        let _ = writeln!(
            out,
            "  {:<width$}  {:>9} {:>9}  {:>9} {:>9}  {:>8}",
            fit(&sanitize(&j.id), width),
            seconds(j.predicted_start),
            seconds(j.predicted_end),
            seconds(j.actual_start),
            seconds(j.actual_end),
            error
        );
    }
    for (what, names) in [
        ("in the run but not in the file", &c.unmatched.run),
        ("in the file but not in the run", &c.unmatched.file),
    ] {
        if !names.is_empty() {
            let shown: Vec<String> = names.iter().map(|n| format!("`{}`", sanitize(n))).collect();
            let _ = writeln!(out, "\n{} {what}: {}", names.len(), shown.join(", "));
        }
    }
    out
}
