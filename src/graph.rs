//! Directed graphs over dense node numbers, and the event graph of a pipeline's timing.
//!
//! Pipelines can have tens of thousands of tasks in one chain, so nothing here recurses: the
//! depth-first search of [`strongly_connected_components`] keeps its own stack.
//!
//! The event graph has two nodes per task, its start and its finish, and an edge `u → v` for
//! every "v cannot happen before u":
//!
//! - `finish(d) → start(t)` for each resolved dependency `d` of `t` (other than `t` itself);
//! - `start(t) → finish(t)`: a task ends after it starts;
//! - `start(stage) → start(step)`: a step starts only once its stage has started;
//! - `finish(step) → finish(stage)`: a stage ends only when its last step has ended.
//!
//! Containment alone can never close a cycle, so every cycle goes through a dependency.

use std::collections::VecDeque;

use crate::model::{Pipeline, TaskIdx};

/// A directed graph in compressed-row form: the edges leaving each node are contiguous, in the
/// order they were given, each with a label.
#[derive(Debug, Clone)]
pub struct Graph<L = ()> {
    /// `offsets[v]..offsets[v + 1]` are the edges leaving `v`.
    offsets: Vec<u32>,
    targets: Vec<u32>,
    labels: Vec<L>,
}

impl<L> Graph<L> {
    /// Builds the graph from `(from, to, label)` edges; endpoints must be below `node_count`.
    pub fn from_edges(node_count: usize, edges: Vec<(u32, u32, L)>) -> Graph<L> {
        let mut offsets = vec![0u32; node_count + 1];
        for &(from, _, _) in &edges {
            offsets[from as usize + 1] += 1;
        }
        for v in 0..node_count {
            offsets[v + 1] += offsets[v];
        }
        // A stable counting sort by source, without requiring `L: Clone`.
        let mut slots: Vec<Option<(u32, L)>> = Vec::with_capacity(edges.len());
        slots.resize_with(edges.len(), || None);
        let mut fill = offsets.clone();
        for (from, to, label) in edges {
            slots[fill[from as usize] as usize] = Some((to, label));
            fill[from as usize] += 1;
        }
        let (targets, labels) = slots.into_iter().flatten().unzip();
        Graph { offsets, targets, labels }
    }

    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }

    pub fn successors(&self, v: u32) -> &[u32] {
        let (from, to) = self.range(v);
        &self.targets[from..to]
    }

    /// The edges leaving `v`, as (target, label).
    pub fn edges(&self, v: u32) -> impl Iterator<Item = (u32, &L)> {
        let (from, to) = self.range(v);
        self.targets[from..to].iter().copied().zip(&self.labels[from..to])
    }

    /// The label of the first edge `from → to`, if there is one.
    pub fn edge_label(&self, from: u32, to: u32) -> Option<&L> {
        self.edges(from).find(|&(t, _)| t == to).map(|(_, label)| label)
    }

    fn range(&self, v: u32) -> (usize, usize) {
        (self.offsets[v as usize] as usize, self.offsets[v as usize + 1] as usize)
    }
}

/// The strongly connected components of a graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Components {
    /// The component of each node. Components are numbered in reverse topological order: an
    /// edge between two components always goes from a higher number to a lower one.
    pub of: Vec<u32>,
    pub count: usize,
}

impl Components {
    /// The number of nodes in each component.
    pub fn sizes(&self) -> Vec<u32> {
        let mut sizes = vec![0u32; self.count];
        for &c in &self.of {
            sizes[c as usize] += 1;
        }
        sizes
    }
}

