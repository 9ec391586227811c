//! One node of a run: what the scheduler asks of it once its upstream has finished. Its
//! parameters are resolved (template default → global parameter → node override → mapping
//! through the connection's transformation) and typed; its condition, if any, decides whether
//! it runs; a required parameter mapped an empty value (`first` of no rows) skips it; its
//! template renders into one query, or one per value for a for-each node, which its task
//! (`engine::job`) then runs.

use super::binding;
use super::graph::Graph;
use super::job::Query;
use super::mapping::{column_values, combine, transform};
use super::report::{NodeResult, NodeRun};
use crate::condition::{Condition, Facts, UpstreamFacts};
use crate::model::NodeStatus;
use crate::model::{ScalarType, TemplateKind, Transformation};
use crate::render;
use crate::tables::operation::Operation;
use crate::validation::ValidatedFlow;
use crate::value::Value;
use datafusion::arrow::datatypes::DataType;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(super) enum Prepared {
    Run(Vec<Query>, BTreeMap<String, Json>),
    /// A data-table node's operation, with the result it writes (from the node connected to
    /// it, if any).
    Table(Operation, Option<Arc<NodeResult>>, BTreeMap<String, Json>),
    Skip(String),
    Fail(BTreeMap<String, Json>, String),
    /// A conditional node whose condition is still to be decided, off the run loop
    /// ([`Decision::decide`]); [`decided`] then prepares it on.
    Decide(Decision),
}

/// A conditional node's condition, with what it reads and what preparing the node had
/// found before it.
pub(super) struct Decision {
    text: String,
    condition: Arc<Condition>,
    facts: Facts,
    values: BTreeMap<String, Json>,
    /// Why the node is skipped if its condition holds: a required parameter mapped no
    /// value.
    empty: Option<String>,
}

/// A decided condition, and what [`decided`] needs to prepare its node on.
pub(super) struct Decided {
    text: String,
    condition: Arc<Condition>,
    holds: Result<bool, String>,
    values: BTreeMap<String, Json>,
    empty: Option<String>,
    /// How long deciding took.
    pub(super) elapsed: Duration,
}

impl Decision {
    /// Decides the condition on a thread of its own, within `timeout` (the node's: the
    /// condition is part of the node's turn). Dropping the future (a cancel) stops the
    /// evaluation at its next step.
    pub(super) async fn decide(self, timeout: Duration) -> Decided {
        let started = Instant::now();
        let holds = tokio::time::timeout(timeout, self.condition.clone().decide(self.facts))
            .await
            .unwrap_or_else(|_| Err(format!("timed out after {} s", timeout.as_secs())));
        Decided {
            text: self.text,
            condition: self.condition,
            holds,
            values: self.values,
            empty: self.empty,
            elapsed: started.elapsed(),
        }
    }
}

/// A node's parameter values before any mapping: each parameter's template default, under
/// the flow's global parameter of its name, under the node's override.
pub(super) fn own_values(
    flow: &ValidatedFlow,
    globals: &BTreeMap<&str, Json>,
    at: usize,
) -> BTreeMap<String, Json> {
    let node = &flow.flow().nodes[at];
    let template = flow
        .template_of(node)
        .expect("a validated flow has every template it uses");
    let mut values = BTreeMap::new();
    for spec in &template.parameters {
        let layers = [
            spec.default.as_ref(),
            globals.get(spec.name.as_str()),
            node.parameter_overrides.get(&spec.name),
        ];
        if let Some(value) = layers.into_iter().flatten().last() {
            values.insert(spec.name.clone(), value.clone());
        }
    }
    values
}

/// The nodes whose rows preparing `at` reads: the sources of its connections and, for a
/// conditional node, the nodes its condition names.
pub(super) fn reads(flow: &ValidatedFlow, graph: &Graph, at: usize) -> Vec<usize> {
    let node = &flow.flow().nodes[at];
    let mut reads: Vec<usize> = graph.incoming[at]
        .iter()
        .map(|&c| graph.sources[c])
        .collect();
    if node.is_conditional
        && let Ok(condition) =
            Condition::compile(node.condition_expression.as_deref().unwrap_or_default())
    {
        for path in condition.references() {
            if let [head, id, ..] = path.as_slice()
                && head == "upstream"
                && let Some(named) = flow
                    .flow()
                    .nodes
                    .iter()
                    .position(|n| n.node_id.as_str() == id)
            {
                reads.push(named);
            }
        }
    }
    reads
}

