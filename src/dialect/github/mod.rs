//! GitHub Actions workflows, lowered into the model (`docs/dialects/github.md`).
//!
//! Jobs run in parallel unless `needs` orders them; a job is a group task whose steps run one
//! after another. A matrix becomes one job per combination, named as GitHub names them; a
//! `needs` on a matrix job waits for all of them. `max-parallel`, job-level `concurrency` and
//! self-hosted runner labels become resources; `if:`, `continue-on-error` and `fail-fast`
//! become the model's typed settings, other runtime settings notes.

mod matrix;

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::dialect::ci::{self, Pools};
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::duration::{DurationSpec, Millis};
use crate::lint::rules::{
    concurrency_deadlock::CONCURRENCY_DEADLOCK, duplicate_needs::DUPLICATE_NEEDS,
    invalid_max_parallel::INVALID_MAX_PARALLEL, invalid_value::INVALID_VALUE,
    missing_field::MISSING_FIELD, not_evaluated::NOT_EVALUATED, not_simulated::NOT_SIMULATED,
    serialized_group::SERIALIZED_GROUP, unknown_needs::UNKNOWN_NEEDS,
};
use crate::model::Inputs;
use crate::model::{
    AllowFailure, Condition, ConditionKind, Demand, DepKind, Dependency, DurationSource,
    FailurePolicy, Format, MatrixGroup, Note, Pipeline, ResourceKind, RunWhen, Task, TaskIdx,
    TaskKind,
};
use crate::span::Span;
use crate::yaml::{self, Node, ScalarKind};

pub use matrix::{Combination, MAX_COMBINATIONS};

const WORKFLOW_KEYS: &[&str] =
    &["name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"];
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
const STEP_KEYS: &[&str] = &[
    "id",
    "if",
    "name",
    "uses",
    "run",
    "working-directory",
    "shell",
    "with",
    "env",
    "continue-on-error",
    "timeout-minutes",
];
const STRATEGY_KEYS: &[&str] = &["matrix", "fail-fast", "max-parallel"];
const CONCURRENCY_KEYS: &[&str] = &["group", "cancel-in-progress"];

/// Whether a YAML document is a GitHub Actions workflow: a `jobs:` mapping, with `on:` or
/// with jobs that have `runs-on`, `steps` or `uses`.
pub fn looks_like(root: &Node) -> bool {
    let Some(jobs) = root.get("jobs").and_then(Node::as_map) else { return false };
    root.get("on").is_some()
        || jobs
            .iter()
            .any(|(_, job)| ["runs-on", "steps", "uses"].iter().any(|k| job.get(k).is_some()))
}

/// Whether a label names a GitHub-hosted runner, which is taken as unlimited.
pub fn is_github_hosted(label: &str) -> bool {
    let label = label.to_ascii_lowercase();
    ["ubuntu-", "windows-", "macos-"].iter().any(|p| label.starts_with(p))
}

/// Reads a workflow. Never fails: returns what it could build.
pub fn read(text: &str, inputs: &Inputs) -> (Pipeline, Vec<Diagnostic>) {
    let documents = yaml::parse(text);
    let mut reader = Reader {
        pipeline: Pipeline { format: Format::GithubActions, ..Pipeline::default() },
        diagnostics: documents.diagnostics,
        pools: Pools::new(inputs),
        jobs: Vec::new(),
        step_conditions: Vec::new(),
        workflow_group: None,
    };
    match documents.docs.iter().find(|d| !d.is_null()) {
        Some(root) => reader.workflow(root),
        None if reader.diagnostics.is_empty() => reader.diagnostics.push(Diagnostic::new(
            &MISSING_FIELD,
            Span::default(),
            "the file is empty; a workflow has `on:` and `jobs:`",
        )),
        None => {}
    }
    (reader.pipeline, reader.diagnostics)
}

struct Reader<'i> {
    pipeline: Pipeline,
    diagnostics: Vec<Diagnostic>,
    pools: Pools<'i>,
    jobs: Vec<Job>,
    /// Spans of step `if:` conditions, reported once for the file.
    step_conditions: Vec<Span>,
    /// The workflow-level concurrency group, which no job may use.
    workflow_group: Option<(String, Span)>,
}

