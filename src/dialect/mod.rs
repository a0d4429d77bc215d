//! Dialects: the file formats pipescope reads, each lowered into the same [`Pipeline`] model.

pub mod fields;
pub mod harness;
pub mod native;
pub mod ocl;
pub mod octopus;
pub mod psplib;

use std::fmt;
use std::str::FromStr;

use crate::analysis::Inputs;
use crate::diagnostic::Diagnostic;
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
}

impl Dialect {
    pub const ALL: &'static [Dialect] =
        &[Dialect::Native, Dialect::Psplib, Dialect::Harness, Dialect::Octopus];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Native => "native",
            Dialect::Psplib => "psplib",
            Dialect::Harness => "harness",
            Dialect::Octopus => "octopus",
        }
    }

    /// Guesses the dialect from the text itself.
    pub fn detect(text: &str) -> Dialect {
        if psplib::looks_like(text) {
            Dialect::Psplib
        } else if octopus::looks_like_ocl(text) || octopus::looks_like_yaml(text) {
            Dialect::Octopus
        } else if harness::looks_like(text) {
            Dialect::Harness
        } else {
            Dialect::Native
        }
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
        }
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
