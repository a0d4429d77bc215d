//! Harness pipelines (NG YAML, as Harness exports them), lowered into the model. What is read
//! and how each construct is lowered is documented in `docs/dialects/harness.md`.
//!
//! - `pipeline.stages`: `- stage:` and `- parallel:` items, in order; a parallel group's
//!   members start together. Stage `dependsOn` (DAG pipelines) replaces the order.
//! - In a stage, `spec.execution.steps`: `- step:`, `- parallel:` and `- stepGroup:` (with its
//!   own steps), in order. `rollbackSteps` are listed as a note: they run only on failure.
//! - Ids: the stage `identifier`; steps `stage/step`; step groups `stage/group/step`.
//! - Looping strategies expand into instances ([`strategy`]); the automatic deployment lock,
//!   Queue steps, Barrier steps and `dependsOn` are in [`flow`].
//! - Durations: real files have none. A step takes [`DEFAULT_STEP_DURATION`], or its
//!   `timeout` when shorter, marked estimated; a Wait step takes its `duration`.
//!
//! Diagnostics about a looped item are reported once, not once per instance: while the second
//! and later instances are lowered, [`Reader::mute`] sends them to a sink.

mod flow;
mod semantics;
pub mod strategy;

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::duration::{self, DurationSpec, Millis};
use crate::lint::rules::{
    external_template::EXTERNAL_TEMPLATE, invalid_duration::INVALID_DURATION,
    missing_field::MISSING_FIELD, not_a_pipeline::NOT_A_PIPELINE, not_evaluated::NOT_EVALUATED,
    unexpanded_loop::UNEXPANDED_LOOP, unknown_key::UNKNOWN_KEY,
};
use crate::model::{
    Demand, DepKind, Dependency, DurationSource, Format, GateKind, ManualGate, MatrixGroup, Note,
    ParallelGroup, Pipeline, Resource, ResourceIdx, ResourceKind, Task, TaskIdx, TaskKind,
};
use crate::span::Span;
use crate::yaml::{self, Node};

use strategy::Instance;

/// What a step takes when the file says nothing (bounded by its `timeout`).
pub use crate::model::DEFAULT_DURATION as DEFAULT_STEP_DURATION;
/// How deeply step groups and parallel blocks may nest.
const MAX_DEPTH: u32 = 32;
/// Expansion stops adding instances beyond this many tasks.
pub const MAX_TASKS: usize = 20_000;

// Keys: what we read, then what Harness defines that does not change the timeline.
const PIPELINE_KEYS: &[&str] = &[
    "name",
    "identifier",
    "stages",
    "flowControl",
    "template",
    "projectIdentifier",
    "orgIdentifier",
    "tags",
    "description",
    "properties",
    "variables",
    "allowStageExecutions",
    "delegateSelectors",
    "notificationRules",
    "timeout",
    "fixedInputsOnRerun",
    "labels",
    "gitConfig",
    "versionLabel",
];
const TEMPLATE_KEYS: &[&str] = &[
    "name",
    "identifier",
    "versionLabel",
    "type",
    "spec",
    "projectIdentifier",
    "orgIdentifier",
    "tags",
    "description",
    "icon",
    "gitDetails",
];
const STAGE_KEYS: &[&str] = &[
    "name",
    "identifier",
    "type",
    "spec",
    "dependsOn",
    "strategy",
    "when",
    "failureStrategies",
    "template",
    "description",
    "tags",
    "variables",
    "delegateSelectors",
    "timeout",
    "skipCondition",
    "skipInstances",
];
const STAGE_SPEC_KEYS: &[&str] = &[
    "execution",
    "service",
    "serviceConfig",
    "services",
    "environment",
    "environments",
    "environmentGroup",
    "infrastructure",
    "deploymentType",
    "cloneCodebase",
    "platform",
    "runtime",
    "caching",
    "buildIntelligence",
    "cache",
    "sharedPaths",
    "serviceDependencies",
    "gitOpsEnabled",
    "org",
    "project",
    "pipeline",
    "inputs",
    "outputs",
    "slsa_provenance",
    "customStageEnvironment",
    "variables",
    "timeout",
];
const EXECUTION_KEYS: &[&str] = &["steps", "rollbackSteps"];
const STEP_KEYS: &[&str] = &[
    "identifier",
    "name",
    "type",
    "spec",
    "timeout",
    "when",
    "failureStrategies",
    "strategy",
    "template",
    "description",
    "enforce",
    "delegateSelectors",
    "outputs",
    "volumes",
    "envVariables",
];
const STEP_GROUP_KEYS: &[&str] = &[
    "identifier",
    "name",
    "steps",
    "rollbackSteps",
    "when",
    "failureStrategies",
    "strategy",
    "template",
    "stepGroupInfra",
    "sharedPaths",
    "delegateSelectors",
    "variables",
    "timeout",
    "description",
];
/// Root keys of Harness files that are not pipelines, and what to call them.
const ENTITIES: &[(&str, &str)] = &[
    ("infrastructureDefinition", "an infrastructure definition"),
    ("service", "a service definition"),
    ("environment", "an environment definition"),
    ("environmentGroup", "an environment group"),
    ("connector", "a connector"),
    ("inputSet", "an input set"),
    ("overlayInputSet", "an overlay input set"),
    ("trigger", "a trigger"),
    ("secret", "a secret"),
    ("variable", "a variable"),
    ("policy", "a policy"),
];

/// Whether the text looks like a Harness file: a Harness root key (`pipeline`, `template`, a
/// `stages` fragment, an entity such as `infrastructureDefinition`) and `identifier:` keys,
/// which Harness writes everywhere and the native format never uses (it says `id:`).
pub fn looks_like(text: &str) -> bool {
    let mut root_indent = usize::MAX;
    let mut roots: Vec<(usize, &str)> = Vec::new();
    let mut has_identifier = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let item = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        if item.starts_with("identifier:") {
            has_identifier = true;
        }
        if trimmed.starts_with('-') {
            continue;
        }
        if let Some((key, _)) = trimmed.split_once(':') {
            if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                root_indent = root_indent.min(indent);
                roots.push((indent, key));
            }
        }
    }
    let root_keys = roots.iter().filter(|(i, _)| *i == root_indent).map(|(_, k)| *k);
    let harness_root = |k: &str| {
        matches!(k, "pipeline" | "template" | "stages")
            || ENTITIES.iter().any(|(name, _)| *name == k)
    };
    has_identifier && root_keys.into_iter().any(harness_root)
}

