//! One GitLab job, read from its definition (with `extends`, `!reference` and `default:`
//! already applied) into a typed form: its stage, settings, `needs`, instances, resource
//! group, runner tags and notes. Everything a job's text can be wrong about is reported here,
//! once per job; lowering it into tasks reports nothing about the text.

use crate::diagnostic::Diagnostic;
use crate::dialect::ci;
use crate::dialect::fields::{self, check_keys};
use crate::duration::Millis;
use crate::model;
use crate::model::Note;
use crate::span::Span;
use crate::yaml::Node;

use super::findings;
use super::flatten;
use super::needs::{self, Need};
use super::parallel::{self, Instance};
use super::semantics::{self, Settings};
use super::stages::{DEFAULT_STAGE, Stages};
use super::vars::{self, SpecInputs, Variables};

/// The keys a job may have.
pub const JOB_KEYS: &[&str] = &[
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

/// A job as GitLab reads it, before it becomes tasks.
pub struct Job {
    pub name: String,
    pub key_span: Span,
    /// The job's own text, from its name on: the span of its tasks.
    pub span: Span,
    /// Its index in [`Stages`].
    pub stage: usize,
    /// When it runs, what its failure means, and whether later stages wait for it.
    pub settings: Settings,
    /// `needs` as written; `None` when the stage order applies.
    pub needs: Option<Vec<Need>>,
    /// The jobs GitLab makes of it (one without `parallel`).
    pub instances: Vec<Instance>,
    /// Where `parallel` is written, when it makes more than one instance.
    pub parallel: Option<Span>,
    /// `resource_group`, with variables not yet expanded (they may be the instance's).
    pub resource_group: Option<(String, Span)>,
    /// Runner `tags`, with variables not yet expanded; none for a trigger job, which runs on
    /// no runner.
    pub tags: Vec<String>,
    /// Where the tags are written (the job's name when it has none).
    pub tags_span: Span,
    /// `timeout`: an upper bound of the estimated duration.
    pub timeout: Option<Millis>,
    pub variables: Variables,
    /// Settings shown beside every task of the job.
    pub notes: Vec<Note>,
}

/// What reading a job needs from the rest of the file.
pub struct Context<'a> {
    pub spec: &'a SpecInputs,
    pub stages: &'a mut Stages,
    /// Whether the file has an `include:`, which may complete a job of the same name.
    pub includes: bool,
}

/// Where a job is written and what it is after templates and defaults.
pub struct Definition<'n> {
    pub name: &'n str,
    pub key: &'n Node,
    /// The value as written in the file.
    pub raw: &'n Node,
    /// The value with `extends`, `!reference` and `default:` applied.
    pub resolved: &'n Node,
    /// Whether one of its own `extends` names nothing, so that it may lack its `script`.
    pub extends_failed: bool,
}

/// Reads one job; `None` for a job GitLab never runs (`when: never`).
pub fn read(def: &Definition, cx: &mut Context, out: &mut Vec<Diagnostic>) -> Option<Job> {
    let (name, job) = (def.name, def.resolved);
    let what = format!("the job `{name}`");
    check_keys(job, JOB_KEYS, &what, out);
    let trigger = job.get("trigger");
    let runs_something = ["script", "run", "trigger"].iter().any(|k| job.get(k).is_some());
    if !runs_something && !def.extends_failed {
        out.push(findings::nothing_to_run(def.key.span, &what, cx.includes));
    }
    let stage = stage(job, def.key.span, cx, out);
    let when = job.get("when").and_then(Node::as_str).map(|w| cx.spec.interpolate(w));
    let settings = semantics::read(job, name, when.as_deref(), def.key.span, out);
    if settings.never {
        return None;
    }
    let mut notes: Vec<Note> = trigger.map(trigger_note).into_iter().collect();
    if let Some(environment) = job.get("environment") {
        notes.push(ci::note("environment", environment.get("name").unwrap_or(environment)));
    }
    let timeout = job.get("timeout").and_then(|t| timeout(t, cx.spec, &mut notes, out));
    let needs = needs::read(job, cx.spec, &mut notes, out);
    let instances = parallel::instances(name, job.get("parallel"), out);
    let parallel = job.get("parallel").filter(|_| instances.len() > 1).map(|p| p.span);
    let variables = job.get("variables").map(vars::variables).unwrap_or_default();
    let tags = match job.get("tags") {
        Some(t) if trigger.is_none() => tags(t, cx.spec, out),
        _ => Vec::new(),
    };
    let resource_group = job.get("resource_group").and_then(|g| {
        Some((cx.spec.interpolate(fields::text(g, "`resource_group`", out)?), g.span))
    });
    Some(Job {
        name: name.to_string(),
        key_span: def.key.span,
        span: def.key.span.cover(def.raw.span),
        stage,
        settings,
        needs,
        instances,
        parallel,
        resource_group,
        tags,
        tags_span: job.get("tags").map_or(def.key.span, |t| t.span),
        timeout,
        variables,
        notes,
    })
}

