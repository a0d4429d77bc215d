//! How a task ends and what follows from it: an attempt finishes or fails, a failed attempt is
//! retried, a task is cancelled; then its dependents learn what happened upstream (and are
//! judged against their `when`), its stage counts it, a fail-fast matrix or an abort cancels
//! the rest, and a stage that never starts takes its steps with it.

use super::*;
use crate::model::FailureAction;

impl Simulator<'_, '_> {
    /// An attempt ended well, or a stage's last step ended.
    pub(super) fn finish<const D: u8>(&mut self, task: TaskIdx) {
        let i = task.index();
        let t = &mut self.tasks[i];
        if t.resolved {
            return; // cancelled meanwhile
        }
        let outcome = if !self.plan.has_children(i) {
            Outcome::Succeeded
        } else if t.child_flags & FAILED != 0 {
            Outcome::Failed
        } else if t.child_flags & CANCELLED != 0 {
            Outcome::Cancelled
        } else {
            Outcome::Succeeded
        };
        t.running = false;
        self.set_end(i);
        self.release::<D>(task);
        self.trace::<D>(
            task,
            match outcome {
                Outcome::Succeeded => TraceKind::Finish,
                Outcome::Failed => TraceKind::Fail,
                _ => TraceKind::Cancel,
            },
        );
        self.resolve::<D>(task, outcome);
    }

    pub(super) fn fail<const D: u8>(&mut self, task: TaskIdx) {
        let i = task.index();
        if self.tasks[i].resolved {
            return;
        }
        self.set_end(i);
        self.tasks[i].running = false;
        self.release::<D>(task);
        self.trace::<D>(task, TraceKind::Fail);
        if self.tasks[i].attempts < self.plan.nodes[i].max_attempts {
            self.schedule_event(self.now + self.plan.nodes[i].retry_interval, Event::Retry(task));
        } else {
            self.resolve::<D>(task, Outcome::Failed);
        }
    }

    pub(super) fn retry<const D: u8>(&mut self, task: TaskIdx) {
        if self.tasks[task.index()].resolved {
            return;
        }
        self.trace::<D>(task, TraceKind::Retry);
        self.newly_ready.push(task);
    }

    pub(super) fn cancel<const D: u8>(&mut self, task: TaskIdx) {
        let i = task.index();
        if self.tasks[i].resolved {
            return;
        }
        let running = self.tasks[i].start().is_some();
        let plan = self.plan;
        let children = plan.children(i);
        if running && !children.is_empty() {
            // A stage ends when its steps have; cancel those still due.
            for &child in children {
                if !self.tasks[child.index()].resolved {
                    self.schedule_event(self.now, Event::Cancel(child));
                }
            }
            return;
        }
        if let Some(res) = self.tasks[i].queued_on.take() {
            self.resources[res.index()].queued -= 1;
            self.touch::<D>(res);
            self.close_wait(i, None);
        }
        if self.tasks[i].pickup == PICKUP_WAITING {
            self.close_wait(i, None);
        }
        if running {
            // Running now, or between attempts; only a running attempt holds units.
            if std::mem::replace(&mut self.tasks[i].running, false) {
                self.release::<D>(task);
            }
            self.set_end(i);
        } else if self.tasks[i].ready().is_none() {
            // Judged when it becomes ready.
            self.tasks[i].flags |= CANCEL_REQUESTED;
            return;
        }
        self.trace::<D>(task, TraceKind::Cancel);
        self.resolve::<D>(task, Outcome::Cancelled);
    }

    /// The task is over, one way or another: tell its dependents, its stage and its matrix.
    #[inline(always)]
    pub(super) fn resolve<const D: u8>(&mut self, task: TaskIdx, outcome: Outcome) {
        let i = task.index();
        let t = &mut self.tasks[i];
        t.resolved = true;
        t.outcome = outcome;
        let mut passed = t.flags & (FAILED | CANCELLED);
        let started = t.start().is_some();
        let ended = t.end().is_some();
        let plan = self.plan;
        let node = &plan.nodes[i];
        let failed = outcome == Outcome::Failed && !node.allowed;
        if failed {
            // Harness: a stage that rolls back "is not considered a failure" by what follows:
            // what runs on failure does not run, what runs always does, the rest is skipped.
            // Its own stage still fails. Rare enough to read from the model.
            let rolls_back = self.plan.pipeline.tasks[i].failure.action == FailureAction::Rollback;
            passed |= if rolls_back { CANCELLED } else { FAILED };
            self.failed = true;
        }
        if outcome == Outcome::Cancelled {
            passed |= CANCELLED;
        }
        let to_dependents = if outcome == Outcome::Skipped { passed | SKIPPED } else { passed };

        for &dependent in plan.dependents_of(node) {
            let d = dependent.index();
            let t = &mut self.tasks[d];
            t.flags |= to_dependents;
            t.pending -= 1;
            let ready = t.pending == 0;
            if D == FULL {
                self.rec.first_dep_done[d].get_or_insert(self.now);
            }
            if ready {
                self.become_ready::<D>(dependent, StartCause::Dependency(task));
            }
        }
        if let Some(parent) = node.parent {
            let p = parent.index();
            let t = &mut self.tasks[p];
            if !t.resolved {
                t.child_flags |= if failed { passed | FAILED } else { passed };
                t.children_left -= 1;
                let over = t.children_left == 0;
                if D == FULL && ended {
                    self.rec.last_child[p] = Some(task);
                }
                if over {
                    self.schedule_event(self.now, Event::Finish(parent));
                }
            }
        }
        // A stage that never starts takes its steps with it.
        if !started && node.has_children() {
            self.resolve_descendants::<D>(task, outcome);
        }
        if failed {
            let m = node.matrix;
            if m != NO_MATRIX && plan.fail_fast[m as usize] {
                for &other in plan.matrix_members(m) {
                    if other != task && !self.tasks[other.index()].resolved {
                        self.schedule_event(self.now, Event::Cancel(other));
                    }
                }
            }
            if node.aborts {
                for t in 0..plan.len() {
                    if !self.tasks[t].resolved && plan.parent(t).is_none() {
                        self.schedule_event(self.now, Event::Cancel(TaskIdx(t as u32)));
                    }
                }
            }
        }
    }

    /// Resolves every step under a stage that never started, as the stage was.
    pub(super) fn resolve_descendants<const D: u8>(&mut self, stage: TaskIdx, outcome: Outcome) {
        let plan = self.plan;
        let mut stack = std::mem::take(&mut self.descendants);
        stack.clear();
        stack.extend(plan.children(stage.index()).iter().copied());
        while let Some(t) = stack.pop() {
            let i = t.index();
            if self.tasks[i].resolved {
                continue;
            }
            self.tasks[i].resolved = true;
            self.tasks[i].outcome = outcome;
            self.trace::<D>(
                t,
                if outcome == Outcome::Skipped { TraceKind::Skip } else { TraceKind::Cancel },
            );
            let passed = self.tasks[i].flags & (FAILED | CANCELLED)
                | if outcome == Outcome::Cancelled { CANCELLED } else { SKIPPED };
            for &dependent in plan.dependents(i) {
                let d = dependent.index();
                self.tasks[d].flags |= passed;
                self.tasks[d].pending -= 1;
                if self.tasks[d].pending == 0 {
                    self.become_ready::<D>(dependent, StartCause::Dependency(t));
                }
            }
            stack.extend(plan.children(i).iter().copied());
        }
        self.descendants = stack;
    }
}
