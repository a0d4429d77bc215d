//! Dialects: the file formats pipescope reads, each lowered into the same [`Pipeline`] model.

pub mod ci;
pub mod fields;
pub mod github;
pub mod gitlab;
pub mod harness;
pub mod native;
pub mod ocl;
pub mod octopus;
pub mod psplib;

use std::fmt;
use std::str::FromStr;

use crate::diagnostic::Diagnostic;
use crate::model::Inputs;
use crate::model::Pipeline;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// pipescope's own YAML format (`docs/FORMAT.md`).
    Native,
    /// PSPLIB `.sm` scheduling benchmark instances.
    Psplib,
    /// Harness CD/CI pipelines as Harness exports them (`docs/dialects/harness.md`).
    Harness,
    /// Octopus Deploy deployment processes: `deployment_process.ocl`, or the same process in
    /// YAML under `deployment_process:` (`docs/dialects/octopus.md`).
    Octopus,
    /// GitHub Actions workflows (`docs/dialects/github.md`).
    Github,
    /// GitLab CI pipelines (`docs/dialects/gitlab.md`).
    Gitlab,
}

impl Dialect {
    pub const ALL: &'static [Dialect] = &[
        Dialect::Native,
        Dialect::Harness,
        Dialect::Octopus,
        Dialect::Github,
        Dialect::Gitlab,
        Dialect::Psplib,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Native => "native",
            Dialect::Psplib => "psplib",
            Dialect::Harness => "harness",
            Dialect::Octopus => "octopus",
            Dialect::Github => "github",
            Dialect::Gitlab => "gitlab",
        }
    }

    /// Guesses the dialect from the text itself.
    pub fn detect(text: &str) -> Dialect {
        if psplib::looks_like(text) {
            return Dialect::Psplib;
        }
        // OCL is not YAML; Harness files are told by their `identifier` keys before the
        // shape-based YAML detection, which would take their `pipeline:` for the own format.
        if octopus::looks_like_ocl(text) || octopus::looks_like_yaml(text) {
            return Dialect::Octopus;
        }
        if harness::looks_like(text) {
            return Dialect::Harness;
        }
        detect_yaml(text).unwrap_or(Dialect::Native)
    }

    /// Reads the text. Never fails: returns what it could build and what was wrong.
    /// `inputs` carries what the file does not say (runner and target counts); durations given
    /// there are applied afterwards, the same way for every dialect.
    pub fn read(self, text: &str, inputs: &Inputs) -> (Pipeline, Vec<Diagnostic>) {
        match self {
            Dialect::Native => native::read(text),
            Dialect::Psplib => psplib::read(text),
            Dialect::Harness => harness::read(text),
            Dialect::Octopus => octopus::read(text, inputs),
            Dialect::Github => github::read(text, inputs),
            Dialect::Gitlab => gitlab::read(text, inputs),
        }
    }
}

/// Recognises a YAML dialect from the shape of the text: a native file has `pipeline:`, a
/// GitHub workflow has `jobs:` (with `on:`, or jobs with `runs-on`/`steps`/`uses`), a GitLab
/// file has `stages:` names, jobs with `script`/`stage`/`extends`/`trigger`, hidden `.jobs`,
/// `include`, `default` or `workflow`, or a `spec:` header document. When a syntax error
/// leaves no mapping to look at, the top-level keys of the lines decide.
fn detect_yaml(text: &str) -> Option<Dialect> {
    // The app re-detects on every keystroke, and the reader parses the text anyway: a top-level
    // `pipeline:` line decides the most frequent case without parsing it twice.
    if text.lines().any(|l| l.starts_with("pipeline:")) {
        return Some(Dialect::Native);
    }
    let documents = crate::yaml::parse(text);
    let docs: Vec<&crate::yaml::Node> = documents.docs.iter().filter(|d| !d.is_null()).collect();
    if let Some(root) = docs.first().filter(|r| r.as_map().is_some_and(|m| !m.is_empty())) {
        if root.get("pipeline").is_some() {
            return Some(Dialect::Native);
        }
        if github::looks_like(root) {
            return Some(Dialect::Github);
        }
        if gitlab::looks_like(&docs) {
            return Some(Dialect::Gitlab);
        }
        if documents.diagnostics.is_empty() {
            return None;
        }
    }
    let top: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with([' ', '\t', '#', '-']) && l.contains(':'))
        .filter_map(|l| l.split(':').next())
        .map(str::trim)
        .collect();
    let has = |k: &str| top.contains(&k);
    let job_script =
        text.lines().any(|l| l.starts_with(' ') && l.trim_start().starts_with("script:"));
    if has("pipeline") {
        Some(Dialect::Native)
    } else if has("jobs") && (has("on") || has("\"on\"") || has("'on'")) {
        Some(Dialect::Github)
    } else if (has("stages") || has("include") || top.iter().any(|k| k.starts_with('.')))
        && job_script
    {
        Some(Dialect::Gitlab)
    } else {
        None
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Dialect, String> {
        Dialect::ALL.iter().copied().find(|d| d.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
            format!("unknown dialect `{s}` (known: {})", names.join(", "))
        })
    }
}
