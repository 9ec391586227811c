//! Data-table nodes (see `engine::table_node`): what their parameters ask must make sense
//! before the flow runs, as far as it is known before (a value a connection brings or a
//! global parameter sets at run time is checked when the node runs).

use super::Catalog;
use super::diagnostic::{Code, Diagnostic};
use crate::model::{ColumnType, Flow, Node, ScalarType, TableSchema, Template, TemplateKind};
use crate::tables::operation::Operation;
use crate::tables::schema;
use crate::tables::write::write_key;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// The value of `node`'s parameter `name` as far as the flow says before it runs.
fn known<'a>(flow: &'a Flow, node: &'a Node, template: &'a Template, name: &str) -> Known<'a> {
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
}

/// The data tables the flow's create nodes make, by name, with their columns where they
/// read as a schema.
pub(super) fn created<'a>(
    flow: &'a Flow,
    catalog: &'a Catalog,
) -> BTreeMap<&'a str, Option<TableSchema>> {
    let mut out = BTreeMap::new();
    for node in &flow.nodes {
        let Some(template) = catalog.for_node(node) else {
            continue;
        };
        if template.kind != TemplateKind::DataTable {
            continue;
        }
        let text = |name: &str| match known(flow, node, template, name) {
            Known::Value(Json::String(text)) => Some(text.as_str()),
            _ => None,
        };
        if text("operation") == Some("create")
            && let Some(table) = text("table_name")
        {
            let schema = match known(flow, node, template, "columns") {
                Known::Value(columns) => schema::from_json(columns).ok(),
                _ => None,
            };
            out.insert(table, schema);
        }
    }
    out
}

/// A parameter's value as far as the flow says before it runs.
enum Known<'a> {
    Value(&'a Json),
    /// Brought by a connection or a global parameter: known when the node runs.
    Later,
    Missing,
}

