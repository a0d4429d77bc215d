//! What a run records beyond its timings when asked for everything ([`Detail::Full`]): the
//! waits and their reasons, who held and released each resource, usage over time, why tasks
//! never started, and the schedule built from it all (with the critical path and slack).

use super::*;
use crate::sim::{critical, slack};

/// What only [`Detail::Full`] records.
#[derive(Default)]
pub(super) struct Recorder {
    pub(super) first_dep_done: Vec<Option<Millis>>,
    pub(super) ready_cause: Vec<StartCause>,
    pub(super) cause: Vec<Option<StartCause>>,
    pub(super) last_child: Vec<Option<TaskIdx>>,
    pub(super) open_wait: Vec<Option<usize>>,
    pub(super) waits: Vec<Vec<Wait>>,
    pub(super) holders: Vec<Vec<TaskIdx>>,
    pub(super) touched: Vec<ResourceIdx>,
    pub(super) touched_flag: Vec<bool>,
    pub(super) usage: Vec<ResourceUsage>,
    pub(super) trace: Vec<TraceEvent>,
}

impl Simulator<'_, '_> {
    /// Ends the open resource wait now, naming who released the units that ended it; drops it
    /// if it lasted no time.
    pub(super) fn close_wait(&mut self, i: usize, released: Option<TaskIdx>) {
        if !self.full() {
            return;
        }
        let Some(open) = self.rec.open_wait[i].take() else { return };
        let now = self.now;
        let waits = &mut self.rec.waits[i];
        let wait = &mut waits[open];
        wait.to = now;
        if let WaitReason::Resource { released_by, .. } = &mut wait.reason {
            *released_by = released;
        }
        if wait.to == wait.from {
            waits.remove(open);
        }
    }

    /// A dependency wait counts only from when the task could otherwise have started: after
    /// its stage started and its first dependency finished.
    pub(super) fn record_dependency_wait(&mut self, i: usize) {
        let (Some(first), StartCause::Dependency(on)) =
            (self.rec.first_dep_done[i], self.rec.ready_cause[i])
        else {
            return;
        };
        let parent_start =
            self.plan.parent(i).and_then(|p| self.tasks[p.index()].start()).unwrap_or(Millis::ZERO);
        let from = first.max(parent_start);
        if self.now > from {
            self.rec.waits[i].push(Wait {
                from,
                to: self.now,
                reason: WaitReason::Dependency { on },
            });
        }
    }

    /// Records a usage sample for each resource whose use or queue changed at this instant.
    pub(super) fn sample_resources(&mut self) {
        let plan = self.plan;
        for k in 0..self.rec.touched.len() {
            let r = self.rec.touched[k].index();
            self.rec.touched_flag[r] = false;
            let in_use = plan.capacity[r].saturating_sub(self.resources[r].free);
            let queued = self.resources[r].queued;
            let usage = &mut self.rec.usage[r];
            let sample = UsageSample { at: self.now, in_use, queued };
            match usage.samples.last_mut() {
                Some(last) if last.at == self.now => *last = sample,
                Some(last) if last.in_use == in_use && last.queued == queued => {}
                Some(last) => {
                    // Count the level that just ended, once, as it is replaced.
                    usage.busy += u128::from(last.in_use) * u128::from((self.now - last.at).0);
                    usage.samples.push(sample);
                }
                None => usage.samples.push(sample),
            }
            usage.peak_in_use = usage.peak_in_use.max(in_use);
            usage.peak_queued = usage.peak_queued.max(queued);
        }
        self.rec.touched.clear();
    }

    /// The wait for a runner task `i` had in the last run (zero when it had none).
    pub(super) fn pickup_of(&self, i: usize) -> Millis {
        if self.tasks[i].pickup == PICKUP_NONE { Millis::ZERO } else { self.pickups[i] }
    }

    /// Why a task that should have run never started.
    pub(super) fn blocked(&self, i: usize) -> Blocked {
        let pipeline = self.plan.pipeline;
        if let Some(res) = self.tasks[i].queued_on {
            let mut holders = self.rec.holders[res.index()].clone();
            holders.sort_unstable();
            Blocked::Resource { resource: res, holders }
        } else if let Some(on) = pipeline.tasks[i].deps.iter().filter_map(|d| d.target).find(|t| {
            t.index() != i && t.index() < self.tasks.len() && !self.tasks[t.index()].resolved
        }) {
            Blocked::Dependency { on }
        } else if let Some(parent) = pipeline.tasks[i].parent {
            Blocked::Parent { parent }
        } else {
            // Ready with no shortage can not be left unstarted; keep the data honest anyway.
            Blocked::Dependency { on: TaskIdx(i as u32) }
        }
    }

    /// The schedule of the run just made, with the detail it recorded.
    pub(super) fn schedule(&mut self) -> Schedule {
        let n = self.plan.len();
        let full = self.full();
        if full {
            // A wait still open at the end lasts until the end of the run.
            for i in 0..n {
                if self.rec.open_wait[i].is_some() {
                    self.close_wait(i, None);
                }
            }
        }
        let mut waits = std::mem::take(&mut self.rec.waits);
        let tasks: Vec<TaskTiming> = (0..n)
            .map(|i| TaskTiming {
                ready: self.tasks[i].ready(),
                start: self.tasks[i].start(),
                end: self.tasks[i].end(),
                outcome: self.tasks[i].outcome,
                attempts: self.tasks[i].attempts,
                pickup: self.pickup_of(i),
                slack: None,
                waits: if full { std::mem::take(&mut waits[i]) } else { Vec::new() },
                cause: if full { self.rec.cause[i] } else { None },
                blocked: (full
                    && self.tasks[i].outcome == Outcome::NeverStarted
                    && self.tasks[i].start().is_none())
                .then(|| self.blocked(i)),
            })
            .collect();
        let RunSummary { makespan, failed } = self.summary();
        let mut schedule = Schedule {
            tasks,
            makespan,
            critical_path: Vec::new(),
            resources: if full { std::mem::take(&mut self.rec.usage) } else { Vec::new() },
            trace: if full { std::mem::take(&mut self.rec.trace) } else { Vec::new() },
            failed,
        };
        if full {
            let pipeline = self.plan.pipeline;
            schedule.critical_path = critical::path(pipeline, &schedule, &self.rec.last_child);
            slack::fill(pipeline, &mut schedule);
        }
        schedule
    }
}
