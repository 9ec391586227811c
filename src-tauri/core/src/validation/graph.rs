//! The flow as a petgraph graph, built per validation from the domain ids: cycles (every
//! strongly connected component, each reported as one real cycle) and the run plan.
//!
//! Invariant: a `NodeIndex` never leaves this module; callers see node ids only.

use crate::ids::{ConnectionId, NodeId};
use crate::model::Flow;
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::OnceCell;

/// The graph of a flow's unique nodes and the connections whose both ends exist. Every
/// node id is looked up once, here; the checks then work with positions in the flow.
#[derive(Debug)]
pub struct FlowGraph<'a> {
    graph: DiGraph<&'a NodeId, &'a ConnectionId>,
    index: HashMap<&'a NodeId, NodeIndex>,
    /// Per position in `flow.nodes`: the graph node of its id.
    nodes: Vec<NodeIndex>,
    /// Per graph node: the position in `flow.nodes` of the first node with its id.
    positions: Vec<usize>,
    /// Per position in `flow.connections`: the positions of its source and target nodes.
    ends: Vec<(Option<usize>, Option<usize>)>,
    /// Each graph node's level, or `None` when the graph has a cycle: found once, on
    /// first use, for both the cycle check and the plan.
    levels: OnceCell<Option<Vec<u32>>>,
}

/// One cycle: the nodes around it (first repeated last) and the connections it follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    pub path: Vec<NodeId>,
    pub connections: Vec<ConnectionId>,
    /// Every node of the strongly connected component the cycle was found in.
    pub component: Vec<NodeId>,
}

/// The order nodes can run in, and each node's level (the longest path from a source), by
/// position in `flow.nodes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Positions in `flow.nodes`, sources first, each node id once.
    pub order: Vec<usize>,
    /// Per position in `flow.nodes`: its level (a repeated id shares its first node's).
    pub levels: Vec<u32>,
}

