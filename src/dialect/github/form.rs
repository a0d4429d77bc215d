//! The typed intermediate form of a workflow: what reading found, with every matrix expanded
//! into its instances and every matrix expression replaced, before anything is a task. Reading
//! (`workflow.rs`, `job.rs`, `steps.rs`) raises every diagnostic about the text; lowering
//! (`lower.rs`) only builds the model from this.

use crate::duration::Millis;
use crate::model::{AllowFailure, MatrixGroup, Note};
use crate::span::Span;
use crate::yaml::Node;

use super::semantics::Semantics;

/// A workflow as read.
#[derive(Debug, Default)]
pub struct Workflow {
    pub name: Option<String>,
    pub jobs: Vec<Job>,
}

/// A job as read: what every instance shares, and the instances its matrix makes.
#[derive(Debug)]
pub struct Job {
    /// The job id as written (`build`).
    pub key: String,
    pub key_span: Span,
    /// The whole job, key and body.
    pub span: Span,
    /// `needs`, in the order written, without repeats.
    pub needs: Vec<Need>,
    /// `strategy.matrix` as written, with its fail-fast (the members are filled by lowering).
    pub matrix: Option<MatrixGroup>,
    /// `strategy.max-parallel`, when it caps more than one instance.
    pub max_parallel: Option<(u32, Span)>,
    /// `if:` and `continue-on-error`.
    pub semantics: Semantics,
    /// `timeout-minutes`, an upper bound of the estimated duration.
    pub timeout: Option<Millis>,
    /// Notes every instance shows, before its own.
    pub notes: Vec<Note>,
    pub work: Work,
    /// One per matrix combination (one when there is no matrix; none when the matrix is empty).
    pub instances: Vec<Instance>,
}

/// A job named in `needs`.
#[derive(Debug)]
pub struct Need {
    pub name: String,
    pub span: Span,
    /// The index of the job it names among the workflow's jobs, when it names one.
    pub job: Option<usize>,
}

/// What a job runs.
#[derive(Debug)]
pub enum Work {
    /// `uses:` a reusable workflow, simulated as one task: no runner, no steps.
    Reusable,
    /// `steps`, one after another (none when the job has no readable steps).
    Steps(Vec<Step>),
}

/// One instance of a job: one matrix combination, or the job itself.
#[derive(Debug)]
pub struct Instance {
    /// The task id: the job id with the combination's values, as GitHub names it.
    pub id: String,
    /// The name shown, when it differs from the id.
    pub label: Option<String>,
    /// The job-level `concurrency` group, with matrix values replaced.
    pub group: Option<Group>,
    /// Where it runs; none for a call of a reusable workflow, or a job without `runs-on`.
    pub runner: Option<Runner>,
    /// Notes of this instance (its group, its runner), after the job's.
    pub notes: Vec<Note>,
    /// The job's `continue-on-error` decided by this instance's matrix values.
    pub allow: Option<AllowFailure>,
    /// This instance's matrix values, which fill in its steps' names as GitHub shows them
    /// ("Run tests on ${{ matrix.os }}" → "Run tests on ubuntu-latest").
    pub matrix: Vec<(String, Node)>,
}

/// A `concurrency` group, by its text.
#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub span: Span,
}

/// The runner of an instance, by its `runs-on` (`span`).
#[derive(Debug)]
pub enum Runner {
    /// A runner GitHub hosts: it counts against the account's limit of jobs at once, and a
    /// macOS one against the macOS limit too. `labels` as resolved; empty when an expression
    /// was left.
    Hosted { macos: bool, labels: Vec<String>, span: Span },
    /// A pool of the runners carrying these labels: self-hosted or other non-GitHub-hosted
    /// labels.
    Pool { labels: Vec<String>, span: Span },
}

/// A step as read.
#[derive(Debug)]
pub struct Step {
    /// `id`, or its position from 1.
    pub local_id: String,
    pub id_span: Span,
    /// `name`, else `uses`, else the first line of `run`.
    pub name: Option<String>,
    pub span: Span,
    /// Its first line, where its `-` is.
    pub header: Span,
    pub semantics: Semantics,
    /// The estimate, bounded by its own `timeout-minutes`.
    pub duration: Millis,
    pub notes: Vec<Note>,
}
