//! PSPLIB single-mode `.sm` instances (the standard resource-constrained project scheduling
//! benchmark) as a dialect: each job is a task, its predecessors are its dependencies, and
//! `R1..Rk` are resources with the instance's capacities. Used to validate the simulation
//! against published numbers.

use crate::diagnostic::Diagnostic;
use crate::duration::{DurationSpec, Millis};
use crate::lint::rules::malformed_file::MALFORMED_FILE;
use crate::model::{
    Demand, DepKind, Dependency, DurationSource, Format, Pipeline, Resource, ResourceIdx,
    ResourceKind, Task, TaskIdx, TaskKind,
};
use crate::span::Span;

/// One PSPLIB time period is simulated as one second, so that durations read naturally.
pub const PERIOD: Millis = Millis(1000);

/// True when the text looks like a PSPLIB instance.
pub fn looks_like(text: &str) -> bool {
    text.contains("PRECEDENCE RELATIONS:") && text.contains("REQUESTS/DURATIONS:")
}

/// A line of the file: its text and where it starts.
#[derive(Clone, Copy)]
struct Line<'t> {
    text: &'t str,
    start: usize,
}

impl<'t> Line<'t> {
    /// Whitespace-separated tokens with their spans.
    fn tokens(self) -> impl Iterator<Item = (&'t str, Span)> {
        let base = self.start;
        let text = self.text;
        text.split_ascii_whitespace().map(move |tok| {
            let offset = tok.as_ptr() as usize - text.as_ptr() as usize;
            (tok, Span::new(base + offset, base + offset + tok.len()))
        })
    }

    fn span(self) -> Span {
        Span::new(self.start, self.start + self.text.len())
    }

    fn is_separator(self) -> bool {
        let t = self.text.trim();
        !t.is_empty() && t.bytes().all(|b| b == b'*' || b == b'-')
    }
}

struct Job {
    number: u32,
    number_span: Span,
    line_span: Span,
    successors: Vec<(u32, Span)>,
    duration: u64,
    demands: Vec<u32>,
}

