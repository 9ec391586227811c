//! The run's graph: a validated flow's connections by node position (what each node waits
//! on and frees), and which nodes this run includes ("run to here") and runs fresh ("run
//! from here"). The run loop (`engine::run`) schedules on it; a node's turn
//! (`engine::node`) reads its upstream through it.

use crate::ids::NodeId;
use crate::validation::{FlowGraph, ValidatedFlow};

/// The flow's connections by node position.
pub(super) struct Graph {
    /// Per node: the connections that end at it, in the order of their ids (the order in
    /// which several connections into one list parameter are unioned, and their keys hashed).
    pub(super) incoming: Vec<Vec<usize>>,
    /// Per node: the nodes its connections lead to (once per connection).
    pub(super) outgoing: Vec<Vec<usize>>,
    /// Per connection: its source's position.
    pub(super) sources: Vec<usize>,
    /// Per node: whether it is part of this run ("run to here" leaves some out; the nodes it
    /// keeps never wait on one left out).
    pub(super) included: Vec<bool>,
    /// Per node: whether it must run even when its result could be reused ("run from here":
    /// that node and everything downstream of it).
    pub(super) fresh: Vec<bool>,
}

impl Graph {
    /// The run's graph; with `to`, only that node and its upstream are in the run; with
    /// `from`, that node and its downstream are run fresh.
    pub(super) fn new(flow: &ValidatedFlow, to: Option<&NodeId>, from: Option<&NodeId>) -> Self {
        let graph = FlowGraph::new(flow.flow());
        let flow = flow.flow();
        let mut incoming = vec![Vec::new(); flow.nodes.len()];
        let mut outgoing = vec![Vec::new(); flow.nodes.len()];
        let mut sources = Vec::with_capacity(flow.connections.len());
        for c in 0..flow.connections.len() {
            let (Some(s), Some(t)) = graph.connection_ends(c) else {
                unreachable!("a validated flow's connections join nodes of the flow");
            };
            incoming[t].push(c);
            outgoing[s].push(t);
            sources.push(s);
        }
        for into in &mut incoming {
            into.sort_by(|&a, &b| {
                flow.connections[a]
                    .connection_id
                    .cmp(&flow.connections[b].connection_id)
            });
        }
        let included = match to {
            None => vec![true; flow.nodes.len()],
            Some(to) => {
                let needed = graph.ancestors(to);
                flow.nodes
                    .iter()
                    .map(|n| &n.node_id == to || needed.contains(&n.node_id))
                    .collect()
            }
        };
        let mut fresh = vec![false; flow.nodes.len()];
        let mut frontier: Vec<usize> = flow
            .nodes
            .iter()
            .position(|n| Some(&n.node_id) == from)
            .into_iter()
            .collect();
        while let Some(at) = frontier.pop() {
            if !std::mem::replace(&mut fresh[at], true) {
                frontier.extend(&outgoing[at]);
            }
        }
        Self {
            incoming,
            outgoing,
            sources,
            included,
            fresh,
        }
    }
}
