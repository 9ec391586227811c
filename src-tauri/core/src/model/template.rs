//! Query templates: parameterised SQL with `{{param}}` placeholders and a typed parameter schema.

use crate::ids::{SourceId, TemplateId};
use serde::{Deserialize, Serialize};

/// The value types a parameter, a global parameter or an output column can have.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    specta::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ScalarType {
    String,
    Integer,
    Decimal,
    Boolean,
    Date,
    Datetime,
    Json,
}

/// One declared parameter of a template. `list` makes it a list of `type`, bound as a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub value_type: ScalarType,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub list: bool,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_values: Vec<serde_json::Value>,
}

/// A column a template is declared to return.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct OutputColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub value_type: ScalarType,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Bar,
    Line,
    Area,
    Scatter,
    Pie,
}

/// How a template's result is best drawn: `x` against one or more `y` columns, optionally
/// split into one series per value of `series`.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct ChartConfig {
    pub kind: ChartKind,
    pub x: String,
    pub y: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
}

/// What a template's node does when it runs.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    specta::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    /// Runs its SQL on the data engine.
    #[default]
    Sql,
    /// Works on a data table (seed 000's `flex-table` node): its parameters say which
    /// operation (create, get, list, write) on which table; see `engine::table_node`.
    DataTable,
}

impl TemplateKind {
    fn is_sql(&self) -> bool {
        *self == Self::Sql
    }

    /// As the database and files spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sql => "sql",
            Self::DataTable => "data_table",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Sql, Self::DataTable]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// A reusable query (seed 002 `query_flow_templates`): the content that travels in files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub template_id: TemplateId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "TemplateKind::is_sql")]
    pub kind: TemplateKind,
    /// The data source its SQL runs on (`src_local`, the workspace's own engine, unless
    /// it names another).
    #[serde(default, skip_serializing_if = "SourceId::is_local")]
    pub source_id: SourceId,
    /// The query; for a data-table template, a comment saying what it does instead.
    pub sql: String,
    #[serde(default)]
    pub parameters: Vec<ParamSpec>,
    /// Declared result columns, where known; mappings from this template are checked
    /// against them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_columns: Option<Vec<OutputColumn>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_config: Option<ChartConfig>,
    #[serde(default = "first_version")]
    pub version: u32,
}

impl Template {
    pub fn parameter(&self, name: &str) -> Option<&ParamSpec> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

/// A template as the workspace holds it: its content plus what only the workspace knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
pub struct TemplateDetail {
    pub template: Template,
    /// How many nodes, across all flows, place it.
    pub usage_count: u32,
    /// An inactive template cannot be placed, and flows using it do not validate.
    pub is_active: bool,
}

fn first_version() -> u32 {
    1
}
