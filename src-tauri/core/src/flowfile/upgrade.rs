//! Format versions: a document written by an older Flowloom is upgraded one version at a
//! time before anything else reads it; one newer than this build is refused clearly.
//!
//! Version 0 was the pre-release draft shaped like seed 002: mappings lived on the target
//! node (`parameter_mappings: {param: {source_node, source_field}}`). Version 1 keeps them
//! only on connections.

use super::FORMAT_VERSION;
use crate::validation::{Code, Diagnostic, pointer_segment};
use serde_json::{Map, Value, json};

type Step = fn(&mut Map<String, Value>, &str) -> Result<(), Box<Diagnostic>>;

/// `STEPS[v]` turns a version-`v` document into a version-`v + 1` one.
const STEPS: [Step; FORMAT_VERSION as usize] = [v0_to_v1];

pub(super) fn to_current(mut value: Value, format: &'static str) -> Result<Value, Vec<Diagnostic>> {
    let Some(root) = value.as_object_mut() else {
        return Err(vec![Diagnostic::error(
            Code::BadFile,
            "",
            format!("a {format} file is a JSON object"),
        )]);
    };
    match root.get("format").and_then(Value::as_str) {
        Some(found) if found == format => {}
        Some(found) => {
            return Err(vec![Diagnostic::error(
                Code::BadFile,
                "/format",
                format!("expected format `{format}`, found `{found}`"),
            )]);
        }
        None => {
            return Err(vec![Diagnostic::error(
                Code::BadFile,
                "/format",
                format!("missing `\"format\": \"{format}\"`"),
            )]);
        }
    }
    let Some(mut version) = root.get("format_version").and_then(Value::as_u64) else {
        return Err(vec![Diagnostic::error(
            Code::BadFile,
            "/format_version",
            "missing or non-numeric `format_version`",
        )]);
    };
    if version > u64::from(FORMAT_VERSION) {
        return Err(vec![Diagnostic::error(
            Code::BadFile,
            "/format_version",
            format!(
                "format version {version} is newer than this Flowloom reads (up to {FORMAT_VERSION}): update Flowloom"
            ),
        )]);
    }
    while version < u64::from(FORMAT_VERSION) {
        STEPS[version as usize](root, format).map_err(|d| vec![*d])?;
        version += 1;
        root.insert("format_version".into(), json!(version));
    }
    Ok(value)
}

/// Moves node `parameter_mappings` onto connections, creating a connection where the
/// draft had a mapping without one.
fn v0_to_v1(root: &mut Map<String, Value>, format: &str) -> Result<(), Box<Diagnostic>> {
    if format != super::FLOW_FORMAT {
        return Ok(());
    }
    let mut moved: Vec<(String, String, String, String)> = Vec::new(); // (source, target, param, column)
    if let Some(Value::Array(nodes)) = root.get_mut("nodes") {
        for (i, node) in nodes.iter_mut().enumerate() {
            let Some(node) = node.as_object_mut() else {
                continue;
            };
            let target = node
                .get("node_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let Some(mappings) = node.remove("parameter_mappings") else {
                continue;
            };
            let Value::Object(mappings) = mappings else {
                return Err(Box::new(Diagnostic::error(
                    Code::SchemaViolation,
                    format!("/nodes/{i}/parameter_mappings"),
                    "expected an object",
                )));
            };
            for (param, mapping) in mappings {
                let field =
                    |name: &str| mapping.get(name).and_then(Value::as_str).map(str::to_owned);
                let (Some(source), Some(column)) = (field("source_node"), field("source_field"))
                else {
                    return Err(Box::new(Diagnostic::error(
                        Code::SchemaViolation,
                        format!("/nodes/{i}/parameter_mappings/{}", pointer_segment(&param)),
                        "a version 0 mapping needs `source_node` and `source_field`",
                    )));
                };
                moved.push((source, target.clone(), param, column));
            }
        }
    }
    let connections = root.entry("connections").or_insert_with(|| json!([]));
    let Value::Array(connections) = connections else {
        return Err(Box::new(Diagnostic::error(
            Code::SchemaViolation,
            "/connections",
            "expected a list",
        )));
    };
    for (source, target, param, column) in moved {
        let existing = connections.iter_mut().find(|c| {
            c.get("source_node_id").and_then(Value::as_str) == Some(&source)
                && c.get("target_node_id").and_then(Value::as_str) == Some(&target)
        });
        let conn = match existing {
            Some(conn) => conn,
            None => {
                connections.push(json!({
                    "connection_id": format!("{source}_to_{target}"),
                    "source_node_id": source,
                    "target_node_id": target,
                }));
                connections.last_mut().expect("just pushed")
            }
        };
        if let Some(conn) = conn.as_object_mut() {
            let mappings = conn.entry("field_mappings").or_insert_with(|| json!({}));
            if let Some(mappings) = mappings.as_object_mut() {
                mappings.insert(param, Value::String(column));
            }
        }
    }
    Ok(())
}
