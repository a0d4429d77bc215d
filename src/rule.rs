//! What a lint rule is, as a diagnostic names it: its stable code and name, its default severity
//! and its documentation.
//!
//! A leaf, below both `diagnostic` (every diagnostic points at its rule) and `lint` (which adds
//! how a rule is checked), so that neither imports the other's layer.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A rule's identity and documentation. How it is checked is `lint::Rule`'s business.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable, never reused: `PS102`.
    pub code: &'static str,
    /// Kebab-case: `unknown-dependency`.
    pub name: &'static str,
    pub severity: Severity,
    /// Markdown: what it does, why it matters, an example.
    pub doc: &'static str,
}

impl PartialEq for RuleInfo {
    fn eq(&self, other: &RuleInfo) -> bool {
        self.code == other.code
    }
}

impl Eq for RuleInfo {}

impl RuleInfo {
    /// The first paragraph of the documentation (under "What it does"), for tables and tooltips.
    pub fn summary(&self) -> String {
        let lines = self.doc.lines().map(str::trim);
        let paragraph: Vec<&str> = lines
            .skip_while(|l| l.is_empty() || l.starts_with('#'))
            .take_while(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        paragraph.join(" ")
    }

    /// The documentation with the one space `///` leaves at the start of each line removed.
    pub fn doc_markdown(&self) -> String {
        self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n")
    }
}
