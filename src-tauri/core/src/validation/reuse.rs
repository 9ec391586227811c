//! Reuse that never switches off unsaid: a node whose SQL calls a function whose value
//! changes between runs (`now()`, `random()`) has no cache key (`engine::cache`), so it runs
//! every time, and so does every node after it (a key includes its upstream's keys). Each
//! such node is a `not_reusable` warning naming why and the nodes it takes along.

use super::Catalog;
use super::diagnostic::{Code, Diagnostic};
use super::graph::FlowGraph;
use crate::ids::TemplateId;
use crate::model::{Flow, Template, TemplateKind};
use crate::render;
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::Volatility;
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::{Expr as SqlExpr, visit_expressions};
use std::collections::BTreeMap;
use std::ops::ControlFlow;

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
            .or_insert_with(|| never_reused(template))
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

/// Why a node of `template` never has a cache key (`engine::cache`), whatever its values
/// and data, as far as its SQL says: it calls a function whose value changes between runs.
/// `None` for a template whose SQL does not render or parse (validation says so as an
/// error) and for a data-table template (which works on a table, never reused by design).
fn never_reused(template: &Template) -> Option<String> {
    if template.kind == TemplateKind::DataTable {
        return None;
    }
    let name = changing_function_in(&render::unbound(template)?.shape())?;
    Some(format!(
        "its SQL calls `{name}()`, whose value may change from one run to the next"
    ))
}

/// The first scalar function `statement` calls that is not immutable (its value may differ
/// from one run to the next for the same data: `now`, `random`, …), by the name it is
/// called by.
pub(crate) fn changing_function(statement: &DfStatement, state: &SessionState) -> Option<String> {
    let DfStatement::Statement(statement) = statement else {
        return Some("a statement other than a query".to_owned());
    };
    let functions = state.scalar_functions();
    let found = visit_expressions(statement.as_ref(), |expr| match expr {
        SqlExpr::Function(call) => {
            let name = call.name.to_string().to_lowercase();
            match functions.get(&name) {
                Some(udf) if udf.signature().volatility != Volatility::Immutable => {
                    ControlFlow::Break(name)
                }
                _ => ControlFlow::Continue(()),
            }
        }
        _ => ControlFlow::Continue(()),
    });
    match found {
        ControlFlow::Break(name) => Some(name),
        ControlFlow::Continue(()) => None,
    }
}

/// The first changing function (see [`changing_function`]) `sql` calls, as DataFusion's
/// own functions are, with no engine at hand; `None` also when `sql`
/// does not parse, which is `sql_syntax`'s to say.
fn changing_function_in(sql: &str) -> Option<String> {
    static STATE: std::sync::OnceLock<SessionState> = std::sync::OnceLock::new();
    let state = STATE.get_or_init(|| SessionContext::new().state());
    let dialect = &state.config().options().sql_parser.dialect;
    // Parsing and visiting recurse as the SQL nests.
    crate::deep_stack::run(|| {
        let parsed = state.sql_to_statement(sql, dialect).ok()?;
        changing_function(&parsed, state)
    })
}
