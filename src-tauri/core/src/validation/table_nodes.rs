//! Data-table nodes (see `engine::table_node`): what their parameters ask must make sense
//! before the flow runs, as far as it is known before (a value a connection brings or a
//! global parameter sets at run time is checked when the node runs).

use super::Catalog;
use super::diagnostic::{Code, Diagnostic};
use crate::model::{Flow, Node, TemplateKind};
use crate::tables::schema;
use serde_json::Value as Json;
use std::collections::BTreeSet;

/// A parameter's value as far as the flow says before it runs.
enum Known<'a> {
    Value(&'a Json),
    /// Brought by a connection or a global parameter: known when the node runs.
    Later,
    Missing,
}

pub fn check(flow: &Flow, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    for (i, node) in flow.nodes.iter().enumerate() {
        let Some(template) = catalog.for_node(node) else {
            continue;
        };
        if template.kind != TemplateKind::DataTable {
            continue;
        }
        let known = |name: &str| -> Known<'_> {
            let mapped = flow
                .connections
                .iter()
                .any(|c| c.target_node_id == node.node_id && c.field_mappings.contains_key(name));
            let global = flow
                .composition
                .global_parameters
                .iter()
                .any(|g| g.name == name);
            match node.parameter_overrides.get(name) {
                _ if mapped => Known::Later,
                Some(value) => Known::Value(value),
                None if global => Known::Later,
                None => template
                    .parameter(name)
                    .and_then(|p| p.default.as_ref())
                    .map_or(Known::Missing, Known::Value),
            }
        };
        let problem = |path: String, message: String| {
            Diagnostic::error(Code::BadTableNode, path, message).node(&node.node_id)
        };
        let overrides = format!("/nodes/{i}/parameter_overrides");
        if node.node_config.for_each.is_some() {
            out.push(problem(
                format!("/nodes/{i}/node_config/for_each"),
                format!(
                    "data-table node `{}` runs once: it cannot run for each value",
                    node.node_id
                ),
            ));
        }
        let Known::Value(Json::String(operation)) = known("operation") else {
            continue;
        };
        if operation == "list" {
            continue;
        }
        let table = match known("table_name") {
            Known::Value(Json::String(table)) => {
                if !schema::is_snake_case(table) {
                    out.push(
                        problem(
                            format!("{overrides}/table_name"),
                            format!(
                                "node `{}`: `{table}` is not a table name: the name must be lowercase snake_case (a letter, then letters, digits or _)",
                                node.node_id
                            ),
                        )
                        .parameter("table_name"),
                    );
                }
                if catalog.has_data_file(table) {
                    out.push(
                        Diagnostic::error(
                            Code::TableNameTakenByFile,
                            format!("{overrides}/table_name"),
                            format!(
                                "node `{}`: a data file of the workspace (data/{table}.csv, .parquet or .json) has the name `{table}`: queries would read the file, not the data table; rename the file or the table",
                                node.node_id
                            ),
                        )
                        .node(&node.node_id)
                        .parameter("table_name"),
                    );
                }
                Some(table.as_str())
            }
            Known::Later => None,
            _ => {
                out.push(missing(
                    node,
                    i,
                    operation,
                    "table_name",
                    "the table it works on",
                ));
                None
            }
        };
        match operation.as_str() {
            "create" => match known("columns") {
                Known::Value(columns) => check_columns(node, i, table, columns, out),
                Known::Later => {}
                Known::Missing => {
                    out.push(missing(
                        node,
                        i,
                        operation,
                        "columns",
                        "the new table's columns",
                    ));
                }
            },
            "write" => {
                let sources: BTreeSet<_> = flow
                    .connections
                    .iter()
                    .filter(|c| c.target_node_id == node.node_id)
                    .map(|c| &c.source_node_id)
                    .collect();
                if sources.len() != 1 {
                    out.push(problem(
                        format!("/nodes/{i}"),
                        format!(
                            "node `{}` writes the result of the one node connected to it, and {} connected",
                            node.node_id,
                            match sources.len() {
                                0 => "none is".to_owned(),
                                n => format!("{n} are"),
                            }
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
}

fn missing(node: &Node, i: usize, operation: &str, name: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::MissingParameter,
        format!("/nodes/{i}/parameter_overrides"),
        format!(
            "node `{}` ({operation}) needs `{name}`: {what}",
            node.node_id
        ),
    )
    .node(&node.node_id)
    .parameter(name)
}

/// A create's columns, checked as `tables create` checks a definition.
fn check_columns(
    node: &Node,
    i: usize,
    table: Option<&str>,
    columns: &Json,
    out: &mut Vec<Diagnostic>,
) {
    let path = format!("/nodes/{i}/parameter_overrides/columns");
    let problems = match schema::from_json(columns) {
        Ok(definition) => schema::check(table.unwrap_or("table"), &definition)
            .into_iter()
            .filter(|p| p.column.is_some() || table.is_none_or(schema::is_snake_case))
            .map(|p| p.to_string())
            .collect(),
        Err(why) => vec![why],
    };
    for why in problems {
        out.push(
            Diagnostic::error(
                Code::BadTableNode,
                path.clone(),
                format!("node `{}`: {why}", node.node_id),
            )
            .node(&node.node_id)
            .parameter("columns"),
        );
    }
}
