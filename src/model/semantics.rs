//! What a task does when something fails, whether it runs at all, and where a person must act.
//!
//! These are typed settings that every reader fills from its own spelling (GitHub
//! `continue-on-error`, GitLab `allow_failure`, Harness `failureStrategies`, Octopus run
//! conditions, the own format's `allow_failure`), so that the engine (failures, retries, skips)
//! and the scenario evaluator (conditions) read one shape. A task's display notes about them are
//! derived from these fields, never the other way round.

use crate::duration::Millis;
use crate::span::Span;

mod github_if;

/// Which outcomes of what a task waits for let it run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunWhen {
    /// Only when everything it waits for succeeded (a failure that is allowed counts as one).
    #[default]
    OnSuccess,
    /// Only when something it waits for, directly or not, failed: GitLab `when: on_failure`,
    /// GitHub `if: failure()`, Octopus "run only when a previous step failed".
    OnFailure,
    /// Whatever happened before: GitLab `when: always`, GitHub `if: always()`, Octopus "always
    /// run", Harness `pipelineStatus: All`.
    Always,
    /// In no run the simulation makes: GitHub `if: cancelled()` (true only when someone cancels
    /// the whole run, which a failure does not) or an `if:` false whatever happened before
    /// (`if: false`).
    Never,
}

impl RunWhen {
    /// The own format's spelling, also used in JSON and notes.
    pub fn name(self) -> &'static str {
        match self {
            RunWhen::OnSuccess => "on_success",
            RunWhen::OnFailure => "on_failure",
            RunWhen::Always => "always",
            RunWhen::Never => "never",
        }
    }
}

/// What a failure of the task means and what is done about it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FailurePolicy {
    /// Whether its failure counts as a success for what follows and for the pipeline.
    pub allow: AllowFailure,
    /// Automatic retries of a failed attempt.
    pub retry: Option<Retry>,
    /// What happens after the retries are used up (Harness and Octopus choose; the CI systems
    /// fail).
    pub action: FailureAction,
    /// Where the allowance or the action is written, when it is (`allow_failure: false` is
    /// written although it is the default); a retry has its own span.
    pub span: Option<Span>,
}

impl FailurePolicy {
    /// True when nothing about failures was written or implied.
    pub fn is_default(&self) -> bool {
        *self == FailurePolicy::default()
    }

    /// Whether a failure counts as a success, for sure (an expression may say either).
    pub fn allows(&self) -> bool {
        self.allow == AllowFailure::Yes
    }
}

/// Whether a failure is tolerated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AllowFailure {
    #[default]
    No,
    /// Any failure counts as success (GitLab `allow_failure: true`, GitHub
    /// `continue-on-error: true`, Harness `Ignore`/`MarkAsSuccess`).
    Yes,
    /// Only these exit codes are tolerated (GitLab `allow_failure: exit_codes`).
    ExitCodes(Vec<i64>),
    /// Decided while the pipeline runs (`continue-on-error: ${{ matrix.experimental }}`).
    Expression(String),
}

/// Automatic retries of a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    /// Retries after the first attempt (so at most `max + 1` attempts).
    pub max: u32,
    /// The failure kinds that are retried, as the file names them (GitLab `retry: when`,
    /// Harness `errors`); empty means any failure.
    pub when: Vec<String>,
    /// Pause between attempts (Harness `retryIntervals`, the first of them; Octopus
    /// `MinimumBackoff`), zero when none.
    pub interval: Millis,
    pub span: Span,
}

/// What happens when a task's failure is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailureAction {
    /// The task fails: what waits for it is skipped (unless it runs on failure or always).
    #[default]
    Fail,
    /// The whole execution stops: running tasks are cancelled (Harness `Abort`).
    Abort,
    /// The stage or pipeline rolls back (Harness `StageRollback`, `StepGroupRollback`,
    /// `PipelineRollback`): what follows does not run, yet does not see a failure either (only
    /// what runs always runs).
    Rollback,
    /// A person decides (Harness `ManualIntervention`, Octopus guided failure).
    ManualIntervention,
}

