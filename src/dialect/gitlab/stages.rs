//! The stages of a GitLab pipeline, in order: `.pre`, those of `stages:` (or the old `types:`;
//! without either, `build`, `test`, `deploy`), the undeclared ones jobs name in the order
//! they first appear, and `.post`.

use crate::diagnostic::Diagnostic;
use crate::dialect::fields;
use crate::lint::rules::undeclared_stage;
use crate::span::Span;
use crate::yaml::Node;

use super::extends::Resolver;
use super::flatten;
use super::vars::SpecInputs;

/// The stages of a file without `stages:`, between `.pre` and `.post`.
pub const DEFAULT_STAGES: &[&str] = &["build", "test", "deploy"];
/// The stage of a job without `stage:`.
pub const DEFAULT_STAGE: &str = "test";

pub struct Stages {
    /// Names in order, with where they are declared.
    names: Vec<(String, Span)>,
    /// How many of `names` were declared (or default), `.pre` included.
    declared: usize,
    /// Whether an included file may declare the stages this file does not.
    includes: bool,
}

impl Stages {
    /// `stages:` (or `types:`) of the configuration, between `.pre` and `.post`.
    pub fn read(
        root: &Node,
        resolver: &mut Resolver,
        spec: &SpecInputs,
        includes: bool,
        out: &mut Vec<Diagnostic>,
    ) -> Stages {
        let mut names = vec![(".pre".to_string(), Span::default())];
        match root.get("stages").or_else(|| root.get("types")) {
            Some(node) => {
                let mut flat = Vec::new();
                flatten(&resolver.references(node), &mut flat);
                for item in flat {
                    let Some(name) = fields::text(&item, "a stage name", out) else { continue };
                    let name = spec.interpolate(name);
                    let special = name == ".pre" || name == ".post";
                    if !special && !names.iter().any(|(s, _)| *s == name) {
                        names.push((name, item.span));
                    }
                }
            }
            None => names.extend(DEFAULT_STAGES.iter().map(|s| (s.to_string(), Span::default()))),
        }
        let declared = names.len();
        names.push((".post".to_string(), Span::default()));
        Stages { names, declared, includes }
    }

    /// The index of a stage, adding an undeclared one before `.post` (and reporting it).
    pub fn index(&mut self, name: &str, span: Span, out: &mut Vec<Diagnostic>) -> usize {
        if let Some(i) = self.names.iter().position(|(s, _)| s == name) {
            return i;
        }
        let declared: Vec<&str> =
            self.names[1..self.declared].iter().map(|(s, _)| s.as_str()).collect();
        let after = &self.names[self.names.len() - 2].0;
        out.push(undeclared_stage::diagnostic(span, name, &declared, after, self.includes));
        let at = self.names.len() - 1;
        self.names.insert(at, (name.to_string(), span));
        at
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn name(&self, stage: usize) -> &str {
        &self.names[stage].0
    }

    /// Whether `stages:` (or the defaults) put the stage in its place, rather than a job naming
    /// it: only then is its order certain. `.post` always is.
    pub fn is_declared(&self, stage: usize) -> bool {
        stage < self.declared || stage == self.names.len() - 1
    }
}
