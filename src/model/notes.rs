//! The notes shown beside a task: its typed settings (conditions, run conditions, manual gates,
//! delays, failure policies, a matrix's `fail-fast`) rendered in the keys of the file they were
//! read from, then the readers' notes for what stays untyped.
//!
//! This is the one place those settings become text: readers fill the typed fields and never
//! word them, so the CLI, the app and the JSON report show the same thing.

use crate::duration::Millis;

use super::{
    AllowFailure, Condition, ConditionKind, FailureAction, FailurePolicy, Format, GateKind,
    ManualGate, Note, Pipeline, RunWhen, Task, TaskIdx, TaskKind,
};

/// The longest text a note keeps of a value.
const NOTE_MAX: usize = 160;

/// Text cut to one line and a readable length, as notes show values.
pub fn shorten(text: &str) -> String {
    let one_line: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let joined = one_line.join(" ");
    if joined.chars().count() <= NOTE_MAX {
        return joined;
    }
    let cut: String = joined.chars().take(NOTE_MAX - 1).collect();
    format!("{cut}…")
}

impl Pipeline {
    /// What to show beside a task: its typed settings in document order (one note per key and
    /// place), then the notes its reader kept.
    pub fn task_notes(&self, idx: TaskIdx) -> Vec<Note> {
        let task = self.task(idx);
        // The run condition before the conditions: Harness writes both in one `when`.
        let mut derived: Vec<Note> = self.when_note(task).into_iter().collect();
        for condition in &task.conditions {
            derived.push(condition_note(condition));
        }
        if let Some(gate) = &task.gate {
            derived.push(gate_note(gate));
        }
        let inherited = task.parent.is_some_and(|p| self.task(p).failure == task.failure);
        if !inherited {
            derived.extend(failure_notes(&task.failure, self.format));
        }
        // Only a written `fail-fast` is shown; checking it first keeps this cheap for the
        // thousands of instances a Harness loop makes.
        for matrix in &self.matrices {
            if let Some(span) = matrix.fail_fast_span.filter(|_| matrix.members.contains(&idx)) {
                derived.push(Note {
                    key: "fail-fast".into(),
                    text: matrix.fail_fast.to_string(),
                    span,
                });
            }
        }
        derived.sort_by_key(|n| n.span.start);
        let mut notes: Vec<Note> = Vec::with_capacity(derived.len() + task.notes.len());
        for note in derived.into_iter().chain(task.notes.iter().cloned()) {
            match notes.iter_mut().find(|n| n.key == note.key && n.span == note.span) {
                Some(same) => same.text = format!("{}; {}", same.text, note.text),
                None => notes.push(note),
            }
        }
        notes
    }

    /// The run condition, in the file's words; none where a condition already shows it
    /// (GitHub's `if: failure()`, an Octopus variable condition).
    fn when_note(&self, task: &Task) -> Option<Note> {
        let span = task.when_span?;
        let shown_by_condition = task
            .conditions
            .iter()
            .any(|c| matches!(c.kind, ConditionKind::GithubIf | ConditionKind::OctopusVariable));
        if shown_by_condition {
            return None;
        }
        let (key, text) = match self.format {
            Format::Harness => {
                let status =
                    if task.kind == TaskKind::Stage { "pipelineStatus" } else { "stageStatus" };
                let value = match task.when {
                    RunWhen::OnSuccess => "Success",
                    RunWhen::OnFailure => "Failure",
                    RunWhen::Always => "All",
                    RunWhen::Never => "never",
                };
                ("when", format!("{status}: {value}"))
            }
            Format::Octopus => {
                let text = match task.when {
                    RunWhen::OnSuccess => "Success".to_string(),
                    RunWhen::OnFailure => "Failure: runs only when a previous step failed".into(),
                    RunWhen::Always => "Always: runs whatever happened before it".into(),
                    RunWhen::Never => "never runs".into(),
                };
                ("condition", text)
            }
            Format::GitlabCi if task.start_delay.is_some() => {
                let delay = task.start_delay.unwrap_or(Millis::ZERO);
                ("when", format!("delayed by {delay}: the delay is not simulated"))
            }
            Format::GitlabCi => {
                let text = match task.when {
                    RunWhen::OnSuccess => "on_success".to_string(),
                    RunWhen::OnFailure => {
                        "on_failure: runs only when a job before it (an earlier stage, or its \
                         needs) fails"
                            .into()
                    }
                    RunWhen::Always => "always: runs whatever happened before it".into(),
                    RunWhen::Never => "never".into(),
                };
                ("when", text)
            }
            _ => ("when", format!("{}{}", task.when.name(), run_when_meaning(task.when))),
        };
        Some(Note { key: key.into(), text, span })
    }
}

