use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::{self, EventGraph};
use crate::lint::declare_rule;
use crate::model::{DepKind, Pipeline, TaskIdx};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a `depends_on` entry the task already waits for another way: through another
    /// of its dependencies (`report` waits for `perf`, which waits for `smoke`), through a
    /// stage that ends after the step named (`verify` ends after `verify/smoke`), or through
    /// its own stage, which starts only after it.
    ///
    /// Pipelines of more than 20,000 tasks are not checked; an information note says so.
    ///
    /// ## Why is this bad?
    /// It changes nothing in the timeline, but it makes the file longer and misleads the reader
    /// into thinking that removing the other path would leave the order intact.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - step: {id: smoke}
    ///   - step: {id: perf}
    ///   - step: {id: report, depends_on: [perf, smoke]}   # perf already waits for smoke
    /// ```
    pub static REDUNDANT_DEPENDENCY = {
        code: "PS108",
        name: "redundant-dependency",
        severity: Warning,
        check: Model(check),
    }
}

/// Beyond this many tasks the reachability sets (up to n² bits) cost too much memory.
pub const MAX_TASKS: usize = 20_000;

const UNTRACKED: u32 = u32::MAX;

/// Which tracked tasks' finishes precede an event, as one bitset per task.
///
/// Only tasks that some `depends_on` names can be redundant, so only they get a bit. Each task
/// has one slot, which holds the tasks that finish before its start, and, once its finish has
/// been handled, those that finish before or at its finish. A step reads its stage's slot
/// while handling its own start, which is always before the stage's finish (the stage ends
/// after the step), so it reads the stage's start set.
struct Reach {
    words: usize,
    /// The bit of each task, or `UNTRACKED`.
    bit: Vec<u32>,
    sets: Vec<u64>,
}

impl Reach {
    fn set(&self, t: TaskIdx) -> &[u64] {
        &self.sets[t.index() * self.words..(t.index() + 1) * self.words]
    }

    fn contains(&self, set: &[u64], t: TaskIdx) -> bool {
        match self.bit[t.index()] {
            UNTRACKED => false,
            b => set[b as usize / 64] & (1 << (b % 64)) != 0,
        }
    }

    fn insert(set: &mut [u64], bit: u32) {
        if bit != UNTRACKED {
            set[bit as usize / 64] |= 1 << (bit % 64);
        }
    }
}

/// A resolved dependency the graph has an edge for.
fn resolved(pipeline: &Pipeline, t: TaskIdx, target: Option<TaskIdx>) -> Option<TaskIdx> {
    target.filter(|&x| x != t && x.index() < pipeline.tasks.len())
}

