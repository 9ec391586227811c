//! The domain model: query templates, flows (compositions of template nodes joined by
//! connections), their runs and the user's data tables, as the user sees them. Plain data: no I/O, no validation beyond shape.

mod flow;
mod gallery;
mod param_map;
mod run;
mod schedule;
mod source;
mod table;
mod template;
pub mod version;

pub use flow::{
    CanvasState, Composition, Connection, Flow, FlowDetail, FlowMeta, FlowQuery, FlowSummary,
    GlobalParameter, Node, NodeConfig, Position, StickyNote, Transformation, Viewport,
};
pub use gallery::GalleryFlow;
pub use param_map::ParamMap;
pub use run::{
    KeptResult, NodeOutcome, NodeRecord, NodeStatus, ResultColumn, RunDetail, RunId, RunStatus,
    RunSummary, Trigger,
};
pub use schedule::{OverlapPolicy, RunOrigin, Schedule, ScheduleSpec, ScheduleTrigger};
pub use source::{
    DataSource, PostgresConfig, SourceConfig, SourceDetail, SourceKind, SourceRef, SslMode,
    parse_duration,
};
pub use table::{
    Column, ColumnType, DroppedTable, FilterOp, OnDelete, RowFilter, RowSort, RowsQuery,
    SchemaChange, TableDetail, TableSchema, TableSummary, TableVersion, TableWrite, Validation,
    WriteMode,
};
pub use template::{
    ChartConfig, ChartKind, OutputColumn, ParamSpec, ScalarType, Template, TemplateDetail,
    TemplateKind,
};
pub use version::{FlowChange, FlowVersion};
