//! Parameter checks: overrides, mappings and their transformations, required parameters,
//! global parameters, for-each nodes; each node's condition through [`conditions`].

use super::Catalog;
use super::conditions::{self, Reads, output_columns};
use super::diagnostic::{Code, Diagnostic, pointer_segment as seg};
use super::graph::FlowGraph;
use super::values::{
    assignable, check_param_value, check_value, transformed, type_name, with_article,
};
use crate::model::{Flow, Template, TemplateKind, Transformation};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

pub fn check(flow: &Flow, catalog: &Catalog, graph: &FlowGraph<'_>, out: &mut Vec<Diagnostic>) {
    let globals: HashMap<&str, usize> = flow
        .composition
        .global_parameters
        .iter()
        .enumerate()
        .map(|(k, g)| (g.name.as_str(), k))
        .collect();

    // Each node's template, looked up once.
    let templates: Vec<Option<&Template>> = flow
        .nodes
        .iter()
        .map(|node| catalog.for_node(node))
        .collect();

    // What each node's condition reads: a global parameter it reads is used, and a
    // connection from a node it reads the facts of carries what the condition needs.
    let reads: Vec<Reads> = flow.nodes.iter().map(conditions::reads).collect();
    for j in 0..flow.connections.len() {
        check_connection(flow, &templates, &reads, graph, j, out);
    }
    let fed = Fed::new(flow, graph);
    for (i, template) in templates.iter().enumerate() {
        // Sorted by parameter, then connection: the first connection of a parameter wins. A
        // list parameter takes several (the run unions their values); a single value one.
        for same in fed.of(i).chunk_by(|a, b| a.0 == b.0) {
            let (param, first) = same[0];
            let takes_one = template
                .and_then(|t| t.parameter(param))
                .is_some_and(|spec| !spec.list);
            if !takes_one {
                // A list, or a parameter or template that is not there (said elsewhere).
                continue;
            }
            let other = &flow.connections[first].connection_id;
            for &(_, j) in &same[1..] {
                let conn = &flow.connections[j];
                out.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("/connections/{j}/field_mappings/{}", seg(param)),
                        format!("parameter `{param}` of node `{}` takes a single value and is already mapped by connection `{other}` (only a list parameter takes several connections)", conn.target_node_id),
                    )
                    .connection(&conn.connection_id)
                    .connection(other)
                    .node(&conn.target_node_id)
                    .parameter(param),
                );
            }
        }
    }

    let mut used_globals = HashSet::default();
    for (i, node) in flow.nodes.iter().enumerate() {
        let Some(template) = templates[i] else {
            continue;
        };
        for (name, value) in &node.parameter_overrides {
            let path = || format!("/nodes/{i}/parameter_overrides/{}", seg(name));
            match template.parameter(name) {
                None => out.push(
                    Diagnostic::error(
                        Code::UnknownParameter,
                        path(),
                        format!(
                            "template `{}` has no parameter `{name}`",
                            template.template_id
                        ),
                    )
                    .node(&node.node_id)
                    .parameter(name),
                ),
                Some(spec) => {
                    if let Err(why) = check_param_value(spec, value) {
                        out.push(
                            Diagnostic::error(
                                Code::TypeMismatch,
                                path(),
                                format!("node `{}`, parameter `{name}`: {why}", node.node_id),
                            )
                            .node(&node.node_id)
                            .parameter(name),
                        );
                    }
                }
            }
        }
        if let Some(name) = &node.node_config.for_each {
            let path = || format!("/nodes/{i}/node_config/for_each");
            match template.parameter(name) {
                None => out.push(
                    Diagnostic::error(
                        Code::UnknownParameter,
                        path(),
                        format!(
                            "node `{}` runs for each `{name}`, but template `{}` has no such parameter",
                            node.node_id, template.template_id
                        ),
                    )
                    .node(&node.node_id)
                    .parameter(name),
                ),
                Some(spec) if !spec.list => out.push(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        path(),
                        format!(
                            "node `{}` runs for each `{name}`, which is a single value: for-each needs a list parameter",
                            node.node_id
                        ),
                    )
                    .node(&node.node_id)
                    .parameter(name),
                ),
                Some(_) => {
                    if let Some(clash) = template
                        .output_columns
                        .iter()
                        .flatten()
                        .find(|c| &c.name == name)
                    {
                        out.push(
                            Diagnostic::error(
                                Code::DuplicateColumn,
                                path(),
                                format!(
                                    "node `{}` runs for each `{name}` and adds the value to its rows as column `{name}`, but template `{}` already returns a column `{}`: rename that column in the template's SQL",
                                    node.node_id, template.template_id, clash.name
                                ),
                            )
                            .node(&node.node_id)
                            .parameter(name)
                            .column(name),
                        );
                    }
                }
            }
        }
        let fed = fed.of(graph.first_position(i));
        for spec in &template.parameters {
            let global = globals.get(spec.name.as_str());
            if global.is_some() {
                used_globals.insert(spec.name.as_str());
            }
            let met = node.parameter_overrides.contains_key(&spec.name)
                || fed.iter().any(|(param, _)| *param == spec.name)
                || global.is_some()
                || spec.default.as_ref().is_some_and(|d| !d.is_null());
            if spec.required && !met {
                out.push(
                    Diagnostic::error(
                        Code::MissingParameter,
                        format!("/nodes/{i}/parameter_overrides"),
                        format!(
                            "node `{}` needs a value for `{}` ({}): set it on the node, map a column to it, or add a global parameter",
                            node.node_id,
                            spec.name,
                            type_name(spec.value_type, spec.list)
                        ),
                    )
                    .node(&node.node_id)
                    .parameter(&spec.name),
                );
            }
            if let Some(&k) = global {
                let g = &flow.composition.global_parameters[k];
                if !(g.list == spec.list && assignable(g.value_type, spec.value_type)) {
                    out.push(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            format!("/composition/global_parameters/{k}"),
                            format!(
                                "global parameter `{}` is {}, but node `{}` needs {}",
                                g.name,
                                with_article(&type_name(g.value_type, g.list)),
                                node.node_id,
                                with_article(&type_name(spec.value_type, spec.list))
                            ),
                        )
                        .node(&node.node_id)
                        .parameter(&g.name),
                    );
                }
            }
        }
        let mapped: Vec<&str> = fed.iter().map(|(param, _)| *param).collect();
        conditions::check(flow, catalog, graph, &mapped, i, out);
        used_globals.extend(
            reads[i]
                .params
                .iter()
                .filter(|name| globals.contains_key(name.as_str()))
                .map(String::as_str),
        );
    }

    for (k, g) in flow.composition.global_parameters.iter().enumerate() {
        if let Some(default) = &g.default
            && let Err(why) = check_value(g.value_type, g.list, &[], default)
        {
            out.push(
                Diagnostic::error(
                    Code::TypeMismatch,
                    format!("/composition/global_parameters/{k}/default"),
                    format!("global parameter `{}`: {why}", g.name),
                )
                .parameter(&g.name),
            );
        }
        if !used_globals.contains(g.name.as_str()) {
            out.push(
                Diagnostic::warning(
                    Code::UnusedOutput,
                    format!("/composition/global_parameters/{k}"),
                    format!(
                        "no node has a parameter `{}`, so this global parameter is unused",
                        g.name
                    ),
                )
                .parameter(&g.name),
            );
        }
    }
}

