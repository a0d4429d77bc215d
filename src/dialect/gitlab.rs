//! GitLab CI pipelines, lowered into the model (`docs/dialects/gitlab.md`).
//!
//! A job without `needs` waits for every job of all earlier stages (so an empty stage lets
//! nothing start early); `needs` replaces that wait (`needs: []` starts at once). `extends`,
//! `!reference` and `default:` are applied first, as GitLab does (`extends.rs`); `parallel`
//! makes several jobs of one definition (`parallel.rs`). `resource_group` and runner `tags`
//! become resources; `when`, `allow_failure`, `retry` and conditions become the model's typed
//! settings (`semantics.rs`), trigger and environment settings notes.

mod extends;
mod parallel;
mod semantics;

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Diagnostic, Severity};
use crate::dialect::ci::{self, Pools};
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::duration::DurationSpec;
use crate::lint::rules::{
    duplicate_needs::DUPLICATE_NEEDS, ignored_setting::IGNORED_SETTING,
    include_not_fetched::INCLUDE_NOT_FETCHED, invalid_duration::INVALID_DURATION,
    missing_field::MISSING_FIELD, needs_later_stage::NEEDS_LATER_STAGE,
    not_evaluated::NOT_EVALUATED, not_simulated::NOT_SIMULATED, serialized_group::SERIALIZED_GROUP,
    undeclared_stage::UNDECLARED_STAGE, unknown_extends::UNKNOWN_EXTENDS,
    unknown_needs::UNKNOWN_NEEDS,
};
use crate::model::Inputs;
use crate::model::{
    Condition, Demand, DepKind, Dependency, DurationSource, Format, MatrixGroup, Note, Pipeline,
    ResourceKind, Task, TaskIdx, TaskKind,
};
use crate::span::Span;
use crate::yaml::{self, Node, Value};

pub use extends::{DEFAULT_KEYS, MAX_EXTENDS_DEPTH, MAX_REFERENCE_DEPTH};
pub use parallel::{Instance, MAX_INSTANCES};