/// Reads a Harness file. Never fails: returns what it could build.
pub fn read(text: &str) -> (Pipeline, Vec<Diagnostic>) {
    let documents = yaml::parse(text);
    let mut reader = Reader {
        pipeline: Pipeline { format: Format::Harness, ..Pipeline::default() },
        diagnostics: documents.diagnostics,
        sink: Vec::new(),
        mute: 0,
        stages_by_id: HashMap::new(),
        depends: Vec::new(),
        barriers: Vec::new(),
        barrier_decls: Vec::new(),
        queues_held: Vec::new(),
        locks: HashMap::new(),
        deploy_targets: HashMap::new(),
        budget_reported: false,
        approximations: Vec::new(),
    };
    match documents.docs.iter().find(|d| !d.is_null()) {
        Some(root) => reader.root(root),
        None if reader.diagnostics.is_empty() => reader.diagnostics.push(Diagnostic::new(
            &MISSING_FIELD,
            Span::default(),
            "the file is empty; a Harness pipeline starts with `pipeline:`",
        )),
        None => {}
    }
    reader.inherit_failure_strategies();
    reader.finish();
    (reader.pipeline, reader.diagnostics)
}

/// Names as written, with where.
type Names = Vec<(String, Span)>;

/// Where a Barrier step was used.
struct BarrierUse {
    reference: String,
    span: Span,
    /// `None` in rollback steps, which are not lowered.
    task: Option<TaskIdx>,
}

/// The context of the steps being lowered: the stage instance they belong to.
#[derive(Clone, Default)]
struct Scope {
    /// The stage's full id (for Queue steps and messages).
    stage: String,
    /// Expression → value, innermost first: `<+matrix.env>` → `prod`.
    values: Vec<(String, String)>,
}

impl Scope {
    fn substitute(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (expression, value) in &self.values {
            if out.contains(expression.as_str()) {
                out = out.replace(expression.as_str(), value);
            }
        }
        out
    }

    fn with(&self, instance: &Instance, stage_level: bool) -> Scope {
        let mut values: Vec<(String, String)> = Vec::new();
        for (k, v) in &instance.values {
            values.push((k.clone(), v.clone()));
            if stage_level {
                if let Some(name) = k.strip_prefix("<+matrix.") {
                    values.push((format!("<+stage.matrix.{name}"), v.clone()));
                }
            }
        }
        values.extend(self.values.iter().cloned());
        Scope { stage: self.stage.clone(), values }
    }
}

pub(crate) struct Reader {
    pipeline: Pipeline,
    diagnostics: Vec<Diagnostic>,
    /// Where diagnostics go while later instances of a looped item are lowered.
    sink: Vec<Diagnostic>,
    mute: u32,
    /// Stage identifier → its instances, for `dependsOn`.
    stages_by_id: HashMap<String, Vec<TaskIdx>>,
    /// `dependsOn` lists, resolved once every stage exists.
    depends: Vec<(Vec<TaskIdx>, Names)>,
    barriers: Vec<BarrierUse>,
    barrier_decls: Vec<(String, Span)>,
    /// Queue keys held by the stage instance being lowered (Harness acquires them once).
    queues_held: Vec<String>,
    /// Lock name → resource: the automatic deployment locks and the Queue keys.
    locks: HashMap<String, ResourceIdx>,
    /// Stage identifier → (service, environment, infrastructure) it deploys, for
    /// `useFromStage`.
    deploy_targets: HashMap<String, flow::Targets>,
    budget_reported: bool,
    /// Approximations already explained, so that each is said once.
    approximations: Vec<&'static str>,
}

/// What a list item is: its key (`stage`, `step`, `stepGroup`, `parallel`) and body.
enum Item<'n> {
    Single { key: &'n Node, kind: &'n str, body: &'n Node },
    Parallel { key: &'n Node, body: &'n Node },
}

impl Reader {
    fn out(&mut self) -> &mut Vec<Diagnostic> {
        if self.mute > 0 { &mut self.sink } else { &mut self.diagnostics }
    }

    fn report(&mut self, d: Diagnostic) {
        self.out().push(d);
    }

    fn check_keys(&mut self, node: &Node, known: &[&str], context: &str) {
        let out = if self.mute > 0 { &mut self.sink } else { &mut self.diagnostics };
        check_keys(node, known, context, out);
        self.sink.clear();
    }

