//! What a simulation needs that does not change from run to run, built once from a pipeline:
//! dependencies in compressed rows, demands resolved to resources, capacities, nominal
//! durations, and the failure semantics read from the model. A Monte Carlo forecast builds one
//! plan and runs it thousands of times with other durations and failures.

use super::SimError;
use super::policy::{Key, KeyMaker, Policy};
use crate::duration::Millis;
use crate::model::{
    AllowFailure, FailureAction, Format, Pipeline, ResourceIdx, RunWhen, TaskIdx, TaskKind,
};

/// No matrix.
pub(super) const NO_MATRIX: u32 = u32::MAX;

#[derive(Debug)]
pub struct Plan<'p> {
    pub(super) pipeline: &'p Pipeline,
    /// The dispatch order (the policy's keys).
    keys: KeyMaker,
    /// What the engine reads about each task on every start and end, in one record per task
    /// (indexed like `Pipeline::tasks`): a model `Task` is far too large to visit that often,
    /// and one record is one bounds check where a vector per field would be several.
    pub(super) nodes: Vec<Node>,
    /// The edges and demands the nodes' ranges point into. Dependents and dependencies are
    /// distinct and resolved; a self-dependency (which could never be met) is left out, as
    /// lint reports it. Demands give one entry per resource (several on one resource add up).
    pub(super) dependents: Vec<TaskIdx>,
    pub(super) dependencies: Vec<TaskIdx>,
    pub(super) children: Vec<TaskIdx>,
    pub(super) demands: Vec<(ResourceIdx, u32)>,
    /// How many dependencies (plus one for the enclosing stage's start) each task waits for.
    pub(super) pending: Vec<u32>,
    pub(super) capacity: Vec<u32>,
    pub(super) nominal: Vec<Millis>,
    /// Each task's wait for a runner to pick it up (the median of its distribution).
    pub(super) pickup: Vec<Millis>,
    /// Members of each matrix in compressed rows, and whether a failure cancels the others.
    pub(super) matrix_start: Vec<u32>,
    pub(super) matrix_members: Vec<TaskIdx>,
    pub(super) fail_fast: Vec<bool>,
}

/// One task as the engine sees it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Node {
    /// Ranges (start, end) into [`Plan::dependents`], [`Plan::dependencies`],
    /// [`Plan::children`] and [`Plan::demands`].
    pub(super) dependents: (u32, u32),
    pub(super) dependencies: (u32, u32),
    pub(super) children: (u32, u32),
    pub(super) demands: (u32, u32),
    pub(super) parent: Option<TaskIdx>,
    pub(super) when: RunWhen,
    /// Its failure counts as success for what follows.
    pub(super) allowed: bool,
    /// A skip of what it needs skips it too (GitHub jobs: "a job whose `needs` was skipped is
    /// skipped"); elsewhere a skipped task counts as done for what follows.
    pub(super) skip_carries: bool,
    /// A final failure stops everything (Harness `Abort`).
    pub(super) aborts: bool,
    /// Attempts before a failure is final: one plus the retries.
    pub(super) max_attempts: u32,
    pub(super) retry_interval: Millis,
    /// The matrix a task is an instance of, or [`NO_MATRIX`].
    pub(super) matrix: u32,
}

impl Node {
    pub(super) fn has_children(&self) -> bool {
        self.children.0 != self.children.1
    }
}

