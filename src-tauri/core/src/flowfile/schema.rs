//! The flow file's JSON Schema, generated from the Rust types (schemars) so it can never
//! drift from what the reader accepts. `docs/flow-file.schema.json` is a committed copy
//! (a test keeps it current) and `flowloom schema` prints it.

use super::FlowFile;
use crate::validation::{Code, Diagnostic};
use serde_json::Value;
use std::sync::LazyLock;

/// The schema as JSON.
pub fn flow_file_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(FlowFile)).expect("a generated schema is JSON")
}

/// The schema's canonical text.
pub fn flow_file_schema_text() -> String {
    let mut text =
        serde_json::to_string_pretty(&flow_file_schema()).expect("a generated schema is JSON");
    text.push('\n');
    text
}

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    jsonschema::validator_for(&flow_file_schema()).expect("the generated flow file schema compiles")
});

/// Every place where `document` breaks the schema.
pub(super) fn check_flow_file(document: &Value) -> Vec<Diagnostic> {
    VALIDATOR
        .iter_errors(document)
        .map(|err| {
            Diagnostic::error(
                Code::SchemaViolation,
                err.instance_path().as_str(),
                err.to_string(),
            )
        })
        .collect()
}