pub fn check(flow: &Flow, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let created = created(flow, catalog);
    for (i, node) in flow.nodes.iter().enumerate() {
        let Some(template) = catalog.for_node(node) else {
            continue;
        };
        if template.kind != TemplateKind::DataTable {
            continue;
        }
        let known = |name: &str| known(flow, node, template, name);
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
                Known::Value(columns) => {
                    check_columns(node, i, table, columns, out);
                    check_targets(node, i, columns, catalog, &created, out);
                }
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
                let source = match sources.into_iter().collect::<Vec<_>>()[..] {
                    [one] => flow.nodes.iter().find(|n| &n.node_id == one),
                    _ => None,
                };
                if let Some(table) = table {
                    let write = Write {
                        node,
                        i,
                        template,
                        table,
                        source,
                    };
                    check_write(flow, catalog, &created, &write, out);
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

/// A write node, as [`check_write`] needs it.
struct Write<'a> {
    node: &'a Node,
    i: usize,
    template: &'a Template,
    table: &'a str,
    /// The one node connected to it, whose result it writes.
    source: Option<&'a Node>,
}

/// What a run would refuse of a write before a row is read, where the workspace's tables are
/// known: a table that neither exists nor is made by the flow (the run fails the node), a
/// mode or key the table cannot be written by, columns of the written result the table does
/// not have, required columns it does not give, and types the table never accepts.
fn check_write(
    flow: &Flow,
    catalog: &Catalog,
    created: &BTreeMap<&str, Option<TableSchema>>,
    write: &Write<'_>,
    out: &mut Vec<Diagnostic>,
) {
    // A name a data file takes is `table_name_taken_by_file`, said already.
    let Some(tables) = catalog
        .data_tables()
        .filter(|_| !catalog.has_data_file(write.table))
    else {
        return;
    };
    let Write {
        node,
        i,
        template,
        table,
        ..
    } = *write;
    let at = format!("/nodes/{i}/parameter_overrides");
    let problem = |path: String, message: String| {
        Diagnostic::error(Code::BadTableNode, path, message).node(&node.node_id)
    };
    let schema = match (tables.get(table), created.get(table)) {
        (Some(schema), _) | (None, Some(Some(schema))) => schema,
        (None, Some(None)) => return,
        (None, None) => {
            out.push(
                Diagnostic::error(
                    Code::UnknownTable,
                    format!("{at}/table_name"),
                    format!(
                        "node `{}` writes into table `{table}`, which the workspace does not have and no node of the flow creates: create it first (flowloom tables create, or a create node before this one)",
                        node.node_id
                    ),
                )
                .node(&node.node_id)
                .parameter("table_name"),
            );
            return;
        }
    };
    // The options as the run reads them, where the flow gives them all.
    let mut values = BTreeMap::new();
    values.insert("operation".to_owned(), Json::from("write"));
    values.insert("table_name".to_owned(), Json::from(table));
    for name in ["mode", "key", "allow_cascade"] {
        match known(flow, node, template, name) {
            Known::Value(value) => {
                values.insert(name.to_owned(), value.clone());
            }
            Known::Later => return,
            Known::Missing => {}
        }
    }
    let options = match Operation::from_params(&values) {
        Ok(Operation::Write { options, .. }) => options,
        Ok(_) => return,
        Err(why) => {
            out.push(problem(at, format!("node `{}`: {why}", node.node_id)));
            return;
        }
    };
    if let Err(why) = write_key(table, schema, &options) {
        out.push(
            problem(
                format!("{at}/key"),
                format!("node `{}`: {why}", node.node_id),
            )
            .parameter("key"),
        );
    }
    let Some(columns) = write
        .source
        .and_then(|source| result_columns(catalog, source))
    else {
        return;
    };
    let source = write.source.map(|s| s.node_id.as_str()).unwrap_or_default();
    for (name, value_type) in &columns {
        let Some(column) = schema.column(name) else {
            if name != "_id" {
                out.push(problem(
                    format!("/nodes/{i}"),
                    format!(
                        "node `{}` writes `{source}`'s column `{name}` into table `{table}`, which has no such column",
                        node.node_id
                    ),
                ).column(name));
            }
            continue;
        };
        if column.is_computed() {
            continue;
        }
        if let Some(value_type) = value_type
            && never_fits(*value_type, column.data_type)
        {
            out.push(problem(
                format!("/nodes/{i}"),
                format!(
                    "node `{}` writes `{source}`'s column `{name}` ({}) into `{table}.{name}`, a {} column, which takes no such value",
                    node.node_id,
                    spelled(value_type),
                    spelled(&column.data_type),
                ),
            ).column(name));
        }
    }
    for column in schema.stored_columns() {
        let given = columns.iter().any(|(name, _)| *name == column.name);
        if column.required && column.default_value.is_none() && !given {
            out.push(problem(
                format!("/nodes/{i}"),
                format!(
                    "node `{}` writes `{source}`'s rows into table `{table}`, whose column `{}` is required, and `{source}` returns no such column",
                    node.node_id, column.name
                ),
            ).column(&column.name));
        }
    }
}

/// The columns `node`'s result has, with their declared types, when its template declares
/// them (a for-each node adds its parameter's column); `None` when they are known only
/// when it runs.
fn result_columns(catalog: &Catalog, node: &Node) -> Option<Vec<(String, Option<ScalarType>)>> {
    let template = catalog.for_node(node)?;
    if template.kind == TemplateKind::DataTable {
        return None;
    }
    let mut columns: Vec<(String, Option<ScalarType>)> = template
        .output_columns
        .as_ref()?
        .iter()
        .map(|c| (c.name.clone(), Some(c.value_type)))
        .collect();
    if let Some(name) = &node.node_config.for_each {
        let value_type = template.parameter(name).map(|p| p.value_type);
        columns.push((name.clone(), value_type));
    }
    Some(columns)
}

/// Whether no value of a result column declared `value_type` is ever accepted by a table
/// column of `column` type (the write reads each as `tables::value::convert` does: a number
/// is never true or false nor a date, a date never a number).
fn never_fits(value_type: ScalarType, column: ColumnType) -> bool {
    use ColumnType as C;
    use ScalarType as S;
    match column {
        C::String | C::Text | C::Json => false,
        C::Integer | C::Reference => matches!(value_type, S::Boolean | S::Date | S::Datetime),
        C::Decimal => matches!(value_type, S::Boolean | S::Date | S::Datetime),
        C::Boolean => matches!(value_type, S::Integer | S::Decimal | S::Date | S::Datetime),
        C::Date => matches!(
            value_type,
            S::Boolean | S::Integer | S::Decimal | S::Datetime
        ),
        C::Datetime => matches!(value_type, S::Boolean | S::Integer | S::Decimal),
    }
}

/// A create's reference columns must refer to a table that exists, or that the flow makes.
fn check_targets(
    node: &Node,
    i: usize,
    columns: &Json,
    catalog: &Catalog,
    created: &BTreeMap<&str, Option<TableSchema>>,
    out: &mut Vec<Diagnostic>,
) {
    let (Some(tables), Ok(definition)) = (catalog.data_tables(), schema::from_json(columns)) else {
        return;
    };
    for column in &definition.columns {
        let Some(target) = &column.validation.target_table else {
            continue;
        };
        if !tables.contains_key(target) && !created.contains_key(target.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::UnknownTable,
                    format!("/nodes/{i}/parameter_overrides/columns"),
                    format!(
                        "node `{}`: column `{}` refers to table `{target}`, which the workspace does not have and no node of the flow creates",
                        node.node_id, column.name
                    ),
                )
                .node(&node.node_id)
                .parameter("columns")
                .column(&column.name),
            );
        }
    }
}

/// A type as files spell it (`decimal`, `datetime`).
fn spelled(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(Json::String(text)) => text,
        _ => String::new(),
    }
}