/// A job as written, and the tasks it became.
struct Job {
    key: String,
    instances: Vec<TaskIdx>,
    needs: Vec<(String, Span)>,
    /// The written `concurrency` group of each instance, for the serialisation check.
    groups: Vec<Option<(String, Span)>>,
}

impl Reader<'_> {
    fn workflow(&mut self, root: &Node) {
        if root.as_map().is_none() {
            self.diagnostics.push(wrong_type(
                root,
                "a workflow",
                "a mapping with `on:` and `jobs:`",
            ));
            return;
        }
        check_keys(root, WORKFLOW_KEYS, "a workflow", &mut self.diagnostics);
        if let Some(name) = root.get("name") {
            self.pipeline.name =
                fields::text(name, "`name`", &mut self.diagnostics).map(str::to_string);
        }
        if root.get("on").is_none() {
            self.diagnostics.push(
                Diagnostic::new(
                    &MISSING_FIELD,
                    first_key(root),
                    "the workflow has no `on:`, so GitHub never runs it",
                )
                .with_severity(Severity::Warning)
                .with_help("add the events that start it, e.g. `on: [push, pull_request]`"),
            );
        }
        if let Some(concurrency) = root.get("concurrency") {
            let group = self.concurrency_group(concurrency, &|_| None);
            self.workflow_group = group.as_ref().map(|(g, span, _)| (g.clone(), *span));
            if let Some((group, _, _)) = group {
                self.diagnostics.push(Diagnostic::new(
                    &NOT_SIMULATED,
                    concurrency.span,
                    format!(
                        "workflow-level `concurrency` (group `{group}`) lets one run of the \
                         workflow at a time; one run is simulated, so it changes nothing here"
                    ),
                ));
            }
        }
        let Some(jobs) = root.get("jobs") else {
            self.diagnostics.push(Diagnostic::new(
                &MISSING_FIELD,
                first_key(root),
                "the workflow has no `jobs:`, so there is nothing to run",
            ));
            return;
        };
        let Some(entries) = jobs.as_map() else {
            self.diagnostics.push(wrong_type(jobs, "`jobs`", "a mapping of job ids to jobs"));
            return;
        };
        for (key, body) in entries {
            self.job(key, body);
        }
        self.resolve_needs();
        self.check_groups();
        if let Some(&first) = self.step_conditions.first() {
            let n = self.step_conditions.len();
            self.diagnostics.push(Diagnostic::new(
                &NOT_EVALUATED,
                first,
                format!(
                    "{n} step condition{} (`if:`) {} not evaluated; every step is assumed to run",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "is" } else { "are" }
                ),
            ));
        }
    }

    fn job(&mut self, key: &Node, body: &Node) {
        let before = self.diagnostics.len();
        self.job_instances(key, body);
        // Every instance reads the same `runs-on` and `concurrency`: a mistake is said once.
        let mut seen: Vec<Diagnostic> = Vec::new();
        let tail = self.diagnostics.split_off(before);
        for d in tail {
            if !seen.contains(&d) {
                seen.push(d);
            }
        }
        self.diagnostics.extend(seen);
    }

    fn job_instances(&mut self, key: &Node, body: &Node) {
        let Some(name) = fields::text(key, "a job id", &mut self.diagnostics) else { return };
        let name = name.to_string();
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            self.diagnostics.push(
                Diagnostic::new(
                    &INVALID_VALUE,
                    key.span,
                    format!(
                        "the job id `{name}` must start with a letter or `_` and contain only \
                         letters, digits, `-` and `_`; GitHub rejects the workflow"
                    ),
                )
                .with_severity(Severity::Warning),
            );
        }
        if body.as_map().is_none() {
            self.diagnostics.push(wrong_type(body, &format!("the job `{name}`"), "a mapping"));
        }
        check_keys(body, JOB_KEYS, &format!("the job `{name}`"), &mut self.diagnostics);

        // The matrix, its cap and its failure strategy.
        let mut combinations: Vec<Option<Combination>> = vec![None];
        let mut max_parallel: Option<(u32, Span)> = None;
        let mut job_notes: Vec<Note> = Vec::new();
        // The matrix as written, and its fail-fast (on unless the file says otherwise).
        let mut matrix_group: Option<MatrixGroup> = None;
        if let Some(strategy) = body.get("strategy") {
            if strategy.as_map().is_none() && !strategy.is_null() {
                self.diagnostics.push(wrong_type(strategy, "`strategy`", "a mapping"));
            }
            check_keys(strategy, STRATEGY_KEYS, "`strategy`", &mut self.diagnostics);
            if let Some(m) = strategy.get("matrix") {
                let expansion = matrix::expand(m, &name, &mut self.diagnostics);
                if expansion.dynamic {
                    job_notes.push(ci::note_text(
                        "strategy.matrix",
                        format!(
                            "computed while the workflow runs; simulated as {} instance{}: {}",
                            expansion.combinations.len(),
                            if expansion.combinations.len() == 1 { "" } else { "s" },
                            ci::shorten(&ci::flow(m))
                        ),
                        m.span,
                    ));
                }
                combinations = expansion.combinations.into_iter().map(Some).collect();
                matrix_group = Some(MatrixGroup {
                    members: Vec::new(),
                    fail_fast: true,
                    fail_fast_span: None,
                    span: m.span,
                });
            }
            if let Some(fail_fast) = strategy.get("fail-fast") {
                match (fail_fast.as_bool(), matrix_group.as_mut()) {
                    (Some(on), Some(group)) => {
                        group.fail_fast = on;
                        group.fail_fast_span = Some(fail_fast.span);
                    }
                    // An expression, or no matrix to cancel: shown as written.
                    _ => job_notes.push(ci::note("fail-fast", fail_fast)),
                }
            }
            if let Some(mp) = strategy.get("max-parallel") {
                max_parallel = self.max_parallel(mp, &name, &mut job_notes);
            }
        }
        if combinations.is_empty() {
            let needs = self.needs_list(body);
            self.jobs.push(Job { key: name, instances: Vec::new(), needs, groups: Vec::new() });
            return;
        }

        // Settings every instance shares.
        let semantics = Semantics::read(body, &mut self.diagnostics);
        if let Some(condition) = body.get("if") {
            self.diagnostics.push(Diagnostic::new(
                &NOT_EVALUATED,
                condition.span,
                format!("the condition of `{name}` is not evaluated; the job is assumed to run"),
            ));
        }
        if let Some(environment) = body.get("environment") {
            let shown = environment.get("name").unwrap_or(environment);
            job_notes.push(ci::note_text(
                "environment",
                format!(
                    "{}: protection rules (required reviewers, wait timers) are not simulated",
                    ci::shorten(&ci::flow(shown))
                ),
                environment.span,
            ));
        }
        let timeout = body
            .get("timeout-minutes")
            .and_then(|t| timeout_minutes(t, &mut job_notes, &mut self.diagnostics));
        let uses = body.get("uses");
        if let Some(u) = uses {
            job_notes.push(ci::note_text(
                "uses",
                format!(
                    "{}: a reusable workflow, simulated as one task (its jobs are not read)",
                    ci::shorten(&ci::flow(u))
                ),
                u.span,
            ));
        }

        let many = combinations.len() > 1 || combinations.first().is_some_and(Option::is_some);
        let display = body.get("name").and_then(|n| n.as_str()).map(str::to_string);
        let mut instances = Vec::new();
        let mut groups = Vec::new();
        let mut used_ids: HashMap<String, usize> = HashMap::new();
        let parallelism = max_parallel.filter(|_| many).map(|(n, span)| (name.clone(), n, span));
        for combination in &combinations {
            let empty = Vec::new();
            let values = combination.as_ref().unwrap_or(&empty);
            let lookup = |e: &str| matrix::lookup(values, e);
            let suffix = if values.is_empty() {
                String::new()
            } else {
                // As GitHub: empty and null values are left out of the brackets.
                let shown: Vec<String> =
                    values.iter().map(|(_, v)| ci::flow(v)).filter(|v| !v.is_empty()).collect();
                if shown.is_empty() { String::new() } else { format!(" ({})", shown.join(", ")) }
            };
            let mut id = ci::safe_id(&format!("{name}{suffix}"));
            let count = used_ids.entry(id.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                id = format!("{id} #{count}");
            }
            let label = match &display {
                Some(d) if d.contains("matrix.") => Some(ci::substitute_expressions(d, &lookup).0),
                Some(d) => Some(format!("{d}{suffix}")),
                None if !suffix.is_empty() => Some(format!("{name}{suffix}")),
                None => None,
            }
            .filter(|l| *l != id);

            let mut notes = job_notes.clone();
            let mut demands: Vec<Demand> = Vec::new();
            if let Some((cap_name, n, span)) = &parallelism {
                demands.push(ci::exclusive(
                    &mut self.pipeline,
                    cap_name,
                    ResourceKind::Parallelism,
                    *n,
                    *span,
                ));
            }
            let group = match body.get("concurrency") {
                Some(c) => self.concurrency_group(c, &lookup),
                None => None,
            };
            if let (Some((group_name, span, _)), Some((workflow, workflow_span))) =
                (&group, &self.workflow_group)
            {
                if group_name == workflow && instances.is_empty() {
                    self.diagnostics.push(
                        Diagnostic::new(
                            &CONCURRENCY_DEADLOCK,
                            *span,
                            format!(
                                "`{name}` uses the workflow's own concurrency group `{group_name}`: \
                                 it would wait for its own run, so GitHub cancels it"
                            ),
                        )
                        .with_related(*workflow_span, "the workflow's group")
                        .with_help("give the job a group of its own, e.g. add `-${{ github.job }}`"),
                    );
                }
            }
            if let Some((group_name, span, cancel)) = &group {
                if ci::has_expression(group_name) {
                    notes.push(ci::note_text(
                        "concurrency",
                        format!(
                            "group `{group_name}`: its expressions are not evaluated; jobs share \
                             the group when this text is the same"
                        ),
                        *span,
                    ));
                } else {
                    notes.push(ci::note_text(
                        "concurrency",
                        format!("group `{group_name}`"),
                        *span,
                    ));
                }
                if let Some(cancel) = cancel {
                    notes.push(ci::note("cancel-in-progress", cancel));
                }
                demands.push(ci::exclusive(
                    &mut self.pipeline,
                    group_name,
                    ResourceKind::Concurrency,
                    1,
                    *span,
                ));
            }
            groups.push(group.map(|(g, span, _)| (g, span)));
            if uses.is_none() {
                match body.get("runs-on") {
                    Some(runs_on) => {
                        if let Some(d) = self.runs_on(runs_on, &lookup, &name, &mut notes) {
                            demands.push(d);
                        }
                    }
                    None if body.as_map().is_some() => self.diagnostics.push(Diagnostic::new(
                        &MISSING_FIELD,
                        key.span,
                        format!("the job `{name}` has no `runs-on`; GitHub rejects the workflow"),
                    )),
                    None => {}
                }
            }

            let idx = self.pipeline.add_task(semantics.apply(Task {
                name: label,
                duration: DurationSpec::Fixed(
                    timeout.map_or(ci::DEFAULT_DURATION, |t| t.min(ci::DEFAULT_DURATION)),
                ),
                duration_source: DurationSource::Estimated,
                demands,
                span: key.span.cover(body.span),
                id_span: key.span,
                notes,
                ..Task::new(id.clone(), id.clone(), TaskKind::Job)
            }));
            if uses.is_none() {
                self.steps(body, idx, &id, timeout, instances.is_empty());
                if !self.pipeline.task(idx).is_group()
                    && body.get("steps").is_none()
                    && instances.is_empty()
                    && body.as_map().is_some()
                {
                    self.diagnostics.push(Diagnostic::new(
                        &MISSING_FIELD,
                        key.span,
                        format!(
                            "the job `{name}` has neither `steps` nor `uses`; GitHub rejects the \
                             workflow; it is simulated as one task"
                        ),
                    ));
                }
            }
            instances.push(idx);
        }
        if let Some(mut group) = matrix_group {
            group.members = instances.clone();
            self.pipeline.matrices.push(group);
        }
        let needs = self.needs_list(body);
        self.jobs.push(Job { key: name, instances, needs, groups });
    }

    /// `max-parallel`: a whole number of at least 1, or an expression (not evaluated).
    fn max_parallel(
        &mut self,
        node: &Node,
        job: &str,
        notes: &mut Vec<Note>,
    ) -> Option<(u32, Span)> {
        if let Some(n) = node.as_i64() {
            if n >= 1 {
                notes.push(ci::note("max-parallel", node));
                return Some((u32::try_from(n).unwrap_or(u32::MAX), node.span));
            }
        } else if node.as_str().is_some_and(ci::has_expression) {
            notes.push(ci::note_text(
                "max-parallel",
                format!(
                    "{}: not evaluated; instances are not capped",
                    ci::shorten(&ci::flow(node))
                ),
                node.span,
            ));
            return None;
        }
        self.diagnostics.push(
            Diagnostic::new(
                &INVALID_MAX_PARALLEL,
                node.span,
                format!(
                    "`max-parallel` of `{job}` is `{}`; it must be a whole number of at least 1; \
                     the instances are not capped",
                    ci::shorten(&ci::flow(node))
                ),
            )
            .with_help("write how many instances may run at once, e.g. `max-parallel: 2`"),
        );
        None
    }

    /// The steps of one job instance, in sequence. Only the first instance reports problems.
    fn steps(
        &mut self,
        body: &Node,
        job: TaskIdx,
        job_id: &str,
        timeout: Option<Millis>,
        report: bool,
    ) {
        let Some(steps) = body.get("steps") else { return };
        let mut out = Vec::new();
        let items = fields::list(steps, "`steps`", &mut out);
        let mut previous: Option<TaskIdx> = None;
        let mut created = Vec::new();
        for (position, step) in items.iter().enumerate() {
            if step.as_map().is_none() {
                out.push(wrong_type(step, "a step", "a mapping with `run` or `uses`"));
                continue;
            }
            check_keys(step, STEP_KEYS, "a step", &mut out);
            if step.get("run").is_none() && step.get("uses").is_none() {
                out.push(Diagnostic::new(
                    &MISSING_FIELD,
                    step_header(step),
                    "this step has neither `run` nor `uses`; GitHub rejects the workflow",
                ));
            }
            let local_id = match step.get("id").and_then(Node::as_str) {
                Some(id) => ci::safe_id(id),
                None => (position + 1).to_string(),
            };
            let name = step
                .get("name")
                .and_then(Node::as_str)
                .map(ci::shorten)
                .or_else(|| step.get("uses").and_then(Node::as_str).map(ci::shorten))
                .or_else(|| step.get("run").and_then(Node::as_str).map(ci::first_line));
            let mut notes = Vec::new();
            let semantics = Semantics::read(step, &mut out);
            if let Some(condition) = step.get("if") {
                if report {
                    self.step_conditions.push(condition.span);
                }
            }
            let mut duration = ci::DEFAULT_DURATION;
            if let Some(bound) =
                step.get("timeout-minutes").and_then(|t| timeout_minutes(t, &mut notes, &mut out))
            {
                duration = duration.min(bound);
            }
            let deps = previous
                .map(|p| Dependency {
                    target: Some(p),
                    name: self.pipeline.task(p).id.clone(),
                    kind: DepKind::Sequence,
                    span: step_header(step),
                })
                .into_iter()
                .collect();
            let id_span = step.get("id").map_or_else(|| step_header(step), |i| i.span);
            let idx = self.pipeline.add_task(semantics.apply(Task {
                name,
                parent: Some(job),
                duration: DurationSpec::Fixed(duration),
                duration_source: DurationSource::Estimated,
                deps,
                span: step.span,
                id_span,
                notes,
                ..Task::new(format!("{job_id}/{local_id}"), local_id, TaskKind::Step)
            }));
            created.push(idx);
            previous = Some(idx);
        }
        if report {
            self.diagnostics.extend(out);
        }
        if created.is_empty() {
            return;
        }
        let task = &mut self.pipeline.tasks[job.index()];
        task.duration = DurationSpec::Fixed(Millis::ZERO);
        task.duration_source = DurationSource::Children;
        // The timeout bounds the job: estimated steps that would outlast it are shortened.
        if let Some(limit) = timeout {
            let total: u64 =
                created.iter().map(|&s| self.pipeline.task(s).duration.nominal().0).sum();
            if total > limit.0 {
                let each = Millis(limit.0 / created.len() as u64);
                for &s in &created {
                    let step = &mut self.pipeline.tasks[s.index()];
                    step.duration = DurationSpec::Fixed(step.duration.nominal().min(each));
                }
            }
        }
    }

    /// The group of a `concurrency` value (a string or `{group, cancel-in-progress}`), with
    /// matrix expressions replaced.
    fn concurrency_group(
        &mut self,
        node: &Node,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Option<(String, Span, Option<Node>)> {
        let (group, cancel) = match node.as_map() {
            Some(_) => {
                check_keys(node, CONCURRENCY_KEYS, "`concurrency`", &mut self.diagnostics);
                let Some(group) = node.get("group") else {
                    self.diagnostics.push(Diagnostic::new(
                        &MISSING_FIELD,
                        node.span,
                        "`concurrency` has no `group`",
                    ));
                    return None;
                };
                (group, node.get("cancel-in-progress").cloned())
            }
            None => (node, None),
        };
        let text = fields::text(group, "a concurrency group", &mut self.diagnostics)?;
        let (text, _) = ci::substitute_expressions(text, lookup);
        Some((text, group.span, cancel))
    }

    /// `runs-on`: GitHub-hosted labels run at once; self-hosted or other labels share a pool.
    fn runs_on(
        &mut self,
        node: &Node,
        lookup: &dyn Fn(&str) -> Option<String>,
        job: &str,
        notes: &mut Vec<Note>,
    ) -> Option<Demand> {
        let mut labels: Vec<String> = Vec::new();
        let push = |n: &Node, labels: &mut Vec<String>, out: &mut Vec<Diagnostic>| match n.as_seq()
        {
            Some(items) => {
                for item in items {
                    if let Some(t) = fields::text(item, "a runner label", out) {
                        labels.push(t.to_string());
                    }
                }
            }
            None => {
                if let Some(t) = fields::text(n, "`runs-on`", out) {
                    labels.push(t.to_string());
                }
            }
        };
        match node.as_map() {
            Some(_) => {
                check_keys(node, &["group", "labels"], "`runs-on`", &mut self.diagnostics);
                if let Some(group) = node.get("group").and_then(Node::as_str) {
                    labels.push(format!("group:{group}"));
                }
                if let Some(l) = node.get("labels") {
                    push(l, &mut labels, &mut self.diagnostics);
                }
            }
            None => push(node, &mut labels, &mut self.diagnostics),
        }
        let mut resolved = Vec::new();
        for label in labels {
            let (text, complete) = ci::substitute_expressions(&label, lookup);
            if !complete {
                notes.push(ci::note_text(
                    "runs-on",
                    format!(
                        "{}: an expression, not evaluated; the job is simulated on an unlimited \
                         GitHub-hosted runner",
                        ci::shorten(&text)
                    ),
                    node.span,
                ));
                self.diagnostics.push(Diagnostic::new(
                    &NOT_SIMULATED,
                    node.span,
                    format!(
                        "the runner of `{job}` is computed while the workflow runs; it is \
                         simulated as an unlimited GitHub-hosted runner"
                    ),
                ));
                return None;
            }
            // A matrix value may itself be a list of labels.
            if text.starts_with('[') && text.ends_with(']') {
                resolved.extend(text[1..text.len() - 1].split(',').map(|l| l.trim().to_string()));
            } else {
                resolved.push(text);
            }
        }
        resolved.retain(|l| !l.is_empty());
        if resolved.is_empty() {
            return None;
        }
        let self_hosted = resolved.iter().any(|l| l.eq_ignore_ascii_case("self-hosted"));
        if !self_hosted && resolved.iter().all(|l| is_github_hosted(l)) {
            return None;
        }
        let demand = self.pools.demand(
            &mut self.pipeline,
            &resolved,
            node.span,
            "jobs",
            &mut self.diagnostics,
        );
        notes.push(ci::note_text("runs-on", format!("runner pool `{}`", demand.name), node.span));
        Some(demand)
    }

    /// The `needs` of a job as written: a name or a list of names.
    fn needs_list(&mut self, body: &Node) -> Vec<(String, Span)> {
        let Some(needs) = body.get("needs") else { return Vec::new() };
        let items: &[Node] = match needs.as_seq() {
            Some(items) => items,
            None if needs.is_null() => &[],
            None => std::slice::from_ref(needs),
        };
        items
            .iter()
            .filter_map(|n| {
                Some((
                    fields::text(n, "a `needs` entry", &mut self.diagnostics)?.to_string(),
                    n.span,
                ))
            })
            .collect()
    }

    /// Turns every job's `needs` into dependencies on all instances of the jobs named.
    fn resolve_needs(&mut self) {
        let by_key: HashMap<String, usize> =
            self.jobs.iter().enumerate().rev().map(|(i, j)| (j.key.to_lowercase(), i)).collect();
        let known: Vec<&str> = self.jobs.iter().map(|j| j.key.as_str()).collect();
        let mut additions: Vec<(TaskIdx, Dependency)> = Vec::new();
        for job in &self.jobs {
            let mut seen: Vec<(String, Span)> = Vec::new();
            for (name, span) in &job.needs {
                if let Some((_, first)) = seen.iter().find(|(s, _)| s.eq_ignore_ascii_case(name)) {
                    self.diagnostics.push(
                        Diagnostic::new(
                            &DUPLICATE_NEEDS,
                            *span,
                            format!("`{}` lists `{name}` twice in `needs`", job.key),
                        )
                        .with_related(*first, "first listed here"),
                    );
                    continue;
                }
                seen.push((name.clone(), *span));
                let Some(&target) = by_key.get(&name.to_lowercase()) else {
                    let mut d = Diagnostic::new(
                        &UNKNOWN_NEEDS,
                        *span,
                        format!(
                            "`{}` needs `{name}`, which is not a job of this workflow",
                            job.key
                        ),
                    );
                    d = match fields::did_you_mean(name, &known) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help(format!("the jobs are: {}", known.join(", "))),
                    };
                    self.diagnostics.push(d);
                    continue;
                };
                for &instance in &job.instances {
                    for &t in &self.jobs[target].instances {
                        additions.push((
                            instance,
                            Dependency {
                                target: Some(t),
                                name: name.clone(),
                                kind: DepKind::Needs,
                                span: *span,
                            },
                        ));
                    }
                }
            }
        }
        for (task, dep) in additions {
            self.pipeline.tasks[task.index()].deps.push(dep);
        }
    }

    /// Jobs in one concurrency group that nothing orders: they will run one at a time.
    fn check_groups(&mut self) {
        let mut by_group: Vec<(String, Vec<(TaskIdx, Span)>)> = Vec::new();
        for job in &self.jobs {
            for (&task, group) in job.instances.iter().zip(&job.groups) {
                let Some((name, span)) = group else { continue };
                match by_group.iter_mut().find(|(g, _)| g == name) {
                    Some((_, members)) => members.push((task, *span)),
                    None => by_group.push((name.clone(), vec![(task, *span)])),
                }
            }
        }
        for (group, members) in by_group {
            if members.len() < 2 {
                continue;
            }
            let tasks: Vec<TaskIdx> = members.iter().map(|&(t, _)| t).collect();
            let pipeline = &self.pipeline;
            let Some(found) = ci::serialised(pipeline, &tasks, |t| pipeline.task(t).id.clone())
            else {
                continue;
            };
            let (a, b) = (found.first, found.second);
            let mut d = Diagnostic::new(
                &SERIALIZED_GROUP,
                members[b].1,
                format!(
                    "{} share the concurrency group `{group}` and nothing orders them: they run \
                     one at a time",
                    found.listed
                ),
            )
            .with_related(
                members[a].1,
                format!("`{}` is in the same group", self.pipeline.task(tasks[a]).id),
            );
            d = if found.involved >= 3 {
                d.with_help(
                    "GitHub keeps one job running and one pending per group and cancels an older \
                     pending job when a newer one queues, so some of these may never run; give \
                     each its own group (e.g. with `${{ matrix.<name> }}`) or order them with `needs`",
                )
            } else {
                d.with_help("order them with `needs` if one must wait, or give each its own group")
            };
            self.diagnostics.push(d);
        }
    }
}

