//! Reuse that never switches off unsaid: a node whose SQL calls a function whose value
//! changes between runs (`now()`, `random()`) has no cache key (`engine::cache`), so it runs
//! every time, and so does every node after it (a key includes its upstream's keys). Each
//! such node is a `not_reusable` warning naming why and the nodes it takes along.

use super::Catalog;
use super::diagnostic::{Code, Diagnostic};
use super::graph::FlowGraph;
use crate::engine::cache;
use crate::ids::TemplateId;
use crate::model::Flow;
use std::collections::BTreeMap;

pub fn check(flow: &Flow, catalog: &Catalog, graph: &FlowGraph<'_>, out: &mut Vec<Diagnostic>) {
    // Per node position: the positions its connections lead to.
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); flow.nodes.len()];
    for j in 0..flow.connections.len() {
        if let (Some(s), Some(t)) = graph.connection_ends(j) {
            next[s].push(t);
        }
    }
    // Each template version is judged once, however many nodes use it.
    let mut judged: BTreeMap<(&TemplateId, u32), Option<String>> = BTreeMap::new();
    for (i, node) in flow.nodes.iter().enumerate() {
        let Some(template) = catalog.for_node(node) else {
            continue;
        };
        let Some(why) = judged
            .entry((&template.template_id, template.version))
            .or_insert_with(|| cache::never_reused(template))
        else {
            continue;
        };
        let after = downstream(&next, i);
        let mut message = format!("node `{}` is never reused: {why}", node.node_id);
        let mut d = Diagnostic::warning(Code::NotReusable, format!("/nodes/{i}/template_id"), "")
            .node(&node.node_id);
        // Said once, of the node where reuse stops, not again of each node after it.
        if after.is_empty() {
            message.push_str(", so it runs every time");
        } else {
            let names: Vec<String> = after
                .iter()
                .map(|&k| format!("`{}`", flow.nodes[k].node_id))
                .collect();
            message.push_str(&format!(
                ", so it runs every time, and so do the nodes after it: {}",
                names.join(", ")
            ));
            for &k in &after {
                d = d.node(&flow.nodes[k].node_id);
            }
        }
        d.message = message;
        out.push(d);
    }
}

/// The positions downstream of `from`, in position order (each once, `from` left out even
/// on a cycle).
fn downstream(next: &[Vec<usize>], from: usize) -> Vec<usize> {
    let mut seen = vec![false; next.len()];
    let mut frontier = next[from].clone();
    while let Some(at) = frontier.pop() {
        if !std::mem::replace(&mut seen[at], true) {
            frontier.extend(&next[at]);
        }
    }
    seen[from] = false;
    (0..next.len()).filter(|&k| seen[k]).collect()
}
