//! Property tests of the validator's graph checks on random flows: a cycle is reported
//! exactly when the graph has one, and every reported cycle is real.

use flowloom_core::validation::{self, Catalog, Code};
use flowloom_core::{Composition, Connection, ConnectionId, Flow, Node, NodeId, TemplateId};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

fn flow(nodes: usize, edges: &[(usize, usize)]) -> Flow {
    let composition: Composition = serde_json::from_value(
        serde_json::json!({ "composition_id": "comp_random", "name": "Random" }),
    )
    .expect("composition");
    let node = |i: usize| -> Node {
        serde_json::from_value(
            serde_json::json!({ "node_id": format!("n{i}"), "template_id": "tpl_x" }),
        )
        .expect("node")
    };
    let connections = edges
        .iter()
        .enumerate()
        .map(|(k, &(s, t))| Connection {
            connection_id: ConnectionId::new(format!("c{k}")),
            source_node_id: NodeId::new(format!("n{s}")),
            target_node_id: NodeId::new(format!("n{t}")),
            field_mappings: Default::default(),
            transformation_rules: Default::default(),
            is_required: true,
        })
        .collect();
    Flow {
        composition,
        nodes: (0..nodes).map(node).collect(),
        connections,
    }
}

/// Kahn's algorithm, written independently of the validator: is there a cycle?
fn has_cycle(nodes: usize, edges: &[(usize, usize)]) -> bool {
    let mut indegree = vec![0usize; nodes];
    for &(_, t) in edges {
        indegree[t] += 1;
    }
    let mut ready: Vec<usize> = (0..nodes).filter(|&n| indegree[n] == 0).collect();
    let mut done = 0;
    while let Some(n) = ready.pop() {
        done += 1;
        for &(s, t) in edges {
            if s == n {
                indegree[t] -= 1;
                if indegree[t] == 0 {
                    ready.push(t);
                }
            }
        }
    }
    done < nodes
}

fn graphs() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
    (1usize..25).prop_flat_map(|n| (Just(n), prop::collection::vec((0..n, 0..n), 0..(n * 3))))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_cycle_is_reported_exactly_when_one_exists((nodes, edges) in graphs()) {
        let flow = flow(nodes, &edges);
        let catalog = Catalog::default();
        let cycles: Vec<_> = validation::check(&flow, &catalog).into_iter().filter(|d| d.code == Code::Cycle).collect();
        prop_assert_eq!(!cycles.is_empty(), has_cycle(nodes, &edges));

        let edge_ids: BTreeMap<&str, (&str, &str)> = flow
            .connections
            .iter()
            .map(|c| (c.connection_id.as_str(), (c.source_node_id.as_str(), c.target_node_id.as_str())))
            .collect();
        let mut components = BTreeSet::new();
        for cycle in &cycles {
            // A closed walk: first node repeated last, every step an existing connection.
            prop_assert!(cycle.cycle.len() >= 2);
            prop_assert_eq!(cycle.cycle.first(), cycle.cycle.last());
            prop_assert_eq!(cycle.connection_ids.len(), cycle.cycle.len() - 1);
            for (step, conn) in cycle.cycle.windows(2).zip(&cycle.connection_ids) {
                prop_assert_eq!(edge_ids.get(conn.as_str()).copied(), Some((step[0].as_str(), step[1].as_str())));
            }
            // Each strongly connected component is reported once.
            prop_assert!(components.insert(cycle.node_ids.clone()));
        }
    }

    #[test]
    fn an_acyclic_flow_gets_a_plan_that_respects_every_connection((nodes, edges) in graphs()) {
        let edges: Vec<(usize, usize)> = edges.into_iter().filter(|&(s, t)| s < t).collect();
        let flow = flow(nodes, &edges);
        let template: flowloom_core::Template = serde_json::from_value(serde_json::json!({
            "template_id": "tpl_x", "name": "X", "sql": "SELECT 1"
        })).expect("template");
        let validated = validation::validate(flow, &Catalog::from_templates([template])).expect("an acyclic flow validates");
        let plan = validated.plan();
        let flow = validated.flow();
        let at: BTreeMap<&NodeId, usize> = flow.nodes.iter().enumerate().map(|(p, n)| (&n.node_id, p)).collect();
        let rank: BTreeMap<usize, usize> = plan.order.iter().enumerate().map(|(r, &p)| (p, r)).collect();
        prop_assert_eq!(rank.len(), nodes);
        prop_assert_eq!(plan.levels.len(), nodes);
        for conn in &flow.connections {
            let (s, t) = (at[&conn.source_node_id], at[&conn.target_node_id]);
            prop_assert!(rank[&s] < rank[&t]);
            prop_assert!(plan.levels[s] < plan.levels[t]);
        }
        let _: &TemplateId = &validated.flow().nodes[0].template_id;
    }
}

/// A ring far longer than any flow drawn by hand is one cycle, found without recursion: a
/// recursive walk overflowed the stack at about 10,000 nodes on the debug build (21,000 on
/// release) and aborted the process.
#[test]
fn a_ring_of_fifty_thousand_nodes_is_one_cycle() {
    let nodes = 50_000;
    let edges: Vec<(usize, usize)> = (0..nodes).map(|i| (i, (i + 1) % nodes)).collect();
    let flow = flow(nodes, &edges);
    // The test harness's threads have a 2 MiB stack, as an app's worker threads do.
    let diagnostics = validation::check(&flow, &Catalog::default());
    let cycles: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code == Code::Cycle)
        .collect();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].cycle.len(), nodes + 1, "the whole ring, closed");
    assert_eq!(cycles[0].node_ids.len(), nodes);
}