/// Why `at` is skipped without a look at anything else: a node it needs through a required
/// connection did not complete.
pub(super) fn needs_missing(
    flow: &ValidatedFlow,
    graph: &Graph,
    runs: &[NodeRun],
    at: usize,
) -> Option<String> {
    let connections = &flow.flow().connections;
    let source = graph.incoming[at]
        .iter()
        .filter(|&&c| connections[c].is_required)
        .map(|&c| &runs[graph.sources[c]])
        .find(|source| source.status != NodeStatus::Completed)?;
    Some(format!(
        "`{}` did not complete, and `{}` needs it",
        source.node_id, runs[at].node_id
    ))
}

/// Decides what to do with a node whose upstream has finished, and completed where it is
/// needed ([`needs_missing`]): resolve and render it, or say why it is skipped or failed.
/// `values` are its [`own_values`].
pub(super) fn prepare(
    flow: &ValidatedFlow,
    graph: &Graph,
    globals: &BTreeMap<&str, Json>,
    runs: &[NodeRun],
    at: usize,
    mut values: BTreeMap<String, Json>,
) -> Prepared {
    let node = &flow.flow().nodes[at];
    let connections = &flow.flow().connections;
    let template = flow
        .template_of(node)
        .expect("a validated flow has every template it uses");
    // Per mapped parameter: where its value came from, to say why an empty one skips.
    let mut mapped_from = BTreeMap::new();
    // Per mapped parameter: what each connection feeding it carries, in connection order.
    let mut fed: BTreeMap<&str, Vec<Json>> = BTreeMap::new();
    for &c in &graph.incoming[at] {
        let conn = &connections[c];
        let source = &runs[graph.sources[c]];
        let Some(result) = source.result.as_deref() else {
            continue; // An optional connection whose source did not complete.
        };
        for (param, column) in &conn.field_mappings {
            mapped_from.insert(param.as_str(), (source, column, result.row_count));
            let transformation = conn
                .transformation_rules
                .get(param)
                .copied()
                .unwrap_or(Transformation::List);
            let mapped = column_values(&result.schema, &result.batches, column)
                .and_then(|values| transform(values, transformation));
            match mapped {
                Ok(value) => fed.entry(param.as_str()).or_default().push(value),
                Err(why) => {
                    return Prepared::Fail(
                        values,
                        format!("connection `{}`, `{param}`: {why}", conn.connection_id),
                    );
                }
            }
        }
    }
    // Several connections feed only a list parameter (validation sees to it): unioned.
    for (param, mut each) in fed {
        let value = match each.len() {
            1 => each.pop().expect("one value"),
            _ => combine(each),
        };
        values.insert(param.to_owned(), value);
    }

    // A required parameter mapped an empty value (`first`, `min` or `max` of no rows, or of
    // a NULL) skips the node, as a source that did not complete would: it never runs with
    // NULL where a value is required. Its condition, if any, speaks first.
    let empty = template
        .parameters
        .iter()
        .filter(|spec| spec.required)
        .find_map(|spec| {
            let (Some(Json::Null), Some((source, column, rows))) =
                (values.get(&spec.name), mapped_from.get(spec.name.as_str()))
            else {
                return None;
            };
            let why = if *rows == 0 {
                format!("`{}` returned no rows", source.node_id)
            } else {
                format!("`{}.{column}` is empty (NULL)", source.node_id)
            };
            Some(format!(
                "{why}, so its `{column}` gives no value for `{}`, which `{}` requires",
                spec.name, node.node_id
            ))
        });

    if node.is_conditional {
        let text = node.condition_expression.clone().unwrap_or_default();
        let condition = match Condition::compile(&text) {
            Ok(condition) => condition,
            Err(why) => return Prepared::Fail(values, format!("condition `{text}`: {why}")),
        };
        let decimals = template
            .parameters
            .iter()
            .filter(|p| p.value_type == ScalarType::Decimal && !p.list)
            .map(|p| p.name.as_str());
        let mut facts = facts(flow, &condition, globals, &values, runs);
        as_doubles(&mut facts.params, decimals);
        return Prepared::Decide(Decision {
            text,
            condition: Arc::new(condition),
            facts,
            values,
            empty,
        });
    }
    prepared(flow, graph, runs, at, values, empty)
}

