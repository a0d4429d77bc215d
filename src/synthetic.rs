//! Synthetic pipelines in the own format, for benchmarks and for trying the app at scale.
//!
//! Deterministic for a given size and seed (a small linear congruential generator, no
//! dependency), and shaped like real pipelines: sequential stages and parallel groups of
//! stages, steps in sequence, `with-previous` blocks, `depends_on` fan-ins, a runner pool and
//! infrastructure locks.

use std::fmt::Write;

/// A pipeline of about `tasks` tasks (stages and steps together).
pub fn pipeline(tasks: usize, seed: u64) -> String {
    let mut rng = Lcg(seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
    let mut out = String::with_capacity(tasks * 80);
    out.push_str("pipeline:\n  name: synthetic\n  resources:\n    runners: 8\n    db: 2\n  defaults:\n    duration: 1m\n  stages:\n");
    let mut made = 0;
    let mut stage_no = 0;
    while made < tasks {
        let group = 1 + rng.below(4) as usize;
        let indent = if group > 1 {
            out.push_str("    - parallel:\n");
            "        "
        } else {
            "    "
        };
        for _ in 0..group {
            if made >= tasks {
                break;
            }
            stage_no += 1;
            let steps = (2 + rng.below(8) as usize).min(tasks.saturating_sub(made + 1));
            let _ = writeln!(out, "{indent}- stage:\n{indent}    id: s{stage_no}");
            match rng.below(4) {
                0 => {
                    let _ = writeln!(out, "{indent}    infrastructure: env{}", rng.below(3));
                }
                1 => out.push_str(&format!("{indent}    uses: [db]\n")),
                _ => {}
            }
            made += 1;
            if steps == 0 {
                let _ = writeln!(out, "{indent}    duration: {}s", 10 + rng.below(300));
                continue;
            }
            let _ = writeln!(out, "{indent}    steps:");
            for step in 1..=steps {
                let _ = write!(
                    out,
                    "{indent}      - step: {{id: t{step}, duration: {}s, uses: [runners]",
                    5 + rng.below(240)
                );
                match rng.below(6) {
                    0 if step > 1 => out.push_str(", start: with-previous"),
                    1 if step > 2 => {
                        let _ = write!(out, ", depends_on: [t{}]", 1 + rng.below(step as u64 - 1));
                    }
                    _ => {}
                }
                out.push_str("}\n");
                made += 1;
            }
        }
    }
    out
}

/// A deployment of `tasks` stages over `targets` machines that run one stage at a time (as
/// Octopus targets do), for the dispatcher's cost with many resources: one parallel block in
/// which each stage waits for up to three of the 50 before it and holds one target.
pub fn many_targets(tasks: usize, targets: usize, seed: u64) -> String {
    let mut rng = Lcg(seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
    let mut out = String::with_capacity(tasks * 90 + targets * 12);
    out.push_str("pipeline:\n  name: many-targets\n  resources:\n");
    for t in 0..targets {
        let _ = writeln!(out, "    target{t}: 1");
    }
    out.push_str("  stages:\n    - parallel:\n");
    for i in 0..tasks {
        let _ = write!(
            out,
            "        - stage: {{id: s{i}, duration: {}s, uses: [target{}]",
            30 + rng.below(600),
            rng.below(targets as u64)
        );
        let deps: Vec<String> = (0..rng.below(4).min(i as u64))
            .map(|_| format!("s{}", i - 1 - rng.below(50.min(i as u64)) as usize))
            .collect();
        let mut deps = deps;
        deps.sort();
        deps.dedup();
        if !deps.is_empty() {
            let _ = write!(out, ", depends_on: [{}]", deps.join(", "));
        }
        out.push_str("}\n");
    }
    out
}

struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AnalyzeOptions, analyze};

    #[test]
    fn is_clean_deterministic_and_about_the_asked_size() {
        let text = pipeline(500, 7);
        assert_eq!(text, pipeline(500, 7));
        let analysis = analyze(&text, &AnalyzeOptions::default());
        assert!(
            analysis.diagnostics.iter().all(|d| d.severity != crate::diagnostic::Severity::Error),
            "{:?}",
            analysis.diagnostics.first()
        );
        assert_eq!(analysis.pipeline.tasks.len(), 500);
        assert!(analysis.schedule.never_started().next().is_none());
    }

    #[test]
    fn many_targets_is_clean_and_uses_them() {
        let text = many_targets(2_000, 100, 3);
        let analysis = analyze(&text, &AnalyzeOptions::default());
        // Stages sharing a target serialise, which lint rightly warns about; nothing is wrong.
        assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics.first());
        assert_eq!(analysis.pipeline.tasks.len(), 2_000);
        assert_eq!(analysis.pipeline.resources.len(), 100);
        assert!(analysis.schedule.never_started().next().is_none());
        let busy = analysis.schedule.resources.iter().filter(|r| r.busy > 0).count();
        assert!(busy > 90, "{busy} targets used");
    }
}