/// Tarjan's algorithm, with an explicit stack instead of recursion.
pub fn strongly_connected_components<L>(graph: &Graph<L>) -> Components {
    const UNVISITED: u32 = u32::MAX;
    let n = graph.node_count();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut of = vec![UNVISITED; n];
    let mut count = 0u32;
    let mut next_index = 0u32;
    // The simulated call stack: a node and the position of the next edge to follow from it.
    let mut calls: Vec<(u32, usize)> = Vec::new();

    for root in 0..n as u32 {
        if index[root as usize] != UNVISITED {
            continue;
        }
        index[root as usize] = next_index;
        low[root as usize] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        calls.push((root, graph.offsets[root as usize] as usize));

        while let Some(&(v, edge)) = calls.last() {
            let vi = v as usize;
            if edge < graph.offsets[vi + 1] as usize {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                let w = graph.targets[edge];
                let wi = w as usize;
                if index[wi] == UNVISITED {
                    index[wi] = next_index;
                    low[wi] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[wi] = true;
                    calls.push((w, graph.offsets[wi] as usize));
                } else if on_stack[wi] {
                    low[vi] = low[vi].min(index[wi]);
                }
                continue;
            }
            // Every edge of `v` is done: "return" to the caller.
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent as usize] = low[parent as usize].min(low[vi]);
            }
            if low[vi] == index[vi] {
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    of[w as usize] = count;
                    if w == v {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    Components { of, count: count as usize }
}

/// The nodes in an order where every edge goes forward, or `None` if the graph has a cycle.
/// Kahn's algorithm with a first-in first-out queue, so the order is deterministic.
pub fn topological_order<L>(graph: &Graph<L>) -> Option<Vec<u32>> {
    let n = graph.node_count();
    let mut in_degree = vec![0u32; n];
    for &t in &graph.targets {
        in_degree[t as usize] += 1;
    }
    let mut ready: VecDeque<u32> = (0..n as u32).filter(|&v| in_degree[v as usize] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(v) = ready.pop_front() {
        order.push(v);
        for &w in graph.successors(v) {
            in_degree[w as usize] -= 1;
            if in_degree[w as usize] == 0 {
                ready.push_back(w);
            }
        }
    }
    (order.len() == n).then_some(order)
}

/// A shortest path `from → … → to` (breadth-first) through nodes that `allowed` accepts, as the
/// list of its nodes from `from` to `to`; `[from]` when they are the same node.
pub fn shortest_path<L>(
    graph: &Graph<L>,
    from: u32,
    to: u32,
    allowed: impl Fn(u32) -> bool,
) -> Option<Vec<u32>> {
    const NONE: u32 = u32::MAX;
    let mut came_from = vec![NONE; graph.node_count()];
    came_from[from as usize] = from;
    let mut queue = VecDeque::from([from]);
    while let Some(v) = queue.pop_front() {
        if v == to {
            let mut path = vec![to];
            let mut at = to;
            while at != from {
                at = came_from[at as usize];
                path.push(at);
            }
            path.reverse();
            return Some(path);
        }
        for &w in graph.successors(v) {
            if came_from[w as usize] == NONE && allowed(w) {
                came_from[w as usize] = v;
                queue.push_back(w);
            }
        }
    }
    None
}

/// Why one event of the event graph cannot happen before another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventEdge {
    /// `finish(target) → start(task)`: `task.deps[dep]` names the target.
    Dependency { task: TaskIdx, dep: u32 },
    /// `start(t) → finish(t)`.
    Runs,
    /// `start(stage) → start(step)`.
    StageStarts,
    /// `finish(step) → finish(stage)`.
    StageEnds,
}

/// The timing constraints of a pipeline as a graph over task starts and finishes.
#[derive(Debug, Clone)]
pub struct EventGraph {
    pub graph: Graph<EventEdge>,
}

impl EventGraph {
    pub fn new(pipeline: &Pipeline) -> EventGraph {
        let n = pipeline.tasks.len();
        let mut edges = Vec::new();
        for (i, task) in pipeline.tasks.iter().enumerate() {
            let t = TaskIdx(i as u32);
            edges.push((start(t), finish(t), EventEdge::Runs));
            for (d, dep) in task.deps.iter().enumerate() {
                // Unresolved and self dependencies are ignored, as in the simulation; lint
                // reports them on their own.
                let Some(target) = dep.target.filter(|&x| x.index() < n && x != t) else {
                    continue;
                };
                edges.push((
                    finish(target),
                    start(t),
                    EventEdge::Dependency { task: t, dep: d as u32 },
                ));
            }
            if let Some(parent) = task.parent.filter(|p| p.index() < n) {
                edges.push((start(parent), start(t), EventEdge::StageStarts));
                edges.push((finish(t), finish(parent), EventEdge::StageEnds));
            }
        }
        EventGraph { graph: Graph::from_edges(2 * n, edges) }
    }
}

// Task numbers fit in 31 bits (every task takes several bytes of a text whose offsets fit in
// 32 bits), so the event numbers fit in a u32.

/// The node of a task's start.
pub fn start(task: TaskIdx) -> u32 {
    task.0 * 2
}

/// The node of a task's finish.
pub fn finish(task: TaskIdx) -> u32 {
    task.0 * 2 + 1
}

/// The task an event belongs to.
pub fn task_of(event: u32) -> TaskIdx {
    TaskIdx(event / 2)
}

pub fn is_start(event: u32) -> bool {
    event % 2 == 0
}

/// Everything reachable from one node at a time. The marks are stamped per walk, so walking
/// from many sources costs what each walk visits, not a fresh array each time.
pub struct Reach {
    seen: Vec<u32>,
    stamp: u32,
    stack: Vec<u32>,
}

impl Reach {
    pub fn new(nodes: usize) -> Reach {
        Reach { seen: vec![0; nodes], stamp: 0, stack: Vec::new() }
    }

    /// Marks every node reachable from `source` through `next` (the source itself included).
    pub fn walk<I: IntoIterator<Item = u32>>(&mut self, source: u32, next: impl Fn(u32) -> I) {
        self.stamp += 1;
        self.stack.clear();
        self.seen[source as usize] = self.stamp;
        self.stack.push(source);
        while let Some(v) = self.stack.pop() {
            for w in next(v) {
                if let Some(mark) = self.seen.get_mut(w as usize) {
                    if *mark != self.stamp {
                        *mark = self.stamp;
                        self.stack.push(w);
                    }
                }
            }
        }
    }

    /// Whether the last walk reached `v`.
    pub fn reached(&self, v: u32) -> bool {
        self.seen.get(v as usize) == Some(&self.stamp)
    }
}

/// For each of `members`, whether it waits (through its dependencies, transitively) for each
/// of the others: `waits[i][j]` says member `i` waits for member `j`.
pub fn waits_among(pipeline: &Pipeline, members: &[TaskIdx]) -> Vec<Vec<bool>> {
    let mut reach = Reach::new(pipeline.tasks.len());
    let deps =
        |t: u32| pipeline.tasks[t as usize].deps.iter().filter_map(|d| d.target).map(|d| d.0);
    members
        .iter()
        .enumerate()
        .map(|(i, &m)| {
            reach.walk(m.0, deps);
            // A task does not wait for itself, whatever loops back to it.
            members
                .iter()
                .enumerate()
                .map(|(j, &o)| i != j && o != m && reach.reached(o.0))
                .collect()
        })
        .collect()
}

/// The pairs of members that neither waits for the other: they would overlap if nothing held
/// them apart.
pub fn independent_pairs(pipeline: &Pipeline, members: &[TaskIdx]) -> Vec<(usize, usize)> {
    let waits = waits_among(pipeline, members);
    let mut pairs = Vec::new();
    for (i, row) in waits.iter().enumerate() {
        for (j, &waits_for) in row.iter().enumerate().skip(i + 1) {
            if !waits_for && !waits[j][i] {
                pairs.push((i, j));
            }
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration::{DurationSpec, Millis};
    use crate::model::DurationSource;
    use crate::model::{DepKind, Dependency, Task, TaskKind};
    use crate::span::Span;

    fn graph(n: usize, edges: &[(u32, u32)]) -> Graph {
        Graph::from_edges(n, edges.iter().map(|&(a, b)| (a, b, ())).collect())
    }

    /// The components as sorted lists of nodes, sorted, for comparisons.
    fn groups(components: &Components) -> Vec<Vec<u32>> {
        let mut groups = vec![Vec::new(); components.count];
        for (v, &c) in components.of.iter().enumerate() {
            groups[c as usize].push(v as u32);
        }
        groups.sort();
        groups
    }

    #[test]
    fn edges_keep_their_order_and_labels() {
        let g = Graph::from_edges(3, vec![(1, 2, 'a'), (0, 1, 'b'), (1, 0, 'c')]);
        assert_eq!(g.node_count(), 3);
        assert_eq!(g.edge_count(), 3);
        assert_eq!(g.successors(1), &[2, 0]);
        assert_eq!(g.successors(2), &[] as &[u32]);
        assert_eq!(g.edge_label(1, 0), Some(&'c'));
        assert_eq!(g.edge_label(0, 2), None);
    }

    #[test]
    fn finds_components_and_numbers_them_in_reverse_topological_order() {
        // 0 → 1 ⇄ 2 → 3, 4 → 4 is not an edge (no self loops), 5 ⇄ 6 ⇄ 7 ⇄ 5
        let g = graph(8, &[(0, 1), (1, 2), (2, 1), (2, 3), (5, 6), (6, 7), (7, 5), (3, 5)]);
        let c = strongly_connected_components(&g);
        assert_eq!(groups(&c), vec![vec![0], vec![1, 2], vec![3], vec![4], vec![5, 6, 7]]);
        for v in 0..8u32 {
            for &w in g.successors(v) {
                assert!(c.of[v as usize] >= c.of[w as usize], "edge {v}→{w} goes backwards");
            }
        }
        let sizes = c.sizes();
        assert_eq!(sizes[c.of[6] as usize], 3);
    }

    #[test]
    fn a_long_chain_and_a_long_cycle_do_not_overflow_the_stack() {
        let n = 200_000u32;
        let chain: Vec<(u32, u32)> = (0..n - 1).map(|v| (v, v + 1)).collect();
        let c = strongly_connected_components(&graph(n as usize, &chain));
        assert_eq!(c.count, n as usize);
        let order = topological_order(&graph(n as usize, &chain)).expect("acyclic");
        assert_eq!(order, (0..n).collect::<Vec<_>>());

        let mut cycle = chain;
        cycle.push((n - 1, 0));
        let g = graph(n as usize, &cycle);
        assert_eq!(strongly_connected_components(&g).count, 1);
        assert_eq!(topological_order(&g), None);
        assert_eq!(shortest_path(&g, 0, n - 1, |_| true).map(|p| p.len()), Some(n as usize));
    }

    #[test]
    fn topological_order_respects_every_edge() {
        let g = graph(5, &[(3, 1), (1, 0), (4, 0), (3, 2)]);
        let order = topological_order(&g).expect("acyclic");
        assert_eq!(order, vec![3, 4, 1, 2, 0]);
        assert_eq!(topological_order(&graph(2, &[(0, 1), (1, 0)])), None);
    }

    #[test]
    fn shortest_path_takes_the_fewest_edges_through_allowed_nodes() {
        let g = graph(6, &[(0, 1), (1, 2), (2, 3), (0, 4), (4, 3), (0, 5), (5, 3)]);
        assert_eq!(shortest_path(&g, 0, 3, |_| true), Some(vec![0, 4, 3]));
        assert_eq!(shortest_path(&g, 0, 3, |v| v != 4), Some(vec![0, 5, 3]));
        assert_eq!(shortest_path(&g, 0, 3, |v| v != 4 && v != 5), Some(vec![0, 1, 2, 3]));
        assert_eq!(shortest_path(&g, 3, 0, |_| true), None);
        assert_eq!(shortest_path(&g, 2, 2, |_| true), Some(vec![2]));
    }

    fn task(id: &str, parent: Option<u32>, deps: &[u32]) -> Task {
        Task {
            id: id.to_string(),
            local_id: id.to_string(),
            name: None,
            kind: if parent.is_some() { TaskKind::Step } else { TaskKind::Stage },
            parent: parent.map(TaskIdx),
            children: Vec::new(),
            duration: DurationSpec::Fixed(Millis(1000)),
            duration_source: DurationSource::Explicit,
            deps: deps
                .iter()
                .map(|&d| Dependency {
                    target: Some(TaskIdx(d)),
                    name: String::new(),
                    kind: DepKind::Explicit,
                    span: Span::default(),
                })
                .collect(),
            demands: Vec::new(),
            span: Span::default(),
            id_span: Span::default(),
            notes: Vec::new(),
            ..Task::default()
        }
    }

    #[test]
    fn the_event_graph_links_starts_finishes_and_stages() {
        let mut p = Pipeline::default();
        p.add_task(task("build", None, &[]));
        p.add_task(task("verify", None, &[0]));
        p.add_task(task("smoke", Some(1), &[2])); // depends on itself: left out
        let g = EventGraph::new(&p).graph;
        let (b, v, s) = (TaskIdx(0), TaskIdx(1), TaskIdx(2));
        assert_eq!(g.node_count(), 6);
        assert_eq!(g.edge_label(start(b), finish(b)), Some(&EventEdge::Runs));
        assert_eq!(
            g.edge_label(finish(b), start(v)),
            Some(&EventEdge::Dependency { task: v, dep: 0 })
        );
        assert_eq!(g.edge_label(start(v), start(s)), Some(&EventEdge::StageStarts));
        assert_eq!(g.edge_label(finish(s), finish(v)), Some(&EventEdge::StageEnds));
        assert_eq!(g.edge_label(finish(s), start(s)), None);
        assert_eq!(g.edge_count(), 6);
        assert!(topological_order(&g).is_some());
        assert_eq!(task_of(finish(s)), s);
        assert!(is_start(start(s)) && !is_start(finish(s)));
    }

    #[test]
    fn a_step_waiting_for_its_own_stage_is_a_cycle_of_events() {
        let mut p = Pipeline::default();
        p.add_task(task("verify", None, &[]));
        p.add_task(task("smoke", Some(0), &[0]));
        let g = EventGraph::new(&p).graph;
        let c = strongly_connected_components(&g);
        // start(verify) is before the cycle; the other three events form it.
        assert_eq!(groups(&c), vec![vec![0], vec![1, 2, 3]]);
    }
}