/// Prepares on a conditional node once its condition is decided: it runs if the condition
/// holds, is skipped if it does not, fails if it could not be decided.
pub(super) fn decided(
    flow: &ValidatedFlow,
    graph: &Graph,
    runs: &[NodeRun],
    at: usize,
    decided: Decided,
) -> Prepared {
    let Decided {
        text,
        condition,
        holds,
        values,
        empty,
        ..
    } = decided;
    match holds {
        Ok(true) => prepared(flow, graph, runs, at, values, empty),
        Ok(false) => Prepared::Skip(format!("its condition `{text}` is false")),
        // `first` of a node that returned no rows has nothing to read: the condition cannot
        // be decided, so the node is skipped as a mapping from it would be.
        Err(_) if let Some((upstream, read)) = empty_first(&condition, runs) => {
            Prepared::Skip(format!(
                "`{upstream}` returned no rows, so its condition `{text}` cannot read `{read}` (guard it with has(upstream.{upstream}.first) to decide without a row)"
            ))
        }
        Err(why) => Prepared::Fail(values, format!("condition `{text}`: {why}")),
    }
}

/// The rest of preparing a node whose condition, if any, holds: its parameters typed, its
/// queries rendered (or its data-table operation read).
fn prepared(
    flow: &ValidatedFlow,
    graph: &Graph,
    runs: &[NodeRun],
    at: usize,
    values: BTreeMap<String, Json>,
    empty: Option<String>,
) -> Prepared {
    let node = &flow.flow().nodes[at];
    let template = flow
        .template_of(node)
        .expect("a validated flow has every template it uses");
    if let Some(why) = empty {
        return Prepared::Skip(why);
    }

    let mut typed = BTreeMap::new();
    for spec in &template.parameters {
        let value = match values.get(&spec.name) {
            Some(json) => match Value::from_json(spec.value_type, spec.list, json) {
                Ok(value) => value,
                Err(why) => {
                    return Prepared::Fail(values, format!("parameter `{}`: {why}", spec.name));
                }
            },
            None if spec.required => {
                return Prepared::Fail(values, format!("parameter `{}` has no value", spec.name));
            }
            None => Value::Null,
        };
        typed.insert(spec.name.clone(), value);
    }
    if template.kind == TemplateKind::DataTable {
        let rows = graph.incoming[at]
            .first()
            .and_then(|&c| runs[graph.sources[c]].result.clone());
        return match Operation::from_params(&values) {
            Ok(operation) => Prepared::Table(operation, rows, values),
            Err(why) => Prepared::Fail(values, why),
        };
    }
    let for_each = node.node_config.for_each.as_ref().and_then(|name| {
        let spec = template.parameter(name)?;
        Some((spec, typed.get(name).cloned().unwrap_or(Value::Null)))
    });
    let queries = match for_each {
        None => render::render(&template.sql, &template.parameters, &typed)
            .map(|statement| {
                vec![Query {
                    statement,
                    tag: None,
                }]
            })
            .map_err(|e| e.to_string()),
        Some((spec, value)) => {
            let items = match value {
                Value::List(items) => items,
                Value::Null => Vec::new(),
                one => vec![one],
            };
            items
                .into_iter()
                .map(|item| {
                    let tag = binding::scalar(spec.value_type, &item).map_err(|e| e.to_string())?;
                    let mut one = typed.clone();
                    one.insert(spec.name.clone(), Value::List(vec![item]));
                    let statement = render::render(&template.sql, &template.parameters, &one)
                        .map_err(|e| e.to_string())?;
                    Ok(Query {
                        statement,
                        tag: Some((spec.name.clone(), tag)),
                    })
                })
                .collect()
        }
    };
    match queries {
        Ok(queries) => Prepared::Run(queries, values),
        Err(err) => Prepared::Fail(values, err),
    }
}

