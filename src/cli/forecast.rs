//! The terminal view of `pipescope forecast`: the makespan's percentiles and histogram, the
//! chance of success, and the tasks that matter most (critical often, or failing).

use std::fmt::Write;

use pipescope::Analysis;
use pipescope::duration::Millis;
use pipescope::forecast::{Forecast, TaskForecast};
use pipescope::model::DurationSource;
use pipescope::span::LineIndex;
use pipescope::text::{count, percent};

use super::diagnostics::{self, Counts, plural};
use super::style::{Style, fit, sanitize};

/// Tasks listed in the text view; JSON lists every one.
const MAX_TASKS: usize = 30;
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

pub fn render(
    analysis: &Analysis,
    forecast: &Forecast,
    text: &str,
    file: &str,
    style: Style,
) -> String {
    let pipeline = &analysis.pipeline;
    let m = &forecast.makespan;
    let mut out = String::new();
    let title = pipeline.name.as_deref().unwrap_or(file);
    let _ = writeln!(
        out,
        "{}: forecast of {} {}",
        style.bold(&sanitize(title)),
        if forecast.runs == 1 {
            "1 run".to_string()
        } else {
            format!("{} runs", count(forecast.runs as usize))
        },
        style.dim(&format!("(seed {}, {} dialect)", forecast.seed, analysis.dialect)),
    );
    out.push('\n');
    let _ = writeln!(
        out,
        "makespan  P50 {} · P90 {} · P99 {} · mean {} · min {} · max {}",
        style.bold(&shown(m.p50)),
        style.bold(&shown(m.p90)),
        shown(m.p99),
        shown(m.mean),
        shown(m.min),
        shown(m.max)
    );
    let success = forecast.success_probability;
    let _ = writeln!(
        out,
        "success   {} of runs{}",
        style.bold(&percent(success)),
        if success < 1.0 {
            format!(" ({} end in a failure that counts)", percent(1.0 - success))
        } else {
            String::new()
        }
    );
    if m.histogram.len() > 1 {
        let top = m.histogram.iter().map(|b| b.count).max().unwrap_or(1).max(1);
        let bars: String = m
            .histogram
            .iter()
            .map(|b| {
                if b.count == 0 {
                    ' '
                } else {
                    LEVELS[((b.count * 7).div_ceil(top) as usize).min(7)]
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "          {}  {}",
            style.cyan(&bars),
            style.dim(&format!("{} … {}", shown(m.min), shown(m.max)))
        );
    }

    let varying = pipeline.tasks.iter().filter(|t| !t.is_group() && t.duration.varies()).count();
    let flaky = pipeline.tasks.iter().filter(|t| !t.is_group() && t.failure_rate > 0.0).count();
    let estimated = pipeline
        .tasks
        .iter()
        .filter(|t| !t.is_group() && t.duration_source == DurationSource::Estimated)
        .count();
    if varying == 0 && flaky == 0 {
        let _ = writeln!(
            out,
            "{}",
            style.dim(
                "nothing varies: every duration is fixed and no task can fail, so every run is the \
                 simulated one (give durations as ranges, `3m..5m`, and a `failure_rate`)"
            )
        );
    } else {
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!(
                "{} vary, {} can fail",
                plural(varying, "duration"),
                plural(flaky, "task")
            ))
        );
    }
    if estimated > 0 {
        let leaves = pipeline.tasks.iter().filter(|t| !t.is_group()).count();
        let _ = writeln!(
            out,
            "{}",
            style.yellow(&format!(
                "{estimated} of {leaves} durations are estimates: give real ones with --durations"
            ))
        );
    }
    out.push('\n');
    render_tasks(&mut out, forecast, style);

    if analysis.has_errors() {
        out.push('\n');
        let index = LineIndex::new(text);
        for d in analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == pipescope::diagnostic::Severity::Error)
        {
            diagnostics::render(&mut out, d, text, &index, file, style);
        }
        let mut counts = Counts::default();
        counts.add(&analysis.diagnostics);
        let _ = writeln!(out, "{}", counts.describe());
    }
    out
}

/// The tasks, in file order when they are few; else the most often critical (then the most
/// often failing) first.
fn render_tasks(out: &mut String, forecast: &Forecast, style: Style) {
    let mut listed: Vec<&TaskForecast> = forecast.tasks.iter().collect();
    let hidden = listed.len().saturating_sub(MAX_TASKS);
    if hidden > 0 {
        listed.sort_by(|a, b| {
            b.criticality
                .total_cmp(&a.criticality)
                .then(b.failure_probability.total_cmp(&a.failure_probability))
        });
        listed.truncate(MAX_TASKS);
    }
    let header = ["task", "ends P50", "ends P90", "critical", "fails", "attempts", "runs"];
    let rows: Vec<[String; 7]> = listed
        .iter()
        .map(|t| {
            let (p50, p90) = match t.end {
                Some(e) => (shown(e.p50), shown(e.p90)),
                None => ("—".to_string(), "—".to_string()),
            };
            [
                sanitize(&t.id),
                p50,
                p90,
                percent(t.criticality),
                percent(t.failure_probability),
                format!("{:.2}", t.mean_attempts),
                percent(t.run_probability),
            ]
        })
        .collect();
    let width = |k: usize| {
        rows.iter().map(|r| r[k].chars().count()).chain([header[k].len()]).max().unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let id_width = widths[0].min(48);
    let line = |cells: &[String]| {
        let mut l = fit(&cells[0], id_width);
        for (k, cell) in cells.iter().enumerate().skip(1) {
            let _ = write!(l, "  {cell:>w$}", w = widths[k]);
        }
        l
    };
    let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let _ = writeln!(out, "{}", style.dim(&line(&head)));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row).trim_end());
    }
    if hidden > 0 {
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!(
                "… {} more (`--format json` lists every task)",
                plural(hidden, "task")
            ))
        );
    }
}

/// A time as a person reads a forecast: to the second from ten seconds up (percentiles are
/// within 0.4% anyway; `--format json` keeps the milliseconds).
fn shown(t: Millis) -> String {
    if t.0 >= 10_000 { Millis((t.0 + 500) / 1000 * 1000).to_string() } else { t.to_string() }
}
