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
    let start_of = |t: TaskIdx| schedule.tasks[t.index()].start;
    let end_of = |t: TaskIdx| schedule.tasks[t.index()].end;
    // Time order; a stage comes before the steps it contains.
    path.sort_by(|&a, &b| {
        start_of(a).cmp(&start_of(b)).then(end_of(b).cmp(&end_of(a))).then(a.cmp(&b))
    });
    path.dedup();
    path
}