impl<'p> Plan<'p> {
    /// Builds the plan. A priority policy must give exactly one number per task.
    pub fn new(pipeline: &'p Pipeline, policy: Policy) -> Result<Plan<'p>, SimError> {
        let n = pipeline.tasks.len();
        if let Policy::Priority(p) = &policy {
            if p.len() != n {
                return Err(SimError::PriorityLength { expected: n, got: p.len() });
            }
        }
        Ok(Plan::build(pipeline, policy))
    }

    /// The plan under first-ready order, which fits any pipeline.
    pub fn first_ready(pipeline: &'p Pipeline) -> Plan<'p> {
        Plan::build(pipeline, Policy::Fifo)
    }

    fn build(pipeline: &'p Pipeline, policy: Policy) -> Plan<'p> {
        let n = pipeline.tasks.len();

        let mut pending = vec![0u32; n];
        let mut edges: Vec<(u32, u32)> = Vec::new();
        let mut seen = vec![u32::MAX; n];
        for (i, task) in pipeline.tasks.iter().enumerate() {
            for dep in &task.deps {
                let Some(target) = dep.target else { continue };
                let t = target.index();
                if t == i || t >= n || seen[t] == i as u32 {
                    continue;
                }
                seen[t] = i as u32;
                edges.push((t as u32, i as u32));
                pending[i] += 1;
            }
            if task.parent.is_some() {
                pending[i] += 1;
            }
        }
        let reversed: Vec<(u32, u32)> = edges.iter().map(|&(from, to)| (to, from)).collect();
        let (dependencies_start, dependencies) = rows(n, reversed, TaskIdx);
        let (dependents_start, dependents) = rows(n, edges, TaskIdx);
        let parent: Vec<Option<TaskIdx>> =
            pipeline.tasks.iter().map(|t| t.parent.filter(|p| p.index() < n)).collect();
        let child_pairs: Vec<(u32, u32)> = (0..n)
            .flat_map(|i| {
                pipeline.tasks[i]
                    .children
                    .iter()
                    .filter(|c| c.index() < n)
                    .map(move |c| (i as u32, c.0))
            })
            .collect();
        let (children_start, children) = rows(n, child_pairs, TaskIdx);

        let r = pipeline.resources.len();
        let mut demands_start = Vec::with_capacity(n + 1);
        let mut demands: Vec<(ResourceIdx, u32)> = Vec::new();
        demands_start.push(0);
        for task in &pipeline.tasks {
            let first = demands.len();
            for demand in &task.demands {
                let Some(res) = demand.resource.filter(|res| res.index() < r) else { continue };
                match demands[first..].iter_mut().find(|(x, _)| *x == res) {
                    Some((_, amount)) => *amount = amount.saturating_add(demand.amount),
                    None => demands.push((res, demand.amount)),
                }
            }
            demands_start.push(demands.len() as u32);
        }

        let mut matrix = vec![NO_MATRIX; n];
        let mut members: Vec<(u32, u32)> = Vec::new();
        for (m, group) in pipeline.matrices.iter().enumerate() {
            for &t in &group.members {
                if t.index() < n && matrix[t.index()] == NO_MATRIX {
                    matrix[t.index()] = m as u32;
                    members.push((m as u32, t.0));
                }
            }
        }
        let (matrix_start, matrix_members) = rows(pipeline.matrices.len(), members, TaskIdx);

        let range = |start: &[u32], i: usize| (start[i], start[i + 1]);
        let nodes = pipeline
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| Node {
                dependents: range(&dependents_start, i),
                dependencies: range(&dependencies_start, i),
                children: range(&children_start, i),
                demands: range(&demands_start, i),
                parent: parent[i],
                when: t.when,
                // Exit codes and expressions are only known while the job runs: a failure the
                // simulation injects is not one of them.
                allowed: t.failure.allow == AllowFailure::Yes,
                skip_carries: pipeline.format == Format::GithubActions && t.kind == TaskKind::Job,
                aborts: t.failure.action == FailureAction::Abort,
                max_attempts: t.failure.retry.as_ref().map_or(1, |r| r.max.saturating_add(1)),
                retry_interval: t.failure.retry.as_ref().map_or(Millis::ZERO, |r| r.interval),
                matrix: matrix[i],
            })
            .collect();
        Plan {
            pipeline,
            keys: KeyMaker::new(&policy, n),
            nodes,
            dependents,
            dependencies,
            children,
            demands,
            pending,
            capacity: pipeline.resources.iter().map(|r| r.capacity).collect(),
            nominal: pipeline.tasks.iter().map(|t| t.duration.nominal()).collect(),
            pickup: pipeline.tasks.iter().map(|t| t.pickup.nominal()).collect(),
            matrix_start,
            matrix_members,
            fail_fast: pipeline.matrices.iter().map(|m| m.fail_fast).collect(),
        }
    }

    /// How many tasks the plan schedules (the length a durations override must have).
    pub fn len(&self) -> usize {
        self.nominal.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nominal.is_empty()
    }

    /// The pipeline the plan was built from.
    pub fn pipeline(&self) -> &'p Pipeline {
        self.pipeline
    }

    /// How many attempts a task gets before its failure is final: one plus its retries.
    pub fn max_attempts(&self, task: usize) -> u32 {
        self.nodes[task].max_attempts
    }

    /// The durations the model gives, indexed like `Pipeline::tasks`.
    pub fn nominal_durations(&self) -> &[Millis] {
        &self.nominal
    }

    /// The pickup delays the model gives, indexed like `Pipeline::tasks`.
    pub fn nominal_pickups(&self) -> &[Millis] {
        &self.pickup
    }

    pub(super) fn dependents(&self, task: usize) -> &[TaskIdx] {
        self.dependents_of(&self.nodes[task])
    }

    pub(super) fn dependencies(&self, task: usize) -> &[TaskIdx] {
        let (from, to) = self.nodes[task].dependencies;
        &self.dependencies[from as usize..to as usize]
    }

    pub(super) fn children(&self, task: usize) -> &[TaskIdx] {
        self.children_of(&self.nodes[task])
    }

    /// Whether the task is a stage with steps (cheaper than asking for its children).
    pub(super) fn has_children(&self, task: usize) -> bool {
        self.nodes[task].has_children()
    }

    pub(super) fn demands(&self, task: usize) -> &[(ResourceIdx, u32)] {
        self.demands_of(&self.nodes[task])
    }

    /// The same for a node already at hand (one lookup where a step needs several things).
    pub(super) fn dependents_of(&self, node: &Node) -> &[TaskIdx] {
        &self.dependents[node.dependents.0 as usize..node.dependents.1 as usize]
    }

    pub(super) fn children_of(&self, node: &Node) -> &[TaskIdx] {
        &self.children[node.children.0 as usize..node.children.1 as usize]
    }

    pub(super) fn demands_of(&self, node: &Node) -> &[(ResourceIdx, u32)] {
        &self.demands[node.demands.0 as usize..node.demands.1 as usize]
    }

    pub(super) fn parent(&self, task: usize) -> Option<TaskIdx> {
        self.nodes[task].parent
    }

    pub(super) fn matrix_members(&self, matrix: u32) -> &[TaskIdx] {
        let m = matrix as usize;
        &self.matrix_members[self.matrix_start[m] as usize..self.matrix_start[m + 1] as usize]
    }

    pub(super) fn key(&self, task: TaskIdx, ready: Millis) -> Key {
        self.keys.key(task.0, ready.0)
    }
}

/// Compressed rows from (row, value) pairs: row i's values are
/// `values[start[i]..start[i + 1]]`, in the order the pairs came.
fn rows<T: Copy + Default>(
    n: usize,
    pairs: Vec<(u32, u32)>,
    value: impl Fn(u32) -> T,
) -> (Vec<u32>, Vec<T>) {
    let mut start = vec![0u32; n + 1];
    for &(row, _) in &pairs {
        start[row as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut values = vec![T::default(); pairs.len()];
    for (row, v) in pairs {
        values[fill[row as usize] as usize] = value(v);
        fill[row as usize] += 1;
    }
    (start, values)
}