/// The parameters fed by each node's mappings, with the connection feeding each, grouped by
/// target node position (the first node of an id stands for all of them) and sorted by
/// parameter, then connection: two allocations for the whole flow, not a map per node.
struct Fed<'a> {
    /// Where each node position's entries start in `entries`, and where the last ends.
    starts: Vec<usize>,
    entries: Vec<(&'a str, usize)>,
}

impl<'a> Fed<'a> {
    fn new(flow: &'a Flow, graph: &FlowGraph<'_>) -> Self {
        let targets = || {
            flow.connections
                .iter()
                .enumerate()
                .filter_map(|(j, conn)| graph.connection_ends(j).1.map(|t| (t, j, conn)))
        };
        let mut starts = vec![0; flow.nodes.len() + 1];
        for (t, _, conn) in targets() {
            starts[t + 1] += conn.field_mappings.len();
        }
        for i in 0..flow.nodes.len() {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut entries = vec![("", 0); starts[flow.nodes.len()]];
        for (t, j, conn) in targets() {
            for param in conn.field_mappings.keys() {
                entries[next[t]] = (param.as_str(), j);
                next[t] += 1;
            }
        }
        for bounds in starts.windows(2) {
            entries[bounds[0]..bounds[1]].sort_unstable();
        }
        Self { starts, entries }
    }

    fn of(&self, position: usize) -> &[(&'a str, usize)] {
        &self.entries[self.starts[position]..self.starts[position + 1]]
    }
}

fn check_connection(
    flow: &Flow,
    templates: &[Option<&Template>],
    reads: &[Reads],
    graph: &FlowGraph<'_>,
    j: usize,
    out: &mut Vec<Diagnostic>,
) {
    let conn = &flow.connections[j];
    let (from, to) = graph.connection_ends(j);
    let target = to.and_then(|i| templates[i]);
    // The rows of the source as its template declares them, with a for-each value column.
    let source_columns = from.and_then(|i| output_columns(&flow.nodes[i], templates[i]?));
    let with_ids = |d: Diagnostic| {
        d.connection(&conn.connection_id)
            .node(&conn.source_node_id)
            .node(&conn.target_node_id)
    };

    // A data-table node reads its input connection's whole result (a write), not columns.
    let carries_rows = target.is_some_and(|t| t.kind == TemplateKind::DataTable);
    // A condition reading the source's facts needs the source upstream: the connection is
    // what puts it there.
    let read_by_condition = to.is_some_and(|t| {
        reads[t]
            .upstream
            .iter()
            .any(|id| id == conn.source_node_id.as_str())
    });
    if conn.field_mappings.is_empty() && !carries_rows && !read_by_condition {
        out.push(with_ids(Diagnostic::warning(
            Code::EmptyConnection,
            format!("/connections/{j}/field_mappings"),
            format!(
                "connection `{}` maps no column: it only makes `{}` wait for `{}`",
                conn.connection_id, conn.target_node_id, conn.source_node_id
            ),
        )));
    }
    for param in conn
        .transformation_rules
        .keys()
        .filter(|p| !conn.field_mappings.contains_key(*p))
    {
        out.push(
            with_ids(Diagnostic::error(
                Code::UnknownParameter,
                format!("/connections/{j}/transformation_rules/{}", seg(param)),
                format!(
                    "connection `{}` transforms `{param}`, but maps no column to it",
                    conn.connection_id
                ),
            ))
            .parameter(param),
        );
    }
    for (param, column) in &conn.field_mappings {
        let path = || format!("/connections/{j}/field_mappings/{}", seg(param));
        let column_type = match &source_columns {
            Some(columns) => match columns.iter().find(|c| &c.name == column) {
                Some(c) => Some(c.value_type),
                None => {
                    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
                    out.push(
                        with_ids(Diagnostic::error(
                            Code::UnknownColumn,
                            path(),
                            format!(
                                "`{}` has no output column `{column}` (it has: {})",
                                conn.source_node_id,
                                names.join(", ")
                            ),
                        ))
                        .parameter(param)
                        .column(column),
                    );
                    continue;
                }
            },
            None => None,
        };
        let Some(target) = target else { continue };
        let Some(spec) = target.parameter(param) else {
            out.push(
                with_ids(Diagnostic::error(
                    Code::UnknownParameter,
                    path(),
                    format!(
                        "`{}` (template `{}`) has no parameter `{param}`",
                        conn.target_node_id, target.template_id
                    ),
                ))
                .parameter(param),
            );
            continue;
        };
        let transformation = conn
            .transformation_rules
            .get(param)
            .copied()
            .unwrap_or(Transformation::List);
        let problem = match transformed(column_type, transformation) {
            Err(why) => Some(why),
            Ok((_, true)) if !spec.list => Some(format!(
                "`{param}` takes a single {}, but `{transformation}` gives a list: use a single-value transformation such as first, min, max, sum or count",
                type_name(spec.value_type, false)
            )),
            Ok((Some(delivered), _)) if !assignable(delivered, spec.value_type) => Some(format!(
                "`{param}` takes {}, but `{}.{column}` through `{transformation}` gives {}",
                type_name(spec.value_type, spec.list),
                conn.source_node_id,
                type_name(delivered, false)
            )),
            Ok(_) => None,
        };
        if let Some(why) = problem {
            out.push(
                with_ids(Diagnostic::error(Code::TypeMismatch, path(), why))
                    .parameter(param)
                    .column(column),
            );
        }
    }
}
