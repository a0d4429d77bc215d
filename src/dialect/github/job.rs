//! One job read into the intermediate form: its id, its strategy (the matrix expanded into
//! instances, `fail-fast`, `max-parallel`), its settings, and per instance its name, its
//! concurrency group and its runner.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::dialect::ci;
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::lint::rules::concurrency_deadlock;
use crate::model;
use crate::model::{MatrixGroup, Note};
use crate::span::Span;
use crate::yaml::Node;

use super::form::{Group, Instance, Job, Need, Work};
use super::matrix::{self, Combination};
use super::resources::{self, Concurrency, RunsOn};
use super::semantics::{Semantics, timeout_minutes};
use super::{shared_rules, steps};

const JOB_KEYS: &[&str] = &[
    "name",
    "permissions",
    "needs",
    "if",
    "runs-on",
    "snapshot",
    "environment",
    "concurrency",
    "outputs",
    "env",
    "defaults",
    "steps",
    "timeout-minutes",
    "strategy",
    "continue-on-error",
    "container",
    "services",
    "uses",
    "with",
    "secrets",
];
const STRATEGY_KEYS: &[&str] = &["matrix", "fail-fast", "max-parallel"];

/// Reads the job `key: body`. `workflow_group` is the workflow's own concurrency group, which
/// the job must not use.
pub fn read(
    key: &Node,
    body: &Node,
    workflow_group: Option<&Group>,
    out: &mut Vec<Diagnostic>,
) -> Option<Job> {
    let name = fields::text(key, "a job id", out)?.to_string();
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        out.push(shared_rules::invalid_job_id(key.span, &name));
    }
    if body.as_map().is_none() {
        out.push(wrong_type(body, &format!("the job `{name}`"), "a mapping"));
    }
    check_keys(body, JOB_KEYS, &format!("the job `{name}`"), out);
    let strategy = Strategy::read(body, &name, out);
    let mut job = Job {
        key: name,
        key_span: key.span,
        span: key.span.cover(body.span),
        needs: Vec::new(),
        matrix: strategy.matrix,
        max_parallel: None,
        semantics: Semantics::default(),
        timeout: None,
        notes: strategy.notes,
        work: Work::Steps(Vec::new()),
        instances: Vec::new(),
    };
    // An empty matrix makes no instance: nothing else of the job is read.
    if !strategy.combinations.is_empty() {
        let many = strategy.combinations.len() > 1
            || strategy.combinations.first().is_some_and(Option::is_some);
        job.max_parallel = strategy.max_parallel.filter(|_| many);
        settings(&mut job, body, out);
        job.instances = instances(&job, key, body, &strategy.combinations, workflow_group, out);
        if body.get("uses").is_some() {
            job.work = Work::Reusable;
        } else if let Some(list) = body.get("steps") {
            job.work = Work::Steps(steps::read(list, out));
        } else if body.as_map().is_some() {
            out.push(shared_rules::neither_steps_nor_uses(key.span, &job.key));
        }
    }
    job.needs = needs(body, out);
    Some(job)
}

/// `strategy`: the matrix's combinations (one without values when there is no matrix), its
/// fail-fast, and `max-parallel`.
struct Strategy {
    combinations: Vec<Option<Combination>>,
    matrix: Option<MatrixGroup>,
    max_parallel: Option<(u32, Span)>,
    notes: Vec<Note>,
}

impl Strategy {
    fn read(body: &Node, job: &str, out: &mut Vec<Diagnostic>) -> Strategy {
        let mut strategy =
            Strategy { combinations: vec![None], matrix: None, max_parallel: None, notes: vec![] };
        let Some(node) = body.get("strategy") else { return strategy };
        if node.as_map().is_none() && !node.is_null() {
            out.push(wrong_type(node, "`strategy`", "a mapping"));
        }
        check_keys(node, STRATEGY_KEYS, "`strategy`", out);
        if let Some(m) = node.get("matrix") {
            let expansion = matrix::expand(m, job, out);
            if expansion.dynamic {
                let n = expansion.combinations.len();
                strategy.notes.push(ci::note_text(
                    "strategy.matrix",
                    format!(
                        "computed while the workflow runs; simulated as {n} instance{}: {}",
                        if n == 1 { "" } else { "s" },
                        model::shorten(&ci::flow(m))
                    ),
                    m.span,
                ));
            }
            strategy.combinations = expansion.combinations.into_iter().map(Some).collect();
            // Fail-fast is on unless the file says otherwise.
            strategy.matrix = Some(MatrixGroup {
                members: Vec::new(),
                fail_fast: true,
                fail_fast_span: None,
                span: m.span,
            });
        }
        if let Some(fail_fast) = node.get("fail-fast") {
            match (fail_fast.as_bool(), strategy.matrix.as_mut()) {
                (Some(on), Some(group)) => {
                    group.fail_fast = on;
                    group.fail_fast_span = Some(fail_fast.span);
                }
                // An expression, or no matrix to cancel: shown as written.
                _ => strategy.notes.push(ci::note("fail-fast", fail_fast)),
            }
        }
        if let Some(mp) = node.get("max-parallel") {
            strategy.max_parallel = resources::max_parallel(mp, job, &mut strategy.notes, out);
        }
        strategy
    }
}

