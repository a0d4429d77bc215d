//! The examples gallery: pipelines that each teach one thing, with a line on what to notice.
//!
//! This list is the one place to add an example: put the file under `examples/` and add an
//! entry here (a test checks that every file in `examples/` is listed).

/// One example of the gallery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// A stable key, for storage and URLs: the file name without its extension.
    pub key: &'static str,
    pub title: &'static str,
    /// The file name offered when the example is downloaded.
    pub file: &'static str,
    /// One line on what to look at in the timeline.
    pub notice: &'static str,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The text of a file under `examples/`.
    Text(&'static str),
    /// A generated pipeline of about this many tasks (`synthetic::pipeline`, seed 1).
    Synthetic(usize),
}

impl Example {
    pub fn text(&self) -> String {
        match self.source {
            Source::Text(text) => text.to_string(),
            Source::Synthetic(tasks) => crate::synthetic::pipeline(tasks, 1),
        }
    }
}

/// The example a first visit opens.
pub const FIRST: &Example = &EXAMPLES[0];

pub static EXAMPLES: &[Example] = &[
    Example {
        key: "release",
        title: "A release",
        file: "release.yaml",
        notice: "The two regional deploys overlap (different locks); in verify, report starts as \
                 soon as smoke ends, without waiting for perf.",
        source: Source::Text(include_str!("../../examples/release.yaml")),
    },
    Example {
        key: "same-infrastructure",
        title: "Harness: parallel stages on one infrastructure",
        file: "same-infrastructure.yaml",
        notice: "The “parallel” stages run one after the other: both lock k8s-prod, so \
                 deploy-blue waits for deploy-green.",
        source: Source::Text(include_str!("../../examples/same-infrastructure.yaml")),
    },
    Example {
        key: "two-infrastructures",
        title: "Harness: parallel stages on two infrastructures",
        file: "two-infrastructures.yaml",
        notice: "With one infrastructure each, the stages really overlap and the pipeline ends \
                 4 minutes earlier.",
        source: Source::Text(include_str!("../../examples/two-infrastructures.yaml")),
    },
    Example {
        key: "start-with-previous",
        title: "Octopus: start with the previous step",
        file: "start-with-previous.yaml",
        notice: "db, web and worker start together as one block; smoke-test waits for the \
                 slowest of them (worker).",
        source: Source::Text(include_str!("../../examples/start-with-previous.yaml")),
    },
    Example {
        key: "runner-pool",
        title: "A runner pool smaller than the fan-out",
        file: "runner-pool.yaml",
        notice: "Only 3 of the 8 shards run at a time; the runners lane shows the queue. Try \
                 runners: 8.",
        source: Source::Text(include_str!("../../examples/runner-pool.yaml")),
    },
    Example {
        key: "diamond",
        title: "A diamond of dependencies",
        file: "diamond.yaml",
        notice: "publish waits for the slower branch, e2e, which is on the critical path: \
                 speeding up unit changes nothing.",
        source: Source::Text(include_str!("../../examples/diamond.yaml")),
    },
    Example {
        key: "flaky-tests",
        title: "Flaky tests and retries",
        file: "flaky-tests.yaml",
        notice: "Durations are ranges and tests fail now and then: the Forecast panel gives P50, \
                 P90 and P99 and the chance of success. In build's details, try “What if this \
                 fails?”.",
        source: Source::Text(include_str!("../../examples/flaky-tests.yaml")),
    },
    Example {
        key: "harness-dag-pipeline",
        title: "Real Harness: a DAG pipeline with dependsOn",
        file: "harness-dag-pipeline.yaml",
        notice: "Stages follow dependsOn, not the file: they run in the seven waves Harness's \
                 documentation publishes. Durations are estimates; set your own per task.",
        source: Source::Text(include_str!("../../examples/harness-dag-pipeline.yaml")),
    },
    Example {
        key: "harness-ecs-blue-green",
        title: "Real Harness: ECS blue-green with traffic shifting",
        file: "harness-ecs-blue-green.yaml",
        notice: "Each step group loops over the weights 50 and 100 with maxConcurrency: 1, so \
                 its instances wait for each other (the parallelism limit).",
        source: Source::Text(include_str!("../../examples/harness-ecs-blue-green.yaml")),
    },
    Example {
        key: "octopus-trident",
        title: "Real Octopus: a deployment process in OCL",
        file: "octopus-trident.ocl",
        notice: "A manual review runs in parallel with the previous step (the lint warns), and \
                 the Kubernetes steps fan out to every target of their role.",
        source: Source::Text(include_str!("../../examples/octopus-trident.ocl")),
    },
    Example {
        key: "github-ingress-nginx-ci",
        title: "Real GitHub Actions: ingress-nginx CI",
        file: "github-ingress-nginx-ci.yml",
        notice: "changes gates everything; the end-to-end matrices fan out over five Kubernetes \
                 versions, each waiting for every job it needs.",
        source: Source::Text(include_str!("../../examples/github-ingress-nginx-ci.yml")),
    },
    Example {
        key: "gitlab-gitlab-shell",
        title: "Real GitLab CI: gitlab-shell",
        file: "gitlab-gitlab-shell.yml",
        notice: "parallel: matrix makes one job per Go version; with one runner assumed for the \
                 gitlab-org tag, jobs queue for it (see the runner pool lane).",
        source: Source::Text(include_str!("../../examples/gitlab-gitlab-shell.yml")),
    },
    Example {
        key: "mistakes",
        title: "A pipeline full of mistakes",
        file: "mistakes.yaml",
        notice: "Every problem points at its place in the file; choose one in Problems to jump \
                 there.",
        source: Source::Text(include_str!("../../examples/mistakes.yaml")),
    },
    Example {
        key: "synthetic-1000",
        title: "1,000 generated tasks",
        file: "synthetic-1000.yaml",
        notice: "A large pipeline to feel the speed: every keystroke re-reads and re-simulates \
                 all of it.",
        source: Source::Synthetic(1000),
    },
];

/// The example with this key.
pub fn find(key: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::{AnalyzeOptions, analyze};

    #[test]
    fn every_example_file_is_in_the_gallery() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if [".yaml", ".yml", ".ocl"].iter().any(|ext| name.ends_with(ext)) {
                assert!(EXAMPLES.iter().any(|e| e.file == name), "{name} is not in the gallery");
            }
        }
    }

    #[test]
    fn examples_run_and_only_the_mistakes_have_errors() {
        let mut keys = std::collections::HashSet::new();
        for example in EXAMPLES {
            assert!(keys.insert(example.key), "duplicate key {}", example.key);
            assert_eq!(find(example.key), Some(example));
            let a = analyze(&example.text(), &AnalyzeOptions::default());
            assert!(a.schedule.makespan.0 > 0, "{}", example.key);
            let errors = a.diagnostics.iter().any(|d| d.severity == Severity::Error);
            assert_eq!(errors, example.key == "mistakes", "{}: {:?}", example.key, a.diagnostics);
        }
        assert!(EXAMPLES.len() >= 6);
    }
}