impl FailureAction {
    pub fn name(self) -> &'static str {
        match self {
            FailureAction::Fail => "fail",
            FailureAction::Abort => "abort",
            FailureAction::Rollback => "rollback",
            FailureAction::ManualIntervention => "manual_intervention",
        }
    }
}

/// A condition on whether the task runs at all, kept unevaluated with its span: which jobs a
/// push, a merge request or a tag runs is the scenario evaluator's question.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub kind: ConditionKind,
    /// The expression or the rules as written, on one line. An Octopus scope starts with its
    /// key: `environments: Production, Staging`.
    pub text: String,
    pub span: Span,
}

/// Which language a [`Condition`] is written in, and so how it is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionKind {
    /// GitHub Actions `if:` (an expression, `${{ }}` optional).
    GithubIf,
    /// GitLab `rules:` (the first rule that matches decides).
    GitlabRules,
    /// GitLab `only:`.
    GitlabOnly,
    /// GitLab `except:`.
    GitlabExcept,
    /// Harness `when: condition` (a JEXL expression).
    HarnessWhen,
    /// An Octopus variable run condition (`#{if ...}`).
    OctopusVariable,
    /// An Octopus environment or channel scope (the step runs only for those).
    OctopusScope,
}

impl ConditionKind {
    /// The key the condition is written under.
    pub fn key(self) -> &'static str {
        match self {
            ConditionKind::GithubIf => "if",
            ConditionKind::GitlabRules => "rules",
            ConditionKind::GitlabOnly => "only",
            ConditionKind::GitlabExcept => "except",
            ConditionKind::HarnessWhen => "when",
            ConditionKind::OctopusVariable => "condition",
            ConditionKind::OctopusScope => "scope",
        }
    }
}

/// A place where the pipeline waits for a person.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualGate {
    pub kind: GateKind,
    /// Whether what follows waits for the person (a GitLab manual job that allows failure does
    /// not hold later stages).
    pub blocking: bool,
    /// Only when a condition makes it so (a GitLab rule with `when: manual`): whether the gate
    /// is there depends on the same unevaluated conditions as the task.
    pub conditional: bool,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateKind {
    /// GitLab `when: manual` (or a rule that makes the job manual).
    ManualJob,
    /// Harness approval steps and stages (Harness, Jira, ServiceNow, custom approvals).
    Approval,
    /// Octopus manual intervention steps.
    ManualIntervention,
}

impl GateKind {
    pub fn name(self) -> &'static str {
        match self {
            GateKind::ManualJob => "manual job",
            GateKind::Approval => "approval",
            GateKind::ManualIntervention => "manual intervention",
        }
    }
}

/// The file format a pipeline was read from, so that the notes derived from its typed settings
/// use the keys the user wrote (`continue-on-error`, `allow_failure`, `failureStrategies`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// pipescope's own format (`docs/FORMAT.md`).
    #[default]
    Own,
    Psplib,
    GithubActions,
    GitlabCi,
    Harness,
    Octopus,
}

/// The run condition a GitHub `if:` sets when its status-check functions alone decide it
/// (`always()`, `failure() || cancelled()`, `false`): lint knows it needs no evaluating.
pub fn github_status_check(expression: &str) -> Option<RunWhen> {
    github_if::status_check(expression).filter(|s| s.decided).map(|s| s.when)
}

/// The run condition a GitHub `if:` sets (`Task::when`), when it sets one: it calls a
/// status-check function (`always() && github.event_name == 'push'` runs after a failure too)
/// or is false whatever happened. Operands that are not status checks are assumed to hold.
/// Other expressions leave the default, `success()`, which GitHub adds to them.
pub fn github_run_when(expression: &str) -> Option<RunWhen> {
    github_if::status_check(expression)
        .filter(|s| s.calls_status || s.when != RunWhen::OnSuccess)
        .map(|s| s.when)
}
