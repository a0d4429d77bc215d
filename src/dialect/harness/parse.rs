//! Harness YAML → the intermediate form ([`super::ir`]): the roots (pipeline, template,
//! fragment, other Harness files) and the lists of stages and steps; the items in them are read
//! by [`super::items`]. Everything said about the text is said by these two, once: unknown
//! keys, wrong types, missing identifiers, strategies that cannot be expanded, templates that
//! are not in the file.

use crate::diagnostic::Diagnostic;
use crate::dialect::fields::{self, check_keys, wrong_type};
use crate::lint::rules::{
    external_template,
    ignored_setting::IGNORED_SETTING,
    invalid_value::INVALID_VALUE,
    missing_field::{self, MISSING_FIELD},
    not_a_pipeline,
    unknown_key::UNKNOWN_KEY,
    wrong_type::WRONG_TYPE,
};
use crate::yaml::Node;

use super::ir::{Body, Document, Stage, StageItem, Stages, StepItem};
use super::items::{is_queue, template_identity};
use super::keys::{ENTITIES, PIPELINE_KEYS, TEMPLATE_KEYS};
use super::{MAX_DEPTH, key_span};

/// Reads the first document of a file into the intermediate form.
pub fn document(root: &Node, out: &mut Vec<Diagnostic>) -> Document {
    let mut parser = Parser { out, document: Document::default() };
    parser.root(root);
    parser.document
}

pub(super) struct Parser<'o> {
    pub out: &'o mut Vec<Diagnostic>,
    document: Document,
}

/// What a list item is: its key (`stage`, `step`, `stepGroup`, `parallel`) and body.
enum Entry<'n> {
    Single { key: &'n Node, kind: &'n str, body: &'n Node },
    Parallel { key: &'n Node, body: &'n Node },
}

/// Which list of steps is being read: only a stage's or a step group's own sequence can hold a
/// Queue step's lock to its end.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    Sequence,
    Parallel,
}

