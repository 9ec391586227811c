//! A flow's versions (seed 002): each one the whole flow as it was, with what changed from
//! the version before it, who made it and when, and whether it has run (then it is history
//! and never changes).

use crate::ids::{ConnectionId, NodeId};
use crate::model::{Connection, Flow, GlobalParameter, Node};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One difference between two versions of a flow. Nodes, connections and global
/// parameters are matched by id (name); a modified one lists which of its fields changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FlowChange {
    NodeAdded {
        node_id: NodeId,
    },
    NodeRemoved {
        node_id: NodeId,
    },
    NodeModified {
        node_id: NodeId,
        fields: Vec<String>,
    },
    ConnectionAdded {
        connection_id: ConnectionId,
    },
    ConnectionRemoved {
        connection_id: ConnectionId,
    },
    ConnectionModified {
        connection_id: ConnectionId,
        fields: Vec<String>,
    },
    ParameterAdded {
        name: String,
    },
    ParameterRemoved {
        name: String,
    },
    ParameterModified {
        name: String,
        fields: Vec<String>,
    },
    /// The flow's own fields: name, description, tags, is_public, is_active, canvas_state
    /// (its viewport and sticky notes).
    FlowModified {
        fields: Vec<String>,
    },
}

/// A version in a flow's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FlowVersion {
    pub version: u32,
    /// What changed from the version before (for the first: everything it holds, added).
    pub changes: Vec<FlowChange>,
    pub created_by: Option<String>,
    pub created_at: String,
    /// Whether a run used it (then it is immutable).
    pub has_run: bool,
}

/// What changed from `old` (none: the flow is new: everything in it is added) to `new`.
pub fn changes(old: Option<&Flow>, new: &Flow) -> Vec<FlowChange> {
    let empty = Flow::empty(
        new.composition.composition_id.clone(),
        &new.composition.name,
    );
    let mut out = Vec::new();
    if let Some(old) = old {
        let (was, now) = (&old.composition, &new.composition);
        let fields = differing(&[
            ("name", was.name != now.name),
            ("description", was.description != now.description),
            ("tags", was.tags != now.tags),
            ("is_public", was.is_public != now.is_public),
            ("is_active", was.is_active != now.is_active),
            ("canvas_state", was.canvas_state != now.canvas_state),
        ]);
        if !fields.is_empty() {
            out.push(FlowChange::FlowModified { fields });
        }
    }
    let old = old.unwrap_or(&empty);
    let (was, now) = (&old.composition, &new.composition);
    matched(
        &was.global_parameters,
        &now.global_parameters,
        |p| p.name.clone(),
        parameter_fields,
        &mut out,
        |name, kind| match kind {
            Kind::Added => FlowChange::ParameterAdded { name },
            Kind::Removed => FlowChange::ParameterRemoved { name },
            Kind::Modified(fields) => FlowChange::ParameterModified { name, fields },
        },
    );
    matched(
        &old.nodes,
        &new.nodes,
        |n| n.node_id.to_string(),
        node_fields,
        &mut out,
        |id, kind| {
            let node_id = NodeId::new(id);
            match kind {
                Kind::Added => FlowChange::NodeAdded { node_id },
                Kind::Removed => FlowChange::NodeRemoved { node_id },
                Kind::Modified(fields) => FlowChange::NodeModified { node_id, fields },
            }
        },
    );
    matched(
        &old.connections,
        &new.connections,
        |c| c.connection_id.to_string(),
        connection_fields,
        &mut out,
        |id, kind| {
            let connection_id = ConnectionId::new(id);
            match kind {
                Kind::Added => FlowChange::ConnectionAdded { connection_id },
                Kind::Removed => FlowChange::ConnectionRemoved { connection_id },
                Kind::Modified(fields) => FlowChange::ConnectionModified {
                    connection_id,
                    fields,
                },
            }
        },
    );
    out
}

enum Kind {
    Added,
    Removed,
    Modified(Vec<String>),
}

/// Matches `old` and `new` items by key: added and modified in `new`'s order, then removed.
fn matched<T>(
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> String,
    fields: impl Fn(&T, &T) -> Vec<String>,
    out: &mut Vec<FlowChange>,
    change: impl Fn(String, Kind) -> FlowChange,
) {
    let before: BTreeMap<String, &T> = old.iter().map(|item| (key(item), item)).collect();
    let after: BTreeMap<String, &T> = new.iter().map(|item| (key(item), item)).collect();
    for item in new {
        let id = key(item);
        match before.get(&id) {
            None => out.push(change(id, Kind::Added)),
            Some(was) => {
                let changed = fields(was, item);
                if !changed.is_empty() {
                    out.push(change(id, Kind::Modified(changed)));
                }
            }
        }
    }
    for item in old {
        let id = key(item);
        if !after.contains_key(&id) {
            out.push(change(id, Kind::Removed));
        }
    }
}

fn differing(pairs: &[(&str, bool)]) -> Vec<String> {
    pairs
        .iter()
        .filter(|(_, changed)| *changed)
        .map(|(field, _)| (*field).to_owned())
        .collect()
}

fn node_fields(a: &Node, b: &Node) -> Vec<String> {
    differing(&[
        ("template_id", a.template_id != b.template_id),
        (
            // A version kept from before nodes named theirs says nothing of it.
            "template_version",
            a.template_version.is_some()
                && b.template_version.is_some()
                && a.template_version != b.template_version,
        ),
        ("position", a.position != b.position),
        (
            "parameter_overrides",
            a.parameter_overrides != b.parameter_overrides,
        ),
        ("node_config", a.node_config != b.node_config),
        ("is_conditional", a.is_conditional != b.is_conditional),
        (
            "condition_expression",
            a.condition_expression != b.condition_expression,
        ),
    ])
}

fn connection_fields(a: &Connection, b: &Connection) -> Vec<String> {
    differing(&[
        ("source_node_id", a.source_node_id != b.source_node_id),
        ("target_node_id", a.target_node_id != b.target_node_id),
        ("field_mappings", a.field_mappings != b.field_mappings),
        (
            "transformation_rules",
            a.transformation_rules != b.transformation_rules,
        ),
        ("is_required", a.is_required != b.is_required),
    ])
}

fn parameter_fields(a: &GlobalParameter, b: &GlobalParameter) -> Vec<String> {
    differing(&[
        ("type", a.value_type != b.value_type || a.list != b.list),
        ("default", a.default != b.default),
        ("description", a.description != b.description),
    ])
}
