//! pipescope's own YAML format (documented in `docs/FORMAT.md`), lowered into the model.
//!
//! The ordering rules live here: items of a list wait for the previous item or block,
//! `parallel:` members share one predecessor, `start: with-previous` joins the previous block,
//! and `depends_on` replaces the implicit wait.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::duration::{DurationSpec, Millis};
use crate::lint::rules::{
    ignored_setting::IGNORED_SETTING,
    invalid_value::INVALID_VALUE,
    missing_field::{self, MISSING_FIELD},
    unknown_key::UNKNOWN_KEY,
};
use crate::model::{
    AllowFailure, Demand, DepKind, Dependency, DurationSource, FailurePolicy, ParallelGroup,
    Pipeline, Resource, ResourceKind, Retry, RunWhen, Task, TaskIdx, TaskKind,
};
use crate::span::Span;
use crate::yaml::{self, Node, ScalarKind};

/// The duration of a task that gives none, when `defaults.duration` is not set either.
pub use crate::model::DEFAULT_DURATION as BUILTIN_DEFAULT_DURATION;

const PIPELINE_KEYS: &[&str] = &["name", "description", "resources", "defaults", "stages"];
const DEFAULTS_KEYS: &[&str] = &["duration"];
const STAGE_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "duration",
    "uses",
    "infrastructure",
    "allow_simultaneous",
    "depends_on",
    "start",
    "allow_failure",
    "retries",
    "failure_rate",
    "when",
    "steps",
];
const STEP_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "duration",
    "uses",
    "depends_on",
    "start",
    "allow_failure",
    "retries",
    "failure_rate",
    "when",
];
/// The spellings of `when`, in the order the docs list them.
const WHEN_VALUES: &[&str] = &["on_success", "on_failure", "always"];

/// Reads a pipeline in the native format. Never fails: returns what it could build.
pub fn read(text: &str) -> (Pipeline, Vec<Diagnostic>) {
    let documents = yaml::parse(text);
    let mut lowering = Lowering {
        pipeline: Pipeline::default(),
        diagnostics: documents.diagnostics,
        default_duration: DurationSpec::Fixed(BUILTIN_DEFAULT_DURATION),
        explicit_deps: Vec::new(),
    };
    match documents.docs.iter().find(|d| !d.is_null()) {
        Some(root) => lowering.root(root),
        None if lowering.diagnostics.is_empty() => lowering
            .diagnostics
            .push(missing_field::empty_file("a pipeline starts with `pipeline:`")),
        None => {}
    }
    lowering.resolve_dependencies();
    (lowering.pipeline, lowering.diagnostics)
}

#[derive(Clone, Copy, PartialEq)]
enum ListKind {
    Stages,
    Steps,
}

impl ListKind {
    fn item_key(self) -> &'static str {
        match self {
            ListKind::Stages => "stage",
            ListKind::Steps => "step",
        }
    }
}

struct Lowering {
    pipeline: Pipeline,
    diagnostics: Vec<Diagnostic>,
    default_duration: DurationSpec,
    /// `depends_on` lists, resolved once every task exists (a dependency may come later).
    explicit_deps: Vec<(TaskIdx, Vec<(String, Span)>)>,
}

/// What the items of a list wait for, as the list is walked.
#[derive(Default)]
struct Sequencer {
    /// What the next ordinary item waits for: the previous item, or all of the previous block.
    previous_block: Vec<TaskIdx>,
    /// What the current block's first item waited for; `with-previous` items wait for it too.
    block_base: Vec<TaskIdx>,
}

