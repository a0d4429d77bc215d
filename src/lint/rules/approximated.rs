use crate::diagnostic::Diagnostic;
use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Says where a construct is simulated approximately, and how: a Harness Queue step whose
    /// lock outlives the stage it is in, a Background step that keeps running beside the
    /// following steps, a deployment stage with several environments or infrastructures, an
    /// Octopus step with several child actions.
    ///
    /// ## Why is this bad?
    /// It is not: it tells you which parts of the timeline are a model rather than the system's
    /// exact behaviour, so that you can judge them.
    ///
    /// ## Example
    /// ```yaml
    /// - step:
    ///     type: Queue
    ///     spec: {key: prod-db, scope: Pipeline}   # other executions queue; this one does not
    /// ```
    pub static APPROXIMATED = {
        code: "PS210",
        name: "approximated",
        severity: Info,
        check: Reader,
    }
}

use crate::span::Span;

/// What a Harness pipeline has that is simulated approximately; each is said once per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Harness {
    /// A Background step, which keeps running beside the following steps.
    Background,
    /// A Queue step inside `parallel:`.
    QueueInParallel,
    /// A Queue step with scope `Pipeline`.
    QueuePipeline,
    /// A Queue step inside a step group.
    QueueInGroup,
    /// A GitOps stage, which deploys to clusters.
    Gitops,
    /// A stage deploying to several targets.
    SeveralLocks,
}

/// How `what`, written at `span`, is simulated.
pub fn harness(span: Span, what: Harness) -> Diagnostic {
    let message = match what {
        Harness::Background => {
            "a Background step starts a service that runs beside the following steps until the stage ends: it is simulated as taking no time"
        }
        Harness::QueueInParallel => {
            "a Queue step inside `parallel:` is simulated as holding its key for no time: the lock it takes until the end of the stage is not modelled"
        }
        Harness::QueuePipeline => {
            "a Queue step with scope Pipeline makes other executions wait until this one ends; within one execution it acquires its key once, so nothing in this timeline waits for it"
        }
        Harness::QueueInGroup => {
            "a Queue step inside a step group is simulated as holding its key until the end of the step group, not of the stage"
        }
        Harness::Gitops => {
            "a GitOps stage deploys to clusters, not to an infrastructure definition: no deployment lock is modelled for it"
        }
        Harness::SeveralLocks => {
            "a stage deploying several services, environments or infrastructures is simulated as one stage holding every lock at once; Harness runs one deployment per target"
        }
    };
    Diagnostic::new(&APPROXIMATED, span, message)
}