fn check(pipeline: &Pipeline, out: &mut Vec<Diagnostic>) {
    let n = pipeline.tasks.len();
    if n > MAX_TASKS {
        out.push(
            Diagnostic::new(
                &REDUNDANT_DEPENDENCY,
                Span::default(),
                format!(
                    "redundant dependencies were not looked for: the pipeline has {n} tasks, \
                     more than {MAX_TASKS}"
                ),
            )
            .with_severity(Severity::Info),
        );
        return;
    }
    let mut bit = vec![UNTRACKED; n];
    let mut tracked = 0u32;
    for t in pipeline.task_indices() {
        for dep in pipeline.task(t).deps.iter().filter(|d| d.kind == DepKind::Explicit) {
            if let Some(x) = resolved(pipeline, t, dep.target)
                && bit[x.index()] == UNTRACKED
            {
                bit[x.index()] = tracked;
                tracked += 1;
            }
        }
    }
    if tracked == 0 {
        return;
    }
    // A cycle has no order to reason in; `dependency-cycle` reports it.
    let Some(order) = graph::topological_order(&EventGraph::new(pipeline).graph) else {
        return;
    };
    let words = (tracked as usize).div_ceil(64);
    let mut reach = Reach { words, bit, sets: vec![0; n * words] };
    // Tracked tasks that finish strictly before one of the current task's dependencies.
    let mut through_deps = vec![0u64; words];
    let mut stage_start = vec![0u64; words];

    for event in order {
        let t = graph::task_of(event);
        let task = pipeline.task(t);
        if !graph::is_start(event) {
            // Finish: after its own start (already in the slot), its steps' finishes, and itself.
            for &child in &task.children {
                for w in 0..words {
                    let v = reach.sets[child.index() * words + w];
                    reach.sets[t.index() * words + w] |= v;
                }
            }
            let own = reach.bit[t.index()];
            Reach::insert(&mut reach.sets[t.index() * words..(t.index() + 1) * words], own);
            continue;
        }

        through_deps.fill(0);
        for dep in &task.deps {
            let Some(d) = resolved(pipeline, t, dep.target) else { continue };
            let own = reach.bit[d.index()];
            for (w, acc) in through_deps.iter_mut().enumerate() {
                let mut v = reach.sets[d.index() * words + w];
                if own != UNTRACKED && own as usize / 64 == w {
                    // A dependency does not make itself redundant.
                    v &= !(1 << (own % 64));
                }
                *acc |= v;
            }
        }
        stage_start.fill(0);
        if let Some(parent) = task.parent.filter(|p| p.index() < n) {
            stage_start.copy_from_slice(reach.set(parent));
        }

        for (i, dep) in task.deps.iter().enumerate() {
            if dep.kind != DepKind::Explicit {
                continue;
            }
            let Some(a) = resolved(pipeline, t, dep.target) else { continue };
            let duplicate = task.deps[..i].iter().any(|e| e.target == Some(a));
            if duplicate || reach.contains(&through_deps, a) || reach.contains(&stage_start, a) {
                out.push(explain(pipeline, &reach, t, i, a, duplicate, &stage_start));
            }
        }

        let slot = &mut reach.sets[t.index() * words..(t.index() + 1) * words];
        for w in 0..words {
            slot[w] = stage_start[w] | through_deps[w];
        }
        for dep in &task.deps {
            if let Some(d) = resolved(pipeline, t, dep.target) {
                Reach::insert(slot, reach.bit[d.index()]);
            }
        }
    }
}

/// Says how task `t` already waits for `a`, its dependency `i`.
fn explain(
    pipeline: &Pipeline,
    reach: &Reach,
    t: TaskIdx,
    i: usize,
    a: TaskIdx,
    duplicate: bool,
    stage_start: &[u64],
) -> Diagnostic {
    let task = pipeline.task(t);
    let dep = &task.deps[i];
    let help = format!("remove `{}` from `depends_on`; the timeline stays the same", dep.name);
    let target = &pipeline.task(a).id;
    if duplicate {
        return Diagnostic::new(
            &REDUNDANT_DEPENDENCY,
            dep.span,
            format!("`{}` lists `{target}` twice", task.id),
        )
        .with_help(help);
    }
    // The first other dependency that finishes after `a`.
    let via = task.deps.iter().find_map(|other| {
        let d = resolved(pipeline, t, other.target).filter(|&d| d != a)?;
        reach.contains(reach.set(d), a).then_some((other, d))
    });
    let d = match (via, task.parent) {
        (Some((other, d)), _) => {
            let through = &pipeline.task(d).id;
            Diagnostic::new(
                &REDUNDANT_DEPENDENCY,
                dep.span,
                format!("`{}` already waits for `{target}` through `{through}`", task.id),
            )
            .with_related(other.span, format!("`{}` waits for `{through}` here", task.id))
        }
        (None, Some(parent)) if reach.contains(stage_start, a) => {
            let stage = pipeline.task(parent);
            Diagnostic::new(
                &REDUNDANT_DEPENDENCY,
                dep.span,
                format!(
                    "`{}` already waits for `{target}` through its {} `{}`",
                    task.id,
                    stage.kind.as_str(),
                    stage.id
                ),
            )
            .with_related(stage.id_span, format!("`{}` starts after `{target}` ends", stage.id))
        }
        _ => Diagnostic::new(
            &REDUNDANT_DEPENDENCY,
            dep.span,
            format!("`{}` already waits for `{target}` transitively", task.id),
        ),
    };
    d.with_help(help)
}