/// A job's or a step's `if:` and `continue-on-error`, read once and given to every instance.
struct Semantics {
    condition: Option<Condition>,
    /// The run condition, when `if:` is exactly a status-check function.
    when: Option<RunWhen>,
    failure: FailurePolicy,
}

impl Semantics {
    fn read(body: &Node, out: &mut Vec<Diagnostic>) -> Semantics {
        let condition = body.get("if").map(|c| Condition {
            kind: ConditionKind::GithubIf,
            text: ci::flow(c),
            span: c.span,
        });
        let when = condition.as_ref().and_then(|c| status_check(&c.text));
        let mut failure = FailurePolicy::default();
        if let Some(c) = body.get("continue-on-error") {
            let allow = match (c.as_bool(), c.as_str()) {
                (Some(true), _) => Some(AllowFailure::Yes),
                (Some(false), _) => Some(AllowFailure::No),
                (None, Some(text)) if ci::has_expression(text) => {
                    Some(AllowFailure::Expression(text.to_string()))
                }
                _ => {
                    out.push(wrong_type(
                        c,
                        "`continue-on-error`",
                        "`true`, `false` or an expression",
                    ));
                    None
                }
            };
            if let Some(allow) = allow {
                failure = FailurePolicy { allow, span: Some(c.span), ..FailurePolicy::default() };
            }
        }
        Semantics { condition, when, failure }
    }

