use crate::diagnostic::Diagnostic;
use crate::graph::{self, EventEdge, EventGraph};
use crate::lint::declare_rule;
use crate::model::{DepKind, Pipeline, TaskIdx};

declare_rule! {
    /// ## What it does
    /// Reports tasks that wait for each other in a circle, and names the circle: in
    /// `dependency cycle: a → b → a`, each task waits for the next. It includes circles made
    /// by a stage and its own steps: a stage starts before its steps and ends after them, so a
    /// step cannot wait for its own stage, and a stage cannot wait for one of its steps.
    ///
    /// Each tangle of tasks is reported once, at the first `depends_on` entry in the file that
    /// is part of it.
    ///
    /// ## Why is this bad?
    /// The tasks in the circle can never finish, and nothing that waits for them can start:
    /// the real system would hang or reject the pipeline.
    ///
    /// ## Example
    /// ```yaml
    /// stages:
    ///   - stage: {id: build, depends_on: [deploy]}
    ///   - stage: {id: deploy, depends_on: [build]}   # build → deploy → build
    ///   - stage:
    ///       id: verify
    ///       steps:
    ///         - step: {id: smoke, depends_on: [verify]}   # its own stage
    /// ```
    pub static DEPENDENCY_CYCLE = {
        code: "PS103",
        name: "dependency-cycle",
        severity: Error,
        check: Model(check),
    }
}

/// The dependency a cycle is reported at.
#[derive(Clone, Copy)]
struct Anchor {
    task: TaskIdx,
    dep: usize,
    target: TaskIdx,
    explicit: bool,
}

fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    let events = EventGraph::new(pipeline);
    let g = &events.graph;
    let components = graph::strongly_connected_components(g);
    let sizes = components.sizes();
    let of = |event: u32| components.of[event as usize] as usize;

    // There are no self loops, so a component is a cycle exactly when it has two events or
    // more; and containment alone never closes one, so it holds a dependency edge. Anchor it at
    // the first task in the file whose dependency lies on it, preferring a dependency the user
    // wrote over one that comes from the order of items.
    let mut anchors: Vec<Option<Anchor>> = vec![None; components.count];
    for t in pipeline.task_indices() {
        for (d, dep) in pipeline.task(t).deps.iter().enumerate() {
            let Some(target) = dep.target.filter(|&x| x != t && x.index() < pipeline.tasks.len())
            else {
                continue;
            };
            let c = of(graph::start(t));
            if sizes[c] < 2 || of(graph::finish(target)) != c {
                continue;
            }
            let explicit = dep.kind != DepKind::Sequence;
            let slot = &mut anchors[c];
            if slot.is_none() || slot.is_some_and(|a| !a.explicit && explicit) {
                *slot = Some(Anchor { task: t, dep: d, target, explicit });
            }
        }
    }

    // The tasks of each cycle, to name the ones the reported circle leaves out.
    let mut members: Vec<Vec<TaskIdx>> = vec![Vec::new(); components.count];
    for event in 0..g.node_count() as u32 {
        let c = of(event);
        let task = graph::task_of(event);
        if anchors[c].is_some() && members[c].last() != Some(&task) {
            members[c].push(task);
        }
    }

    let mut found: Vec<(usize, Anchor)> =
        anchors.iter().enumerate().filter_map(|(c, a)| a.map(|a| (c, a))).collect();
    found.sort_by_key(|&(_, a)| (a.task, a.dep));
    for (c, anchor) in found {
        if let Some(d) = describe(pipeline, g, c, anchor, &components.of, &members[c]) {
            out.push(d);
        }
    }
}

fn describe(
    pipeline: &Pipeline,
    g: &graph::Graph<EventEdge>,
    component: usize,
    anchor: Anchor,
    of: &[u32],
    members: &[TaskIdx],
) -> Option<Diagnostic> {
    // The anchor is the edge finish(target) → start(task); the shortest way back from
    // start(task) to finish(target) inside the component closes the smallest circle through it.
    let path =
        graph::shortest_path(g, graph::start(anchor.task), graph::finish(anchor.target), |v| {
            of[v as usize] as usize == component
        })?;
    // Walked backwards, the path reads in "waits for" order: start(task) waits for
    // finish(target), which waits for the event before it on the path, and so on back to
    // start(task).
    let mut waits: Vec<u32> = vec![graph::start(anchor.task)];
    waits.extend(path.iter().rev());

    let mut names = vec![anchor.task];
    let mut related = Vec::new();
    let mut through_stage = false;
    for (i, pair) in waits.windows(2).enumerate() {
        let (waiter, waited) = (pair[0], pair[1]);
        let task = graph::task_of(waited);
        if names.last() != Some(&task) {
            names.push(task);
        }
        if i == 0 {
            // The anchor itself: the diagnostic's own span.
            continue;
        }
        match g.edge_label(waited, waiter) {
            Some(&EventEdge::Dependency { task: t, dep }) => {
                related.push((
                    pipeline.task(t).deps[dep as usize].span,
                    format!(
                        "`{}` waits for `{}` here",
                        pipeline.task(t).id,
                        pipeline.task(task).id
                    ),
                ));
            }
            Some(EventEdge::StageStarts) => {
                through_stage = true;
                let step = pipeline.task(graph::task_of(waiter));
                related.push((
                    step.id_span,
                    format!(
                        "`{}` starts only after its stage `{}` starts",
                        step.id,
                        pipeline.task(task).id
                    ),
                ));
            }
            Some(EventEdge::StageEnds) => {
                through_stage = true;
                let step = pipeline.task(task);
                related.push((
                    step.id_span,
                    format!(
                        "`{}` ends only after its {} `{}` ends",
                        pipeline.task(graph::task_of(waiter)).id,
                        step.kind.as_str(),
                        step.id
                    ),
                ));
            }
            Some(EventEdge::Runs) | None => {}
        }
    }
    let mut circle: Vec<String> = names.iter().map(|&t| pipeline.task(t).id.clone()).collect();
    // A circle of thousands of tasks would drown the message; its middle is in `related`.
    const HEAD: usize = 6;
    const TAIL: usize = 5;
    if circle.len() > HEAD + TAIL + 1 {
        let hidden = circle.len() - HEAD - TAIL;
        circle.splice(HEAD..circle.len() - TAIL, [format!("… {hidden} more …")]);
    }
    let task = pipeline.task(anchor.task);
    let mut help = if through_stage {
        String::from(
            "a stage starts before its steps and ends after them, so a step cannot wait for its \
             own stage, nor a stage for one of its steps",
        )
    } else {
        String::from(
            "each waits for the next, so none of them can start; remove one of these dependencies",
        )
    };
    let mut named = vec![false; pipeline.tasks.len()];
    for &t in &names {
        named[t.index()] = true;
    }
    let others: Vec<&str> = members
        .iter()
        .filter(|t| !named[t.index()])
        .map(|&t| pipeline.task(t).id.as_str())
        .collect();
    if !others.is_empty() {
        const SHOWN: usize = 5;
        let mut list: Vec<String> = others.iter().take(SHOWN).map(|id| format!("`{id}`")).collect();
        if others.len() > SHOWN {
            list.push(format!("{} more", others.len() - SHOWN));
        }
        help.push_str(&format!("; also caught in it: {}", list.join(", ")));
    }
    let mut d = Diagnostic::new(
        &DEPENDENCY_CYCLE,
        task.deps[anchor.dep].span,
        format!("dependency cycle: {}", circle.join(" → ")),
    )
    .with_help(help);
    for (span, label) in related {
        d = d.with_related(span, label);
    }
    Some(d)
}
