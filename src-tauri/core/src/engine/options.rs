//! What a run is asked to do, and whether it fits the flow: its options, the flow's global
//! parameters (given as text by `--param` or the app's run dialog, or as JSON), and the
//! nodes it runs to or from. Checked before anything is started or recorded.

use crate::ids::{ConnectionId, NodeId};
use crate::model::Flow;
use crate::validation::{FlowGraph, ValidatedFlow};
use crate::value::{Value, json_from_text};
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::time::Duration;

/// How to run a flow, as a user asked: plain data. What the run works with (its connector,
/// kept results, cancel token) is its [`RunContext`](super::run::RunContext).
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// How many nodes may run at once.
    pub max_parallel: usize,
    /// Values for the flow's global parameters, over their defaults.
    pub parameters: BTreeMap<String, Json>,
    /// A node's timeout when its config sets none.
    pub default_timeout: Duration,
    /// The wait before the first retry; each further one waits twice as long.
    pub retry_backoff: Duration,
    /// Run only this node and the nodes it needs ("run to here").
    pub to: Option<NodeId>,
    /// Run this node and everything downstream of it fresh, reusing what it needs ("run
    /// from here").
    pub from: Option<NodeId>,
    /// Run every node even when a result could be reused (new results still become
    /// reusable).
    pub no_cache: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            max_parallel: std::thread::available_parallelism().map_or(2, usize::from),
            parameters: BTreeMap::new(),
            default_timeout: Duration::from_secs(600),
            retry_backoff: Duration::from_millis(500),
            to: None,
            from: None,
            no_cache: false,
        }
    }
}

/// Why a run could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("the flow has no global parameter `{name}` ({})", have(known))]
    UnknownParameter { name: String, known: Vec<String> },
    #[error("global parameter `{name}`: {why}")]
    BadParameter { name: String, why: String },
    #[error("the flow has no node `{0}`")]
    UnknownNode(String),
    #[error("`{from}` is not upstream of `{to}`: running from one to the other runs nothing")]
    FromNotBeforeTo { from: String, to: String },
}

/// The global parameters a flow has, in words.
fn have(known: &[String]) -> String {
    if known.is_empty() {
        return "it has none; a node's own parameters are set in the flow (its overrides), not \
                by --param"
            .to_owned();
    }
    format!("it has: {}", known.join(", "))
}

/// Whether `options` fit `flow` (its global parameters, the node to run to), before anything
/// is started or recorded.
pub fn check_options(flow: &ValidatedFlow, options: &RunOptions) -> Result<(), RunError> {
    global_values(flow, &options.parameters)?;
    let nodes = &flow.flow().nodes;
    for node in [&options.to, &options.from].into_iter().flatten() {
        if nodes.iter().all(|n| &n.node_id != node) {
            return Err(RunError::UnknownNode(node.to_string()));
        }
    }
    if let (Some(from), Some(to)) = (&options.from, &options.to)
        && from != to
        && !FlowGraph::new(flow.flow()).ancestors(to).contains(from)
    {
        return Err(RunError::FromNotBeforeTo {
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    Ok(())
}

/// Global parameter values written as text (`--param k=v`, the app's run dialog), each
/// parsed by the type of the parameter it names: lists comma-separated or a JSON array,
/// strings and dates bare.
pub fn parameters_from_text<'a>(
    flow: &Flow,
    given: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<BTreeMap<String, Json>, RunError> {
    let mut values = BTreeMap::new();
    for (name, text) in given {
        let declared = &flow.composition.global_parameters;
        let Some(global) = declared.iter().find(|g| g.name == name) else {
            return Err(unknown_parameter(flow, name));
        };
        let json = json_from_text(global.value_type, global.list, text);
        Value::from_json(global.value_type, global.list, &json).map_err(|why| {
            RunError::BadParameter {
                name: name.to_owned(),
                why,
            }
        })?;
        values.insert(name.to_owned(), json);
    }
    Ok(values)
}

/// Global parameter values as a [`RunRequest`](crate::api::RunRequest) gives them: text
/// (the run dialog's, `--param`'s) is parsed by its parameter's type as
/// [`parameters_from_text`] does; other JSON values are kept, and checked with the rest when
/// the run starts.
pub fn parameters_given(
    flow: &Flow,
    given: &BTreeMap<String, Json>,
) -> Result<BTreeMap<String, Json>, RunError> {
    let text = given
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.as_str()?)));
    let mut values = parameters_from_text(flow, text)?;
    for (name, value) in given.iter().filter(|(_, v)| !v.is_string()) {
        values.insert(name.clone(), value.clone());
    }
    Ok(values)
}

fn unknown_parameter(flow: &Flow, name: &str) -> RunError {
    RunError::UnknownParameter {
        name: name.to_owned(),
        known: flow
            .composition
            .global_parameters
            .iter()
            .map(|g| g.name.clone())
            .collect(),
    }
}