impl<'a> FlowGraph<'a> {
    pub fn new(flow: &'a Flow) -> Self {
        let mut graph = DiGraph::with_capacity(flow.nodes.len(), flow.connections.len());
        let mut index: HashMap<&NodeId, NodeIndex> =
            HashMap::with_capacity_and_hasher(flow.nodes.len(), Default::default());
        let mut positions = Vec::with_capacity(flow.nodes.len());
        let nodes = flow
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                *index.entry(&node.node_id).or_insert_with(|| {
                    positions.push(i);
                    graph.add_node(&node.node_id)
                })
            })
            .collect();
        let ends = flow
            .connections
            .iter()
            .map(|conn| {
                let (s, t) = (
                    index.get(&conn.source_node_id).copied(),
                    index.get(&conn.target_node_id).copied(),
                );
                if let (Some(s), Some(t)) = (s, t) {
                    graph.add_edge(s, t, &conn.connection_id);
                }
                (
                    s.map(|s| positions[s.index()]),
                    t.map(|t| positions[t.index()]),
                )
            })
            .collect();
        Self {
            graph,
            index,
            nodes,
            positions,
            ends,
            levels: OnceCell::new(),
        }
    }

    /// Kahn's algorithm: each node's level (the longest path from a source), visiting
    /// every node once and every edge once; `None` when some nodes are never freed (a
    /// cycle). The graph is walked once more, by Tarjan, only to report the cycles.
    fn levels(&self) -> Option<&[u32]> {
        self.levels
            .get_or_init(|| {
                let mut waiting = vec![0u32; self.graph.node_count()];
                for edge in self.graph.raw_edges() {
                    waiting[edge.target().index()] += 1;
                }
                let mut ready: Vec<NodeIndex> = self
                    .graph
                    .node_indices()
                    .filter(|n| waiting[n.index()] == 0)
                    .collect();
                let mut levels = vec![0u32; self.graph.node_count()];
                let mut freed = 0;
                while let Some(at) = ready.pop() {
                    freed += 1;
                    let next = levels[at.index()] + 1;
                    for down in self.graph.neighbors(at) {
                        let (level, wait) = (&mut levels[down.index()], &mut waiting[down.index()]);
                        *level = (*level).max(next);
                        *wait -= 1;
                        if *wait == 0 {
                            ready.push(down);
                        }
                    }
                }
                (freed == self.graph.node_count()).then_some(levels)
            })
            .as_deref()
    }

    /// The position in `flow.nodes` of the first node with the id of the node at `position`.
    pub fn first_position(&self, position: usize) -> usize {
        self.positions[self.nodes[position].index()]
    }

    /// The positions of the source and target nodes of the connection at `position`, where
    /// they are nodes of the flow.
    pub fn connection_ends(&self, position: usize) -> (Option<usize>, Option<usize>) {
        self.ends[position]
    }

    /// One cycle per strongly connected component that has one (a self-loop is a cycle),
    /// sorted by their first node id. The components come from Kosaraju's algorithm, whose
    /// walks keep their own stack: petgraph's Tarjan recurses once per node of a path, so a
    /// ring of some ten thousand nodes overflowed the thread's stack and aborted the process.
    pub fn cycles(&self) -> Vec<Cycle> {
        if self.levels().is_some() {
            return Vec::new();
        }
        let mut cycles: Vec<Cycle> = kosaraju_scc(&self.graph)
            .into_iter()
            .filter(|scc| scc.len() > 1 || self.graph.contains_edge(scc[0], scc[0]))
            .map(|scc| self.cycle_in(&scc))
            .collect();
        cycles.sort_by(|a, b| a.path.cmp(&b.path));
        cycles
    }

    /// A cycle through the component's smallest node id: breadth-first from it, inside the
    /// component, back to itself, so the path is a shortest one and deterministic.
    fn cycle_in(&self, scc: &[NodeIndex]) -> Cycle {
        let members: HashSet<NodeIndex> = scc.iter().copied().collect();
        let start = *scc
            .iter()
            .min_by_key(|&&i| self.graph[i])
            .expect("a component is never empty");
        let mut came_from: HashMap<NodeIndex, (NodeIndex, &ConnectionId)> = HashMap::default();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut closing = None;
        'search: while let Some(at) = queue.pop_front() {
            let mut edges: Vec<_> = self
                .graph
                .edges(at)
                .filter(|e| members.contains(&e.target()))
                .collect();
            edges.sort_by_key(|e| (self.graph[e.target()], *e.weight()));
            for edge in edges {
                if edge.target() == start {
                    closing = Some((at, *edge.weight()));
                    break 'search;
                }
                if let std::collections::hash_map::Entry::Vacant(slot) =
                    came_from.entry(edge.target())
                {
                    slot.insert((at, *edge.weight()));
                    queue.push_back(edge.target());
                }
            }
        }
        let (mut at, last) =
            closing.expect("a strongly connected component with an edge has a cycle");
        let mut path = vec![self.graph[start].clone()];
        let mut connections = vec![last.clone()];
        while at != start {
            path.push(self.graph[at].clone());
            let (prev, via) = came_from[&at];
            connections.push(via.clone());
            at = prev;
        }
        path.push(self.graph[start].clone());
        path.reverse();
        connections.reverse();
        let mut component: Vec<NodeId> = scc.iter().map(|&i| self.graph[i].clone()).collect();
        component.sort();
        Cycle {
            path,
            connections,
            component,
        }
    }

    /// The run plan, if the graph has no cycle. Sources come first; ties keep flow order.
    pub fn plan(&self) -> Option<Plan> {
        let levels = self.levels()?;
        // Graph nodes are numbered in flow order, and the sort is stable.
        let mut order: Vec<usize> = (0..levels.len()).collect();
        order.sort_by_key(|&i| levels[i]);
        Some(Plan {
            order: order.iter().map(|&i| self.positions[i]).collect(),
            levels: self.nodes.iter().map(|n| levels[n.index()]).collect(),
        })
    }

    pub fn contains(&self, node: &NodeId) -> bool {
        self.index.contains_key(node)
    }

    /// Every node from which `node` can be reached (its upstream), not including itself.
    pub fn ancestors(&self, node: &NodeId) -> HashSet<NodeId> {
        let Some(&start) = self.index.get(node) else {
            return HashSet::default();
        };
        let mut seen = HashSet::default();
        let mut stack = vec![start];
        while let Some(at) = stack.pop() {
            for up in self
                .graph
                .neighbors_directed(at, petgraph::Direction::Incoming)
            {
                if seen.insert(up) {
                    stack.push(up);
                }
            }
        }
        seen.remove(&start);
        seen.into_iter().map(|i| self.graph[i].clone()).collect()
    }
}
