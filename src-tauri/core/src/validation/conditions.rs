//! Conditions of conditional nodes: each must compile, read only what its node can know
//! (`params.<name>` with a value, `upstream.<node>.<field>` of a node upstream of it, a
//! column that node's template declares), and type-check against the declared types of what
//! it reads, so a condition the run would refuse is refused here first.

use super::Catalog;
use super::diagnostic::{Code, Diagnostic};
use super::graph::FlowGraph;
use crate::condition::{Condition, Type};
use crate::ids::NodeId;
use crate::model::{Flow, Node, OutputColumn, ScalarType, Template};
use std::collections::BTreeMap;

/// What an upstream node exposes to a downstream condition: `upstream.<node_id>.<field>`,
/// besides `first.<column>`.
pub const UPSTREAM_FIELDS: [&str; 3] = ["row_count", "status", "outcome"];

/// What conditions read: per node position, the `params` names and the upstream node ids
/// its condition names (empty when it has none, or one that does not compile).
pub(super) struct Reads {
    pub params: Vec<String>,
    pub upstream: Vec<String>,
}

pub(super) fn reads(node: &Node) -> Reads {
    let mut reads = Reads {
        params: Vec::new(),
        upstream: Vec::new(),
    };
    if !node.is_conditional {
        return reads;
    }
    let Ok(condition) = Condition::compile(node.condition_expression.as_deref().unwrap_or(""))
    else {
        return reads;
    };
    for path in condition.references() {
        match path.as_slice() {
            [head, name, ..] if head == "params" => reads.params.push(name.clone()),
            [head, id, ..] if head == "upstream" => reads.upstream.push(id.clone()),
            _ => {}
        }
    }
    reads
}

/// The columns a node's rows have, as far as its template declares them: its output
/// columns and, for a for-each node, the column its value is added as.
pub(super) fn output_columns(node: &Node, template: &Template) -> Option<Vec<OutputColumn>> {
    let mut columns = template.output_columns.clone()?;
    if let Some(name) = &node.node_config.for_each
        && let Some(spec) = template.parameter(name)
        && !columns.iter().any(|c| &c.name == name)
    {
        columns.push(OutputColumn {
            name: name.clone(),
            value_type: spec.value_type,
        });
    }
    Some(columns)
}

/// A declared value's type in a condition: as the engine hands it over (dates and times as
/// ISO text, decimals as whichever number JSON holds, `json` anything).
fn cel_type(value_type: ScalarType, list: bool) -> Type {
    let scalar = match value_type {
        ScalarType::String | ScalarType::Date | ScalarType::Datetime => Type::String,
        ScalarType::Integer => Type::Int,
        // A condition reads a decimal as a double (the engine hands it over as one).
        ScalarType::Decimal => Type::Double,
        ScalarType::Boolean => Type::Bool,
        ScalarType::Json => Type::Dyn,
    };
    if list {
        Type::List(Box::new(scalar))
    } else {
        scalar
    }
}