pub fn read(text: &str) -> (Pipeline, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let lines: Vec<Line> = {
        let mut start = 0;
        text.split_inclusive('\n')
            .map(|raw| {
                let line = Line { text: raw.trim_end_matches(['\n', '\r']), start };
                start += raw.len();
                line
            })
            .collect()
    };
    let mut malformed = |span: Span, message: String| {
        diagnostics.push(Diagnostic::new(&MALFORMED_FILE, span, message))
    };

    let section = |title: &str| lines.iter().position(|l| l.text.trim_start().starts_with(title));
    let mut jobs: Vec<Job> = Vec::new();

    // PRECEDENCE RELATIONS: a header row, then `jobnr #modes #successors successors...`.
    match section("PRECEDENCE RELATIONS:") {
        Some(at) => {
            for line in lines[at + 1..].iter().skip(1).take_while(|l| !l.is_separator()) {
                let tokens: Vec<(&str, Span)> = line.tokens().collect();
                if tokens.is_empty() {
                    continue;
                }
                let numbers: Option<Vec<u32>> =
                    tokens.iter().map(|(t, _)| t.parse().ok()).collect();
                match numbers {
                    Some(n) if n.len() >= 3 => {
                        // A row that miscounts its successors keeps the ones it lists, so one
                        // typo gives one finding rather than a cascade about its job.
                        if n.len() != 3 + n[2] as usize {
                            malformed(line.span(), format!("job {} announces {} successors but lists {}", n[0], n[2], n.len() - 3));
                        }
                        jobs.push(Job {
                            number: n[0],
                            number_span: tokens[0].1,
                            line_span: line.span(),
                            successors: n[3..].iter().zip(&tokens[3..]).map(|(&s, &(_, span))| (s, span)).collect(),
                            duration: 0,
                            demands: Vec::new(),
                        });
                    }
                    _ => malformed(line.span(), "a precedence row is `jobnr #modes #successors successors...`, all whole numbers".to_string()),
                }
            }
        }
        None => malformed(Span::default(), "no `PRECEDENCE RELATIONS:` section".to_string()),
    }

    // REQUESTS/DURATIONS: a header row, a dashed row, then `jobnr mode duration R1..Rk`.
    let mut resource_count = 0;
    match section("REQUESTS/DURATIONS:") {
        Some(at) => {
            let rows = lines[at + 1..]
                .iter()
                .skip(1)
                .skip_while(|l| l.is_separator())
                .take_while(|l| !l.is_separator());
            for line in rows {
                let numbers: Option<Vec<u64>> =
                    line.tokens().map(|(t, _)| t.parse().ok()).collect();
                match numbers {
                    Some(n) if n.len() >= 3 => {
                        let Some(job) = jobs.iter_mut().find(|j| u64::from(j.number) == n[0])
                        else {
                            malformed(
                                line.span(),
                                format!("job {} has a duration but no precedence row", n[0]),
                            );
                            continue;
                        };
                        job.duration = n[2];
                        job.demands =
                            n[3..].iter().map(|&d| u32::try_from(d).unwrap_or(u32::MAX)).collect();
                        resource_count = resource_count.max(job.demands.len());
                    }
                    Some(n) if n.is_empty() => {}
                    _ => malformed(
                        line.span(),
                        "a request row is `jobnr mode duration R1 R2 ...`, all whole numbers"
                            .to_string(),
                    ),
                }
            }
        }
        None => malformed(Span::default(), "no `REQUESTS/DURATIONS:` section".to_string()),
    }

    let mut pipeline = Pipeline { format: Format::Psplib, ..Pipeline::default() };
    // RESOURCEAVAILABILITIES: a names row (`R 1  R 2 ...`), then one capacity per resource.
    match section("RESOURCEAVAILABILITIES:") {
        Some(at) => match lines.get(at + 2) {
            Some(line) => {
                for (k, (token, span)) in line.tokens().enumerate() {
                    let capacity = token.parse::<u32>().unwrap_or_else(|_| {
                        malformed(span, format!("the capacity `{token}` is not a whole number"));
                        0
                    });
                    pipeline.add_resource(Resource {
                        name: format!("R{}", k + 1),
                        capacity,
                        kind: ResourceKind::Declared,
                        span,
                    });
                }
            }
            None => malformed(lines[at].span(), "the availabilities row is missing".to_string()),
        },
        None => malformed(Span::default(), "no `RESOURCEAVAILABILITIES:` section".to_string()),
    }
    if resource_count > pipeline.resources.len() {
        malformed(
            Span::default(),
            format!(
                "jobs request {} resources but only {} are available",
                resource_count,
                pipeline.resources.len()
            ),
        );
    }

    let index_of = |number: u32| jobs.iter().position(|j| j.number == number);
    let mut deps: Vec<Vec<Dependency>> = (0..jobs.len()).map(|_| Vec::new()).collect();
    for job in &jobs {
        for &(successor, span) in &job.successors {
            match index_of(successor) {
                Some(s) => deps[s].push(Dependency {
                    target: index_of(job.number).map(|i| TaskIdx(i as u32)),
                    name: job.number.to_string(),
                    kind: DepKind::Explicit,
                    span,
                }),
                None => malformed(
                    span,
                    format!("job {} has successor {successor}, which is not a job", job.number),
                ),
            }
        }
    }
    for (job, deps) in jobs.iter().zip(deps) {
        let demands = job
            .demands
            .iter()
            .enumerate()
            .filter(|&(_, &amount)| amount > 0)
            .map(|(k, &amount)| Demand {
                resource: (k < pipeline.resources.len()).then_some(ResourceIdx(k as u32)),
                name: format!("R{}", k + 1),
                amount,
                span: job.line_span,
            })
            .collect();
        pipeline.add_task(Task {
            duration: DurationSpec::Fixed(Millis(job.duration.saturating_mul(PERIOD.0))),
            duration_source: DurationSource::Explicit,
            deps,
            demands,
            span: job.line_span,
            id_span: job.number_span,
            ..Task::new(job.number.to_string(), job.number.to_string(), TaskKind::Job)
        });
    }
    (pipeline, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "\
jobs (incl. supersource/sink ):  4
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           4
   4        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
------------------------------------------------------------------------
  1      1     0       0
  2      1     3       2
  3      1     2       1
  4      1     0       0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1
    2
************************************************************************
";

    #[test]
    fn reads_jobs_precedence_durations_and_capacities() {
        let (p, diagnostics) = read(TINY);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(p.tasks.len(), 4);
        assert_eq!(p.resources[0].capacity, 2);
        let job4 = &p.tasks[3];
        assert_eq!(job4.id, "4");
        let preds: Vec<&str> = job4.deps.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(preds, ["2", "3"]);
        assert_eq!(p.tasks[1].duration.nominal(), Millis(3000));
        assert_eq!(p.tasks[1].demands[0].amount, 2);
        assert!(p.tasks[0].demands.is_empty());
        assert_eq!(&TINY[job4.id_span.start as usize..job4.id_span.end as usize], "4");
    }

    #[test]
    fn a_broken_row_is_reported_not_fatal() {
        let broken = TINY.replace(
            "   1        1          2           2   3",
            "   1        1          3           2   3",
        );
        let (p, diagnostics) = read(&broken);
        assert!(diagnostics[0].message.contains("announces 3 successors"), "{diagnostics:?}");
        // The row keeps the successors it lists: one finding, no cascade about job 1.
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(p.tasks.len(), 4);
    }
}
