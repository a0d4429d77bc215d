//! Dialects: the file formats pipescope reads, each lowered into the same [`Pipeline`] model.

pub mod fields;
pub mod native;
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
}

impl Dialect {
    pub const ALL: &'static [Dialect] = &[Dialect::Native, Dialect::Psplib];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Native => "native",
            Dialect::Psplib => "psplib",
        }
    }

    /// Guesses the dialect from the text itself.
    pub fn detect(text: &str) -> Dialect {
        if psplib::looks_like(text) { Dialect::Psplib } else { Dialect::Native }
    }

    /// Reads the text. Never fails: returns what it could build and what was wrong.
    /// `inputs` carries what the file does not say (runner and target counts); durations given
    /// there are applied afterwards, the same way for every dialect.
    pub fn read(self, text: &str, inputs: &Inputs) -> (Pipeline, Vec<Diagnostic>) {
        let _ = inputs;
        match self {
            Dialect::Native => native::read(text),
            Dialect::Psplib => psplib::read(text),
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
