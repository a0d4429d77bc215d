//! The typed intermediate form of a Harness file: what [`super::parse`] read, with spans, before
//! anything is expanded into instances or lowered into tasks. Every diagnostic about the text is
//! raised while this form is built; [`super::lower`] reads only this form, so a looped item is
//! read once however many instances it has.

use crate::duration::Millis;
use crate::model::{DurationSource, Note};
use crate::span::Span;

use super::semantics::Settings;
use super::strategy::Expansion;

/// A whole file.
#[derive(Default)]
pub struct Document {
    /// The pipeline's or template's display name.
    pub name: Option<String>,
    /// `flowControl.barriers`: the declared barrier identifiers and where.
    pub barrier_decls: Vec<(String, Span)>,
    pub body: Body,
}

/// What the file runs.
#[derive(Default)]
pub enum Body {
    /// Nothing: the diagnostics say why.
    #[default]
    Nothing,
    /// A pipeline's (or a fragment's) `stages`.
    Stages(Stages),
    /// A stage template.
    Stage(Box<Stage>),
    /// A step or step group template.
    Step(Box<StepItem>),
}

/// `stages`, in order.
pub struct Stages {
    /// Some stage has `dependsOn`: only `dependsOn` orders the stages.
    pub dag: bool,
    pub items: Vec<StageItem>,
}

pub enum StageItem {
    Stage(Box<Stage>),
    /// A `- parallel:` block (nested blocks flattened into it) and its key.
    Parallel {
        key: Span,
        members: Vec<Stage>,
    },
}

pub enum StepItem {
    Step(Step),
    Group(StepGroup),
    /// A `- parallel:` block (nested blocks flattened into it) and its key.
    Parallel {
        key: Span,
        members: Vec<StepItem>,
    },
}

/// An item's identifier (made fit for an id), where it is written, and its display name.
#[derive(Clone)]
pub struct Identity {
    pub id: String,
    pub span: Span,
    pub name: Option<String>,
}

/// What stages, step groups and steps share.
pub struct Item {
    /// The item's key (`stage:`, `step:`, or a template's `spec:`).
    pub key: Span,
    /// From the key to the end of the body.
    pub span: Span,
    pub identity: Identity,
    /// `when` and `failureStrategies`, typed.
    pub settings: Settings,
    /// The template or pipeline it comes from, which is not in this file.
    pub external: Option<Note>,
    /// The instances of its looping strategy (one when it does not loop).
    pub expansion: Expansion,
    /// Where `strategy:` is written, when it is.
    pub strategy: Option<Span>,
}

pub struct Stage {
    pub item: Item,
    pub depends_on: Option<Vec<(String, Span)>>,
    /// What a Deployment stage deploys, for its lock.
    pub deployment: Option<Deployment>,
    /// `spec.execution.steps`, when written.
    pub steps: Option<Vec<StepItem>>,
    pub rollback: Option<Rollback>,
    /// An Approval stage: where its `type` is.
    pub approval: Option<Span>,
}

pub struct StepGroup {
    pub item: Item,
    pub steps: Option<Vec<StepItem>>,
    pub rollback: Option<Rollback>,
}

pub struct Step {
    pub item: Item,
    /// `type`: `Run`, `ShellScript`, `Wait`, `Barrier`, `Queue`, ...
    pub kind: String,
    pub duration: Millis,
    pub source: DurationSource,
    /// Its own notes (a Background step keeps running): after the settings' notes.
    pub notes: Vec<Note>,
    /// A Background step, simulated as taking no time: where its `type` is.
    pub background: Option<Span>,
    /// A Barrier step's `barrierRef` as written (before loop values are put in).
    pub barrier: Option<(String, Span)>,
    pub queue: Option<Queue>,
    /// An approval step: where its `type` is.
    pub approval: Option<Span>,
}

/// A Queue step's `spec`.
pub struct Queue {
    /// `key` as written ("" when missing).
    pub key: String,
    pub key_span: Span,
    pub scope: QueueScope,
}

#[derive(Clone, PartialEq, Eq)]
pub enum QueueScope {
    /// `Pipeline`, or no `scope`.
    Pipeline,
    Stage,
    /// Anything else (reported; held like `Stage` in the note, never as a region).
    Other,
}

/// `rollbackSteps`: listed, not run.
pub struct Rollback {
    pub span: Span,
    /// The identifiers of its steps and step groups, in document order.
    pub ids: Vec<String>,
    /// Its Barrier steps' references as written, for the barrier lint.
    pub barriers: Vec<(String, Span)>,
}

/// What a Deployment stage's `spec` says it deploys, with the values as written.
pub struct Deployment {
    /// Where the lock is said to come from.
    pub span: Span,
    /// `infrastructure.allowSimultaneousDeployments: true`: no lock.
    pub simultaneous: bool,
    /// The environment deploys to GitOps clusters.
    pub gitops: bool,
    pub services: Vec<ServiceSource>,
    pub places: Vec<PlaceSource>,
}

/// Text as written, before loop values are put in (`None`: not written, or not text).
pub type Raw = Option<String>;

pub enum ServiceSource {
    Ref(Raw),
    /// `useFromStage: {stage}`: the services of that stage.
    FromStage(Raw),
}

/// Where a stage deploys: (environment, infrastructure) pairs.
pub enum PlaceSource {
    /// `useFromStage`: the places of that stage; with infrastructures of its own, those on the
    /// stage's first environment.
    FromStage { stage: Raw, own: Vec<Raw> },
    /// An environment and its infrastructures; without any, one unnamed infrastructure (none
    /// for a GitOps environment).
    Environment { environment: Raw, infrastructures: Vec<Raw>, gitops: bool },
    /// Version 1: an inline infrastructure, keyed by its type, connector and namespace.
    Inline { environment: Raw, parts: [Raw; 3] },
}