/// Checks node `i`'s condition; `mapped` are the parameters its connections feed.
pub(super) fn check(
    flow: &Flow,
    catalog: &Catalog,
    graph: &FlowGraph<'_>,
    mapped: &[&str],
    i: usize,
    out: &mut Vec<Diagnostic>,
) {
    let node = &flow.nodes[i];
    if !node.is_conditional {
        return;
    }
    let path = format!("/nodes/{i}/condition_expression");
    let text = node.condition_expression.as_deref().unwrap_or("");
    let push = |out: &mut Vec<Diagnostic>, code, message: String| {
        out.push(
            Diagnostic::error(
                code,
                &path,
                format!("condition of node `{}`: {message}", node.node_id),
            )
            .node(&node.node_id),
        );
    };
    let condition = match Condition::compile(text) {
        Ok(condition) => condition,
        Err(err) => return push(out, Code::BadCondition, err.to_string()),
    };
    let template = catalog.for_node(node);

    // `params.<name>`: the flow's global parameters, under the node's own parameters that
    // have a value when it runs (a default, an override, a mapping).
    let mut params: BTreeMap<String, Type> = flow
        .composition
        .global_parameters
        .iter()
        .map(|g| (g.name.clone(), cel_type(g.value_type, g.list)))
        .collect();
    for spec in template
        .map(|t| t.parameters.as_slice())
        .unwrap_or_default()
    {
        let has_value = spec.default.as_ref().is_some_and(|d| !d.is_null())
            || node.parameter_overrides.contains_key(&spec.name)
            || mapped.contains(&spec.name.as_str())
            || params.contains_key(&spec.name);
        if has_value {
            params.insert(spec.name.clone(), cel_type(spec.value_type, spec.list));
        }
    }

    let ancestors = graph.ancestors(&node.node_id);
    let mut upstream = BTreeMap::new();
    for name in condition.references() {
        let dotted = name.join(".");
        let problem = match name.as_slice() {
            [head, param, ..] if head == "params" => (!params.contains_key(param)).then(|| {
                (
                    Code::BadCondition,
                    format!(
                        "`{dotted}`: `{param}` is neither a global parameter nor a parameter of this node with a value"
                    ),
                )
            }),
            [head, id, rest @ ..] if head == "upstream" && !rest.is_empty() => {
                let source = flow.nodes.iter().find(|n| n.node_id.as_str() == id);
                let columns = source.and_then(|s| output_columns(s, catalog.for_node(s)?));
                if source.is_some() {
                    upstream.insert(id.clone(), facts_type(columns.as_deref()));
                }
                let offered = match rest {
                    [field] => UPSTREAM_FIELDS.contains(&field.as_str()) || field == "first",
                    [first, _column] => first == "first",
                    _ => false,
                };
                if source.is_none() {
                    Some((
                        Code::BadCondition,
                        format!("`{dotted}`: there is no node `{id}`"),
                    ))
                } else if !offered {
                    Some((
                        Code::BadCondition,
                        format!(
                            "`{dotted}`: an upstream node offers {}, first, first.<column>",
                            UPSTREAM_FIELDS.join(", ")
                        ),
                    ))
                } else if !ancestors.contains(&NodeId::from(id.as_str())) {
                    Some((
                        Code::UnreachableConditionInput,
                        format!(
                            "`{dotted}`: `{id}` is not upstream of `{}`, so its result is not known when `{}` runs",
                            node.node_id, node.node_id
                        ),
                    ))
                } else if let ([_, column], Some(columns)) = (rest, &columns)
                    && !columns.iter().any(|c| &c.name == column)
                {
                    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
                    Some((
                        Code::BadCondition,
                        format!(
                            "`{dotted}`: `{id}` has no output column `{column}` (it has: {})",
                            names.join(", ")
                        ),
                    ))
                } else {
                    None
                }
            }
            _ => Some((
                Code::BadCondition,
                format!(
                    "`{dotted}` is not something a condition can read (use params.<name> or upstream.<node>.<field>)"
                ),
            )),
        };
        if let Some((code, message)) = problem {
            push(out, code, message);
        }
    }

    let variables = BTreeMap::from([
        ("params".to_owned(), Type::Record(params)),
        ("upstream".to_owned(), Type::Record(upstream)),
    ]);
    for problem in condition.type_problems(&variables) {
        push(out, Code::BadCondition, problem.to_string());
    }
}

/// `upstream.<id>`: its facts, `first` typed by the columns its template declares.
fn facts_type(columns: Option<&[OutputColumn]>) -> Type {
    let first = match columns {
        Some(columns) => Type::Record(
            columns
                .iter()
                .map(|c| (c.name.clone(), cel_type(c.value_type, false)))
                .collect(),
        ),
        None => Type::Map(Box::new(Type::Dyn)),
    };
    Type::Record(BTreeMap::from([
        ("row_count".to_owned(), Type::Int),
        ("status".to_owned(), Type::String),
        ("outcome".to_owned(), Type::String),
        ("first".to_owned(), first),
    ]))
}