/// The first node `condition` reads `first` of that completed with no rows, and what it
/// reads of it (`upstream.a.first.x`).
fn empty_first(condition: &Condition, runs: &[NodeRun]) -> Option<(String, String)> {
    condition.references().into_iter().find_map(|path| {
        let [head, id, field, ..] = path.as_slice() else {
            return None;
        };
        let empty = runs
            .iter()
            .find(|r| r.node_id.as_str() == id)
            .and_then(|r| r.result.as_deref())
            .is_some_and(|result| result.row_count == 0);
        (head == "upstream" && field == "first" && empty).then(|| (id.clone(), path.join(".")))
    })
}

/// A decimal as a condition reads it: always a double (CEL has no decimal), so that one
/// type-checks the same whatever its value (`2` and `2.5` alike), as validation types it.
fn double(value: Json) -> Json {
    let number = match &value {
        Json::Number(n) => n.as_f64(),
        Json::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    number
        .and_then(serde_json::Number::from_f64)
        .map_or(value, Json::Number)
}

/// The values of `names` in `params` as doubles (see [`double`]).
fn as_doubles<'a>(params: &mut BTreeMap<String, Json>, names: impl Iterator<Item = &'a str>) {
    for name in names {
        if let Some(value) = params.get_mut(name) {
            *value = double(std::mem::take(value));
        }
    }
}

/// What `condition` can read: the flow's global parameters (null when without a value) under
/// the node's own resolved ones, and the facts of each upstream node it names.
fn facts(
    flow: &ValidatedFlow,
    condition: &Condition,
    globals: &BTreeMap<&str, Json>,
    values: &BTreeMap<String, Json>,
    runs: &[NodeRun],
) -> Facts {
    let mut facts = Facts::default();
    for global in &flow.flow().composition.global_parameters {
        let value = globals
            .get(global.name.as_str())
            .cloned()
            .unwrap_or(Json::Null);
        facts.params.insert(global.name.clone(), value);
    }
    let decimal_globals = flow
        .flow()
        .composition
        .global_parameters
        .iter()
        .filter(|g| g.value_type == ScalarType::Decimal && !g.list)
        .map(|g| g.name.as_str());
    as_doubles(&mut facts.params, decimal_globals);
    facts
        .params
        .extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
    for path in condition.references() {
        let [head, id, ..] = path.as_slice() else {
            continue;
        };
        if head != "upstream" || facts.upstream.contains_key(id) {
            continue;
        }
        let Some(run) = runs.iter().find(|r| r.node_id.as_str() == id) else {
            continue;
        };
        let result = run.result.as_deref();
        // Columns its template declares decimal, read as doubles whatever their values.
        let declared: Vec<&str> = flow
            .flow()
            .nodes
            .iter()
            .find(|n| n.node_id == run.node_id)
            .and_then(|n| flow.template_of(n))
            .map(|t| {
                t.output_columns
                    .iter()
                    .flatten()
                    .filter(|c| c.value_type == ScalarType::Decimal)
                    .map(|c| c.name.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let first = result.and_then(|result| {
            let batch = result
                .batches
                .iter()
                .find(|b| b.num_rows() > 0)?
                .slice(0, 1);
            let row = result
                .schema
                .fields()
                .iter()
                .filter_map(|field| {
                    let value =
                        column_values(&result.schema, std::slice::from_ref(&batch), field.name())
                            .ok()?
                            .into_iter()
                            .next()?;
                    let decimal = declared.contains(&field.name().as_str())
                        || matches!(
                            field.data_type(),
                            DataType::Decimal32(..)
                                | DataType::Decimal64(..)
                                | DataType::Decimal128(..)
                                | DataType::Decimal256(..)
                        );
                    let value = if decimal { double(value) } else { value };
                    Some((field.name().clone(), value))
                })
                .collect();
            Some(row)
        });
        facts.upstream.insert(
            id.clone(),
            UpstreamFacts {
                status: run.status.to_string(),
                outcome: run.outcome.map(|o| o.to_string()),
                row_count: result.map(|r| r.row_count as u64),
                first,
            },
        );
    }
    facts
}