/// The settings every instance shares: `if:`, `continue-on-error`, `environment`,
/// `timeout-minutes`, `uses`.
fn settings(job: &mut Job, body: &Node, out: &mut Vec<Diagnostic>) {
    job.semantics = Semantics::read(body, out);
    if let Some(environment) = body.get("environment") {
        let shown = environment.get("name").unwrap_or(environment);
        let why = "protection rules (required reviewers, wait timers) are not simulated";
        job.notes.push(explained("environment", shown, environment.span, why));
    }
    job.timeout = body.get("timeout-minutes").and_then(|t| timeout_minutes(t, &mut job.notes, out));
    if let Some(uses) = body.get("uses") {
        let why = "a reusable workflow, simulated as one task (its jobs are not read)";
        job.notes.push(explained("uses", uses, uses.span, why));
    }
}

/// A note showing `value` as written and why it changes nothing in the simulation.
fn explained(key: &str, value: &Node, span: Span, why: &str) -> Note {
    ci::note_text(key, format!("{}: {why}", model::shorten(&ci::flow(value))), span)
}

/// One instance per combination: its id and name, its concurrency group and its runner. What
/// is wrong in `concurrency` or `runs-on` is reported once for the job.
fn instances(
    job: &Job,
    key: &Node,
    body: &Node,
    combinations: &[Option<Combination>],
    workflow_group: Option<&Group>,
    out: &mut Vec<Diagnostic>,
) -> Vec<Instance> {
    let concurrency = body.get("concurrency").and_then(|c| Concurrency::read(c, out));
    let runs_on = match body.get("runs-on") {
        _ if body.get("uses").is_some() => None,
        Some(node) => Some(RunsOn::read(node, out)),
        None => {
            if body.as_map().is_some() {
                out.push(shared_rules::no_runs_on(key.span, &job.key));
            }
            None
        }
    };
    let display = body.get("name").and_then(|n| n.as_str());
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut computed_runner = false;
    let mut instances = Vec::new();
    for combination in combinations {
        let values: &[(String, Node)] = combination.as_deref().unwrap_or(&[]);
        let lookup = |e: &str| matrix::lookup(values, e);
        let (id, label) = names(&job.key, display, values, &mut used_ids);
        let mut notes = Vec::new();
        let group = concurrency.as_ref().map(|c| {
            let group = c.group(&lookup);
            notes.extend(c.notes(&group));
            group
        });
        if let (Some(group), Some(workflow), true) = (&group, workflow_group, instances.is_empty())
        {
            if group.name == workflow.name {
                out.push(concurrency_deadlock::diagnostic(
                    group.span,
                    &job.key,
                    &group.name,
                    workflow.span,
                ));
            }
        }
        let runner = runs_on.as_ref().map(|r| {
            let (runner, note) = r.resolve(&lookup);
            if let Some(note) = note {
                notes.push(note);
                computed_runner = true;
            }
            runner
        });
        let allow = job.semantics.allow_for(&lookup);
        let matrix = values.to_vec();
        instances.push(Instance { id, label, group, runner, notes, allow, matrix });
    }
    if computed_runner {
        let span = body.get("runs-on").map_or(key.span, |r| r.span);
        out.push(shared_rules::computed_runner(span, &job.key));
    }
    instances
}

/// The id and the shown name of the instance with these matrix values, as GitHub names it:
/// `test (ubuntu-latest, 3.12)`, or the job's `name` with its matrix expressions replaced.
fn names(
    key: &str,
    display: Option<&str>,
    values: &[(String, Node)],
    used_ids: &mut HashMap<String, usize>,
) -> (String, Option<String>) {
    // As GitHub: empty and null values are left out of the brackets.
    let shown: Vec<String> =
        values.iter().map(|(_, v)| ci::flow(v)).filter(|v| !v.is_empty()).collect();
    let suffix = if shown.is_empty() { String::new() } else { format!(" ({})", shown.join(", ")) };
    let mut id = ci::safe_id(&format!("{key}{suffix}"));
    let count = used_ids.entry(id.clone()).or_insert(0);
    *count += 1;
    if *count > 1 {
        id = format!("{id} #{count}");
    }
    let lookup = |e: &str| matrix::lookup(values, e);
    let label = match display {
        Some(d) if d.contains("matrix.") => Some(ci::substitute_expressions(d, &lookup).0),
        Some(d) => Some(format!("{d}{suffix}")),
        None if !suffix.is_empty() => Some(format!("{key}{suffix}")),
        None => None,
    }
    .filter(|l| *l != id);
    (id, label)
}

/// The `needs` of a job as written: a name or a list of names.
fn needs(body: &Node, out: &mut Vec<Diagnostic>) -> Vec<Need> {
    let Some(needs) = body.get("needs") else { return Vec::new() };
    let items: &[Node] = match needs.as_seq() {
        Some(items) => items,
        None if needs.is_null() => &[],
        None => std::slice::from_ref(needs),
    };
    items
        .iter()
        .filter_map(|n| {
            let name = fields::text(n, "a `needs` entry", out)?.to_string();
            Some(Need { name, span: n.span, job: None })
        })
        .collect()
}