    fn text<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        fields::text(node, what, self.out())
    }

    // -----------------------------------------------------------------------------------------
    // Roots

    fn root(&mut self, root: &Node) {
        if root.as_map().is_none() {
            self.report(wrong_type(
                root,
                "a Harness file",
                "a mapping that starts with `pipeline:`",
            ));
            return;
        }
        if let Some(pipeline) = root.get("pipeline") {
            if pipeline.is_null() && root.get("stages").is_some() {
                // The pipeline's fields were written beside `pipeline:` instead of under it.
                let span = key_span(root, "pipeline").unwrap_or(root.span);
                self.report(
                    Diagnostic::new(
                        &crate::lint::rules::wrong_type::WRONG_TYPE,
                        span,
                        "`pipeline:` is empty and its fields (`stages`, `identifier`, ...) are beside it: Harness rejects this file; it is read as if they were under `pipeline:`",
                    )
                    .with_help("indent the keys after `pipeline:` under it"),
                );
                let mut known: Vec<&str> = PIPELINE_KEYS.to_vec();
                known.push("pipeline");
                self.check_keys(root, &known, "the file");
                self.pipeline_body(root);
                return;
            }
            self.check_keys(root, &["pipeline"], "the file");
            if pipeline.as_map().is_none() {
                self.report(wrong_type(pipeline, "`pipeline`", "a mapping"));
                return;
            }
            self.pipeline_body(pipeline);
        } else if let Some(template) = root.get("template") {
            self.check_keys(root, &["template"], "the file");
            self.template(template);
        } else if root.get("stages").is_some() {
            // A fragment of a pipeline (a template's stages): read as a pipeline.
            self.check_keys(root, PIPELINE_KEYS, "the pipeline fragment");
            self.pipeline_body(root);
        } else if let Some((key, what)) = root.as_map().and_then(|entries| {
            entries.iter().find_map(|(k, _)| {
                let name = k.as_str()?;
                ENTITIES.iter().find(|(e, _)| *e == name).map(|(_, what)| (k, *what))
            })
        }) {
            self.not_a_pipeline(root, key, what);
        } else {
            let first = root.as_map().and_then(|e| e.first()).map_or(root.span, |(k, _)| k.span);
            self.report(Diagnostic::new(
                &MISSING_FIELD,
                first,
                "no `pipeline:` key; a Harness pipeline file starts with `pipeline:` (or `template:`)",
            ));
        }
    }

    fn not_a_pipeline(&mut self, root: &Node, key: &Node, what: &str) {
        let name = key.as_str().unwrap_or("");
        let body = root.get(name);
        let identifier = body.and_then(|b| b.get("identifier")).and_then(Node::as_str);
        let mut message = format!(
            "this is {what}{}, not a pipeline: there is nothing to run",
            identifier.map(|i| format!(" (`{i}`)")).unwrap_or_default()
        );
        if name == "infrastructureDefinition" {
            let simultaneous = body
                .and_then(|b| b.get("allowSimultaneousDeployments"))
                .and_then(Node::as_bool)
                .unwrap_or(false);
            message.push_str(if simultaneous {
                ". It allows simultaneous deployments: stages deploying a service to it do not queue"
            } else {
                ". It does not allow simultaneous deployments: stages deploying the same service to it run one at a time"
            });
        }
        self.report(Diagnostic::new(&NOT_A_PIPELINE, key.span, message));
    }

    fn template(&mut self, template: &Node) {
        if template.as_map().is_none() {
            self.report(wrong_type(template, "`template`", "a mapping"));
            return;
        }
        self.check_keys(template, TEMPLATE_KEYS, "`template`");
        let kind = template.get("type").and_then(Node::as_str).unwrap_or("");
        let Some(spec) = template.get("spec") else {
            self.report(Diagnostic::new(
                &MISSING_FIELD,
                key_span(template, "type").unwrap_or(template.span),
                "the template has no `spec:`, so there is nothing to run",
            ));
            return;
        };
        match kind {
            "Pipeline" => {
                if self.pipeline.name.is_none() {
                    self.pipeline.name =
                        template.get("name").and_then(Node::as_str).map(str::to_string);
                }
                self.check_keys(spec, PIPELINE_KEYS, "the pipeline template's `spec`");
                self.pipeline_body(spec);
            }
            "Stage" => {
                self.pipeline.name =
                    template.get("name").and_then(Node::as_str).map(str::to_string);
                let key = key_span(template, "spec").unwrap_or(template.span);
                let identity = Identity::from_template(template);
                self.stage(key, spec, Some(identity), &[]);
            }
            "StepGroup" | "Step" => {
                self.pipeline.name =
                    template.get("name").and_then(Node::as_str).map(str::to_string);
                let key = key_span(template, "spec").unwrap_or(template.span);
                let identity = Identity::from_template(template);
                let scope = Scope::default();
                if kind == "Step" {
                    self.step(key, spec, Some(identity), None, "", &[], &scope);
                } else {
                    self.step_group(key, spec, Some(identity), None, "", &[], &scope, 0);
                }
            }
            other => {
                let key = template
                    .as_map()
                    .and_then(|e| e.first())
                    .map_or(template.span, |(k, _)| k.span);
                self.report(Diagnostic::new(
                    &NOT_A_PIPELINE,
                    key,
                    format!("this is a Harness template of type `{other}`, not a pipeline, stage or step group: there is nothing to run"),
                ));
            }
        }
    }

    fn pipeline_body(&mut self, body: &Node) {
        if self.pipeline.name.is_none() {
            self.pipeline.name = body
                .get("name")
                .or_else(|| body.get("identifier"))
                .and_then(Node::as_str)
                .map(str::to_string);
        }
        if let Some(barriers) =
            body.get("flowControl").and_then(|f| f.get("barriers")).and_then(Node::as_seq)
        {
            for b in barriers {
                if let Some(id) = b.get("identifier").and_then(Node::as_str) {
                    self.barrier_decls.push((id.to_string(), b.span));
                }
            }
        }
        if let Some(template) = body.get("template") {
            self.report(Diagnostic::new(
                &EXTERNAL_TEMPLATE,
                key_span(body, "template").unwrap_or(template.span),
                format!(
                    "the pipeline comes from the template `{}`, which is not in this file: there is nothing to run",
                    template.get("templateRef").and_then(Node::as_str).unwrap_or("?")
                ),
            ));
            return;
        }
        match body.get("stages") {
            Some(stages) => {
                let items = fields::list(stages, "`stages`", self.out());
                self.stages(items);
            }
            None => {
                let span = key_span(body, "identifier")
                    .or_else(|| key_span(body, "name"))
                    .unwrap_or(body.span);
                self.report(Diagnostic::new(
                    &MISSING_FIELD,
                    span,
                    "the pipeline has no `stages:`, so there is nothing to run",
                ));
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Lists

    fn item<'n>(&mut self, item: &'n Node, kinds: &[&str], what: &str) -> Option<Item<'n>> {
        let Some(entries) = item.as_map() else {
            self.report(wrong_type(
                item,
                &format!("an item of `{what}`"),
                &format!("a mapping with `{}`", kinds.join("`, `")),
            ));
            return None;
        };
        let found = entries
            .iter()
            .find(|(k, _)| k.as_str().is_some_and(|k| k == "parallel" || kinds.contains(&k)));
        let Some((key, body)) = found else {
            let (first, _) = entries.first()?;
            let mut known: Vec<&str> = kinds.to_vec();
            known.push("parallel");
            let mut d = Diagnostic::new(
                &MISSING_FIELD,
                first.span,
                format!("this item of `{what}` has no `{}` key", known.join("`, `")),
            );
            if let Some(k) = first.as_str().and_then(|k| fields::did_you_mean(k, &known)) {
                d = d.with_help(format!("did you mean `{k}`?"));
            }
            self.report(d);
            return None;
        };
        // Harness's editor writes `contextType` beside items of templates; it is not a setting.
        let beside = |k: &Node| !std::ptr::eq(k, key) && k.as_str() != Some("contextType");
        for (other, _) in entries.iter().filter(|(k, _)| beside(k)) {
            let name = other.as_str().unwrap_or("?");
            let k = key.as_str().unwrap_or("");
            self.report(
                Diagnostic::new(
                    &UNKNOWN_KEY,
                    other.span,
                    format!("`{name}` sits beside `{k}:` instead of inside it; it is ignored"),
                )
                .with_help(format!("indent `{name}` under `{k}:`")),
            );
        }
        Some(match key.as_str() {
            Some("parallel") => Item::Parallel { key, body },
            Some(kind) => Item::Single { key, kind, body },
            None => return None,
        })
    }

    fn stages(&mut self, items: &[Node]) {
        let dag = items.iter().any(|item| {
            let has = |n: &Node| n.get("stage").is_some_and(|s| s.get("dependsOn").is_some());
            has(item)
                || item.get("parallel").and_then(Node::as_seq).is_some_and(|m| m.iter().any(has))
        });
        let mut previous: Vec<TaskIdx> = Vec::new();
        for item in items {
            let waits: Vec<TaskIdx> = if dag { Vec::new() } else { previous.clone() };
            let block = match self.item(item, &["stage"], "stages") {
                Some(Item::Single { key, body, .. }) => self.stage(key.span, body, None, &waits),
                Some(Item::Parallel { key, body }) => {
                    if dag {
                        self.report(Diagnostic::new(
                            &crate::lint::rules::ignored_setting::IGNORED_SETTING,
                            key.span,
                            "`parallel` has no effect in a DAG pipeline (stages with `dependsOn`): only `dependsOn` decides when a stage starts",
                        ));
                    }
                    let members = self.parallel_stages(body, &waits, 0);
                    self.pipeline
                        .parallel_groups
                        .push(ParallelGroup { members: members.clone(), span: key.span });
                    members
                }
                None => Vec::new(),
            };
            if !block.is_empty() {
                previous = block;
            }
        }
    }

    fn parallel_stages(&mut self, body: &Node, waits: &[TaskIdx], depth: u32) -> Vec<TaskIdx> {
        let mut members = Vec::new();
        if depth > MAX_DEPTH {
            self.report(Diagnostic::new(
                &crate::lint::rules::invalid_value::INVALID_VALUE,
                body.span,
                format!("`parallel` nests more than {MAX_DEPTH} deep; the rest is left out"),
            ));
            return members;
        }
        for item in fields::list(body, "`parallel`", self.out()) {
            match self.item(item, &["stage"], "parallel") {
                Some(Item::Single { key, body, .. }) => {
                    members.extend(self.stage(key.span, body, None, waits))
                }
                Some(Item::Parallel { body, .. }) => {
                    members.extend(self.parallel_stages(body, waits, depth + 1))
                }
                None => {}
            }
        }
        members
    }

    /// Lowers a list of steps under `parent`, chaining each item to the previous one.
    #[allow(clippy::too_many_arguments)]
    fn steps(
        &mut self,
        items: &[Node],
        parent: Option<TaskIdx>,
        path: &str,
        waits: &[TaskIdx],
        scope: &Scope,
        depth: u32,
        container: Container,
    ) -> Vec<TaskIdx> {
        let mut previous: Vec<TaskIdx> = waits.to_vec();
        for (position, item) in items.iter().enumerate() {
            let block = match self.item(item, &["step", "stepGroup"], "steps") {
                Some(Item::Single { key, kind: "step", body }) => {
                    if let Some(block) = self.queue_region(
                        key, body, items, position, parent, path, &previous, scope, depth,
                        container,
                    ) {
                        return block;
                    }
                    self.step(key.span, body, None, parent, path, &previous, scope)
                }
                Some(Item::Single { key, body, .. }) => {
                    self.step_group(key.span, body, None, parent, path, &previous, scope, depth + 1)
                }
                Some(Item::Parallel { key, body }) => {
                    let members =
                        self.parallel_steps(body, parent, path, &previous, scope, depth + 1);
                    self.pipeline
                        .parallel_groups
                        .push(ParallelGroup { members: members.clone(), span: key.span });
                    members
                }
                None => Vec::new(),
            };
            if !block.is_empty() {
                previous = block;
            }
        }
        previous
    }

    fn parallel_steps(
        &mut self,
        body: &Node,
        parent: Option<TaskIdx>,
        path: &str,
        waits: &[TaskIdx],
        scope: &Scope,
        depth: u32,
    ) -> Vec<TaskIdx> {
        let mut members = Vec::new();
        if depth > MAX_DEPTH {
            self.report(Diagnostic::new(
                &crate::lint::rules::invalid_value::INVALID_VALUE,
                body.span,
                format!("steps nest more than {MAX_DEPTH} deep; the rest is left out"),
            ));
            return members;
        }
        for item in fields::list(body, "`parallel`", self.out()) {
            match self.item(item, &["step", "stepGroup"], "parallel") {
                Some(Item::Single { key, kind: "step", body }) => {
                    if flow::is_queue(body) {
                        self.approximate(
                            "queue-in-parallel",
                            key.span,
                            "a Queue step inside `parallel:` is simulated as holding its key for no time: the lock it takes until the end of the stage is not modelled",
                        );
                    }
                    members.extend(self.step(key.span, body, None, parent, path, waits, scope))
                }
                Some(Item::Single { key, body, .. }) => members.extend(self.step_group(
                    key.span,
                    body,
                    None,
                    parent,
                    path,
                    waits,
                    scope,
                    depth + 1,
                )),
                Some(Item::Parallel { body, .. }) => {
                    members.extend(self.parallel_steps(body, parent, path, waits, scope, depth + 1))
                }
                None => {}
            }
        }
        members
    }

    // -----------------------------------------------------------------------------------------
    // Stages

    /// Lowers a stage (all its instances when it loops); returns its tasks.
    fn stage(
        &mut self,
        key: Span,
        body: &Node,
        identity: Option<Identity>,
        waits: &[TaskIdx],
    ) -> Vec<TaskIdx> {
        if body.as_map().is_none() {
            self.report(wrong_type(body, "a `stage`", "a mapping with an `identifier`"));
            return Vec::new();
        }
        self.check_keys(body, STAGE_KEYS, "a stage");
        let identity = match identity {
            Some(i) => i,
            None => self.identity(key, body, "stage"),
        };
        let stage_type = body.get("type").and_then(Node::as_str).unwrap_or("");
        let spec = body.get("spec");
        if let Some(spec) = spec.filter(|_| {
            matches!(stage_type, "Deployment" | "CI" | "Custom" | "Approval" | "Pipeline")
        }) {
            self.check_keys(spec, STAGE_SPEC_KEYS, &format!("the spec of a {stage_type} stage"));
            if let Some(execution) = spec.get("execution") {
                self.check_keys(execution, EXECUTION_KEYS, "`execution`");
            }
        }
        let external = self.external(body, stage_type, &identity);
        let settings = self.settings(body);
        let notes = settings.notes.clone();
        let depends_on = body.get("dependsOn").map(|d| {
            fields::list(d, "`dependsOn`", self.out())
                .iter()
                .filter_map(|n| n.as_str().map(|s| (s.to_string(), n.span)))
                .collect::<Vec<_>>()
        });
        let expansion = strategy::expand(body.get("strategy"), self.out());
        let cap = self.cap(&identity.id, &expansion);
        let execution = spec.and_then(|s| s.get("execution"));
        let steps = execution.and_then(|e| e.get("steps"));
        let rollback = execution.and_then(|e| e.get("rollbackSteps"));
        let mut tasks = Vec::new();
        for (i, instance) in expansion.instances.iter().enumerate() {
            if i > 0 && self.over_budget(key) {
                break;
            }
            self.mute += u32::from(i > 0);
            let id = format!("{}{}", identity.id, instance.suffix);
            let scope = Scope::default().with(instance, true);
            let scope = Scope { stage: id.clone(), ..scope };
            let mut demands: Vec<Demand> =
                cap.iter().map(|&(r, span)| self.demand(r, span)).collect();
            if stage_type == "Deployment" {
                demands.extend(self.deployment_lock(&identity.id, spec, &scope, i == 0));
            }
            let mut task_notes = notes.clone();
            if let Some(note) = rollback.and_then(|r| self.rollback_note(r, &scope)) {
                task_notes.push(note);
            }
            if let Some(note) = &external {
                task_notes.push(note.clone());
            }
            let idx = self.pipeline.add_task(settings.apply(Task {
                name: identity.name.as_ref().map(|n| format!("{n}{}", instance.label)),
                duration: DurationSpec::Fixed(DEFAULT_STEP_DURATION),
                duration_source: DurationSource::Estimated,
                deps: self.sequence(waits, identity.span),
                demands,
                span: Span::new(key.start as usize, body.span.end as usize),
                id_span: identity.span,
                gate: (stage_type == "Approval").then(|| approval(body)),
                notes: task_notes,
                ..Task::new(id.clone(), id.clone(), TaskKind::Stage)
            }));
            self.queues_held.clear();
            if let Some(steps) = steps {
                let items = fields::list(steps, "`steps`", self.out());
                self.steps(items, Some(idx), &id, &[], &scope, 0, Container::Stage);
            }
            self.make_group(idx);
            if external.is_none()
                && !self.pipeline.task(idx).is_group()
                && i == 0
                && steps.is_none()
            {
                let span = key_span(body, "spec").unwrap_or(identity.span);
                if stage_type != "Pipeline" {
                    self.report(Diagnostic::new(
                        &MISSING_FIELD,
                        span,
                        format!("the stage `{}` has no `spec.execution.steps`: it is simulated as one task of {}", identity.id, DEFAULT_STEP_DURATION),
                    ));
                }
            }
            self.mute -= u32::from(i > 0);
            tasks.push(idx);
        }
        self.matrix(body, &tasks);
        self.stages_by_id.entry(identity.id.clone()).or_default().extend(tasks.iter().copied());
        if let Some(names) = depends_on {
            self.depends.push((tasks.clone(), names));
        }
        tasks
    }

    /// A stage or step from a template, or a stage that runs another pipeline: a note, and an
    /// information diagnostic.
    fn external(&mut self, body: &Node, stage_type: &str, identity: &Identity) -> Option<Note> {
        if let Some(template) = body.get("template") {
            let reference = template.get("templateRef").and_then(Node::as_str).unwrap_or("?");
            let span = key_span(body, "template").unwrap_or(template.span);
            self.report(Diagnostic::new(
                &EXTERNAL_TEMPLATE,
                span,
                format!("`{}` comes from the template `{reference}`, which is not in this file: it is simulated as one task of {}", identity.id, DEFAULT_STEP_DURATION),
            ));
            return Some(Note {
                key: "template".into(),
                text: format!("from template {reference} (not in this file)"),
                span,
            });
        }
        if stage_type == "Pipeline" {
            let spec = body.get("spec");
            let pipeline =
                spec.and_then(|s| s.get("pipeline")).and_then(Node::as_str).unwrap_or("?");
            let span = key_span(body, "type").unwrap_or(identity.span);
            self.report(Diagnostic::new(
                &EXTERNAL_TEMPLATE,
                span,
                format!("`{}` runs the pipeline `{pipeline}`, which is not in this file: it is simulated as one task of {}", identity.id, DEFAULT_STEP_DURATION),
            ));
            return Some(Note {
                key: "type".into(),
                text: format!("Pipeline: runs pipeline {pipeline} (not in this file)"),
                span,
            });
        }
        None
    }

    // -----------------------------------------------------------------------------------------
    // Steps

    /// Lowers a step (all its instances when it loops).
    #[allow(clippy::too_many_arguments)]
    fn step(
        &mut self,
        key: Span,
        body: &Node,
        identity: Option<Identity>,
        parent: Option<TaskIdx>,
        path: &str,
        waits: &[TaskIdx],
        scope: &Scope,
    ) -> Vec<TaskIdx> {
        if body.as_map().is_none() {
            self.report(wrong_type(body, "a `step`", "a mapping with an `identifier`"));
            return Vec::new();
        }
        self.check_keys(body, STEP_KEYS, "a step");
        let identity = match identity {
            Some(i) => i,
            None => self.identity(key, body, "step"),
        };
        let step_type = body.get("type").and_then(Node::as_str).unwrap_or("");
        let external = self.external(body, "", &identity);
        let settings = self.settings(body);
        let mut notes = settings.notes.clone();
        notes.extend(external);
        let (duration, source, extra) = self.step_duration(body, step_type);
        notes.extend(extra);
        let expansion = strategy::expand(body.get("strategy"), self.out());
        let base = join(path, &identity.id);
        let cap = self.cap(&base, &expansion);
        let mut tasks = Vec::new();
        for (i, instance) in expansion.instances.iter().enumerate() {
            if i > 0 && self.over_budget(key) {
                break;
            }
            self.mute += u32::from(i > 0);
            let local = format!("{}{}", identity.id, instance.suffix);
            let scope = scope.with(instance, false);
            let mut task_notes = notes.clone();
            let mut barrier = None;
            if step_type == "Barrier" {
                let (note, reference) = self.barrier(body, &scope);
                task_notes.extend(note);
                barrier = reference;
            }
            if step_type == "Queue" {
                task_notes.extend(self.queue_note(body, &scope));
            }
            let demands = cap.iter().map(|&(r, span)| self.demand(r, span)).collect();
            let idx = self.pipeline.add_task(settings.apply(Task {
                name: identity.name.as_ref().map(|n| format!("{n}{}", instance.label)),
                parent,
                duration: DurationSpec::Fixed(duration),
                duration_source: source,
                deps: self.sequence(waits, identity.span),
                demands,
                span: Span::new(key.start as usize, body.span.end as usize),
                id_span: identity.span,
                gate: step_type.contains("Approval").then(|| approval(body)),
                notes: task_notes,
                ..Task::new(join(path, &local), local, TaskKind::Step)
            }));
            if let Some((reference, span)) = barrier {
                self.record_barrier(reference, span, idx);
            }
            self.mute -= u32::from(i > 0);
            tasks.push(idx);
        }
        self.matrix(body, &tasks);
        tasks
    }

    #[allow(clippy::too_many_arguments)]
    fn step_group(
        &mut self,
        key: Span,
        body: &Node,
        identity: Option<Identity>,
        parent: Option<TaskIdx>,
        path: &str,
        waits: &[TaskIdx],
        scope: &Scope,
        depth: u32,
    ) -> Vec<TaskIdx> {
        if body.as_map().is_none() {
            self.report(wrong_type(
                body,
                "a `stepGroup`",
                "a mapping with an `identifier` and `steps`",
            ));
            return Vec::new();
        }
        if depth > MAX_DEPTH {
            self.report(Diagnostic::new(
                &crate::lint::rules::invalid_value::INVALID_VALUE,
                key,
                format!("step groups nest more than {MAX_DEPTH} deep; this one is left out"),
            ));
            return Vec::new();
        }
        self.check_keys(body, STEP_GROUP_KEYS, "a step group");
        let identity = match identity {
            Some(i) => i,
            None => self.identity(key, body, "step group"),
        };
        let external = self.external(body, "", &identity);
        let settings = self.settings(body);
        let mut notes = settings.notes.clone();
        notes.extend(external);
        let expansion = strategy::expand(body.get("strategy"), self.out());
        let base = join(path, &identity.id);
        let cap = self.cap(&base, &expansion);
        let steps = body.get("steps");
        let rollback = body.get("rollbackSteps");
        let mut tasks = Vec::new();
        for (i, instance) in expansion.instances.iter().enumerate() {
            if i > 0 && self.over_budget(key) {
                break;
            }
            self.mute += u32::from(i > 0);
            let local = format!("{}{}", identity.id, instance.suffix);
            let id = join(path, &local);
            let scope = scope.with(instance, false);
            let mut task_notes = notes.clone();
            if let Some(note) = rollback.and_then(|r| self.rollback_note(r, &scope)) {
                task_notes.push(note);
            }
            let demands = cap.iter().map(|&(r, span)| self.demand(r, span)).collect();
            let idx = self.pipeline.add_task(settings.apply(Task {
                name: identity.name.as_ref().map(|n| format!("{n}{}", instance.label)),
                parent,
                duration: DurationSpec::Fixed(DEFAULT_STEP_DURATION),
                duration_source: DurationSource::Estimated,
                deps: self.sequence(waits, identity.span),
                demands,
                span: Span::new(key.start as usize, body.span.end as usize),
                id_span: identity.span,
                notes: task_notes,
                ..Task::new(id.clone(), local, TaskKind::Step)
            }));
            if let Some(steps) = steps {
                let items = fields::list(steps, "`steps`", self.out());
                self.steps(items, Some(idx), &id, &[], &scope, depth, Container::StepGroup);
            } else if i == 0 && body.get("template").is_none() {
                self.report(Diagnostic::new(
                    &MISSING_FIELD,
                    identity.span,
                    "this step group has no `steps`",
                ));
            }
            self.make_group(idx);
            self.mute -= u32::from(i > 0);
            tasks.push(idx);
        }
        self.matrix(body, &tasks);
        tasks
    }

    /// The instances of a looped item, as one matrix: Harness has no fail-fast, the other
    /// instances go on when one fails.
    fn matrix(&mut self, body: &Node, instances: &[TaskIdx]) {
        if let Some(strategy) = body.get("strategy").filter(|_| instances.len() > 1) {
            self.pipeline.matrices.push(MatrixGroup {
                members: instances.to_vec(),
                fail_fast: false,
                fail_fast_span: None,
                span: strategy.span,
            });
        }
    }

    /// Steps without failure strategies of their own follow their step group's, or else their
    /// stage's (parents come before their children, so one pass carries them down).
    fn inherit_failure_strategies(&mut self) {
        for i in 0..self.pipeline.tasks.len() {
            let task = &self.pipeline.tasks[i];
            let Some(parent) = task.parent else { continue };
            if task.failure.is_default() {
                let inherited = self.pipeline.tasks[parent.index()].failure.clone();
                self.pipeline.tasks[i].failure = inherited;
            }
        }
    }

    /// A task that got children lasts as long as they do.
    fn make_group(&mut self, idx: TaskIdx) {
        let task = &mut self.pipeline.tasks[idx.index()];
        if task.is_group() {
            task.duration = DurationSpec::Fixed(Millis::ZERO);
            task.duration_source = DurationSource::Children;
        }
    }

    /// How long a step takes: a Wait step its `duration`; Barrier, Queue and Background steps
    /// no time of their own; anything else the default, bounded by its `timeout`.
    fn step_duration(
        &mut self,
        body: &Node,
        step_type: &str,
    ) -> (Millis, DurationSource, Option<Note>) {
        let spec = body.get("spec");
        match step_type {
            "Wait" => {
                if let Some(d) = spec.and_then(|s| s.get("duration")) {
                    if let Some(ms) = d
                        .as_str()
                        .filter(|t| !t.contains("<+"))
                        .and_then(|t| self.parse_duration(t, d.span))
                    {
                        return (ms, DurationSource::Explicit, None);
                    }
                }
            }
            "Barrier" | "Queue" => return (Millis::ZERO, DurationSource::Default, None),
            "Background" => {
                let span = key_span(body, "type").unwrap_or(body.span);
                self.approximate(
                    "background",
                    span,
                    "a Background step starts a service that runs beside the following steps until the stage ends: it is simulated as taking no time",
                );
                return (
                    Millis::ZERO,
                    DurationSource::Default,
                    Some(Note {
                        key: "type".into(),
                        text: "Background: keeps running until the stage ends".into(),
                        span,
                    }),
                );
            }
            _ => {}
        }
        let timeout = body.get("timeout").and_then(|t| {
            let text = t.as_str()?;
            if text.contains("<+") { None } else { self.parse_duration(text, t.span) }
        });
        let duration = timeout.map_or(DEFAULT_STEP_DURATION, |t| t.min(DEFAULT_STEP_DURATION));
        (duration, DurationSource::Estimated, None)
    }

    fn parse_duration(&mut self, text: &str, span: Span) -> Option<Millis> {
        match duration::parse(text) {
            Ok(ms) => Some(ms),
            Err(e) => {
                self.report(Diagnostic::new(
                    &INVALID_DURATION,
                    span,
                    format!("invalid duration `{text}`: {e}"),
                ));
                None
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Shared pieces

    fn identity(&mut self, key: Span, body: &Node, what: &str) -> Identity {
        let name = body.get("name").and_then(Node::as_str).map(str::to_string);
        match body.get("identifier").map(|n| (self.text(n, "`identifier`"), n.span)) {
            Some((Some(id), span)) if !id.is_empty() => {
                Identity { id: id.replace(['/', ' '], "_"), span, name }
            }
            _ => {
                let made_up = name
                    .as_deref()
                    .map(strategy::sanitize)
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| what.replace(' ', "-"));
                self.report(
                    Diagnostic::new(
                        &MISSING_FIELD,
                        key,
                        format!("this {what} has no `identifier`; it is called `{made_up}` here"),
                    )
                    .with_help(
                        "Harness requires an `identifier` on every stage, step and step group",
                    ),
                );
                Identity { id: made_up, span: key, name }
            }
        }
    }

    fn sequence(&self, on: &[TaskIdx], span: Span) -> Vec<Dependency> {
        on.iter()
            .map(|&t| Dependency {
                target: Some(t),
                name: self.pipeline.task(t).id.clone(),
                kind: DepKind::Sequence,
                span,
            })
            .collect()
    }

    fn demand(&self, resource: ResourceIdx, span: Span) -> Demand {
        Demand {
            resource: Some(resource),
            name: self.pipeline.resource(resource).name.clone(),
            amount: 1,
            span,
        }
    }

    /// The `maxConcurrency` limit of a looped item, when it limits anything.
    fn cap(&mut self, id: &str, expansion: &strategy::Expansion) -> Option<(ResourceIdx, Span)> {
        let (n, span) = expansion.max_concurrency?;
        if n as usize >= expansion.instances.len() {
            return None;
        }
        let r = self.pipeline.add_resource(Resource {
            name: format!("{id} maxConcurrency"),
            capacity: n,
            kind: ResourceKind::Parallelism,
            span,
        });
        Some((r, span))
    }

    fn over_budget(&mut self, span: Span) -> bool {
        if self.pipeline.tasks.len() < MAX_TASKS {
            return false;
        }
        if !self.budget_reported {
            self.budget_reported = true;
            self.diagnostics.push(
                Diagnostic::new(&UNEXPANDED_LOOP, span, format!("the looping strategies expand to more than {MAX_TASKS} tasks: the remaining instances are left out"))
                    .with_severity(crate::diagnostic::Severity::Warning),
            );
        }
        true
    }

    /// `when` and `failureStrategies`, read into the typed settings and reported as not
    /// evaluated.
    fn settings(&mut self, body: &Node) -> semantics::Settings {
        let mut settings = semantics::Settings::default();
        if let Some((k, when)) = entry(body, "when") {
            let text = match when.as_map() {
                Some(_) => {
                    let mut parts = Vec::new();
                    for key in ["pipelineStatus", "stageStatus", "condition"] {
                        if let Some(v) = when.get(key) {
                            parts.push(format!("{key}: {}", strategy::value_text(v)));
                        }
                    }
                    parts.join("; ")
                }
                None => strategy::value_text(when),
            };
            if when.as_map().is_some() {
                self.check_keys(when, &["pipelineStatus", "stageStatus", "condition"], "`when`");
            }
            let span = k.span.cover(when.span);
            self.report(Diagnostic::new(
                &NOT_EVALUATED,
                k.span,
                format!("`when` ({}) is not evaluated: it is assumed to run", short(&text)),
            ));
            let (run_when, condition) = semantics::when(when, span);
            settings.when = run_when;
            settings.when_span = Some(span);
            settings.conditions.extend(condition);
        }
        if let Some((k, strategies)) = entry(body, "failureStrategies") {
            let list = strategies.as_seq().unwrap_or(&[]);
            if !list.is_empty() || !strategies.is_null() && strategies.as_seq().is_none() {
                let text = list
                    .iter()
                    .map(|s| {
                        let on = s.get("onFailure");
                        let errors = on
                            .and_then(|o| o.get("errors"))
                            .map(strategy::value_text)
                            .unwrap_or_default();
                        let action = on
                            .and_then(|o| o.get("action"))
                            .and_then(|a| a.get("type"))
                            .map(strategy::value_text)
                            .unwrap_or_else(|| strategy::value_text(s));
                        if errors.is_empty() { action } else { format!("{errors} → {action}") }
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                let text = if text.is_empty() { strategy::value_text(strategies) } else { text };
                self.report(Diagnostic::new(&NOT_EVALUATED, k.span, format!("`failureStrategies` ({}) are not evaluated: every task is assumed to succeed", short(&text))));
                let (failure, note) = semantics::failure(strategies, k.span.cover(strategies.span));
                settings.failure = failure;
                settings.notes.extend(note);
            }
        }
        settings
    }

    /// The rollback steps of a stage or step group: listed, not run. Barrier steps among them
    /// are recorded for the barrier lint.
    fn rollback_note(&mut self, rollback: &Node, scope: &Scope) -> Option<Note> {
        let mut ids = Vec::new();
        let mut stack: Vec<&Node> =
            rollback.as_seq().map(|s| s.iter().collect()).unwrap_or_default();
        let mut seen = 0;
        while let Some(item) = stack.pop() {
            seen += 1;
            if seen > 10_000 {
                break;
            }
            for kind in ["step", "stepGroup"] {
                if let Some(body) = item.get(kind) {
                    if let Some(id) = body.get("identifier").and_then(Node::as_str) {
                        ids.push(id.to_string());
                    }
                    if body.get("type").and_then(Node::as_str) == Some("Barrier") {
                        if let Some(r) = body.get("spec").and_then(|s| s.get("barrierRef")) {
                            if let Some(text) = r.as_str() {
                                self.barriers.push(BarrierUse {
                                    reference: scope.substitute(text),
                                    span: r.span,
                                    task: None,
                                });
                            }
                        }
                    }
                    if let Some(steps) = body.get("steps").and_then(Node::as_seq) {
                        stack.extend(steps.iter().rev());
                    }
                }
            }
            if let Some(members) = item.get("parallel").and_then(Node::as_seq) {
                stack.extend(members.iter().rev());
            }
        }
        if ids.is_empty() {
            return None;
        }
        let span = rollback.span;
        Some(Note {
            key: "rollbackSteps".into(),
            text: format!("{} (run only when the stage fails; not simulated)", ids.join(", ")),
            span,
        })
    }

    /// Says once per kind how something is approximated.
    fn approximate(&mut self, kind: &'static str, span: Span, message: &str) {
        if self.mute > 0 || self.approximations.contains(&kind) {
            return;
        }
        self.approximations.push(kind);
        self.diagnostics.push(Diagnostic::new(
            &crate::lint::rules::approximated::APPROXIMATED,
            span,
            message,
        ));
    }
}

/// Which list of steps is being lowered: a Queue step holds its key to the end of the stage,
/// which only the stage's own list reaches.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Stage,
    StepGroup,
}

/// An item's identifier, where it is written, and its display name.
#[derive(Clone)]
struct Identity {
    id: String,
    span: Span,
    name: Option<String>,
}

impl Identity {
    fn from_template(template: &Node) -> Identity {
        let id = template.get("identifier").and_then(Node::as_str).unwrap_or("template");
        Identity {
            id: id.replace(['/', ' '], "_"),
            span: template.get("identifier").map_or(template.span, |n| n.span),
            name: template.get("name").and_then(Node::as_str).map(str::to_string),
        }
    }
}

/// An approval step or stage: the pipeline waits for a person there.
fn approval(body: &Node) -> ManualGate {
    ManualGate {
        kind: GateKind::Approval,
        blocking: true,
        conditional: false,
        span: key_span(body, "type").unwrap_or(body.span),
    }
}

fn join(path: &str, id: &str) -> String {
    if path.is_empty() { id.to_string() } else { format!("{path}/{id}") }
}

fn key_span(map: &Node, key: &str) -> Option<Span> {
    entry(map, key).map(|(k, _)| k.span)
}

fn entry<'n>(map: &'n Node, key: &str) -> Option<(&'n Node, &'n Node)> {
    map.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(k, v)| (k, v))
}

fn short(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 120 {
        let cut: String = one_line.chars().take(117).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}
