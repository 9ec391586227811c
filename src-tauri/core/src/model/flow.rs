//! Flows: a composition (seed 002 `template_flow_compositions`) with its nodes and connections.

use crate::ids::{CompositionId, ConnectionId, NodeId, TemplateId};
use crate::model::ParamMap;
use crate::model::{ScalarType, Template};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A flow as the user drew it: not yet validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
pub struct Flow {
    pub composition: Composition,
    pub nodes: Vec<Node>,
    pub connections: Vec<Connection>,
}

impl Flow {
    /// A new flow with no nodes yet, as the user starts drawing one.
    pub fn empty(id: CompositionId, name: &str) -> Self {
        Self {
            composition: Composition {
                composition_id: id,
                name: name.to_owned(),
                description: String::new(),
                tags: Vec::new(),
                global_parameters: Vec::new(),
                canvas_state: CanvasState::default(),
                is_public: false,
                is_active: true,
            },
            nodes: Vec::new(),
            connections: Vec::new(),
        }
    }

    pub fn node(&self, id: &NodeId) -> Option<&Node> {
        self.nodes.iter().find(|n| &n.node_id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Composition {
    pub composition_id: CompositionId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub global_parameters: Vec<GlobalParameter>,
    #[serde(default)]
    pub canvas_state: CanvasState,
    #[serde(default)]
    pub is_public: bool,
    #[serde(default = "yes")]
    pub is_active: bool,
}

/// A flow-wide parameter that every node's template parameter of the same name receives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlobalParameter {
    pub name: String,
    #[serde(rename = "type")]
    pub value_type: ScalarType,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub list: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

#[derive(
    Debug, Clone, PartialEq, Default, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct CanvasState {
    pub viewport: Viewport,
    /// Sticky notes on the canvas: text for the reader, never run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<StickyNote>,
}

/// A note stuck on the canvas beside the nodes, with an id unique among the flow's notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StickyNote {
    pub id: String,
    #[serde(default)]
    pub text: String,
    pub position: Position,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Self {
            x: 0.0,
            y: 0.0,
            zoom: 1.0,
        }
    }
}

/// A template placed on the canvas (seed 002 `template_flow_nodes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub node_id: NodeId,
    pub template_id: TemplateId,
    /// The version of its template the node was built with, and runs with until it is
    /// updated. A workspace pins every node it stores (to the version current when it was
    /// placed); in a flow file it is written only when the file carries several versions of
    /// the template, and a node without one uses the newest the file carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_version: Option<u32>,
    #[serde(default)]
    pub position: Position,
    #[serde(default)]
    pub node_config: NodeConfig,
    /// Values fixed on this node, by parameter name.
    #[serde(default)]
    pub parameter_overrides: BTreeMap<String, serde_json::Value>,
    /// The node's level in the plan (longest path from a source); computed, never authored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_order: Option<u32>,
    #[serde(default)]
    pub is_conditional: bool,
    /// A CEL expression over `params` and `upstream` facts (see `condition.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_expression: Option<String>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Default,
    Serialize,
    Deserialize,
    specta::Type,
    schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

/// How a node looks on the canvas.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// How long one attempt of the node's query may take (default: 10 minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    /// How many times a failed query is tried again, with doubling waits (default: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// A list parameter to run the node once per value of, binding that value alone each
    /// time; the results are unioned with the value as a column named after the parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_each: Option<String>,
    /// A newer version of the node's template that the user chose not to take: the node keeps
    /// its own and is not told about this one again (a later version is shown again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declined_template_version: Option<u32>,
}

/// A connection carries columns of the source node's result into parameters of the target
/// node (seed 002 `template_flow_connections`). It is the one home of a mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    pub connection_id: ConnectionId,
    pub source_node_id: NodeId,
    pub target_node_id: NodeId,
    /// `{target_param: source_column}`. A single-value parameter of a node takes one
    /// connection; a list parameter may take several, whose values the node gets as a set
    /// union: in the order of the connections' ids, then of first appearance, each value once.
    #[serde(default)]
    #[specta(type = BTreeMap<String, String>)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub field_mappings: ParamMap<String>,
    /// `{target_param: transformation}`; a mapping without one passes the column as a list.
    #[serde(default)]
    #[specta(type = BTreeMap<String, Transformation>)]
    #[schemars(with = "BTreeMap<String, Transformation>")]
    pub transformation_rules: ParamMap<Transformation>,
    #[serde(default = "yes")]
    pub is_required: bool,
}

