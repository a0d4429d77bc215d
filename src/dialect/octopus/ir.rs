//! The intermediate form both spellings of a process are read into ([`Process`]), and the
//! values they read alike: ids from labels, role lists, window sizes.

use crate::diagnostic::Diagnostic;
use crate::duration::Millis;
use crate::lint::rules::{invalid_value::INVALID_VALUE, runtime_value::RUNTIME_VALUE};
use crate::model::{Condition, Note, Retry};
use crate::span::Span;

use super::DEFAULT_MAX_PARALLELISM;
use super::semantics::Run;

/// The process as both spellings say it.
#[derive(Default)]
pub struct Process {
    /// The project-level `Octopus.Action.MaxParallelism`.
    pub max_parallelism: Option<(u32, Span)>,
    pub steps: Vec<Step>,
}

pub struct Step {
    pub id: String,
    pub id_span: Span,
    pub name: Option<String>,
    pub span: Span,
    /// The `start_trigger = "StartWithPrevious"` (or `start: with-previous`) setting.
    pub with_previous: Option<Span>,
    pub roles: Vec<(String, Span)>,
    /// The rolling window: how many targets at once.
    pub window: Option<(u32, Span)>,
    /// The run condition (`Success`, `Failure`, `Always`, `Variable`).
    pub run: Run,
    /// Environment scopes written on the step (YAML).
    pub scopes: Vec<Condition>,
    pub actions: Vec<Action>,
    /// Every string in the step, to find the output variables it reads.
    pub strings: Vec<Span>,
}

pub struct Action {
    pub id: String,
    pub name: Option<String>,
    pub span: Span,
    pub id_span: Span,
    pub duration: Option<Millis>,
    pub manual: Option<Span>,
    pub disabled: bool,
    /// A run condition written on the action (YAML).
    pub run: Run,
    /// Environment, channel and tenant scopes.
    pub scopes: Vec<Condition>,
    /// `Octopus.Action.AutoRetry.MaximumCount`.
    pub retry: Option<Retry>,
    pub notes: Vec<Note>,
}

/// An id from a step's label: Octopus slugs are already ids; older files use display names.
pub fn slug(label: &str) -> String {
    let s: String =
        label.trim().chars().map(|c| if c == '/' || c.is_whitespace() { '-' } else { c }).collect();
    if s.is_empty() { "step".into() } else { s }
}

/// `Octopus.Action.TargetRoles`: roles separated by commas, each pointing at the whole value.
pub fn split_roles(text: &str, span: Span) -> Vec<(String, Span)> {
    text.split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| (r.to_string(), span))
        .collect()
}

/// A `MaxParallelism` of at least 1; a variable or anything else is reported and the default
/// is used.
pub fn positive(
    text: Option<&str>,
    span: Span,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<(u32, Span)> {
    let text = text?.trim();
    match text.parse::<u64>() {
        Ok(n) if n >= 1 => Some((u32::try_from(n).unwrap_or(u32::MAX), span)),
        _ if text.starts_with("#{") => {
            out.push(Diagnostic::new(&RUNTIME_VALUE, span, format!("{what} is the variable `{text}`, known only when deploying; the default {DEFAULT_MAX_PARALLELISM} is used")));
            None
        }
        _ => {
            out.push(Diagnostic::new(&INVALID_VALUE, span, format!("{what} must be a whole number of at least 1, not `{text}`; the default {DEFAULT_MAX_PARALLELISM} is used")));
            None
        }
    }
}