impl Lowering {
    fn root(&mut self, root: &Node) {
        let Some(pipeline) = root.get("pipeline") else {
            let message = if root.as_map().is_some() {
                "no `pipeline:` key; a pipeline file starts with `pipeline:` and its `stages:`"
            } else {
                "a pipeline file is a mapping that starts with `pipeline:`"
            };
            self.diagnostics.push(Diagnostic::new(&MISSING_FIELD, first_line(root), message));
            return;
        };
        check_keys(root, &["pipeline"], "the file", &mut self.diagnostics);
        if pipeline.as_map().is_none() {
            self.diagnostics.push(wrong_type(pipeline, "`pipeline`", "a mapping"));
            return;
        }
        check_keys(pipeline, PIPELINE_KEYS, "`pipeline`", &mut self.diagnostics);
        if let Some(name) = pipeline.get("name") {
            self.pipeline.name =
                fields::text(name, "`name`", &mut self.diagnostics).map(str::to_string);
        }
        if let Some(resources) = pipeline.get("resources") {
            self.resources(resources);
        }
        if let Some(defaults) = pipeline.get("defaults") {
            self.defaults(defaults);
        }
        match pipeline.get("stages") {
            Some(stages) => {
                let items = fields::list(stages, "`stages`", &mut self.diagnostics);
                self.list(items, ListKind::Stages, None, "");
            }
            None => self.diagnostics.push(missing_field::nothing_to_run(
                key_span(root, "pipeline"),
                "`pipeline`",
                "stages:",
            )),
        }
    }

    fn resources(&mut self, node: &Node) {
        let Some(entries) = node.as_map() else {
            if !node.is_null() {
                self.diagnostics.push(wrong_type(
                    node,
                    "`resources`",
                    "a mapping of name to capacity",
                ));
            }
            return;
        };
        for (key, value) in entries {
            let Some(name) = fields::text(key, "a resource name", &mut self.diagnostics) else {
                continue;
            };
            let capacity = match value.as_i64() {
                Some(n) if n >= 1 => u32::try_from(n).unwrap_or(u32::MAX),
                Some(n) => {
                    self.diagnostics.push(Diagnostic::new(&INVALID_VALUE, value.span, format!("the capacity of `{name}` is {n}; a capacity is a whole number of at least 1, so 1 is used")));
                    1
                }
                None => {
                    self.diagnostics.push(wrong_type(
                        value,
                        &format!("the capacity of `{name}`"),
                        "a whole number of at least 1",
                    ));
                    1
                }
            };
            self.pipeline.add_resource(Resource {
                name: name.to_string(),
                capacity,
                kind: ResourceKind::Declared,
                span: key.span.cover(value.span),
            });
        }
    }

    fn defaults(&mut self, node: &Node) {
        if node.as_map().is_none() {
            self.diagnostics.push(wrong_type(node, "`defaults`", "a mapping"));
            return;
        }
        check_keys(node, DEFAULTS_KEYS, "`defaults`", &mut self.diagnostics);
        if let Some(d) =
            node.get("duration").and_then(|d| fields::duration_spec(d, &mut self.diagnostics))
        {
            self.default_duration = d;
        }
    }

    /// Lowers the items of a `stages` or `steps` list, chaining each to what came before.
    fn list(&mut self, items: &[Node], kind: ListKind, parent: Option<TaskIdx>, path: &str) {
        let mut sequencer = Sequencer::default();
        for (position, item) in items.iter().enumerate() {
            let Some((key, body)) = self.item_header(item, kind) else { continue };
            if key.as_str() == Some("parallel") {
                let members = self.parallel(body, kind, parent, path, &sequencer.previous_block);
                self.pipeline
                    .parallel_groups
                    .push(ParallelGroup { members: members.clone(), span: key.span });
                // An empty group is reported by lint; the next item still waits for the item
                // before the group.
                if !members.is_empty() {
                    sequencer.block_base = std::mem::take(&mut sequencer.previous_block);
                    sequencer.previous_block = members;
                }
                continue;
            }
            let with_previous = self.starts_with_previous(body, position);
            let waits_for =
                if with_previous { &sequencer.block_base } else { &sequencer.previous_block };
            let task = self.task(key, body, kind, parent, path, waits_for.clone(), position);
            if with_previous {
                sequencer.previous_block.push(task);
            } else {
                sequencer.block_base = std::mem::replace(&mut sequencer.previous_block, vec![task]);
            }
        }
    }