fn run_when_meaning(when: RunWhen) -> &'static str {
    match when {
        RunWhen::OnSuccess => "",
        RunWhen::OnFailure => ": runs only when something before it failed",
        RunWhen::Always => ": runs whatever happened before it",
        RunWhen::Never => ": runs in no simulated run",
    }
}

fn condition_note(condition: &Condition) -> Note {
    let text = shorten(&condition.text);
    let (key, text) = match condition.kind {
        ConditionKind::HarnessWhen => ("when".to_string(), format!("condition: {text}")),
        ConditionKind::OctopusVariable => ("condition".to_string(), format!("Variable: {text}")),
        // Written `environments: Production`: the key is the scope's own.
        ConditionKind::OctopusScope => match condition.text.split_once(": ") {
            Some((key, values)) => (key.to_string(), shorten(values)),
            None => ("scope".to_string(), text),
        },
        kind => (kind.key().to_string(), text),
    };
    Note { key, text, span: condition.span }
}

fn gate_note(gate: &ManualGate) -> Note {
    let (key, text) = match (gate.kind, gate.conditional, gate.blocking) {
        (GateKind::ManualJob, true, blocking) => (
            "rules",
            format!(
                "a rule may make the job manual, {}; not evaluated",
                if blocking {
                    "blocking (allow_failure: false)"
                } else {
                    "not blocking (allow_failure: true)"
                }
            ),
        ),
        (GateKind::ManualJob, false, true) => (
            "when",
            "manual, blocking (allow_failure: false): the pipeline waits here until someone \
             starts it; simulated as started as soon as it may"
                .to_string(),
        ),
        (GateKind::ManualJob, false, false) => (
            "when",
            "manual: runs only when someone starts it; simulated as started as soon as it may; \
             later stages do not wait for it (allow_failure: true)"
                .to_string(),
        ),
        (GateKind::Approval, _, _) => {
            ("type", "approval: waits for a person; the duration is a guess".to_string())
        }
        (GateKind::ManualIntervention, _, _) => {
            ("action_type", "Octopus.Manual: waits for a person to approve".to_string())
        }
    };
    Note { key: key.into(), text, span: gate.span }
}

/// The failure policy in the file's keys: Harness words it as one `failureStrategies` note,
/// the others as their allowance key and their retry key.
fn failure_notes(failure: &FailurePolicy, format: Format) -> Vec<Note> {
    let mut notes = Vec::new();
    if format == Format::Harness {
        if let Some(span) = failure.span.or(failure.retry.as_ref().map(|r| r.span)) {
            notes.push(Note {
                key: "failureStrategies".into(),
                text: strategy_text(failure),
                span,
            });
        }
        return notes;
    }
    if let Some(span) = failure.span {
        let key = match format {
            Format::GithubActions => "continue-on-error",
            _ => "allow_failure",
        };
        let text = match &failure.allow {
            AllowFailure::No => "false".to_string(),
            AllowFailure::Yes => "true".to_string(),
            AllowFailure::ExitCodes(codes) => format!("exit_codes: {}", list(codes)),
            AllowFailure::Expression(e) => shorten(e),
        };
        notes.push(Note { key: key.into(), text, span });
    }
    if let Some(retry) = &failure.retry {
        let key = match format {
            Format::GitlabCi => "retry",
            Format::Octopus => "Octopus.Action.AutoRetry.MaximumCount",
            _ => "retries",
        };
        let mut text = retry.max.to_string();
        if retry.interval != Millis::ZERO {
            text.push_str(&format!(", at least {} apart", retry.interval));
        }
        if !retry.when.is_empty() {
            text.push_str(&format!(" (when: {})", retry.when.join(", ")));
        }
        notes.push(Note { key: key.into(), text, span: retry.span });
    }
    notes
}

/// A Harness failure policy as one phrase: `retry 3 times, 10s apart (on Timeout), then abort`.
fn strategy_text(failure: &FailurePolicy) -> String {
    let last = if failure.allows() {
        "ignore the failure"
    } else {
        match failure.action {
            FailureAction::Fail => "mark as failed",
            FailureAction::Abort => "abort",
            FailureAction::Rollback => "roll back",
            FailureAction::ManualIntervention => "wait for manual intervention",
        }
    };
    match &failure.retry {
        None => last.to_string(),
        Some(retry) => {
            let mut text =
                format!("retry {} time{}", retry.max, if retry.max == 1 { "" } else { "s" });
            if retry.interval != Millis::ZERO {
                text.push_str(&format!(", {} apart", retry.interval));
            }
            if !retry.when.is_empty() {
                text.push_str(&format!(" (on {})", retry.when.join(", ")));
            }
            format!("{text}, then {last}")
        }
    }
}

fn list(codes: &[i64]) -> String {
    let shown: Vec<String> = codes.iter().map(i64::to_string).collect();
    shown.join(", ")
}
