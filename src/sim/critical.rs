//! The critical path: the chain of tasks and waits that determines when the pipeline ends.
//!
//! It is read off the schedule backwards from the task that ends last: a stage ended because
//! its last step ended; a task started because its last dependency ended, because a task gave
//! back the resource it was queued on, or because its stage started. Resource waits are
//! therefore part of the path, which a plain longest-path over dependencies would miss.

use super::schedule::{Schedule, StartCause};
use crate::model::{Pipeline, TaskIdx};

pub(super) fn path(
    pipeline: &Pipeline,
    schedule: &Schedule,
    last_child: &[Option<TaskIdx>],
) -> Vec<TaskIdx> {
    let last = schedule
        .tasks
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some((t.end?, i)))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let Some((_, last)) = last else { return Vec::new() };

    enum At {
        End(TaskIdx),
        Start(TaskIdx),
    }
    let mut path = Vec::new();
    let mut at = At::End(TaskIdx(last as u32));
    // Each task is visited at most once at its end and once at its start.
    for _ in 0..=2 * pipeline.tasks.len() {
        at = match at {
            // A skipped task took no time: the path goes on through what made it due.
            At::End(task) if schedule.tasks[task.index()].start.is_none() => At::Start(task),
            At::End(task) => {
                path.push(task);
                match last_child[task.index()] {
                    Some(child) => At::End(child),
                    None => At::Start(task),
                }
            }
            At::Start(task) => match schedule.tasks[task.index()].cause {
                Some(StartCause::ParentStart(parent)) => At::Start(parent),
                Some(StartCause::Dependency(on)) => At::End(on),
                Some(StartCause::Resource { released_by, .. }) => At::End(released_by),
                Some(StartCause::Origin) | None => break,
            },
        };
    }
    // The walk went backwards; causes come first. A stage was pushed when the walk reached its
    // end, after its steps were found: it belongs right before the first of them.
    path.reverse();
    let mut position: Vec<Option<usize>> = vec![None; pipeline.tasks.len()];
    for (i, &t) in path.iter().enumerate() {
        position[t.index()].get_or_insert(i);
    }
    let mut first_descendant: Vec<Option<usize>> = vec![None; pipeline.tasks.len()];
    for (i, &t) in path.iter().enumerate() {
        let mut ancestor = pipeline.task(t).parent;
        while let Some(a) = ancestor {
            if position[a.index()].is_some() {
                let slot = &mut first_descendant[a.index()];
                *slot = Some(slot.map_or(i, |s| s.min(i)));
            }
            ancestor = pipeline.task(a).parent;
        }
    }
    let depth = |mut t: TaskIdx| {
        let mut d = 0;
        while let Some(p) = pipeline.task(t).parent {
            d += 1;
            t = p;
        }
        d
    };
    let mut keyed: Vec<((usize, u8, usize), TaskIdx)> = path
        .iter()
        .enumerate()
        .map(|(i, &t)| match first_descendant[t.index()] {
            Some(first) if first < i => ((first, 0, depth(t)), t),
            _ => ((i, 1, 0), t),
        })
        .collect();
    keyed.sort();
    keyed.dedup_by_key(|(_, t)| *t);
    keyed.into_iter().map(|(_, t)| t).collect()
}