    /// Checks the `- stage: {...}` wrapper and returns its key and body.
    fn item_header<'n>(&mut self, item: &'n Node, kind: ListKind) -> Option<(&'n Node, &'n Node)> {
        let expected = format!("`{}` or `parallel`", kind.item_key());
        let Some(entries) = item.as_map() else {
            self.diagnostics.push(wrong_type(
                item,
                &format!("an item of `{}s`", kind.item_key()),
                &format!("a mapping with {expected}"),
            ));
            return None;
        };
        let known = [kind.item_key(), "parallel"];
        let header = entries.iter().find(|(k, _)| k.as_str().is_some_and(|k| known.contains(&k)));
        let Some((key, body)) = header else {
            let (first_key, _) = entries.first()?;
            let mut d = Diagnostic::new(
                &MISSING_FIELD,
                first_key.span,
                format!("this item has no {expected} key"),
            );
            if let Some(name) = first_key.as_str().and_then(|k| fields::did_you_mean(k, &known)) {
                d = d.with_help(format!("did you mean `{name}`?"));
            }
            self.diagnostics.push(d);
            return None;
        };
        for (other, _) in entries.iter().filter(|(k, _)| !std::ptr::eq(k, key)) {
            let name = other.as_str().unwrap_or("?");
            self.diagnostics.push(
                Diagnostic::new(
                    &UNKNOWN_KEY,
                    other.span,
                    format!(
                        "`{name}` sits beside `{}:` instead of inside it; it is ignored",
                        key.as_str().unwrap_or("")
                    ),
                )
                .with_help(format!("indent `{name}` under `{}:`", key.as_str().unwrap_or(""))),
            );
        }
        Some((key, body))
    }

    fn parallel(
        &mut self,
        body: &Node,
        kind: ListKind,
        parent: Option<TaskIdx>,
        path: &str,
        waits_for: &[TaskIdx],
    ) -> Vec<TaskIdx> {
        let items = fields::list(body, "`parallel`", &mut self.diagnostics);
        let mut members = Vec::new();
        for (position, item) in items.iter().enumerate() {
            let Some((member_key, member_body)) = self.item_header(item, kind) else { continue };
            if member_key.as_str() == Some("parallel") {
                // A nested group adds nothing: its members join this group, which lint sees.
                members.extend(self.parallel(member_body, kind, parent, path, waits_for));
                continue;
            }
            if let Some(start) = member_body.get("start") {
                self.diagnostics.push(Diagnostic::new(
                    &IGNORED_SETTING,
                    start.span,
                    "`start` has no effect inside `parallel:`; all members start together",
                ));
            }
            members.push(self.task(
                member_key,
                member_body,
                kind,
                parent,
                path,
                waits_for.to_vec(),
                position,
            ));
        }
        members
    }

    fn starts_with_previous(&mut self, body: &Node, position: usize) -> bool {
        let Some(start) = body.get("start") else { return false };
        match start.as_str() {
            Some("with-previous") => {
                if position == 0 {
                    self.diagnostics.push(Diagnostic::new(
                        &IGNORED_SETTING,
                        start.span,
                        "the first item has no previous item to start with; it starts first anyway",
                    ));
                }
                true
            }
            Some("after-previous") => false,
            _ => {
                self.diagnostics.push(Diagnostic::new(&INVALID_VALUE, start.span, "`start` must be `with-previous` or `after-previous`; `after-previous` is used").with_help("`start: with-previous` runs this item in parallel with the one before it"));
                false
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn task(
        &mut self,
        key: &Node,
        body: &Node,
        kind: ListKind,
        parent: Option<TaskIdx>,
        path: &str,
        waits_for: Vec<TaskIdx>,
        position: usize,
    ) -> TaskIdx {
        let what = kind.item_key();
        if body.as_map().is_none() {
            self.diagnostics.push(wrong_type(
                body,
                &format!("a `{what}`"),
                "a mapping with at least an `id`",
            ));
        }
        let known = if kind == ListKind::Stages { STAGE_KEYS } else { STEP_KEYS };
        check_keys(body, known, &format!("a {what}"), &mut self.diagnostics);

        let (local_id, id_span) = self.task_id(key, body, what, position);
        let id = if path.is_empty() { local_id.clone() } else { format!("{path}/{local_id}") };
        let name = body
            .get("name")
            .and_then(|n| fields::text(n, "`name`", &mut self.diagnostics))
            .map(str::to_string);
        let explicit_duration =
            body.get("duration").and_then(|d| fields::duration_spec(d, &mut self.diagnostics));
        let (duration, duration_source) = match explicit_duration {
            Some(d) => (d, DurationSource::Explicit),
            None => (self.default_duration.clone(), DurationSource::Default),
        };
        let failure_rate = body.get("failure_rate").and_then(|r| self.failure_rate(r));
        let deps = waits_for
            .iter()
            .map(|&t| Dependency {
                target: Some(t),
                name: self.pipeline.task(t).id.clone(),
                kind: DepKind::Sequence,
                span: id_span,
            })
            .collect();
        let mut demands = body.get("uses").map(|u| self.uses(u)).unwrap_or_default();
        if kind == ListKind::Stages {
            demands.extend(self.infrastructure(body));
        }
        let (when, when_span) = self.when(body);
        let failure = self.failure(body);
        let task_kind = if kind == ListKind::Stages { TaskKind::Stage } else { TaskKind::Step };
        let idx = self.pipeline.add_task(Task {
            name,
            parent,
            duration,
            failure_rate: failure_rate.unwrap_or(0.0),
            duration_source,
            deps,
            demands,
            span: key.span.cover(body.span),
            id_span,
            when,
            when_span,
            failure,
            ..Task::new(id.clone(), local_id, task_kind)
        });
        if let Some(depends_on) = body.get("depends_on") {
            let names =
                fields::names(depends_on, "`depends_on`", "a dependency", &mut self.diagnostics);
            self.explicit_deps.push((idx, names));
        }
        if let Some(steps) = body.get("steps").filter(|_| kind == ListKind::Stages) {
            let items = fields::list(steps, "`steps`", &mut self.diagnostics);
            self.list(items, ListKind::Steps, Some(idx), &id);
            if self.pipeline.task(idx).is_group() {
                let task = &mut self.pipeline.tasks[idx.index()];
                task.duration = DurationSpec::Fixed(Millis::ZERO);
                task.duration_source = DurationSource::Children;
                if let Some(d) = body.get("duration") {
                    self.diagnostics.push(Diagnostic::new(&IGNORED_SETTING, d.span, format!("`duration` is ignored on `{id}`: a stage with steps lasts until its last step ends")));
                }
                if let Some(rate) = body.get("failure_rate").filter(|_| failure_rate.is_some()) {
                    task.failure_rate = 0.0;
                    self.diagnostics.push(
                        Diagnostic::new(&IGNORED_SETTING, rate.span, format!("`failure_rate` has no effect on `{id}`: a stage with steps fails only through its steps"))
                            .with_help("give the steps that may fail a `failure_rate`"),
                    );
                }
            }
        }
        idx
    }

    /// `when: on_success | on_failure | always`: which outcomes of what it waits for let it run.
    fn when(&mut self, body: &Node) -> (RunWhen, Option<Span>) {
        let Some(node) = body.get("when") else { return (RunWhen::OnSuccess, None) };
        let Some(text) = fields::text(node, "`when`", &mut self.diagnostics) else {
            return (RunWhen::OnSuccess, None);
        };
        let when = match text {
            "on_success" => RunWhen::OnSuccess,
            "on_failure" => RunWhen::OnFailure,
            "always" => RunWhen::Always,
            other => {
                let mut d = Diagnostic::new(
                    &INVALID_VALUE,
                    node.span,
                    format!(
                        "`when` is one of {}, not `{other}`; `on_success` is used",
                        WHEN_VALUES.join(", ")
                    ),
                );
                if let Some(close) = fields::did_you_mean(other, WHEN_VALUES) {
                    d = d.with_help(format!("did you mean `{close}`?"));
                }
                self.diagnostics.push(d);
                return (RunWhen::OnSuccess, None);
            }
        };
        (when, Some(node.span))
    }

    /// `allow_failure: true | false` and `retries: N`.
    fn failure(&mut self, body: &Node) -> FailurePolicy {
        let mut failure = FailurePolicy::default();
        if let Some(node) = body.get("allow_failure") {
            if let Some(allow) = fields::boolean(node, "`allow_failure`", &mut self.diagnostics) {
                failure.allow = if allow { AllowFailure::Yes } else { AllowFailure::No };
                failure.span = Some(node.span);
            }
        }
        if let Some(node) = body.get("retries") {
            match node.as_i64() {
                Some(n) if n >= 0 => {
                    failure.retry = Some(Retry {
                        max: u32::try_from(n).unwrap_or(u32::MAX),
                        when: Vec::new(),
                        interval: Millis::ZERO,
                        span: node.span,
                    })
                }
                Some(n) => self.diagnostics.push(
                    Diagnostic::new(
                        &INVALID_VALUE,
                        node.span,
                        format!("`retries` is {n}; it must be a whole number of at least 0, so it is ignored"),
                    )
                    .with_help("`retries: 2` runs a failed task up to twice more"),
                ),
                None => self.diagnostics.push(wrong_type(
                    node,
                    "`retries`",
                    "a whole number of retries, such as `2`",
                )),
            }
        }
        failure
    }

    /// `failure_rate: 10%` or `0.1`: the chance that one attempt fails, from 0 to 1.
    fn failure_rate(&mut self, node: &Node) -> Option<f64> {
        let expected = "a number from 0 to 1 or a percentage such as `10%`";
        let text = node.as_str().unwrap_or_default().trim();
        // YAML numbers (`0.1`, `.nan`, `1e400`) as YAML reads them; the range check below
        // reports the ones that are no chance.
        let (value, percent) = match node.scalar_kind() {
            Some(ScalarKind::Int(n)) => (n as f64, false),
            Some(ScalarKind::Float(x)) => (x, false),
            Some(ScalarKind::Str) => {
                let (number, percent) = match text.strip_suffix('%') {
                    Some(number) => (number.trim(), true),
                    None => (text, false),
                };
                match number.parse::<f64>() {
                    Ok(value) => (value, percent),
                    Err(_) => {
                        self.diagnostics.push(wrong_type(node, "`failure_rate`", expected));
                        return None;
                    }
                }
            }
            _ => {
                self.diagnostics.push(wrong_type(node, "`failure_rate`", expected));
                return None;
            }
        };
        let rate = if percent { value / 100.0 } else { value };
        if (0.0..=1.0).contains(&rate) {
            return Some(rate);
        }
        let range = if percent { "from 0% to 100%" } else { "from 0 to 1" };
        let mut d = Diagnostic::new(
            &INVALID_VALUE,
            node.span,
            format!("`failure_rate` is {text}; a rate is {range}, so it is ignored"),
        );
        if !percent && value > 1.0 && value <= 100.0 {
            d = d.with_help(format!("did you mean `{value}%`?"));
        } else {
            d = d.with_help("`failure_rate: 10%` (or `0.1`) fails one attempt in ten");
        }
        self.diagnostics.push(d);
        None
    }

    fn task_id(&mut self, key: &Node, body: &Node, what: &str, position: usize) -> (String, Span) {
        let made_up = || format!("{what}-{}", position + 1);
        let Some(id_node) = body.get("id") else {
            self.diagnostics.push(
                missing_field::no_id(key.span, what, "id", &made_up())
                    .with_help("add `id: <name>`; other items refer to it by this id"),
            );
            return (made_up(), key.span);
        };
        let Some(id) = fields::text(id_node, "`id`", &mut self.diagnostics) else {
            return (made_up(), id_node.span);
        };
        if id.is_empty() || id.contains('/') || id.chars().any(char::is_whitespace) {
            let fixed: String =
                id.chars().map(|c| if c == '/' || c.is_whitespace() { '-' } else { c }).collect();
            let fixed = if fixed.is_empty() { made_up() } else { fixed };
            self.diagnostics.push(Diagnostic::new(&INVALID_VALUE, id_node.span, format!("the id `{id}` may not be empty or contain `/` or spaces; it is read as `{fixed}`")).with_help("`/` joins a stage's id and a step's id in full ids like `verify/smoke`"));
            return (fixed, id_node.span);
        }
        (id.to_string(), id_node.span)
    }

    /// `uses: [a, b]` (one unit each) or `uses: {a: 2}`.
    fn uses(&mut self, node: &Node) -> Vec<Demand> {
        let mut demands: Vec<Demand> = Vec::new();
        let mut add = |name: &str, amount: u32, span: Span, pipeline: &Pipeline| {
            if let Some(existing) = demands.iter_mut().find(|d| d.name == name) {
                existing.amount = existing.amount.saturating_add(amount);
                return;
            }
            demands.push(Demand {
                resource: pipeline.find_resource(name),
                name: name.to_string(),
                amount,
                span,
            });
        };
        if let Some(entries) = node.as_map() {
            for (key, value) in entries {
                let Some(name) = fields::text(key, "a resource name", &mut self.diagnostics) else {
                    continue;
                };
                let amount = match value.as_i64() {
                    Some(n) if n >= 1 => u32::try_from(n).unwrap_or(u32::MAX),
                    _ => {
                        self.diagnostics.push(Diagnostic::new(&INVALID_VALUE, value.span, format!("the amount of `{name}` must be a whole number of at least 1; 1 is used")));
                        1
                    }
                };
                add(name, amount, key.span.cover(value.span), &self.pipeline);
            }
        } else {
            for (name, span) in
                fields::names(node, "`uses`", "a resource name", &mut self.diagnostics)
            {
                add(&name, 1, span, &self.pipeline);
            }
        }
        demands
    }

    /// Harness's automatic resource constraint: one stage at a time per infrastructure.
    fn infrastructure(&mut self, body: &Node) -> Option<Demand> {
        let node = body.get("infrastructure")?;
        let name = fields::text(node, "`infrastructure`", &mut self.diagnostics)?;
        let simultaneous = body
            .get("allow_simultaneous")
            .and_then(|a| fields::boolean(a, "`allow_simultaneous`", &mut self.diagnostics))
            .unwrap_or(false);
        if simultaneous {
            return None;
        }
        // A resource declared with the infrastructure's name sets how many stages may share it.
        let resource = match self.pipeline.find_resource(name) {
            Some(r) => r,
            None => self.pipeline.add_resource(Resource {
                name: name.to_string(),
                capacity: 1,
                kind: ResourceKind::Infrastructure,
                span: node.span,
            }),
        };
        Some(Demand {
            resource: Some(resource),
            name: name.to_string(),
            amount: 1,
            span: node.span,
        })
    }

    /// Resolves `depends_on` names: among the siblings in the enclosing stage first, then as
    /// full ids pipeline-wide.
    fn resolve_dependencies(&mut self) {
        let mut by_full_id: HashMap<&str, TaskIdx> = HashMap::new();
        let mut by_sibling: HashMap<(Option<TaskIdx>, &str), TaskIdx> = HashMap::new();
        for (i, task) in self.pipeline.tasks.iter().enumerate() {
            let idx = TaskIdx(i as u32);
            by_full_id.entry(task.id.as_str()).or_insert(idx);
            by_sibling.entry((task.parent, task.local_id.as_str())).or_insert(idx);
        }
        let mut resolved = Vec::new();
        for (idx, names) in std::mem::take(&mut self.explicit_deps) {
            let parent = self.pipeline.task(idx).parent;
            let deps: Vec<Dependency> = names
                .into_iter()
                .map(|(name, span)| {
                    let target = by_sibling
                        .get(&(parent, name.as_str()))
                        .or_else(|| by_full_id.get(name.as_str()))
                        .copied();
                    Dependency { target, name, kind: DepKind::Explicit, span }
                })
                .collect();
            resolved.push((idx, deps));
        }
        for (idx, deps) in resolved {
            self.pipeline.tasks[idx.index()].deps = deps;
        }
    }
}

/// The span of `key` in a mapping, or the whole node.
fn key_span(map: &Node, key: &str) -> Span {
    map.as_map()
        .and_then(|entries| entries.iter().find(|(k, _)| k.as_str() == Some(key)))
        .map_or(map.span, |(k, _)| k.span)
}

fn first_line(node: &Node) -> Span {
    match node.as_map().and_then(|e| e.first()) {
        Some((k, _)) => k.span,
        None => node.span,
    }
}