    fn apply(&self, mut task: Task) -> Task {
        if let Some(condition) = &self.condition {
            if let Some(when) = self.when {
                task.when = when;
                task.when_span = Some(condition.span);
            }
            task.conditions.push(condition.clone());
        }
        task.failure = self.failure.clone();
        task
    }
}

/// The run condition an `if:` that is exactly a status-check function sets (GitHub adds
/// `success()` to any other expression, which is the default).
fn status_check(expression: &str) -> Option<RunWhen> {
    let text = expression.trim();
    let text = match text.strip_prefix("${{").and_then(|t| t.strip_suffix("}}")) {
        Some(inner) => inner.trim(),
        None => text,
    };
    match text.replace(' ', "").as_str() {
        "always()" | "!cancelled()" => Some(RunWhen::Always),
        "failure()" => Some(RunWhen::OnFailure),
        "success()" => Some(RunWhen::OnSuccess),
        _ => None,
    }
}

/// `timeout-minutes`, as an upper bound of a duration; an expression is kept as a note.
fn timeout_minutes(
    node: &Node,
    notes: &mut Vec<Note>,
    out: &mut Vec<Diagnostic>,
) -> Option<Millis> {
    let minutes = match node.scalar_kind() {
        Some(ScalarKind::Int(n)) => n as f64,
        Some(ScalarKind::Float(f)) => f,
        _ if node.as_str().is_some_and(ci::has_expression) => {
            notes.push(ci::note_text(
                "timeout-minutes",
                format!("{}: not evaluated", ci::shorten(&ci::flow(node))),
                node.span,
            ));
            return None;
        }
        _ => {
            out.push(wrong_type(node, "`timeout-minutes`", "a number of minutes"));
            return None;
        }
    };
    if !(minutes.is_finite() && minutes > 0.0) {
        out.push(Diagnostic::new(
            &INVALID_VALUE,
            node.span,
            "`timeout-minutes` must be a positive number of minutes; it is ignored",
        ));
        return None;
    }
    notes.push(ci::note_text(
        "timeout-minutes",
        format!("{}: an upper bound of the estimated duration", ci::flow(node)),
        node.span,
    ));
    Some(Millis((minutes.min(1e9) * 60_000.0).round() as u64))
}

/// The first line of a step, where its `-` is.
fn step_header(step: &Node) -> Span {
    match step.as_map().and_then(|e| e.first()) {
        Some((k, _)) => k.span,
        None => step.span,
    }
}

fn first_key(root: &Node) -> Span {
    match root.as_map().and_then(|e| e.first()) {
        Some((k, _)) => k.span,
        None => root.span,
    }
}