/// How a source column becomes a parameter value. Written as a string in files and the
/// database: `distinct_list`, `first`, `cast:integer`, ….
#[derive(Debug, Clone, Copy, PartialEq, Eq, specta::Type)]
#[specta(type = String)]
pub enum Transformation {
    /// Every value of the column, in order.
    List,
    /// The column's distinct values, in first-seen order.
    DistinctList,
    First,
    Count,
    Sum,
    Min,
    Max,
    Cast(ScalarType),
}

impl Transformation {
    /// Whether the result is a single value (fit for a scalar parameter).
    pub fn is_single_value(self) -> bool {
        !matches!(self, Self::List | Self::DistinctList | Self::Cast(_))
    }
}

impl fmt::Display for Transformation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::List => "list",
            Self::DistinctList => "distinct_list",
            Self::First => "first",
            Self::Count => "count",
            Self::Sum => "sum",
            Self::Min => "min",
            Self::Max => "max",
            Self::Cast(to) => {
                let to = serde_json::to_value(to).map_err(|_| fmt::Error)?;
                return write!(f, "cast:{}", to.as_str().unwrap_or_default());
            }
        };
        f.write_str(name)
    }
}

impl FromStr for Transformation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "list" => Self::List,
            "distinct_list" => Self::DistinctList,
            "first" => Self::First,
            "count" => Self::Count,
            "sum" => Self::Sum,
            "min" => Self::Min,
            "max" => Self::Max,
            _ => match s.strip_prefix("cast:") {
                Some(to) => Self::Cast(
                    serde_json::from_value(serde_json::Value::String(to.to_owned()))
                        .map_err(|_| format!("unknown cast target `{to}`"))?,
                ),
                None => return Err(format!("unknown transformation `{s}`")),
            },
        })
    }
}

impl schemars::JsonSchema for Transformation {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Transformation".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "How a source column becomes a parameter value.",
            "pattern": "^(list|distinct_list|first|count|sum|min|max|cast:(string|integer|decimal|boolean|date|datetime|json))$"
        })
    }
}

impl Serialize for Transformation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Transformation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What the workspace knows about a stored flow beyond what the user drew.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
pub struct FlowMeta {
    pub created_at: String,
    pub updated_at: String,
    pub execution_count: u32,
    pub last_executed_at: Option<String>,
    pub is_favorite: bool,
    /// When the user last opened or ran it.
    pub last_used_at: Option<String>,
    /// The gallery flow it was made from, while that entry exists (seed 004).
    pub flow_template_id: Option<String>,
}

/// A stored flow with its bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
pub struct FlowDetail {
    pub flow: Flow,
    pub meta: FlowMeta,
    /// The earlier versions of templates its nodes are built on (each template as it is now
    /// is in the template list), sorted by id and version.
    pub pinned_templates: Vec<Template>,
}

/// One line of the home screen's flow list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
pub struct FlowSummary {
    pub composition_id: CompositionId,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    pub node_count: u32,
    pub meta: FlowMeta,
}

/// Filters for listing flows; all given filters must hold.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
pub struct FlowQuery {
    /// Matches name, description or id, case-insensitively.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub favorites_only: bool,
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transformations_round_trip_through_their_text_form() {
        for text in [
            "list",
            "distinct_list",
            "first",
            "count",
            "sum",
            "min",
            "max",
            "cast:date",
        ] {
            let t: Transformation = text.parse().expect(text);
            assert_eq!(t.to_string(), text);
        }
        assert_eq!(
            "cast:money".parse::<Transformation>(),
            Err("unknown cast target `money`".to_owned())
        );
        assert!("median".parse::<Transformation>().is_err());
    }
}
