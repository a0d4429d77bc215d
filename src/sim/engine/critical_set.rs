//! Which tasks of the last run are critical (slack zero), without recording a full schedule:
//! what a forecast needs in every one of its runs.
//!
//! A task has zero slack exactly when a chain of tight constraints leads from its end to the
//! end of the pipeline (a tight constraint holds with equality: a dependency that ended when
//! its dependent started, a hand-over of a resource at the instant it was released, a step
//! that ended when its stage did). So instead of computing every latest time, as
//! `sim/slack.rs` does for the full schedule, the walk starts from the tasks that end last and
//! follows tight constraints backwards; it visits only the critical tasks and what they wait
//! for. The constraints are those of `slack.rs`, so the two agree (`tests/forecast.rs`).

use super::*;

/// The walk's buffers, kept between runs.
#[derive(Default)]
pub(super) struct Walk {
    /// Nodes to visit: a task's end (`2i + 1`) or start (`2i`).
    stack: Vec<u32>,
    /// Nodes visited in the current walk, as the walk's number (no clearing between runs).
    seen: Vec<u32>,
    walk: u32,
    /// Skipped tasks looked through in the current visit of a start.
    through: Vec<TaskIdx>,
    through_seen: Vec<u32>,
    visit: u32,
    /// The critical tasks the last walk found, each once.
    found: Vec<TaskIdx>,
}

impl Simulator<'_, '_> {
    /// The tasks of the last run that have zero slack, each once, in no particular order (no
    /// pass over every task). The run must have recorded at least [`Detail::Timings`]; a run
    /// with less has none.
    pub fn critical_tasks(&mut self) -> &[TaskIdx] {
        let n = self.plan.len();
        let mut walk = std::mem::take(&mut self.critical);
        walk.found.clear();
        if self.detail < Detail::Timings {
            self.critical = walk;
            return &self.critical.found;
        }
        let makespan = self.summary().makespan;
        if walk.seen.len() != 2 * n {
            walk.seen = vec![0; 2 * n];
            walk.through_seen = vec![0; n];
            walk.walk = 0;
            walk.visit = 0;
        }
        walk.walk = walk.walk.wrapping_add(1);
        if walk.walk == 0 {
            walk.seen.fill(0);
            walk.walk = 1;
        }
        walk.stack.clear();
        for (i, t) in self.tasks.iter().enumerate() {
            if t.ran() && t.end_at == makespan {
                walk.stack.push(2 * i as u32 + 1);
            }
        }
        while let Some(node) = walk.stack.pop() {
            if std::mem::replace(&mut walk.seen[node as usize], walk.walk) == walk.walk {
                continue;
            }
            let i = (node / 2) as usize;
            let (start, end) = (self.tasks[i].start(), self.tasks[i].end());
            if node % 2 == 1 {
                walk.found.push(TaskIdx(i as u32));
                let mut steps_ran = false;
                for &c in self.plan.children(i) {
                    if self.ran(c.index()) {
                        steps_ran = true;
                        if self.tasks[c.index()].end() == end {
                            walk.stack.push(2 * c.0 + 1);
                        }
                    }
                }
                // A task's own span ties its start to its end; a stage's comes from its steps.
                if !steps_ran || start == end {
                    walk.stack.push(2 * i as u32);
                }
                continue;
            }
            if let Some(r) = self.tasks[i].started_by {
                if self.ran(r.index()) && self.tasks[r.index()].end() == start {
                    walk.stack.push(2 * r.0 + 1);
                }
            }
            // What it waited for ended a pickup before it started.
            let ready = start.map(|s| s - self.pickup_of(i));
            if let Some(p) = self.plan.parent(i) {
                if self.ran(p.index()) && self.tasks[p.index()].start() == ready {
                    walk.stack.push(2 * p.0);
                }
            }
            self.tight_dependencies(i, ready, &mut walk);
        }
        self.critical = walk;
        &self.critical.found
    }

    /// Pushes the dependencies of task `i` that ended at its start, looking through skipped
    /// ones to what they waited for (a skipped task takes no time).
    fn tight_dependencies(&self, i: usize, start: Option<Millis>, walk: &mut Walk) {
        walk.visit = walk.visit.wrapping_add(1);
        if walk.visit == 0 {
            walk.through_seen.fill(0);
            walk.visit = 1;
        }
        walk.through.clear();
        let mut dependencies = self.plan.dependencies(i);
        loop {
            for &d in dependencies {
                let di = d.index();
                if std::mem::replace(&mut walk.through_seen[di], walk.visit) == walk.visit {
                    continue;
                }
                let t = &self.tasks[di];
                if t.ran() {
                    if t.end() == start {
                        walk.stack.push(2 * d.0 + 1);
                    }
                } else if t.outcome == Outcome::Skipped {
                    walk.through.push(d);
                }
            }
            let Some(skipped) = walk.through.pop() else { break };
            let si = skipped.index();
            if let Some(p) = self.plan.parent(si) {
                if self.ran(p.index()) && self.tasks[p.index()].start() == start {
                    walk.stack.push(2 * p.0);
                }
            }
            dependencies = self.plan.dependencies(si);
        }
    }

    fn ran(&self, i: usize) -> bool {
        self.tasks[i].ran()
    }
}
