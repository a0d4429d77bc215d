//! Slack: how much later a task could have ended without delaying the end of the pipeline.
//!
//! One backward pass over the schedule's start and end events, latest first: a task must end
//! before what depends on it starts, before the task it handed a resource to started (the
//! hand-overs that resource waits record), and before its stage ends; a stage must start
//! before its steps. A task's slack is its latest end minus its end; it is critical when that
//! is zero. Resource hand-overs are what a longest path over dependencies alone would miss.

use super::schedule::{Outcome, Schedule, StartCause};
use crate::duration::Millis;
use crate::model::Pipeline;

/// Sets `slack` on every task that ran.
pub(super) fn fill(pipeline: &Pipeline, schedule: &mut Schedule) {
    let n = schedule.tasks.len();
    let ran = |i: usize| schedule.tasks[i].start.is_some() && schedule.tasks[i].end.is_some();
    // Node 2i is task i's start, 2i + 1 its end; an edge (from, to, lag) says
    // latest(from) <= latest(to) - lag.
    let start = |i: usize| 2 * i;
    let end = |i: usize| 2 * i + 1;
    let mut edges: Vec<(usize, usize, u64)> = Vec::with_capacity(3 * n);
    // A task that did not run passes on what it waited for: through it, its dependents wait for
    // its own dependencies (and its stage's start).
    let mut through: Vec<usize> = Vec::new();
    let mut seen: Vec<u32> = vec![u32::MAX; n];
    for (i, task) in pipeline.tasks.iter().enumerate().take(n) {
        if !ran(i) {
            continue;
        }
        let timing = &schedule.tasks[i];
        let span = timing.end.unwrap_or_default() - timing.start.unwrap_or_default();
        // A stage's span comes from its steps; its own edge only orders start before end.
        let lag = if task.children.iter().any(|c| ran(c.index())) { 0 } else { span.0 };
        edges.push((start(i), end(i), lag));
        for &child in &task.children {
            if child.index() < n && ran(child.index()) {
                edges.push((
                    start(i),
                    start(child.index()),
                    schedule.tasks[child.index()].pickup.0,
                ));
                edges.push((end(child.index()), end(i), 0));
            }
        }
        // What it waits for must end a pickup before it starts.
        let pickup = timing.pickup.0;
        through.clear();
        through.extend(task.deps.iter().filter_map(|d| d.target).map(|d| d.index()));
        while let Some(d) = through.pop() {
            if d >= n || d == i || std::mem::replace(&mut seen[d], i as u32) == i as u32 {
                continue;
            }
            if ran(d) {
                edges.push((end(d), start(i), pickup));
            } else if schedule.tasks[d].outcome == Outcome::Skipped {
                let skipped = &pipeline.tasks[d];
                through.extend(skipped.deps.iter().filter_map(|x| x.target).map(|x| x.index()));
                if let Some(p) = skipped.parent.filter(|p| p.index() < n && ran(p.index())) {
                    edges.push((start(p.index()), start(i), pickup));
                }
            }
        }
        if let Some(StartCause::Resource { released_by, .. }) = timing.cause {
            if released_by.index() < n && ran(released_by.index()) {
                edges.push((end(released_by.index()), start(i), 0));
            }
        }
    }

    // Successors in compressed rows, and a topological order (Kahn).
    let nodes = 2 * n;
    let mut first = vec![0usize; nodes + 1];
    let mut indegree = vec![0u32; nodes];
    for &(from, to, _) in &edges {
        first[from + 1] += 1;
        indegree[to] += 1;
    }
    for v in 0..nodes {
        first[v + 1] += first[v];
    }
    let mut fill = first.clone();
    let mut succ = vec![(0usize, 0u64); edges.len()];
    for &(from, to, lag) in &edges {
        succ[fill[from]] = (to, lag);
        fill[from] += 1;
    }
    let mut order: Vec<usize> = (0..nodes).filter(|&v| indegree[v] == 0).collect();
    let mut head = 0;
    while head < order.len() {
        let v = order[head];
        head += 1;
        for &(to, _) in &succ[first[v]..first[v + 1]] {
            indegree[to] -= 1;
            if indegree[to] == 0 {
                order.push(to);
            }
        }
    }

    let makespan = schedule.makespan.0;
    let mut latest = vec![u64::MAX; nodes];
    for &v in order.iter().rev() {
        let mut bound = if v % 2 == 1 { makespan } else { u64::MAX };
        for &(to, lag) in &succ[first[v]..first[v + 1]] {
            bound = bound.min(latest[to].saturating_sub(lag));
        }
        latest[v] = bound;
    }
    // A node left out of the order (which a real schedule cannot produce) gets no slack.
    let mut placed = vec![false; nodes];
    for &v in &order {
        placed[v] = true;
    }
    for i in 0..n {
        let timing = &mut schedule.tasks[i];
        timing.slack = match timing.end {
            Some(e) if timing.start.is_some() && placed[end(i)] => {
                Some(Millis(latest[end(i)].saturating_sub(e.0)))
            }
            _ => None,
        };
    }
}
