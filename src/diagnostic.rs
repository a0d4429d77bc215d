//! Diagnostics are plain data: which rule, how severe, what to say, and where.
//!
//! Rendering (colours, snippets, JSON) belongs to the shells and to `report`.

use crate::rule::RuleInfo;
use crate::span::Span;

// Most code names the severity next to the diagnostic it grades.
pub use crate::rule::Severity;

/// One finding about the user's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static RuleInfo,
    pub severity: Severity,
    pub message: String,
    /// Where the user wrote the thing this is about.
    pub span: Span,
    /// Further places that explain it (the other duplicate, the rest of a cycle, ...).
    pub related: Vec<(Span, String)>,
    /// A suggestion or explanation shown under the message.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the rule's default severity.
    pub fn new(rule: &'static RuleInfo, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            span,
            related: Vec::new(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.related.push((span, label.into()));
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    pub fn name(&self) -> &'static str {
        self.rule.name
    }
}

/// Orders diagnostics for display: by position, then severity, then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.severity, a.rule.code, &a.message).cmp(&(
            b.span.start,
            b.severity,
            b.rule.code,
            &b.message,
        ))
    });
}