/// The job's stage (`test` when it names none), added to the stages when undeclared.
fn stage(job: &Node, key: Span, cx: &mut Context, out: &mut Vec<Diagnostic>) -> usize {
    let (name, span) = match job.get("stage") {
        Some(s) => match fields::text(s, "`stage`", out) {
            Some(t) => (cx.spec.interpolate(t), s.span),
            None => (DEFAULT_STAGE.to_string(), s.span),
        },
        None => (DEFAULT_STAGE.to_string(), key),
    };
    cx.stages.index(&name, span, out)
}

/// A trigger job starts a downstream pipeline, which is not read.
fn trigger_note(trigger: &Node) -> Note {
    let depend = trigger.get("strategy").and_then(Node::as_str) == Some("depend");
    let target = trigger.get("project").or_else(|| trigger.get("include")).unwrap_or(trigger);
    ci::note_text(
        "trigger",
        format!(
            "{}: starts a downstream pipeline, which is not read; {}",
            model::shorten(&ci::flow(target)),
            if depend {
                "the job waits for it (strategy: depend), simulated as this job's duration"
            } else {
                "the job ends once it is created"
            }
        ),
        trigger.span,
    )
}

/// `timeout: 1h 30m`, noted as the bound it is.
fn timeout(
    node: &Node,
    spec: &SpecInputs,
    notes: &mut Vec<Note>,
    out: &mut Vec<Diagnostic>,
) -> Option<Millis> {
    let text = spec.interpolate(&ci::flow(node));
    let Some(ms) = ci::parse_human_duration(&text) else {
        out.push(findings::unreadable_duration(
            node.span,
            "timeout",
            &text,
            "`30m`, `1h 30m` or `3 hours`",
        ));
        return None;
    };
    let bound = format!("{text}: an upper bound of the estimated duration");
    notes.push(ci::note_text("timeout", bound, node.span));
    Some(ms)
}

/// Runner tags as text, with lists from `!reference` spliced in.
fn tags(node: &Node, spec: &SpecInputs, out: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut flat = Vec::new();
    flatten(node, &mut flat);
    flat.iter()
        .filter_map(|n| Some(spec.interpolate(fields::text(n, "a runner tag", out)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::config;
    use super::super::vars::SpecInputs;
    use crate::yaml;

    /// What lowering reads of a job: its stage, `needs` with their options, instances,
    /// resource group and tags unexpanded (variables may be the instance's), and its timeout;
    /// the undeclared stage is reported while reading, once.
    #[test]
    fn a_job_is_read_into_its_typed_parts() {
        let text = "stages: [build, test]\n.t:\n  timeout: 30m\n  tags: [linux, $OS]\n  resource_group: deploy-$ENV\nbuild: {stage: build, script: b, parallel: 2}\ncheck:\n  extends: .t\n  script: t\n  stage: lint\n  needs: [build, {job: gone, optional: true}, {job: build, parallel: {matrix: [{A: x}]}}]\n";
        let docs = yaml::parse(text);
        let mut out = Vec::new();
        let config = config::read(&docs.docs[0], &SpecInputs::default(), &mut out).unwrap();
        let shown: Vec<String> = config
            .jobs
            .iter()
            .map(|job| {
                let needs: Vec<String> = job
                    .needs
                    .iter()
                    .flatten()
                    .map(|n| {
                        let optional = if n.optional { " optional" } else { "" };
                        let matrix = n.matrix.as_ref().map_or(0, Vec::len);
                        format!("{}{optional} matrix:{matrix}", n.name)
                    })
                    .collect();
                let instances: Vec<&str> = job.instances.iter().map(|i| i.name.as_str()).collect();
                format!(
                    "{} stage:{} needs:{needs:?} instances:{instances:?} parallel:{} group:{:?} tags:{:?} timeout:{:?}",
                    job.name,
                    config.stages.name(job.stage),
                    job.parallel.is_some(),
                    job.resource_group.as_ref().map(|(g, _)| g),
                    job.tags,
                    job.timeout.map(|t| t.0),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                r#"build stage:build needs:[] instances:["build 1/2", "build 2/2"] parallel:true group:None tags:[] timeout:None"#,
                r#"check stage:lint needs:["build matrix:0", "gone optional matrix:0", "build matrix:1"] instances:["check"] parallel:false group:Some("deploy-$ENV") tags:["linux", "$OS"] timeout:Some(1800000)"#,
            ]
        );
        let messages: Vec<&str> = out.iter().map(|d| d.code()).collect();
        assert_eq!(messages, ["PS311"], "{out:?}");
    }
}