/// Top-level keys that are not jobs.
pub const GLOBAL_KEYS: &[&str] = &[
    "default",
    "include",
    "stages",
    "types",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

const JOB_KEYS: &[&str] = &[
    "after_script",
    "allow_failure",
    "artifacts",
    "before_script",
    "cache",
    "coverage",
    "dast_configuration",
    "dependencies",
    "environment",
    "extends",
    "hooks",
    "id_tokens",
    "identity",
    "image",
    "inherit",
    "interruptible",
    "manual_confirmation",
    "needs",
    "only",
    "except",
    "pages",
    "parallel",
    "release",
    "resource_group",
    "retry",
    "rules",
    "run",
    "script",
    "secrets",
    "services",
    "stage",
    "start_in",
    "tags",
    "timeout",
    "trigger",
    "variables",
    "when",
];

/// The stages of a file without `stages:`, between `.pre` and `.post`.
pub const DEFAULT_STAGES: &[&str] = &["build", "test", "deploy"];
/// The stage of a job without `stage:`.
pub const DEFAULT_STAGE: &str = "test";

/// Whether the documents of a YAML stream are a GitLab CI configuration.
pub fn looks_like(docs: &[&Node]) -> bool {
    let Some(root) = docs.first() else { return false };
    let Some(entries) = root.as_map() else { return false };
    if is_header(root) && docs.len() >= 2 {
        return true;
    }
    if let Some(stages) = root.get("stages").and_then(Node::as_seq) {
        if stages.iter().all(|s| s.as_str().is_some()) {
            return true;
        }
    }
    if ["include", "default", "workflow"].iter().any(|k| root.get(k).is_some()) {
        return true;
    }
    entries.iter().any(|(k, v)| {
        k.as_str().is_some_and(|k| k.starts_with('.')) && v.as_map().is_some()
            || ["script", "stage", "extends", "trigger"].iter().any(|key| v.get(key).is_some())
    })
}

/// Whether a document is a `spec:` header: a mapping with `spec` as its only key.
fn is_header(doc: &Node) -> bool {
    doc.as_map().is_some_and(|m| m.len() == 1) && doc.get("spec").is_some()
}

/// Whether a runner tag names a GitLab-hosted runner, which is taken as unlimited.
pub fn is_gitlab_hosted(tag: &str) -> bool {
    tag.to_ascii_lowercase().starts_with("saas-")
}

/// Reads a GitLab CI file. Never fails: returns what it could build.
pub fn read(text: &str, inputs: &Inputs) -> (Pipeline, Vec<Diagnostic>) {
    let documents = yaml::parse(text);
    let mut reader = Reader {
        pipeline: Pipeline { format: Format::GitlabCi, ..Pipeline::default() },
        diagnostics: documents.diagnostics,
        pools: Pools::new(inputs),
        includes: false,
        elsewhere: None,
        stages: Vec::new(),
        declared_stages: 0,
        global_vars: Vec::new(),
        spec_inputs: Vec::new(),
        jobs: Vec::new(),
        conditions: HashSet::new(),
        manual: Vec::new(),
    };
    let docs: Vec<&Node> = documents.docs.iter().filter(|d| !d.is_null()).collect();
    let (header, config, extra) = match docs.as_slice() {
        [first, second, rest @ ..] if first.get("spec").is_some() => {
            (Some(*first), Some(*second), rest)
        }
        [first] if first.get("spec").is_some() && first.as_map().is_some_and(|m| m.len() == 1) => {
            (Some(*first), None, &[][..])
        }
        [first, rest @ ..] => (None, Some(*first), rest),
        [] => (None, None, &[][..]),
    };
    for doc in extra {
        reader.diagnostics.push(Diagnostic::new(
            &IGNORED_SETTING,
            doc.span,
            "GitLab reads a `spec:` header and one configuration document; this document is \
             ignored",
        ));
    }
    if let Some(header) = header {
        reader.header(header);
    }
    match config {
        Some(root) => reader.configuration(root),
        None if header.is_none() && reader.diagnostics.is_empty() => {
            reader.diagnostics.push(Diagnostic::new(
                &MISSING_FIELD,
                Span::default(),
                "the file is empty; a GitLab pipeline has jobs with a `script`",
            ))
        }
        None => {}
    }
    dedup(&mut reader.diagnostics);
    (reader.pipeline, reader.diagnostics)
}

/// A diagnostic inherited by several jobs (through `extends` or `default`) is reported once.
fn dedup(diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: HashSet<(&'static str, u32, u32, String)> = HashSet::new();
    diagnostics.retain(|d| seen.insert((d.code(), d.span.start, d.span.end, d.message.clone())));
}

struct Reader<'i> {
    pipeline: Pipeline,
    diagnostics: Vec<Diagnostic>,
    pools: Pools<'i>,
    /// Whether the file has an `include:`, so that names may be defined elsewhere.
    includes: bool,
    /// Where names this file does not define may come from, when they may (see
    /// `extends::Resolver::elsewhere`).
    elsewhere: Option<&'static str>,
    /// Stage names in order: `.pre`, the declared (or default) stages, undeclared ones, `.post`.
    stages: Vec<(String, Span)>,
    /// How many of `stages` were declared (or default), `.pre` included.
    declared_stages: usize,
    global_vars: Vec<(String, String)>,
    /// `spec: inputs:` defaults, for `$[[ inputs.name ]]`.
    spec_inputs: Vec<(String, String)>,
    jobs: Vec<Job>,
    /// Conditions already reported (a template's `rules` shared by many jobs once).
    conditions: HashSet<(u32, u32)>,
    /// `when: manual` jobs: where, and whether they block later stages.
    manual: Vec<(Span, bool)>,
}

/// A job definition and the tasks it became.
struct Job {
    name: String,
    key_span: Span,
    stage: usize,
    /// Whether jobs of later stages wait for it (not so a manual job allowed to fail).
    blocking: bool,
    needs: Option<Vec<Need>>,
    /// Each task with the variables of its instance.
    instances: Vec<(TaskIdx, Instance)>,
    /// The `resource_group` of each instance.
    groups: Vec<Option<(String, Span)>>,
}

/// A member of a `resource_group`: its task, its job, and where the group is written.
type GroupMember = (TaskIdx, usize, Span);

/// A `needs` entry.
struct Need {
    name: String,
    span: Span,
    optional: bool,
    /// `parallel: matrix:` of the entry: only these instances are needed.
    matrix: Option<Vec<Vec<parallel::MatrixValue>>>,
}

impl Reader<'_> {
    fn header(&mut self, header: &Node) {
        check_keys(header, &["spec"], "the `spec:` header", &mut self.diagnostics);
        let Some(inputs) = header.get("spec").and_then(|s| s.get("inputs")).and_then(Node::as_map)
        else {
            return;
        };
        for (name, input) in inputs {
            if let (Some(name), Some(default)) = (name.as_str(), input.get("default")) {
                self.spec_inputs.push((name.to_string(), ci::flow(default)));
            }
        }
    }

    /// Replaces `$[[ inputs.name ]]` with the input's default.
    fn interpolate(&self, text: &str) -> String {
        if !text.contains("$[[") {
            return text.to_string();
        }
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("$[[") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 3..];
            let Some(end) = after.find("]]") else {
                out.push_str(&rest[start..]);
                return out;
            };
            let inner = after[..end].split('|').next().unwrap_or("").trim();
            let value = inner
                .strip_prefix("inputs.")
                .and_then(|name| self.spec_inputs.iter().find(|(n, _)| n == name))
                .map(|(_, v)| v.clone());
            match value {
                Some(v) => out.push_str(&v),
                None => out.push_str(&rest[start..start + 3 + end + 2]),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn configuration(&mut self, root: &Node) {
        let Some(entries) = root.as_map() else {
            self.diagnostics.push(wrong_type(root, "a GitLab CI file", "a mapping of jobs"));
            return;
        };
        if let Some(spec) = root.get("spec") {
            self.diagnostics.push(Diagnostic::new(
                &IGNORED_SETTING,
                spec.span,
                "`spec:` must be a header document of its own, followed by `---`; it is ignored",
            ));
        }
        let mut named: Vec<(&str, &Node)> = Vec::new();
        let mut keys: Vec<&Node> = Vec::new();
        for (key, value) in entries {
            match fields::text(key, "a job name", &mut self.diagnostics) {
                Some(name) => {
                    named.push((name, value));
                    keys.push(key);
                }
                None => continue,
            }
        }
        if let Some(include) = root.get("include") {
            self.includes = true;
            let count = include.as_seq().map_or(1, <[Node]>::len);
            self.diagnostics.push(
                Diagnostic::new(
                    &INCLUDE_NOT_FETCHED,
                    include.span,
                    format!(
                        "`include:` names {count} file{}; they are not fetched, so only the \
                         jobs of this file are simulated",
                        if count == 1 { "" } else { "s" }
                    ),
                )
                .with_help("paste the included jobs into this file to see them in the timeline"),
            );
        }
        self.elsewhere = if self.includes {
            Some("an included file, which is not read")
        } else if root.get("stages").is_none() && root.get("types").is_none() {
            Some(
                "the configuration that includes this file (it has no `stages:`, like a part made to be included)",
            )
        } else {
            None
        };
        let mut resolver = extends::Resolver::new(&named, self.elsewhere);

        if let Some(vars) = root.get("variables") {
            let vars = resolver.references(vars);
            self.global_vars = variables(&vars);
        }
        if let Some(workflow) = root.get("workflow") {
            check_keys(
                workflow,
                &["name", "rules", "auto_cancel"],
                "`workflow`",
                &mut self.diagnostics,
            );
            if let Some(name) = workflow.get("name").and_then(Node::as_str) {
                self.pipeline.name = Some(self.interpolate(name));
            }
            self.pipeline.conditions = semantics::workflow_conditions(workflow);
            for c in self.pipeline.conditions.clone() {
                self.condition(
                    &c,
                    "`workflow: rules` are not evaluated; the pipeline is assumed to run".into(),
                );
            }
        }
        self.stages(root, &mut resolver);

        // Defaults: `default:`, then the old top-level keys.
        let mut defaults: Vec<(String, Node)> = Vec::new();
        if let Some(default) = root.get("default") {
            let default = resolver.references(default);
            if default.as_map().is_none() && !default.is_null() {
                self.diagnostics.push(wrong_type(&default, "`default`", "a mapping"));
            }
            check_keys(&default, DEFAULT_KEYS, "`default`", &mut self.diagnostics);
            for key in DEFAULT_KEYS {
                if let Some(v) = default.get(key) {
                    defaults.push((key.to_string(), v.clone()));
                }
            }
        }
        for key in extends::GLOBAL_DEFAULT_KEYS {
            if let Some(v) = root.get(key) {
                if !defaults.iter().any(|(k, _)| k == key) {
                    defaults.push((key.to_string(), resolver.references(v)));
                }
            }
        }

        for (i, &(name, value)) in named.iter().enumerate() {
            if GLOBAL_KEYS.contains(&name) {
                continue;
            }
            if name.starts_with('.') {
                // A template: resolved only to report its `extends` problems.
                if value.as_map().is_some() {
                    resolver.extended(i);
                }
                continue;
            }
            if value.as_map().is_none() {
                self.diagnostics.push(wrong_type(
                    value,
                    &format!("the job `{name}`"),
                    "a mapping (hide a template by starting its name with `.`)",
                ));
                continue;
            }
            let extended = resolver.extended(i);
            let resolved = resolver.references(&extended);
            let mut scratch = Vec::new();
            let job = extends::apply_defaults(&resolved, &defaults, &mut scratch);
            self.diagnostics.extend(scratch);
            let extends_failed = resolver.diagnostics.iter().any(|d| {
                d.rule == &UNKNOWN_EXTENDS
                    && value.span.start <= d.span.start
                    && d.span.end <= value.span.end
            });
            self.job(name, keys[i], value, &job, extends_failed);
        }
        self.diagnostics.append(&mut resolver.diagnostics);
        if self.jobs.is_empty() {
            let templates = named.iter().filter(|(n, _)| n.starts_with('.')).count();
            let message = if self.includes {
                "this file has no jobs of its own; they come from included files, which are not \
                 read"
                    .to_string()
            } else if templates > 0 {
                format!(
                    "this file has no jobs, only {templates} hidden template{} (`.name`), which \
                     run only in jobs that extend them; GitLab rejects a pipeline without jobs",
                    if templates == 1 { "" } else { "s" }
                )
            } else {
                "this file has no jobs; GitLab rejects a pipeline without jobs".to_string()
            };
            self.diagnostics.push(
                Diagnostic::new(&MISSING_FIELD, first_key(root), message)
                    .with_severity(if self.includes { Severity::Info } else { Severity::Warning }),
            );
        }
        self.link();
        self.check_groups();
        self.report_manual();
    }

    /// `stages:` (or the old `types:`), between `.pre` and `.post`.
    fn stages(&mut self, root: &Node, resolver: &mut extends::Resolver) {
        self.stages.push((".pre".to_string(), Span::default()));
        match root.get("stages").or_else(|| root.get("types")) {
            Some(node) => {
                let node = resolver.references(node);
                let mut flat = Vec::new();
                flatten(&node, &mut flat);
                for item in flat {
                    let Some(name) = fields::text(&item, "a stage name", &mut self.diagnostics)
                    else {
                        continue;
                    };
                    let name = self.interpolate(name);
                    if name == ".pre"
                        || name == ".post"
                        || self.stages.iter().any(|(s, _)| *s == name)
                    {
                        continue;
                    }
                    self.stages.push((name, item.span));
                }
            }
            None => {
                for s in DEFAULT_STAGES {
                    self.stages.push((s.to_string(), Span::default()));
                }
            }
        }
        self.declared_stages = self.stages.len();
        self.stages.push((".post".to_string(), Span::default()));
    }

    /// The index of a stage, adding an undeclared one before `.post`.
    fn stage_index(&mut self, name: &str, span: Span) -> usize {
        if let Some(i) = self.stages.iter().position(|(s, _)| s == name) {
            return i;
        }
        let declared: Vec<&str> =
            self.stages[1..self.declared_stages].iter().map(|(s, _)| s.as_str()).collect();
        let mut d = Diagnostic::new(
            &UNDECLARED_STAGE,
            span,
            format!(
                "the stage `{name}` is not in `stages:`{}; it is placed after `{}`",
                if self.includes { " (an included file may declare it)" } else { "" },
                self.stages[self.stages.len() - 2].0
            ),
        );
        d = match fields::did_you_mean(name, &declared) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!("the stages are: {}", declared.join(", "))),
        };
        self.diagnostics.push(d);
        let at = self.stages.len() - 1;
        self.stages.insert(at, (name.to_string(), span));
        at
    }

    /// Reports a condition once, however many jobs share it (through a template).
    fn condition(&mut self, condition: &Condition, message: String) {
        let span = condition.span;
        if self.conditions.insert((span.start, span.end)) {
            self.diagnostics.push(Diagnostic::new(&NOT_EVALUATED, span, message));
        }
    }

    /// One job definition: its instances, resources and notes; `needs` are linked later.
    fn job(&mut self, name: &str, key: &Node, raw: &Node, job: &Node, extends_failed: bool) {
        let what = format!("the job `{name}`");
        check_keys(job, JOB_KEYS, &what, &mut self.diagnostics);
        let trigger = job.get("trigger");
        if job.get("script").is_none()
            && job.get("run").is_none()
            && trigger.is_none()
            && !extends_failed
        {
            let d = if self.includes {
                Diagnostic::new(
                    &MISSING_FIELD,
                    key.span,
                    format!(
                        "{what} has no `script`, `run` or `trigger`: it probably completes a job \
                         of the same name in an included file, which is not read"
                    ),
                )
                .with_severity(Severity::Info)
            } else {
                Diagnostic::new(
                    &MISSING_FIELD,
                    key.span,
                    format!(
                        "{what} has no `script`, `run` or `trigger`; GitLab rejects the pipeline"
                    ),
                )
                .with_severity(Severity::Warning)
                .with_help("hide a template by starting its name with `.`")
            };
            self.diagnostics.push(d);
        }
        let mut notes: Vec<Note> = Vec::new();

        // Stage.
        let (stage_name, stage_span) = match job.get("stage") {
            Some(s) => match fields::text(s, "`stage`", &mut self.diagnostics) {
                Some(t) => (self.interpolate(t), s.span),
                None => (DEFAULT_STAGE.to_string(), s.span),
            },
            None => (DEFAULT_STAGE.to_string(), key.span),
        };
        let stage = self.stage_index(&stage_name, stage_span);

        // When it runs, what its failure means, and whether later stages wait for it.
        let when = job.get("when").and_then(Node::as_str).map(|w| self.interpolate(w));
        let settings = semantics::read(job, name, when.as_deref(), key.span, &mut self.diagnostics);
        if settings.never {
            return;
        }
        if let Some(gate) = settings.gate.as_ref().filter(|g| !g.conditional) {
            self.manual.push((gate.span, gate.blocking));
        }
        for c in &settings.conditions {
            self.condition(
                c,
                format!(
                    "`{}` is not evaluated; the jobs that use it are assumed to run",
                    c.kind.key()
                ),
            );
        }
        if let Some(t) = trigger {
            let depend = t.get("strategy").and_then(Node::as_str) == Some("depend");
            notes.push(ci::note_text(
                "trigger",
                format!(
                    "{}: starts a downstream pipeline, which is not read; {}",
                    ci::shorten(&ci::flow(
                        t.get("project").or_else(|| t.get("include")).unwrap_or(t)
                    )),
                    if depend {
                        "the job waits for it (strategy: depend), simulated as this job's duration"
                    } else {
                        "the job ends once it is created"
                    }
                ),
                t.span,
            ));
        }
        if let Some(environment) = job.get("environment") {
            notes.push(ci::note("environment", environment.get("name").unwrap_or(environment)));
        }
        let timeout = match job.get("timeout") {
            Some(t) => {
                let text = self.interpolate(&ci::flow(t));
                match ci::parse_human_duration(&text) {
                    Some(ms) => {
                        notes.push(ci::note_text(
                            "timeout",
                            format!("{text}: an upper bound of the estimated duration"),
                            t.span,
                        ));
                        Some(ms)
                    }
                    None => {
                        self.diagnostics.push(Diagnostic::new(
                            &INVALID_DURATION,
                            t.span,
                            format!("`timeout: {text}` is not a duration GitLab reads; it is ignored"),
                        ).with_help("write e.g. `30m`, `1h 30m` or `3 hours`"));
                        None
                    }
                }
            }
            None => None,
        };
        let needs = self.needs(job, &mut notes);

        // Instances, each with its resources.
        let instances = parallel::instances(name, job.get("parallel"), &mut self.diagnostics);
        let job_vars = job.get("variables").map(variables).unwrap_or_default();
        let tags: Vec<(String, Span)> = match job.get("tags") {
            Some(t) if trigger.is_none() => {
                let mut flat = Vec::new();
                flatten(t, &mut flat);
                flat.iter()
                    .filter_map(|n| {
                        Some((
                            fields::text(n, "a runner tag", &mut self.diagnostics)?.to_string(),
                            n.span,
                        ))
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        let tags_span = job.get("tags").map_or(key.span, |t| t.span);
        let duration = timeout.map_or(ci::DEFAULT_DURATION, |t| t.min(ci::DEFAULT_DURATION));
        let group_text = job.get("resource_group").and_then(|g| {
            Some((fields::text(g, "`resource_group`", &mut self.diagnostics)?.to_string(), g.span))
        });
        let global_vars = self.global_vars.clone();
        let mut tasks = Vec::new();
        let mut groups = Vec::new();
        for instance in instances {
            let scopes: [&[(String, String)]; 3] = [&instance.vars, &job_vars, &global_vars];
            let mut task_notes = notes.clone();
            let mut demands: Vec<Demand> = Vec::new();
            let group = group_text
                .as_ref()
                .map(|(text, span)| (expand(&self.interpolate(text), &scopes), *span));
            if let Some((group_name, span)) = &group {
                task_notes.push(ci::note_text(
                    "resource_group",
                    if group_name.contains('$') {
                        format!("`{group_name}`: variables GitLab sets while the pipeline runs are not expanded; jobs share the group when this text is the same")
                    } else {
                        format!("`{group_name}`: one job of the group runs at a time")
                    },
                    *span,
                ));
                demands.push(ci::exclusive(
                    &mut self.pipeline,
                    group_name,
                    ResourceKind::Concurrency,
                    1,
                    *span,
                ));
            }
            groups.push(group);
            if !tags.is_empty() {
                let labels: Vec<String> = tags
                    .iter()
                    .map(|(t, _)| expand(&self.interpolate(t), &scopes))
                    .filter(|t| !t.is_empty())
                    .collect();
                if !labels.is_empty() && !labels.iter().all(|t| is_gitlab_hosted(t)) {
                    let demand = self.pools.demand(
                        &mut self.pipeline,
                        &labels,
                        tags_span,
                        "jobs",
                        &mut self.diagnostics,
                    );
                    task_notes.push(ci::note_text(
                        "tags",
                        if demand.name.contains('$') {
                            format!("runner pool `{}` (variables not expanded)", demand.name)
                        } else {
                            format!("runner pool `{}`", demand.name)
                        },
                        tags_span,
                    ));
                    demands.push(demand);
                }
            }
            let idx = self.pipeline.add_task(settings.apply(Task {
                name: (instance.name != instance.id).then(|| instance.name.clone()),
                duration: DurationSpec::Fixed(duration),
                duration_source: DurationSource::Estimated,
                demands,
                span: key.span.cover(raw.span),
                id_span: key.span,
                notes: task_notes,
                ..Task::new(instance.id.clone(), instance.id.clone(), TaskKind::Job)
            }));
            tasks.push((idx, instance));
        }
        if let Some(parallel) = job.get("parallel").filter(|_| tasks.len() > 1) {
            // GitLab has no fail-fast: the other instances go on when one fails.
            self.pipeline.matrices.push(MatrixGroup {
                members: tasks.iter().map(|(t, _)| *t).collect(),
                fail_fast: false,
                fail_fast_span: None,
                span: parallel.span,
            });
        }
        self.jobs.push(Job {
            name: name.to_string(),
            key_span: key.span,
            stage,
            blocking: settings.blocking,
            needs,
            instances: tasks,
            groups,
        });
    }

    /// The `needs` of a job as written; external needs (other projects or pipelines) are
    /// kept as notes.
    fn needs(&mut self, job: &Node, notes: &mut Vec<Note>) -> Option<Vec<Need>> {
        // A null `needs` (such as a `!reference` that could not be resolved, which is reported)
        // says nothing: the stage order applies.
        let node = job.get("needs").filter(|n| !n.is_null())?;
        let mut items = Vec::new();
        match &node.value {
            Value::Seq(_) => flatten(node, &mut items),
            _ if node.is_null() => {}
            _ => items.push(node.clone()),
        }
        let mut needs = Vec::new();
        for item in &items {
            if let Some(name) = item.as_str() {
                needs.push(Need {
                    name: self.interpolate(name),
                    span: item.span,
                    optional: false,
                    matrix: None,
                });
                continue;
            }
            if item.as_map().is_none() {
                self.diagnostics.push(wrong_type(
                    item,
                    "a `needs` entry",
                    "a job name or a mapping with `job`",
                ));
                continue;
            }
            check_keys(
                item,
                &["job", "optional", "artifacts", "parallel", "pipeline", "project", "ref"],
                "a `needs` entry",
                &mut self.diagnostics,
            );
            if item.get("project").is_some() || item.get("pipeline").is_some() {
                notes.push(ci::note_text(
                    "needs",
                    format!(
                        "{}: a job of another pipeline; not simulated",
                        ci::shorten(&ci::flow(item))
                    ),
                    item.span,
                ));
                continue;
            }
            let Some(job_node) = item.get("job") else {
                self.diagnostics.push(Diagnostic::new(
                    &MISSING_FIELD,
                    item.span,
                    "this `needs` entry has no `job`",
                ));
                continue;
            };
            let Some(name) = fields::text(job_node, "`needs: job`", &mut self.diagnostics) else {
                continue;
            };
            let optional = item.get("optional").and_then(Node::as_bool).unwrap_or(false);
            let matrix = item
                .get("parallel")
                .and_then(|p| p.get("matrix"))
                .map(|m| parallel::combinations(m, &mut self.diagnostics));
            needs.push(Need {
                name: self.interpolate(name),
                span: job_node.span,
                optional,
                matrix,
            });
        }
        Some(needs)
    }

    /// Dependencies: `needs` where written, else every blocking job of all earlier stages.
    fn link(&mut self) {
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        let mut by_instance: HashMap<&str, (usize, usize)> = HashMap::new();
        for (j, job) in self.jobs.iter().enumerate() {
            by_name.entry(job.name.as_str()).or_insert(j);
            for (k, (_, instance)) in job.instances.iter().enumerate() {
                if instance.name != job.name {
                    by_instance.entry(instance.name.as_str()).or_insert((j, k));
                }
            }
        }
        let known: Vec<&str> = self.jobs.iter().map(|j| j.name.as_str()).collect();
        // What a job without `needs` waits for, by stage: every blocking job of the earlier
        // stages. Waiting for the blocking jobs of the stage just before, and for what one of
        // them without `needs` does not already wait for, is the same in time and keeps the
        // number of dependencies linear in the usual case.
        let mut stage_waits: Vec<Vec<TaskIdx>> = vec![Vec::new(); self.stages.len()];
        for stage in 1..self.stages.len() {
            let before = stage - 1;
            let blocking: Vec<&Job> =
                self.jobs.iter().filter(|k| k.stage == before && k.blocking).collect();
            let mut waits: Vec<TaskIdx> = if blocking.iter().any(|k| k.needs.is_none()) {
                Vec::new()
            } else {
                stage_waits[before].clone()
            };
            waits.extend(blocking.iter().flat_map(|k| k.instances.iter().map(|(t, _)| *t)));
            stage_waits[stage] = waits;
        }
        let mut additions: Vec<(TaskIdx, Dependency)> = Vec::new();
        let mut diagnostics = Vec::new();
        let mut extra_notes: Vec<(usize, Note)> = Vec::new();
        for (j, job) in self.jobs.iter().enumerate() {
            let targets: Vec<(TaskIdx, String, Span, DepKind)> = match &job.needs {
                Some(needs) => {
                    let mut targets = Vec::new();
                    let mut seen: Vec<(&str, Span)> = Vec::new();
                    for need in needs {
                        if need.matrix.is_none() {
                            if let Some(&(_, first)) = seen.iter().find(|(n, _)| *n == need.name) {
                                diagnostics.push(
                                    Diagnostic::new(
                                        &DUPLICATE_NEEDS,
                                        need.span,
                                        format!(
                                            "`{}` lists `{}` twice in `needs`",
                                            job.name, need.name
                                        ),
                                    )
                                    .with_related(first, "first listed here")
                                    .with_help(
                                        "GitLab rejects a job that needs the same job twice",
                                    ),
                                );
                                continue;
                            }
                            seen.push((&need.name, need.span));
                        }
                        let (k, only): (usize, Option<usize>) = match by_name
                            .get(need.name.as_str())
                        {
                            Some(&k) => (k, None),
                            None => match by_instance.get(need.name.as_str()) {
                                Some(&(k, i)) => (k, Some(i)),
                                None => {
                                    if need.optional {
                                        extra_notes.push((j, ci::note_text("needs", format!("`{}` (optional) is not in this pipeline; ignored", need.name), need.span)));
                                    } else {
                                        let mut d = Diagnostic::new(
                                            &UNKNOWN_NEEDS,
                                            need.span,
                                            match self.elsewhere {
                                                Some(place) => format!(
                                                    "`{}` needs `{}`, which is not a job of this file; it may come from {place}",
                                                    job.name, need.name
                                                ),
                                                None => format!(
                                                    "`{}` needs `{}`, which is not a job of this pipeline",
                                                    job.name, need.name
                                                ),
                                            },
                                        );
                                        if self.elsewhere.is_some() {
                                            d = d.with_severity(Severity::Warning);
                                        }
                                        d = match fields::did_you_mean(&need.name, &known) {
                                            Some(s) => d.with_help(format!("did you mean `{s}`?")),
                                            None if need.name.starts_with('.') => d.with_help("a name starting with `.` is a hidden template, not a job"),
                                            None => d.with_help("add `optional: true` if the job is not always in the pipeline"),
                                        };
                                        diagnostics.push(d);
                                    }
                                    continue;
                                }
                            },
                        };
                        let target = &self.jobs[k];
                        let declared = |stage: usize| {
                            stage < self.declared_stages || stage == self.stages.len() - 1
                        };
                        if target.stage > job.stage && declared(target.stage) && declared(job.stage)
                        {
                            diagnostics.push(
                                Diagnostic::new(
                                    &NEEDS_LATER_STAGE,
                                    need.span,
                                    format!(
                                        "`{}` (stage `{}`) needs `{}`, which is in the later stage `{}`; GitLab rejects the pipeline",
                                        job.name, self.stages[job.stage].0, target.name, self.stages[target.stage].0
                                    ),
                                )
                                .with_related(target.key_span, format!("`{}` is defined here", target.name))
                                .with_help("move one of the two jobs to another stage, or remove this `needs` entry"),
                            );
                        }
                        let mut matched = 0;
                        for (i, (t, instance)) in target.instances.iter().enumerate() {
                            if only.is_some_and(|o| o != i) {
                                continue;
                            }
                            if let Some(matrix) = &need.matrix {
                                let fits = matrix.iter().any(|combination| {
                                    combination.iter().all(|v| {
                                        instance
                                            .vars
                                            .iter()
                                            .any(|(n, x)| *n == v.name && *x == v.value)
                                    })
                                });
                                if !fits {
                                    continue;
                                }
                            }
                            matched += 1;
                            targets.push((*t, need.name.clone(), need.span, DepKind::Needs));
                        }
                        if matched == 0 && need.matrix.is_some() {
                            diagnostics.push(Diagnostic::new(
                                &UNKNOWN_NEEDS,
                                need.span,
                                format!("`{}` needs instances of `{}` that its `parallel: matrix` does not make", job.name, need.name),
                            ));
                        }
                    }
                    targets
                }
                None => stage_waits[job.stage]
                    .iter()
                    .map(|&t| {
                        (t, self.pipeline.task(t).id.clone(), job.key_span, DepKind::Sequence)
                    })
                    .collect(),
            };
            for (task, _) in &job.instances {
                for (target, name, span, kind) in &targets {
                    additions.push((
                        *task,
                        Dependency {
                            target: Some(*target),
                            name: name.clone(),
                            kind: *kind,
                            span: *span,
                        },
                    ));
                }
            }
        }
        for (task, dep) in additions {
            self.pipeline.tasks[task.index()].deps.push(dep);
        }
        for (j, note) in extra_notes {
            for (task, _) in &self.jobs[j].instances {
                self.pipeline.tasks[task.index()].notes.push(note.clone());
            }
        }
        self.diagnostics.extend(diagnostics);
    }

    /// Jobs of one `resource_group` that nothing orders: they will run one at a time.
    fn check_groups(&mut self) {
        let mut by_group: Vec<(String, Vec<GroupMember>)> = Vec::new();
        for (j, job) in self.jobs.iter().enumerate() {
            for ((task, _), group) in job.instances.iter().zip(&job.groups) {
                let Some((name, span)) = group else { continue };
                match by_group.iter_mut().find(|(g, _)| g == name) {
                    Some((_, members)) => members.push((*task, j, *span)),
                    None => by_group.push((name.clone(), vec![(*task, j, *span)])),
                }
            }
        }
        for (group, members) in by_group {
            if members.len() < 2 {
                continue;
            }
            let tasks: Vec<TaskIdx> = members.iter().map(|m| m.0).collect();
            let pipeline = &self.pipeline;
            let Some(found) =
                ci::serialised(pipeline, &tasks, |t| pipeline.task(t).label().to_string())
            else {
                continue;
            };
            let (a, b) = (found.first, found.second);
            let (ja, jb) = (&self.jobs[members[a].1], &self.jobs[members[b].1]);
            let same_stage = if ja.stage == jb.stage {
                format!(" are in the stage `{}`,", self.stages[ja.stage].0)
            } else {
                String::new()
            };
            self.diagnostics.push(
                Diagnostic::new(
                    &SERIALIZED_GROUP,
                    members[b].2,
                    format!(
                        "{}{same_stage} share `resource_group: {group}` and neither needs the other: they run one at a time",
                        found.listed
                    ),
                )
                .with_related(members[a].2, format!("`{}` is in the same group", self.pipeline.task(tasks[a]).label()))
                .with_help("order them with `needs` to say which goes first, or use separate groups if they may overlap"),
            );
        }
    }

    fn report_manual(&mut self) {
        let Some(&(first, _)) = self.manual.first() else { return };
        let n = self.manual.len();
        let blocking = self.manual.iter().filter(|(_, b)| *b).count();
        self.diagnostics.push(Diagnostic::new(
            &NOT_SIMULATED,
            first,
            format!(
                "{n} manual job{} simulated as started by hand the moment {} may start{}",
                if n == 1 { " is" } else { "s are" },
                if n == 1 { "it" } else { "they" },
                match blocking {
                    0 => "; none blocks later stages (manual jobs allow failure by default)"
                        .to_string(),
                    b if b == n =>
                        "; later stages wait for them (allow_failure: false)".to_string(),
                    b => format!("; {b} of them block later stages (allow_failure: false)"),
                }
            ),
        ));
    }
}

fn first_key(root: &Node) -> Span {
    match root.as_map().and_then(|e| e.first()) {
        Some((k, _)) => k.span,
        None => root.span,
    }
}

/// The items of a list, with nested lists (from `!reference`) spliced in.
fn flatten(node: &Node, out: &mut Vec<Node>) {
    match node.as_seq() {
        Some(items) => {
            for item in items {
                if item.as_seq().is_some() {
                    flatten(item, out);
                } else {
                    out.push(item.clone());
                }
            }
        }
        None if node.is_null() => {}
        None => out.push(node.clone()),
    }
}

/// `variables:` as name → value text (`{value: ...}` forms included).
fn variables(node: &Node) -> Vec<(String, String)> {
    let Some(entries) = node.as_map() else { return Vec::new() };
    entries
        .iter()
        .filter_map(|(k, v)| {
            let value = match v.get("value") {
                Some(inner) => inner.as_str()?,
                None => v.as_str()?,
            };
            Some((k.as_str()?.to_string(), value.to_string()))
        })
        .collect()
}

/// Expands `$NAME` and `${NAME}` from the first scope that defines it; unknown variables stay.
fn expand(text: &str, scopes: &[&[(String, String)]]) -> String {
    let mut current = text.to_string();
    for _ in 0..5 {
        if !current.contains('$') {
            break;
        }
        let next = expand_once(&current, scopes);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn expand_once(text: &str, scopes: &[&[(String, String)]]) -> String {
    let lookup = |name: &str| {
        scopes
            .iter()
            .find_map(|scope| scope.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()))
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        match (name.is_empty(), lookup(name)) {
            (false, Some(value)) => out.push_str(&value),
            _ => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_expand_from_the_nearest_scope() {
        let instance = vec![("OS".to_string(), "linux".to_string())];
        let job = vec![("TAG".to_string(), "runner-$OS".to_string())];
        let global = vec![("OS".to_string(), "windows".to_string())];
        let scopes: [&[(String, String)]; 3] = [&instance, &job, &global];
        assert_eq!(expand("${TAG}-x $UNKNOWN $", &scopes), "runner-linux-x $UNKNOWN $");
    }
}
