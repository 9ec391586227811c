//! The domain model: query templates and flows (compositions of template nodes joined by
//! connections), as the user sees them. Plain data: no I/O, no validation beyond shape.

mod flow;
mod template;

pub use flow::{
    CanvasState, Composition, Connection, Flow, FlowDetail, FlowMeta, FlowQuery, FlowSummary,
    GlobalParameter, Node, NodeConfig, Position, Transformation, Viewport,
};
pub use template::{
    ChartConfig, ChartKind, OutputColumn, ParamSpec, ScalarType, Template, TemplateDetail,
};