impl Parser<'_> {
    pub(super) fn report(&mut self, d: Diagnostic) {
        self.out.push(d);
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
                        &WRONG_TYPE,
                        span,
                        "`pipeline:` is empty and its fields (`stages`, `identifier`, ...) are beside it: Harness rejects this file; it is read as if they were under `pipeline:`",
                    )
                    .with_help("indent the keys after `pipeline:` under it"),
                );
                let mut known: Vec<&str> = PIPELINE_KEYS.to_vec();
                known.push("pipeline");
                check_keys(root, &known, "the file", self.out);
                self.pipeline_body(root);
                return;
            }
            check_keys(root, &["pipeline"], "the file", self.out);
            if pipeline.as_map().is_none() {
                self.report(wrong_type(pipeline, "`pipeline`", "a mapping"));
                return;
            }
            self.pipeline_body(pipeline);
        } else if let Some(template) = root.get("template") {
            check_keys(root, &["template"], "the file", self.out);
            self.template(template);
        } else if root.get("stages").is_some() {
            // A fragment of a pipeline (a template's stages): read as a pipeline.
            check_keys(root, PIPELINE_KEYS, "the pipeline fragment", self.out);
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
        // Whether stages deploying to an infrastructure definition queue for it.
        let simultaneous = (name == "infrastructureDefinition").then(|| {
            body.and_then(|b| b.get("allowSimultaneousDeployments"))
                .and_then(Node::as_bool)
                .unwrap_or(false)
        });
        self.report(not_a_pipeline::entity(key.span, what, identifier, simultaneous));
    }

    fn template(&mut self, template: &Node) {
        if template.as_map().is_none() {
            self.report(wrong_type(template, "`template`", "a mapping"));
            return;
        }
        check_keys(template, TEMPLATE_KEYS, "`template`", self.out);
        let kind = template.get("type").and_then(Node::as_str).unwrap_or("");
        let Some(spec) = template.get("spec") else {
            let span = key_span(template, "type").unwrap_or(template.span);
            self.report(missing_field::nothing_to_run(span, "the template", "spec:"));
            return;
        };
        let name = template.get("name").and_then(Node::as_str).map(str::to_string);
        let key = key_span(template, "spec").unwrap_or(template.span);
        match kind {
            "Pipeline" => {
                self.document.name = name;
                check_keys(spec, PIPELINE_KEYS, "the pipeline template's `spec`", self.out);
                self.pipeline_body(spec);
            }
            "Stage" => {
                self.document.name = name;
                let identity = template_identity(template);
                if let Some(stage) = self.stage(key, spec, Some(identity)) {
                    self.document.body = Body::Stage(Box::new(stage));
                }
            }
            "StepGroup" | "Step" => {
                self.document.name = name;
                let identity = template_identity(template);
                let item = if kind == "Step" {
                    self.step(key, spec, Some(identity)).map(StepItem::Step)
                } else {
                    self.step_group(key, spec, Some(identity), 0).map(StepItem::Group)
                };
                if let Some(item) = item {
                    self.document.body = Body::Step(Box::new(item));
                }
            }
            other => {
                let key = template
                    .as_map()
                    .and_then(|e| e.first())
                    .map_or(template.span, |(k, _)| k.span);
                self.report(not_a_pipeline::template(key, other));
            }
        }
    }

    fn pipeline_body(&mut self, body: &Node) {
        if self.document.name.is_none() {
            self.document.name = body
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
                    self.document.barrier_decls.push((id.to_string(), b.span));
                }
            }
        }
        if let Some(template) = body.get("template") {
            let span = key_span(body, "template").unwrap_or(template.span);
            let reference = template.get("templateRef").and_then(Node::as_str).unwrap_or("?");
            self.report(external_template::pipeline(span, reference));
            return;
        }
        match body.get("stages") {
            Some(stages) => {
                let items = fields::list(stages, "`stages`", self.out);
                let stages = self.stages(items);
                self.document.body = Body::Stages(stages);
            }
            None => {
                let span = key_span(body, "identifier")
                    .or_else(|| key_span(body, "name"))
                    .unwrap_or(body.span);
                self.report(missing_field::nothing_to_run(span, "the pipeline", "stages:"));
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Lists

    fn entry<'n>(&mut self, item: &'n Node, kinds: &[&str], what: &str) -> Option<Entry<'n>> {
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
            Some("parallel") => Entry::Parallel { key, body },
            Some(kind) => Entry::Single { key, kind, body },
            None => return None,
        })
    }

    fn stages(&mut self, items: &[Node]) -> Stages {
        let dag = items.iter().any(|item| {
            let has = |n: &Node| n.get("stage").is_some_and(|s| s.get("dependsOn").is_some());
            has(item)
                || item.get("parallel").and_then(Node::as_seq).is_some_and(|m| m.iter().any(has))
        });
        let mut stages = Stages { dag, items: Vec::new() };
        for item in items {
            match self.entry(item, &["stage"], "stages") {
                Some(Entry::Single { key, body, .. }) => {
                    stages.items.extend(
                        self.stage(key.span, body, None).map(|s| StageItem::Stage(Box::new(s))),
                    );
                }
                Some(Entry::Parallel { key, body }) => {
                    if dag {
                        self.report(Diagnostic::new(
                            &IGNORED_SETTING,
                            key.span,
                            "`parallel` has no effect in a DAG pipeline (stages with `dependsOn`): only `dependsOn` decides when a stage starts",
                        ));
                    }
                    let mut members = Vec::new();
                    self.parallel_stages(body, 0, &mut members);
                    stages.items.push(StageItem::Parallel { key: key.span, members });
                }
                None => {}
            }
        }
        stages
    }

    fn parallel_stages(&mut self, body: &Node, depth: u32, members: &mut Vec<Stage>) {
        if depth > MAX_DEPTH {
            self.report(Diagnostic::new(
                &INVALID_VALUE,
                body.span,
                format!("`parallel` nests more than {MAX_DEPTH} deep; the rest is left out"),
            ));
            return;
        }
        for item in fields::list(body, "`parallel`", self.out) {
            match self.entry(item, &["stage"], "parallel") {
                Some(Entry::Single { key, body, .. }) => {
                    members.extend(self.stage(key.span, body, None))
                }
                Some(Entry::Parallel { body, .. }) => {
                    self.parallel_stages(body, depth + 1, members)
                }
                None => {}
            }
        }
    }

    /// A list of steps (`steps`, or the members of a `parallel` block).
    pub(super) fn steps(&mut self, items: &[Node], depth: u32, list: List) -> Vec<StepItem> {
        let mut steps = Vec::new();
        let what = if list == List::Sequence { "steps" } else { "parallel" };
        for item in items {
            match self.entry(item, &["step", "stepGroup"], what) {
                Some(Entry::Single { key, kind: "step", body }) => {
                    if list == List::Sequence {
                        self.queue_scope(body);
                    }
                    steps.extend(self.step(key.span, body, None).map(StepItem::Step));
                }
                Some(Entry::Single { key, body, .. }) => steps
                    .extend(self.step_group(key.span, body, None, depth + 1).map(StepItem::Group)),
                Some(Entry::Parallel { key, body }) => {
                    let members = self.parallel_steps(body, depth + 1);
                    match list {
                        List::Sequence => steps.push(StepItem::Parallel { key: key.span, members }),
                        List::Parallel => steps.extend(members),
                    }
                }
                None => {}
            }
        }
        steps
    }

    fn parallel_steps(&mut self, body: &Node, depth: u32) -> Vec<StepItem> {
        if depth > MAX_DEPTH {
            self.report(Diagnostic::new(
                &INVALID_VALUE,
                body.span,
                format!("steps nest more than {MAX_DEPTH} deep; the rest is left out"),
            ));
            return Vec::new();
        }
        let items = fields::list(body, "`parallel`", self.out);
        self.steps(items, depth, List::Parallel)
    }

    /// A Queue step in a sequence whose `scope` is neither `Pipeline` nor `Stage`.
    fn queue_scope(&mut self, body: &Node) {
        if !is_queue(body) || body.get("strategy").is_some() {
            return;
        }
        let Some(spec) = body.get("spec") else { return };
        if let Some(other) =
            spec.get("scope").and_then(Node::as_str).filter(|s| !matches!(*s, "Pipeline" | "Stage"))
        {
            let span = spec.get("scope").map_or(spec.span, |n| n.span);
            self.report(Diagnostic::new(&INVALID_VALUE, span, format!("a Queue step's `scope` is `Pipeline` or `Stage`, not `{other}`; `Pipeline` is used")));
        }
    }
}
