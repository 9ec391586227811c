//! Flowloom's core: everything the desktop app and the `flowloom` command share.
//!
//! It owns the domain model ([`model`]), the identifiers ([`ids`]), validation of flows as
//! DAGs ([`validation`], with the [`condition`] language), the SQLite store ([`store`]),
//! workspaces and their first-start seeding ([`workspace`], [`sample_data`]), the flow
//! file format ([`flowfile`]), and running template SQL: typed values ([`value`]), rendering
//! with bound parameters ([`render`]) and the data engines ([`engine`]).
//!
//! Invariant: nothing here depends on Tauri, GTK or a display. The desktop app and the CLI are
//! thin adapters over this crate, and a tidy test keeps it that way.

pub mod api;
pub mod authoring;
pub mod condition;
pub mod deep_stack;
pub mod engine;
pub mod flowfile;
pub mod gallery;
pub mod ids;
pub mod model;
pub mod render;
pub mod run_locks;
pub mod sample_data;
pub mod schedule;
pub mod sources;
pub mod store;
pub mod tables;
pub mod user_files;
pub mod validation;
pub mod value;
pub mod workspace;

pub use ids::{CompositionId, ConnectionId, NodeId, SourceId, TemplateId};
pub use model::{
    CanvasState, ChartConfig, ChartKind, Composition, Connection, Flow, FlowDetail, FlowMeta,
    FlowQuery, FlowSummary, GlobalParameter, Node, NodeConfig, OutputColumn, ParamSpec, Position,
    ScalarType, Template, TemplateDetail, Transformation, Viewport,
};
pub use store::{Entity, Store, StoreError};
pub use workspace::{Workspace, WorkspaceError};