/// The run's global parameter values: defaults, then the given values, each typed.
pub(super) fn global_values<'f>(
    flow: &'f ValidatedFlow,
    given: &BTreeMap<String, Json>,
) -> Result<BTreeMap<&'f str, Json>, RunError> {
    let declared = &flow.flow().composition.global_parameters;
    if let Some(unknown) = given
        .keys()
        .find(|k| declared.iter().all(|g| &g.name != *k))
    {
        return Err(unknown_parameter(flow.flow(), unknown));
    }
    let mut values = BTreeMap::new();
    for global in declared {
        let Some(value) = given.get(&global.name).or(global.default.as_ref()) else {
            continue;
        };
        Value::from_json(global.value_type, global.list, value).map_err(|why| {
            RunError::BadParameter {
                name: global.name.clone(),
                why,
            }
        })?;
        values.insert(global.name.as_str(), value.clone());
    }
    Ok(values)
}

/// A global parameter whose value does not reach a node: the node sets that parameter itself.
/// A parameter's value is its template default, over it the flow's global parameter of its
/// name, over that the node's override, over that a mapping from an upstream column; so a
/// global set for a run (`--param`, the run dialog) is shadowed where an override or a
/// mapping gives the same parameter.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ShadowedGlobal {
    /// The global parameter (and the node's parameter of the same name).
    pub global: String,
    pub node_id: NodeId,
    /// What gives the node its value instead: the one that wins.
    pub by: ShadowedBy,
}

/// What gives a node's parameter its value over a global parameter.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShadowedBy {
    /// The node's own value (`parameter_overrides`).
    Override { value: Json },
    /// A column of an upstream node's result, through a connection.
    Mapping {
        connection_id: ConnectionId,
        source_node_id: NodeId,
        column: String,
    },
}

impl std::fmt::Display for ShadowedGlobal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self {
            global, node_id, ..
        } = self;
        match &self.by {
            ShadowedBy::Override { value } => write!(
                f,
                "node `{node_id}` does not use global `{global}`: its own value {value} overrides it"
            ),
            ShadowedBy::Mapping {
                connection_id,
                source_node_id,
                column,
            } => write!(
                f,
                "node `{node_id}` does not use global `{global}`: it takes `{global}` from `{source_node_id}.{column}` (connection `{connection_id}`)"
            ),
        }
    }
}

/// Where each of the global parameters `names` is shadowed (see [`ShadowedGlobal`]), by node
/// in the flow's order: a mapping where a node has one for the parameter (it wins over an
/// override too), else an override. Names that are not the flow's global parameters, and
/// nodes that do not set the parameter, give nothing.
pub fn shadowed_globals<'a>(
    flow: &Flow,
    names: impl IntoIterator<Item = &'a str>,
) -> Vec<ShadowedGlobal> {
    let declared = &flow.composition.global_parameters;
    let names: Vec<&str> = names
        .into_iter()
        .filter(|name| declared.iter().any(|g| g.name == *name))
        .collect();
    let mut shadowed = Vec::new();
    for node in &flow.nodes {
        for &global in &names {
            let mapped = flow
                .connections
                .iter()
                .filter(|c| c.target_node_id == node.node_id)
                .find_map(|c| c.field_mappings.get(global).map(|column| (c, column)));
            let by = match (mapped, node.parameter_overrides.get(global)) {
                (Some((c, column)), _) => ShadowedBy::Mapping {
                    connection_id: c.connection_id.clone(),
                    source_node_id: c.source_node_id.clone(),
                    column: column.clone(),
                },
                (None, Some(value)) => ShadowedBy::Override {
                    value: value.clone(),
                },
                (None, None) => continue,
            };
            shadowed.push(ShadowedGlobal {
                global: global.to_owned(),
                node_id: node.node_id.clone(),
                by,
            });
        }
    }
    shadowed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flow() -> Flow {
        serde_json::from_value(json!({
            "composition": {
                "composition_id": "comp_x", "name": "x",
                "global_parameters": [
                    { "name": "limit", "type": "integer" },
                    { "name": "region", "type": "string" }
                ]
            },
            "nodes": [
                { "node_id": "plain", "template_id": "tpl_t" },
                { "node_id": "own", "template_id": "tpl_t", "parameter_overrides": { "limit": 5 } },
                { "node_id": "fed", "template_id": "tpl_t", "parameter_overrides": { "limit": 7, "region": "EU" } },
                { "node_id": "src", "template_id": "tpl_t" }
            ],
            "connections": [{
                "connection_id": "c", "source_node_id": "src", "target_node_id": "fed",
                "field_mappings": { "limit": "n" }
            }]
        }))
        .expect("a flow")
    }

    #[test]
    fn a_global_is_shadowed_where_an_override_or_a_mapping_sets_its_parameter() {
        let shadowed = shadowed_globals(&flow(), ["limit", "region", "nowhere"]);
        let found: Vec<(&str, &str, String)> = shadowed
            .iter()
            .map(|s| (s.node_id.as_str(), s.global.as_str(), s.to_string()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "own",
                    "limit",
                    "node `own` does not use global `limit`: its own value 5 overrides it"
                        .to_owned()
                ),
                (
                    "fed",
                    "limit",
                    "node `fed` does not use global `limit`: it takes `limit` from `src.n` (connection `c`)"
                        .to_owned()
                ),
                (
                    "fed",
                    "region",
                    "node `fed` does not use global `region`: its own value \"EU\" overrides it"
                        .to_owned()
                ),
            ]
        );
        assert!(shadowed_globals(&flow(), []).is_empty(), "nothing given");
    }
}
